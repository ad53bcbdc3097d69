"""Solving: deterministic CP-SAT parameters, progress reports, and reading back a Schedule.

A solve runs in two phases, each deterministic on its own:

1. *local search*: one single-worker run per worker, side by side with different seeds (CP-SAT's
   feasibility jump, then violation local search), finds schedules that keep every hard rule
   and improves them, for at most a quarter of the time limit; the best one wins;
2. *complete search*: the interleaved workers of `solver_for` start from the best of those as a
   hint, improve it and prove how far from optimal it is.

Between the two, when the first schedule leaves the worst-off fellow above their floor, steps
that re-plan only the rows of the worst-off fellows lift them (rotations/fairness.py; small
programs, which skip phase 1, keep the end of phase 2 for it: see LIFT_SHARE); where every
fellow has a floor of their own that all can reach at once, phase 1 is shorter and the steps
bring the fellows above theirs down to it instead (see CATCH_UP_SHARE).

On large programs the local search finds a first schedule several times sooner than the complete
search, and brings its cost down faster (benchmarks/RESULTS.md). Small programs skip phase 1 (the
complete search alone solves them in about a second); on large programs with procedure targets,
phase 1 is the complete search up to its first schedule, and the steps bring every fellow's
missing cases down from there (see LOCAL_SEARCH_FROM).

Every CP-SAT search runs through `runner.run_solvers`: in worker threads, so that Ctrl-C reaches
the main thread, which then stops the searches and raises Interrupted.

Time: `--time-limit` is a budget of CP-SAT *deterministic* seconds, so that the same input
gives the same answer; and the wall clock ends the run at `--time-limit` seconds after it
began (a `Deadline` shared by every search of the run: both phases, a reschedule's two stages,
the explanations), so that a loaded machine cannot stretch it. When the wall clock stops a
search before its deterministic budget does, the answer may differ from another run's, and the
result says so (`stopped_by: wall clock`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rotations.fairness import catches_up, lift_fellows
from rotations.model import Model, build_model
from rotations.model.bounds import Floors
from rotations.problem import Problem
from rotations.runner import Deadline, run_solvers, set_hint, settled
from rotations.schedule import Lesson, Role, Schedule, SolverStats

Progress = Callable[[float, int | None, int | None], None]


@dataclass(frozen=True)
class SolveOptions:
    """`time_limit` is in CP-SAT deterministic seconds, so equal inputs give equal schedules;
    `deadline`, when given, also ends every search at that wall-clock time."""

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 2
    relax: bool = False  # hard rules become heavily weighted soft ones
    deadline: Deadline | None = None


@dataclass(frozen=True)
class Result:
    """The outcome of a solve: a Schedule when one was found, and the solver's statistics."""

    stats: SolverStats
    schedule: Schedule | None


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


# Phase 1 runs on models of LOCAL_SEARCH_FROM variables or more (a program of about 50
# trainees over 52 weeks); below that the complete search finds a first schedule in well under
# a second. Its budget: a quarter of the time limit at most, and 1 deterministic second per
# 5,000 variables (L: 14, XL: 29, so 15 under the default limit), more than the slowest single
# run measured on L and XL, five seeds each (9.3 on L seed 1), yet small enough that a program
# only the complete search can prove infeasible loses little time to it.
# Nor does it run on programs with procedure targets: a target sums a fellow's whole year, and
# the local search found no first schedule of L-targets in its budget, where the complete search
# alone finds one in 23 s and ends at 11,926 instead of 34,514 (benchmarks/RESULTS.md). There
# the complete search (without presolve: see _first_schedule) stops at its first schedule, and
# the catching-up steps take it from there (each fellow's own floor 0 for missing cases), then
# the fellows' other soft costs: L-targets proven optimal at 0 within a 60-s limit, in 19 to 20 s
# on a quiet machine and 50 s with three busy loops beside it; on the slowest mornings measured,
# 13 and 26 in two runs of eight (11,735 to 19,979 for the complete search alone, or with
# lifting at its end).
LOCAL_SEARCH_FROM = 20_000
FIRST_SCHEDULE_SHARE = 0.25
FIRST_SCHEDULE_PER_VARIABLE = 2e-4
# Where the fellows can catch up (fairness.catches_up): 1 deterministic second per 28,500
# variables (L: 2.5, XL: 5), enough for a first schedule and its quick early descent; the
# steps then bring the objective down far faster than the local search's slow tail. Measured on
# L-unmet at 60 s (benchmarks/RESULTS.md), while the steps still lifted first: 2889 to 2901
# with it, 3006 with the full budget, 2913 stopping at the first schedule.
CATCH_UP_PER_VARIABLE = 0.35e-4


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
    if variables < LOCAL_SEARCH_FROM:
        return _complete_search(problem, model, options, progress, started)
    own = _own_floors(problem, model)
    if problem.plans_procedures:
        first, code = _first_schedule(model, options, progress, started)
    else:
        first, code = _local_search(model, options, variables, bool(own), progress, started)
    elapsed = time.monotonic() - started
    spent = first.deterministic_time
    # No phase 2 when phase 1 settled it, or when no time is left.
    if settled(code) or options.time_limit <= spent:
        return read_schedule(problem, model, first, code, options, elapsed)
    found = code == cp_model.FEASIBLE
    share = CATCH_UP_SHARE if own else EARLY_LIFT_SHARE
    if found:
        lifted, used = _lift(problem, model, first, options, spent, share, own, progress, started)
        if lifted is not None:
            first, spent = lifted, spent + used
            if round(first.objective_value) <= _floor(problem, model):
                # The steps reached what the floors prove: optimal, without the complete
                # search's presolve (7 s on L-targets).
                return _with_floors(
                    problem, model, first, cp_model.OPTIMAL, options, started, spent
                )
    with _hinted(model.cp, list(first.response_proto.solution) if found else None):
        result = _complete_search(problem, model, options, progress, started, spent, lift=False)
    if found and result.schedule is None:
        # The time ran out before the complete search loaded the schedule it started from:
        # keep that (a step's own bound is not the program's).
        spent = result.stats.deterministic_time
        return _with_floors(problem, model, first, code, options, started, spent)
    return result


