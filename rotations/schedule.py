"""Schedule: the solved year as plain data (no solver handles), and the solver's statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rotations.implied import ProgramRule


@dataclass(frozen=True)
class SolverStats:
    """How the solve went: status, objective and its proven bound, time spent."""

    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN or MODEL_INVALID
    objective: int | None = None
    bound: int | None = None
    wall_time: float = 0.0
    deterministic_time: float = 0.0
    workers: int = 1
    seed: int = 0
    time_limit: float = 0.0
    # finished (proven optimal, or proven infeasible), deterministic budget (the same input
    # gives the same answer), or wall clock (the time limit ran out in seconds first: another
    # run may give another answer)
    stopped_by: str = "finished"

    @property
    def optimal(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def gap(self) -> float | None:
        """Relative distance between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == self.bound:
            return 0.0
        return abs(self.objective - self.bound) / max(1, abs(self.objective))

    def not_proven(self) -> str:
        """What a schedule not proven optimal is known to be, in the users' words: how far
        above the best possible it may be, then the relative gap (100 % whenever the bound is
        0, however close the schedule)."""
        if self.gap is None:
            return "not proven optimal, gap unknown"
        return (
            f"not proven optimal: at most {self.objective - self.bound} above the best "
            f"possible, gap {100 * self.gap:.1f}%"
        )


@dataclass(frozen=True, order=True)
class Role:
    """One person's part in one conference session."""

    date: str  # ISO date
    conference: str  # conference id
    role: str  # presenter | panel
    person: str  # fellow or faculty id
    discipline: str = ""  # the panel seat; empty for presenters


@dataclass(frozen=True, order=True)
class Lesson:
    """A seminar session that is held: its date, series, topic and teacher."""

    date: str  # ISO date
    series: str  # didactics series id
    topic: str  # topic id
    teacher: str  # faculty id


@dataclass(frozen=True, order=True)
class Slot:
    """A case on a session's agenda: its date, conference, place in the order, reference and
    presenting fellow."""

    date: str  # ISO date
    conference: str  # conference id
    order: int  # 1-based within the session
    case: str  # the case's reference
    presenter: str  # fellow id


@dataclass(frozen=True, order=True)
class OnCall:
    """A fellow on one duty of a call: the duty's first day, the call and the fellow."""

    date: str  # ISO date the duty starts
    call: str  # call id
    fellow: str  # fellow id


@dataclass(frozen=True)
class Schedule:
    """Who is on which rotation in each block: `assignments[fellow_id][block_index]` (None in a
    block wholly outside the fellow's dates), and at which site (`sites`)."""

    assignments: dict[str, list[str | None]]
    solver: SolverStats
    worst_wish_cost: int | None = None
    penalty_cost: int = 0
    roles: list[Role] = field(default_factory=list)
    relaxed: bool = False  # solved with --relax: hard rules may be broken
    granted_leave: tuple[int, ...] = ()  # indices into config.leave of granted requests
    frozen_before: int = 0  # blocks before it are a reschedule's frozen past (logged cases)
    lessons: list[Lesson] = field(default_factory=list)  # seminar sessions held, by date
    mentors: dict[str, str] = field(default_factory=dict)  # fellow id -> mentor's faculty id
    agenda: list[Slot] = field(default_factory=list)  # the cases discussed, by date and order
    # sites[fellow_id][block_index]: the site of the block's rotation (None: a rotation without
    # sites, or no rotation); empty when the program has no sites.
    sites: dict[str, list[str | None]] = field(default_factory=dict)
    calls: list[OnCall] = field(default_factory=list)  # every duty's fellows, by date and call

    def rotation_of(self, fellow_id: str, block: int) -> str | None:
        return self.assignments[fellow_id][block]

    def site_of(self, fellow_id: str, block: int) -> str | None:
        row = self.sites.get(fellow_id)
        return row[block] if row else None

    def roles_on(self, conference: str, date: str) -> list[Role]:
        return [r for r in self.roles if r.conference == conference and r.date == date]

    def agenda_on(self, conference: str, date: str) -> list[Slot]:
        return [x for x in self.agenda if x.conference == conference and x.date == date]

    def slot_of(self, case: str) -> Slot | None:
        return next((x for x in self.agenda if x.case == case), None)

    def lesson_on(self, series: str, date: str) -> Lesson | None:
        return next((x for x in self.lessons if x.series == series and x.date == date), None)


@dataclass(frozen=True)
class Violation:
    """One broken rule instance, as the checker finds it: which rule, whom, when (`block` is
    1-based), and what it costs if the rule is soft."""

    rule: ProgramRule
    message: str
    fellow: str | None = None
    block: int | None = None
    cost: int = 0

    @property
    def hard(self) -> bool:
        return self.rule.hard

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def label(self) -> str:
        return self.rule.label

    @property
    def kind(self) -> str:
        return self.rule.type

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"
