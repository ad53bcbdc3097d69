"""Rules every rotation carries: staffing, stint lengths, leave forbidden; and requirements."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_one_rotation(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """Every fellow is on exactly one rotation in every block."""
    for per_block in v.x:
        for per_rotation in per_block:
            model.add_exactly_one(per_rotation)
    return []


def add_staffing(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """At most `max` fellows assigned; at least `min` present on every working day of a block."""
    fellows = range(len(problem.fellows))
    for rid, rotation in problem.config.rotations.items():
        if rotation.staffing is None:
            continue
        lo, hi = rotation.staffing.min, rotation.staffing.max
        holds = v.rule_literal(f"rotations.{rid}.staffing")
        for b in range(len(problem.blocks)):
            assigned = [v.on(f, b, rid) for f in fellows]
            if hi is not None and hi < len(assigned):
                model.add(sum(assigned) <= hi).only_enforce_if(holds)
            if not lo:
                continue
            absences = {
                frozenset(f for f in fellows if problem.on_leave(f, day))
                for day in problem.working_days[b]
            }
            for absent in sorted(absences, key=sorted):
                present = [v.on(f, b, rid) for f in fellows if f not in absent]
                model.add(sum(present) >= lo).only_enforce_if(holds)
    return []


def add_stints(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """Every maximal run of consecutive blocks on a rotation is min..max blocks long."""
    n = len(problem.blocks)
    for rid, rotation in problem.config.rotations.items():
        if rotation.stint is None:
            continue
        lo, hi = rotation.stint.min or 1, rotation.stint.max
        holds = v.rule_literal(f"rotations.{rid}.stint")
        for f in range(len(problem.fellows)):
            on = [v.on(f, b, rid) for b in range(n)]
            for b in range(n):
                # A run starting at b (on[b] and not on[b-1]) goes on for lo blocks.
                starts = [on[b]] if b == 0 else [on[b], ~on[b - 1]]
                for k in range(1, lo):
                    if b + k < n:
                        model.add_bool_or([~s for s in starts] + [on[b + k]]).only_enforce_if(holds)
                    else:
                        model.add_bool_or([~s for s in starts]).only_enforce_if(holds)
                        break
            if hi is not None:
                for b in range(n - hi):
                    model.add_bool_or([~on[b + k] for k in range(hi + 1)]).only_enforce_if(holds)
    return []


def add_leave_forbidden(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """No leave day falls in a block spent on a rotation with `leave: forbidden`."""
    for rid, rotation in problem.config.rotations.items():
        if rotation.leave != "forbidden":
            continue
        for f in range(len(problem.fellows)):
            for b in range(len(problem.blocks)):
                if problem.leave_in_block(f, b):
                    holds = v.rule_literal(f"rotations.{rid}.leave")
                    model.add(v.on(f, b, rid) == 0).only_enforce_if(holds)
    return []


def add_requirements(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """Each fellow spends min..max blocks of the year on each required rotation."""
    n = len(problem.blocks)
    for rid, count in problem.config.requirements.items():
        holds = v.rule_literal(f"requirements.{rid}")
        for f in range(len(problem.fellows)):
            total = sum(v.on(f, b, rid) for b in range(n))
            if count.min:
                model.add(total >= count.min).only_enforce_if(holds)
            if count.max is not None and count.max < n:
                model.add(total <= count.max).only_enforce_if(holds)
    return []
