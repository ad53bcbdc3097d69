"""Call and duty hours: who takes each duty, how often, and the weekly hours and days off that
rotations and call give every fellow together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.calendar import DAY
from rotations.config.types import Range
from rotations.duties import (
    CallPart,
    CallRules,
    DutyHoursRules,
    christmas_and_new_year,
    duty_weeks,
    shares,
    week_runs,
)
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem

FIFTHS = 5  # duty hours are counted in fifths of an hour: a rotation's week over 5 days


def add_call(rule: CallRules, problem: Problem, v: Variables, model: cp_model.CpModel):
    """A variable per duty and fellow who could take it (inside their dates, one of its
    `fellows`); each duty taken by `per_day` fellows not on leave, on a rotation of
    `eligible_on`, at most one duty a day; each call's limits per fellow; the wishes and
    avoid-dates as soft terms."""
    penalties: list[Penalty] = []
    for k, duty in enumerate(problem.duties):
        call = problem.config.call[duty.call]
        for f, fellow in enumerate(problem.fellows):
            inside = all(problem.inside(f, day) for day in duty.days())
            if inside and call.takes(fellow.id, fellow.tags):
                v.call[k, f] = model.new_bool_var(f"call[{fellow.id},{k}]")
    taken = _by_fellow(problem, v)
    duties_of: dict[int, list[tuple[int, cp_model.IntVar]]] = {}  # fellow -> (duty, variable)
    for (k, f), var in v.call.items():
        duties_of.setdefault(f, []).append((k, var))
    for c, call in enumerate(problem.config.call):
        duties = [k for k, duty in enumerate(problem.duties) if duty.call == c]
        per_day = rule.of(c, "per_day")
        eligible = rule.of(c, "eligible_on")
        for k in duties:
            duty = problem.duties[k]
            ok, pen = v.guard(per_day, None, duty.block)
            penalties += pen
            takers = [v.call[k, f] for f in range(len(problem.fellows)) if (k, f) in v.call]
            need = call.need(duty.first)
            penalties += _cover(rule, c, call, need, takers, ok, model)
            for f in range(len(problem.fellows)):
                var = v.call.get((k, f))
                if var is None:
                    continue
                for day in duty.days():
                    for e in problem.entries_on(f, day):
                        model.add_implication(var, ~v.leave_literal(e))
                ok, pen = v.guard(eligible, f, duty.block)
                penalties += pen
                on = [v.on(f, duty.block, r) for r in dict.fromkeys(call.eligible_on)]
                model.add(sum(on) >= 1).only_enforce_if([var, ok])
        penalties += _limits(rule, c, problem, v, model, taken, duties_of)
        penalties += _wishes(rule, c, problem, v, model)
        penalties += _fairness(rule, c, problem, v, model)
    for part in rule.limits():
        penalties += _call_limit(part, problem, v, model, duties_of)
    one = rule.parts["call"]
    for f, days in taken.items():
        for ks in days.values():
            if len(ks) > 1:
                ok, pen = v.guard(one, f)
                penalties += pen
                model.add(sum(v.call[k, f] for k in ks) <= 1).only_enforce_if(ok)
    return penalties


def _cover(rule, c: int, call, need: int, takers: list, ok, model) -> list[Penalty]:
    """One duty has its `need` fellows: exactly, or with each one short (short_weight) or
    more (extra_weight) at a cost."""
    penalties: list[Penalty] = []
    total = sum(takers)
    short, extra = rule.of(c, "short_weight"), rule.of(c, "extra_weight")
    low = high = total
    if short is not None and need:
        missing = model.new_int_var(0, need, f"short[{call.id},{len(penalties)}]")
        penalties.append(Penalty(missing, short.weight, short))
        low = total + missing
    if extra is not None and takers:
        more = model.new_int_var(0, len(takers), f"extra[{call.id}]")
        penalties.append(Penalty(more, extra.weight, extra))
        high = total - more
    if not takers and short is None and need:
        model.add_bool_or([~ok])  # nobody may take it: the rule cannot hold
        return penalties
    if need and (takers or short is not None):
        model.add(low >= need).only_enforce_if(ok)
    if takers:
        model.add(high <= need).only_enforce_if(ok)
    return penalties


def _by_fellow(problem: Problem, v: Variables) -> dict[int, dict[dt.date, list[int]]]:
    """Per fellow, per day: the duties covering that day they could take."""
    out: dict[int, dict[dt.date, list[int]]] = {}
    for k, f in v.call:
        for day in problem.duties[k].days():
            out.setdefault(f, {}).setdefault(day, []).append(k)
    return out


def _limits(rule, c: int, problem: Problem, v: Variables, model, taken, duties_of):
    """One call's limits per fellow: max_per_fellow, min_days_between, not_after,
    not_before_on and post_call_off. `duties_of`: each fellow's (duty, variable) pairs."""
    call = problem.config.call[c]
    penalties: list[Penalty] = []
    duties = [k for k, duty in enumerate(problem.duties) if duty.call == c]
    windows = []
    if (part := rule.of(c, "max_per_fellow")) is not None:
        windows.append((part, 7 * call.max_per_fellow.per_weeks, call.max_per_fellow.count))
    if (part := rule.of(c, "min_days_between")) is not None:
        windows.append((part, call.min_days_between, 1))
    for part, days, most in windows:
        for f in range(len(problem.fellows)):
            mine = [k for k, _ in duties_of.get(f, []) if problem.duties[k].call == c]
            for i, k in enumerate(mine):
                start, inside = problem.duties[k].first, []
                for j in mine[i:]:
                    if (problem.duties[j].first - start).days >= days:
                        break
                    inside.append(j)
                if len(inside) > most:
                    ok, pen = v.guard(part, f, problem.duties[k].block)
                    penalties += pen
                    model.add(sum(v.call[j, f] for j in inside) <= most).only_enforce_if(ok)
    after_these = rule.of(c, "not_after")
    if after_these is not None:
        ids = set(call.not_after)
        ending: dict[dt.date, list[int]] = {}
        for j, d in enumerate(problem.duties):
            if problem.config.call[d.call].id in ids:
                ending.setdefault(d.last, []).append(j)
        for k in duties:
            for j in ending.get(problem.duties[k].first - DAY, []):
                for f in range(len(problem.fellows)):
                    if (k, f) in v.call and (j, f) in v.call:
                        ok, pen = v.guard(after_these, f, problem.duties[k].block)
                        penalties += pen
                        model.add(v.call[k, f] + v.call[j, f] <= 1).only_enforce_if(ok)
    before = rule.of(c, "not_before_on")
    off = rule.of(c, "post_call_off")
    last = problem.blocks[-1].end
    for k in duties:
        after = problem.duties[k].last + DAY
        if after > last:
            continue
        block = problem.block_of[after]
        for f in range(len(problem.fellows)):
            var = v.call.get((k, f))
            if var is None:
                continue
            if before is not None and after in problem.working_days[block]:
                ok, pen = v.guard(before, f, block)
                penalties += pen
                for r in dict.fromkeys(call.not_before_on):
                    model.add_implication(var, ~v.on(f, block, r)).only_enforce_if(ok)
            if off is not None:
                ok, pen = v.guard(off, f, block)
                penalties += pen
                for j in taken.get(f, {}).get(after, []):
                    model.add(var + v.call[j, f] <= 1).only_enforce_if(ok)
    return penalties


