"""The config language as pydantic models: every key, its type and its meaning."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# Ids name calendar files and workbook sheets; Excel allows 31 characters in a sheet name.
MAX_ID = 31
Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=MAX_ID,
        description="a short stable id: letters, digits, - _ . (at most 31)",
    ),
]
Email = Annotated[
    str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254, description="an e-mail address")
]

# Every number the model sees is bounded, so that sums of weights stay far inside the solver's
# 64-bit integers: a weight above 10,000 says nothing a hard rule does not.
MAX_WEIGHT = 10_000
MAX_COUNT = 10_000
Weight = Annotated[int, Field(gt=0, le=MAX_WEIGHT)]
Number = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Positive = Annotated[int, Field(gt=0, le=MAX_COUNT)]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _control_message(char: str) -> str:
    if char in "\r\n\u2028\u2029":
        return "a line break"
    return f"the control character U+{ord(char):04X}"


def _one_line(value: str) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"must be one line of text, but it has {_control_message(bad[0])}")
    return value


def _plain_text(value: str) -> str:
    bad = _CONTROL.search(value.replace("\n", " ").replace("\t", " "))
    if bad:
        raise ValueError(f"must be plain text, but it has {_control_message(bad[0])}")
    return value


Line = Annotated[str, Field(max_length=200), AfterValidator(_one_line)]
Text = Annotated[str, Field(max_length=4000), AfterValidator(_plain_text)]


class Strict(BaseModel):
    """Base of every config model: unknown keys are errors, values are not coerced from text."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Range(Strict):
    """A count between `min` and `max`, both inclusive; either may be left out."""

    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

    def describe(self, unit: str) -> str:
        """ "exactly 2 blocks", "at most 1 block", "2 to 4 blocks" (`unit` in the plural)."""
        single = unit.removesuffix("s")
        if self.min is not None and self.min == self.max:
            return f"exactly {self.min} {single if self.min == 1 else unit}"
        if self.min is None and self.max == 1:
            return f"at most 1 {single}"
        if self.min == 1 and self.max is None:
            return f"at least 1 {single}"
        if self.min is not None and self.max is not None:
            return f"{self.min} to {self.max} {unit}"
        if self.min is not None:
            return f"at least {self.min} {unit}"
        if self.max is not None:
            return f"at most {self.max} {unit}"
        return f"any number of {unit}"


def _as_range(value: int | Range) -> Range:
    return Range(min=value, max=value) if isinstance(value, int) else value


Count = Annotated[
    Annotated[int, Field(ge=0, le=MAX_COUNT, strict=True)] | Range,
    AfterValidator(_as_range),
    Field(description="a number (exactly), or {min, max}"),
]


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


class TagSelector(Strict):
    """Selects the fellows that carry any of the tags."""

    tags: list[Line] = Field(min_length=1)


Selector = list[str] | TagSelector


class Fellow(Strict):
    """A fellow; `id` is stable and names their calendar file."""

    id: Id
    name: Line = Field(description="as shown in calendars and reports")
    email: Email | None = None
    tags: list[Line] = Field(default=[], description="backgrounds or groups rules can select")


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


class RuleBase(Strict):
    """Keys every rule takes: `name`, `fellows` (whom it binds), `weight` (makes it soft)."""

    name: Line | None = Field(default=None, description="used in messages and reports")
    fellows: Selector | None = Field(
        default=None, description="ids, or {tags: [...]}: whom the rule binds (default: all)"
    )
    weight: Weight | None = Field(
        default=None, description="makes the rule soft: the cost of each broken instance"
    )
    _key: str = PrivateAttr(default="rule")  # its key path, e.g. rules[3]
    _where: str = PrivateAttr(default="")  # file:line:column and key path, for messages

    @property
    def hard(self) -> bool:
        return self.weight is None

    @property
    def label(self) -> str:
        """How messages refer to the rule: its name if given, else its place in the file."""
        return f'"{self.name}"' if self.name else f"{self._key} ({getattr(self, 'type', 'rule')})"

    @property
    def where(self) -> str:
        return self._where or self._key

    @property
    def key(self) -> str:
        return self._key

    def describe(self, rotations: dict[str, Rotation]) -> str:
        raise NotImplementedError


