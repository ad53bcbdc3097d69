"""Checks of the rules on leave: requests granted or denied, max_concurrent_leave (mirrors
rotations/model/rules/leave.py)."""

from __future__ import annotations

from rotations.check.violations import bound, broken
from rotations.config.rules import MaxConcurrentLeave
from rotations.implied import LeaveEntry
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_leave_entry(rule: LeaveEntry, problem: Problem, schedule: Schedule) -> list[Violation]:
    """A requested leave that was denied costs its weight; approved leave always stands."""
    if not rule.requested or rule.index in schedule.granted_leave:
        return []
    entry = rule.entry
    message = f"{entry.fellow}'s requested leave {entry.start}..{entry.end} was not granted"
    return [broken(rule, message, entry.fellow)]


def check_max_concurrent_leave(
    rule: MaxConcurrentLeave, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """No working day with more than `max` of the fellows on leave."""
    out = []
    ids = bound(problem, rule)
    away = problem.leave_taken(schedule.granted_leave)
    for block in problem.blocks:
        for day in block.days():
            if day.weekday() >= 5 or day in problem.holidays:
                continue
            gone = [fid for fid in ids if day in away[problem.fellow_index(fid)]]
            if len(gone) > rule.max:
                message = (
                    f"{len(gone)} fellows on leave on {day} ({', '.join(gone)}), at most {rule.max}"
                )
                out.append(broken(rule, message, None, block.index))
    return out
