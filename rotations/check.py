"""Independent verification of a finished Schedule against every rule.

This is the second statement of what each rule means, written over plain rotation ids and dates
without the solver or any model code. Every solve runs it: a hard violation is a bug."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rotations.config import models
from rotations.problem import Problem
from rotations.schedule import Schedule


@dataclass(frozen=True)
class Violation:
    """One broken rule instance: which rule, whom, when, and what it costs if soft."""

    key: str  # the rule's key path: rules[3], rotations.neurology.stint, requirements.pt ...
    label: str  # how the user knows the rule: its name, or key and type
    kind: str
    hard: bool
    message: str
    fellow: str | None = None
    block: int | None = None  # 1-based
    cost: int = 0

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


def check(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every violated rule instance, hard and soft, in a fixed order."""
    found: list[Violation] = []
    away = problem.leave_taken(schedule.granted_leave)
    problem = _Absences(problem, away)
    for checker in CORE_CHECKERS:
        found += checker(problem, schedule)
    for rule in problem.config.rules:
        found += RULE_CHECKERS[rule.type](rule, problem, schedule)
    return found


class _Absences:
    """The problem as the checker sees it: leave is approved leave plus granted requests."""

    def __init__(self, problem: Problem, away: list[set]) -> None:
        self._problem = problem
        self.leave_days = away

    def __getattr__(self, name: str):
        return getattr(self._problem, name)

    def on_leave(self, fellow: int, day) -> bool:
        return day in self.leave_days[fellow]


def _runs(rotations: list[str], wanted: set[str]) -> Iterator[tuple[int, int]]:
    """(first, last) 0-based block indices of each maximal run on any of `wanted`."""
    start = None
    for b, rid in enumerate([*rotations, None]):
        if rid in wanted and start is None:
            start = b
        elif rid not in wanted and start is not None:
            yield start, b - 1
            start = None


def _ids(problem: Problem, rule: models.RuleBase) -> list[str]:
    return [problem.fellows[i].id for i in problem.selected(rule)]


def _violation(rule: models.RuleBase, message: str, fellow=None, block=None) -> Violation:
    return Violation(
        key=rule.key,
        label=rule.label,
        kind=rule.type,
        hard=rule.hard,
        message=message,
        fellow=fellow,
        block=block + 1 if block is not None else None,
        cost=rule.weight or 0,
    )


def _name(problem: Problem, rid: str) -> str:
    return problem.rotation(rid).name


# --- rules every rotation carries -------------------------------------------------------------


