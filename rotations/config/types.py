"""The value types of the config language: ids, one-line names, bounded numbers, counts,
selectors; and the base every config model shares."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

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


def _clock(value: object) -> object:
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f'expected a time "HH:MM" (24-hour), got "{value}"')
        return f"{int(match[1]):02d}:{match[2]}"
    return value


Clock = Annotated[str, BeforeValidator(_clock)]


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


class Group(Strict):
    """A requirement of the form "k of these rotations": the fellow spends at least one block
    on `count` of the rotations in `any_of`."""

    any_of: list[str] = Field(min_length=2, description="the rotations the fellow chooses from")
    count: Count = Field(description="how many of them the fellow takes (a number, or {min, max})")


Requirement = Annotated[
    Count | Group,
    Field(description="blocks of a rotation (a number or {min, max}), or {any_of, count}"),
]


class TargetRange(Strict):
    """Cases of a procedure a fellow should reach: hard, or soft with a `weight`."""

    min: Number = Field(description="cases to reach by the end of the program")
    weight: Weight | None = Field(
        default=None, description="makes the target soft: the cost of each missing case"
    )


def _as_target(value: int | TargetRange) -> TargetRange:
    return TargetRange(min=value) if isinstance(value, int) else value


Target = Annotated[
    Annotated[int, Field(ge=0, le=MAX_COUNT, strict=True)] | TargetRange,
    AfterValidator(_as_target),
    Field(description="a number of cases (hard), or {min, weight} (soft: weight per missing case)"),
]


class TagSelector(Strict):
    """Selects the fellows that carry any of the tags."""

    tags: list[Line] = Field(min_length=1)


Selector = list[str] | TagSelector


def selects(selector: Selector | None, fellow_id: str, tags: list[str]) -> bool:
    """Whether a selector (fellow ids, or {tags}; None: every fellow) picks the fellow."""
    if selector is None:
        return True
    if isinstance(selector, TagSelector):
        return bool(set(selector.tags) & set(tags))
    return fellow_id in selector
