"""The daily layer of the config language: call duties (`call:`) and the duty-hour rules they
keep together with the rotations (`duty_hours:`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from rotations.config.types import (
    MAX_WEIGHT,
    Clock,
    Id,
    Line,
    Number,
    Positive,
    Range,
    Selector,
    Strict,
    Weight,
    selects,
)

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Hours = Annotated[int, Field(ge=0, le=168)]
Weeks = Annotated[int, Field(ge=1, le=52)]


class Weekend(Strict):
    """One duty from the `from` day to the `to` day, e.g. Friday to Sunday."""

    from_: Day = Field(alias="from", description="the day it starts")
    to: Day = Field(description="the day it ends (the same week, or the next)")

    @property
    def days(self) -> int:
        """How many days one duty spans."""
        return (DAYS.index(self.to) - DAYS.index(self.from_)) % 7 + 1


class PerWeeks(Strict):
    """At most `count` in every run of `per_weeks` consecutive weeks."""

    count: Positive
    per_weeks: Weeks


class CallWish(Strict):
    """A fellow's wish to be on this call on a date (soft: `weight` if not granted)."""

    fellow: str = Field(description="fellow id")
    date: dt.date = Field(description="the day the duty starts")
    weight: Weight = 1


class CallAvoid(Strict):
    """Days a fellow asks not to be on this call (soft: `weight` per duty in them)."""

    fellow: str = Field(description="fellow id")
    start: dt.date = Field(description="first day, inclusive")
    end: dt.date = Field(description="last day, inclusive")
    weight: Weight = 1

    @model_validator(mode="after")
    def _ordered(self) -> CallAvoid:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Call(Strict):
    """A kind of call: the duties it has (one per `days` day, or one per weekend), who may take
    them and how often."""

    id: Id
    name: Line
    days: list[Day] | None = Field(
        default=None, description="the days with a duty each, e.g. [mon, tue, wed, thu]"
    )
    weekend: Weekend | None = Field(
        default=None, description="{from: fri, to: sun}: one duty over those days (not with days)"
    )
    per_day: Positive = Field(default=1, description="fellows on each duty")
    per_date: dict[dt.date, Number] = Field(
        default={}, description="date -> fellows on the duty starting that day, instead of per_day"
    )
    short_weight: Weight | None = Field(
        default=None,
        description="makes too few fellows on a duty soft: the cost of each one missing",
    )
    extra_weight: Weight | None = Field(
        default=None,
        description="allows more fellows than needed on a duty: the cost of each one more",
    )
    hours: Annotated[int, Field(gt=0, le=72)] = Field(
        description="hours of one duty, counted for duty hours"
    )
    start: Clock = Field(default="17:00", description='when a duty starts, quoted: "17:00"')
    end: Clock = Field(
        default="08:00",
        description="when it ends: on its last day if later than start, else the morning after",
    )
    location: Line | None = None
    eligible_on: list[str] = Field(
        min_length=1, description="rotations whose fellows may take it (the block of its start)"
    )
    fellows: Selector | None = Field(
        default=None, description="who may take it: fellow ids or {tags: [...]} (default: all)"
    )
    max_per_fellow: PerWeeks | None = Field(
        default=None, description="{count, per_weeks}: a fellow's duties in any run of weeks"
    )
    min_days_between: Number = Field(
        default=0,
        description="days from one duty's start to the same fellow's next (2: not on "
        "two days running)",
    )
    not_before_on: list[str] = Field(
        default=[], description="rotations: no duty the day before a day on one of them"
    )
    not_after: list[str] = Field(
        default=[], description="call ids: no duty of this the day after a duty of one of them"
    )
    post_call_off: bool = Field(
        default=False, description="the day after a duty the fellow is off: no rotation, no call"
    )
    balance_weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = Field(
        default=2,
        description="cost per duty a fellow takes above an even share: of all its duties, of its "
        "weekend duties and of its holiday duties; 0 turns this wish off",
    )
    holidays_apart: bool = Field(
        default=True,
        description="no fellow on its duties over both Christmas Day and New Year's Day",
    )
    wishes: list[CallWish] = Field(default=[], description="[{fellow, date, weight}]")
    avoid: list[CallAvoid] = Field(default=[], description="[{fellow, start, end, weight}]")

    @model_validator(mode="after")
    def _days_or_weekend(self) -> Call:
        if (self.days is None) == (self.weekend is None):
            raise ValueError("give either days: [mon, ...] or weekend: {from: fri, to: sun}")
        if self.days is not None and len(set(self.days)) != len(self.days):
            raise ValueError("days names a day twice")
        if self.days == []:
            raise ValueError("days is empty: name the days with a duty, e.g. [mon, tue]")
        return self

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    def need(self, first: dt.date) -> int:
        """Fellows on the duty starting `first`."""
        return self.per_date.get(first, self.per_day)

    def takes(self, fellow_id: str, tags: list[str]) -> bool:
        """Whether the fellow may take its duties (its `fellows`, by id or tag)."""
        return selects(self.fellows, fellow_id, tags)

    @property
    def starts(self) -> list[str]:
        """The days its duties start on."""
        return self.days if self.days is not None else [self.weekend.from_]

    def ends(self, last: dt.date) -> tuple[dt.date, dt.time]:
        """The day and time a duty whose last day is `last` ends."""
        end = dt.time.fromisoformat(self.end)
        return (last, end) if end > self.start_time else (last + dt.timedelta(days=1), end)

    @property
    def span(self) -> int:
        """How many days one duty covers (1 for a night of `days`)."""
        return self.weekend.days if self.weekend is not None else 1


