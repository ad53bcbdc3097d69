"""Rules on where blocks may fall: window, pin, apart, and the wishes prefer and avoid."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config import rules
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_window(
    rule: rules.Window, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """The rotation only in blocks lying wholly inside not_before..not_after."""
    allowed = set(problem.blocks_within(rule.not_before, rule.not_after))
    penalties = []
    for f in problem.selected(rule):
        for b in range(len(problem.blocks)):
            if b not in allowed:
                ok, p = v.guard(rule, f, b)
                penalties += p
                model.add(v.on(f, b, rule.rotation) == 0).only_enforce_if(ok)
    return penalties


def add_pin(
    rule: rules.Pin, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """The fellow is on the rotation in the given blocks."""
    penalties = []
    for f in problem.selected(rule):
        for number in rule.blocks:
            ok, p = v.guard(rule, f, number - 1)
            penalties += p
            model.add(v.on(f, number - 1, rule.rotation) == 1).only_enforce_if(ok)
    return penalties


def add_apart(
    rule: rules.Apart, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No two of the fellows are on the rotation in the same block."""
    group, penalties = problem.selected(rule), []
    if len(group) < 2:
        return penalties
    for b in range(len(problem.blocks)):
        ok, p = v.guard(rule, None, b)
        penalties += p
        model.add(sum(v.on(f, b, rule.rotation) for f in group) <= 1).only_enforce_if(ok)
    return penalties


def _add_wish(
    rule: rules.Wish, problem: Problem, v: Variables, model: cp_model.CpModel, on: int
) -> list[Penalty]:
    penalties = []
    for f in problem.selected(rule):
        for b in problem.blocks_overlapping(rule.start, rule.end):
            ok, p = v.guard(rule, f, b)
            penalties += p
            model.add(v.on(f, b, rule.rotation) == on).only_enforce_if(ok)
    return penalties


def add_prefer(
    rule: rules.Prefer, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """The fellow is on the rotation in every block that overlaps start..end."""
    return _add_wish(rule, problem, v, model, on=1)


def add_avoid(
    rule: rules.Avoid, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """The fellow is not on the rotation in any block that overlaps start..end."""
    return _add_wish(rule, problem, v, model, on=0)