class SingleFellowRule(RuleBase):
    """A rule written for one fellow (`fellow: ana`) or several (`fellows: [...]`)."""

    fellow: str | None = Field(default=None, description="the fellow it is for")

    @model_validator(mode="after")
    def _someone(self) -> SingleFellowRule:
        if self.fellow is None and self.fellows is None:
            raise ValueError("say whom it is for: fellow: <id> (or fellows: [...])")
        if self.fellow is not None and self.fellows is not None:
            raise ValueError("give either fellow or fellows, not both")
        return self


def _name(rotations: dict[str, Rotation], rid: str) -> str:
    return rotations[rid].name if rid in rotations else rid


class Gap(RuleBase):
    """At least `min_blocks` blocks between two stints of `rotation`."""

    type: Literal["gap"]
    rotation: str
    min_blocks: Positive

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return (
            f"at least {self.min_blocks} blocks between two stints of "
            f"{_name(rotations, self.rotation)}"
        )


class Before(RuleBase):
    """All of a fellow's `first` blocks come before any of their `then` blocks."""

    type: Literal["before"]
    first: str
    then: str

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return (
            f"all {_name(rotations, self.first)} blocks come before any "
            f"{_name(rotations, self.then)} block"
        )


class Window(RuleBase):
    """`rotation` only in blocks lying wholly inside `not_before`..`not_after`."""

    type: Literal["window"]
    rotation: str
    not_before: dt.date | None = None
    not_after: dt.date | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Window:
        if self.not_before is None and self.not_after is None:
            raise ValueError("give not_before, not_after or both")
        if self.not_before and self.not_after and self.not_after < self.not_before:
            raise ValueError(f"not_after {self.not_after} is before not_before {self.not_before}")
        return self

    def describe(self, rotations: dict[str, Rotation]) -> str:
        parts = []
        if self.not_before:
            parts.append(f"from {self.not_before}")
        if self.not_after:
            parts.append(f"until {self.not_after}")
        return f"{_name(rotations, self.rotation)} only {' '.join(parts)}"


class MaxConsecutive(RuleBase):
    """No run of more than `blocks` consecutive blocks on any mix of `rotations`."""

    type: Literal["max_consecutive"]
    rotations: list[str] = Field(min_length=1)
    blocks: Positive

    def describe(self, rotations: dict[str, Rotation]) -> str:
        names = ", ".join(_name(rotations, r) for r in self.rotations)
        return f"at most {self.blocks} consecutive blocks on {names}"


class ForbidSequence(RuleBase):
    """`from` is never directly followed by `to`."""

    type: Literal["forbid_sequence"]
    from_: str = Field(alias="from")
    to: str

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return (
            f"{_name(rotations, self.from_)} is never directly followed by "
            f"{_name(rotations, self.to)}"
        )


class MaxConcurrentLeave(RuleBase):
    """No working day with more than `max` of the fellows on leave."""

    type: Literal["max_concurrent_leave"]
    max: Number

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return f"at most {self.max} fellows on leave on any working day"


class Pin(SingleFellowRule):
    """The fellow is on `rotation` in the given (1-based) `blocks`."""

    type: Literal["pin"]
    rotation: str
    blocks: list[int] = Field(min_length=1, description="1-based block numbers")

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return f"on {_name(rotations, self.rotation)} in block(s) {_block_list(self.blocks)}"


class Apart(RuleBase):
    """No two of `fellows` on `rotation` in the same block."""

    type: Literal["apart"]
    rotation: str

    @model_validator(mode="after")
    def _group(self) -> Apart:
        if self.fellows is None:
            raise ValueError("say who must be kept apart: fellows: [ana, ben] or {tags: [...]}")
        return self

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return f"no two of them on {_name(rotations, self.rotation)} in the same block"


class Wish(SingleFellowRule):
    """A fellow's wish about a rotation between two dates (the blocks overlapping them)."""

    rotation: str
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Wish:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Prefer(Wish):
    """The fellow wants `rotation` in every block overlapping `start`..`end`."""

    type: Literal["prefer"]

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return f"on {_name(rotations, self.rotation)} from {self.start} to {self.end}"


