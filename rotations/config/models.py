"""The config language as pydantic models: every key, its type and its meaning (the typed
`rules:` entries are in `rotations.config.rules`, the value types in `rotations.config.types`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rotations.config.call import Call, CallLimit, DutyHours, Swaps
from rotations.config.rules import Rule
from rotations.config.types import (
    ID_PATTERN,
    MAX_ID,
    MAX_WEIGHT,
    Clock,
    Count,
    Email,
    Id,
    Line,
    Number,
    Positive,
    Requirement,
    Strict,
    Target,
    Text,
    Weight,
)


class Organizer(Strict):
    """Who publishes the schedule (shown in calendars' descriptions, never as an attendee)."""

    name: Line
    email: Email | None = None


# Years a program may start in: with 520 monthly blocks, the last ends before 2250, well inside
# what dates, time zones and calendars handle.
FIRST_YEAR, LAST_YEAR = 1970, 2199

BlockLength = Literal["1 week", "2 weeks", "4 weeks", "1 month"]


def _holiday_spec(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(
            "YAML read this as true/false (it does so for NO, ON, YES, OFF...): "
            'quote the country code, e.g. holidays: "NO"'
        )
    return value


class Program(Strict):
    """The fellowship year: its id, time zone, first day and blocks."""

    id: Id = Field(description="stable id of the program; part of every calendar UID")
    name: Line = Field(description="shown in reports and calendar names")
    timezone: str = Field(description="IANA time zone, e.g. America/Chicago")
    start: dt.date = Field(description="first day of block 1")
    blocks: Annotated[int, Field(gt=0, le=520)] = Field(description="how many blocks the year has")
    block_length: BlockLength = Field(
        default="1 week", description="1 week, 2 weeks, 4 weeks or 1 month (calendar months)"
    )
    holidays: Annotated[str | list[dt.date] | None, BeforeValidator(_holiday_spec)] = Field(
        default=None,
        description="a country code (US, or US-CA with a subdivision) or a list of dates",
    )
    organizer: Organizer | None = Field(default=None, description="{name, email}")
    fairness_weight: Number | None = Field(
        default=None,
        description="weight of the worst-off fellow's wish cost in the objective (default: the "
        "number of fellows; 0: no fairness term)",
    )

    @field_validator("start")
    @classmethod
    def _modern_start(cls, value: dt.date) -> dt.date:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"the program must start between {FIRST_YEAR} and {LAST_YEAR}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value}'; use an IANA name such as America/Chicago"
            ) from None
        return value

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, value: Any) -> Any:
        if isinstance(value, str):
            import holidays

            country, _, subdiv = value.partition("-")
            supported = holidays.list_supported_countries()
            if country not in supported:
                raise ValueError(
                    f"'{country}' is not a country code the holidays package knows; "
                    "use an ISO 3166 code such as US, CA or GB, or a list of dates"
                )
            if subdiv and subdiv not in supported[country]:
                raise ValueError(
                    f"'{subdiv}' is not a subdivision of {country}; "
                    f"known: {', '.join(supported[country][:12])}..."
                )
        return value


class Site(Strict):
    """A hospital or clinic where rotations are offered, keyed by its id under `sites:`."""

    name: Line = Field(description="shown in calendars, reports and messages")
    location: Line | None = Field(
        default=None, description="calendar event location of the rotations there"
    )
    max_blocks: Positive | None = Field(
        default=None, description="blocks a fellow spends at the site at most"
    )


class RotationSite(Strict):
    """A site a rotation is offered at (`rotations.<id>.sites.<site>`): its staffing there."""

    staffing: Count | None = Field(
        default=None, description="fellows on the rotation at this site in every block"
    )
    blocks: dict[Positive, Count] = Field(
        default={}, description="block number -> staffing in that block, instead of `staffing`"
    )


class Rotation(Strict):
    """A rotation fellows spend blocks on, keyed by its id under `rotations:`."""

    name: Line = Field(description="shown in calendars, reports and messages")
    location: Line | None = Field(default=None, description="calendar event location")
    description: Text | None = Field(default=None, description="added to calendar events")
    staffing: Count | None = Field(
        default=None, description="fellows on it in every block; min counts fellows present"
    )
    stint: Count | None = Field(
        default=None, description="length of each run of consecutive blocks"
    )
    leave: Literal["allowed", "forbidden"] = Field(
        default="allowed", description="forbidden: no leave day may fall in a block on it"
    )
    discipline: Line | None = Field(
        default=None,
        description="the conference panel discipline this rotation belongs to (e.g. neurology)",
    )
    color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = Field(
        default=None, description='colour in the report and workbook, e.g. "#88CCEE"'
    )
    exposure: dict[str, Number] = Field(
        default={},
        description="procedure id -> cases a fellow on it takes part in per 5 working days",
    )
    sites: dict[str, RotationSite] = Field(
        default={},
        description="site id -> its staffing there: a fellow on the rotation is at one of "
        "them, the same site for a whole run of consecutive blocks",
    )


