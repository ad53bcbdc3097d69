"""The rules a program's other keys imply, as rule objects with the interface of `rules:`
entries: a rotation's `staffing`, `stint` and `leave: forbidden`, each `requirements` entry,
each leave entry (approved leave stands; requested leave is a wish), and the parts of a case
conference. Their key path is their identity (`rotations.acute.staffing`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from rotations.config import models
from rotations.config.rules import RuleBase
from rotations.config.source import Path_, Position, SourceMap, format_path
from rotations.config.types import Group, Range, TargetRange

if TYPE_CHECKING:
    from rotations.problem import Problem


@dataclass(frozen=True)
class Implied:
    """What every implied rule has: where it was written, and the rule interface."""

    position: Position | None = field(default=None, compare=False, kw_only=True)
    type: ClassVar[str]
    name: ClassVar[str | None] = None
    wish: ClassVar[bool] = False

    @property
    def path(self) -> Path_:
        raise NotImplementedError

    @cached_property
    def key(self) -> str:
        return format_path(self.path)

    @property
    def label(self) -> str:
        return self.key

    @property
    def weight(self) -> int | None:
        return None

    @property
    def hard(self) -> bool:
        return self.weight is None

    def describe(self, problem: Problem) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Staffing(Implied):
    """At most `max` fellows on the rotation in a block; at least `min` present every working
    day of it."""

    rotation: str
    count: Range
    type: ClassVar[str] = "staffing"
    example: ClassVar[dict] = {"rotations": {"procedures": {"staffing": {"min": 2, "max": 3}}}}

    @property
    def path(self) -> Path_:
        return ("rotations", self.rotation, "staffing")

    def describe(self, problem: Problem) -> str:
        parts = []
        if self.count.min:
            parts.append(f"at least {self.count.min} present every working day")
        if self.count.max is not None:
            parts.append(f"at most {self.count.max} per block")
        return f"{problem.rotation(self.rotation).name}: {' and '.join(parts)}"


@dataclass(frozen=True)
class Stint(Implied):
    """Every run of consecutive blocks on the rotation lasts `min`..`max` blocks."""

    rotation: str
    count: Range
    type: ClassVar[str] = "stint"
    example: ClassVar[dict] = {"rotations": {"procedures": {"stint": {"min": 2, "max": 4}}}}

    @property
    def path(self) -> Path_:
        return ("rotations", self.rotation, "stint")

    def describe(self, problem: Problem) -> str:
        name = problem.rotation(self.rotation).name
        return f"every stint on {name} lasts {self.count.describe('blocks')}"


@dataclass(frozen=True)
class LeaveForbidden(Implied):
    """No leave day falls in a block on the rotation."""

    rotation: str
    type: ClassVar[str] = "leave"
    example: ClassVar[dict] = {"rotations": {"acute": {"leave": "forbidden"}}}

    @property
    def path(self) -> Path_:
        return ("rotations", self.rotation, "leave")

    def describe(self, problem: Problem) -> str:
        return f"no leave during {problem.rotation(self.rotation).name} blocks"


def _own_path(fellow: int | None, key: str, entry: str) -> Path_:
    """Where a program's entry (`requirements.neurology`) or a fellow's own one is written."""
    return (key, entry) if fellow is None else ("fellows", fellow, key, entry)


def _binds(problem: Problem, fellow: int | None, key: str, entry: str) -> list[int]:
    """The fellows an entry of `key` binds: its own fellow, or every fellow without an entry of
    their own there (a fellow's own replaces the program's, key by key)."""
    if fellow is not None:
        return [fellow]
    return [f for f, person in enumerate(problem.fellows) if entry not in getattr(person, key)]


@dataclass(frozen=True)
class Requirement(Implied):
    """Every fellow spends `min`..`max` blocks of the year on the rotation (a fellow's own
    requirement, `fellows[i].requirements`, replaces the program's for them)."""

    rotation: str
    count: Range
    fellow: int | None = None  # a fellow's own requirement
    type: ClassVar[str] = "requirements"
    example: ClassVar[dict] = {"requirements": {"neurology": 2}}

    @property
    def path(self) -> Path_:
        return _own_path(self.fellow, "requirements", self.rotation)

    def bound(self, problem: Problem) -> list[int]:
        """The fellows it binds: its own fellow, or every fellow without a count of their own."""
        return _binds(problem, self.fellow, "requirements", self.rotation)

    def describe(self, problem: Problem) -> str:
        name = problem.rotation(self.rotation).name
        if self.fellow is not None:
            fid = problem.fellows[self.fellow].id
            return f"{fid} needs {self.count.describe('blocks')} of {name}"
        return f"every fellow needs {self.count.describe('blocks')} of {name}"


@dataclass(frozen=True)
class GroupRequirement(Implied):
    """Every fellow takes `count` of the rotations `any_of`, spending at least one block on each
    (a fellow's own group of the same id replaces the program's for them)."""

    group: str
    any_of: tuple[str, ...]
    count: Range
    fellow: int | None = None
    type: ClassVar[str] = "requirements"
    example: ClassVar[dict] = {
        "requirements": {
            "electives": {"any_of": ["palliative", "psychiatry", "research"], "count": 2}
        }
    }

    @property
    def path(self) -> Path_:
        return _own_path(self.fellow, "requirements", self.group)

    def bound(self, problem: Problem) -> list[int]:
        """The fellows it binds: its own fellow, or every fellow without a group of their own."""
        return _binds(problem, self.fellow, "requirements", self.group)

    def describe(self, problem: Problem) -> str:
        names = ", ".join(problem.rotation(r).name for r in self.any_of)
        whom = "every fellow" if self.fellow is None else problem.fellows[self.fellow].id
        return f"{whom} takes {self.count.describe('rotations')} of {names}"


@dataclass(frozen=True)
class SiteStaffing(Implied):
    """Between `min` and `max` fellows on the rotation at the site in every block (a block's own
    count, `blocks.<n>`, replaces it there); a fellow on the rotation is at one of its sites,
    the same for a whole run of consecutive blocks (the rotation's first site says so)."""

    rotation: str
    site: str
    count: Range | None
    blocks: tuple[tuple[int, Range], ...] = ()  # (0-based block, count)
    type: ClassVar[str] = "sites"
    example: ClassVar[dict] = {
        "rotations": {
            "neurology": {
                "sites": {
                    "va": {"staffing": {"max": 2}, "blocks": {1: 0}},
                    "univ": {"staffing": {"min": 1, "max": 3}},
                }
            }
        }
    }

    @property
    def path(self) -> Path_:
        return ("rotations", self.rotation, "sites", self.site)

    def count_in(self, block: int) -> Range | None:
        return dict(self.blocks).get(block, self.count)

    def describe(self, problem: Problem) -> str:
        name, site = problem.rotation(self.rotation).name, problem.site_name(self.site)
        parts = []
        if self.count is not None:
            parts.append(f"{self.count.describe('fellows')} in every block")
        parts += [f"{c.describe('fellows')} in block {b + 1}" for b, c in self.blocks]
        return f"{name} at {site}: " + (", ".join(parts) or "offered")


@dataclass(frozen=True)
class SiteLimit(Implied):
    """No fellow spends more than `max_blocks` blocks at the site."""

    site: str
    max_blocks: int
    type: ClassVar[str] = "sites"
    example: ClassVar[dict] = {"sites": {"va": {"name": "VA Medical Center", "max_blocks": 8}}}

    @property
    def path(self) -> Path_:
        return ("sites", self.site, "max_blocks")

    def describe(self, problem: Problem) -> str:
        return f"at most {self.max_blocks} blocks at {problem.site_name(self.site)} per fellow"


@dataclass(frozen=True)
class Allowed(Implied):
    """The fellow is only on the rotations (and sites) of `fellows[i].allowed`."""

    fellow: int
    allowed: tuple[str, ...]
    type: ClassVar[str] = "allowed"
    example: ClassVar[dict] = {
        "fellows": [{"id": "ana", "name": "Ana", "allowed": ["procedures", "neurology"]}]
    }

    @property
    def path(self) -> Path_:
        return ("fellows", self.fellow, "allowed")

    def permits(self, rotation: str, site: str | None = None) -> bool:
        return rotation in self.allowed or (
            site is not None and f"{rotation}@{site}" in self.allowed
        )

    def describe(self, problem: Problem) -> str:
        return f"{problem.fellows[self.fellow].id} only on {', '.join(self.allowed)}"


@dataclass(frozen=True)
class Target(Implied):
    """The cases of a procedure a fellow reaches by the end of the program: logged cases plus
    the cases expected on their rotations (exposure × present working days ÷ 5). Hard, or soft
    at `weight` per missing case (then the fairness term counts shortfalls like unmet wishes).
    A fellow's own target (`fellows[i].targets`) replaces the program's for them."""

    procedure: str
    target: TargetRange
    fellow: int | None = None  # a fellow's own target
    type: ClassVar[str] = "target"
    example: ClassVar[dict] = {
        "procedures": {"esi": {"name": "Epidural steroid injections"}},
        "rotations": {"procedures": {"exposure": {"esi": 8}}},
        "targets": {"esi": {"min": 40, "weight": 10}},
    }

    @property
    def path(self) -> Path_:
        return _own_path(self.fellow, "targets", self.procedure)

    @property
    def weight(self) -> int | None:
        return self.target.weight

    @property
    def wish(self) -> bool:  # type: ignore[override]
        return self.target.weight is not None

    def bound(self, problem: Problem) -> list[int]:
        """The fellows it binds: its own fellow, or every fellow without a target of their own."""
        return _binds(problem, self.fellow, "targets", self.procedure)

    def describe(self, problem: Problem) -> str:
        name = problem.config.procedures[self.procedure].name
        who = problem.fellows[self.fellow].id if self.fellow is not None else "every fellow"
        return f"{who} reaches {self.target.min} {name} cases by the end of the program"


@dataclass(frozen=True)
class LeaveEntry(Implied):
    """A leave entry: approved leave stands (a hard fact), a request is granted or denied at
    its weight."""

    index: int
    entry: models.Leave
    type: ClassVar[str] = "leave_request"
    example: ClassVar[dict] = {
        "leave": [
            {
                "fellow": "ana",
                "start": "2027-12-20",
                "end": "2027-12-31",
                "weight": 2,
                "requested": True,
            }
        ]
    }

    @property
    def path(self) -> Path_:
        return ("leave", self.index)

    @property
    def requested(self) -> bool:
        return self.entry.requested

    @property
    def weight(self) -> int | None:
        return (self.entry.weight or 1) if self.entry.requested else None

    def describe(self, problem: Problem) -> str:
        entry = self.entry
        why = f" ({entry.reason})" if entry.reason else ""
        return f"{entry.fellow} on leave {entry.start}..{entry.end}{why}"


@dataclass(frozen=True)
class ConferencePart(Implied):
    """One of the rules a case conference carries (`part`: presenters, no_presenting_on,
    spread, min_weeks_between_presentations, relevance, panel, panel_balance)."""

    conference: int
    part: str
    cost: int | None = None  # the weight of a soft part

    @property
    def path(self) -> Path_:
        return ("conferences", self.conference, self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        return "balance" if self.part == "panel_balance" else self.part

    @property
    def weight(self) -> int | None:
        return self.cost

    def describe(self, problem: Problem) -> str:
        conf = problem.conferences[self.conference]
        sessions = len(problem.sessions_of(self.conference))
        n = sessions * conf.presenters / len(problem.fellows)
        return {
            "presenters": f"{conf.presenters} presenter(s) at each of {sessions} sessions of "
            f"{conf.name}",
            "no_presenting_on": f"nobody on {', '.join(conf.no_presenting_on)} presents",
            "spread": f"every fellow presents {math.floor(n)} or {math.ceil(n)} times",
            "min_weeks_between_presentations": f"at least {conf.min_weeks_between_presentations} "
            "weeks between two presentations by the same fellow",
            "relevance": "each presenter is on (or just off) a rotation whose discipline sits "
            "on the panel",
            "panel": f"one available faculty member per discipline ({', '.join(conf.panel)}) "
            "at every session",
            "panel_balance": "panel duty shared evenly within each discipline",
        }[self.part]


@dataclass(frozen=True)
class ConferenceRules(Implied):
    """A case conference: presenters and a faculty panel at every session, built and checked
    together (its parts share the presenter and panel variables)."""

    conference: int
    parts: dict[str, ConferencePart] = field(compare=False, hash=False)
    type: ClassVar[str] = "conference"
    example: ClassVar[dict] = {
        "conferences": [
            {
                "id": "mdcc",
                "name": "Case Conference",
                "weekday": "thursday",
                "time": "07:00",
                "presenters": 1,
                "panel": ["neurology"],
            }
        ]
    }

    @property
    def path(self) -> Path_:
        return ("conferences", self.conference)

    def describe(self, problem: Problem) -> str:
        return f"the sessions of {problem.conferences[self.conference].name}"


@dataclass(frozen=True)
class DidacticsPart(Implied):
    """One of the rules a seminar series carries (`part`: teachers, cannot_attend_on,
    attendance, teaching_balance)."""

    series: int
    part: str
    cost: int | None = None  # the weight of a soft part

    @property
    def path(self) -> Path_:
        if self.part == "teachers":
            return ("didactics", self.series, "topics")
        return ("didactics", self.series, self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.part

    @property
    def weight(self) -> int | None:
        return self.cost

    def describe(self, problem: Problem) -> str:
        series = problem.config.didactics[self.series]
        times = series.attendance.times
        return {
            "teachers": f"each session of {series.name} is taught by one of its topic's "
            "teachers, on a day they are not away",
            "cannot_attend_on": f"fellows on {', '.join(series.cannot_attend_on)} miss "
            f"{series.name}",
            "attendance": f"every fellow attends every topic of {series.name} "
            + ("once" if times == 1 else f"{times} times"),
            "teaching_balance": f"the topics of {series.name} held evenly over its dates, and "
            "each taught evenly by its teachers",
        }[self.part]


@dataclass(frozen=True)
class DidacticsRules(Implied):
    """A seminar series: a topic (or none) and a teacher at every session date, so that every
    fellow attends every topic; built and checked together (the parts share the variables)."""

    series: int
    parts: dict[str, DidacticsPart] = field(compare=False, hash=False)
    type: ClassVar[str] = "didactics"
    example: ClassVar[dict] = {
        "didactics": [
            {
                "id": "pharm",
                "name": "Pharmacology Seminar",
                "weekday": "tuesday",
                "time": "12:00",
                "topics": [{"id": "opioids", "name": "Opioids", "teachers": ["lee"]}],
                "cannot_attend_on": ["acute"],
            }
        ]
    }

    @property
    def path(self) -> Path_:
        return ("didactics", self.series)

    def describe(self, problem: Problem) -> str:
        return f"the sessions of {problem.config.didactics[self.series].name}"


DIDACTICS_PARTS = ("teachers", "cannot_attend_on", "attendance", "teaching_balance")


@dataclass(frozen=True)
class MentoringPart(Implied):
    """One of the rules of mentoring: `mentors` (one each, at most `max_mentees` per mentor),
    `other_discipline` (soft), or a fellow's wish (`wish_index`)."""

    part: str  # mentors | other_discipline | wishes
    cost: int | None = None
    wish_index: int | None = None  # which of mentoring.wishes
    fellow: int | None = None  # a wish's fellow

    @property
    def path(self) -> Path_:
        if self.part == "wishes":
            return ("mentoring", "wishes", self.wish_index)
        return ("mentoring", self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        return {"wishes": "mentor_wish"}.get(self.part, self.part)

    @property
    def weight(self) -> int | None:
        return self.cost

    @property
    def wish(self) -> bool:  # type: ignore[override]
        return self.part == "wishes"

    def describe(self, problem: Problem) -> str:
        mentoring = problem.config.mentoring
        if self.part == "wishes":
            wish = mentoring.wishes[self.wish_index]
            return f"{wish.fellow} is mentored by {wish.mentor}"
        if self.part == "other_discipline":
            return "every fellow's mentor is of a discipline outside the fellow's tags"
        most = mentoring.max_mentees
        limit = "" if most is None else f", at most {most} fellow(s) each"
        return f"every fellow has one mentor from {', '.join(mentoring.mentors)}{limit}"


@dataclass(frozen=True)
class MentoringRules(Implied):
    """Mentoring: a mentor for every fellow, who gets the wishes and the other-discipline
    preference as far as they go; built and checked together (they share the variables)."""

    parts: dict[str, MentoringPart] = field(compare=False, hash=False)
    type: ClassVar[str] = "mentoring"
    example: ClassVar[dict] = {
        "mentoring": {
            "mentors": ["lee", "shah"],
            "max_mentees": 2,
            "other_discipline": {"weight": 2},
            "wishes": [{"fellow": "ana", "mentor": "lee", "weight": 3}],
        }
    }

    @property
    def path(self) -> Path_:
        return ("mentoring",)

    def describe(self, problem: Problem) -> str:
        return "mentoring"


@dataclass(frozen=True)
class CaseRule(Implied):
    """One case of `cases:`: discussed at one session of its conference between its
    submission and its due date, before a panel with every discipline it needs, presented by
    its fellow; a case not discussed costs `cost` (the conference's unplaced_weight × its
    priority). Its identity is its reference (`cases.C-014`), its position its row."""

    ref: str
    cost: int
    type: ClassVar[str] = "case"

    @property
    def path(self) -> Path_:
        return ("cases", self.ref)

    @property
    def label(self) -> str:
        return f"case {self.ref}"

    @property
    def weight(self) -> int | None:
        return self.cost

    def describe(self, problem: Problem) -> str:
        case = problem.case(self.ref)
        needs = f" before {', '.join(case.needs)}" if case.needs else ""
        by = f", presented by {case.presenter_id}" if case.presenter_id else ""
        return f"case {self.ref} discussed {case.submitted}..{case.due}{needs}{by}"


@dataclass(frozen=True)
class AgendaPart(Implied):
    """A soft rule of a conference's agenda (`part`: waiting_weight, case_load_weight)."""

    conference: int
    part: str
    cost: int

    @property
    def path(self) -> Path_:
        return ("conferences", self.conference, self.part)

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.part.removesuffix("_weight")

    @property
    def weight(self) -> int | None:
        return self.cost

    def describe(self, problem: Problem) -> str:
        name = problem.conferences[self.conference].name
        if self.part == "waiting_weight":
            return f"the cases of {name} discussed soon after their submission, urgent first"
        return f"the cases of {name} that name no presenter shared evenly among the fellows"


@dataclass(frozen=True)
class Agenda(Implied):
    """The cases of the case conferences: each discussed at one session, within the session's
    case minutes, with the panel it needs and its presenter; built and checked together (the
    cases share the sessions' minutes, presenters and panels)."""

    parts: dict[str, CaseRule | AgendaPart] = field(compare=False, hash=False)
    type: ClassVar[str] = "agenda"
    example: ClassVar[dict] = {
        "conferences": [
            {
                "id": "mdcc",
                "name": "Case Conference",
                "weekday": "thursday",
                "time": "07:00",
                "presenters": 1,
                "case_minutes": 45,
            }
        ],
        "case_types": {"headache": {"name": "Refractory headache", "needs": ["neurology"]}},
        "cases": [
            {
                "case": "C-001",
                "type": "headache",
                "submitted": "2027-07-05",
                "due": "2027-07-30",
                "minutes": 20,
            }
        ],
    }

    @property
    def path(self) -> Path_:
        return ("cases",)

    def of_case(self, ref: str) -> CaseRule:
        return self.parts[format_path(("cases", ref))]  # a case's key is its path

    def of_conference(self, conference: int, part: str) -> AgendaPart | None:
        """The conference's soft part (waiting_weight, case_load_weight), None if weighed 0."""
        return next(
            (
                p
                for p in self.parts.values()
                if isinstance(p, AgendaPart) and (p.conference, p.part) == (conference, part)
            ),
            None,
        )

    def describe(self, problem: Problem) -> str:
        return f"the agenda of {len(problem.cases)} case(s)"


CONFERENCE_PARTS = (
    "presenters",
    "no_presenting_on",
    "spread",
    "min_weeks_between_presentations",
    "relevance",
    "panel",
    "panel_balance",
)


def implied_rules(config: models.Config, source: SourceMap) -> list[Implied]:
    """Every implied rule, in the order the model is built: staffing, stints, leave forbidden,
    requirements, conferences, seminar series, mentoring, leave entries, targets."""

    def at(rule: Implied) -> Implied:
        object.__setattr__(rule, "position", source.find(rule.path))
        return rule

    rotations = config.rotations.items()
    out: list[Implied] = [at(Staffing(r, rot.staffing)) for r, rot in rotations if rot.staffing]
    out += [at(Stint(r, rot.stint)) for r, rot in rotations if rot.stint]
    out += [at(LeaveForbidden(r)) for r, rot in rotations if rot.leave == "forbidden"]
    for r, rot in rotations:
        for s, there in rot.sites.items():
            by_block = tuple(sorted((n - 1, c) for n, c in there.blocks.items()))
            out.append(at(SiteStaffing(r, s, there.staffing, by_block)))
    out += [
        at(SiteLimit(s, site.max_blocks)) for s, site in config.sites.items() if site.max_blocks
    ]
    out += [at(_requirement(r, count)) for r, count in config.requirements.items()]
    out += [
        at(_requirement(r, count, f))
        for f, fellow in enumerate(config.fellows)
        for r, count in fellow.requirements.items()
    ]
    out += [at(Allowed(f, tuple(p.allowed))) for f, p in enumerate(config.fellows) if p.allowed]
    for c, conf in enumerate(config.conferences):
        costs = {"relevance": conf.relevance_weight, "panel_balance": conf.balance_weight}
        parts = {part: at(ConferencePart(c, part, costs.get(part))) for part in CONFERENCE_PARTS}
        out.append(at(ConferenceRules(c, parts)))
    for d, series in enumerate(config.didactics):
        costs = {"attendance": series.attendance.weight, "teaching_balance": series.balance_weight}
        parts = {part: at(DidacticsPart(d, part, costs.get(part))) for part in DIDACTICS_PARTS}
        out.append(at(DidacticsRules(d, parts)))
    if config.mentoring is not None:
        out.append(at(_mentoring(config, at)))
    if config._cases:
        out.append(at(_agenda(config, at)))
    out += [at(LeaveEntry(e, entry)) for e, entry in enumerate(config.leave)]
    out += [at(Target(p, target)) for p, target in config.targets.items()]
    out += [
        at(Target(p, target, f))
        for f, fellow in enumerate(config.fellows)
        for p, target in fellow.targets.items()
    ]
    return out


def _requirement(key: str, value: Range | Group, fellow: int | None = None) -> Implied:
    if isinstance(value, Group):
        return GroupRequirement(key, tuple(dict.fromkeys(value.any_of)), value.count, fellow)
    return Requirement(key, value, fellow)


def _mentoring(config: models.Config, at: Callable[[Implied], Implied]) -> MentoringRules:
    """Mentoring's rules, each at its position (`at`)."""
    mentoring = config.mentoring
    index = {f.id: i for i, f in enumerate(config.fellows)}
    parts = [MentoringPart("mentors")]
    if mentoring.other_discipline is not None:
        parts.append(MentoringPart("other_discipline", mentoring.other_discipline.weight))
    parts += [
        MentoringPart("wishes", wish.weight, j, index[wish.fellow])
        for j, wish in enumerate(mentoring.wishes)
    ]
    return MentoringRules({part.key: at(part) for part in parts})


def _agenda(config: models.Config, at: Callable[[Implied], Implied]) -> Agenda:
    """The agenda's rules: each case at its row, each conference's soft parts at their keys."""
    parts: dict[str, CaseRule | AgendaPart] = {}
    for written in config._cases:
        case = written.case
        allowed = [c for c in config.conferences if case.conference in (None, c.id)]
        cost = max(c.unplaced_weight for c in allowed) * case.priority
        rule = CaseRule(case.case, cost, position=written.position)
        parts[rule.key] = rule
    for c, conf in enumerate(config.conferences):
        for name in ("waiting_weight", "case_load_weight"):
            if getattr(conf, name):
                part = at(AgendaPart(c, name, getattr(conf, name)))
                parts[part.key] = part
    return Agenda(parts)


# Any rule of a program: a typed `rules:` entry or a rule another key implies.
ProgramRule = RuleBase | Implied
# The implied rule types (ConferencePart is part of ConferenceRules, built and checked with it).
IMPLIED_CLASSES: tuple[type[Implied], ...] = (
    Staffing,
    Stint,
    LeaveForbidden,
    Requirement,
    GroupRequirement,
    SiteStaffing,
    SiteLimit,
    Allowed,
    ConferenceRules,
    DidacticsRules,
    MentoringRules,
    Agenda,
    LeaveEntry,
    Target,
)
