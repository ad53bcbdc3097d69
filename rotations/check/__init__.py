"""Independent verification of a finished Schedule against every rule.

This is the second statement of what each rule means, written over plain rotation ids and dates
without the solver or any model code; its modules mirror rotations/model/rules/ one for one.
Every solve runs it: a hard violation is a bug."""

from __future__ import annotations

from collections.abc import Callable

from rotations.check.agenda import check_agenda
from rotations.check.call import check_call, check_duty_hours
from rotations.check.conferences import check_conference
from rotations.check.didactics import check_didactics
from rotations.check.exposure import check_target
from rotations.check.leave import check_leave_entry, check_max_concurrent_leave
from rotations.check.mentoring import check_mentoring
from rotations.check.placement import (
    check_apart,
    check_avoid,
    check_pin,
    check_prefer,
    check_window,
)
from rotations.check.rotation import (
    check_leave_forbidden,
    check_requirement,
    check_staffing,
    check_stint,
)
from rotations.check.sequence import (
    check_before,
    check_forbid_sequence,
    check_gap,
    check_max_consecutive,
)
from rotations.check.sites import (
    check_allowed,
    check_group_requirement,
    check_idle,
    check_prefer_site,
    check_site_change,
    check_site_limit,
    check_site_staffing,
    check_want,
)
from rotations.config import rules
from rotations.duties import CallRules, DutyHoursRules
from rotations.implied import (
    Agenda,
    Allowed,
    ConferenceRules,
    DidacticsRules,
    GroupRequirement,
    LeaveEntry,
    LeaveForbidden,
    MentoringRules,
    Requirement,
    SiteLimit,
    SiteStaffing,
    Staffing,
    Stint,
    Target,
)
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation

CHECKERS: dict[type, Callable] = {
    Staffing: check_staffing,
    Stint: check_stint,
    LeaveForbidden: check_leave_forbidden,
    Requirement: check_requirement,
    GroupRequirement: check_group_requirement,
    SiteStaffing: check_site_staffing,
    SiteLimit: check_site_limit,
    Allowed: check_allowed,
    ConferenceRules: check_conference,
    DidacticsRules: check_didactics,
    Agenda: check_agenda,
    MentoringRules: check_mentoring,
    LeaveEntry: check_leave_entry,
    Target: check_target,
    CallRules: check_call,
    DutyHoursRules: check_duty_hours,
    rules.Gap: check_gap,
    rules.Before: check_before,
    rules.Window: check_window,
    rules.MaxConsecutive: check_max_consecutive,
    rules.ForbidSequence: check_forbid_sequence,
    rules.MaxConcurrentLeave: check_max_concurrent_leave,
    rules.Pin: check_pin,
    rules.Apart: check_apart,
    rules.Prefer: check_prefer,
    rules.Avoid: check_avoid,
    rules.Want: check_want,
    rules.PreferSite: check_prefer_site,
    rules.SiteChange: check_site_change,
    rules.Idle: check_idle,
}


def check(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every violated rule instance, hard and soft, in a fixed order: leave requests first (as
    schedule.json has always listed them), then every other rule in the program's order."""
    ordered = sorted(problem.rules, key=lambda rule: not isinstance(rule, LeaveEntry))
    return [v for rule in ordered for v in CHECKERS[type(rule)](rule, problem, schedule)]