def _wishes(rule, c: int, problem: Problem, v: Variables, model) -> list[Penalty]:
    """A fellow's wish to take a duty (violated if they do not), and their avoid-dates (one
    violation per duty they take in them)."""
    call = problem.config.call[c]
    penalties: list[Penalty] = []
    for j, wish in enumerate(call.wishes):
        part = rule.parts[CallPart(c, "wishes", j).key]
        f = problem.fellow_index(wish.fellow)
        k = next(k for k, d in enumerate(problem.duties) if d.call == c and d.first == wish.date)
        ok, pen = v.guard(part, f, problem.duties[k].block)
        penalties += pen
        if (k, f) in v.call:
            model.add_implication(ok, v.call[k, f])
        else:
            model.add_bool_or([~ok])
    for j, avoid in enumerate(call.avoid):
        part = rule.parts[CallPart(c, "avoid", j).key]
        f = problem.fellow_index(avoid.fellow)
        for k, duty in enumerate(problem.duties):
            if duty.call == c and avoid.start <= duty.first <= avoid.end and (k, f) in v.call:
                ok, pen = v.guard(part, f, duty.block)
                penalties += pen
                model.add_implication(ok, ~v.call[k, f])
    return penalties


def _call_limit(part, problem: Problem, v: Variables, model, duties_of) -> list[Penalty]:
    """One limit of a `call_limits` entry, for each fellow it binds: over the year's days, the
    duties of its calls covering each day (at most one: one duty a day). `duties_of`: each
    fellow's (duty, variable) pairs."""
    limit = problem.config.call_limits[part.index]
    calls = problem.config.call
    first, last = problem.blocks[0].start, problem.blocks[-1].end
    days = [first + i * DAY for i in range((last - first).days + 1)]
    penalties: list[Penalty] = []
    for f, fellow in enumerate(problem.fellows):
        if not limit.binds(fellow.id, fellow.tags):
            continue
        mine = [
            (k, var)
            for k, var in duties_of.get(f, [])
            if limit.counts(calls[problem.duties[k].call].id)
        ]
        ok, pen = v.guard(part, f)
        penalties += pen
        if part.part in ("duties", "hours"):
            total = sum(
                (calls[problem.duties[k].call].hours if part.part == "hours" else 1) * var
                for k, var in mine
            )
            _within(model, total, getattr(limit, part.part), ok)
            continue
        on: dict[dt.date, list] = {}
        for k, var in mine:
            for day in problem.duties[k].days():
                on.setdefault(day, []).append(var)
        worked = [sum(on.get(day, [])) for day in days]
        if part.part == "weekends":
            weekends = []
            for i, day in enumerate(days[:-1]):
                if day.weekday() == 5:
                    either = model.new_bool_var(f"weekend[{fellow.id},{day}]")
                    model.add(either >= worked[i])
                    model.add(either >= worked[i + 1])
                    model.add(either <= worked[i] + worked[i + 1])
                    weekends.append(either)
            _within(model, sum(weekends), limit.weekends, ok)
        elif part.part == "days_running":
            _runs(model, worked, limit.days_running, ok)
        else:
            _runs(model, [1 - w for w in worked], Range(min=limit.days_off_running), ok)
    return penalties


