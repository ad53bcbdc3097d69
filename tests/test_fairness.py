"""Lifting the worst-off fellow, then those behind their own floor (rotations/fairness.py).
Program of the lifting tests: ana, ben and cy each wish for `a` in blocks 1-3 (weight 1), one
seat on `a` a block: three wished weeks for nine wishes, six missed in any schedule; the
fairest gives each fellow one (worst 2, objective 6 + 3 × 2 = 12)."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from rotations import fairness
from rotations.fairness import lift_fellows
from rotations.model import build_model
from rotations.outcome import SolveOptions
from rotations.runner import Interrupted
from rotations.solve import solver_for
from tests.conftest import program
from tests.test_bounds import prefer

OPTIONS = SolveOptions(time_limit=5.0, seed=0, workers=2)


def wishes() -> dict:
    rotations = {"a": {"name": "Alpha", "staffing": {"max": 1}}, "b": {"name": "Beta"}}
    rules = [
        {"type": "prefer", "fellow": f, "rotation": "a", "start": "2027-07-05",
         "end": "2027-07-25", "weight": 1}
        for f in ("ana", "ben", "cy")
    ]  # fmt: skip
    return program(rotations=rotations | {"c": {"name": "Gamma"}}, rules=rules)


def unfair_start(model) -> cp_model.CpSolver:
    """The schedule that puts ana on `a` all three weeks: ben and cy miss 3 each."""
    unfair = model.cp.clone()
    for b in range(3):
        unfair.add(unfair.get_bool_var_from_proto_index(model.vars.on(0, b, "a").index) == 1)
    start = solver_for(OPTIONS)
    assert start.solve(unfair) == cp_model.OPTIMAL
    return start


def test_the_worst_off_are_lifted_from_a_schedule_that_piles_it_on_two(load) -> None:
    """Start from ana on `a` all three weeks (ben and cy miss 3 each: worst 3, objective 15):
    the steps free ben and cy, give each a week, and stop at the floor (2)."""
    problem = load(wishes())
    model = build_model(problem)
    # Alone, each could have all three weeks: their own floors (0) do not add up to the
    # program's 6, so no step tries to bring anyone down to theirs.
    assert (model.floors.unmet, model.floors.worst, model.floors.own) == (6, 2, (0, 0, 0))
    start = unfair_start(model)
    assert (start.objective_value, start.value(model.worst)) == (15, 3)
    heard = []
    lifted, spent = lift_fellows(
        model, start, lambda s: solver_for(OPTIONS), 5.0, 0, report=heard.append
    )
    assert lifted is not None and 0 < spent <= 5.0
    assert (lifted.objective_value, lifted.value(model.worst)) == (12, 2)
    assert heard == [12]
    weeks = [sum(lifted.value(model.vars.on(f, b, "a")) for b in range(3)) for f in range(3)]
    assert weeks == [1, 1, 1]


def test_a_schedule_at_the_floor_is_left_alone(load) -> None:
    problem = load(wishes())
    model = build_model(problem)
    start = solver_for(OPTIONS)
    assert start.solve(model.cp) == cp_model.OPTIMAL
    assert start.value(model.worst) == 2
    assert lift_fellows(model, start, lambda s: solver_for(OPTIONS), 5.0, 0) == (None, 0.0)


def test_a_fellow_behind_their_own_floor_catches_up(load) -> None:
    """ana wishes for `a` in blocks 1-3, required twice: she misses one whatever happens (her
    own floor 1, the worst-off fellow's floor 1). ben wishes for `b` in blocks 1-2, which
    nobody else wants: his own floor 0. From a schedule that keeps ben off `b` in block 2
    (ana 1, ben 1: the worst-off fellow at the floor, objective 2 + 3 × 1 = 5), the
    catching-up steps free ben and give him block 2 (objective 4)."""
    problem = load(
        program(
            requirements={"a": 2},
            rules=[
                prefer("a", "2027-07-05", "2027-07-25", weight=1),
                prefer("b", "2027-07-05", "2027-07-18", weight=1, fellow="ben"),
            ],
        )
    )
    model = build_model(problem)
    assert (model.floors.unmet, model.floors.worst, model.floors.own) == (1, 1, (1, 0, 0))
    behind = model.cp.clone()
    behind.add(behind.get_bool_var_from_proto_index(model.vars.on(1, 1, "b").index) == 0)
    start = solver_for(OPTIONS)
    assert start.solve(behind) == cp_model.OPTIMAL
    assert (start.objective_value, start.value(model.worst)) == (5, 1)
    own = model.floors.own
    caught_up, _ = lift_fellows(model, start, lambda s: solver_for(OPTIONS), 5.0, 0, own)
    assert caught_up is not None
    assert (caught_up.objective_value, caught_up.value(model.worst)) == (4, 1)
    assert caught_up.value(model.vars.on(1, 1, "b")) == 1


def test_ctrl_c_during_a_step_tells_the_best_schedule_so_far(load, monkeypatch) -> None:
    """Ctrl-C before a step has found anything: the user hears the cost of the schedule the
    steps started from (15), not nothing."""
    problem = load(wishes())
    model = build_model(problem)
    start = unfair_start(model)

    def ctrl_c(*args, **kwargs):
        raise Interrupted(None)

    monkeypatch.setattr(fairness, "run_solvers", ctrl_c)
    with pytest.raises(Interrupted) as stopped:
        lift_fellows(model, start, lambda s: solver_for(OPTIONS), 5.0, 0)
    assert stopped.value.best == 15


def test_at_their_floors_the_steps_free_a_fellow_with_other_soft_costs(load) -> None:
    """Every fellow at their own floor (ana misses one wished week of `a`, required twice,
    whatever happens), but ben is on `a` in blocks 4 and 6, one block apart where the soft
    gap rule wants two (objective 1 + 3 × 1 + 1 = 5): the steps then free ben, whose other
    soft cost is the highest, and close his gap (4)."""
    gap = {"name": "Rest", "type": "gap", "rotation": "a", "min_blocks": 2, "weight": 1}
    problem = load(
        program(requirements={"a": 2}, rules=[prefer("a", "2027-07-05", "2027-07-25", 1), gap])
    )
    model = build_model(problem)
    assert model.floors.own == (1, 0, 0)
    apart = model.cp.clone()
    for b in (3, 5):
        apart.add(apart.get_bool_var_from_proto_index(model.vars.on(1, b, "a").index) == 1)
    start = solver_for(OPTIONS)
    assert start.solve(apart) == cp_model.OPTIMAL
    assert (start.objective_value, start.value(model.worst)) == (5, 1)
    tidied, _ = lift_fellows(model, start, lambda s: solver_for(OPTIONS), 5.0, 0, model.floors.own)
    assert tidied is not None and tidied.objective_value == 4
    weeks = [b for b in range(6) if tidied.value(model.vars.on(1, b, "a"))]
    assert weeks[1] - weeks[0] != 2
