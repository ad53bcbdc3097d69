"""Rules rotations carry: staffing, stint lengths, leave forbidden; and requirements."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.implied import LeaveForbidden, Requirement, Staffing, Stint
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_one_rotation(problem: Problem, v: Variables, model: cp_model.CpModel) -> None:
    """Every fellow is on exactly one rotation in every block of their dates (what a schedule
    is), and on none in a block wholly outside them; on a rotation with sites, at one of them
    (the same for a whole run: model/rules/sites.py)."""
    for f, per_block in enumerate(v.x):
        for b, per_rotation in enumerate(per_block):
            if problem.active(f, b):
                model.add_exactly_one(per_rotation)
            else:
                model.add(sum(per_rotation) == 0)
    for (f, b, r), there in v.y.items():
        model.add(sum(there.values()) == v.on(f, b, r))


def add_staffing(
    rule: Staffing, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """At most `max` fellows assigned; at least `min` present on every working day of a block."""
    fellows, penalties = range(len(problem.fellows)), []
    rid, lo, hi = rule.rotation, rule.count.min, rule.count.max
    for b in range(len(problem.blocks)):
        ok, p = v.guard(rule, None, b)
        penalties += p
        assigned = [v.on(f, b, rid) for f in fellows]
        if hi is not None and hi < len(assigned):
            model.add(sum(assigned) <= hi).only_enforce_if(ok)
        if not lo:
            continue
        absences = {
            (
                tuple(f for f in fellows if not problem.inside(f, day)),
                tuple(
                    (f, problem.entries_on(f, day)) for f in fellows if problem.entries_on(f, day)
                ),
            )
            for day in problem.working_days[b]
        }
        for outside, absent in sorted(absences):
            away = dict(absent)
            present = [
                _present(v, model, f, b, rid, away[f]) if f in away else v.on(f, b, rid)
                for f in fellows
                if f not in outside
            ]
            model.add(sum(present) >= lo).only_enforce_if(ok)
    return penalties


def _present(
    v: Variables, model: cp_model.CpModel, f: int, b: int, rid: str, entries: tuple[int, ...]
) -> cp_model.IntVar:
    """A literal that can be true only if f is on rid in b and none of `entries` stands."""
    key = (f, b, rid, entries)
    if key not in v.present_despite_leave:
        var = model.new_bool_var(f"present[{f},{b},{rid}]")
        model.add_implication(var, v.on(f, b, rid))
        for e in entries:
            model.add_implication(var, ~v.leave_literal(e))
        v.present_despite_leave[key] = var
    return v.present_despite_leave[key]


def add_stint(
    rule: Stint, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Every maximal run of consecutive blocks on the rotation is min..max blocks long."""
    n, penalties = len(problem.blocks), []
    lo, hi = rule.count.min or 1, rule.count.max
    for f in range(len(problem.fellows)):
        on = [v.on(f, b, rule.rotation) for b in range(n)]
        for b in range(n):
            if lo < 2:
                break
            ok, p = v.guard(rule, f, b)
            penalties += p
            # A run starting at b (on[b] and not on[b-1]) goes on for lo blocks.
            ends = [~on[b]] if b == 0 else [~on[b], on[b - 1]]
            for k in range(1, lo):
                if b + k >= n:
                    model.add_bool_or(ends).only_enforce_if(ok)
                    break
                model.add_bool_or([*ends, on[b + k]]).only_enforce_if(ok)
        for b in range(n - hi if hi is not None else 0):
            ok, p = v.guard(rule, f, b)
            penalties += p
            model.add_bool_or([~on[b + k] for k in range(hi + 1)]).only_enforce_if(ok)
    return penalties


def add_leave_forbidden(
    rule: LeaveForbidden, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No leave day falls in a block spent on the rotation."""
    penalties = []
    for f in range(len(problem.fellows)):
        for b in range(len(problem.blocks)):
            entries = problem.entries_in_block(f, b)
            if not entries:
                continue
            ok, p = v.guard(rule, f, b)
            penalties += p
            for e in entries:
                model.add(v.on(f, b, rule.rotation) == 0).only_enforce_if([ok, v.leave_literal(e)])
    return penalties


def add_requirement(
    rule: Requirement, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Each fellow spends min..max blocks of the year on the rotation."""
    n, penalties = len(problem.blocks), []
    for f in rule.bound(problem):
        ok, p = v.guard(rule, f)
        penalties += p
        total = sum(v.on(f, b, rule.rotation) for b in range(n))
        if rule.count.min:
            model.add(total >= rule.count.min).only_enforce_if(ok)
        if rule.count.max is not None and rule.count.max < n:
            model.add(total <= rule.count.max).only_enforce_if(ok)
    return penalties
