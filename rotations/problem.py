"""Problem: the resolved, indexed instance (dates -> block indices, selectors -> fellow indices)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from rotations.calendar import (
    Block,
    day_ranges,
    holiday_dates,
    make_blocks,
    session_dates,
    working_days,
)
from rotations.cases import ConferenceCase, resolve_cases
from rotations.config import ConfigError, models
from rotations.config.rules import RuleBase, SingleFellowRule
from rotations.config.source import ConfigProblem, SourceMap
from rotations.config.types import Range, TagSelector, TargetRange
from rotations.duties import Duty, call_rules, make_duties
from rotations.implied import LeaveEntry, ProgramRule, Target, implied_rules


@dataclass(frozen=True)
class Session:
    """One conference meeting: which conference, when, and in which block."""

    conference: int  # index into config.conferences
    date: dt.date
    block: int  # 0-based block index
    number: int  # 1-based within its conference


@dataclass(frozen=True)
class Seminar:
    """One date of a seminar series, which carries a topic or is not held."""

    series: int  # index into config.didactics
    date: dt.date
    block: int  # 0-based block index
    number: int  # 1-based within its series


@dataclass(frozen=True)
class Meeting:
    """A fellow's mentoring period (1-based `period`) and the day they meet in it (None: no
    day when both are free)."""

    period: int
    first: dt.date
    last: dt.date
    date: dt.date | None


@dataclass(frozen=True)
class Problem:
    """Everything the model builder and the checker need, in index form and in a fixed order."""

    config: models.Config
    blocks: list[Block]
    fellows: list[models.Fellow]
    rotations: list[str]
    holidays: frozenset[dt.date]
    working_days: list[list[dt.date]]  # per block
    leave_days: list[frozenset[dt.date]]  # approved leave per fellow, clipped to the year
    sessions: list[Session] = field(default_factory=list)
    seminars: list[Seminar] = field(default_factory=list)
    leave_entries: dict[tuple[int, dt.date], tuple[int, ...]] = field(default_factory=dict)
    # Every rule of the program, in the order the model is built: the rules other keys imply
    # (staffing, stints, leave forbidden, requirements, conferences, leave entries), then the
    # typed `rules:` entries.
    rules: list[ProgramRule] = field(default_factory=list)
    leave_rules: list[LeaveEntry] = field(default_factory=list)  # indexed like config.leave
    cases: list[ConferenceCase] = field(default_factory=list)  # the conferences' cases
    duties: list[Duty] = field(default_factory=list)  # every call's duties, by call and date
    digest: str = ""
    _fellow_index: dict[str, int] = field(default_factory=dict, repr=False)
    _rotation_index: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def program(self) -> models.Program:
        return self.config.program

    def fellow_index(self, fellow_id: str) -> int:
        return self._fellow_index[fellow_id]

    def rotation_index(self, rotation_id: str) -> int:
        return self._rotation_index[rotation_id]

    def rotation(self, rotation_id: str) -> models.Rotation:
        return self.config.rotations[rotation_id]

    def rotation_name(self, rotation_id: str) -> str:
        """The rotation's name (its id when there is no such rotation)."""
        rotations = self.config.rotations
        return rotations[rotation_id].name if rotation_id in rotations else rotation_id

    def site_name(self, site_id: str) -> str:
        """The site's name (its id when there is no such site)."""
        sites = self.config.sites
        return sites[site_id].name if site_id in sites else site_id

    def sites_of(self, rotation_id: str) -> list[str]:
        """The sites the rotation is offered at, in the order written (none: it has no sites)."""
        return list(self.config.rotations[rotation_id].sites)

    @property
    def fairness_weight(self) -> int:
        """F of the objective: the weight of the worst-off fellow's wish cost."""
        weight = self.config.program.fairness_weight
        return len(self.fellows) if weight is None else weight

    @property
    def prior_costs(self) -> list[int]:
        """Each fellow's `prior_cost`, by index: counted in the worst-off fellow's cost."""
        return [f.prior_cost for f in self.fellows]

    def wanted_blocks(self, rule) -> list[int]:
        """The blocks a `want` rule looks at: those overlapping its dates (default the year)."""
        first, last = self.blocks[0].start, self.blocks[-1].end
        return self.blocks_overlapping(rule.start or first, rule.end or last)

    @cached_property
    def block_of(self) -> dict[dt.date, int]:
        """The 0-based block of every day of the year."""
        return {day: b.index for b in self.blocks for day in b.days()}

    @cached_property
    def sited(self) -> list[str]:
        """The rotations offered at sites, in the program's order."""
        return [r for r in self.rotations if self.config.rotations[r].sites]

    def inside(self, fellow: int, day: dt.date) -> bool:
        """Whether `day` lies within the fellow's dates in the program."""
        person = self.fellows[fellow]
        return (person.start is None or person.start <= day) and (
            person.end is None or day <= person.end
        )

    def active(self, fellow: int, block: int) -> bool:
        """Whether the fellow is in the program for some day of the block (else they have no
        rotation in it)."""
        block_ = self.blocks[block]
        person = self.fellows[fellow]
        return (person.start is None or person.start <= block_.end) and (
            person.end is None or block_.start <= person.end
        )

    def requirement(self, fellow: int, rotation: str) -> Range | None:
        """The blocks the fellow needs on the rotation: their own count, else the program's."""
        own = self.fellows[fellow].requirements
        return own[rotation] if rotation in own else self.config.requirements.get(rotation)

    def target(self, fellow: int, procedure: str) -> TargetRange | None:
        """The cases of the procedure the fellow should reach: their own, else the program's."""
        own = self.fellows[fellow].targets
        return own[procedure] if procedure in own else self.config.targets.get(procedure)

    def present_days(self, fellow: int, block: int, away: set[dt.date]) -> list[dt.date]:
        """The block's working days the fellow is present: inside their dates, not `away`."""
        return [
            day for day in self.working_days[block] if day not in away and self.inside(fellow, day)
        ]

    def panel_rotations(self, conference: int) -> list[str]:
        """The rotations whose discipline sits on the conference's panel: a presenter on one
        of them (or just off it) presents from current work."""
        panel = self.conferences[conference].panel
        return [r for r, rot in self.config.rotations.items() if rot.discipline in panel]

    @cached_property
    def _sessions_inside(self) -> list[list[int]]:
        """Per conference, per fellow: how many of its sessions lie inside the fellow's dates,
        counted once (presentations is asked for every fellow: counting all of them each time
        took about half a second of L-targets' 3-s model build)."""
        dates = [[s.date for s in self.sessions_of(c)] for c in range(len(self.conferences))]
        return [
            [sum(self.inside(f, d) for d in days) for f in range(len(self.fellows))]
            for days in dates
        ]

    def presentations(self, conference: int, fellow: int) -> tuple[int, int]:
        """How often the fellow presents at the conference, at least and at most: the sessions'
        seats shared in proportion to the sessions inside each fellow's dates (⌊n⌋ or ⌈n⌉ of
        an even share for fellows in the program all year)."""
        inside = self._sessions_inside[conference]
        if not sum(inside):
            return 0, 0
        seats = len(self.sessions_of(conference)) * self.conferences[conference].presenters
        share = Fraction(seats * inside[fellow], sum(inside))
        return math.floor(share), math.ceil(share)

    def counted_from(self, frozen_before: int) -> int:
        """The first block whose cases count as expected when blocks before `frozen_before`
        are frozen: that one when the program keeps case logs (logged cases stand for the
        past), else the first of the year (without case logs, the published past is the best
        account of what the fellows did)."""
        return frozen_before if self.config.case_logs else 0

    @property
    def plans_procedures(self) -> bool:
        """Whether any fellow has a procedure target."""
        return any(isinstance(rule, Target) for rule in self.rules)

    def exposure(self, procedure: str) -> dict[str, int]:
        """Rotation id -> the procedure's cases per 5 working days there, where it has any."""
        return {
            rid: rotation.exposure[procedure]
            for rid, rotation in self.config.rotations.items()
            if rotation.exposure.get(procedure)
        }

    def expected(
        self, fellow: int, procedure: str, row: list[str | None], away: set[dt.date], first: int
    ) -> Fraction:
        """The cases of the procedure the fellow is expected to take part in from block `first`
        on, on the rotations of `row`, being away on the days `away`."""
        rates, total = self.exposure(procedure), Fraction(0)
        for b in range(first, len(self.blocks)):
            rate = rates.get(row[b], 0)
            if rate:
                total += Fraction(rate * len(self.present_days(fellow, b, away)), 5)
        return total

    def logged(self, fellow: int, procedure: str, first: int) -> int:
        """Cases of the procedure the fellow logged before block `first` (the first whose
        cases count as expected; the day after the year if it is past the last)."""
        if first < len(self.blocks):
            before = self.blocks[first].start
        else:
            before = self.blocks[-1].end + dt.timedelta(days=1)
        fid = self.fellows[fellow].id
        return sum(
            row.count
            for row in self.config._logged
            if row.fellow == fid and row.procedure == procedure and row.date < before
        )

    def selected(self, rule: RuleBase) -> list[int]:
        """Indices of the fellows a rule binds, in config order."""
        chosen: set[str]
        if isinstance(rule, SingleFellowRule) and rule.fellow is not None:
            chosen = {rule.fellow}
        elif rule.fellows is None:
            return list(range(len(self.fellows)))
        elif isinstance(rule.fellows, TagSelector):
            wanted = set(rule.fellows.tags)
            chosen = {f.id for f in self.fellows if wanted & set(f.tags)}
        else:
            chosen = set(rule.fellows)
        return [i for i, f in enumerate(self.fellows) if f.id in chosen]

    def blocks_overlapping(self, start: dt.date, end: dt.date) -> list[int]:
        return [b.index for b in self.blocks if b.overlaps(start, end)]

    def selected_ids(self, rule: RuleBase) -> list[str]:
        """The ids of the fellows `rule` binds, in config order."""
        return [self.fellows[f].id for f in self.selected(rule)]

    def blocks_within(self, not_before: dt.date | None, not_after: dt.date | None) -> list[int]:
        """Blocks lying wholly inside not_before..not_after."""
        return [
            b.index
            for b in self.blocks
            if (not_before is None or b.start >= not_before)
            and (not_after is None or b.end <= not_after)
        ]

    def leave_taken(self, granted: tuple[int, ...] = ()) -> list[set[dt.date]]:
        """Per fellow, the days of approved leave and of the granted requests."""
        days: list[set[dt.date]] = [set(d) for d in self.leave_days]
        first, last = self.blocks[0].start, self.blocks[-1].end
        for e in granted:
            entry = self.config.leave[e]
            day = max(entry.start, first)
            while day <= min(entry.end, last):
                days[self.fellow_index(entry.fellow)].add(day)
                day += dt.timedelta(days=1)
        return days

    def leave_ranges(self, f: int, days: AbstractSet[dt.date]) -> list[tuple[dt.date, dt.date]]:
        """Fellow `f`'s leave `days` inside their dates, as runs of consecutive days."""
        person = self.fellows[f]
        first, last = person.start or self.blocks[0].start, person.end or self.blocks[-1].end
        return day_ranges(d for d in days if first <= d <= last)

    def requests(self) -> list[int]:
        """Indices into config.leave of the requested (not yet approved) entries."""
        return [i for i, entry in enumerate(self.config.leave) if entry.requested]

    def on_leave(self, fellow: int, day: dt.date) -> bool:
        return day in self.leave_days[fellow]

    def entries_on(self, fellow: int, day: dt.date) -> tuple[int, ...]:
        """Indices into config.leave of the entries (approved or requested) covering `day`."""
        return self.leave_entries.get((fellow, day), ())

    def entries_in_block(self, fellow: int, block: int) -> list[int]:
        found: set[int] = set()
        for day in self.blocks[block].days():
            found.update(self.entries_on(fellow, day))
        return sorted(found)

    @property
    def faculty(self) -> list[models.Faculty]:
        return self.config.faculty

    @property
    def conferences(self) -> list[models.Conference]:
        return self.config.conferences

    def sessions_of(self, conference: int) -> list[Session]:
        return [s for s in self.sessions if s.conference == conference]

    @property
    def didactics(self) -> list[models.Didactics]:
        return self.config.didactics

    def seminars_of(self, series: int) -> list[Seminar]:
        return [s for s in self.seminars if s.series == series]

    def faculty_index(self, faculty_id: str) -> int:
        return next(i for i, p in enumerate(self.faculty) if p.id == faculty_id)

    def attends(
        self, fellow: int, seminar: Seminar, rotation: str | None, away: set[dt.date]
    ) -> bool:
        """Whether the fellow attends the seminar: inside their dates, not `away` (leave) that
        day, and not on a rotation whose fellows miss the series."""
        series = self.didactics[seminar.series]
        return (
            self.inside(fellow, seminar.date)
            and seminar.date not in away
            and rotation is not None
            and rotation not in series.cannot_attend_on
        )

    def meetings(self, fellow: int, mentor: str, away: set[dt.date]) -> list[Meeting]:
        """The fellow's mentoring meetings: one per period of `every_weeks` weeks from the
        program start that lies wholly inside their dates, on the first meeting weekday that is
        not a holiday and when neither is on leave (`away`) or away."""
        plan = self.config.mentoring.meetings if self.config.mentoring else None
        if plan is None:
            return []
        person = self.faculty[self.faculty_index(mentor)]
        first, last = self.blocks[0].start, self.blocks[-1].end
        weekday = models.WEEKDAYS.index(plan.weekday)
        out, start, period = [], first, 1
        while start <= last:
            end = min(start + dt.timedelta(weeks=plan.every_weeks) - dt.timedelta(days=1), last)
            if self.inside(fellow, start) and self.inside(fellow, end):
                days = [
                    day
                    for day in session_dates(weekday, 1, start, end, self.holidays)
                    if day not in away and person.away_on(day) is None
                ]
                out.append(Meeting(period, start, end, days[0] if days else None))
            start, period = end + dt.timedelta(days=1), period + 1
        return out

    def case(self, ref: str) -> ConferenceCase:
        return next(c for c in self.cases if c.ref == ref)

    def panelists(self, session: Session, discipline: str) -> list[int]:
        """Indices of the faculty of `discipline` who are not away on the session's day."""
        return [
            i
            for i, person in enumerate(self.faculty)
            if person.discipline == discipline and person.away_on(session.date) is None
        ]