class Procedure(Strict):
    """An interventional technique of the curriculum, whose cases fellows log."""

    name: Line = Field(description="shown in reports and messages")


class Fellow(Strict):
    """A fellow; `id` is stable and names their calendar file."""

    id: Id
    name: Line = Field(description="as shown in calendars and reports")
    email: Email | None = None
    tags: list[Line] = Field(default=[], description="backgrounds or groups rules can select")
    start: dt.date | None = Field(
        default=None, description="first day in the program, for a fellow who joins later"
    )
    end: dt.date | None = Field(
        default=None, description="last day in the program, for a fellow who leaves early"
    )
    requirements: dict[str, Requirement] = Field(
        default={},
        description="rotation id -> blocks, or group id -> {any_of, count}: replaces the "
        "program's, key by key",
    )
    targets: dict[str, Target] = Field(
        default={}, description="procedure id -> cases: replaces the program's, key by key"
    )
    allowed: list[str] = Field(
        default=[],
        description="the only rotations the fellow may be on: rotation ids, or rotation@site "
        "for one site of it (default: every rotation)",
    )
    prior_cost: Number = Field(
        default=0,
        description="wish cost carried in from before this schedule (e.g. last year's): "
        "counts when the fairness term finds the worst-off fellow",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Fellow:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Period(Strict):
    """Days from `start` to `end`, both inclusive."""

    start: dt.date = Field(description="first day, inclusive")
    end: dt.date = Field(description="last day, inclusive")
    reason: Line | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Leave(Period):
    """Leave: approved (a fact the schedule works around) or requested (a wish it may deny)."""

    fellow: str = Field(description="fellow id")
    requested: bool = Field(
        default=False, description="a request the solver may deny, not approved leave"
    )
    weight: Weight | None = Field(
        default=None, description="cost of denying a requested leave (default 1)"
    )

    @model_validator(mode="after")
    def _weight_only_on_requests(self) -> Leave:
        if self.weight is not None and not self.requested:
            raise ValueError("weight applies only to requested leave: add requested: true")
        return self


class Away(Period):
    """Days a faculty member cannot sit on a panel."""


class Faculty(Strict):
    """A faculty member: sits on conference panels for one discipline, teaches, mentors."""

    id: Id
    name: Line
    email: Email | None = None
    discipline: Line | None = Field(
        default=None,
        description="the panel seat they can fill, e.g. neurology (none: only teaches or mentors)",
    )
    away: list[Away] = Field(default=[], description="[{start, end}]: days they cannot sit")

    def away_on(self, day: dt.date) -> Away | None:
        return next((a for a in self.away if a.start <= day <= a.end), None)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Series(Strict):
    """What a recurring meeting has: its id and name, and the dates and time it meets (a case
    conference, a seminar series)."""

    id: Id
    name: Line
    weekday: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = Field(description="the day sessions fall on")
    time: Clock = Field(description='start, quoted: "07:00"')
    duration_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 60
    every_weeks: Annotated[int, Field(ge=1, le=52)] = Field(default=1, description="1 = weekly")
    location: Line | None = None
    skip_holidays: bool = Field(default=False, description="no session on public holidays")
    skip: list[dt.date] = Field(default=[], description="dates without a session")

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.time)


class Conference(Series):
    """A recurring case conference: presenting fellows and a faculty panel at every session."""

    presenters: Number = Field(default=1, description="fellows presenting at each session")
    no_presenting_on: list[str] = Field(
        default=[], description="rotations whose fellows cannot present"
    )
    min_weeks_between_presentations: Number = Field(
        default=0, description="weeks between two presentations by the same fellow"
    )
    panel: list[Line] = Field(default=[], description="disciplines: one faculty member each")
    relevance_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=1,
        description="cost of a presentation by a fellow not on (or just off) a rotation whose "
        "discipline sits on the panel; 0 turns this wish off",
    )
    balance_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=2, description="cost per panel session above an even share, per discipline"
    )
    case_minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = Field(
        default=None,
        description="minutes of each session for the cases of `cases:` (default: the session's "
        "duration_minutes)",
    )
    unplaced_weight: Annotated[int, Field(ge=1, le=MAX_WEIGHT)] = Field(
        default=500, description="cost of a case not discussed by its due date, per priority"
    )
    waiting_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=1,
        description="cost of a case per week it waits after its submission, per "
        "priority; 0 turns this wish off",
    )
    case_load_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=1,
        description="cost per case a fellow presents above an even share of the cases that "
        "name no presenter; 0 turns this wish off",
    )

    @property
    def minutes_for_cases(self) -> int:
        return self.case_minutes or self.duration_minutes


