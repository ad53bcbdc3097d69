"""The two-phase solve: a first schedule by local search, then the complete search from it."""

from __future__ import annotations

import os
import signal

import pytest
from conftest import EXAMPLE
from ortools.sat.python import cp_model

from rotations import solve as solve_module
from rotations import strategy
from rotations.check import check
from rotations.config import load_config
from rotations.model import build_model
from rotations.outcome import SolveOptions
from rotations.problem import resolve
from rotations.runner import Deadline, Interrupted
from rotations.solve import plan_for, solve_model
from tests.test_bounds import too_long

OPTIONS = SolveOptions(time_limit=20.0, seed=0, workers=2)


@pytest.fixture(autouse=True)
def local_search_on_small_models(monkeypatch):
    """Phase 1 runs on large models only; here it runs on the example, with room to finish."""
    monkeypatch.setattr(strategy, "LOCAL_SEARCH_FROM", 0)
    monkeypatch.setattr(solve_module, "FIRST_SCHEDULE_PER_VARIABLE", 4e-4)


def example(targets: bool = False):
    """The bundled example; without its procedure targets unless asked (with them, phase 1
    does not run), and without presenting from current work (beside the point here, and the
    proof of it takes longer)."""
    config = load_config(EXAMPLE)
    if not targets:
        config = config.model_copy(update={"targets": {}})
    quiet = [conf.model_copy(update={"relevance_weight": 0}) for conf in config.conferences]
    config = config.model_copy(update={"conferences": quiet})
    problem = resolve(config)
    return problem, build_model(problem)


def test_first_schedule_is_reported_before_the_search_proves_the_best() -> None:
    problem, model = example()
    calls = []
    result = solve_model(problem, model, OPTIONS, lambda *call: calls.append(call))
    # Phase 1 reports a schedule without a bound; the complete search then brings one.
    assert calls[0][1] is not None and calls[0][2] is None
    assert any(bound is not None for _, _, bound in calls[1:])
    assert result.stats.status == "OPTIMAL"
    assert calls[0][1] >= result.stats.objective
    assert not [v for v in check(problem, result.schedule) if v.hard]


def test_the_models_own_hints_survive_the_solve() -> None:
    problem, model = example()
    x = model.vars.x[0][0][0]
    model.cp.add_hint(x, 1)
    before = (list(model.cp.proto.solution_hint.vars), list(model.cp.proto.solution_hint.values))
    solve_model(problem, model, OPTIONS)
    after = (list(model.cp.proto.solution_hint.vars), list(model.cp.proto.solution_hint.values))
    assert after == before


def test_the_complete_search_is_handed_the_first_schedule(monkeypatch) -> None:
    problem, model = example()
    handed = []
    real = solve_module.solver_for

    def watching(options: SolveOptions):
        handed.append(model.cp.proto.has_solution_hint() and len(model.cp.proto.solution_hint.vars))
        return real(options)

    monkeypatch.setattr(solve_module, "solver_for", watching)
    solve_model(problem, model, OPTIONS)
    # Before it, the steps lifting the worst-off fellow ran on copies of the model.
    *lifting, complete = handed
    assert complete == len(model.cp.proto.variables)
    assert lifting and not any(lifting)
    assert not model.cp.proto.has_solution_hint()


def test_first_schedule_stands_when_the_search_has_no_time_left(monkeypatch) -> None:
    problem, model = example()
    real = solve_module.solver_for

    def starved(options: SolveOptions):
        solver = real(options)
        solver.parameters.max_deterministic_time = 1e-9
        return solver

    monkeypatch.setattr(solve_module, "solver_for", starved)
    result = solve_model(problem, model, OPTIONS)
    assert result.schedule is not None
    assert result.stats.status == "FEASIBLE"
    assert not [v for v in check(problem, result.schedule) if v.hard]
    # The bound the floors prove (here mentoring's 1), not the local search's own.
    assert result.stats.bound == model.floors.objective(len(problem.fellows)) == 1


