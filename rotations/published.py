"""schedule.json, the publication: everything needed to reschedule and to republish calendars,
written and read in one place through one typed model.

Reading checks what a later run relies on (every fellow has a rotation in every block, every
rotation, presenter and panelist is known, every event is well formed) and names the field
that is wrong; it never guesses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rotations.config.source import format_path
from rotations.output.tables import (
    agenda_rows,
    call_rows,
    conference_rows,
    didactics_rows,
    exposure_rows,
    hours_rows,
    role_counts,
)
from rotations.problem import Problem
from rotations.reading import TooBig, read_file
from rotations.schedule import Lesson, OnCall, Role, Schedule, Slot, SolverStats, Violation

FORMAT = "rotations/schedule@1"
_MAX_BYTES = 200_000_000


class Unreadable(Exception):
    """A schedule.json that cannot be used; the message names the file and the field."""


class _Record(BaseModel):
    # Keys a later version adds are ignored; the ones read here must be right.
    model_config = ConfigDict(extra="ignore", frozen=True)


class ProgramRecord(_Record):
    id: str
    name: str
    timezone: str
    start: str
    blocks: int
    block_length: str


class SolverRecord(_Record):
    status: str
    optimal: bool
    objective: int | None
    bound: int | None
    gap: float | None
    wall_time: float
    deterministic_time: float
    time_limit: float
    seed: int
    workers: int
    stopped_by: str = "finished"  # absent in files written before it was added


class BlockRecord(_Record):
    number: int
    start: dt.date
    end: dt.date


class PersonRecord(_Record):
    id: str
    name: str


class PeriodRecord(_Record):
    start: dt.date
    end: dt.date  # inclusive


class FellowRecord(PersonRecord):
    start: dt.date | None = None  # a fellow in the program for part of the year
    end: dt.date | None = None
    # The days of leave the schedule works around (approved, and granted requests), as runs
    # of consecutive days; absent in files written before it was added.
    leave: list[PeriodRecord] = []

    def outside(self, block: BlockRecord) -> bool:
        """Whether the block lies wholly outside the fellow's dates (then they have none)."""
        return bool(
            (self.start and block.end < self.start) or (self.end and block.start > self.end)
        )


class FacultyRecord(PersonRecord):
    discipline: str | None = None


class CostsRecord(_Record):
    soft_total: int
    worst_fellow_wish_cost: int | None
    per_fellow: dict[str, int]


class ViolationRecord(_Record):
    rule: str
    label: str
    type: str
    fellow: str | None
    block: int | None
    cost: int
    message: str


class ConferenceRecord(_Record):
    id: str
    name: str
    time: str
    duration_minutes: int


class RoleRecord(_Record):
    date: dt.date
    start: str
    end: str
    conference: str
    role: Literal["presenter", "panel"]
    person: str
    person_name: str
    discipline: str


class ExposureRecord(_Record):
    """A row of exposure.csv: a fellow's logged and expected cases of a procedure."""

    fellow: str
    procedure: str
    logged: int
    expected: str
    target: int | str
    met: str


class LessonRecord(_Record):
    """A row of didactics.csv: a seminar session held, its teacher and who attends."""

    date: dt.date
    start: str
    end: str
    series: str
    topic: str
    teacher: str
    teacher_name: str
    attendees: str  # fellow ids, `;`-separated

    def involves(self, person: str) -> bool:
        """Whether `person` teaches this session or attends it."""
        return self.teacher == person or person in self.attendees.split(";")


class SlotRecord(_Record):
    """A row of agenda.csv: a case on a session's agenda."""

    date: dt.date
    conference: str
    order: int = Field(ge=1)
    case: str
    type: str
    presenter: str
    needs: str  # disciplines, `;`-separated
    minutes: int


class CallRecord(_Record):
    """A row of call.csv: a fellow on a duty (its first day) and its hours."""

    date: dt.date
    call: str
    fellow: str
    hours: int
    call_name: str
    fellow_name: str


