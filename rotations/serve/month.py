"""A person's month as a calendar a phone shows without zooming: seven columns, each day its
rotation (in the report's colour), leave or days away, and a word for each duty (call,
conference, seminar); under it the same days in full sentences. Read from the publication the
pages serve (rotations, leave, call, conference roles, seminars), with the program's faculty
days away."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field

from rotations.calendar import DAY, add_months
from rotations.output.palette import abbreviation, text_color
from rotations.problem import Problem
from rotations.published import Publication


@dataclass
class Day:
    date: dt.date
    ours: bool  # in the month shown (else a day of the weeks around it)
    today: bool
    rotation: tuple[str, str, str, str] | None = None  # abbreviation, name, colour, text colour
    off: str = ""  # "leave" or "away"
    tags: list[str] = field(default_factory=list)  # one word each: the cell
    items: list[str] = field(default_factory=list)  # a sentence each: the list under it


@dataclass
class Month:
    first: dt.date
    weeks: list[list[Day]]
    before: dt.date | None  # the month before, if the year has it
    after: dt.date | None

    @property
    def days(self) -> list[Day]:
        """The month's own days that have something to say, for the list under the grid."""
        return [d for week in self.weeks for d in week if d.ours and (d.items or d.off)]


def month_shown(asked: str | None, today: dt.date, year: tuple[dt.date, dt.date]) -> dt.date:
    """The first of the month asked for (`2027-08`), else of today's, within the year."""
    first, last = year
    try:
        chosen = dt.date.fromisoformat(f"{asked}-01") if asked else today
    except ValueError:
        chosen = today
    chosen = min(max(chosen, first), last)
    return chosen.replace(day=1)


def person_month(
    published: Publication,
    problem: Problem,
    person: str,
    role: str,
    first: dt.date,
    colors: dict[str, str],
    today: dt.date,
) -> Month:
    """`person`'s month from `first` (a fellow's rotations, leave and call; everyone's
    conference roles and seminars; a faculty member's days away)."""
    weeks = _calendar.Calendar().monthdatescalendar(first.year, first.month)
    days = {d: Day(d, d.month == first.month, d == today) for week in weeks for d in week}
    start, end = weeks[0][0], weeks[-1][-1]
    if role == "fellow":
        _fellow_days(published, person, days, colors)
    else:
        for faculty in problem.faculty:
            if faculty.id == person:
                for away in faculty.away:
                    for day in _span(away.start, away.end, start, end):
                        days[day].off = "away"
                        days[day].items.append("Away" + (f": {away.reason}" if away.reason else ""))
    conferences = {c.id: c for c in published.conferences}
    for r in published.roles:
        if r.person == person and r.date in days:
            name = conferences[r.conference].name if r.conference in conferences else r.conference
            days[r.date].tags.append("Conf")
            days[r.date].items.append(f"{name}, {r.start}–{r.end}: {_role(r.role, r.discipline)}")
    for x in published.lessons:
        if x.date in days and x.involves(person):
            teaches = " (you teach)" if x.teacher == person else ""
            days[x.date].tags.append("Sem")
            days[x.date].items.append(f"{x.series}, {x.start}–{x.end}: {x.topic}{teaches}")
    last = dt.date(first.year, first.month, _calendar.monthrange(first.year, first.month)[1])
    return Month(
        first,
        [[days[d] for d in week] for week in weeks],
        add_months(first, -1) if first - DAY >= published.blocks[0].start else None,
        last + DAY if last < published.blocks[-1].end else None,
    )


def _fellow_days(
    published: Publication, fellow: str, days: dict[dt.date, Day], colors: dict[str, str]
) -> None:
    start, end = min(days), max(days)
    row = published.assignments.get(fellow, [])
    for block, rid in zip(published.blocks, row, strict=False):
        if rid is None:
            continue
        color = colors.get(rid, "#BBBBBB")
        shown = (abbreviation(rid), published.rotations.get(rid, rid), color, text_color(color))
        for day in _span(block.start, block.end, start, end):
            days[day].rotation = shown
    for period in published.leave_of(fellow):
        for day in _span(period.start, period.end, start, end):
            days[day].off = "leave"
            days[day].items.append("On leave")
    for x in published.calls:
        if x.fellow == fellow and x.date in days:
            days[x.date].tags.append("Call")
            days[x.date].items.append(f"{x.call_name} ({x.hours} hours)")


def _span(first: dt.date, last: dt.date, start: dt.date, end: dt.date):
    day = max(first, start)
    while day <= min(last, end):
        yield day
        day += DAY


def _role(role: str, discipline: str) -> str:
    return "you present" if role == "presenter" else f"panel ({discipline})"