def _floor(problem: Problem, model: Model) -> int:
    """The least objective the model's floors prove."""
    return (model.floors or Floors()).objective(len(problem.fellows))


def _with_floors(
    problem: Problem,
    model: Model,
    solver: cp_model.CpSolver,
    code: int,
    options: SolveOptions,
    started: float,
    spent: float,
) -> Result:
    """The schedule `solver` found, with the bound the floors prove; `spent`: every
    deterministic second of the solve, `solver`'s included."""
    elapsed = time.monotonic() - started
    earlier = spent - solver.deterministic_time
    kept = read_schedule(problem, model, solver, code, options, elapsed, earlier)
    stats = replace(kept.stats, bound=_floor(problem, model))
    return Result(stats, replace(kept.schedule, solver=stats))


def _own_floors(problem: Problem, model: Model) -> tuple[int, ...]:
    """Each fellow's own floor where the steps bring every fellow down to theirs, else ():
    where fairness.catches_up, and on programs with procedure targets, whose missing cases have
    no floor here (each fellow's then counts their `rules:` wishes alone, or is 0)."""
    if model.worst is None or model.floors is None:
        return ()
    if problem.plans_procedures:
        return model.floors.own or (0,) * len(problem.fellows)
    return model.floors.own if catches_up(model) else ()


def _first_schedule(
    model: Model, options: SolveOptions, progress: Progress | None, started: float
) -> tuple[cp_model.CpSolver, int]:
    """Phase 1 of a program with procedure targets: the complete search, to its first
    schedule (the local search finds none of L-targets in its budget), without presolve.

    Measured on L-targets (benchmarks/RESULTS.md): without presolve its first schedule comes
    in 11.0 s instead of 21.2 s, about as costly (36,884 against 36,281); the steps from it to
    0 then take 37 s instead of 30 s: 3 s sooner in all, and half as much of the minute spent
    where a slow moment of the machine stretches the search. Within FIRST_SCHEDULE_SHARE of
    the time limit (L-targets: 3.8 deterministic s of 60), so that the complete search, with
    its presolve, still has the time to prove a program infeasible."""
    solver = solver_for(options)
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.max_deterministic_time = options.time_limit * FIRST_SCHEDULE_SHARE
    reporter = Reporter(progress, started) if progress is not None else None
    (code,) = run_solvers(model.cp, [solver], [reporter], options.deadline)
    return solver, code


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


