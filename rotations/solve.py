"""Solving: deterministic CP-SAT parameters, progress reports, and reading back a Schedule."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.model import Model, build_model
from rotations.problem import Problem
from rotations.schedule import Role, Schedule, SolverStats

Progress = Callable[[float, int | None, int | None], None]


@dataclass(frozen=True)
class SolveOptions:
    """`time_limit` is in CP-SAT deterministic seconds, so equal inputs give equal schedules."""

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 2
    relax: bool = False  # hard rules become heavily weighted soft ones


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
    if params.interleave_search:
        # Measured on benchmarks/ (see RESULTS.md): interleaving all nine full-problem
        # subsolvers on two cores starves each of them; the two LP-free restarting searches
        # plus the LNS workers find the first schedule of a 120-trainee year about 2.5x sooner
        # and still prove the small programs optimal, in less time. One presolve pass is enough.
        params.subsolvers.extend(["quick_restart_no_lp", "no_lp"])
        params.interleave_batch_size = 2
        params.max_presolve_iterations = 1
    return solver


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress
        self.started = time.monotonic()
        self.best: int | None = None
        self.bound: int | None = None

    def on_solution_callback(self) -> None:
        self.best = round(self.objective_value)
        self.bound = round(self.best_objective_bound)
        self.progress(time.monotonic() - self.started, self.best, self.bound)

    def on_bound(self, bound: float) -> None:
        self.bound = round(bound)
        self.progress(time.monotonic() - self.started, self.best, self.bound)


def solve(problem: Problem, options: SolveOptions, progress: Progress | None = None) -> Result:
    """Build and solve the model for `problem`."""
    model = build_model(problem, relax=options.relax)
    return solve_model(problem, model, options, progress)


def solve_model(
    problem: Problem, model: Model, options: SolveOptions, progress: Progress | None = None
) -> Result:
    """Solve a built model and read the schedule back as plain data."""
    solver = solver_for(options)
    started = time.monotonic()
    if progress is not None:
        reporter = _Reporter(progress)
        solver.best_bound_callback = reporter.on_bound
        code = solver.solve(model.cp, reporter)
    else:
        code = solver.solve(model.cp)
    return read_schedule(problem, model, solver, code, options, time.monotonic() - started)


def read_schedule(
    problem: Problem,
    model: Model,
    solver: cp_model.CpSolver,
    code: int,
    options: SolveOptions,
    wall_time: float,
) -> Result:
    """The solver's answer as plain data: statistics and, when one was found, the Schedule."""
    status = solver.status_name(code)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    stats = SolverStats(
        status=status,
        objective=round(solver.objective_value) if found else None,
        bound=round(solver.best_objective_bound) if found else None,
        wall_time=round(wall_time, 3),
        deterministic_time=round(solver.deterministic_time, 3),
        workers=options.workers,
        seed=options.seed,
        time_limit=options.time_limit,
    )
    if not found:
        return Result(stats, None)
    x = model.vars.x
    assignments = {
        fellow.id: [
            problem.rotations[next(r for r, var in enumerate(x[f][b]) if solver.boolean_value(var))]
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
    return Result(
        stats,
        Schedule(
            assignments=assignments,
            roles=sorted(roles),
            relaxed=options.relax,
            granted_leave=tuple(
                e
                for e in problem.requests()
                if solver.boolean_value(model.vars.rule_literals[f"leave[{e}]"])
            ),
            solver=stats,
            worst_wish_cost=solver.value(model.worst) if model.worst is not None else None,
            penalty_cost=sum(p.weight * solver.value(p.literal) for p in model.penalties),
        ),
    )
