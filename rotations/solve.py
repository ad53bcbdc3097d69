"""Solving: deterministic CP-SAT parameters, progress reports, and the phases of a solve.

Which phases a solve runs, on what condition and with what share of the time is decided in
one place, rotations/strategy.py (`plan`), with every tuned number and the measurement behind
it; this module runs them: phase 1 (the local search, side by side with different seeds, or
the complete search to its first schedule), the steps of rotations/fairness.py, the staffed
floors (model/relaxation.py: staffed_floors), and the complete search, which starts from the
best schedule so far and proves how far from optimal it is. The answer is read back by
rotations/outcome.py.

Every CP-SAT search runs through `runner.run_solvers`: in worker threads, so that Ctrl-C reaches
the main thread, which then stops the searches and raises Interrupted.

Time: `SolveOptions.time_limit` is a budget of CP-SAT *deterministic* seconds, so that the same
input gives the same answer; `SolveOptions.deadline` ends every search of the run at a
wall-clock time besides (pipeline.command_options sets both from --time-limit, for the whole
command), so that a loaded machine cannot stretch it. When the wall clock stops a search before
its deterministic budget does, the answer may differ from another run's, and the result says so
(`stopped_by: wall clock`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from ortools.sat.python import cp_model

from rotations.fairness import catches_up, cost_schedule, lift_fellows
from rotations.model import Model, build_model
from rotations.model.bounds import Floors
from rotations.model.relaxation import staffed_floors
from rotations.outcome import Result, SolveOptions, read_schedule
from rotations.problem import Problem
from rotations.runner import Interrupted, run_solvers, set_hint, settled
from rotations.strategy import (
    CATCH_UP,
    CATCH_UP_PER_VARIABLE,
    CATCH_UP_SHARE,
    EARLY_LIFT_SHARE,
    FIRST_SCHEDULE,
    FIRST_SCHEDULE_PER_VARIABLE,
    FIRST_SCHEDULE_SHARE,
    HARD_RULES_SHARE,
    LIFT_SHARE,
    STAFFED_SHARE,
    STEP_LIMIT,
    Plan,
    plan,
)

Progress = Callable[[float, int | None, int | None], None]


def solver_for(options: SolveOptions) -> cp_model.CpSolver:
    """A CP-SAT solver whose answer depends only on its input (interleaved search, det. time)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = max(1, options.workers)
    params.interleave_search = params.num_workers > 1
    params.random_seed = options.seed
    params.max_deterministic_time = options.time_limit
    params.log_search_progress = False
    params.catch_sigint_signal = False  # run_solvers handles Ctrl-C
    if params.interleave_search:
        # Measured on benchmarks/ (see RESULTS.md): interleaving all nine full-problem
        # subsolvers on two cores starves each of them; the two LP-free restarting searches
        # plus the LNS workers find the first schedule of a 120-trainee year about 2.5x sooner
        # and still prove the small programs optimal, in less time. One presolve pass is enough.
        params.subsolvers.extend(["quick_restart_no_lp", "no_lp"])
        params.interleave_batch_size = 2
        params.max_presolve_iterations = 1
    return solver


def local_search_for(
    options: SolveOptions, variables: int, catching_up: bool = False
) -> cp_model.CpSolver:
    """Phase 1: one deterministic single-worker local search (shorter when `catching_up`).

    Measured on benchmarks/ over five seeds each of L and XL: skipping the presolve loop and
    longer feasibility-jump batches find the first schedule soonest on average."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.use_ls_only = True
    params.random_seed = options.seed
    per_variable = CATCH_UP_PER_VARIABLE if catching_up else FIRST_SCHEDULE_PER_VARIABLE
    params.max_deterministic_time = min(
        options.time_limit * FIRST_SCHEDULE_SHARE, variables * per_variable
    )
    params.max_presolve_iterations = 0
    params.feasibility_jump_batch_dtime = 1.0
    params.log_search_progress = False
    params.catch_sigint_signal = False  # run_solvers handles Ctrl-C
    return solver


class Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each schedule found (and each better bound) to a Progress callback."""

    def __init__(self, progress: Progress, started: float, bounded: bool = True) -> None:
        super().__init__()
        self.progress = progress
        self.started = started
        self.bounded = bounded  # local search proves no bound worth showing
        self.best: int | None = None
        self.bound: int | None = None

    def on_solution_callback(self) -> None:
        self.best = round(self.objective_value)
        self.bound = round(self.best_objective_bound) if self.bounded else None
        self.progress(time.monotonic() - self.started, self.best, self.bound)

    def on_bound(self, bound: float) -> None:
        self.bound = round(bound)
        self.progress(time.monotonic() - self.started, self.best, self.bound)


