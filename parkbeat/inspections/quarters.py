"""Quarters of the year in Asia/Shanghai, whatever the server's time zone: an inspection at 23:30 on 31 March
Shanghai time (15:30 UTC) belongs to Q1."""
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1…4

    @classmethod
    def of(cls, moment):
        """The quarter of an aware datetime (read in Shanghai) or of a date."""
        day = moment.astimezone(SHANGHAI).date() if isinstance(moment, datetime) else moment
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self):
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self):
        following = self.next()
        return date.fromordinal(following.first_day.toordinal() - 1)

    @property
    def start(self):
        """The first instant, aware (Shanghai midnight)."""
        return datetime.combine(self.first_day, time.min, tzinfo=SHANGHAI)

    @property
    def end(self):
        """The first instant of the next quarter (exclusive)."""
        return self.next().start

    def next(self):
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self):
        return f"{self.year}Q{self.number}"

    @classmethod
    def parse(cls, text):
        """"2026Q1" -> Quarter(2026, 1); ValueError otherwise."""
        year, sep, number = str(text).upper().partition("Q")
        if not sep or not year.isdigit() or number not in ("1", "2", "3", "4"):
            raise ValueError(text)
        return cls(int(year), int(number))


def quarters_of(year):
    return [Quarter(year, n) for n in (1, 2, 3, 4)]
