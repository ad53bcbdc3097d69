"""Rules on leave: leave entries (a request is granted or denied) and max_concurrent_leave."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config.rules import MaxConcurrentLeave
from rotations.implied import LeaveEntry
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_max_concurrent_leave(
    rule: MaxConcurrentLeave, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No working day with more than `max` of the fellows on leave.

    Each leave entry has a literal (true while it stands), so a day over the limit is a
    conflict between this rule and those entries."""
    group, penalties = problem.selected(rule), []
    for b, days in enumerate(problem.working_days):
        for day in days:
            away = [problem.entries_on(f, day) for f in group if problem.entries_on(f, day)]
            if len(away) <= rule.max:
                continue
            ok, p = v.guard(rule, None, b)
            penalties += p
            gone = [any_entry(v, model, entries) for entries in away]
            model.add(sum(gone) <= rule.max).only_enforce_if(ok)
    return penalties


def any_entry(v: Variables, model: cp_model.CpModel, entries: tuple[int, ...]):
    if len(entries) == 1:
        return v.leave_literal(entries[0])
    either = model.new_bool_var(f"leave_any{entries}")
    model.add_bool_or([~either] + [v.leave_literal(e) for e in entries]).only_enforce_if(either)
    for e in entries:
        model.add_implication(v.leave_literal(e), either)
    return either


def add_leave_entry(
    rule: LeaveEntry, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """A requested leave is granted when its literal is true; denying it costs its weight.
    (Approved leave needs nothing here: its literal is fixed true with every hard rule's.)"""
    if not rule.requested:
        return []
    denied = model.new_bool_var(f"denied[{rule.key}]")
    model.add(denied + v.leave_literal(rule.index) == 1)
    fellow = problem.fellow_index(rule.entry.fellow)
    return [Penalty(denied, rule.weight, rule, fellow)]
