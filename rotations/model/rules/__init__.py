"""One builder per rule type, keyed by the rule's class (see rotations/registry.py)."""

from __future__ import annotations

from collections.abc import Callable

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
from rotations.model.rules.agenda import add_agenda
from rotations.model.rules.call import add_call, add_duty_hours
from rotations.model.rules.conferences import add_conference
from rotations.model.rules.didactics import add_didactics
from rotations.model.rules.exposure import add_target
from rotations.model.rules.leave import add_leave_entry, add_max_concurrent_leave
from rotations.model.rules.mentoring import add_mentoring
from rotations.model.rules.placement import add_apart, add_avoid, add_pin, add_prefer, add_window
from rotations.model.rules.rotation import (
    add_leave_forbidden,
    add_one_rotation,
    add_requirement,
    add_staffing,
    add_stint,
)
from rotations.model.rules.sequence import (
    add_before,
    add_forbid_sequence,
    add_gap,
    add_max_consecutive,
)
from rotations.model.rules.sites import (
    add_allowed,
    add_group_requirement,
    add_idle,
    add_prefer_site,
    add_site_change,
    add_site_limit,
    add_site_staffing,
    add_want,
)

BUILDERS: dict[type, Callable] = {
    Staffing: add_staffing,
    Stint: add_stint,
    LeaveForbidden: add_leave_forbidden,
    Requirement: add_requirement,
    GroupRequirement: add_group_requirement,
    SiteStaffing: add_site_staffing,
    SiteLimit: add_site_limit,
    Allowed: add_allowed,
    ConferenceRules: add_conference,
    DidacticsRules: add_didactics,
    Agenda: add_agenda,
    MentoringRules: add_mentoring,
    LeaveEntry: add_leave_entry,
    Target: add_target,
    CallRules: add_call,
    DutyHoursRules: add_duty_hours,
    rules.Gap: add_gap,
    rules.Before: add_before,
    rules.Window: add_window,
    rules.MaxConsecutive: add_max_consecutive,
    rules.ForbidSequence: add_forbid_sequence,
    rules.MaxConcurrentLeave: add_max_concurrent_leave,
    rules.Pin: add_pin,
    rules.Apart: add_apart,
    rules.Prefer: add_prefer,
    rules.Avoid: add_avoid,
    rules.Want: add_want,
    rules.PreferSite: add_prefer_site,
    rules.SiteChange: add_site_change,
    rules.Idle: add_idle,
}

__all__ = ["BUILDERS", "add_one_rotation"]
