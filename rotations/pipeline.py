"""The whole pipeline as a library: solve a program, or reschedule it against a publication,
and get back the schedule, every rule it breaks, the answers to leave requests and the files to
publish; and, when there is no schedule, why (`diagnose`). The CLI and the benchmarks call
these and only print, time and write."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rotations.check import check
from rotations.diff import Change, changes_csv, diff_publications
from rotations.explain import (
    Conflict,
    Member,
    Undecided,
    closest_schedule,
    leave_request_report,
    minimal_conflict,
)
from rotations.imported import Imported, fix_imported
from rotations.model import build_model
from rotations.outcome import Result, SolveOptions
from rotations.output.ics import republication_stamp
from rotations.output.render import render
from rotations.problem import Problem
from rotations.published import LeaveAnswer, Publication, publication
from rotations.reschedule import Previous, Rescheduled, reschedule
from rotations.runner import Deadline
from rotations.schedule import Violation
from rotations.solve import Progress, solve, solve_model
from rotations.strategy import AFTER_SEARCH, DIAGNOSIS_LIMIT, EXPLAIN_SHARE, LEAST_SEARCH_SHARE


def command_options(
    problem: Problem,
    time_limit: float,
    started: float,
    seed: int = 0,
    workers: int = 2,
    relax: bool = False,
    abandon: threading.Event | None = None,
) -> SolveOptions:
    """The options of a command (or a server's job) that began at `started` (time.monotonic)
    and is to end within `time_limit` wall-clock seconds, loading and writing included: its
    searches end early enough to leave the explanations and the files their time. Their
    deterministic budget depends on the program alone (equal inputs, equal schedules); the
    wall clock cuts them only on a machine too slow for it, and the output then says so."""
    after = EXPLAIN_SHARE * time_limit + AFTER_SEARCH * len(problem.fellows) * len(problem.blocks)
    search = time_limit - min(after, (1 - LEAST_SEARCH_SHARE) * time_limit)
    wall = started + search - time.monotonic()
    deadline = Deadline(max(0.0, wall), abandon=abandon)
    return SolveOptions(search, seed, workers, relax, deadline)


def explaining(options: SolveOptions) -> Deadline | None:
    """The wall-clock end for the explanations that follow a search."""
    if options.deadline is None:
        return None
    return Deadline(
        options.deadline.left() + EXPLAIN_SHARE * options.time_limit,
        abandon=options.deadline.abandon,
    )


class BrokenSchedule(Exception):
    """The solver's schedule breaks hard rules it was told to keep: a bug in rotations."""

    def __init__(self, broken: list[Violation]) -> None:
        super().__init__(f"the solver's schedule breaks {len(broken)} hard rule instance(s)")
        self.broken = broken


@dataclass(frozen=True)
class Diagnosis:
    """Why there is no schedule: the rules that clash when they are found; else, out of time,
    the rules the closest schedule of a short relaxed search breaks ([]: a schedule keeping
    every rule exists; None: that search found nothing either)."""

    infeasible: bool  # proven: no schedule keeps every hard rule
    conflict: Conflict | None = None
    closest: list[Member] | None = None


@dataclass(frozen=True)
class Solved:
    """A finished solve: the solver's result, and when it has a schedule, every rule it
    breaks, the answer to every leave request and the files of its publication."""

    result: Result
    violations: list[Violation] = field(default_factory=list)
    requests: list[LeaveAnswer] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def broken(self) -> list[Violation]:
        """The hard rule instances it breaks (only a --relax schedule breaks any)."""
        return [v for v in self.violations if v.hard]


@dataclass(frozen=True)
class Republished(Solved):
    """A finished reschedule: as Solved, plus the changes against the publication before and
    how far the solver got in making them few."""

    rescheduled: Rescheduled | None = None
    changes: list[Change] = field(default_factory=list)


def solve_program(
    problem: Problem,
    options: SolveOptions,
    progress: Progress | None = None,
    earlier: Publication | None = None,
) -> Solved:
    """Solve `problem`, verify the schedule, answer the leave requests, render every file.
    With the `earlier` publication of the same year (the one in the output folder), the
    calendars continue its event identities: SEQUENCE goes up where an event changed, and
    events that are gone stay, cancelled."""
    result = solve(problem, options, progress)
    if result.schedule is None:
        return Solved(result)
    violations = check(problem, result.schedule)
    if not result.schedule.relaxed and any(v.hard for v in violations):
        raise BrokenSchedule([v for v in violations if v.hard])
    explanations = explaining(options)
    requests = leave_request_report(problem, result.schedule, deadline=explanations)
    result = _stopped(result, explanations)
    events = earlier.events if earlier is not None else None
    stamp = republication_stamp(problem, events) if events is not None else None
    files = render(problem, result.schedule, violations, requests, events, stamp)
    return Solved(result, violations, requests, files)


def _stopped(result: Result, explanations: Deadline | None) -> Result:
    """The result, marked stopped by the wall clock if an explanation was cut short."""
    if explanations is None or not explanations.cut or result.stats.stopped_by == "wall clock":
        return result
    stats = replace(result.stats, stopped_by="wall clock")
    return Result(stats, replace(result.schedule, solver=stats))


def reschedule_program(
    problem: Problem,
    previous: Previous,
    freeze_until: dt.date,
    options: SolveOptions,
    dry_run: bool = False,
    progress: Progress | None = None,
    stage: Callable[[str], None] | None = None,
) -> Republished:
    """Re-solve `problem` close to `previous`, the past frozen; with `dry_run`, only the
    changes (no leave-request explanations, no files)."""
    done = reschedule(problem, previous, freeze_until, options, progress, stage)
    result = done.result
    if result.schedule is None:
        return Republished(result, rescheduled=done)
    schedule = result.schedule
    violations = check(problem, schedule)
    late = [v for v in violations if v.hard and v.block and v.block > done.frozen_before]
    if late:
        raise BrokenSchedule(late)
    changes = diff_publications(previous.publication, publication(problem, schedule, violations))
    if dry_run:
        return Republished(result, violations, rescheduled=done, changes=changes)
    explanations = explaining(options)
    requests = leave_request_report(problem, schedule, done.fixed, explanations)
    result = _stopped(result, explanations)
    schedule = result.schedule
    stamp = republication_stamp(problem, previous.publication.events, freeze_until)
    files = render(
        problem,
        schedule,
        violations,
        requests,
        previous.publication.events,
        stamp,
        extra={"changes.csv": changes_csv(changes)},
    )
    return Republished(result, violations, requests, files, rescheduled=done, changes=changes)


@dataclass(frozen=True)
class Scored(Solved):
    """A schedule made elsewhere, scored: as Solved (the rotations imported, the rest solved
    around them), and the imported table it came from."""

    where: str = ""

    @property
    def objective(self) -> int | None:
        """What the solver's objective gives the schedule: the soft costs plus the number of
        fellows times the worst-off fellow's unmet wishes (hard rules broken aside)."""
        schedule = self.result.schedule
        if schedule is None:
            return None
        soft = sum(v.cost for v in self.violations if not v.hard)
        return soft + len(schedule.assignments) * (schedule.worst_wish_cost or 0)


def score_program(
    problem: Problem,
    imported: Imported,
    options: SolveOptions,
    progress: Progress | None = None,
    with_calendars: bool = False,
) -> Scored:
    """Score an imported schedule: its rotations (and conference roles and call duties, when
    given) fixed, the rest (roles, call, seminars, mentors, leave requests) solved around them
    as the solver would; when the rotations break hard rules, with the hard rules relaxed, so
    that every broken instance is listed."""
    for relax in (False, True):
        model = build_model(problem, relax=relax, deadline=options.deadline)
        fix_imported(problem, model, imported)
        result = solve_model(problem, model, replace(options, relax=relax), progress)
        if result.stats.status != "INFEASIBLE":
            break
    if result.schedule is None:
        return Scored(result, where=imported.where)
    schedule = result.schedule
    if imported.roles is not None:  # checked as given (the model cannot seat an away panelist)
        schedule = replace(schedule, roles=imported.roles)
    if imported.calls is not None:  # the same (it has no duty for a fellow on leave)
        schedule = replace(schedule, calls=imported.calls)
    if imported.roles is not None or imported.calls is not None:
        result = Result(result.stats, schedule)
    violations = check(problem, schedule)
    files = render(problem, schedule, violations, with_calendars=with_calendars)
    return Scored(result, violations, files=files, where=imported.where)


def diagnose(
    problem: Problem,
    result: Result,
    fixed: dict[tuple[int, int], str] | None = None,
    deadline: Deadline | None = None,
    build: float = 0.0,
) -> Diagnosis:
    """Why `result` has no schedule. Out of time, a small program very often cannot hold at
    all: look for the clash first, then for the closest schedule. Each look builds the model
    again, which `deadline` cannot cut short: none starts with less time left than `build`,
    the seconds a build took."""
    infeasible = result.stats.status == "INFEASIBLE"
    limit = result.stats.time_limit if infeasible else DIAGNOSIS_LIMIT
    if _spent(deadline, build):
        return Diagnosis(infeasible, None)
    try:
        conflict = minimal_conflict(problem, limit, fixed=fixed, deadline=deadline)
    except Undecided:
        conflict = None
    if infeasible or conflict is not None or _spent(deadline, build):
        return Diagnosis(infeasible, conflict)
    return Diagnosis(False, None, closest_schedule(problem, DIAGNOSIS_LIMIT, fixed, deadline))


def _spent(deadline: Deadline | None, build: float) -> bool:
    return deadline is not None and deadline.left() <= build
