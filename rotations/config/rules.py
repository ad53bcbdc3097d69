"""The typed entries of `rules:`: one pydantic model per YAML `type`.

Each is a rule object from loading onward: it knows its key path (`rules[3]`, its identity),
where it was written, the name the user gave it and whether it is hard; `describe` says what it
demands in the user's words, and `example` is the entry the config reference shows. The rules
other keys imply (staffing, stints, requirements...) have the same interface
(`rotations.implied`, beside the resolved program).

A rule describes itself in the words of the program it is part of, through `Program`: the
little it needs of it. The front end knows nothing of the resolved program
(`rotations.problem.Problem`, which has what `Program` names)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal, Protocol, get_args

from pydantic import Field, PrivateAttr, model_validator

from rotations.config.source import Position
from rotations.config.types import Line, Number, Positive, Selector, Strict, TagSelector, Weight


class Program(Protocol):
    """What a rule's description needs of its program."""

    def rotation_name(self, rotation_id: str) -> str:
        """The rotation's name (its id when there is no such rotation)."""

    def site_name(self, site_id: str) -> str:
        """The site's name (its id when there is no such site)."""

    def blocks_within(self, not_before: dt.date | None, not_after: dt.date | None) -> list[int]:
        """Blocks lying wholly inside not_before..not_after."""

    def selected_ids(self, rule: RuleBase) -> list[str]:
        """The ids of the fellows `rule` binds."""


class RuleBase(Strict):
    """Keys every rule takes: `name`, `fellows` (whom it binds), `weight` (makes it soft)."""

    name: Line | None = Field(default=None, description="used in messages and reports")
    fellows: Selector | None = Field(
        default=None, description="ids, or {tags: [...]}: whom the rule binds (default: all)"
    )
    weight: Weight | None = Field(
        default=None, description="makes the rule soft: the cost of each broken instance"
    )
    example: ClassVar[dict] = {}  # the entry the config reference shows
    wish: ClassVar[bool] = False  # a fellow's wish: counts toward the fairness term
    _key: str = PrivateAttr(default="rule")  # its key path, e.g. rules[3]
    _position: Position | None = PrivateAttr(default=None)

    # Private attributes read through __pydantic_private__: pydantic's __getattr__ is slow, and
    # the model builder asks a rule for its key hundreds of thousands of times.
    @property
    def key(self) -> str:
        return self.__pydantic_private__["_key"]

    @property
    def position(self) -> Position | None:
        return self.__pydantic_private__["_position"]

    @property
    def hard(self) -> bool:
        return self.weight is None

    @property
    def label(self) -> str:
        """How messages refer to the rule: its name if given, else its place in the file."""
        return f'"{self.name}"' if self.name else f"{self._key} ({getattr(self, 'type', 'rule')})"

    def describe(self, problem: Program) -> str:
        """What the rule demands, and of whom, in the user's words."""
        return self.statement(problem) + self._whom(problem)

    def statement(self, problem: Program) -> str:
        raise NotImplementedError

    def _whom(self, problem: Program) -> str:
        if isinstance(self.fellows, TagSelector):
            return f" (for fellows tagged {', '.join(self.fellows.tags)})"
        if self.fellows is not None:
            return f" (for {', '.join(self.fellows)})"
        return ""


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

    def _whom(self, problem: Program) -> str:
        return f" (for {self.fellow})" if self.fellow is not None else super()._whom(problem)


class Gap(RuleBase):
    """At least `min_blocks` blocks between two stints of `rotation`."""

    type: Literal["gap"]
    rotation: str
    min_blocks: Positive
    example: ClassVar[dict] = {"type": "gap", "rotation": "procedures", "min_blocks": 2}

    def statement(self, problem: Program) -> str:
        return (
            f"at least {self.min_blocks} blocks between two stints of "
            f"{problem.rotation_name(self.rotation)}"
        )


