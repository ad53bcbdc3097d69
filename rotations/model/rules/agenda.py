"""The cases of the case conferences, solved with the presenters, panels and rotations they
depend on: a case is discussed at one session of its window or costs its weight; what it needs
(its presenter presenting, a panelist of each discipline, its minutes) holds where it is."""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from rotations.cases import unnamed
from rotations.implied import Agenda
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_agenda(rule: Agenda, problem: Problem, v: Variables, model: cp_model.CpModel) -> list:
    """Each case at one session between its submission and due date (or not at all, at its
    cost), presented by its fellow (or by one of the session's presenters), before a panel
    with every discipline it needs (a free faculty member of a discipline the standing panel
    lacks joins for that session), within the session's case minutes; soft: waiting and an
    even load of the cases that name no presenter."""
    penalties: list[Penalty] = []
    fellows = range(len(problem.fellows))
    held: dict[int, list[tuple[int, cp_model.IntVar]]] = {}  # session -> (case, its variable)
    for k, case in enumerate(problem.cases):
        places = []
        for i in case.sessions:
            session = problem.sessions[i]
            var = model.new_bool_var(f"discuss[{case.ref},{session.date}]")
            v.discuss[k, i] = var
            places.append(var)
            held.setdefault(i, []).append((k, var))
            if case.presenter is not None:
                present = v.present.get((i, case.presenter))
                model.add(var == 0) if present is None else model.add_implication(var, present)
                continue
            by = []
            for f in fellows:
                if (i, f) in v.present:
                    v.case_by[k, i, f] = model.new_bool_var(f"by[{case.ref},{session.date},{f}]")
                    model.add_implication(v.case_by[k, i, f], v.present[i, f])
                    by.append(v.case_by[k, i, f])
            model.add(sum(by) == var)
        placed, p = v.guard(rule.of_case(case.ref))
        penalties += p
        model.add(sum(places) <= 1)
        model.add(sum(places) == 1).only_enforce_if(placed)
    for i, cases in held.items():
        _session(problem, v, model, i, cases)
    return penalties + _waiting(rule, problem, v) + _load(rule, problem, v, model)


def _session(problem: Problem, v: Variables, model: cp_model.CpModel, i: int, cases) -> None:
    """One session's cases: within its case minutes, each before a panelist of every discipline
    it needs; a joining panelist (of a discipline the standing panel lacks) only when needed."""
    session = problem.sessions[i]
    conf = problem.conferences[session.conference]
    model.add(sum(problem.cases[k].minutes * var for k, var in cases) <= conf.minutes_for_cases)
    needing: dict[str, list[cp_model.IntVar]] = {}
    for k, var in cases:
        for discipline in problem.cases[k].needs:
            needing.setdefault(discipline, []).append(var)
    for discipline, wanted in needing.items():
        able = problem.panelists(session, discipline)
        if discipline not in conf.panel:
            for p in able:
                name = f"joins[{conf.id},{session.date},{problem.faculty[p].id}]"
                v.panel[i, p] = model.new_bool_var(name)
            joined = sum(v.panel[i, p] for p in able)
            model.add(joined <= 1)
            for var in wanted:
                model.add(joined >= var)
            model.add(joined <= sum(wanted))
            continue
        for var in wanted:
            model.add_bool_or([v.panel[i, p] for p in able if (i, p) in v.panel]).only_enforce_if(
                var
            )


def _waiting(rule: Agenda, problem: Problem, v: Variables) -> list[Penalty]:
    """Soft: each week from a case's submission to its session costs the conference's
    waiting_weight times the case's priority."""
    out = []
    for (k, i), var in v.discuss.items():
        session = problem.sessions[i]
        part = rule.of_conference(session.conference, "waiting_weight")
        case = problem.cases[k]
        weeks = case.waited(session.date)
        if part is not None and weeks:
            out.append(Penalty(var, part.cost * case.priority * weeks, part, None, session.block))
    return out


def _load(rule: Agenda, problem: Problem, v: Variables, model: cp_model.CpModel) -> list:
    """Soft: per conference, each case without a named presenter that a fellow presents above
    an even share of them (rounded up) costs its case_load_weight."""
    out = []
    for c in range(len(problem.conferences)):
        part = rule.of_conference(c, "case_load_weight")
        free = unnamed(problem.cases, problem.sessions, c)
        if part is None or not free:
            continue
        even = math.ceil(len(free) / len(problem.fellows))
        for f in range(len(problem.fellows)):
            mine = [
                var
                for (k, i, g), var in v.case_by.items()
                if g == f and problem.sessions[i].conference == c
            ]
            if len(mine) <= even:
                continue
            excess = model.new_int_var(0, len(mine), f"case_load[{c},{f}]")
            model.add(excess >= sum(mine) - even)
            out.append(Penalty(excess, part.cost, part, f))
    return out