class WeekRecord(_Record):
    """A row of duty_hours.csv: a fellow's hours and days off in one week."""

    fellow: str
    week: int = Field(ge=1)
    start: dt.date
    end: dt.date
    rotation_hours: str
    call_hours: int
    hours: str
    average: str
    days_off: int


class EventRecord(_Record):
    """What a later publication needs of a published event to update it in place."""

    sequence: int = Field(ge=0)
    digest: str
    dtstamp: str = Field(pattern=r"^\d{8}T\d{6}Z$")
    start: str
    end: str
    summary: str
    status: Literal["CONFIRMED", "CANCELLED"]


class BlockerRecord(_Record):
    rule: str
    name: str | None
    statement: str
    where: str | None


class LeaveAnswer(_Record):
    """A requested leave entry and the answer the publication gave it."""

    leave: int
    fellow: str
    start: dt.date
    end: dt.date
    reason: str | None
    weight: int
    granted: bool
    blocked_by: list[BlockerRecord] = []
    why: str | None = None


class Publication(_Record):
    """A whole schedule.json."""

    format: Literal["rotations/schedule@1"]
    program: ProgramRecord
    config_digest: str
    solver: SolverRecord
    blocks: list[BlockRecord]
    fellows: list[FellowRecord]
    faculty: list[FacultyRecord] | None = None  # absent in files written before it was added
    rotations: dict[str, str]
    assignments: dict[str, list[str | None]]
    costs: CostsRecord
    violations: list[ViolationRecord]
    relaxed: bool
    broken_hard_rules: list[ViolationRecord]
    conferences: list[ConferenceRecord]
    roles: list[RoleRecord]
    role_counts: dict[str, dict[str, int]]
    events: dict[str, dict[str, EventRecord]]
    leave_requests: list[LeaveAnswer] = []
    exposure: list[ExposureRecord] = []
    lessons: list[LessonRecord] = []
    mentors: dict[str, str] = {}  # fellow id -> mentor's faculty id
    agenda: list[SlotRecord] = []
    calls: list[CallRecord] = []
    duty_hours: list[WeekRecord] = []
    files: list[str] = []
    # Programs with sites only (absent otherwise): site id -> name, and each block's site.
    site_names: dict[str, str] | None = None
    sites: dict[str, list[str | None]] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Publication:
        fellows = [f.id for f in self.fellows]
        if sorted(self.assignments) != sorted(fellows):
            raise ValueError(
                "assignments: its fellows ("
                + ", ".join(sorted(self.assignments))
                + ") are not the file's fellows ("
                + ", ".join(sorted(fellows))
                + ")"
            )
        for fid, row in self.assignments.items():
            if len(row) != len(self.blocks):
                raise ValueError(
                    f"assignments.{fid}: {len(row)} blocks, but the file has {len(self.blocks)}"
                )
            person = next(f for f in self.fellows if f.id == fid)
            for b, rid in enumerate(row):
                if rid is None and not person.outside(self.blocks[b]):
                    raise ValueError(f"assignments.{fid}[{b}]: no rotation, inside {fid}'s dates")
                if rid is not None and rid not in self.rotations:
                    raise ValueError(f"assignments.{fid}[{b}]: unknown rotation '{rid}'")
        conferences = {c.id for c in self.conferences}
        faculty = None if self.faculty is None else {p.id for p in self.faculty}
        for i, role in enumerate(self.roles):
            if role.conference not in conferences:
                raise ValueError(f"roles[{i}].conference: unknown conference '{role.conference}'")
            if role.role == "presenter" and role.person not in fellows:
                raise ValueError(f"roles[{i}].person: unknown presenter '{role.person}'")
            if role.role == "panel" and faculty is not None and role.person not in faculty:
                raise ValueError(f"roles[{i}].person: unknown panelist '{role.person}'")
        for i, lesson in enumerate(self.lessons):
            if faculty is not None and lesson.teacher not in faculty:
                raise ValueError(f"lessons[{i}].teacher: unknown teacher '{lesson.teacher}'")
        for i, slot in enumerate(self.agenda):
            if slot.conference not in conferences:
                raise ValueError(f"agenda[{i}].conference: unknown conference '{slot.conference}'")
            if slot.presenter not in fellows:
                raise ValueError(f"agenda[{i}].presenter: unknown presenter '{slot.presenter}'")
        for fid, row in (self.sites or {}).items():
            if fid not in fellows or len(row) != len(self.blocks):
                raise ValueError(f"sites.{fid}: not one of the file's fellows, block by block")
            unknown = {s for s in row if s is not None} - set(self.site_names or {})
            if unknown:
                raise ValueError(f"sites.{fid}: unknown site '{sorted(unknown)[0]}'")
        for i, duty in enumerate(self.calls):
            if duty.fellow not in fellows:
                raise ValueError(f"calls[{i}].fellow: unknown fellow '{duty.fellow}'")
        for fid, mentor in self.mentors.items():
            if fid not in fellows:
                raise ValueError(f"mentors.{fid}: not one of the file's fellows")
            if faculty is not None and mentor not in faculty:
                raise ValueError(f"mentors.{fid}: unknown mentor '{mentor}'")
        return self

    def leave_of(self, fellow: str) -> list[PeriodRecord]:
        """The runs of leave days the schedule works around for `fellow` (none if unknown)."""
        record = next((f for f in self.fellows if f.id == fellow), None)
        return record.leave if record is not None else []

    def schedule(self) -> Schedule:
        """The Schedule it describes (assignments, conference roles, solver status)."""
        roles = [
            Role(r.date.isoformat(), r.conference, r.role, r.person, r.discipline)
            for r in self.roles
        ]
        return Schedule(
            assignments={fid: list(row) for fid, row in self.assignments.items()},
            solver=SolverStats(
                status=self.solver.status,
                objective=self.solver.objective,
                bound=self.solver.bound,
            ),
            worst_wish_cost=self.costs.worst_fellow_wish_cost,
            roles=sorted(roles),
            lessons=sorted(
                Lesson(x.date.isoformat(), x.series, x.topic, x.teacher) for x in self.lessons
            ),
            mentors=dict(self.mentors),
            sites={fid: list(row) for fid, row in (self.sites or {}).items()},
            agenda=sorted(
                Slot(x.date.isoformat(), x.conference, x.order, x.case, x.presenter)
                for x in self.agenda
            ),
            calls=sorted(OnCall(x.date.isoformat(), x.call, x.fellow) for x in self.calls),
        )

    def to_json(self) -> bytes:
        data = self.model_dump(mode="json")
        for key in ("site_names", "sites"):
            if data[key] is None:
                del data[key]
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _violation_record(v: Violation) -> ViolationRecord:
    return ViolationRecord(
        rule=v.key,
        label=v.label,
        type=v.kind,
        fellow=v.fellow,
        block=v.block,
        cost=v.cost,
        message=v.message,
    )


