"""Rules on the order of a fellow's blocks: gap, before, max_consecutive, forbid_sequence."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config import rules
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_gap(
    rule: rules.Gap, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """After a stint ends, at least `min_blocks` blocks pass before the rotation comes again."""
    n, penalties = len(problem.blocks), []
    for f in problem.selected(rule):
        on = [v.on(f, b, rule.rotation) for b in range(n)]
        for b in range(n - 2):
            later = [on[c] for c in range(b + 2, min(n, b + 1 + rule.min_blocks))]
            if not later:
                continue
            ok, p = v.guard(rule, f, b)
            penalties += p
            # on[b] and not on[b+1]: the stint ended at b; none of the next gap blocks may be on.
            for c in later:
                model.add_bool_or([~on[b], on[b + 1], ~c]).only_enforce_if(ok)
    return penalties


def add_before(
    rule: rules.Before, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No block on `first` comes after a block on `then`; with `requires_first`, none on `then`
    without one on `first` before it."""
    n, penalties = len(problem.blocks), []
    for f in problem.selected(rule):
        ok, p = v.guard(rule, f)
        penalties += p
        if rule.requires_first:
            # done[b] is true only if `first` has happened in blocks 0..b-1.
            done = [model.new_bool_var(f"done[{rule.key},{f},{b}]") for b in range(n)]
            model.add(done[0] == 0)
            for b in range(n):
                if b:
                    earlier = [done[b - 1], v.on(f, b - 1, rule.first)]
                    model.add_bool_or([~done[b], *earlier])
                model.add_bool_or([~v.on(f, b, rule.then), done[b]]).only_enforce_if(ok)
        # seen[b] is true once `then` has happened in blocks 0..b.
        seen = [model.new_bool_var(f"seen[{rule.key},{f},{b}]") for b in range(n)]
        for b in range(n):
            model.add_implication(v.on(f, b, rule.then), seen[b])
            if b:
                model.add_implication(seen[b - 1], seen[b])
                model.add_bool_or([~v.on(f, b, rule.first), ~seen[b - 1]]).only_enforce_if(ok)
    return penalties


def add_max_consecutive(
    rule: rules.MaxConsecutive, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No run of more than `blocks` consecutive blocks on any mix of `rotations`."""
    n, size, penalties = len(problem.blocks), rule.blocks + 1, []
    for f in problem.selected(rule):
        for b in range(n - size + 1):
            ok, p = v.guard(rule, f, b)
            penalties += p
            window = [v.on(f, c, r) for c in range(b, b + size) for r in rule.rotations]
            model.add(sum(window) <= rule.blocks).only_enforce_if(ok)
    return penalties


def add_forbid_sequence(
    rule: rules.ForbidSequence, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """`from` is never directly followed by `to`."""
    penalties = []
    for f in problem.selected(rule):
        for b in range(len(problem.blocks) - 1):
            ok, p = v.guard(rule, f, b)
            penalties += p
            model.add_bool_or([~v.on(f, b, rule.from_), ~v.on(f, b + 1, rule.to)]).only_enforce_if(
                ok
            )
    return penalties
