"""Checks of call and duty hours, re-derived from the duties taken and the rotations
(mirrors rotations/model/rules/call.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

from rotations.calendar import DAY
from rotations.check.violations import broken
from rotations.config.call import DAYS
from rotations.config.types import Range
from rotations.duties import (
    CallPart,
    CallRules,
    DutyHoursRules,
    christmas_and_new_year,
    shares,
)
from rotations.hours import duty_weeks, windows
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_call(rule: CallRules, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every duty day of every call has `per_day` fellows, each inside their dates, not on
    leave and on a rotation of `eligible_on` in the block it starts; no fellow on two duties
    the same day; each call's limits per fellow; wishes and avoid-dates."""
    out: list[Violation] = []
    calls = {call.id: (c, call) for c, call in enumerate(problem.config.call)}
    away = problem.leave_taken(schedule.granted_leave)
    block_of = problem.block_of
    first, last = problem.blocks[0].start, problem.blocks[-1].end
    taken: dict[tuple[str, dt.date], list[str]] = defaultdict(list)  # (call, day) -> fellows
    days_of: dict[str, dict[dt.date, str]] = defaultdict(dict)  # fellow -> day -> call
    for x in schedule.calls:
        c, call = calls[x.call]
        day = dt.date.fromisoformat(x.date)
        taken[x.call, day].append(x.fellow)
        for i in range(call.span):
            covered = day + i * DAY
            if covered in days_of[x.fellow]:
                message = f"{x.fellow} has two duties on {covered}"
                out.append(broken(rule.parts["call"], message, x.fellow, block_of.get(covered)))
            days_of[x.fellow][covered] = x.call
    for x in sorted(set(taken)):
        cid, day = x
        c, call = calls[cid]
        end = day + (call.span - 1) * DAY
        if DAYS[day.weekday()] not in call.starts or day < first or end > last:
            message = f"{call.name} has no duty starting {day}"
            out.append(broken(rule.of(c, "per_day"), message, block=block_of.get(day)))
    day = first
    while day <= last:
        for c, call in enumerate(problem.config.call):
            if DAYS[day.weekday()] in call.starts and day + (call.span - 1) * DAY <= last:
                out += _duty(rule, problem, schedule, c, day, taken[call.id, day], away)
        day += DAY
    for c, call in enumerate(problem.config.call):
        mine: dict[str, list[dt.date]] = defaultdict(list)
        for x in schedule.calls:
            if x.call == call.id:
                mine[x.fellow].append(dt.date.fromisoformat(x.date))
        for fellow in problem.fellows:
            out += _limits(rule, problem, schedule, c, fellow.id, sorted(mine[fellow.id]), days_of)
        out += _wishes(rule, problem, c, mine)
        out += _fairness(rule, problem, schedule, c)
    for part in rule.limits():
        out += _call_limit(part, problem, schedule)
    return out


def _call_limit(part, problem, schedule) -> list:
    """One limit of a `call_limits` entry, for each fellow it binds."""
    limit = problem.config.call_limits[part.index]
    calls = {call.id: call for call in problem.config.call}
    first, last = problem.blocks[0].start, problem.blocks[-1].end
    days = [first + i * DAY for i in range((last - first).days + 1)]
    out = []
    for fellow in problem.fellows:
        if not limit.binds(fellow.id, fellow.tags):
            continue
        mine = [x for x in schedule.calls if x.fellow == fellow.id and limit.counts(x.call)]
        on = {
            dt.date.fromisoformat(x.date) + i * DAY for x in mine for i in range(calls[x.call].span)
        }
        worked = [day in on for day in days]
        found = []
        if part.part == "duties":
            found = _outside(len(mine), limit.duties, "duties")
        elif part.part == "hours":
            found = _outside(sum(calls[x.call].hours for x in mine), limit.hours, "hours")
        elif part.part == "weekends":
            weekends = sum(
                worked[i] or worked[i + 1] for i, day in enumerate(days[:-1]) if day.weekday() == 5
            )
            found = _outside(weekends, limit.weekends, "weekends with a duty")
        elif part.part == "days_running":
            found = _bad_runs(worked, days, limit.days_running, "days running with a duty")
        else:
            least = Range(min=limit.days_off_running)
            found = _bad_runs([not w for w in worked], days, least, "days running without one")
        out += [broken(part, f"{fellow.id} has {text}", fellow.id) for text in found]
    return out


