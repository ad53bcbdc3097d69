"""Minimal-change re-solve against a published schedule.json.

Blocks that start before the freeze date keep their published rotations, sessions before it
keep their presenters and panels, and seminar dates before it their topic and teacher. After
it, the solver first grants as many leave requests as it can (weighted) and leaves fellows as
little behind the published plan's procedure cases as it can, then changes as few published
cells, conference roles, lessons, mentors, cases and call duties as it must (a change soon
costs more than one months away), and only then optimises the usual objective."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from ortools.sat.python import cp_model

from rotations.implied import LeaveEntry, Target
from rotations.imported import import_schedule, is_table
from rotations.model import Model, build_model
from rotations.model.objective import add_objective, upper_bound
from rotations.outcome import Result, SolveOptions, read_schedule
from rotations.problem import Problem
from rotations.published import Publication, Unreadable, publication, read_publication
from rotations.runner import Interrupted, run_solvers
from rotations.schedule import Schedule, SolverStats
from rotations.solve import Progress, Reporter, solver_for
from rotations.strategy import FIRST_STAGE_SHARE

SOON, NEAR = dt.timedelta(weeks=4), dt.timedelta(weeks=13)


def change_weight(block_start: dt.date, freeze_until: dt.date) -> int:
    """3 for a change within four weeks of the freeze date, 2 within three months, else 1."""
    if block_start < freeze_until + SOON:
        return 3
    return 2 if block_start < freeze_until + NEAR else 1


@dataclass(frozen=True)
class Previous:
    """A published schedule.json, checked against the current config."""

    path: Path
    publication: Publication
    schedule: Schedule
    joined: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def load_previous(path: Path, problem: Problem, sheet: str | None = None) -> Previous:
    """Read a published schedule.json, or adopt a schedule made by hand (a CSV file or a
    workbook: rotations/imported.py) as the published one, its calendars yet unpublished; raise
    Unreadable for one that is damaged or belongs to another program or year."""
    if is_table(path):
        imported = import_schedule(path, problem, sheet)
        schedule = Schedule(
            imported.assignments, SolverStats(status="IMPORTED"), roles=imported.roles or []
        )
        return Previous(Path(path), publication(problem, schedule, []), schedule)
    published = read_publication(path)

    def refuse(message: str) -> Unreadable:
        return Unreadable(f"{path}: {message}")

    program = problem.program
    theirs = published.program
    if theirs.id != program.id:
        raise refuse(
            f"it belongs to program '{theirs.id}', but this config is '{program.id}'; "
            "pass the schedule.json this program published"
        )
    ours = {
        "start": program.start.isoformat(),
        "blocks": program.blocks,
        "block_length": program.block_length,
    }
    for key, value in ours.items():
        if getattr(theirs, key) != value:
            raise refuse(
                f"its {key} is {getattr(theirs, key)} but the config says {value}: the blocks "
                "differ, so it cannot be rescheduled; run `rotations solve` for a new year"
            )
    before = [f.id for f in published.fellows]
    now = [f.id for f in problem.fellows]
    if not set(before) & set(now):
        raise refuse("it has none of this config's fellows")
    if published.relaxed:
        raise refuse("it was solved with --relax and breaks hard rules; it was never publishable")
    return Previous(
        path=Path(path),
        publication=published,
        schedule=published.schedule(),
        joined=[f for f in now if f not in before],
        left=[f for f in before if f not in now],
    )


@dataclass(frozen=True)
class Rescheduled:
    """The new schedule, how many changes it makes and whether that number is proven minimal."""

    result: Result
    frozen_before: int  # index of the first block that may change
    fixed: dict[tuple[int, int], str]  # (fellow, block) -> published rotation, frozen
    changes: int  # weighted change cost the solver minimised
    proven_minimal: bool


def reschedule(
    problem: Problem,
    previous: Previous,
    freeze_until: dt.date,
    options: SolveOptions,
    progress: Progress | None = None,
    stage: Callable[[str], None] | None = None,
) -> Rescheduled:
    """Solve again, keeping the past and changing as little as possible of the future, in two
    stages that share `options.time_limit`; `stage` is told when each begins."""
    frozen_before = next(
        (b.index for b in problem.blocks if b.start >= freeze_until), len(problem.blocks)
    )
    model = build_model(problem, frozen_before=frozen_before, deadline=options.deadline)
    v = model.vars
    old = previous.schedule
    fixed: dict[tuple[int, int], str] = {}
    # A change: (weight, the literal that keeps the published value, or None if it cannot).
    kept: list[tuple[int, cp_model.IntVar | None]] = []
    for f, fellow in enumerate(problem.fellows):
        published = old.assignments.get(fellow.id)
        if published is None:
            continue
        for b, block in enumerate(problem.blocks):
            rid = published[b]
            if rid is None and not problem.active(f, b):
                continue  # outside the fellow's dates then and now
            known = rid in problem.config.rotations
            keep = v.on(f, b, rid) if known else None
            # At a site: keeping the block is keeping the rotation at that site.
            site = old.site_of(fellow.id, b)
            keep = v.y.get((f, b, rid), {}).get(site, keep)
            if keep is not None:
                model.cp.add_hint(keep, 1)
            if b < frozen_before:
                fixed[f, b] = rid
                if keep is not None:
                    model.cp.add(keep == 1)
            else:
                weight = change_weight(block.start, freeze_until)
                kept.append((weight, keep))
    kept += _kept_roles(problem, model, old, freeze_until)
    kept += _kept_teaching(problem, model, old, freeze_until)
    kept += _kept_agenda(problem, model, old, freeze_until)
    kept += _kept_calls(problem, model, old, freeze_until)
    _keep_past_requests(problem, model, previous.publication, freeze_until)
    changes = sum(w * (1 - lit) if lit is not None else w for w, lit in kept)
    requests = [p for p in model.penalties if isinstance(p.rule, LeaveEntry)]
    broken = [p for p in model.penalties if p.hard]
    # Cases missing beyond what the published plan already missed weigh like changes: a fellow
    # whose case log (or new leave) puts them behind the plan gets procedure weeks moved toward
    # them when a missing case costs more than the change that brings it; a shortfall the
    # published schedule already had is no reason to change it (the second stage may still
    # lessen it).
    behind = _behind_the_plan(problem, model, previous.publication)
    changes += sum(weight * excess for weight, excess in behind)
    # Lexicographic: past-forced breaks of hard rules, then denied requests, then changes.
    change_ceiling = sum(w for w, _ in kept)
    change_ceiling += sum(weight * upper_bound(excess) for weight, excess in behind)
    request_weight = change_ceiling + 1
    request_ceiling = sum(p.weight for p in requests) * request_weight + change_ceiling
    first = (request_ceiling + 1) * sum(p.literal for p in broken)
    first += request_weight * sum(p.weight * p.literal for p in requests) + changes
    model.cp.minimize(first)
    started = time.monotonic()
    first_stage = replace(options, time_limit=options.time_limit * FIRST_STAGE_SHARE)
    if options.deadline is not None:  # the second stage needs wall-clock time too
        first_stage = replace(first_stage, deadline=options.deadline.part(FIRST_STAGE_SHARE))
    solver = solver_for(first_stage)
    if stage is not None:
        stage("Stage 1: the fewest changes (progress shows their weighted cost)")
    try:
        reporters = _reporters(progress, started)
        (code,) = run_solvers(model.cp, [solver], reporters, first_stage.deadline)
    except Interrupted:
        raise Interrupted() from None  # its objective counts changes, not the schedule's cost
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = read_schedule(problem, model, solver, code, options, time.monotonic() - started)
        return Rescheduled(result, frozen_before, fixed, 0, False)
    proven = code == cp_model.OPTIMAL
    model.cp.add(first <= round(solver.objective_value))
    model.cp.clear_hints()
    for var in _all_vars(model):
        model.cp.add_hint(var, solver.value(var))
    model.worst = add_objective(
        model.cp, model.penalties, problem.fairness_weight, model.floors, problem.prior_costs
    )
    spent = solver.deterministic_time
    solver = solver_for(replace(options, time_limit=max(0.1, options.time_limit - spent)))
    if stage is not None:
        stage("Stage 2: the best schedule with those changes")
    (code,) = run_solvers(model.cp, [solver], _reporters(progress, started), options.deadline)
    elapsed = time.monotonic() - started
    result = read_schedule(problem, model, solver, code, options, elapsed, spent=spent)
    if result.schedule is not None:  # its past is frozen: logged cases count there
        result = Result(result.stats, replace(result.schedule, frozen_before=frozen_before))
    weighted = 0
    if result.schedule is not None:
        weighted = sum(w * (1 - solver.value(lit)) if lit is not None else w for w, lit in kept)
    return Rescheduled(result, frozen_before, fixed, weighted, proven)


def _behind_the_plan(problem: Problem, model: Model, published: Publication) -> list[tuple]:
    """(weight, cases missing beyond the published plan) for each soft procedure target: the
    plan is the logged and expected cases the previous publication lists (none listed: every
    missing case counts)."""
    reached = {
        (row.fellow, row.procedure): row.logged + Fraction(row.expected)
        for row in published.exposure
    }
    out = []
    for p in model.penalties:
        if not isinstance(p.rule, Target) or p.hard:
            continue
        planned = reached.get((problem.fellows[p.fellow].id, p.rule.procedure))
        missed = 0 if planned is None else max(0, math.ceil(p.rule.target.min - planned))
        if not missed:
            out.append((p.weight, p.literal))
            continue
        excess = model.cp.new_int_var(0, upper_bound(p.literal), f"behind[{p.literal.name}]")
        model.cp.add(excess >= p.literal - missed)
        out.append((p.weight, excess))
    return out


def _reporters(progress: Progress | None, started: float) -> list | None:
    if progress is None:
        return None
    return [Reporter(progress, started)]


def _keep_past_requests(
    problem: Problem, model: Model, published: Publication, freeze_until: dt.date
) -> None:
    """A leave request that began before the freeze date keeps its published answer."""
    answered = {(r.fellow, r.start, r.end): r.granted for r in published.leave_requests}
    for e in problem.requests():
        entry = problem.config.leave[e]
        granted = answered.get((entry.fellow, entry.start, entry.end))
        if granted is not None and entry.start < freeze_until:
            model.cp.add(model.vars.leave_literal(e) == int(granted))


def _all_vars(model: Model) -> list:
    v = model.vars
    out = [var for per_block in v.x for per_rot in per_block for var in per_rot]
    out += [*v.present.values(), *v.panel.values(), *v.teach.values()]
    out += list(v.mentor.values()) + list(v.discuss.values()) + list(v.case_by.values())
    return out + list(v.call.values())


# A fellow's mentor changed costs as much as a rotation changed within four weeks.
MENTOR_CHANGE = 3


def _kept_teaching(problem: Problem, model: Model, old: Schedule, freeze_until: dt.date) -> list:
    """Seminar dates before the freeze date keep their published lesson (or stay without one);
    a later published lesson given another topic or teacher, or dropped, costs a change, and
    so does a fellow's mentor changed."""
    v = model.vars
    faculty = {p.id: i for i, p in enumerate(problem.faculty)}
    by_date: dict[int, list] = {}
    for (i, _, _), var in v.teach.items():
        by_date.setdefault(i, []).append(var)
    terms = []
    for i, seminar in enumerate(problem.seminars):
        series = problem.didactics[seminar.series]
        lesson = old.lesson_on(series.id, seminar.date.isoformat())
        var = None
        if lesson is not None:
            topic = next((t for t, x in enumerate(series.topics) if x.id == lesson.topic), -1)
            var = v.teach.get((i, topic, faculty.get(lesson.teacher, -1)))
            if var is not None:
                model.cp.add_hint(var, 1)
        if seminar.date < freeze_until:
            if lesson is None:
                for other in by_date.get(i, []):
                    model.cp.add(other == 0)
            elif var is not None:
                model.cp.add(var == 1)
        elif lesson is not None:
            terms.append((change_weight(seminar.date, freeze_until), var))
    for f, fellow in enumerate(problem.fellows):
        mentor = old.mentors.get(fellow.id)
        if mentor is None:
            continue
        var = v.mentor.get((f, faculty.get(mentor, -1)))
        if var is not None:
            model.cp.add_hint(var, 1)
        terms.append((MENTOR_CHANGE, var))
    return terms


