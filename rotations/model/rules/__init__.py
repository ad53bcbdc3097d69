"""One builder per rule type, registered under its YAML `type`."""

from __future__ import annotations

from collections.abc import Callable

from rotations.model.rules.conferences import add_conferences
from rotations.model.rules.leave import add_leave_requests, add_max_concurrent_leave
from rotations.model.rules.placement import add_apart, add_avoid, add_pin, add_prefer, add_window
from rotations.model.rules.rotation import (
    add_leave_forbidden,
    add_one_rotation,
    add_requirements,
    add_staffing,
    add_stints,
)
from rotations.model.rules.sequence import (
    add_before,
    add_forbid_sequence,
    add_gap,
    add_max_consecutive,
)

CORE_BUILDERS: tuple[Callable, ...] = (
    add_one_rotation,
    add_staffing,
    add_stints,
    add_leave_forbidden,
    add_requirements,
    add_conferences,
    add_leave_requests,
)

RULE_BUILDERS: dict[str, Callable] = {
    "gap": add_gap,
    "before": add_before,
    "window": add_window,
    "max_consecutive": add_max_consecutive,
    "forbid_sequence": add_forbid_sequence,
    "max_concurrent_leave": add_max_concurrent_leave,
    "pin": add_pin,
    "apart": add_apart,
    "prefer": add_prefer,
    "avoid": add_avoid,
}

__all__ = ["CORE_BUILDERS", "RULE_BUILDERS"]