def _outside(n: int, count: Range, unit: str) -> list[str]:
    if (count.min and n < count.min) or (count.max is not None and n > count.max):
        return [f"{n} {unit}, {count.describe(unit)} allowed"]
    return []


def _bad_runs(on: list[bool], days: list[dt.date], count: Range, unit: str) -> list[str]:
    """The runs of `on` longer than count.max, or shorter than count.min inside the year."""
    out, start = [], None
    for i, yes in enumerate([*on, False]):
        if yes and start is None:
            start = i
        elif not yes and start is not None:
            length, inside = i - start, start > 0 and i < len(on)
            if (count.max is not None and length > count.max) or (
                inside and count.min and length < count.min
            ):
                out.append(f"{length} {unit} from {days[start]}, {count.describe('days')}")
            start = None
    return out


def _fairness(rule, problem, schedule, c: int) -> list:
    """Christmas and New Year's Day apart, and each fellow's duties above an even share."""
    call, out = problem.config.call[c], []
    cid = call.id
    on: dict[str, set[str]] = defaultdict(set)  # date -> its fellows, read once
    for x in schedule.calls:
        if x.call == cid:
            on[x.date].add(x.fellow)
    whose = {k: on[d.first.isoformat()] for k, d in enumerate(problem.duties) if d.call == c}
    if call.holidays_apart:
        for christmas, new_year in christmas_and_new_year(problem, c):
            twice = set().union(*(whose[k] for k in christmas))
            twice &= set().union(*(whose[k] for k in new_year))
            for fid in sorted(twice):
                first = problem.duties[christmas[0]]
                message = f"{fid} is on {call.name} over Christmas {first.first.year} and New Year"
                out.append(broken(rule.of(c, "holidays_apart"), message, fid))
    part = rule.of(c, "balance_weight")
    for name, group, caps in shares(problem, c) if part is not None else []:
        for f, fellow in enumerate(problem.fellows):
            n = sum(fellow.id in whose[k] for k in group)
            if n > caps[f]:
                kind = "" if name == "all" else f"{name} "
                message = f"{fellow.id} has {n} {kind}duties of {call.name}, even share {caps[f]}"
                cost = part.weight * (n - caps[f])
                out.append(Violation(part, message, fellow.id, None, cost))
    return out


def _duty(rule, problem, schedule, c: int, day: dt.date, fellows: list[str], away) -> list:
    """The duty of call `c` starting `day`: its number of fellows, their dates, leave and
    rotations."""
    call = problem.config.call[c]
    b = problem.block_of[day]
    per_day, out = rule.of(c, "per_day"), []
    need = call.need(day)
    message = f"{call.name} on {day} has {len(fellows)} fellow(s), needs {need}"
    for side, part in (
        (len(fellows) < need, "short_weight"),
        (len(fellows) > need, "extra_weight"),
    ):
        if not side:
            continue
        soft = rule.of(c, part)
        if soft is None:
            out.append(broken(per_day, message, block=b))
        else:
            cost = soft.weight * abs(len(fellows) - need)
            out.append(Violation(soft, message, None, b + 1, cost))
    span = [day + i * DAY for i in range(call.span)]
    for fid in fellows:
        f = problem.fellow_index(fid)
        if not all(problem.inside(f, d) for d in span):
            message = f"{fid} is on {call.name} {day} outside their dates"
            out.append(broken(per_day, message, fid, b))
        elif any(d in away[f] for d in span):
            out.append(broken(per_day, f"{fid} is on {call.name} {day} while on leave", fid, b))
        if not call.takes(fid, problem.fellows[f].tags):
            message = f"{fid} is on {call.name} {day} but is not one of its fellows"
            out.append(broken(rule.of(c, "eligible_on"), message, fid, b))
        rid = schedule.assignments[fid][b]
        if rid not in call.eligible_on:
            message = f"{fid} is on {call.name} {day} while on {rid}"
            out.append(broken(rule.of(c, "eligible_on"), message, fid, b))
    return out


