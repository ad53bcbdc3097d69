"""Checks of the conferences' agendas, re-derived from the agenda, the roles, the rotations and
the leave (mirrors rotations/model/rules/agenda.py). A case not discussed is listed with why,
in the users' words."""

from __future__ import annotations

import math

from rotations.cases import ConferenceCase, unnamed
from rotations.check.violations import broken
from rotations.implied import Agenda
from rotations.problem import Problem, Session
from rotations.schedule import Schedule, Slot, Violation


def check_agenda(rule: Agenda, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every case at most once, inside its dates, with its presenter presenting and a panelist
    of every discipline it needs, every session within its case minutes and its joining
    panelists needed; soft: the cases not discussed, waiting and the load of presenting."""
    sessions = {
        (problem.conferences[s.conference].id, s.date.isoformat()): i
        for i, s in enumerate(problem.sessions)
    }
    cases = {case.ref: case for case in problem.cases}
    out: list[Violation] = []
    by_session: dict[int, list[Slot]] = {}
    by_case: dict[str, list[Slot]] = {}
    waiting: list[Violation] = []  # listed after the cases not discussed, as the soft costs
    for slot in schedule.agenda:
        by_case.setdefault(slot.case, []).append(slot)
        case = cases.get(slot.case)
        i = sessions.get((slot.conference, slot.date))
        if i is not None:
            by_session.setdefault(i, []).append(slot)
        if case is None or i is None:
            what = "an unknown case" if case is None else "no session of that conference"
            out.append(
                broken(rule, f"{slot.date}: {slot.case} on the agenda of {slot.conference}, {what}")
            )
            continue
        out += _slot(rule, problem, schedule, case, i, slot)
        waiting += _waiting(rule, problem, case, i, slot)
    for i, slots in by_session.items():
        out += _session(rule, problem, schedule, problem.sessions[i], slots, cases)
    for case in problem.cases:
        placed = by_case.get(case.ref, [])
        if len(placed) > 1:
            dates = ", ".join(slot.date for slot in placed)
            out.append(broken(rule, f"{case.ref} is discussed more than once ({dates})"))
        elif not placed:
            where = f" ({case.position.file}:{case.position.line})" if case.position else ""
            message = f"{case.ref}{where} is not discussed: {why_not(problem, schedule, case)}"
            out.append(broken(rule.of_case(case.ref), message, case.presenter_id))
    return out + waiting + _load(rule, problem, schedule)


def _slot(rule, problem: Problem, schedule: Schedule, case: ConferenceCase, i: int, slot: Slot):
    """One case where the agenda puts it (session `i`): inside its dates, its presenter
    presenting, its needs on the panel."""
    out = []
    session = problem.sessions[i]
    day = session.date
    if i not in case.sessions:
        message = (
            f"{slot.date}: {case.ref} discussed outside its dates {case.submitted}..{case.due}"
        )
        out.append(broken(rule, message, None, session.block))
    roles = schedule.roles_on(slot.conference, slot.date)
    presenting = {r.person for r in roles if r.role == "presenter"}
    if case.presenter_id is not None and slot.presenter != case.presenter_id:
        message = (
            f"{slot.date}: {case.ref} presented by {slot.presenter}, not by {case.presenter_id}"
        )
        out.append(broken(rule, message, slot.presenter, session.block))
    if slot.presenter not in presenting:
        message = (
            f"{slot.date}: {case.ref} presented by {slot.presenter}, who does not present then"
        )
        out.append(broken(rule, message, slot.presenter, session.block))
    faculty = {p.id: p for p in problem.faculty}
    seated = {
        faculty[r.person].discipline
        for r in roles
        if r.role == "panel" and r.person in faculty and faculty[r.person].away_on(day) is None
    }
    for need in case.needs:
        if need not in seated:
            message = f"{slot.date}: {case.ref} needs {need}, and no {need} faculty sits then"
            out.append(broken(rule, message, None, session.block))
    return out


def _session(
    rule, problem: Problem, schedule: Schedule, session: Session, slots: list[Slot], cases: dict
):
    """A session's agenda: ordered 1..n, within its case minutes, and each joining panelist
    (of a discipline the standing panel lacks) there for a case that needs them."""
    out = []
    conf = problem.conferences[session.conference]
    day = session.date.isoformat()
    if sorted(slot.order for slot in slots) != list(range(1, len(slots) + 1)):
        out.append(
            broken(
                rule,
                f"{day}: the agenda of {conf.name} is not numbered 1..{len(slots)}",
                None,
                session.block,
            )
        )
    known = [cases[slot.case] for slot in slots if slot.case in cases]
    minutes = sum(case.minutes for case in known)
    if minutes > conf.minutes_for_cases:
        message = f"{day}: {minutes} minutes of cases, {conf.minutes_for_cases} for cases"
        out.append(broken(rule, message, None, session.block))
    needed = {need for case in known for need in case.needs}
    joined: dict[str, list[str]] = {}
    faculty = {p.id: p for p in problem.faculty}
    for role in schedule.roles_on(conf.id, day):
        person = faculty.get(role.person)
        if role.role != "panel" or role.discipline in conf.panel or person is None:
            continue
        joined.setdefault(role.discipline, []).append(role.person)
        if person.discipline != role.discipline or person.away_on(session.date) is not None:
            message = (
                f"{day}: {role.person} cannot join as {role.discipline} (away or another "
                "discipline)"
            )
            out.append(broken(rule, message, None, session.block))
    for discipline, people in joined.items():
        if discipline not in needed:
            message = (
                f"{day}: {', '.join(people)} joins the panel, but no case then needs {discipline}"
            )
            out.append(broken(rule, message, None, session.block))
        elif len(people) > 1:
            message = f"{day}: {len(people)} {discipline} faculty join the panel, one is enough"
            out.append(broken(rule, message, None, session.block))
    return out


def _waiting(rule: Agenda, problem: Problem, case: ConferenceCase, i: int, slot: Slot) -> list:
    """Soft: each week a case waits after its submission costs waiting_weight × priority."""
    session = problem.sessions[i]
    part = rule.of_conference(session.conference, "waiting_weight")
    weeks = case.waited(session.date)
    if part is None or not weeks:
        return []
    message = f"{case.ref} waits {weeks} week(s): submitted {case.submitted}, discussed {slot.date}"
    cost = part.cost * case.priority * weeks
    return [Violation(part, message, case.presenter_id, session.block + 1, cost)]


def _load(rule: Agenda, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Soft: per conference, each case naming no presenter that a fellow presents above an
    even share of them (rounded up) costs case_load_weight."""
    out = []
    for c, conf in enumerate(problem.conferences):
        part = rule.of_conference(c, "case_load_weight")
        free = {case.ref for case in unnamed(problem.cases, problem.sessions, c)}
        if part is None or not free:
            continue
        even = math.ceil(len(free) / len(problem.fellows))
        loads: dict[str, int] = {}
        for slot in schedule.agenda:
            if slot.conference == conf.id and slot.case in free:
                loads[slot.presenter] = loads.get(slot.presenter, 0) + 1
        for fid, n in sorted(loads.items()):
            if n > even:
                message = (
                    f"{fid} presents {n} cases that name no presenter; an even share is {even}"
                )
                out.append(Violation(part, message, fid, None, part.cost * (n - even)))
    return out


def why_not(problem: Problem, schedule: Schedule, case: ConferenceCase) -> str:
    """Why a case is on no agenda, in the users' words: no session in its dates, its presenter
    or a discipline it needs free at none of them, or the sessions there full."""
    if not case.sessions:
        return f"no session between its submission ({case.submitted}) and due date ({case.due})"
    away = problem.leave_taken(schedule.granted_leave)
    open_ = []
    for i in case.sessions:
        session = problem.sessions[i]
        conf = problem.conferences[session.conference]
        if case.presenter is not None:
            f = case.presenter
            rid = schedule.rotation_of(case.presenter_id, session.block)
            if (
                not problem.inside(f, session.date)
                or session.date in away[f]
                or rid in conf.no_presenting_on
            ):
                continue
        if any(not problem.panelists(session, need) for need in case.needs):
            continue
        open_.append(session)
    if not open_:
        reasons = []
        if case.presenter is not None:
            reasons.append(f"{case.presenter_id}, its presenter, is on leave or cannot present")
        if case.needs:
            reasons.append(f"no {' or '.join(case.needs)} faculty is free")
        return f"{' or '.join(reasons)} at every session from {case.submitted} to {case.due}"
    taken = []
    for session in open_:
        conf = problem.conferences[session.conference]
        slots = schedule.agenda_on(conf.id, session.date.isoformat())
        refs = ", ".join(slot.case for slot in slots) or "no case"
        presenters = ", ".join(
            r.person
            for r in schedule.roles_on(conf.id, session.date.isoformat())
            if r.role == "presenter"
        )
        taken.append(f"{session.date}: {refs} (presenting: {presenters or 'nobody'})")
    return "the sessions it could go to went to other cases or presenters — " + "; ".join(taken)
