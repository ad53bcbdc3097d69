"""Checks of procedure targets (mirrors rotations/model/rules/exposure.py): logged cases plus
expected ones, as exact fractions, reach the target."""

from __future__ import annotations

import math

from rotations.check.violations import broken
from rotations.implied import Target
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_target(rule: Target, problem: Problem, schedule: Schedule) -> list[Violation]:
    """A fellow whose logged and expected cases fall short of the target: a hard violation, or
    `weight` per missing case (the shortfall rounded up to whole cases)."""
    out = []
    name = problem.config.procedures[rule.procedure].name
    first = problem.counted_from(schedule.frozen_before)
    away = problem.leave_taken(schedule.granted_leave)
    for f in rule.bound(problem):
        fid = problem.fellows[f].id
        logged = problem.logged(f, rule.procedure, first)
        row = schedule.assignments[fid]
        expected = problem.expected(f, rule.procedure, row, away[f], first)
        short = rule.target.min - logged - expected
        if short <= 0:
            continue
        message = (
            f"{fid} reaches {float(logged + expected):.1f} of {rule.target.min} {name} cases "
            f"(logged {logged}, expected {float(expected):.1f})"
        )
        violation = broken(rule, message, fid)
        if not rule.hard:
            violation = Violation(
                rule=rule, message=message, fellow=fid, cost=rule.weight * math.ceil(short)
            )
        out.append(violation)
    return out
