"""Lower bounds on unmet wishes, so that the solver can prove what it finds when wishes cannot
all be met.

A `prefer` wish for blocks a fellow cannot all spend on the rotation leaves some unmet in any
schedule: a five-week wish for a rotation required for exactly two blocks misses at least three,
and so do blocks outside the rotation's window for that fellow, blocks pinned to another
rotation, and blocks of approved leave on a rotation that forbids leave. An `avoid` wish for a
block the fellow is pinned to the rotation in is missed in any schedule. These counts, worked
out without a solver, go into the model as redundant constraints (each wish misses at least
its bound) and into the objective as floors (the unmet total at least the sum of the bounds,
the worst-off fellow's at least the largest sum of one fellow's), which the LP-free search
cannot derive by itself (benchmarks/RESULTS.md has the numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.config import rules
from rotations.model.variables import Penalty
from rotations.problem import Problem


@dataclass(frozen=True)
class Floors:
    """What every schedule must at least cost: the unmet-wish total and the worst-off fellow's
    unmet-wish cost (the objective is built on them, so the solver's bound starts there)."""

    unmet: int = 0
    worst: int = 0


def add_wish_bounds(problem: Problem, penalties: list[Penalty], cp: cp_model.CpModel) -> Floors:
    """Add each wish's lower bound to the model; return the floors they give the objective."""
    units: dict[str, list[Penalty]] = {}
    for penalty in penalties:
        if penalty.rule.wish and not penalty.hard:
            units.setdefault(penalty.rule.key, []).append(penalty)
    per_fellow: dict[int, int] = {}
    for rule in problem.config.rules:
        if not rule.wish or rule.hard:
            continue
        for f in problem.selected(rule):
            missed = _missed(problem, rule, f)
            if not missed:
                continue
            mine = [p for p in units[rule.key] if p.fellow == f]
            cp.add(sum(p.literal for p in mine) >= missed)
            per_fellow[f] = per_fellow.get(f, 0) + missed * rule.weight
    return Floors(sum(per_fellow.values()), max(per_fellow.values(), default=0))


def _missed(problem: Problem, rule: rules.Wish, f: int) -> int:
    """Blocks of the wish that fellow `f` misses in every schedule that keeps the hard rules."""
    blocks = problem.blocks_overlapping(rule.start, rule.end)
    pinned = _pinned(problem, f)
    if isinstance(rule, rules.Avoid):
        return sum(1 for b in blocks if pinned.get(b) == rule.rotation)
    possible = [b for b in blocks if _may_be_on(problem, f, b, rule.rotation, pinned)]
    required = problem.config.requirements.get(rule.rotation)
    most = len(possible) if required is None or required.max is None else required.max
    return len(blocks) - min(len(possible), most)


def _pinned(problem: Problem, f: int) -> dict[int, str]:
    """Block -> rotation, for the hard pins of fellow `f`."""
    out = {}
    for rule in problem.config.rules:
        if isinstance(rule, rules.Pin) and rule.hard and f in problem.selected(rule):
            out.update({number - 1: rule.rotation for number in rule.blocks})
    return out


def _may_be_on(problem: Problem, f: int, b: int, rotation: str, pinned: dict[int, str]) -> bool:
    """Whether the hard rules leave fellow `f` free to be on `rotation` in block `b`."""
    if pinned.get(b, rotation) != rotation:
        return False
    block = problem.blocks[b]
    for rule in problem.config.rules:
        if (
            isinstance(rule, rules.Window)
            and rule.hard
            and rule.rotation == rotation
            and f in problem.selected(rule)
            and b not in problem.blocks_within(rule.not_before, rule.not_after)
        ):
            return False
    forbidden = problem.rotation(rotation).leave == "forbidden"
    return not (forbidden and any(d in problem.leave_days[f] for d in block.days()))