class CaseType(Strict):
    """A kind of case (`case_types:`): its name and what every case of it needs by default."""

    name: Line = Field(description="shown in agendas, e.g. Implant candidate (SCS / intrathecal)")
    needs: list[Id] = Field(
        default=[], description="disciplines that must sit on the panel when it is discussed"
    )
    minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = Field(
        default=None, description="minutes its discussion takes"
    )


def _split_needs(value: Any) -> Any:
    """`psychology;neurology` (a cell of cases.csv) as a list; a YAML list as it is."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _no_identity(value: Any) -> Any:
    if isinstance(value, str):
        found = identity_in(value)
        if found is not None:
            raise ValueError(
                f"this looks like patient identity ({found}): write a reference and a "
                "de-identified line only, never a name, date of birth, record number, phone "
                "number or e-mail address"
            )
    return value


_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_IDENTITY = (
    ("an e-mail address", re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")),
    (
        "a phone number",
        re.compile(r"(?<![\w])(\+?\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\w)"),
    ),
    ("a record number of 6 or more digits", re.compile(r"\d{6,}")),
    ("a date of birth", re.compile(r"\b(dob|d\.o\.b|born|birth\s*date|date\s+of\s+birth)\b", re.I)),
    (
        "a date",
        re.compile(
            r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"
            rf"|\b({_MONTHS})[a-z]*\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}\b"
            rf"|\b\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})[a-z]*\.?,?\s+\d{{4}}\b",
            re.I,
        ),
    ),
)


def identity_in(text: str) -> str | None:
    """What in `text` looks like patient identity (an e-mail address, a phone number, a record
    number of 6+ digits, a date of birth or any full date), or None. Names cannot be told from
    words: the documentation asks for none."""
    for what, pattern in _IDENTITY:
        if pattern.search(text):
            return what
    return None


Reference = Annotated[
    str, Field(pattern=ID_PATTERN, max_length=MAX_ID), AfterValidator(_no_identity)
]


class Case(Strict):
    """A patient case for the case conference (`cases:`): a reference, never a name."""

    case: Reference = Field(description="the case's reference, e.g. C-014 (never a patient's name)")
    type: str | None = Field(default=None, description="a case_types id: its needs and minutes")
    submitted: dt.date = Field(description="the first day it may be discussed")
    due: dt.date = Field(description="the last day it may be discussed")
    needs: Annotated[list[Id], BeforeValidator(_split_needs)] = Field(
        default=[],
        description="disciplines that must sit on the panel (added to its type's); in a CSV "
        "file separated by ;",
    )
    presenter: str | None = Field(
        default=None, description="the fellow who saw the patient (none: any fellow)"
    )
    minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = Field(
        default=None, description="minutes its discussion takes (default: its type's)"
    )
    priority: Annotated[int, Field(ge=1, le=3)] = Field(
        default=1, description="1 to 3 (3 urgent): weighs its waiting and its not being placed"
    )
    summary: Annotated[Line, AfterValidator(_no_identity)] | None = Field(
        default=None,
        description="one de-identified line, seen by the coordinator and the presenter only",
    )
    conference: str | None = Field(
        default=None, description="the conference id that discusses it (none: any)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Case:
        if self.due < self.submitted:
            raise ValueError(f"due {self.due} is before submitted {self.submitted}")
        return self


class Topic(Strict):
    """One topic of a seminar series and the faculty qualified to teach it."""

    id: Id
    name: Line = Field(description="shown in calendars and reports")
    teachers: list[str] = Field(min_length=1, description="faculty ids who can teach it")


class Attendance(Strict):
    """How often every fellow attends every topic: hard, or soft with a `weight`."""

    times: Annotated[int, Field(ge=1, le=52)] = Field(
        default=1, description="sessions of each topic every fellow attends at least"
    )
    weight: Weight | None = Field(
        default=None, description="makes it soft: the cost per fellow, topic and missing session"
    )


def _as_attendance(value: int | Attendance) -> Attendance:
    return Attendance(times=value) if isinstance(value, int) else value


class Didactics(Series):
    """A teaching series: at each session date the solver picks a topic (or none) and one of
    its teachers who is not away, so that every fellow attends every topic."""

    topics: list[Topic] = Field(min_length=1, description="the topics the series teaches")
    cannot_attend_on: list[str] = Field(
        default=[], description="rotations whose fellows miss the sessions (off site)"
    )
    attendance: Annotated[
        Annotated[int, Field(ge=1, le=52, strict=True)] | Attendance,
        AfterValidator(_as_attendance),
    ] = Field(
        default=Attendance(),
        description="times every fellow attends every topic (hard), or {times, weight} (soft)",
    )
    balance_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=1,
        description="cost per session of a topic held more often than its share of the dates, "
        "and per session its busiest teacher gives beyond one more than its least busy one",
    )


class MentorWish(Strict):
    """A fellow's wish for a mentor."""

    fellow: str = Field(description="fellow id")
    mentor: str = Field(description="faculty id, one of mentoring.mentors")
    weight: Weight = Field(default=1, description="the cost of not granting it")