class WeeklyHours(Strict):
    """At most `hours` a week, averaged over every run of `averaged_over_weeks` weeks."""

    hours: Annotated[int, Field(gt=0, le=168)] = 80
    averaged_over_weeks: Weeks = 4


class DaysOff(Strict):
    """One day in `days` free of rotation work and call, averaged over every run of
    `averaged_over_weeks` weeks."""

    days: Annotated[int, Field(ge=2, le=28)] = 7
    averaged_over_weeks: Weeks = 4


class DutyHours(Strict):
    """Duty hours: a fellow's rotation hours plus call hours, less leave, within ACGME's limits
    (hard)."""

    rotation_hours: dict[str, Hours] = Field(
        description="rotation id -> hours a week on it (every rotation; 0 for none)"
    )
    max_weekly: WeeklyHours = Field(
        default=WeeklyHours(), description="{hours, averaged_over_weeks}: ACGME 80 over 4"
    )
    one_day_off_in: DaysOff = Field(
        default=DaysOff(), description="{days, averaged_over_weeks}: ACGME one in 7 over 4"
    )


class Swaps(Strict):
    """Call duties fellows swap among themselves on their pages (`rotations serve`)."""

    approval: bool = Field(
        default=False,
        description="a swap two fellows agree on waits for the coordinator's approval",
    )


class CallLimit(Strict):
    """Limits on the duties of some fellows (all by default) over the year, of some calls (all
    by default): how many, their hours, how many days running, the days off between two runs,
    and the weekends with a duty (hard)."""

    name: Line | None = None
    fellows: Selector | None = Field(
        default=None, description="fellow ids or {tags: [...]} (default: every fellow)"
    )
    calls: list[str] | None = Field(default=None, description="call ids (default: every call)")
    duties: Range | None = Field(default=None, description="{min, max}: duties over the year")
    hours: Range | None = Field(default=None, description="{min, max}: call hours over the year")
    days_running: Range | None = Field(
        default=None,
        description="{min, max}: days in a row with a duty (a run at the year's first or last "
        "day may be shorter than min)",
    )
    days_off_running: Positive | None = Field(
        default=None,
        description="days in a row without a duty, at least, between two runs with one",
    )
    weekends: Range | None = Field(
        default=None, description="{min, max}: weekends with a duty on Saturday or Sunday"
    )

    def binds(self, fellow_id: str, tags: list[str]) -> bool:
        return selects(self.fellows, fellow_id, tags)

    def counts(self, call: str) -> bool:
        return self.calls is None or call in self.calls