def publication(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    events: dict[str, dict[str, dict[str, Any]]] | None = None,
    requests: list[LeaveAnswer] | None = None,
    files: list[str] | None = None,
) -> Publication:
    """The publication of `schedule`: `events` per calendar file, `requests` as
    explain.leave_request_report answers them, `files` every file of the publication."""
    program = problem.program
    stats = schedule.solver
    soft = [v for v in violations if not v.hard]
    taken = problem.leave_taken(schedule.granted_leave)
    per_fellow: dict[str, int] = {f.id: 0 for f in problem.fellows}
    for v in soft:
        if v.fellow is not None:
            per_fellow[v.fellow] += v.cost
    return Publication(
        format=FORMAT,
        program=ProgramRecord(
            id=program.id,
            name=program.name,
            timezone=program.timezone,
            start=program.start.isoformat(),
            blocks=program.blocks,
            block_length=program.block_length,
        ),
        config_digest=problem.digest,
        solver=SolverRecord(
            status=stats.status,
            optimal=stats.optimal,
            objective=stats.objective,
            bound=stats.bound,
            gap=stats.gap,
            wall_time=stats.wall_time,
            deterministic_time=stats.deterministic_time,
            time_limit=stats.time_limit,
            seed=stats.seed,
            workers=stats.workers,
            stopped_by=stats.stopped_by,
        ),
        blocks=[BlockRecord(number=b.number, start=b.start, end=b.end) for b in problem.blocks],
        fellows=[
            FellowRecord(
                id=f.id,
                name=f.name,
                start=f.start,
                end=f.end,
                leave=[PeriodRecord(start=a, end=b) for a, b in problem.leave_ranges(i, taken[i])],
            )
            for i, f in enumerate(problem.fellows)
        ],
        faculty=[
            FacultyRecord(id=p.id, name=p.name, discipline=p.discipline) for p in problem.faculty
        ],
        rotations={rid: problem.rotation(rid).name for rid in problem.rotations},
        assignments=schedule.assignments,
        costs=CostsRecord(
            soft_total=sum(v.cost for v in soft),
            worst_fellow_wish_cost=schedule.worst_wish_cost,
            per_fellow=per_fellow,
        ),
        violations=[_violation_record(v) for v in soft],
        relaxed=schedule.relaxed,
        broken_hard_rules=[_violation_record(v) for v in violations if v.hard],
        conferences=[
            ConferenceRecord(id=c.id, name=c.name, time=c.time, duration_minutes=c.duration_minutes)
            for c in problem.conferences
        ],
        roles=conference_rows(problem, schedule),
        role_counts=role_counts(problem, schedule),
        events=events or {},
        leave_requests=requests or [],
        exposure=exposure_rows(problem, schedule),
        lessons=didactics_rows(problem, schedule),
        mentors=schedule.mentors,
        agenda=agenda_rows(problem, schedule),
        calls=call_rows(problem, schedule),
        duty_hours=hours_rows(problem, schedule),
        files=files or [],
        site_names={s: site.name for s, site in problem.config.sites.items()} or None,
        sites=schedule.sites or None,
    )


