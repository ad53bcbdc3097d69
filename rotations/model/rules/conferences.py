"""Case conferences: presenters and faculty panels, solved with the rotations they depend on."""

from __future__ import annotations

import datetime as dt
import math

from ortools.sat.python import cp_model

from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_conferences(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """Presenters per session, who may present and how often, one panelist per seat."""
    penalties: list[Penalty] = []
    for c in range(len(problem.conferences)):
        sessions = [i for i, s in enumerate(problem.sessions) if s.conference == c]
        key = f"conferences[{c}]"
        _add_presenters(problem, v, model, c, sessions, key)
        penalties += _add_relevance(problem, v, model, c, sessions, key)
        penalties += _add_panel(problem, v, model, c, sessions, key)
    return penalties


def _add_presenters(problem, v, model, c, sessions, key) -> None:
    conf = problem.conferences[c]
    fellows = range(len(problem.fellows))
    seats = v.rule_literal(f"{key}.presenters")
    banned = v.rule_literal(f"{key}.no_presenting_on") if conf.no_presenting_on else None
    for i in sessions:
        session = problem.sessions[i]
        here = [f for f in fellows if not problem.on_leave(f, session.date)]
        for f in here:
            var = model.new_bool_var(f"present[{conf.id},{session.date},{problem.fellows[f].id}]")
            v.present[i, f] = var
            for rid in conf.no_presenting_on:
                model.add_implication(var, ~v.on(f, session.block, rid)).only_enforce_if(banned)
        model.add(sum(v.present[i, f] for f in here) == conf.presenters).only_enforce_if(seats)
    if not sessions or not conf.presenters:
        return
    share = len(sessions) * conf.presenters / len(problem.fellows)
    spread = v.rule_literal(f"{key}.spread")
    for f in fellows:
        total = sum(v.present[i, f] for i in sessions if (i, f) in v.present)
        model.add(total >= math.floor(share)).only_enforce_if(spread)
        model.add(total <= math.ceil(share)).only_enforce_if(spread)
    weeks = conf.min_weeks_between_presentations
    if weeks > 1:
        apart = v.rule_literal(f"{key}.min_weeks_between_presentations")
        for n, i in enumerate(sessions):
            until = problem.sessions[i].date + dt.timedelta(weeks=weeks)
            window = [j for j in sessions[n:] if problem.sessions[j].date < until]
            for f in fellows:
                mine = [v.present[j, f] for j in window if (j, f) in v.present]
                if len(mine) > 1:
                    model.add_at_most_one(mine).only_enforce_if(apart)


def _add_relevance(problem, v, model, c, sessions, key) -> list[Penalty]:
    """Soft: a presenter is on (or just off) a rotation whose discipline sits on the panel."""
    conf = problem.conferences[c]
    related = [r for r, rot in problem.config.rotations.items() if rot.discipline in conf.panel]
    if not related or not conf.relevance_weight:
        return []
    penalties = []
    for i in sessions:
        block = problem.sessions[i].block
        for f in range(len(problem.fellows)):
            if (i, f) not in v.present:
                continue
            ok, p = v.guard(f"{key}.relevance", "relevance", conf.relevance_weight, f, block)
            penalties += p
            recent = [v.on(f, b, r) for b in (block - 1, block) if b >= 0 for r in related]
            model.add_bool_or([~v.present[i, f], *recent]).only_enforce_if(ok)
    return penalties


def _add_panel(problem, v, model, c, sessions, key) -> list[Penalty]:
    conf = problem.conferences[c]
    seats = v.rule_literal(f"{key}.panel")
    for i in sessions:
        session = problem.sessions[i]
        for discipline in dict.fromkeys(conf.panel):
            able = problem.panelists(session, discipline)
            for p in able:
                name = f"panel[{conf.id},{session.date},{problem.faculty[p].id}]"
                v.panel[i, p] = model.new_bool_var(name)
            chosen = sum(v.panel[i, p] for p in able)
            model.add(chosen == conf.panel.count(discipline)).only_enforce_if(seats)
    penalties = []
    if not conf.balance_weight:
        return penalties
    for discipline in dict.fromkeys(conf.panel):
        people = [p for p, person in enumerate(problem.faculty) if person.discipline == discipline]
        total = len(sessions) * conf.panel.count(discipline)
        even = math.ceil(total / len(people))
        excess = model.new_int_var(0, total, f"panel_excess[{conf.id},{discipline}]")
        for p in people:
            load = sum(v.panel[i, p] for i in sessions if (i, p) in v.panel)
            model.add(excess >= load - even)
        penalties.append(Penalty(excess, conf.balance_weight, f"{key}.panel_balance", "balance"))
    return penalties