def test_small_models_go_straight_to_the_complete_search(monkeypatch) -> None:
    monkeypatch.setattr(strategy, "LOCAL_SEARCH_FROM", 10**9)
    problem, model = example()
    calls = []
    result = solve_model(problem, model, OPTIONS, lambda *call: calls.append(call))
    assert all(bound is not None for _, _, bound in calls)
    assert result.stats.status == "OPTIMAL"


def test_programs_with_procedure_targets_start_from_the_complete_search(monkeypatch) -> None:
    """No local search: the complete search's first schedule of the hard rules alone, costed
    (reported without a bound: it is one schedule's least cost), then steps that bring each
    fellow's missing cases and unmet wishes down, then the complete search again, which
    proves the optimum."""
    problem, model = example(targets=True)
    calls, steps = [], []
    real = solve_module.lift_fellows

    def watching(*args, **kwargs):
        steps.append(args[5])  # each fellow's own floor: the steps catch up
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "lift_fellows", watching)
    result = solve_model(problem, model, OPTIONS, lambda *call: calls.append(call))
    assert calls and calls[0][1] is not None and calls[0][2] is None
    assert steps == [(0,) * len(problem.fellows)]
    assert result.stats.status == "OPTIMAL"


def test_steps_that_reach_the_floors_end_the_solve(monkeypatch, load) -> None:
    """When the steps' schedule costs what the floors prove, it is optimal: no complete
    search (its presolve alone took 7 s on L-targets), and the status says OPTIMAL."""
    monkeypatch.setattr(strategy, "LOCAL_SEARCH_FROM", 0)
    problem = load(too_long())
    model = build_model(problem)
    at_floor = solve_module.solver_for(OPTIONS)
    assert at_floor.solve(model.cp) == cp_model.OPTIMAL
    floor = model.floors.objective(len(problem.fellows))
    assert at_floor.objective_value == floor
    found = (at_floor, cp_model.FEASIBLE)  # a local search proves nothing
    monkeypatch.setattr(solve_module, "_local_search", lambda *a: found)
    monkeypatch.setattr(solve_module, "_lift", lambda *a: (at_floor, at_floor.deterministic_time))
    searched = []
    monkeypatch.setattr(solve_module, "_complete_search", lambda *a, **k: searched.append(a))
    result = solve_model(problem, model, OPTIONS)
    assert not searched
    assert (result.stats.status, result.stats.objective, result.stats.bound) == (
        "OPTIMAL",
        floor,
        floor,
    )
    assert result.stats.stopped_by == "finished"


def test_both_phases_give_the_same_schedule_every_time() -> None:
    first, second = (solve_model(*example(), OPTIONS) for _ in range(2))
    assert first.schedule.assignments == second.schedule.assignments
    assert first.schedule.roles == second.schedule.roles
    assert first.stats.deterministic_time == second.stats.deterministic_time


def test_where_fellows_can_catch_up_the_local_search_is_the_short_one(monkeypatch, load) -> None:
    """ana wishes for `a` five weeks, required twice: three weeks missed in any schedule, and
    ben's one week of it is not in her way, so the steps can bring each fellow to their own
    floor: the local search has the shorter budget; the example's (no unmet floor) the longer."""
    problem = load(too_long())
    model = build_model(problem)
    budgets = []
    real = solve_module.local_search_for

    def watching(options: SolveOptions, variables: int, catching_up: bool) -> object:
        solver = real(options, variables, catching_up)
        budgets.append((catching_up, solver.parameters.max_deterministic_time))
        return solver

    monkeypatch.setattr(solve_module, "local_search_for", watching)
    result = solve_model(problem, model, OPTIONS)
    variables = len(model.cp.proto.variables)
    assert budgets == [(True, variables * solve_module.CATCH_UP_PER_VARIABLE)] * 2
    assert (result.stats.status, result.stats.objective) == ("OPTIMAL", 6 + 3 * 6)
    budgets.clear()
    solve_model(*example(), OPTIONS)
    assert budgets and not any(catching_up for catching_up, _ in budgets)


