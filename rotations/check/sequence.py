"""Checks of the rules on the order of a fellow's blocks: gap, before, max_consecutive,
forbid_sequence (mirrors rotations/model/rules/sequence.py)."""

from __future__ import annotations

import itertools

from rotations.check.violations import bound, broken, runs
from rotations.config import rules
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_gap(rule: rules.Gap, problem: Problem, schedule: Schedule) -> list[Violation]:
    """After a stint ends, at least `min_blocks` blocks pass before the rotation comes again."""
    out = []
    name = problem.rotation(rule.rotation).name
    for fid in bound(problem, rule):
        stints = list(runs(schedule.assignments[fid], {rule.rotation}))
        for (_, end), (start, _) in itertools.pairwise(stints):
            if start - end - 1 < rule.min_blocks:
                message = (
                    f"{fid}: only {start - end - 1} block(s) between {name} stints ending in "
                    f"block {end + 1} and starting in block {start + 1}"
                )
                out.append(broken(rule, message, fid, end))
    return out


def check_before(rule: rules.Before, problem: Problem, schedule: Schedule) -> list[Violation]:
    """No block on `first` comes after a block on `then`; with `requires_first`, none on `then`
    without one on `first` before it."""
    out = []
    for fid in bound(problem, rule):
        row = schedule.assignments[fid]
        firsts = [b for b, r in enumerate(row) if r == rule.first]
        thens = [b for b, r in enumerate(row) if r == rule.then]
        if rule.requires_first and thens and not firsts:
            message = (
                f"{fid} is on {problem.rotation(rule.then).name} in block {min(thens) + 1} "
                f"without {problem.rotation(rule.first).name} before it"
            )
            out.append(broken(rule, message, fid))
        elif firsts and thens and max(firsts) > min(thens):
            message = (
                f"{fid} is on {problem.rotation(rule.then).name} in block {min(thens) + 1} "
                f"before {problem.rotation(rule.first).name} in block {max(firsts) + 1}"
            )
            out.append(broken(rule, message, fid))
    return out


def check_max_consecutive(
    rule: rules.MaxConsecutive, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """No run of more than `blocks` consecutive blocks on any mix of `rotations`: one violation
    per window of `blocks` + 1 blocks inside an over-long run."""
    out = []
    for fid in bound(problem, rule):
        for first, last in runs(schedule.assignments[fid], set(rule.rotations)):
            message = (
                f"{fid} has {last - first + 1} consecutive blocks ({first + 1}..{last + 1}), "
                f"at most {rule.blocks}"
            )
            out += [broken(rule, message, fid, b) for b in range(first, last - rule.blocks + 1)]
    return out


def check_forbid_sequence(
    rule: rules.ForbidSequence, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """`from` is never directly followed by `to`."""
    out = []
    before, after = problem.rotation(rule.from_).name, problem.rotation(rule.to).name
    for fid in bound(problem, rule):
        row = schedule.assignments[fid]
        for b in range(len(row) - 1):
            if row[b] == rule.from_ and row[b + 1] == rule.to:
                message = f"{fid} goes from {before} in block {b + 1} straight to {after}"
                out.append(broken(rule, message, fid, b))
    return out
