"""Lifting the worst-off fellow, or bringing every fellow down to their own floor: searches
the complete search does not make by itself.

The objective counts the worst-off fellow's unmet wishes once for every fellow, so it improves
only when *every* fellow at the worst level is helped at once: when several fellows share it,
no single move the complete search tries lowers the objective, and the search stays there
(benchmarks/RESULTS.md: L-unmet stayed at 25 against a floor of 15). Here each step frees the
rows of the fellows at the worst level and of a few others drawn at random (seeded), keeps
every other fellow's rotations as they are, and asks for a schedule whose worst-off fellow is
better off and whose objective is lower.

Where every fellow's own floor can be met at once as far as the wishes go (model/relaxation.py:
the fellows' own floors add up to the program's, so no two wish for the same seat), the steps
catch up instead: each frees the fellows whose `rules:` wishes cost the most above their own
floor, the worst-off, and a few others, and asks for a lower objective with the worst-off fellow
no worse off, until every fellow is at their floor; then they free the fellows whose other soft
costs (a month between procedure stints) are highest, while that still lowers the objective. The
complete search's own neighbourhoods are drawn at random from 120 or 250 fellows; these go where
the objective can still fall (benchmarks/RESULTS.md: L-targets from its first schedule, 35,776,
to 0 in 36 s of wall clock; L-unmet proven optimal at 2871 within 60 s).

Every step runs on a deterministic budget, so the same input gives the same schedule."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rotations.config import rules
from rotations.implied import Target
from rotations.model.objective import wish_penalties
from rotations.runner import Deadline, Interrupted, run_solvers, set_hint
from rotations.strategy import (
    BEHIND_FREED,
    BEHIND_OTHERS,
    BEHIND_SHARE,
    CATCH_UP_LIMIT,
    FAILURES,
    OTHERS_FREED,
    STEP_LIMIT,
)

if TYPE_CHECKING:
    from rotations.model import Model


def lift_fellows(
    model: Model,
    solver: cp_model.CpSolver,
    new_solver: Callable[[float], cp_model.CpSolver],
    budget: float,
    seed: int,
    own: tuple[int, ...] = (),
    deadline: Deadline | None = None,
    report: Callable[[int], None] | None = None,
) -> tuple[cp_model.CpSolver | None, float]:
    """Lifting or catching-up steps (see the module docstring) from the schedule
    `solver` found, each solved by `new_solver(deterministic seconds)`, within `budget`
    deterministic seconds and `deadline`; the steps catch up with `own`, each fellow's own
    floor, else they lift; `report` hears each better objective. Returns the
    solver of the last step that succeeded (its solution covers every variable of the model;
    None if no step did) and the deterministic seconds spent."""
    wishes = wish_penalties(model.penalties)
    # The fellows' other soft costs: their soft penalties that are not wishes.
    tidy = [p for p in model.penalties if p.fellow is not None and not p.hard and not p.rule.wish]
    floor = model.floors.worst if model.floors is not None else 0
    whole = model.floors is not None and model.floors.whole  # own floors of every wish
    fellows = len(model.vars.x)
    solution, objective = list(solver.response_proto.solution), solver.objective_value
    rng = random.Random(seed)
    steps = _Steps(model)
    best, spent, failures = None, 0.0, 0
    while budget - spent > 0.1 and failures < FAILURES:
        if deadline is not None and deadline.left() <= 0:
            break
        costs = list(model.vars.problem.prior_costs)
        theirs, rest = [0] * fellows, [0] * fellows
        for p in wishes:
            costs[p.fellow] += p.weight * solution[p.literal.index]
            if whole or isinstance(p.rule, (rules.Wish, Target)):
                theirs[p.fellow] += p.weight * solution[p.literal.index]
        for p in tidy:
            rest[p.fellow] += p.weight * solution[p.literal.index]
        level = max(costs)
        worst = {f for f in range(fellows) if costs[f] == level > floor}
        if own:
            # Catching up frees the worst-off too, which does better than lifting them first
            # (L-unmet at 60 s: 2871, proven optimal, against 2893 to 2919 after lifting).
            behind = [f for f in range(fellows) if theirs[f] > own[f]]
            ahead = sorted(behind, key=lambda f: (own[f] - theirs[f], rng.random()))
            if not ahead:
                # Every fellow at their floor: then their other soft costs, whose floor is not
                # known here (a month between procedure stints: L-targets' last 33).
                costly = [f for f in range(fellows) if rest[f]]
                ahead = sorted(costly, key=lambda f: (-rest[f], rng.random()))
            if not ahead:
                break
            freed = max(BEHIND_FREED, math.ceil(BEHIND_SHARE * len(behind)))
            free, most, limit = worst | set(ahead[:freed]), level, CATCH_UP_LIMIT * freed
        elif worst:
            free, most, limit = worst, level - 1, STEP_LIMIT
        else:
            break
        others = [f for f in range(fellows) if f not in free]
        drawn = BEHIND_OTHERS if own else OTHERS_FREED
        free |= set(rng.sample(others, min(drawn, len(others))))
        cp = steps.model(solution, free, most)
        step = new_solver(min(limit, budget - spent))
        # Measured on L-unmet: a step's presolve without symmetry detection and probing saves
        # about a second of the twelve a step took, and finds the same schedules.
        step.parameters.symmetry_level = 0
        step.parameters.cp_model_probing_level = 0
        try:
            (code,) = run_solvers(cp, [step], None, deadline)
        except Interrupted as stopped:  # the best so far: the step's, or the schedule before it
            found = [round(objective)] + ([stopped.best] if stopped.best is not None else [])
            raise Interrupted(min(found)) from None
        spent += step.deterministic_time
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and step.objective_value < objective:
            solution, objective = list(step.response_proto.solution), step.objective_value
            best, failures = step, 0
            if report is not None:
                report(round(objective))
        else:
            failures += 1
    return best, spent


def cost_schedule(
    model: Model, solution: list[int], solver: cp_model.CpSolver, deadline: Deadline | None
) -> int:
    """Solve `model` with `solver`, every fellow's rotations and sites fixed to `solution`'s:
    the least that schedule costs (a schedule found without the objective has its penalties at
    any value its rules allow). Returns the status code; `solver` then holds the schedule."""
    cp = _Steps(model).model(solution, set())
    (code,) = run_solvers(cp, [solver], None, deadline)
    return code


def catches_up(model: Model) -> bool:
    """Whether the catching-up steps apply: some wishes cannot be met, and the fellows' own
    floors add up to the program's, so no two fellows' wishes compete for a seat."""
    floors = model.floors
    return floors is not None and floors.unmet > 0 and sum(floors.own) == floors.unmet


class _Steps:
    """The model of each step, kept in one clone of the model: every fellow outside the step's
    `free` keeps their rotations (their variables' domains narrowed to their value in the
    schedule: a quarter of the time adding equalities took on L), the worst-off fellow's cost
    at most `most`, the schedule as the hint. Between steps only the rows of the fellows freed
    now or in the step before change: a fresh clone per step took 0.4 s of a 1.8-s step on
    L-targets."""

    def __init__(self, model: Model) -> None:
        self.original = model.cp.proto.variables  # the steps change only the clone's domains
        self.cp = model.cp.clone()
        self.worst = None if model.worst is None else model.worst.index
        self.rows = [
            [var.index for per_rotation in per_block for var in per_rotation]
            for per_block in model.vars.x
        ]
        for (f, _, _), there in model.vars.y.items():  # and the sites of their blocks
            self.rows[f] += [var.index for var in there.values()]
        self.free = set(range(len(self.rows)))  # a fresh clone fixes nobody

    def model(
        self, solution: list[int], free: set[int], most: int | None = None
    ) -> cp_model.CpModel:
        """The step's model: `free` re-planned from `solution`, the worst-off at most `most`
        (None: as in the model)."""
        variables = self.cp.proto.variables
        for f, row in enumerate(self.rows):
            if (f in free) == (f in self.free):
                continue  # still free, or still fixed to the same values
            for i in row:
                domain = variables[i].domain
                domain.clear()
                domain.extend(self.original[i].domain if f in free else [solution[i]] * 2)
        self.free = set(free)
        if self.worst is not None:
            worst = variables[self.worst].domain
            worst.clear()
            original = self.original[self.worst].domain
            worst.extend(original if most is None else [original[0], most])
        set_hint(self.cp, list(range(len(solution))), solution)
        return self.cp