def check_staffing(problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for rid, rotation in problem.config.rotations.items():
        if rotation.staffing is None:
            continue
        lo, hi = rotation.staffing.min, rotation.staffing.max
        key = f"rotations.{rid}.staffing"
        for block in problem.blocks:
            on = [f.id for f in problem.fellows if schedule.rotation_of(f.id, block.index) == rid]
            if hi is not None and len(on) > hi:
                out.append(
                    Violation(
                        key,
                        key,
                        "staffing",
                        True,
                        f"{len(on)} fellows on {rotation.name} in {block}, at most {hi}",
                        block=block.number,
                    )
                )
            for day in problem.working_days[block.index] if lo else []:
                present = [
                    fid for fid in on if not problem.on_leave(problem.fellow_index(fid), day)
                ]
                if len(present) < lo:
                    out.append(
                        Violation(
                            key,
                            key,
                            "staffing",
                            True,
                            f"{len(present)} fellows present on {rotation.name} on {day}, "
                            f"at least {lo}",
                            block=block.number,
                        )
                    )
    return out


def check_stint(problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for rid, rotation in problem.config.rotations.items():
        if rotation.stint is None:
            continue
        lo, hi = rotation.stint.min or 1, rotation.stint.max
        key = f"rotations.{rid}.stint"
        for fellow in problem.fellows:
            for first, last in _runs(schedule.assignments[fellow.id], {rid}):
                length = last - first + 1
                if length < lo or (hi is not None and length > hi):
                    out.append(
                        Violation(
                            key,
                            key,
                            "stint",
                            True,
                            f"{fellow.id} has a {length}-block stint on {rotation.name} "
                            f"(blocks {first + 1}..{last + 1}); "
                            f"{rotation.stint.describe('blocks')} allowed",
                            fellow=fellow.id,
                            block=first + 1,
                        )
                    )
    return out


def check_leave_forbidden(problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for f, fellow in enumerate(problem.fellows):
        for block in problem.blocks:
            rid = schedule.rotation_of(fellow.id, block.index)
            if problem.rotation(rid).leave != "forbidden":
                continue
            days = [d for d in block.days() if d in problem.leave_days[f]]
            if days:
                key = f"rotations.{rid}.leave"
                out.append(
                    Violation(
                        key,
                        key,
                        "leave",
                        True,
                        f"{fellow.id} is on leave {days[0]}..{days[-1]} during {block} "
                        f"on {_name(problem, rid)}, where leave is forbidden",
                        fellow=fellow.id,
                        block=block.number,
                    )
                )
    return out


def check_requirements(problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for rid, count in problem.config.requirements.items():
        key = f"requirements.{rid}"
        for fellow in problem.fellows:
            got = schedule.assignments[fellow.id].count(rid)
            if (count.min is not None and got < count.min) or (
                count.max is not None and got > count.max
            ):
                out.append(
                    Violation(
                        key,
                        key,
                        "requirements",
                        True,
                        f"{fellow.id} has {got} blocks on {_name(problem, rid)}, needs "
                        f"{count.describe('blocks')}",
                        fellow=fellow.id,
                    )
                )
    return out


def check_conferences(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Presenters and panels of every session, re-derived from dates, leave and rotations."""
    out: list[Violation] = []
    fellows = {f.id: i for i, f in enumerate(problem.fellows)}
    faculty = {p.id: p for p in problem.faculty}
    for c, conf in enumerate(problem.conferences):
        key = f"conferences[{c}]"

        def bad(part, message, fellow=None, block=None, cost=0, kind=None, key=key) -> None:
            out.append(
                Violation(
                    f"{key}.{part}",
                    f"{key}.{part}",
                    kind or part,
                    not cost,
                    message,
                    fellow,
                    block,
                    cost,
                )
            )

        counts = dict.fromkeys(fellows, 0)
        dates: dict[str, list] = {fid: [] for fid in fellows}
        loads: dict[str, int] = {p.id: 0 for p in problem.faculty}
        related = {r for r, rot in problem.config.rotations.items() if rot.discipline in conf.panel}
        for session in problem.sessions_of(c):
            day, block = session.date, session.block
            roles = schedule.roles_on(conf.id, day.isoformat())
            presenters = [r.person for r in roles if r.role == "presenter"]
            if len(presenters) != conf.presenters:
                bad(
                    "presenters",
                    f"{day}: {len(presenters)} presenters, needs {conf.presenters}",
                    block=block + 1,
                )
            for fid in presenters:
                counts[fid] += 1
                dates[fid].append(day)
                if problem.on_leave(fellows[fid], day):
                    bad("presenters", f"{day}: {fid} presents while on leave", fid, block + 1)
                rid = schedule.rotation_of(fid, block)
                if rid in conf.no_presenting_on:
                    bad(
                        "no_presenting_on",
                        f"{day}: {fid} presents while on {_name(problem, rid)}",
                        fid,
                        block + 1,
                    )
                recent = {schedule.rotation_of(fid, b) for b in (block - 1, block) if b >= 0}
                if related and conf.relevance_weight and not recent & related:
                    bad(
                        "relevance",
                        f"{day}: {fid} presents while not on (or just off) a "
                        f"rotation of the panel's disciplines",
                        fid,
                        block + 1,
                        cost=conf.relevance_weight,
                    )
            panel = [r for r in roles if r.role == "panel"]
            for discipline in dict.fromkeys(conf.panel):
                seated = [r.person for r in panel if r.discipline == discipline]
                if len(seated) != conf.panel.count(discipline):
                    bad(
                        "panel",
                        f"{day}: {len(seated)} {discipline} panelists, needs "
                        f"{conf.panel.count(discipline)}",
                        block=block + 1,
                    )
                for pid in seated:
                    loads[pid] += 1
                    person = faculty[pid]
                    if person.discipline != discipline or person.away_on(day):
                        bad(
                            "panel",
                            f"{day}: {pid} cannot sit as {discipline} (away or another discipline)",
                            block=block + 1,
                        )
        sessions = len(problem.sessions_of(c))
        if sessions and conf.presenters:
            share = sessions * conf.presenters / len(problem.fellows)
            lo, hi = int(share), -int(-share // 1)
            for fid, n in counts.items():
                if not lo <= n <= hi:
                    bad("spread", f"{fid} presents {n} times, should be {lo} or {hi}", fid)
        gap = dt.timedelta(weeks=conf.min_weeks_between_presentations)
        for fid, days in dates.items():
            for first, second in itertools.pairwise(sorted(days)):
                if second - first < gap:
                    bad(
                        "min_weeks_between_presentations",
                        f"{fid} presents on {first} and again on {second}",
                        fid,
                    )
        for discipline in dict.fromkeys(conf.panel) if conf.balance_weight else []:
            people = [p.id for p in problem.faculty if p.discipline == discipline]
            even = -(-sessions * conf.panel.count(discipline) // len(people))
            excess = max(loads[p] for p in people) - even
            if excess > 0:
                shares = ", ".join(f"{p} {loads[p]}" for p in people)
                bad(
                    "panel_balance",
                    f"{discipline} panel duty is uneven ({shares}; an even "
                    f"share is at most {even})",
                    cost=conf.balance_weight * excess,
                    kind="balance",
                )
    return out


def check_leave_requests(problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for e, entry in enumerate(problem.config.leave):
        if entry.requested and e not in schedule.granted_leave:
            key = f"leave[{e}]"
            out.append(
                Violation(
                    key,
                    key,
                    "leave_request",
                    False,
                    f"{entry.fellow}'s requested leave {entry.start}..{entry.end} was not granted",
                    entry.fellow,
                    None,
                    entry.weight or 1,
                )
            )
    return out


CORE_CHECKERS = (
    check_leave_requests,
    check_staffing,
    check_stint,
    check_leave_forbidden,
    check_requirements,
    check_conferences,
)


# --- typed rules -------------------------------------------------------------------------------


def check_gap(rule: models.Gap, problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        runs = list(_runs(schedule.assignments[fid], {rule.rotation}))
        for (_, end), (start, _) in itertools.pairwise(runs):
            if start - end - 1 < rule.min_blocks:
                out.append(
                    _violation(
                        rule,
                        f"{fid}: only {start - end - 1} block(s) between "
                        f"{_name(problem, rule.rotation)} stints ending in block {end + 1} "
                        f"and starting in block {start + 1}",
                        fid,
                        end,
                    )
                )
    return out


def check_before(rule: models.Before, problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        rots = schedule.assignments[fid]
        firsts = [b for b, r in enumerate(rots) if r == rule.first]
        thens = [b for b, r in enumerate(rots) if r == rule.then]
        if firsts and thens and max(firsts) > min(thens):
            out.append(
                _violation(
                    rule,
                    f"{fid} is on {_name(problem, rule.then)} in block "
                    f"{min(thens) + 1} before {_name(problem, rule.first)} in block "
                    f"{max(firsts) + 1}",
                    fid,
                )
            )
    return out


def check_window(rule: models.Window, problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        for block in problem.blocks:
            if schedule.rotation_of(fid, block.index) != rule.rotation:
                continue
            early = rule.not_before is not None and block.start < rule.not_before
            late = rule.not_after is not None and block.end > rule.not_after
            if early or late:
                out.append(
                    _violation(
                        rule,
                        f"{fid} is on {_name(problem, rule.rotation)} in {block}, "
                        f"outside {rule.not_before or '…'}..{rule.not_after or '…'}",
                        fid,
                        block.index,
                    )
                )
    return out


def check_max_consecutive(
    rule: models.MaxConsecutive, problem: Problem, schedule: Schedule
) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        for first, last in _runs(schedule.assignments[fid], set(rule.rotations)):
            # One violation per window of blocks+1 blocks inside an over-long run.
            for start in range(first, last - rule.blocks + 1):
                out.append(
                    _violation(
                        rule,
                        f"{fid} has {last - first + 1} consecutive blocks "
                        f"({first + 1}..{last + 1}), at most {rule.blocks}",
                        fid,
                        start,
                    )
                )
    return out


def check_forbid_sequence(
    rule: models.ForbidSequence, problem: Problem, schedule: Schedule
) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        rots = schedule.assignments[fid]
        for b in range(len(rots) - 1):
            if rots[b] == rule.from_ and rots[b + 1] == rule.to:
                out.append(
                    _violation(
                        rule,
                        f"{fid} goes from {_name(problem, rule.from_)} in block "
                        f"{b + 1} straight to {_name(problem, rule.to)}",
                        fid,
                        b,
                    )
                )
    return out


def check_max_concurrent_leave(
    rule: models.MaxConcurrentLeave, problem: Problem, schedule: Schedule
) -> list[Violation]:
    out = []
    ids = _ids(problem, rule)
    for block in problem.blocks:
        for day in block.days():
            if day.weekday() >= 5 or day in problem.holidays:
                continue
            away = [fid for fid in ids if problem.on_leave(problem.fellow_index(fid), day)]
            if len(away) > rule.max:
                out.append(
                    _violation(
                        rule,
                        f"{len(away)} fellows on leave on {day} "
                        f"({', '.join(away)}), at most {rule.max}",
                        None,
                        block.index,
                    )
                )
    return out


def check_pin(rule: models.Pin, problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        for number in rule.blocks:
            got = schedule.rotation_of(fid, number - 1)
            if got != rule.rotation:
                out.append(
                    _violation(
                        rule,
                        f"{fid} is on {_name(problem, got)} in block {number}, "
                        f"pinned to {_name(problem, rule.rotation)}",
                        fid,
                        number - 1,
                    )
                )
    return out


def check_apart(rule: models.Apart, problem: Problem, schedule: Schedule) -> list[Violation]:
    out = []
    ids = _ids(problem, rule)
    for block in problem.blocks:
        together = [fid for fid in ids if schedule.rotation_of(fid, block.index) == rule.rotation]
        if len(together) > 1:
            out.append(
                _violation(
                    rule,
                    f"{' and '.join(together)} are together on "
                    f"{_name(problem, rule.rotation)} in {block}",
                    None,
                    block.index,
                )
            )
    return out


def _wish(rule: models.Wish, problem: Problem, schedule: Schedule, want: bool) -> list[Violation]:
    out = []
    for fid in _ids(problem, rule):
        for block in problem.blocks:
            if not block.overlaps(rule.start, rule.end):
                continue
            got = schedule.rotation_of(fid, block.index)
            if (got == rule.rotation) != want:
                verb = "not on" if want else "on"
                out.append(
                    _violation(
                        rule,
                        f"{fid} is {verb} {_name(problem, rule.rotation)} in {block}",
                        fid,
                        block.index,
                    )
                )
    return out


def check_prefer(rule: models.Prefer, problem: Problem, schedule: Schedule) -> list[Violation]:
    return _wish(rule, problem, schedule, want=True)


def check_avoid(rule: models.Avoid, problem: Problem, schedule: Schedule) -> list[Violation]:
    return _wish(rule, problem, schedule, want=False)


RULE_CHECKERS: dict[str, Callable] = {
    "gap": check_gap,
    "before": check_before,
    "window": check_window,
    "max_consecutive": check_max_consecutive,
    "forbid_sequence": check_forbid_sequence,
    "max_concurrent_leave": check_max_concurrent_leave,
    "pin": check_pin,
    "apart": check_apart,
    "prefer": check_prefer,
    "avoid": check_avoid,
}
