"""The program's calendar: blocks and their dates, public holidays and working days."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Block:
    """One block of the year; `number` is 1-based, `start` and `end` are inclusive."""

    number: int
    start: dt.date
    end: dt.date

    @property
    def index(self) -> int:
        return self.number - 1

    def days(self) -> list[dt.date]:
        return [self.start + i * DAY for i in range((self.end - self.start).days + 1)]

    def ranges_within(self, days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
        """The runs of `days` (a fellow's leave, say) that fall in the block."""
        return day_ranges(d for d in days if self.start <= d <= self.end)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and start <= self.end

    def __str__(self) -> str:
        return f"block {self.number} ({self.start}..{self.end})"


def day_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The days as runs of consecutive days, each (first, last), in order: two leaves in one
    block are two ranges, never one from the first day to the last."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + DAY == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def describe_ranges(ranges: Iterable[tuple[dt.date, dt.date]]) -> str:
    """ "2027-12-20 to 2027-12-31, 2028-01-10 to 2028-01-14" (a single day once)."""
    return ", ".join(str(a) if a == b else f"{a} to {b}" for a, b in ranges)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def make_blocks(start: dt.date, count: int, length: str) -> list[Block]:
    """The year's blocks: `length` is "1 week", "2 weeks", "4 weeks" or "1 month"."""
    if length == "1 month":
        starts = [add_months(start, i) for i in range(count + 1)]
    else:
        weeks = int(length.split()[0])
        starts = [start + dt.timedelta(weeks=weeks * i) for i in range(count + 1)]
    return [Block(i + 1, starts[i], starts[i + 1] - DAY) for i in range(count)]


def holiday_dates(spec: str | list[dt.date] | None, first: dt.date, last: dt.date) -> set[dt.date]:
    """Public holidays between `first` and `last`: observed dates of a country, or a given list."""
    if spec is None:
        return set()
    if isinstance(spec, list):
        return {d for d in spec if first <= d <= last}
    import holidays

    country, _, subdiv = spec.partition("-")
    table = holidays.country_holidays(
        country, subdiv=subdiv or None, years=range(first.year, last.year + 1), observed=True
    )
    return {d for d in table if first <= d <= last}


def working_days(block: Block, holidays: set[dt.date]) -> list[dt.date]:
    """Monday to Friday in the block, public holidays excluded."""
    return [d for d in block.days() if d.weekday() < 5 and d not in holidays]


def session_dates(
    weekday: int, every_weeks: int, first: dt.date, last: dt.date, skip: AbstractSet[dt.date]
) -> list[dt.date]:
    """Every `every_weeks`-th `weekday` (0 = Monday) from the first on or after `first` to
    `last`, leaving out the `skip` dates."""
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while day <= last:
        if day not in skip:
            out.append(day)
        day += dt.timedelta(weeks=every_weeks)
    return out
