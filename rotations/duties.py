"""The call layer resolved: every duty of `call:` in the year (a call's day, or its weekend),
the weeks duty hours are counted in, and the rules `call:` and `duty_hours:` imply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rotations.calendar import DAY, Block
from rotations.config.call import DAYS, Call
from rotations.config.source import Path_, SourceMap
from rotations.implied import Implied

if TYPE_CHECKING:
    from rotations.config import models
    from rotations.problem import Problem


@dataclass(frozen=True)
class Duty:
    """One duty of a call: its first and last day (the same for a night), and the block of
    its first day, whose rotation decides who may take it."""

    call: int  # index into config.call
    first: dt.date
    last: dt.date
    block: int  # 0-based block of `first`

    def days(self) -> list[dt.date]:
        return [self.first + i * DAY for i in range((self.last - self.first).days + 1)]

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def make_duties(calls: list[Call], blocks: list[Block]) -> list[Duty]:
    """Every duty of every call that starts in the year and ends in it, by call then date."""
    first, last = blocks[0].start, blocks[-1].end
    block_of = {day: b.index for b in blocks for day in b.days()}
    out = []
    for c, call in enumerate(calls):
        day = first
        while day + (call.span - 1) * DAY <= last:
            if DAYS[day.weekday()] in call.starts:
                out.append(Duty(c, day, day + (call.span - 1) * DAY, block_of[day]))
            day += DAY
    return out


def duty_weeks(blocks: list[Block]) -> list[tuple[dt.date, dt.date]]:
    """The weeks duty hours are counted in: seven days at a time from the program start (the
    last may be shorter)."""
    first, last = blocks[0].start, blocks[-1].end
    out = []
    while first <= last:
        out.append((first, min(first + 6 * DAY, last)))
        first += 7 * DAY
    return out


def week_runs(inside: list[bool], n: int) -> list[range]:
    """Every run of `n` consecutive weeks wholly inside the fellow's dates (all of them as one
    when fewer)."""
    weeks = [w for w, yes in enumerate(inside) if yes]
    if not weeks:
        return []
    if len(weeks) <= n:
        return [range(weeks[0], weeks[-1] + 1)]
    return [range(w, w + n) for w in weeks if w + n - 1 <= weeks[-1]]


@dataclass(frozen=True)
class CallPart(Implied):
    """One rule of a call (`part`: per_day, eligible_on, max_per_fellow, min_days_between,
    not_before_on, post_call_off, or a fellow's wish or avoid at `index`); `call` None is the
    rule of every call together: one duty a day at most."""

    call: int | None
    part: str
    index: int | None = None
    cost: int | None = None
    fellow: int | None = None  # a wish's or avoid's fellow

    @property
    def path(self) -> Path_:
        if self.call is None:
            return ("call",)
        if self.index is not None:
            return ("call", self.call, self.part, self.index)
        return ("call", self.call, self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        kinds = {"wishes": "call_wish", "avoid": "call_avoid", "balance_weight": "call_balance"}
        kinds |= {"short_weight": "call_short", "extra_weight": "call_extra"}
        return kinds.get(self.part, self.part)

    @property
    def weight(self) -> int | None:
        return self.cost

    @property
    def wish(self) -> bool:  # type: ignore[override]
        return self.part in ("wishes", "avoid")

    def describe(self, problem: Problem) -> str:
        if self.call is None:
            return "a fellow takes at most one call duty a day"
        call = problem.config.call[self.call]
        if self.part == "wishes":
            wish = call.wishes[self.index]
            return f"{wish.fellow} wishes to be on {call.name} on {wish.date}"
        if self.part == "avoid":
            avoid = call.avoid[self.index]
            return f"{avoid.fellow} asks for no {call.name} {avoid.start}..{avoid.end}"
        if self.part == "per_day":
            dates = f" ({len(call.per_date)} date(s) apart)" if call.per_date else ""
            return f"{call.per_day} fellow(s) on every duty of {call.name}{dates}, none on leave"
        if self.part == "short_weight":
            return f"each fellow too few on a duty of {call.name}"
        if self.part == "extra_weight":
            return f"each fellow more than needed on a duty of {call.name}"
        if self.part == "not_after":
            return f"no {call.name} the day after {', '.join(call.not_after)}"
        if self.part == "eligible_on":
            who = "" if call.fellows is None else " among its fellows"
            return f"{call.name} is taken by fellows on {', '.join(call.eligible_on)}{who}"
        if self.part == "max_per_fellow":
            most = call.max_per_fellow
            return f"at most {most.count} {call.name} per fellow in any {most.per_weeks} weeks"
        if self.part == "min_days_between":
            return f"{call.min_days_between} days at least between a fellow's {call.name} duties"
        if self.part == "not_before_on":
            return f"no {call.name} the day before a day on {', '.join(call.not_before_on)}"
        if self.part == "holidays_apart":
            return f"nobody on {call.name} over both Christmas Day and New Year's Day"
        if self.part == "balance_weight":
            return (
                f"the duties of {call.name} shared evenly: all of them, the weekends and the "
                "holidays"
            )
        return f"the day after {call.name} the fellow is off (no rotation work, no call)"


LIMITS = ("duties", "hours", "days_running", "days_off_running", "weekends")


@dataclass(frozen=True)
class CallLimitPart(Implied):
    """One limit (`part`: one of LIMITS) of the entry `call_limits[index]`."""

    index: int
    part: str

    @property
    def path(self) -> Path_:
        return ("call_limits", self.index, self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        return f"call_limits.{self.part}"

    def describe(self, problem: Problem) -> str:
        limit = problem.config.call_limits[self.index]
        whom = "every fellow" if limit.fellows is None else "its fellows"
        calls = "call" if limit.calls is None else ", ".join(limit.calls)
        value = getattr(limit, self.part)
        if self.part == "days_off_running":
            return f"{whom}: at least {value} days without {calls} between two runs with it"
        unit = {"duties": "duties", "hours": "hours", "days_running": "days running"}
        unit |= {"weekends": "weekends"}
        return f"{whom}: {value.describe(unit[self.part])} of {calls}"


@dataclass(frozen=True)
class CallRules(Implied):
    """Call: every duty taken by `per_day` fellows on a rotation that may take it, within each
    call's limits; built and checked together (the parts share the duty variables)."""

    parts: dict[str, CallPart | CallLimitPart] = field(compare=False, hash=False)
    type: ClassVar[str] = "call"
    example: ClassVar[dict] = {
        "call": [
            {
                "id": "home",
                "name": "Home call",
                "days": ["mon", "tue", "wed", "thu"],
                "hours": 14,
                "eligible_on": ["procedures", "acute"],
                "max_per_fellow": {"count": 6, "per_weeks": 4},
                "min_days_between": 2,
            }
        ]
    }

    @property
    def path(self) -> Path_:
        return ("call",)

    def of(self, call: int, part: str) -> CallPart | None:
        return self.parts.get(CallPart(call, part).key)

    def limits(self) -> list[CallLimitPart]:
        return [p for p in self.parts.values() if isinstance(p, CallLimitPart)]

    def describe(self, problem: Problem) -> str:
        return f"the duties of {len(problem.config.call)} call(s)"


@dataclass(frozen=True)
class DutyHoursPart(Implied):
    """One duty-hour limit (`part`: max_weekly, one_day_off_in)."""

    part: str

    @property
    def path(self) -> Path_:
        return ("duty_hours", self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.part

    def describe(self, problem: Problem) -> str:
        duty = problem.config.duty_hours
        if self.part == "max_weekly":
            most = duty.max_weekly
            return (
                f"at most {most.hours} duty hours a week, averaged over every "
                f"{most.averaged_over_weeks} weeks"
            )
        off = duty.one_day_off_in
        return f"one day off in {off.days}, averaged over every {off.averaged_over_weeks} weeks"


@dataclass(frozen=True)
class DutyHoursRules(Implied):
    """Duty hours: every fellow's rotation and call hours within the weekly limit, with their
    days off; built and checked together (they count the same hours and days)."""

    parts: dict[str, DutyHoursPart] = field(compare=False, hash=False)
    type: ClassVar[str] = "duty_hours"
    example: ClassVar[dict] = {
        "duty_hours": {
            "rotation_hours": {
                "procedures": 55,
                "acute": 60,
                "neurology": 45,
                "palliative": 45,
                "psychiatry": 40,
                "research": 40,
            },
            "max_weekly": {"hours": 80, "averaged_over_weeks": 4},
            "one_day_off_in": {"days": 7, "averaged_over_weeks": 4},
        }
    }

    @property
    def path(self) -> Path_:
        return ("duty_hours",)

    def describe(self, problem: Problem) -> str:
        return "duty hours"


def call_rules(config: models.Config, source: SourceMap) -> list[Implied]:
    """The rules of `call:` and `duty_hours:`, each at its position."""

    def at(rule: Implied) -> Implied:
        object.__setattr__(rule, "position", source.find(rule.path))
        return rule

    out: list[Implied] = []
    if config.call:
        index = {f.id: i for i, f in enumerate(config.fellows)}
        parts = [CallPart(None, "one_a_day")]
        for c, call in enumerate(config.call):
            parts += [CallPart(c, "per_day"), CallPart(c, "eligible_on")]
            if call.max_per_fellow is not None:
                parts.append(CallPart(c, "max_per_fellow"))
            if call.min_days_between > 1:
                parts.append(CallPart(c, "min_days_between"))
            if call.not_before_on:
                parts.append(CallPart(c, "not_before_on"))
            if call.post_call_off:
                parts.append(CallPart(c, "post_call_off"))
            if call.not_after:
                parts.append(CallPart(c, "not_after"))
            for key in ("short_weight", "extra_weight"):
                if getattr(call, key) is not None:
                    parts.append(CallPart(c, key, cost=getattr(call, key)))
            if call.holidays_apart:
                parts.append(CallPart(c, "holidays_apart"))
            if call.balance_weight:
                parts.append(CallPart(c, "balance_weight", cost=call.balance_weight))
            for key in ("wishes", "avoid"):
                parts += [
                    CallPart(c, key, j, entry.weight, index[entry.fellow])
                    for j, entry in enumerate(getattr(call, key))
                ]
        parts += [
            CallLimitPart(i, key)
            for i, limit in enumerate(config.call_limits)
            for key in LIMITS
            if getattr(limit, key) is not None
        ]
        out.append(at(CallRules({part.key: at(part) for part in parts})))
    if config.duty_hours is not None:
        parts = [DutyHoursPart("max_weekly"), DutyHoursPart("one_day_off_in")]
        out.append(at(DutyHoursRules({part.key: at(part) for part in parts})))
    return out


CALL_CLASSES: tuple[type[Implied], ...] = (CallRules, DutyHoursRules)


def christmas_and_new_year(problem: Problem, c: int) -> list[tuple[list[int], list[int]]]:
    """For each Christmas Day in the year with the New Year's Day after it: the indices of call
    `c`'s duties covering each."""
    out = []
    for year in range(problem.blocks[0].start.year, problem.blocks[-1].end.year):
        christmas, new_year = dt.date(year, 12, 25), dt.date(year + 1, 1, 1)
        over = [
            [k for k, d in enumerate(problem.duties) if d.call == c and d.covers(day)]
            for day in (christmas, new_year)
        ]
        if all(over):
            out.append((over[0], over[1]))
    return out


def shares(problem: Problem, c: int) -> list[tuple[str, list[int], list[int]]]:
    """The groups of call `c`'s duties shared evenly (all, weekend, holiday; a group equal to
    one before it left out), each with every fellow's even share of its seats, rounded up: the
    seats shared in proportion to the group's duties inside each fellow's dates."""
    call = problem.config.call[c]
    mine = [k for k, d in enumerate(problem.duties) if d.call == c]
    days = {k: problem.duties[k].days() for k in mine}
    groups = {
        "all": mine,
        "weekend": [k for k in mine if any(d.weekday() >= 5 for d in days[k])],
        "holiday": [k for k in mine if any(d in problem.holidays for d in days[k])],
    }
    out, seen = [], []
    for name, group in groups.items():
        if not group or group in seen:
            continue
        seen.append(group)
        inside = [
            sum(all(problem.inside(f, d) for d in problem.duties[k].days()) for k in group)
            for f in range(len(problem.fellows))
        ]
        total, seats = sum(inside), sum(call.need(problem.duties[k].first) for k in group)
        caps = [-(-seats * n // total) if total else 0 for n in inside]
        out.append((name, group, caps))
    return out