# Lifting the worst-off fellow (fairness.lift_fellows), for programs with wishes (and
# without procedure targets) whose schedule leaves the worst-off fellow above their floor: on
# large programs right after the local search, with up to EARLY_LIFT_SHARE of the time left, the
# complete search then starting from the lifted schedule; on small programs (no local search)
# with the last LIFT_SHARE of the complete search's time. Measured (benchmarks/RESULTS.md): a
# step takes L-unmet's worst-off fellow from 25 to 20 where a minute of the complete search
# gains nothing; lifting at the end left it one or two steps. Not with procedure targets: there
# the complete search gains fast until its end (L-targets at 60 s: 11,735 to 12,297 without
# lifting; with the last quarter for it, even in steps as cheap as now, 9,137 once and 19,070 to
# 19,979 three times); large ones catch up from its first schedule instead (above).
LIFT_SHARE = 0.25
EARLY_LIFT_SHARE = 0.5
# Where the fellows behind their own floor can catch up (_own_floors), phase 1 is short and the
# steps get up to CATCH_UP_SHARE of the time left: there they bring the objective down far
# faster than either search (benchmarks/RESULTS.md).
CATCH_UP_SHARE = 0.9


def _lifts(problem: Problem, model: Model) -> bool:
    """Whether the program is one the steps may lift: with wishes, without procedure targets."""
    return model.worst is not None and not problem.plans_procedures


def _lift(
    problem: Problem,
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
    if not own and not _lifts(problem, model):
        return None, 0.0
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
    spent: float = 0.0,
    lift: bool = True,
) -> Result:
    """Phase 2: the complete search, from the model's hint if it has one, in the time left
    after `spent` deterministic seconds; then, with `lift` and the share kept for it, lifting
    the worst-off fellow (see above)."""
    budget = options.time_limit - spent
    search = replace(options, time_limit=budget)
    lifting = lift and _lifts(problem, model)
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
    lifted, used = _lift(problem, model, solver, options, spent, 1.0, (), progress, started)
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


def read_schedule(
    problem: Problem,
    model: Model,
    solver: cp_model.CpSolver,
    code: int,
    options: SolveOptions,
    wall_time: float,
    spent: float = 0.0,
) -> Result:
    """The solver's answer as plain data: statistics and, when one was found, the Schedule.

    `spent` is deterministic time used by earlier phases of the same solve."""
    status = solver.status_name(code)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    stopped_by = "finished" if settled(code) else "deterministic budget"
    if stopped_by != "finished" and options.deadline is not None and options.deadline.cut:
        stopped_by = "wall clock"
    stats = SolverStats(
        status=status,
        objective=round(solver.objective_value) if found else None,
        bound=round(solver.best_objective_bound) if found else None,
        wall_time=round(wall_time, 3),
        deterministic_time=round(solver.deterministic_time + spent, 3),
        workers=options.workers,
        seed=options.seed,
        time_limit=options.time_limit,
        stopped_by=stopped_by,
    )
    if not found:
        return Result(stats, None)
    x = model.vars.x
    assignments = {
        fellow.id: [
            next(
                (
                    problem.rotations[r]
                    for r, var in enumerate(x[f][b])
                    if solver.boolean_value(var)
                ),
                None,  # a block wholly outside the fellow's dates
            )
            for b in range(len(problem.blocks))
        ]
        for f, fellow in enumerate(problem.fellows)
    }
    roles = []
    for (i, f), var in model.vars.present.items():
        if solver.boolean_value(var):
            session = problem.sessions[i]
            conf = problem.conferences[session.conference]
            roles.append(
                Role(session.date.isoformat(), conf.id, "presenter", problem.fellows[f].id)
            )
    for (i, p), var in model.vars.panel.items():
        if solver.boolean_value(var):
            session = problem.sessions[i]
            person = problem.faculty[p]
            roles.append(
                Role(
                    session.date.isoformat(),
                    problem.conferences[session.conference].id,
                    "panel",
                    person.id,
                    person.discipline,
                )
            )
    lessons = []
    for (i, t, p), var in model.vars.teach.items():
        if solver.boolean_value(var):
            seminar = problem.seminars[i]
            series = problem.didactics[seminar.series]
            lessons.append(
                Lesson(
                    seminar.date.isoformat(),
                    series.id,
                    series.topics[t].id,
                    problem.faculty[p].id,
                )
            )
    mentors = {
        problem.fellows[f].id: problem.faculty[p].id
        for (f, p), var in model.vars.mentor.items()
        if solver.boolean_value(var)
    }
    return Result(
        stats,
        Schedule(
            assignments=assignments,
            roles=sorted(roles),
            lessons=sorted(lessons),
            mentors=mentors,
            relaxed=options.relax,
            granted_leave=tuple(
                e for e in problem.requests() if solver.boolean_value(model.vars.leave_literal(e))
            ),
            solver=stats,
            worst_wish_cost=solver.value(model.worst) if model.worst is not None else None,
            penalty_cost=sum(p.weight * solver.value(p.literal) for p in model.penalties),
        ),
    )