def _within(model, total, count: Range, ok) -> None:
    if count.min:
        model.add(total >= count.min).only_enforce_if(ok)
    if count.max is not None:
        model.add(total <= count.max).only_enforce_if(ok)


def _runs(model, on: list, count: Range, ok) -> None:
    """Every run of days with `on` 1 is at most `count.max` long, and at least `count.min`
    unless it touches the first or the last day."""
    n = len(on)
    if count.max is not None:
        for i in range(n - count.max):
            model.add(sum(on[i : i + count.max + 1]) <= count.max).only_enforce_if(ok)
    for length in range(1, count.min or 0):
        for i in range(1, n - length):  # the run on[i .. i + length - 1], inside the year
            outside = on[i - 1] + on[i + length]
            model.add(sum(on[i : i + length]) - outside <= length - 1).only_enforce_if(ok)


def _fairness(rule, c: int, problem: Problem, v: Variables, model) -> list[Penalty]:
    """Nobody over both Christmas and New Year's Day; soft: each fellow's duties above an even
    share (of all, of the weekends, of the holidays) cost balance_weight each."""
    penalties: list[Penalty] = []
    apart = rule.of(c, "holidays_apart")
    for christmas, new_year in christmas_and_new_year(problem, c) if apart is not None else []:
        for f in range(len(problem.fellows)):
            both = [v.call[k, f] for k in christmas + new_year if (k, f) in v.call]
            if len(both) > 1:
                ok, pen = v.guard(apart, f)
                penalties += pen
                model.add(sum(both) <= 1).only_enforce_if(ok)
    balance = rule.of(c, "balance_weight")
    for name, group, caps in shares(problem, c) if balance is not None else []:
        for f, fellow in enumerate(problem.fellows):
            mine = [v.call[k, f] for k in group if (k, f) in v.call]
            if len(mine) <= caps[f]:
                continue
            above = model.new_int_var(0, len(mine), f"above[{fellow.id},{c},{name}]")
            model.add(above >= sum(mine) - caps[f])
            penalties.append(Penalty(above, balance.weight, balance, f))
    return penalties