class Before(RuleBase):
    """All of a fellow's `first` blocks come before any of their `then` blocks; with
    `requires_first`, a fellow is on `then` only after a block on `first`."""

    type: Literal["before"]
    first: str
    then: str
    requires_first: bool = Field(
        default=False, description="no `then` block unless a `first` block came before it"
    )
    example: ClassVar[dict] = {"type": "before", "first": "neurology", "then": "palliative"}

    def statement(self, problem: Program) -> str:
        first, then = problem.rotation_name(self.first), problem.rotation_name(self.then)
        if self.requires_first:
            return f"{then} only after {first}, and all {first} blocks before any {then} block"
        return f"all {first} blocks come before any {then} block"


class Window(RuleBase):
    """`rotation` only in blocks lying wholly inside `not_before`..`not_after`."""

    type: Literal["window"]
    rotation: str
    not_before: dt.date | None = None
    not_after: dt.date | None = None
    example: ClassVar[dict] = {
        "type": "window",
        "rotation": "elective",
        "not_before": "2027-09-01",
    }

    @model_validator(mode="after")
    def _bounded(self) -> Window:
        if self.not_before is None and self.not_after is None:
            raise ValueError("give not_before, not_after or both")
        if self.not_before and self.not_after and self.not_after < self.not_before:
            raise ValueError(f"not_after {self.not_after} is before not_before {self.not_before}")
        return self

    def statement(self, problem: Program) -> str:
        parts = []
        if self.not_before:
            parts.append(f"from {self.not_before}")
        if self.not_after:
            parts.append(f"until {self.not_after}")
        return f"{problem.rotation_name(self.rotation)} only {' '.join(parts)}"

    def describe(self, problem: Program) -> str:
        allowed = len(problem.blocks_within(self.not_before, self.not_after))
        return f"{super().describe(problem)} ({allowed} block{'' if allowed == 1 else 's'})"


class MaxConsecutive(RuleBase):
    """No run of more than `blocks` consecutive blocks on any mix of `rotations`."""

    type: Literal["max_consecutive"]
    rotations: list[str] = Field(min_length=1)
    blocks: Positive
    example: ClassVar[dict] = {
        "type": "max_consecutive",
        "rotations": ["procedures", "acute"],
        "blocks": 6,
    }

    def statement(self, problem: Program) -> str:
        names = ", ".join(problem.rotation_name(r) for r in self.rotations)
        return f"at most {self.blocks} consecutive blocks on {names}"


class ForbidSequence(RuleBase):
    """`from` is never directly followed by `to`."""

    type: Literal["forbid_sequence"]
    from_: str = Field(alias="from")
    to: str
    example: ClassVar[dict] = {"type": "forbid_sequence", "from": "acute", "to": "neurology"}

    def statement(self, problem: Program) -> str:
        first, then = problem.rotation_name(self.from_), problem.rotation_name(self.to)
        return f"{first} is never directly followed by {then}"


class MaxConcurrentLeave(RuleBase):
    """No working day with more than `max` of the fellows on leave."""

    type: Literal["max_concurrent_leave"]
    max: Number
    example: ClassVar[dict] = {"type": "max_concurrent_leave", "max": 1}

    def statement(self, problem: Program) -> str:
        return f"at most {self.max} fellows on leave on any working day"


class Pin(SingleFellowRule):
    """The fellow is on `rotation` in the given (1-based) `blocks`."""

    type: Literal["pin"]
    rotation: str
    blocks: list[int] = Field(min_length=1, description="1-based block numbers")
    example: ClassVar[dict] = {
        "type": "pin",
        "fellow": "ben",
        "rotation": "procedures",
        "blocks": [1, 2],
    }

    def statement(self, problem: Program) -> str:
        blocks = ", ".join(str(b) for b in self.blocks)
        return f"on {problem.rotation_name(self.rotation)} in block(s) {blocks}"


class Apart(RuleBase):
    """No two of `fellows` on `rotation` in the same block."""

    type: Literal["apart"]
    rotation: str
    example: ClassVar[dict] = {"type": "apart", "fellows": ["ana", "ben"], "rotation": "neurology"}

    @model_validator(mode="after")
    def _group(self) -> Apart:
        if self.fellows is None:
            raise ValueError("say who must be kept apart: fellows: [ana, ben] or {tags: [...]}")
        return self

    def statement(self, problem: Program) -> str:
        return f"no two of them on {problem.rotation_name(self.rotation)} in the same block"

    def _whom(self, problem: Program) -> str:
        if isinstance(self.fellows, TagSelector):
            return super()._whom(problem)
        return f" ({', '.join(problem.selected_ids(self))})"


