"""The objective: soft-rule costs, plus fairness so the worst-off fellow's wishes count most.

    minimise  Σ weight × violated  +  F × max over fellows of (that fellow's unmet-wish cost)

where the unmet-wish cost of a fellow is the sum of their violated `prefer`/`avoid` weights and
F is the number of fellows. With F = number of fellows, taking one unit of unmet wishes off the
worst-off fellow is worth one extra unit for every other fellow: the schedule spreads
disappointment instead of piling it on one person, but never buys fairness with more than that.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config.implied import ConferencePart, MentoringPart
from rotations.model.bounds import Floors
from rotations.model.variables import Penalty


def add_objective(
    model: cp_model.CpModel,
    penalties: list[Penalty],
    fellows: int,
    floors: Floors | None = None,
) -> cp_model.IntVar | None:
    """Set the objective; return the worst-off fellow's wish cost variable (None if no wishes).
    `floors`: what the unmet wishes cost at least, from model/bounds.py."""
    floors = floors or Floors()
    soft = [p for p in penalties if not p.hard]
    wishes = wish_penalties(penalties)
    mentoring = [p for p in soft if isinstance(p.rule, MentoringPart)]
    relevance = [
        p for p in soft if isinstance(p.rule, ConferencePart) and p.rule.part == "relevance"
    ]
    grouped = {id(p) for p in mentoring + relevance}
    rotation_wishes = [p for p in wishes if id(p) not in grouped]
    grouped |= {id(p) for p in rotation_wishes}
    # Each group's total as a variable whose domain starts at its floor (bounds.py).
    unmet = _floored(model, rotation_wishes, floors.unmet, "unmet_wishes")
    total = _floored(model, mentoring, floors.mentoring, "mentoring_cost")
    total += _floored(model, relevance, floors.relevance, "relevance_cost")
    total += sum(p.weight * p.literal for p in soft if id(p) not in grouped)
    per_fellow: dict[int, list[Penalty]] = {}
    for p in wishes:
        per_fellow.setdefault(p.fellow, []).append(p)
    worst, bound = None, 0
    if per_fellow:
        costs = per_fellow.values()
        bound = max(sum(p.weight * upper_bound(p.literal) for p in ps) for ps in costs)
        worst = model.new_int_var(floors.worst, bound, "worst_fellow_wish_cost")
        for f in sorted(per_fellow):
            model.add(worst >= sum(p.weight * p.literal for p in per_fellow[f]))
        unmet += fellows * worst
        if floors.together > floors.wished(fellows):
            # The two together, from the floor of their sum, which neither's floor shows.
            most = sum(p.weight * upper_bound(p.literal) for p in rotation_wishes)
            together = model.new_int_var(floors.together, most + fellows * bound, "wish_cost")
            model.add(together == unmet)
            unmet = together
    total += unmet
    broken = [p for p in penalties if p.hard]
    if broken:
        # Under --relax (or in a reschedule's frozen past): one broken hard instance outweighs
        # every soft cost at once.
        ceiling = sum(p.weight * upper_bound(p.literal) for p in soft) + fellows * bound
        total += (ceiling + 1) * sum(p.literal for p in broken)
    model.minimize(total)
    return worst


def _floored(model: cp_model.CpModel, group: list[Penalty], floor: int, name: str):
    """The cost of a group of penalties: a variable from `floor` up when there is one, which
    the LP-free search could not derive by itself, else their sum."""
    cost = sum(p.weight * p.literal for p in group)
    if not floor:
        return cost
    most = sum(p.weight * upper_bound(p.literal) for p in group)
    var = model.new_int_var(floor, most, name)
    model.add(var == cost)
    return var


def wish_penalties(penalties: list[Penalty]) -> list[Penalty]:
    """The soft penalties of one fellow's wishes: what the fairness term adds up per fellow."""
    return [p for p in penalties if not p.hard and p.rule.wish and p.fellow is not None]


def upper_bound(var: cp_model.IntVar) -> int:
    domain = var.proto.domain  # OR-Tools' proto list does not take negative indices
    return domain[len(domain) - 1]
