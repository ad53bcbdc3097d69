"""Checks of a case conference, part by part, re-derived from its roster, dates, leave and the
rotations (mirrors rotations/model/rules/conferences.py)."""

from __future__ import annotations

import datetime as dt
import itertools

from rotations.check.violations import broken
from rotations.implied import ConferenceRules
from rotations.problem import Problem, Session
from rotations.schedule import Role, Schedule, Violation


def check_conference(
    rule: ConferenceRules, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """Every part of the conference: who presents and how often, and its panels."""
    sessions = [
        (
            session,
            schedule.roles_on(problem.conferences[rule.conference].id, session.date.isoformat()),
        )
        for session in problem.sessions_of(rule.conference)
    ]
    return [
        *_presenters(rule, problem, schedule, sessions),
        *_no_presenting_on(rule, problem, schedule, sessions),
        *_relevance(rule, problem, schedule, sessions),
        *_panel(rule, problem, sessions),
        *_spread(rule, problem, sessions),
        *_min_weeks(rule, problem, sessions),
        *_balance(rule, problem, sessions),
    ]


Roster = list[tuple[Session, list[Role]]]


def _presenting(roles: list[Role]) -> list[str]:
    return [r.person for r in roles if r.role == "presenter"]


def _presenters(rule, problem: Problem, schedule: Schedule, sessions: Roster) -> list[Violation]:
    """Exactly `presenters` at each session, none of them on leave that day."""
    conf, part, out = problem.conferences[rule.conference], rule.parts["presenters"], []
    away = problem.leave_taken(schedule.granted_leave)
    for session, roles in sessions:
        day, block = session.date, session.block
        presenters = _presenting(roles)
        if len(presenters) != conf.presenters:
            message = f"{day}: {len(presenters)} presenters, needs {conf.presenters}"
            out.append(broken(part, message, None, block))
        for fid in presenters:
            if day in away[problem.fellow_index(fid)]:
                out.append(broken(part, f"{day}: {fid} presents while on leave", fid, block))
            if not problem.inside(problem.fellow_index(fid), day):
                message = f"{day}: {fid} presents outside their dates in the program"
                out.append(broken(part, message, fid, block))
    return out


def _no_presenting_on(rule, problem: Problem, schedule: Schedule, sessions: Roster):
    """Nobody presents from a `no_presenting_on` rotation."""
    conf, part, out = problem.conferences[rule.conference], rule.parts["no_presenting_on"], []
    for session, roles in sessions:
        for fid in _presenting(roles):
            rid = schedule.rotation_of(fid, session.block)
            if rid in conf.no_presenting_on:
                message = f"{session.date}: {fid} presents while on {problem.rotation(rid).name}"
                out.append(broken(part, message, fid, session.block))
    return out


def _relevance(rule, problem: Problem, schedule: Schedule, sessions: Roster):
    """Soft: a presenter is on, or just off, a rotation whose discipline sits on the panel."""
    conf, part, out = problem.conferences[rule.conference], rule.parts["relevance"], []
    related = set(problem.panel_rotations(rule.conference))
    if not related or not conf.relevance_weight:
        return out
    for session, roles in sessions:
        block = session.block
        for fid in _presenting(roles):
            recent = {schedule.rotation_of(fid, b) for b in (block - 1, block) if b >= 0}
            if not recent & related:
                message = (
                    f"{session.date}: {fid} presents while not on (or just off) a rotation of "
                    "the panel's disciplines"
                )
                out.append(broken(part, message, fid, block))
    return out


def _panel(rule, problem: Problem, sessions: Roster) -> list[Violation]:
    """One faculty member per seat, of the seat's discipline and not away."""
    conf, part, out = problem.conferences[rule.conference], rule.parts["panel"], []
    faculty = {p.id: p for p in problem.faculty}
    for session, roles in sessions:
        day = session.date
        for discipline in dict.fromkeys(conf.panel):
            seated = [r.person for r in roles if r.role == "panel" and r.discipline == discipline]
            seats = conf.panel.count(discipline)
            if len(seated) != seats:
                message = f"{day}: {len(seated)} {discipline} panelists, needs {seats}"
                out.append(broken(part, message, None, session.block))
            for pid in seated:
                if faculty[pid].discipline != discipline or faculty[pid].away_on(day):
                    message = (
                        f"{day}: {pid} cannot sit as {discipline} (away or another discipline)"
                    )
                    out.append(broken(part, message, None, session.block))
    return out


def _spread(rule, problem: Problem, sessions: Roster) -> list[Violation]:
    """Every fellow presents ⌊n⌋ or ⌈n⌉ times, n = sessions × presenters / fellows (an
    off-cycle fellow in proportion to the sessions inside their dates)."""
    conf, part = problem.conferences[rule.conference], rule.parts["spread"]
    if not sessions or not conf.presenters:
        return []
    counts = {f.id: 0 for f in problem.fellows}
    for _, roles in sessions:
        for fid in _presenting(roles):
            counts[fid] += 1
    out = []
    for f, (fid, n) in enumerate(counts.items()):
        lo, hi = problem.presentations(rule.conference, f)
        if not lo <= n <= hi:
            out.append(broken(part, f"{fid} presents {n} times, should be {lo} or {hi}", fid))
    return out


def _min_weeks(rule, problem: Problem, sessions: Roster) -> list[Violation]:
    """Two presentations by one fellow at least `min_weeks_between_presentations` apart."""
    conf, part = problem.conferences[rule.conference], rule.parts["min_weeks_between_presentations"]
    gap = dt.timedelta(weeks=conf.min_weeks_between_presentations)
    dates: dict[str, list[dt.date]] = {f.id: [] for f in problem.fellows}
    for session, roles in sessions:
        for fid in _presenting(roles):
            dates[fid].append(session.date)
    return [
        broken(part, f"{fid} presents on {first} and again on {second}", fid)
        for fid, days in dates.items()
        for first, second in itertools.pairwise(sorted(days))
        if second - first < gap
    ]


def _balance(rule, problem: Problem, sessions: Roster) -> list[Violation]:
    """Soft: within a discipline nobody sits on more panels than an even share (rounded up);
    each session above it costs `balance_weight`."""
    conf, part, out = problem.conferences[rule.conference], rule.parts["panel_balance"], []
    if not conf.balance_weight:
        return out
    loads = {p.id: 0 for p in problem.faculty}
    for _, roles in sessions:
        for role in roles:
            if role.role == "panel":
                loads[role.person] += 1
    for discipline in dict.fromkeys(conf.panel):
        people = [p.id for p in problem.faculty if p.discipline == discipline]
        even = -(-len(sessions) * conf.panel.count(discipline) // len(people))
        excess = max(loads[p] for p in people) - even
        if excess > 0:
            shares = ", ".join(f"{p} {loads[p]}" for p in people)
            message = (
                f"{discipline} panel duty is uneven ({shares}; an even share is at most {even})"
            )
            out.append(Violation(rule=part, message=message, cost=conf.balance_weight * excess))
    return out