class SoftWeight(Strict):
    """A wish's weight: `{weight: N}`."""

    weight: Weight


class Meetings(Strict):
    """When mentors meet their fellows: once per period of `every_weeks` weeks."""

    every_weeks: Annotated[int, Field(ge=1, le=52)] = Field(
        default=4, description="weeks per period, counted from the program start"
    )
    weekday: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = Field(description="the day meetings fall on")
    time: Clock = Field(description='start, quoted: "15:00"')
    duration_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 30
    location: Line | None = None

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.time)


class Mentoring(Strict):
    """Every fellow gets one mentor from `mentors`; meetings in every period."""

    mentors: list[str] = Field(min_length=1, description="faculty ids")
    max_mentees: Positive | None = Field(
        default=None, description="fellows a mentor takes at most (no limit if left out)"
    )
    other_discipline: SoftWeight | None = Field(
        default=None,
        description="{weight}: the cost of a mentor whose discipline is among the fellow's tags",
    )
    wishes: list[MentorWish] = Field(default=[], description="[{fellow, mentor, weight}]")
    meetings: Meetings | None = Field(default=None, description="when mentors meet their fellows")


class Config(Strict):
    """A whole program: the merged YAML document."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, title="rotations program"
    )

    include: list[str] = Field(default=[], description="further files whose lists are merged in")
    program: Program = Field(description="the year: id, time zone, start, blocks")
    rotations: dict[str, Rotation] = Field(min_length=1, description="rotation id -> rotation")
    fellows: list[Fellow] = Field(min_length=1, description="the fellows")
    sites: dict[str, Site] = Field(
        default={}, description="site id -> a hospital or clinic rotations are offered at"
    )
    requirements: dict[str, Requirement] = Field(
        default={},
        description="rotation id -> blocks every fellow spends on it, or group id -> "
        "{any_of, count}: how many of these rotations every fellow takes",
    )
    leave: list[Leave] = Field(default=[], description="approved or requested leave")
    rules: list[Rule] = Field(default=[], description="typed rules; hard unless weighted")
    faculty: list[Faculty] = Field(default=[], description="conference panelists")
    conferences: list[Conference] = Field(default=[], description="recurring case conferences")
    procedures: dict[str, Procedure] = Field(
        default={}, description="procedure id -> procedure: the interventional curriculum"
    )
    targets: dict[str, Target] = Field(
        default={}, description="procedure id -> cases every fellow should reach"
    )
    case_logs: list[str] = Field(
        default=[],
        description="CSV or XLSX files of cases already logged: fellow,procedure,date,count",
    )
    didactics: list[Didactics] = Field(
        default=[], description="teaching series: topics taught by qualified faculty"
    )
    mentoring: Mentoring | None = Field(
        default=None, description="a mentor for every fellow, and their meetings"
    )
    case_types: dict[str, CaseType] = Field(
        default={}, description="case type id -> its name, the disciplines it needs, minutes"
    )
    cases: list[str | Case] = Field(
        default=[],
        description="the case conference's patient cases: CSV or XLSX files (case,type,"
        "submitted,due,needs,presenter,minutes,priority,summary) or cases written here",
    )
    call: list[Call] = Field(
        default=[], description="kinds of call: duties on days or weekends, who takes them"
    )
    duty_hours: DutyHours | None = Field(
        default=None, description="weekly hours per rotation; ACGME's 80 hours and days off"
    )
    call_limits: list[CallLimit] = Field(
        default=[], description="limits on some fellows' duties over the year (hard)"
    )
    swaps: Swaps = Field(
        default=Swaps(), description="{approval}: call duties fellows swap on their pages"
    )
    _source: Any = PrivateAttr(default=None)
    _logged: Any = PrivateAttr(default=())  # the case logs' rows, read by load_config
    _cases: Any = PrivateAttr(default=())  # every case, with where it was written (load_config)

    @field_validator("procedures", "rotations", "case_types", "sites")
    @classmethod
    def _ids(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        what = info.field_name.removesuffix("s")
        for key in value:
            if not re.match(ID_PATTERN, str(key)) or len(str(key)) > MAX_ID:
                raise ValueError(
                    f"{what} id '{str(key)[:40]}' must be letters, digits, - _ . (at most {MAX_ID})"
                )
        return value
