"""The objective: soft-rule costs, plus fairness so the worst-off fellow's wishes count most.

    minimise  Σ weight × violated  +  F × max over fellows of (that fellow's unmet-wish cost)

where the unmet-wish cost of a fellow is the sum of their violated wishes' weights (`prefer`,
`avoid`, `want`, ..., requested leave, targets) plus their `prior_cost`, and F is
`program.fairness_weight`, by default the number of fellows. With F = number of fellows,
taking one unit of unmet wishes off the worst-off fellow is worth one extra unit for every
other fellow: the schedule spreads disappointment instead of piling it on one person, but never
buys fairness with more than that.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.implied import ConferencePart, MentoringPart
from rotations.model.bounds import Floors
from rotations.model.variables import Penalty


def add_objective(
    model: cp_model.CpModel,
    penalties: list[Penalty],
    fellows: int,
    floors: Floors | None,
    priors: list[int],
) -> cp_model.IntVar | None:
    """Set the objective, `fellows` the weight F of the worst-off fellow; return the worst-off
    fellow's wish cost variable (None if no wishes). `floors`: what the unmet wishes cost at
    least, from model/bounds.py; `priors`: each fellow's prior cost."""
    floors = floors or Floors()
    soft = [p for p in penalties if not p.hard]
    wishes = wish_penalties(penalties)
    mentoring, relevance, rotation_wishes = groups(penalties)
    grouped = {id(p) for p in mentoring + relevance + rotation_wishes}
    # Each group's total as a variable whose domain starts at its floor (bounds.py).
    if floors.alone:
        unmet = _alone(model, rotation_wishes, relevance, floors)
    else:
        unmet = _floored(model, rotation_wishes, floors.unmet, "unmet_wishes")
    total = _floored(model, mentoring, floors.mentoring, "mentoring_cost")
    if not floors.alone:
        total += _floored(model, relevance, floors.relevance, "relevance_cost")
    total += sum(p.weight * p.literal for p in soft if id(p) not in grouped)
    per_fellow: dict[int, list[Penalty]] = {f: [] for f, prior in enumerate(priors) if prior}
    for p in wishes:
        per_fellow.setdefault(p.fellow, []).append(p)
    worst, bound = None, 0
    if per_fellow:
        costs = per_fellow.items()
        bound = max(
            priors[f] + sum(p.weight * upper_bound(p.literal) for p in ps) for f, ps in costs
        )
        least = max(floors.worst, max(priors[f] for f in per_fellow))
        worst = model.new_int_var(least, max(least, bound), "worst_fellow_wish_cost")
        for f in sorted(per_fellow):
            model.add(worst >= priors[f] + sum(p.weight * p.literal for p in per_fellow[f]))
        unmet += fellows * worst
        if floors.together > floors.wished(fellows):
            # The two together, from the floor of their sum, which neither's floor shows.
            most = _most(rotation_wishes + relevance if floors.alone else rotation_wishes)
            least = floors.together + (floors.relevance if floors.alone else 0)
            together = model.new_int_var(least, most + fellows * bound, "wish_cost")
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


def groups(penalties: list[Penalty]) -> tuple[list[Penalty], list[Penalty], list[Penalty]]:
    """The soft penalties of mentoring, of the conferences' relevance and of the other wishes
    of one fellow (the `rules:` wishes, requested leave, procedure targets)."""
    soft = [p for p in penalties if not p.hard]
    mentoring = [p for p in soft if isinstance(p.rule, MentoringPart)]
    relevance = [
        p for p in soft if isinstance(p.rule, ConferencePart) and p.rule.part == "relevance"
    ]
    grouped = {id(p) for p in mentoring + relevance}
    return mentoring, relevance, [p for p in wish_penalties(penalties) if id(p) not in grouped]


def _alone(model: cp_model.CpModel, wishes: list[Penalty], relevance: list[Penalty], floors):
    """The wishes and the relevance together: each fellow's from their floor alone (and their
    relevance from its own floor), summed in a variable from the floors of the two totals."""
    costs = []
    for f, floor in enumerate(floors.alone):
        away = [p for p in relevance if p.fellow == f]
        theirs = [p for p in wishes if p.fellow == f]
        cost = model.new_int_var(floor, _most(theirs + away), f"own_cost[{f}]")
        relevant = _floored(model, away, floors.away[f], f"relevance_cost[{f}]")
        model.add(cost == sum(p.weight * p.literal for p in theirs) + relevant)
        costs.append(cost)
    least = max(sum(floors.alone), floors.unmet + floors.relevance)
    total = model.new_int_var(least, _most(wishes + relevance), "wishes_and_relevance")
    model.add(total == sum(costs))
    return total


def _most(group: list[Penalty]) -> int:
    """The most a group of penalties can cost."""
    return sum(p.weight * upper_bound(p.literal) for p in group)


def _floored(model: cp_model.CpModel, group: list[Penalty], floor: int, name: str):
    """The cost of a group of penalties: a variable from `floor` up when there is one, which
    the LP-free search could not derive by itself, else their sum."""
    cost = sum(p.weight * p.literal for p in group)
    if not floor:
        return cost
    var = model.new_int_var(floor, _most(group), name)
    model.add(var == cost)
    return var


def wish_penalties(penalties: list[Penalty]) -> list[Penalty]:
    """The soft penalties of one fellow's wishes: what the fairness term adds up per fellow."""
    return [p for p in penalties if not p.hard and p.rule.wish and p.fellow is not None]


def upper_bound(var: cp_model.IntVar) -> int:
    domain = var.proto.domain  # OR-Tools' proto list does not take negative indices
    return domain[len(domain) - 1]