def test_side_by_side_runs_report_only_better_schedules() -> None:
    calls = []
    report = solve_module._Improvements(lambda *call: calls.append(call))
    for elapsed, best in ((1.0, 40), (1.1, 45), (1.2, 40), (1.3, 31), (1.4, None)):
        report(elapsed, best, None)
    assert calls == [(1.0, 40, None), (1.3, 31, None)]


def test_ctrl_c_during_the_local_search_stops_both_runs(monkeypatch) -> None:
    """SIGINT as soon as the first schedule is reported (runs go on for 10 det-s otherwise)."""
    monkeypatch.setattr(solve_module, "FIRST_SCHEDULE_PER_VARIABLE", 1.0)
    _, model = example()
    sent = []

    def ctrl_c(elapsed: float, best: int | None, bound: int | None) -> None:
        if not sent:
            sent.append(best)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(Interrupted) as caught:
        solve_module._local_search(
            model, SolveOptions(time_limit=40.0), len(model.cp.proto.variables), False, ctrl_c, 0.0
        )
    assert sent and caught.value.best is not None and caught.value.best <= sent[0]


def test_the_result_says_what_stopped_the_search() -> None:
    """The example is proven optimal (finished); cut at 0.2 deterministic seconds, it stops
    by its budget (reruns agree); given a wall clock that has run out, by the wall clock."""
    problem, model = example()
    assert solve_model(problem, model, OPTIONS).stats.stopped_by == "finished"
    short = SolveOptions(time_limit=0.2, seed=0, workers=2)
    assert solve_model(problem, model, short).stats.stopped_by == "deterministic budget"
    late = SolveOptions(time_limit=20.0, deadline=Deadline(0.0))
    result = solve_model(problem, model, late)
    assert result.stats.stopped_by == "wall clock"
    assert result.stats.deterministic_time < 20.0  # it did not run to its budget


def test_a_stage_deadline_is_a_share_of_the_time_left_and_its_cut_is_the_runs() -> None:
    """A reschedule's first stage ends at its share of the run's time, so that the second has
    time left; a search it cuts short makes the whole run's answer a wall-clock one."""
    whole = Deadline(100.0)
    stage = whole.part(0.6)
    assert 50.0 < stage.left() <= 60.0 < whole.left()
    stage.cut_short()
    assert stage.cut and whole.cut


PHASE_PROGRAMS = {  # where each phase runs: the example with targets or not, and how large
    strategy.LOCAL_SEARCH: (False, 0),
    strategy.EARLY_LIFT: (False, 0),
    strategy.FIRST_SCHEDULE: (True, 0),
    strategy.CATCH_UP: (True, 0),
    strategy.LATE_LIFT: (False, 10**9),
    strategy.STAFFED: (True, 0),
}


def _phases(chosen: strategy.Plan) -> set[str | None]:
    late = strategy.LATE_LIFT if chosen.late_lift else None
    return {chosen.first, chosen.steps, late, strategy.STAFFED if chosen.staffed else None}


@pytest.mark.parametrize("phase", strategy.PHASES)
def test_each_phase_can_be_switched_off_and_the_schedule_keeps_every_rule(monkeypatch, phase):
    """Every phase of the strategy is optional: switched off where it would run, the solve
    still returns a schedule that keeps every hard rule."""
    targets, large_from = PHASE_PROGRAMS[phase]
    monkeypatch.setattr(strategy, "LOCAL_SEARCH_FROM", large_from)
    problem, model = example(targets)
    assert phase in _phases(plan_for(problem, model, OPTIONS))
    options = SolveOptions(time_limit=5.0, off=frozenset({phase}))
    assert phase not in _phases(plan_for(problem, model, options))
    result = solve_model(problem, model, options)
    assert result.schedule is not None
    assert not [v for v in check(problem, result.schedule) if v.hard]
