"""Production hours (Enterprise.production_hours) as time: is a lecture inside them, and which slots are free.

A timetable maps weekdays to periods, `{"mon": [["08:00", "12:00"], ["22:00", "06:00"]], ...}`, wall-clock times in
Asia/Shanghai (no daylight saving, so a local day is always 24 hours). A period whose start lies after its end runs
across midnight into the next day: Monday's ["22:00", "06:00"] makes Tuesday 00:00–06:00 production time too, and
Sunday's runs into Monday. "23:59" and "24:00" as an end mean midnight (the registry's round-the-clock shifts end
so; older rows stored "24:00"). A day absent from the timetable (or with no periods) has no production of its own.
A timetable that cannot be read (a time that is no "HH:MM", a period that is no pair) raises UnreadableTimetable, a
ValueError the services turn into a refusal naming the enterprise's production hours. Pure functions: no database.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
SLOT_STEP = timedelta(minutes=30)  # suggested slots start on the hour or the half hour
SLOT_DAY = (time(8, 0), time(21, 0))  # suggested slots lie between these, on one day
SLOT_DAYS = 7
SLOT_COUNT = 5


class UnreadableTimetable(ValueError):
    """A stored timetable this module cannot read: `text` is the part that failed."""

    def __init__(self, text):
        super().__init__(text)
        self.text = str(text)[:40]


def minutes(text):
    """"HH:MM" -> minutes after midnight, "24:00" (the end of the day) -> 1440; UnreadableTimetable for anything
    else."""
    if text == "24:00":
        return DAY_MINUTES
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        raise UnreadableTimetable(text)
    hours, mins = int(text[:2]), int(text[3:])
    if hours > 23 or mins > 59:
        raise UnreadableTimetable(text)
    return hours * 60 + mins


def day_periods(timetable):
    """{weekday index: [(start, end) in minutes from that day's midnight]}, an overnight period's end past 1440."""
    found = {}
    if not isinstance(timetable or {}, dict):
        raise UnreadableTimetable(timetable)
    for day, periods in (timetable or {}).items():
        if day not in WEEKDAYS:
            continue
        index = WEEKDAYS.index(day)
        if not isinstance(periods or [], (list, tuple)):
            raise UnreadableTimetable(periods)
        for period in periods or ():
            if not isinstance(period, (list, tuple)) or len(period) != 2:
                raise UnreadableTimetable(period)
            start_text, end_text = period
            start, end = minutes(start_text), minutes(end_text)
            if end_text == "23:59":
                end = DAY_MINUTES
            if end <= start:
                end += DAY_MINUTES  # across midnight, into the next day
            found.setdefault(index, []).append((start, end))
    return found


def local(moment):
    """An aware datetime as a naive wall-clock time in Asia/Shanghai (a naive one is taken as such already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


def production_intervals(timetable, start, end):
    """The production periods, as naive Asia/Shanghai (from, to) pairs, that may touch [start, end): those of each
    day from the day before `start` (its overnight period) to the day of `end`."""
    periods = day_periods(timetable)
    start, end = local(start), local(end)
    day = datetime.combine(start.date() - timedelta(days=1), time())
    last = datetime.combine(end.date(), time())
    found = []
    while day <= last:
        for a, b in periods.get(day.weekday(), ()):
            found.append((day + timedelta(minutes=a), day + timedelta(minutes=b)))
        day += timedelta(days=1)
    return found


def overlapping(timetable, starts_at, ends_at):
    """The production periods that [starts_at, ends_at) overlaps (naive Asia/Shanghai pairs), earliest first."""
    start, end = local(starts_at), local(ends_at)
    if end <= start:
        return []
    return sorted((a, b) for a, b in production_intervals(timetable, start, end) if a < end and start < b)


def in_production(timetable, starts_at, ends_at):
    """Whether [starts_at, ends_at) overlaps any production period, the previous day's overnight one included."""
    return bool(overlapping(timetable, starts_at, ends_at))


def free_slots(timetable, *, duration, after, busy=(), days=SLOT_DAYS, count=SLOT_COUNT, day_window=SLOT_DAY,
               not_before=None):
    """Up to `count` slots of `duration`, one after another without overlapping, on the day of `after` and the
    `days` following it: each starting on a half hour, at or after `after` (and `not_before`, e.g. now), lying
    between the day window's bounds of one day, outside production and overlapping none of `busy` (aware or
    naive (from, to) pairs, e.g. the enterprise's other planned lectures). Aware Asia/Shanghai datetimes."""
    if duration <= timedelta(0):
        return []
    begin = max(local(after), local(not_before)) if not_before is not None else local(after)
    first_day = local(after).date()
    busy = [(local(a), local(b)) for a, b in busy]
    found = []
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        opens, closes = datetime.combine(day, day_window[0]), datetime.combine(day, day_window[1])
        taken = busy + production_intervals(timetable, opens, closes)
        slot = opens
        while slot + duration <= closes:
            if slot < begin:
                slot += SLOT_STEP
                continue
            until = slot + duration
            clash = [b for a, b in taken if a < until and slot < b]
            if clash:
                slot = _next_step(opens, max(clash))
                continue
            found.append((slot.replace(tzinfo=SHANGHAI), until.replace(tzinfo=SHANGHAI)))
            if len(found) >= count:
                return found
            slot = _next_step(opens, until)
    return found


def _next_step(opens, moment):
    """The first half-hour step of the day (counted from `opens`) at or after `moment`."""
    steps = -(-(moment - opens) // SLOT_STEP)  # ceiling division of timedeltas
    return opens + steps * SLOT_STEP