def solve(problem: Problem, options: SolveOptions, progress: Progress | None = None) -> Result:
    """Build and solve the model for `problem`."""
    model = build_model(problem, relax=options.relax, deadline=options.deadline)
    return solve_model(problem, model, options, progress)


def solve_model(
    problem: Problem, model: Model, options: SolveOptions, progress: Progress | None = None
) -> Result:
    """Solve a built model in two phases (see the module docstring) and read the schedule back."""
    started = time.monotonic()
    variables = len(model.cp.proto.variables)
    own = _own_floors(problem, model)
    chosen = plan_for(problem, model, options)
    if chosen.first is None:
        return _complete_search(problem, model, options, progress, started, chosen.late_lift)
    catching_up = chosen.steps == CATCH_UP
    if chosen.first == FIRST_SCHEDULE:
        first, code, spent = _first_schedule(model, options, progress, started)
    else:
        first, code = _local_search(model, options, variables, catching_up, progress, started)
        spent = first.deterministic_time
    found = code == cp_model.FEASIBLE
    # No phase 2 when phase 1 settled it, or when no time is left.
    if found and options.time_limit <= spent:
        return _with_floors(problem, model, first, code, options, started, spent)
    if settled(code) or options.time_limit <= spent:
        elapsed = time.monotonic() - started
        earlier = spent - first.deterministic_time
        return read_schedule(problem, model, first, code, options, elapsed, earlier)
    share = CATCH_UP_SHARE if catching_up else EARLY_LIFT_SHARE
    share = 1 - STAFFED_SHARE if chosen.staffed else share
    if found and chosen.steps is not None:
        own = own if catching_up else ()
        lifted, used = _lift(model, first, options, spent, share, own, progress, started)
        if lifted is not None:
            first, spent = lifted, spent + used
            if round(first.objective_value) <= _floor(problem, model):
                # The steps reached what the floors prove: optimal, without the complete
                # search's presolve (7 s on L-targets).
                return _with_floors(
                    problem, model, first, cp_model.OPTIMAL, options, started, spent
                )
    floors = _staffed(problem, model, first, options) if found and chosen.staffed else None
    if floors is not None and round(first.objective_value) <= _floor(problem, model, floors):
        return _with_floors(
            problem, model, first, cp_model.OPTIMAL, options, started, spent, floors
        )
    with _hinted(model.cp, list(first.response_proto.solution) if found else None):
        result = _complete_search(problem, model, options, progress, started, False, spent)
    if found and result.schedule is None:
        # The time ran out before the complete search loaded the schedule it started from:
        # keep that (a step's own bound is not the program's).
        spent = result.stats.deterministic_time
        return _with_floors(problem, model, first, code, options, started, spent, floors)
    return result if floors is None else _at_least(result, _floor(problem, model, floors))


def plan_for(problem: Problem, model: Model, options: SolveOptions) -> Plan:
    """The phases a solve of `model` runs (strategy.plan)."""
    variables = len(model.cp.proto.variables)
    own = bool(_own_floors(problem, model))
    return plan(variables, problem.plans_procedures, model.worst is not None, own, options.off)


def _floor(problem: Problem, model: Model, floors: Floors | None = None) -> int:
    """The least objective the model's floors (or `floors`) prove."""
    return (floors or model.floors or Floors()).objective(problem.fairness_weight)


def _staffed(
    problem: Problem, model: Model, solver: cp_model.CpSolver, options: SolveOptions
) -> Floors:
    """The model's floors, raised by the staffed relaxation (strategy.STAFFED); Ctrl-C during
    it reports the best schedule so far, `solver`'s."""
    try:
        unmet, together = staffed_floors(problem, options.deadline)
    except Interrupted:
        raise Interrupted(round(solver.objective_value)) from None
    floors = model.floors or Floors()
    raised = {"unmet": max(floors.unmet, unmet), "together": max(floors.together, together)}
    return replace(floors, **raised)


