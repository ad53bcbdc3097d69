"""Case conferences: presenters and faculty panels, solved with the rotations they depend on."""

from __future__ import annotations

import datetime as dt
import math

from ortools.sat.python import cp_model

from rotations.implied import ConferenceRules
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_conference(
    rule: ConferenceRules, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Presenters per session, who may present and how often, one panelist per seat."""
    c = rule.conference
    sessions = [i for i, s in enumerate(problem.sessions) if s.conference == c]
    return (
        _add_presenters(rule, problem, v, model, sessions)
        + _add_relevance(rule, problem, v, model, sessions)
        + _add_panel(rule, problem, v, model, sessions)
    )


def _add_presenters(rule, problem, v, model, sessions) -> list[Penalty]:
    conf = problem.conferences[rule.conference]
    fellows, penalties = range(len(problem.fellows)), []

    def unit(part: str, fellow: int | None, block: int | None):
        ok, p = v.guard(rule.parts[part], fellow, block)
        penalties.extend(p)
        return ok

    for i in sessions:
        session = problem.sessions[i]
        for f in fellows:
            var = model.new_bool_var(f"present[{conf.id},{session.date},{problem.fellows[f].id}]")
            v.present[i, f] = var
            if not problem.inside(f, session.date):
                model.add(var == 0)
            for e in problem.entries_on(f, session.date):
                model.add_implication(var, ~v.leave_literal(e))
            if conf.no_presenting_on:
                ok = unit("no_presenting_on", f, session.block)
                for rid in conf.no_presenting_on:
                    model.add_implication(var, ~v.on(f, session.block, rid)).only_enforce_if(ok)
        seats = sum(v.present[i, f] for f in fellows)
        model.add(seats == conf.presenters).only_enforce_if(unit("presenters", None, session.block))
    if not sessions or not conf.presenters:
        return penalties
    for f in fellows:
        ok = unit("spread", f, None)
        total = sum(v.present[i, f] for i in sessions)
        least, most = problem.presentations(rule.conference, f)
        model.add(total >= least).only_enforce_if(ok)
        model.add(total <= most).only_enforce_if(ok)
    weeks = conf.min_weeks_between_presentations
    for n, i in enumerate(sessions if weeks > 1 else []):
        until = problem.sessions[i].date + dt.timedelta(weeks=weeks)
        window = [j for j in sessions[n:] if problem.sessions[j].date < until]
        if len(window) < 2:
            continue
        for f in fellows:
            ok = unit("min_weeks_between_presentations", f, problem.sessions[i].block)
            model.add_at_most_one(v.present[j, f] for j in window).only_enforce_if(ok)
    return penalties


def _add_relevance(rule, problem, v, model, sessions) -> list[Penalty]:
    """Soft: a presenter is on (or just off) a rotation whose discipline sits on the panel."""
    conf = problem.conferences[rule.conference]
    related = problem.panel_rotations(rule.conference)
    if not related or not conf.relevance_weight:
        return []
    penalties = []
    for i in sessions:
        block = problem.sessions[i].block
        for f in range(len(problem.fellows)):
            ok, p = v.guard(rule.parts["relevance"], f, block)
            penalties += p
            recent = [v.on(f, b, r) for b in (block - 1, block) if b >= 0 for r in related]
            model.add_bool_or([~v.present[i, f], *recent]).only_enforce_if(ok)
    return penalties


def _add_panel(rule, problem, v, model, sessions) -> list[Penalty]:
    conf = problem.conferences[rule.conference]
    penalties = []
    for i in sessions:
        session = problem.sessions[i]
        seats, p = v.guard(rule.parts["panel"], None, session.block)
        penalties += p
        for discipline in dict.fromkeys(conf.panel):
            able = problem.panelists(session, discipline)
            for p in able:
                name = f"panel[{conf.id},{session.date},{problem.faculty[p].id}]"
                v.panel[i, p] = model.new_bool_var(name)
            chosen = sum(v.panel[i, p] for p in able)
            model.add(chosen == conf.panel.count(discipline)).only_enforce_if(seats)
    if not conf.balance_weight:
        return penalties
    for discipline in dict.fromkeys(conf.panel):
        people = [p for p, person in enumerate(problem.faculty) if person.discipline == discipline]
        total = len(sessions) * conf.panel.count(discipline)
        even = math.ceil(total / len(people))
        excess = model.new_int_var(0, total, f"panel_excess[{conf.id},{discipline}]")
        for p in people:
            load = sum(v.panel[i, p] for i in sessions if (i, p) in v.panel)  # p may be away
            model.add(excess >= load - even)
        penalties.append(Penalty(excess, conf.balance_weight, rule.parts["panel_balance"]))
    return penalties