def read_publication(path: Path) -> Publication:
    """Read a schedule.json; raise Unreadable naming the file and what is wrong with it."""
    path = Path(path)
    try:
        data = read_file(path, _MAX_BYTES)
    except TooBig as big:
        raise Unreadable(f"{path}: {big.size / 1e6:.0f} MB is not a schedule.json") from None
    except OSError as exc:
        raise Unreadable(f"{path}: cannot read it: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Unreadable(
            f"{path}:{line}: byte 0x{data[exc.start]:02X} is not UTF-8: this is not a "
            "schedule.json as rotations writes it"
        ) from None
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(
            f"{path}:{exc.lineno}: not a schedule.json (invalid JSON: {exc.msg})"
        ) from None
    except RecursionError:
        raise Unreadable(f"{path}: not a schedule.json (nested too deeply)") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise Unreadable(f"{path}: not a schedule.json written by rotations (format {FORMAT})")
    try:
        return Publication.model_validate(state)
    except ValidationError as exc:
        raise Unreadable(f"{path}: {_first_error(exc)}") from None


def earlier_publication(folder: Path, problem: Problem) -> Publication | None:
    """The publication `folder` holds when it is of this program and year, so that a new solve
    there continues its event identities; None for a new or empty folder. Raises Unreadable
    for a damaged one, or one of another program or year."""
    path = Path(folder) / "schedule.json"
    if not path.is_file():
        return None
    published = read_publication(path)
    program = problem.program
    if published.program.id != program.id:
        raise Unreadable(
            f"{folder} holds a publication of program '{published.program.id}': write "
            f"'{program.id}' to a folder of its own"
        )
    theirs = (published.program.start, published.program.blocks, published.program.block_length)
    if theirs != (program.start.isoformat(), program.blocks, program.block_length):
        raise Unreadable(
            f"{folder} holds the publication of another year ({theirs[0]}, {theirs[1]} blocks): "
            "a new year's events are other events, so write it to a new folder"
        )
    return published


def _first_error(exc: ValidationError) -> str:
    """The first error, as `field: what is wrong`."""
    error = exc.errors()[0]
    where = format_path(tuple(error["loc"]))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "value_error":
        return message
    value = error.get("input")
    got = "" if isinstance(value, (dict, list)) else f", got {json.dumps(value)[:60]}"
    return f"{where}: {message}{got}" if where else f"{message}{got}"
