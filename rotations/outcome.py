"""What a solve is given and what it gives back: its options, and the solver's answer read
back as plain data (its statistics and, when it found one, the Schedule: rotations,
conference roles, lessons, mentors, granted leave)."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.model import Model
from rotations.problem import Problem
from rotations.runner import Deadline, settled
from rotations.schedule import Lesson, OnCall, Role, Schedule, Slot, SolverStats


@dataclass(frozen=True)
class SolveOptions:
    """`time_limit` is in CP-SAT deterministic seconds, so equal inputs give equal schedules;
    `deadline`, when given, also ends every search at that wall-clock time."""

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 2
    relax: bool = False  # hard rules become heavily weighted soft ones
    deadline: Deadline | None = None
    off: frozenset[str] = frozenset()  # phases (strategy.PHASES) that do not run


@dataclass(frozen=True)
class Result:
    """The outcome of a solve: a Schedule when one was found, and the solver's statistics."""

    stats: SolverStats
    schedule: Schedule | None


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
    agenda = _agenda(problem, model, solver)
    sites = {}
    for f, fellow in enumerate(problem.fellows if problem.sited else ()):
        row = []
        for b, rid in enumerate(assignments[fellow.id]):
            there = model.vars.y.get((f, b, rid), {})
            row.append(next((s for s, var in there.items() if solver.boolean_value(var)), None))
        sites[fellow.id] = row
    calls = [
        OnCall(
            problem.duties[k].first.isoformat(),
            problem.config.call[problem.duties[k].call].id,
            problem.fellows[f].id,
        )
        for (k, f), var in model.vars.call.items()
        if solver.boolean_value(var)
    ]
    return Result(
        stats,
        Schedule(
            assignments=assignments,
            calls=sorted(calls),
            roles=sorted(roles),
            lessons=sorted(lessons),
            mentors=mentors,
            agenda=agenda,
            sites=sites,
            relaxed=options.relax,
            granted_leave=tuple(
                e for e in problem.requests() if solver.boolean_value(model.vars.leave_literal(e))
            ),
            solver=stats,
            worst_wish_cost=solver.value(model.worst) if model.worst is not None else None,
            penalty_cost=sum(p.weight * solver.value(p.literal) for p in model.penalties),
        ),
    )


def _agenda(problem: Problem, model: Model, solver: cp_model.CpSolver) -> list[Slot]:
    """The cases discussed, each session's urgent first, then by due date and reference."""
    v = model.vars
    by = {
        (k, i): problem.fellows[f].id
        for (k, i, f), var in v.case_by.items()
        if solver.boolean_value(var)
    }
    held: dict[int, list[tuple[tuple, str, str]]] = {}
    for (k, i), var in v.discuss.items():
        if not solver.boolean_value(var):
            continue
        case = problem.cases[k]
        presenter = case.presenter_id or by[k, i]
        held.setdefault(i, []).append(((-case.priority, case.due, case.ref), case.ref, presenter))
    out = []
    for i, cases in held.items():
        session = problem.sessions[i]
        conf = problem.conferences[session.conference].id
        for order, (_, ref, presenter) in enumerate(sorted(cases), start=1):
            out.append(Slot(session.date.isoformat(), conf, order, ref, presenter))
    return sorted(out)