class Avoid(Wish):
    """The fellow wants no `rotation` block overlapping `start`..`end`."""

    type: Literal["avoid"]

    def describe(self, rotations: dict[str, Rotation]) -> str:
        return f"not on {_name(rotations, self.rotation)} from {self.start} to {self.end}"


def _block_list(blocks: list[int]) -> str:
    return ", ".join(str(b) for b in blocks)


Rule = Annotated[
    Gap
    | Before
    | Window
    | MaxConsecutive
    | ForbidSequence
    | MaxConcurrentLeave
    | Pin
    | Apart
    | Prefer
    | Avoid,
    Field(discriminator="type"),
]

RULE_TYPES: tuple[str, ...] = tuple(
    get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Rule)[0])
)


class Away(Period):
    """Days a faculty member cannot sit on a panel."""


class Faculty(Strict):
    """A faculty member who sits on conference panels for one discipline."""

    id: Id
    name: Line
    email: Email | None = None
    discipline: Line = Field(description="the panel seat they can fill, e.g. neurology")
    away: list[Away] = Field(default=[], description="[{start, end}]: days they cannot sit")

    def away_on(self, day: dt.date) -> Away | None:
        return next((a for a in self.away if a.start <= day <= a.end), None)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _clock(value: Any) -> Any:
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f'expected a time "HH:MM" (24-hour), got "{value}"')
        return f"{int(match[1]):02d}:{match[2]}"
    return value


class Conference(Strict):
    """A recurring case conference: presenting fellows and a faculty panel at every session."""

    id: Id
    name: Line
    weekday: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = Field(description="the day sessions fall on")
    time: Annotated[str, BeforeValidator(_clock)] = Field(description='start, quoted: "07:00"')
    duration_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 60
    every_weeks: Annotated[int, Field(ge=1, le=52)] = Field(default=1, description="1 = weekly")
    location: Line | None = None
    skip_holidays: bool = Field(default=False, description="no session on public holidays")
    skip: list[dt.date] = Field(default=[], description="dates without a session")
    presenters: Number = Field(default=1, description="fellows presenting at each session")
    no_presenting_on: list[str] = Field(
        default=[], description="rotations whose fellows cannot present"
    )
    min_weeks_between_presentations: Number = Field(
        default=0, description="weeks between two presentations by the same fellow"
    )
    panel: list[Line] = Field(default=[], description="disciplines: one faculty member each")
    relevance_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=0,
        description="cost of a presentation by a fellow not on (or just off) a rotation whose "
        "discipline sits on the panel; 0 (the default) turns this wish off",
    )
    balance_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=2, description="cost per panel session above an even share, per discipline"
    )

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.time)


class Config(Strict):
    """A whole program: the merged YAML document."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, title="rotations program"
    )

    include: list[str] = Field(default=[], description="further files whose lists are merged in")
    program: Program = Field(description="the year: id, time zone, start, blocks")
    rotations: dict[str, Rotation] = Field(min_length=1, description="rotation id -> rotation")
    fellows: list[Fellow] = Field(min_length=1, description="the fellows")
    requirements: dict[str, Count] = Field(
        default={}, description="rotation id -> blocks every fellow spends on it"
    )
    leave: list[Leave] = Field(default=[], description="approved or requested leave")
    rules: list[Rule] = Field(default=[], description="typed rules; hard unless weighted")
    faculty: list[Faculty] = Field(default=[], description="conference panelists")
    conferences: list[Conference] = Field(default=[], description="recurring case conferences")
    _source: Any = PrivateAttr(default=None)

    @field_validator("rotations")
    @classmethod
    def _rotation_ids(cls, value: dict[str, Rotation]) -> dict[str, Rotation]:
        for rid in value:
            if not re.match(ID_PATTERN, str(rid)) or len(str(rid)) > MAX_ID:
                raise ValueError(
                    f"rotation id '{str(rid)[:40]}' must be letters, digits, - _ . "
                    f"(at most {MAX_ID})"
                )
        return value
