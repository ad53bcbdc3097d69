"""Duty hours of a finished schedule, week by week: each fellow's rotation hours on the working
days they are present, the hours of the call duties that start in the week, less the rotation
hours of a post-call day off, and their days free of both (read by the checker and the
report)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from rotations.calendar import DAY
from rotations.problem import Problem
from rotations.schedule import Schedule


@dataclass(frozen=True)
class Week:
    """One fellow's week (seven days from the program start): their hours and days off."""

    number: int  # 1-based
    start: dt.date
    end: dt.date
    inside: bool  # the whole week lies inside the fellow's dates
    rotation: Fraction  # rotation hours on the working days present, post-call days excluded
    call: int  # hours of the duties starting this week
    days_off: int

    @property
    def hours(self) -> Fraction:
        return self.rotation + self.call


def duty_weeks(problem: Problem, schedule: Schedule) -> dict[str, list[Week]]:
    """Fellow id -> their weeks, in order (empty when the program has no duty hours)."""
    duty = problem.config.duty_hours
    if duty is None:
        return {}
    calls = {call.id: call for call in problem.config.call}
    away = problem.leave_taken(schedule.granted_leave)
    block_of = problem.block_of
    first, last = problem.blocks[0].start, problem.blocks[-1].end
    out: dict[str, list[Week]] = {}
    for f, fellow in enumerate(problem.fellows):
        starting: dict[dt.date, int] = {}
        covered: set[dt.date] = set()
        post_call: set[dt.date] = set()
        for x in schedule.calls:
            if x.fellow != fellow.id:
                continue
            call, day = calls[x.call], dt.date.fromisoformat(x.date)
            end = day + (call.span - 1) * DAY
            starting[day] = starting.get(day, 0) + call.hours
            covered.update(day + i * DAY for i in range(call.span))
            if call.post_call_off:
                post_call.add(end + DAY)
        weeks, start, number = [], first, 1
        while start <= last:
            end = min(start + 6 * DAY, last)
            rotation, hours, off = Fraction(0), 0, 0
            day = start
            while day <= end:
                b = block_of[day]
                working = day in problem.working_days[b]
                present = problem.inside(f, day) and day not in away[f]
                rid = schedule.assignments[fellow.id][b]
                if working and present and day not in post_call and rid is not None:
                    rotation += Fraction(duty.rotation_hours[rid], 5)
                hours += starting.get(day, 0)
                if day not in covered and (not working or not present or day in post_call):
                    off += problem.inside(f, day)
                day += DAY
            inside = problem.inside(f, start) and problem.inside(f, end)
            weeks.append(Week(number, start, end, inside, rotation, hours, off))
            start, number = end + DAY, number + 1
        out[fellow.id] = weeks
    return out


def windows(weeks: list[Week], n: int) -> list[list[Week]]:
    """Every run of `n` consecutive weeks wholly inside the fellow's dates (all of them as one
    run when there are fewer)."""
    inside = [w for w in weeks if w.inside]
    if len(inside) <= n:
        return [inside] if inside else []
    return [inside[i : i + n] for i in range(len(inside) - n + 1)]