def _at_least(result: Result, floor: int) -> Result:
    """`result` with its bound at least `floor` (a floor the search did not know of): optimal
    if its schedule costs no more."""
    stats = result.stats
    if result.schedule is None or (stats.bound is not None and stats.bound >= floor):
        return result
    reached = stats.objective is not None and stats.objective <= floor
    stats = replace(stats, bound=floor, status="OPTIMAL" if reached else stats.status)
    return Result(stats, replace(result.schedule, solver=stats))


def _with_floors(
    problem: Problem,
    model: Model,
    solver: cp_model.CpSolver,
    code: int,
    options: SolveOptions,
    started: float,
    spent: float,
    floors: Floors | None = None,
) -> Result:
    """The schedule `solver` found, with the bound the model's floors (or `floors`) prove;
    `spent`: every deterministic second of the solve, `solver`'s included."""
    elapsed = time.monotonic() - started
    earlier = spent - solver.deterministic_time
    kept = read_schedule(problem, model, solver, code, options, elapsed, earlier)
    stats = replace(kept.stats, bound=_floor(problem, model, floors))
    return Result(stats, replace(kept.schedule, solver=stats))


def _own_floors(problem: Problem, model: Model) -> tuple[int, ...]:
    """Each fellow's own floor where the steps bring every fellow down to theirs, else ():
    where fairness.catches_up, and on programs with procedure targets (each fellow's floor of
    their `rules:` wishes and missing cases, or 0 if not proven in time)."""
    if model.worst is None or model.floors is None:
        return ()
    if model.floors.whole:
        return model.floors.own
    if problem.plans_procedures:
        return model.floors.own or (0,) * len(problem.fellows)
    return model.floors.own if catches_up(model) else ()


def _first_schedule(
    model: Model, options: SolveOptions, progress: Progress | None, started: float
) -> tuple[cp_model.CpSolver, int, float]:
    """Phase 1 of a program with procedure targets: the complete search for a schedule of the
    hard rules alone (the model without its objective, without presolve), to its first one,
    within HARD_RULES_SHARE of the time limit; then the least that schedule costs, every
    fellow's rotations fixed (fairness.cost_schedule). The local search finds no schedule of
    L-targets in its budget, nor does the search with the objective on two L programs of ten
    drawn with targets (benchmarks/RESULTS.md, 2026-12-07, "Issue 30"): L seed 6, none in 30
    deterministic s (143 s of wall clock) with the objective, one in 11.8 (20 s) without it;
    seed 4, 13.9 (20.5 s) without; seed 8, 5.9 (10.4 s) with it and 5.4 (7.8 s) without.
    The local search of the hard rules alone, faster by hand on three programs, left L seeds 4,
    6 and 8 without a schedule in the family's run (2026-12-07, at 30de398). Within a share of
    the limit so that the complete search, with its presolve, still has the time to prove a
    program infeasible; a program the hard rules alone prove infeasible is infeasible whatever
    its objective."""
    hard = model.cp.clone()
    hard.clear_objective()
    solver = solver_for(options)
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.max_deterministic_time = options.time_limit * HARD_RULES_SHARE
    (code,) = run_solvers(hard, [solver], None, options.deadline)
    spent = solver.deterministic_time
    if code != cp_model.OPTIMAL:  # no schedule (UNKNOWN), or proven none (INFEASIBLE)
        return solver, code, spent
    left = options.time_limit - spent
    costed = solver_for(replace(options, time_limit=max(0.0, min(STEP_LIMIT, left))))
    code = cost_schedule(model, list(solver.response_proto.solution), costed, options.deadline)
    spent += costed.deterministic_time
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return costed, cp_model.UNKNOWN, spent  # not costed in time: no schedule
    if progress is not None:
        progress(time.monotonic() - started, round(costed.objective_value), None)
    return costed, cp_model.FEASIBLE, spent  # a schedule at its least cost, not the program's


