"""Seminar series: the topic and teacher of every session date, solved with the rotations that
decide who can attend."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.implied import DidacticsRules
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_didactics(
    rule: DidacticsRules, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """At most one topic per session date, taught by one of its teachers who is not away; every
    fellow attends every topic `attendance.times` times (a fellow on leave or on a
    `cannot_attend_on` rotation misses the session); each topic's teachers share it evenly."""
    series = problem.didactics[rule.series]
    seminars = [i for i, s in enumerate(problem.seminars) if s.series == rule.series]
    teachers = [
        [problem.faculty_index(pid) for pid in dict.fromkeys(topic.teachers)]
        for topic in series.topics
    ]
    penalties: list[Penalty] = []

    def unit(part: str, fellow: int | None, block: int | None) -> cp_model.IntVar:
        ok, p = v.guard(rule.parts[part], fellow, block)
        penalties.extend(p)
        return ok

    held: dict[tuple[int, int], cp_model.LinearExpr] = {}
    for i in seminars:
        seminar = problem.seminars[i]
        everyone = []
        for t, topic in enumerate(series.topics):
            here = []
            for p in teachers[t]:
                person = problem.faculty[p]
                name = f"teach[{series.id},{seminar.date},{topic.id},{person.id}]"
                var = model.new_bool_var(name)
                v.teach[i, t, p] = var
                if person.away_on(seminar.date) is not None:
                    model.add(var == 0).only_enforce_if(unit("teachers", None, seminar.block))
                here.append(var)
            held[i, t] = sum(here)
            everyone += here
        model.add_at_most_one(everyone)
    can = _can_attend(rule, problem, v, model, seminars, unit)
    times, weight = series.attendance.times, series.attendance.weight
    for f, fellow in enumerate(problem.fellows):
        for t, topic in enumerate(series.topics):
            attended = []
            for i in seminars:
                if (i, f) not in can:
                    continue
                witness = model.new_bool_var(f"attended[{series.id},{i},{topic.id},{fellow.id}]")
                model.add_implication(witness, can[i, f])
                model.add(witness <= held[i, t])
                attended.append(witness)
            if weight is None:
                model.add(sum(attended) >= times).only_enforce_if(unit("attendance", f, None))
            else:
                short = model.new_int_var(0, times, f"missed[{series.id},{topic.id},{fellow.id}]")
                model.add(short >= times - sum(attended))
                penalties.append(Penalty(short, weight, rule.parts["attendance"], f))
    return penalties + _balance(rule, problem, v, model, seminars, teachers, held)


def _can_attend(rule, problem, v, model, seminars, unit) -> dict:
    """(seminar, fellow) -> a literal that is true only when the fellow can attend: inside their
    dates (else no literal), not on leave that day, not on a `cannot_attend_on` rotation."""
    series = problem.didactics[rule.series]
    can = {}
    for i in seminars:
        seminar = problem.seminars[i]
        for f, fellow in enumerate(problem.fellows):
            if not problem.inside(f, seminar.date):
                continue
            var = can[i, f] = model.new_bool_var(f"can[{series.id},{seminar.date},{fellow.id}]")
            for e in problem.entries_on(f, seminar.date):
                model.add_implication(var, ~v.leave_literal(e))
            if series.cannot_attend_on:
                ok = unit("cannot_attend_on", f, seminar.block)
                for rid in series.cannot_attend_on:
                    model.add_implication(var, ~v.on(f, seminar.block, rid)).only_enforce_if(ok)
    return can


def _balance(rule, problem, v, model, seminars, teachers, held) -> list[Penalty]:
    """Soft, at `balance_weight` per session: no topic is held more often than its share of the
    dates (rounded up), and a topic's teachers give its sessions evenly (each session its
    busiest teacher gives beyond one more than its least busy one)."""
    series = problem.didactics[rule.series]
    if not series.balance_weight:
        return []
    penalties = []
    part = rule.parts["teaching_balance"]
    share = -(-len(seminars) // len(series.topics))
    for t, topic in enumerate(series.topics):
        often = model.new_int_var(0, len(seminars), f"too_often[{series.id},{topic.id}]")
        model.add(often >= sum(held[i, t] for i in seminars) - share)
        penalties.append(Penalty(often, series.balance_weight, part))
    for t, topic in enumerate(series.topics):
        if len(teachers[t]) < 2:
            continue
        n = len(seminars)
        most = model.new_int_var(0, n, f"most[{series.id},{topic.id}]")
        least = model.new_int_var(0, n, f"least[{series.id},{topic.id}]")
        for p in teachers[t]:
            load = sum(v.teach[i, t, p] for i in seminars)
            model.add(most >= load)
            model.add(least <= load)
        uneven = model.new_int_var(0, n, f"uneven[{series.id},{topic.id}]")
        model.add(uneven >= most - least - 1)
        penalties.append(Penalty(uneven, series.balance_weight, part))
    return penalties
