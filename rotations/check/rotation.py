"""Checks of the rules rotations carry: staffing, stint lengths, leave forbidden; and
requirements (mirrors rotations/model/rules/rotation.py)."""

from __future__ import annotations

from rotations.check.violations import broken, runs
from rotations.implied import LeaveForbidden, Requirement, Staffing, Stint
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_staffing(rule: Staffing, problem: Problem, schedule: Schedule) -> list[Violation]:
    """At most `max` fellows on the rotation in a block, at least `min` of them present (not on
    leave) on every working day of it."""
    out = []
    lo, hi = rule.count.min, rule.count.max
    name = problem.rotation(rule.rotation).name
    away = problem.leave_taken(schedule.granted_leave)
    for block in problem.blocks:
        on = [
            f
            for f, fellow in enumerate(problem.fellows)
            if schedule.rotation_of(fellow.id, block.index) == rule.rotation
        ]
        if hi is not None and len(on) > hi:
            out.append(
                broken(
                    rule, f"{len(on)} fellows on {name} in {block}, at most {hi}", None, block.index
                )
            )
        for day in problem.working_days[block.index] if lo else []:
            present = [f for f in on if day not in away[f] and problem.inside(f, day)]
            if len(present) < lo:
                out.append(
                    broken(
                        rule,
                        f"{len(present)} fellows present on {name} on {day}, at least {lo}",
                        None,
                        block.index,
                    )
                )
    return out


def check_stint(rule: Stint, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every run of consecutive blocks on the rotation lasts min..max blocks."""
    out = []
    lo, hi = rule.count.min or 1, rule.count.max
    name = problem.rotation(rule.rotation).name
    for fellow in problem.fellows:
        for first, last in runs(schedule.assignments[fellow.id], {rule.rotation}):
            length = last - first + 1
            if length < lo or (hi is not None and length > hi):
                out.append(
                    broken(
                        rule,
                        f"{fellow.id} has a {length}-block stint on {name} (blocks "
                        f"{first + 1}..{last + 1}); {rule.count.describe('blocks')} allowed",
                        fellow.id,
                        first,
                    )
                )
    return out


def check_leave_forbidden(
    rule: LeaveForbidden, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """No day of leave (approved, or a granted request) in a block on the rotation."""
    out = []
    name = problem.rotation(rule.rotation).name
    away = problem.leave_taken(schedule.granted_leave)
    for f, fellow in enumerate(problem.fellows):
        for block in problem.blocks:
            if schedule.rotation_of(fellow.id, block.index) != rule.rotation:
                continue
            days = [d for d in block.days() if d in away[f]]
            if days:
                out.append(
                    broken(
                        rule,
                        f"{fellow.id} is on leave {days[0]}..{days[-1]} during {block} on {name}, "
                        "where leave is forbidden",
                        fellow.id,
                        block.index,
                    )
                )
    return out


def check_requirement(rule: Requirement, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every fellow spends min..max blocks of the year on the rotation."""
    out = []
    name = problem.rotation(rule.rotation).name
    lo, hi = rule.count.min, rule.count.max
    for f in rule.bound(problem):
        fellow = problem.fellows[f]
        got = schedule.assignments[fellow.id].count(rule.rotation)
        if (lo is not None and got < lo) or (hi is not None and got > hi):
            out.append(
                broken(
                    rule,
                    f"{fellow.id} has {got} blocks on {name}, "
                    f"needs {rule.count.describe('blocks')}",
                    fellow.id,
                )
            )
    return out