def _kept_roles(problem: Problem, model: Model, old: Schedule, freeze_until: dt.date) -> list:
    """Frozen sessions keep their roles; later ones cost a change per role given to another."""
    v = model.vars
    fellows = {f.id: i for i, f in enumerate(problem.fellows)}
    faculty = {p.id: i for i, p in enumerate(problem.faculty)}
    terms = []
    for s, session in enumerate(problem.sessions):
        conf = problem.conferences[session.conference]
        for role in old.roles_on(conf.id, session.date.isoformat()):
            if role.role == "presenter":
                var = v.present.get((s, fellows.get(role.person, -1)))
            else:
                var = v.panel.get((s, faculty.get(role.person, -1)))
            if var is not None:
                model.cp.add_hint(var, 1)
            if session.date < freeze_until:
                if var is not None:
                    model.cp.add(var == 1)
                continue
            terms.append((change_weight(session.date, freeze_until), var))
    return terms


def _kept_agenda(problem: Problem, model: Model, old: Schedule, freeze_until: dt.date) -> list:
    """Sessions before the freeze date keep their published agenda (no case leaves it, none
    joins it); a case announced for a later session costs a change if it moves or drops (a
    case no longer in the program, or no longer allowed there, costs it anyway)."""
    v = model.vars
    where = {
        (
            problem.cases[k].ref,
            problem.conferences[problem.sessions[i].conference].id,
            problem.sessions[i].date.isoformat(),
        ): var
        for (k, i), var in v.discuss.items()
    }
    announced = set()
    terms = []
    for slot in old.agenda:
        var = where.get((slot.case, slot.conference, slot.date))
        announced.add((slot.case, slot.conference, slot.date))
        if var is not None:
            model.cp.add_hint(var, 1)
        if slot.date >= freeze_until.isoformat():
            terms.append((change_weight(dt.date.fromisoformat(slot.date), freeze_until), var))
    for key, var in where.items():
        if key[2] < freeze_until.isoformat():
            model.cp.add(var == int(key in announced))
    return terms


def _kept_calls(problem: Problem, model: Model, old: Schedule, freeze_until: dt.date) -> list:
    """Duties starting before the freeze date keep their published fellows (and nobody else);
    a later announced duty given to another fellow costs a change."""
    v = model.vars
    fellows = {f.id: i for i, f in enumerate(problem.fellows)}
    duties = {
        (problem.config.call[d.call].id, d.first.isoformat()): k
        for k, d in enumerate(problem.duties)
    }
    announced = set()
    terms = []
    for x in old.calls:
        k, f = duties.get((x.call, x.date), -1), fellows.get(x.fellow, -1)
        var = v.call.get((k, f))
        announced.add((k, f))
        if var is not None:
            model.cp.add_hint(var, 1)
        if x.date >= freeze_until.isoformat():
            terms.append((change_weight(dt.date.fromisoformat(x.date), freeze_until), var))
    for (k, f), var in v.call.items():
        if problem.duties[k].first < freeze_until:
            model.cp.add(var == int((k, f) in announced))
    return terms
