"""The CP-SAT model: variables, one builder per rule type, the objective.

Only this package (and solve.py) imports ortools."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rotations.config.rules import Idle, PreferSite, SiteChange, Want
from rotations.model.bounds import Floors, alone_config, alone_floors, wish_floors
from rotations.model.objective import add_objective, groups
from rotations.model.relaxation import relaxation_solver, run_relaxations, solved_bound
from rotations.model.rules import BUILDERS, add_one_rotation
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem, resolve
from rotations.runner import Deadline
from rotations.strategy import ALONE_SHARE, ALONE_SIDE_BY_SIDE, ALONE_WORK


@dataclass
class Model:
    """A built CP-SAT model and the handles needed to read a solution back."""

    cp: cp_model.CpModel
    vars: Variables
    penalties: list[Penalty]
    worst: cp_model.IntVar | None
    floors: Floors | None = None  # what unmet wishes cost at least (None under --relax)


def build_model(
    problem: Problem,
    enforce_hard: bool = True,
    relax: bool = False,
    per_fellow: bool = False,
    frozen_before: int = 0,
    deadline: Deadline | None = None,
    floored: bool = True,
) -> Model:
    """Build the model; with `enforce_hard` every hard rule literal is fixed true; with `relax`
    hard rules are soft, each broken instance costing more than all soft rules together; with
    `per_fellow` each hard rule has a literal per fellow it binds. The solves for its floors
    end by the `deadline` at the latest (the fellows alone by ALONE_SHARE of it); without
    `floored`, none (a model whose objective is not searched, or is a floor itself: a
    conflict's, the source of the fellows alone, a fellow's program alone)."""
    cp = cp_model.CpModel()
    v = Variables(cp, problem, relax, per_fellow, frozen_before)
    add_one_rotation(problem, v, cp)
    penalties: list[Penalty] = []
    for rule in problem.rules:
        penalties += BUILDERS[type(rule)](rule, problem, v, cp)
    # Relaxed, or with a frozen past, a hard rule may break, so a wish it bars may be met.
    floors = None if relax or frozen_before or not floored else wish_floors(problem)
    if floors is not None and floors.away and enforce_hard:
        wishing = {p.fellow for p in groups(penalties)[2]}
        if len(wishing) * len(cp.proto.variables) <= ALONE_WORK:
            part = None if deadline is None else deadline.part(ALONE_SHARE)
            floors = replace(floors, alone=_alone_floors(problem, floors, part))
    elif floors is not None and enforce_hard and _beyond(problem):
        part = None if deadline is None else deadline.part(ALONE_SHARE)
        alone = each_alone(problem, part)
        highest = max(f + prior for f, prior in zip(alone, problem.prior_costs, strict=True))
        floors = replace(
            floors,
            alone=alone,
            away=(0,) * len(alone),
            own=alone,
            whole=True,
            worst=max(floors.worst, highest),
        )
    worst = add_objective(cp, penalties, problem.fairness_weight, floors, problem.prior_costs)
    if enforce_hard:
        for key, literal in v.literals.items():
            if v.stands(key):
                cp.add(literal == 1)
    return Model(cp, v, penalties, worst, floors)


def _beyond(problem: Problem) -> bool:
    """Whether the program has soft wishes the relaxation has no floor for (want, prefer_site,
    site_change, idle): their floors come from each fellow alone."""
    return any(
        isinstance(r, (Want, PreferSite, SiteChange, Idle)) and not r.hard
        for r in problem.config.rules
    )


def each_alone(problem: Problem, deadline: Deadline | None) -> tuple[int, ...]:
    """Each fellow's floor of their wishes, from the program cut down to them alone (only
    their rules, no staffing minimums, no conferences or teaching: whatever ties fellows
    together falls away, so every schedule of the program is one of it for them). A fellow
    whose solve the `deadline` stops before it proves anything keeps 0."""
    alone: list[tuple[int, cp_model.CpModel]] = []
    for f, fellow in enumerate(problem.fellows):
        if deadline is not None and deadline.left() <= 0:
            break
        model = build_model(resolve(alone_config(problem.config, fellow)), floored=False)
        wishes = groups(model.penalties)[2]
        if wishes:
            model.cp.minimize(sum(p.weight * p.literal for p in wishes))
            alone.append((f, model.cp))
    floors = [0] * len(problem.fellows)
    for k in range(0, len(alone), ALONE_SIDE_BY_SIDE):
        batch = alone[k : k + ALONE_SIDE_BY_SIDE]
        solvers = [relaxation_solver(linear=True) for _ in batch]
        codes = run_relaxations([cp for _, cp in batch], solvers, deadline)
        for (f, _), solver, code in zip(batch, solvers, codes, strict=False):
            floors[f] = solved_bound(solver, code)
    return tuple(floors)


def _alone_floors(problem: Problem, floors: Floors, deadline: Deadline | None) -> tuple[int, ...]:
    """Each fellow's floor of their wishes and relevance together (bounds.alone_floors), in
    the program's own model with only that fellow's hard rules."""
    model = build_model(problem, enforce_hard=False, per_fellow=True, floored=False)
    wishes: dict[int, list] = {}
    for p in groups(model.penalties)[2]:
        wishes.setdefault(p.fellow, []).append(p)
    return alone_floors(problem, model, wishes, floors, deadline)