def _local_search(
    model: Model,
    options: SolveOptions,
    variables: int,
    catching_up: bool,
    progress: Progress | None,
    started: float,
) -> tuple[cp_model.CpSolver, int]:
    """Phase 1: one local-search run per worker, side by side, each with its own seed and to
    the end of its own budget; the best schedule wins (ties to the lower seed), so the answer
    does not depend on which run was faster. Returns the winning solver and its status."""
    runs = [
        local_search_for(replace(options, seed=options.seed + k), variables, catching_up)
        for k in range(max(1, options.workers))
    ]
    report = _Improvements(progress) if progress is not None else None
    callbacks = [
        Reporter(report, started, bounded=False) if report is not None else None for _ in runs
    ]
    codes = run_solvers(model.cp, runs, callbacks, options.deadline)

    def rank(k: int) -> tuple:
        """A settled run first, then the best schedule, then none; ties to the lower seed."""
        if settled(codes[k]):
            return (0, 0, k)
        if codes[k] == cp_model.FEASIBLE:
            return (1, runs[k].objective_value, k)
        return (2, 0, k)

    k = min(range(len(runs)), key=rank)
    return runs[k], codes[k]


class _Improvements:
    """Progress from several runs at once: only schedules better than any before, one at a time."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.best: int | None = None
        self.lock = threading.Lock()

    def __call__(self, elapsed: float, best: int | None, bound: int | None) -> None:
        with self.lock:
            if best is None or (self.best is not None and best >= self.best):
                return
            self.best = best
            self.progress(elapsed, best, bound)


def _lift(
    model: Model,
    solver: cp_model.CpSolver,
    options: SolveOptions,
    spent: float,
    share: float,
    own: tuple[int, ...],
    progress: Progress | None,
    started: float,
) -> tuple[cp_model.CpSolver | None, float]:
    """Lift the worst-off fellow from the schedule `solver` found, or with `own` (each
    fellow's own floor) bring every fellow down to theirs, with `share` of the deterministic
    and wall-clock time left after `spent`: the solver of the better schedule (None when no
    step succeeded or none was needed) and the deterministic seconds used."""
    return lift_fellows(
        model,
        solver,
        lambda seconds: solver_for(replace(options, time_limit=seconds)),
        (options.time_limit - spent) * share,
        options.seed,
        own,
        None if options.deadline is None else options.deadline.part(share),
        None if progress is None else lambda best: progress(time.monotonic() - started, best, None),
    )


def _complete_search(
    problem: Problem,
    model: Model,
    options: SolveOptions,
    progress: Progress | None,
    started: float,
    lifting: bool,
    spent: float = 0.0,
) -> Result:
    """Phase 2: the complete search, from the model's hint if it has one, in the time left
    after `spent` deterministic seconds; then, when `lifting` (strategy.LATE_LIFT), with the
    share kept for it, lifting the worst-off fellow."""
    budget = options.time_limit - spent
    search = replace(options, time_limit=budget)
    if lifting:
        search = replace(search, time_limit=budget * (1 - LIFT_SHARE))
        if options.deadline is not None:
            search = replace(search, deadline=options.deadline.part(1 - LIFT_SHARE))
    solver = solver_for(search)
    reporter = None
    if progress is not None:
        reporter = Reporter(progress, started)
        solver.best_bound_callback = reporter.on_bound
    (code,) = run_solvers(model.cp, [solver], [reporter], search.deadline)
    result = read_schedule(problem, model, solver, code, options, time.monotonic() - started, spent)
    if not lifting or code != cp_model.FEASIBLE:
        return result
    spent += solver.deterministic_time
    lifted, used = _lift(model, solver, options, spent, 1.0, (), progress, started)
    if lifted is None:
        return result
    elapsed = time.monotonic() - started
    earlier = spent + used - lifted.deterministic_time
    better = read_schedule(problem, model, lifted, cp_model.FEASIBLE, options, elapsed, earlier)
    stats = replace(better.stats, bound=result.stats.bound)  # a step's bound is only its own
    return Result(stats, replace(better.schedule, solver=stats))


@contextmanager
def _hinted(cp: cp_model.CpModel, solution: list[int] | None) -> Iterator[None]:
    """Hint every variable with `solution` for the duration, then restore the model's hints."""
    if solution is None:
        yield
        return
    saved = (list(cp.proto.solution_hint.vars), list(cp.proto.solution_hint.values))
    set_hint(cp, list(range(len(solution))), solution)
    try:
        yield
    finally:
        set_hint(cp, *saved)