def _limits(rule, problem, schedule, c: int, fid: str, days: list[dt.date], days_of) -> list:
    """One fellow's duties of call `c` (their first days, in order) against its limits."""
    call, out = problem.config.call[c], []
    block_of = problem.block_of
    most = call.max_per_fellow
    if most is not None:
        for i, start in enumerate(days):
            within = [d for d in days[i:] if (d - start).days < 7 * most.per_weeks]
            if len(within) > most.count:
                message = (
                    f"{fid} has {len(within)} {call.name} in the {most.per_weeks} weeks from "
                    f"{start}, at most {most.count}"
                )
                out.append(broken(rule.of(c, "max_per_fellow"), message, fid, block_of[start]))
    if call.min_days_between > 1:
        for a, b in itertools.pairwise(days):
            if (b - a).days < call.min_days_between:
                message = f"{fid} on {call.name} {a} and again {b}"
                out.append(broken(rule.of(c, "min_days_between"), message, fid, block_of[b]))
    if call.not_after:
        spans = {x.id: x.span for x in problem.config.call}
        ended = {
            (dt.date.fromisoformat(x.date) + (spans[x.call] - 1) * DAY, x.call)
            for x in schedule.calls
            if x.fellow == fid and x.call in call.not_after
        }
        for start in days:
            for on in sorted({cid for day, cid in ended if day == start - DAY}):
                message = f"{fid} on {call.name} {start}, the day after {on}"
                out.append(broken(rule.of(c, "not_after"), message, fid, block_of[start]))
    for start in days:
        after = start + call.span * DAY
        if after not in block_of:
            continue
        b = block_of[after]
        rid = schedule.assignments[fid][b]
        if call.not_before_on and after in problem.working_days[b] and rid in call.not_before_on:
            message = f"{fid} on {call.name} {start}, the night before {rid}"
            out.append(broken(rule.of(c, "not_before_on"), message, fid, b))
        if call.post_call_off and after in days_of[fid]:
            message = f"{fid} on {days_of[fid][after]} {after}, the day after {call.name}"
            out.append(broken(rule.of(c, "post_call_off"), message, fid, b))
    return out


def _wishes(rule, problem, c: int, mine: dict[str, list[dt.date]]) -> list:
    """A fellow's wish to be on a duty, and their avoid-dates (one violation per duty)."""
    call, out = problem.config.call[c], []
    block_of = problem.block_of
    for j, wish in enumerate(call.wishes):
        if wish.date not in mine[wish.fellow]:
            part = rule.parts[CallPart(c, "wishes", j).key]
            message = f"{wish.fellow} is not on {call.name} {wish.date}"
            out.append(broken(part, message, wish.fellow, block_of[wish.date]))
    for j, avoid in enumerate(call.avoid):
        part = rule.parts[CallPart(c, "avoid", j).key]
        for day in mine[avoid.fellow]:
            if avoid.start <= day <= avoid.end:
                message = f"{avoid.fellow} on {call.name} {day}"
                out.append(broken(part, message, avoid.fellow, block_of[day]))
    return out


def check_duty_hours(rule: DutyHoursRules, problem: Problem, schedule: Schedule) -> list:
    """Every run of weeks within the weekly hours on average, with its days off."""
    duty, out = problem.config.duty_hours, []
    most, off = rule.parts["duty_hours.max_weekly"], rule.parts["duty_hours.one_day_off_in"]
    for fid, weeks in duty_weeks(problem, schedule).items():
        n = duty.max_weekly.averaged_over_weeks
        for run in windows(weeks, n):
            hours = sum(w.hours for w in run)
            if hours > duty.max_weekly.hours * len(run):
                message = (
                    f"{fid} works {float(hours / len(run)):.1f} hours a week over weeks "
                    f"{run[0].number}-{run[-1].number}, at most {duty.max_weekly.hours}"
                )
                out.append(broken(most, message, fid))
        n = duty.one_day_off_in.averaged_over_weeks
        for run in windows(weeks, n):
            free, need = sum(w.days_off for w in run), 7 * len(run) // duty.one_day_off_in.days
            if free < need:
                message = (
                    f"{fid} has {free} day(s) off in weeks {run[0].number}-{run[-1].number}, "
                    f"at least {need}"
                )
                out.append(broken(off, message, fid))
    return out
