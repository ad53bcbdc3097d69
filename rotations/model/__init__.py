"""The CP-SAT model: variables, one builder per rule type, the objective.

Only this package (and solve.py) imports ortools."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.model.objective import add_objective
from rotations.model.rules import CORE_BUILDERS, RULE_BUILDERS
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


@dataclass
class Model:
    """A built CP-SAT model and the handles needed to read a solution back."""

    cp: cp_model.CpModel
    vars: Variables
    penalties: list[Penalty]
    worst: cp_model.IntVar | None


def build_model(
    problem: Problem,
    enforce_hard: bool = True,
    relax: bool = False,
    per_fellow: bool = False,
    frozen_before: int = 0,
) -> Model:
    """Build the model; with `enforce_hard` every hard rule literal is fixed true; with `relax`
    hard rules are soft, each broken instance costing more than all soft rules together; with
    `per_fellow` each hard rule has a literal per fellow it binds (`key@fellow`)."""
    cp = cp_model.CpModel()
    v = Variables(cp, problem, relax, per_fellow, frozen_before)
    penalties: list[Penalty] = []
    for add in CORE_BUILDERS:
        penalties += add(problem, v, cp)
    for rule in problem.config.rules:
        penalties += RULE_BUILDERS[rule.type](rule, problem, v, cp)
    worst = add_objective(cp, penalties, len(problem.fellows))
    if enforce_hard:
        requested = {f"leave[{e}]" for e in problem.requests()}
        for key, literal in v.rule_literals.items():
            if key not in requested:
                cp.add(literal == 1)
    return Model(cp, v, penalties, worst)
