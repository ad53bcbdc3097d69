"""Checks of the rules on where blocks may fall: window, pin, apart, and the wishes prefer and
avoid (mirrors rotations/model/rules/placement.py)."""

from __future__ import annotations

from rotations.check.violations import bound, broken
from rotations.config import rules
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_window(rule: rules.Window, problem: Problem, schedule: Schedule) -> list[Violation]:
    """The rotation only in blocks lying wholly inside not_before..not_after."""
    out = []
    name = problem.rotation(rule.rotation).name
    for fid in bound(problem, rule):
        for block in problem.blocks:
            if schedule.rotation_of(fid, block.index) != rule.rotation:
                continue
            early = rule.not_before is not None and block.start < rule.not_before
            late = rule.not_after is not None and block.end > rule.not_after
            if early or late:
                message = (
                    f"{fid} is on {name} in {block}, "
                    f"outside {rule.not_before or '…'}..{rule.not_after or '…'}"
                )
                out.append(broken(rule, message, fid, block.index))
    return out


def check_pin(rule: rules.Pin, problem: Problem, schedule: Schedule) -> list[Violation]:
    """The fellow is on the rotation in the given blocks."""
    out = []
    for fid in bound(problem, rule):
        for number in rule.blocks:
            got = schedule.rotation_of(fid, number - 1)
            if got != rule.rotation:
                where = problem.rotation(got).name if got else "no rotation (outside their dates)"
                message = (
                    f"{fid} is on {where} in block {number}, "
                    f"pinned to {problem.rotation(rule.rotation).name}"
                )
                out.append(broken(rule, message, fid, number - 1))
    return out


def check_apart(rule: rules.Apart, problem: Problem, schedule: Schedule) -> list[Violation]:
    """No two of the fellows on the rotation in the same block."""
    out = []
    ids = bound(problem, rule)
    name = problem.rotation(rule.rotation).name
    for block in problem.blocks:
        together = [fid for fid in ids if schedule.rotation_of(fid, block.index) == rule.rotation]
        if len(together) > 1:
            message = f"{' and '.join(together)} are together on {name} in {block}"
            out.append(broken(rule, message, None, block.index))
    return out


def _wish(rule: rules.Wish, problem: Problem, schedule: Schedule, want: bool) -> list[Violation]:
    out = []
    name = problem.rotation(rule.rotation).name
    for fid in bound(problem, rule):
        for block in problem.blocks:
            if not block.overlaps(rule.start, rule.end):
                continue
            if (schedule.rotation_of(fid, block.index) == rule.rotation) != want:
                message = f"{fid} is {'not on' if want else 'on'} {name} in {block}"
                out.append(broken(rule, message, fid, block.index))
    return out


def check_prefer(rule: rules.Prefer, problem: Problem, schedule: Schedule) -> list[Violation]:
    """The fellow is on the rotation in every block that overlaps start..end."""
    return _wish(rule, problem, schedule, want=True)


def check_avoid(rule: rules.Avoid, problem: Problem, schedule: Schedule) -> list[Violation]:
    """The fellow is not on the rotation in any block that overlaps start..end."""
    return _wish(rule, problem, schedule, want=False)
