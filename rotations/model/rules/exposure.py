"""Procedure targets: the cases a fellow logs and the cases their rotations are expected to
bring reach the target.

Expected cases in a block = exposure × the block's working days the fellow is present ÷ 5;
everything is counted in fifths of a case, so that the sums stay exact integers. In a program
that keeps case logs, blocks before the first that may still change (a reschedule's frozen
past) count with their logged cases instead (`Problem.counted_from`)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.implied import Target
from rotations.model.rules.leave import any_entry
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_target(
    rule: Target, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Logged + expected cases ≥ the target (hard), or each missing case costs `weight`."""
    rates = problem.exposure(rule.procedure)
    first = problem.counted_from(v.frozen_before)
    penalties = []
    for f in rule.bound(problem):
        logged = problem.logged(f, rule.procedure, first)
        need = 5 * (rule.target.min - logged)  # in fifths of a case
        if need <= 0:
            continue
        fifths = _expected(problem, v, model, f, first, rates)
        fid = problem.fellows[f].id
        if rule.hard:
            ok, p = v.guard(rule, f)
            penalties += p
            model.add(sum(fifths) >= need).only_enforce_if(ok)
        else:
            missing = model.new_int_var(0, rule.target.min, f"missing[{rule.key},{fid}]")
            model.add(5 * missing + sum(fifths) >= need)
            penalties.append(Penalty(missing, rule.weight, rule, f))
    return penalties


def _expected(problem: Problem, v: Variables, model, f: int, first: int, rates: dict) -> list:
    """The fellow's expected cases from block `first` on, as terms in fifths of a case: each
    present working day on a rotation brings its exposure; a day of requested leave brings it
    only while the request is denied."""
    terms = []
    for b in range(first, len(problem.blocks)):
        days = problem.present_days(f, b, problem.leave_days[f])
        requested: dict[tuple[int, ...], int] = {}
        for day in days:
            entries = tuple(
                e for e in problem.entries_on(f, day) if problem.leave_rules[e].requested
            )
            if entries:
                requested[entries] = requested.get(entries, 0) + 1
        for rid, rate in rates.items():
            on = v.on(f, b, rid)
            terms.append(rate * len(days) * on)
            for entries, count in sorted(requested.items()):
                granted = any_entry(v, model, entries)
                both = model.new_bool_var(f"away_on[{f},{b},{rid},{entries}]")
                model.add_bool_and([on, granted]).only_enforce_if(both)
                model.add_bool_or([~on, ~granted, both])
                terms.append(-rate * count * both)
    return terms
