"""Rules on leave: max_concurrent_leave."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config import models
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_max_concurrent_leave(
    rule: models.MaxConcurrentLeave, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No working day with more than `max` of the fellows on leave.

    Approved leave is fixed, so each working day is a constant: a day over the limit makes a
    hard rule fail (its literal must be false) and costs `weight` once for a soft one."""
    group, penalties = problem.selected(rule), []
    for b, days in enumerate(problem.working_days):
        for day in days:
            away = sum(problem.on_leave(f, day) for f in group)
            if away > rule.max:
                ok, p = v.guard(rule.key, rule.type, rule.weight, None, b)
                penalties += p
                model.add_bool_or([~ok])
    return penalties