def resolve(config: models.Config) -> Problem:
    """Turn a validated Config into a Problem."""
    program = config.program
    blocks = make_blocks(program.start, program.blocks, program.block_length)
    first, last = blocks[0].start, blocks[-1].end
    holidays = frozenset(holiday_dates(program.holidays, first, last))
    fellows = list(config.fellows)
    leave: list[set[dt.date]] = [set() for _ in fellows]
    entries: dict[tuple[int, dt.date], tuple[int, ...]] = {}
    index = {f.id: i for i, f in enumerate(fellows)}
    for e, entry in enumerate(config.leave):
        f = index[entry.fellow]
        day = max(entry.start, first)
        while day <= min(entry.end, last):
            if not entry.requested:
                leave[f].add(day)
            entries[f, day] = (*entries.get((f, day), ()), e)
            day += dt.timedelta(days=1)
    sessions = [Session(*when) for when in _meetings_of(config.conferences, blocks, holidays)]
    seminars = [Seminar(*when) for when in _meetings_of(config.didactics, blocks, holidays)]
    source = config._source or SourceMap()
    rules = [*implied_rules(config, source), *call_rules(config, source), *config.rules]
    problem = Problem(
        config=config,
        blocks=blocks,
        fellows=fellows,
        rotations=list(config.rotations),
        holidays=holidays,
        working_days=[working_days(b, holidays) for b in blocks],
        leave_days=[frozenset(days) for days in leave],
        sessions=sessions,
        seminars=seminars,
        leave_entries=entries,
        rules=rules,
        leave_rules=[rule for rule in rules if isinstance(rule, LeaveEntry)],
        cases=resolve_cases(config, sessions, index),
        duties=make_duties(config.call, blocks),
        digest=config_digest(config),
        _fellow_index=index,
        _rotation_index={r: i for i, r in enumerate(config.rotations)},
    )
    impossible = session_problems(problem)
    if impossible:
        raise ConfigError(impossible)
    return problem


