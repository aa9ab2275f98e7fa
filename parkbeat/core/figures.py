"""Figure helpers shared by every app's selectors: the apps declare what they count, these compute it."""
import math
from fractions import Fraction


def percentile(values, p):
    """The p-th percentile by LINEAR INTERPOLATION between closest ranks (numpy's default, Excel's
    PERCENTILE.INC): rank h = (n − 1)·p/100, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    The median is p = 50 (the mean of the two middle values when n is even). None for no values."""
    xs = sorted(Fraction(v) for v in values)  # exact arithmetic, one rounding at the end
    if not xs:
        return None
    h = Fraction((len(xs) - 1) * p, 100)
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo] + (h - lo) * (xs[hi] - xs[lo]))