class Wish(SingleFellowRule):
    """A fellow's wish about a rotation between two dates (the blocks overlapping them)."""

    rotation: str
    start: dt.date
    end: dt.date
    wish: ClassVar[bool] = True

    @model_validator(mode="after")
    def _ordered(self) -> Wish:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Prefer(Wish):
    """The fellow wants `rotation` in every block overlapping `start`..`end`."""

    type: Literal["prefer"]
    example: ClassVar[dict] = {
        "type": "prefer",
        "fellow": "ana",
        "rotation": "elective",
        "start": "2028-03-01",
        "end": "2028-04-30",
        "weight": 5,
    }

    def statement(self, problem: Program) -> str:
        return f"on {problem.rotation_name(self.rotation)} from {self.start} to {self.end}"


class Avoid(Wish):
    """The fellow wants no `rotation` block overlapping `start`..`end`."""

    type: Literal["avoid"]
    example: ClassVar[dict] = {
        "type": "avoid",
        "fellow": "ben",
        "rotation": "acute",
        "start": "2027-12-01",
        "end": "2027-12-31",
        "weight": 3,
    }

    def statement(self, problem: Program) -> str:
        return f"not on {problem.rotation_name(self.rotation)} from {self.start} to {self.end}"


class Want(SingleFellowRule):
    """The fellow wants at least one block of `rotation` (at `site`, if given), between `start`
    and `end` (default: the whole year)."""

    type: Literal["want"]
    rotation: str
    site: str | None = Field(default=None, description="the site they want it at")
    start: dt.date | None = None
    end: dt.date | None = None
    wish: ClassVar[bool] = True
    example: ClassVar[dict] = {
        "type": "want",
        "fellow": "ana",
        "rotation": "palliative",
        "weight": 4,
    }

    @model_validator(mode="after")
    def _ordered(self) -> Want:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def statement(self, problem: Program) -> str:
        at = f" at {problem.site_name(self.site)}" if self.site else ""
        when = ""
        if self.start or self.end:
            when = f" between {self.start or 'the start'} and {self.end or 'the end'}"
        return f"at least one block of {problem.rotation_name(self.rotation)}{at}{when}"


class PreferSite(SingleFellowRule):
    """The fellow wants to be at `site` whenever on a rotation offered at sites: each block
    they spend at another site counts."""

    type: Literal["prefer_site"]
    site: str
    wish: ClassVar[bool] = True
    example: ClassVar[dict] = {"type": "prefer_site", "fellow": "ben", "site": "va", "weight": 2}

    def statement(self, problem: Program) -> str:
        return f"every block of a rotation with sites at {problem.site_name(self.site)}"


class SiteChange(RuleBase):
    """A fellow stays at one site: each time their site differs from that of their last block
    at a site counts (blocks on rotations without sites are passed over)."""

    type: Literal["site_change"]
    wish: ClassVar[bool] = True
    example: ClassVar[dict] = {"type": "site_change", "weight": 3}

    def statement(self, problem: Program) -> str:
        return "no change of site from one rotation to the next"


class Idle(RuleBase):
    """No waiting: each block a fellow spends on `rotation` (time without a rotation) before a
    later block on another rotation counts."""

    type: Literal["idle"]
    rotation: str
    wish: ClassVar[bool] = True
    example: ClassVar[dict] = {"type": "idle", "rotation": "unassigned", "weight": 1}

    def statement(self, problem: Program) -> str:
        name = problem.rotation_name(self.rotation)
        return f"no block on {name} before a block on another rotation"


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
    | Avoid
    | Want
    | PreferSite
    | SiteChange
    | Idle,
    Field(discriminator="type"),
]

RULE_CLASSES: tuple[type[RuleBase], ...] = get_args(get_args(Rule)[0])
RULE_TYPES: tuple[str, ...] = tuple(
    get_args(model.model_fields["type"].annotation)[0] for model in RULE_CLASSES
)