def _meetings_of(
    series: list[models.Series], blocks: list[Block], holidays: frozenset[dt.date]
) -> list[tuple[int, dt.date, int, int]]:
    """(series index, date, 0-based block, 1-based number in the series) of every date a
    conference or seminar series meets in the year."""
    first, last = blocks[0].start, blocks[-1].end
    out = []
    for c, one in enumerate(series):
        skip = set(one.skip) | (set(holidays) if one.skip_holidays else set())
        weekday = models.WEEKDAYS.index(one.weekday)
        for n, day in enumerate(session_dates(weekday, one.every_weeks, first, last, skip)):
            block = next(b.index for b in blocks if b.start <= day <= b.end)
            out.append((c, day, block, n + 1))
    return out


def session_problems(problem: Problem) -> list[ConfigProblem]:
    """Sessions that no schedule can staff, each named by date and reason."""
    source = problem.config._source or SourceMap()
    out = []
    for session in problem.sessions:
        conf = problem.conferences[session.conference]
        path = ("conferences", session.conference)
        for d, discipline in enumerate(conf.panel):
            if problem.panelists(session, discipline):
                continue
            reasons = []
            for person in problem.faculty:
                away = person.away_on(session.date) if person.discipline == discipline else None
                if away is not None:
                    reasons.append(f"{person.id} away {away.start}..{away.end}")
            out.append(
                source.problem(
                    (*path, "panel", d),
                    f"{session.date}: no {discipline} faculty available for {conf.name} — "
                    f"{', '.join(reasons)}, and nobody else; add {discipline} faculty, shorten "
                    f"the away dates or add {session.date} to skip",
                )
            )
        here = [
            f.id for i, f in enumerate(problem.fellows) if not problem.on_leave(i, session.date)
        ]
        if len(here) < conf.presenters:
            out.append(
                source.problem(
                    (*path, "presenters"),
                    f"{session.date}: {conf.presenters} presenter(s) needed for {conf.name} but "
                    f"only {len(here)} fellow(s) are not on leave; add {session.date} to skip",
                )
            )
    return out


def config_digest(config: models.Config) -> str:
    """A digest of the validated config's content (not of its formatting or comments)."""
    text = config.model_dump_json(by_alias=True, exclude={"include"})
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