def add_duty_hours(rule: DutyHoursRules, problem: Problem, v: Variables, model):
    """Every fellow's duty hours (rotation hours on the working days they are present, call
    hours in the week a duty starts, less a post-call day's) at most `max_weekly.hours` a week
    on average over every run of its weeks, and at least one day in `days` free of both on
    average over every run of its weeks."""
    duty = problem.config.duty_hours
    weeks = duty_weeks(problem.blocks)
    block_of = problem.block_of
    penalties: list[Penalty] = []
    most, off = rule.parts["duty_hours.max_weekly"], rule.parts["duty_hours.one_day_off_in"]
    for f in range(len(problem.fellows)):
        mine = _duties_of(problem, v, f)
        hours = [_week_hours(problem, v, model, f, week, block_of, mine) for week in weeks]
        free = [_days_off(problem, f, week, block_of, mine) for week in weeks]
        inside = [problem.inside(f, a) and problem.inside(f, b) for a, b in weeks]
        n = duty.max_weekly.averaged_over_weeks
        for w in week_runs(inside, n):
            ok, pen = v.guard(most, f)
            penalties += pen
            cap = FIFTHS * duty.max_weekly.hours * len(w)
            model.add(sum(hours[i] for i in w) <= cap).only_enforce_if(ok)
        n = duty.one_day_off_in.averaged_over_weeks
        for w in week_runs(inside, n):
            ok, pen = v.guard(off, f)
            penalties += pen
            need = 7 * len(w) // duty.one_day_off_in.days
            model.add(sum(free[i] for i in w) >= need).only_enforce_if(ok)
    return penalties


@dataclass
class _Mine:
    """One fellow's duty variables: by the day they start, the days they cover, and the day
    after a duty of a call with post_call_off."""

    starting: dict[dt.date, list[tuple[int, cp_model.IntVar]]]
    covering: dict[dt.date, list[cp_model.IntVar]]
    post_call: dict[dt.date, list[cp_model.IntVar]]


def _duties_of(problem: Problem, v: Variables, f: int) -> _Mine:
    mine = _Mine({}, {}, {})
    for k, d in enumerate(problem.duties):
        var = v.call.get((k, f))
        if var is None:
            continue
        mine.starting.setdefault(d.first, []).append((problem.config.call[d.call].hours, var))
        for day in d.days():
            mine.covering.setdefault(day, []).append(var)
        if problem.config.call[d.call].post_call_off:
            mine.post_call.setdefault(d.last + DAY, []).append(var)
    return mine


def _week_hours(problem: Problem, v: Variables, model, f: int, week, block_of, mine: _Mine):
    """The fellow's duty hours in the week (first, last), in fifths of an hour."""
    rates = problem.config.duty_hours.rotation_hours
    top = max(rates.values())
    total = []
    day, last = week
    while day <= last:
        b = block_of[day]
        present = problem.inside(f, day) and not problem.on_leave(f, day)
        if present and day in problem.working_days[b]:
            work = sum(rates[r] * v.on(f, b, r) for r in problem.rotations if rates[r])
            total.append(work)
            if mine.post_call.get(day) and top:
                cut = model.new_int_var(0, top, f"post_call[{f},{day}]")
                model.add(cut <= work)
                model.add(cut <= top * sum(mine.post_call[day]))
                total.append(-cut)
        total += [FIFTHS * hours * var for hours, var in mine.starting.get(day, [])]
        day += DAY
    return sum(total)


def _days_off(problem: Problem, f: int, week, block_of, mine: _Mine):
    """How many days of the week (first, last) the fellow has neither rotation work nor call:
    a weekend day, holiday or leave day without a duty, or a post-call day off."""
    total = []
    day, last = week
    while day <= last:
        if day not in problem.working_days[block_of[day]] or problem.on_leave(f, day):
            total.append(1 - sum(mine.covering.get(day, [])))
        else:
            total += mine.post_call.get(day, [])
        day += DAY
    return sum(total)
