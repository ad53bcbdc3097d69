"""Rules on leave: max_concurrent_leave."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config import models
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_max_concurrent_leave(
    rule: models.MaxConcurrentLeave, problem: Problem, v: Variables, model: cp_model.CpModel
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
            ok, p = v.guard(rule.key, rule.type, rule.weight, None, b)
            penalties += p
            gone = [_any_entry(v, model, entries) for entries in away]
            model.add(sum(gone) <= rule.max).only_enforce_if(ok)
    return penalties


def _any_entry(v: Variables, model: cp_model.CpModel, entries: tuple[int, ...]):
    if len(entries) == 1:
        return v.leave_literal(entries[0])
    either = model.new_bool_var(f"leave_any{entries}")
    model.add_bool_or([~either] + [v.leave_literal(e) for e in entries]).only_enforce_if(either)
    for e in entries:
        model.add_implication(v.leave_literal(e), either)
    return either


def add_leave_requests(problem: Problem, v: Variables, model: cp_model.CpModel) -> list[Penalty]:
    """A requested leave is granted when its literal is true; denying it costs its weight."""
    penalties = []
    for e in problem.requests():
        entry = problem.config.leave[e]
        denied = model.new_bool_var(f"denied[leave[{e}]]")
        model.add(denied + v.leave_literal(e) == 1)
        fellow = problem.fellow_index(entry.fellow)
        penalties.append(Penalty(denied, entry.weight or 1, f"leave[{e}]", "leave_request", fellow))
    return penalties
