"""Writers: tables, report, workbook, schedule.json and calendars, as bytes per file name."""

from __future__ import annotations

from rotations.check import Violation
from rotations.output.html import report_html
from rotations.output.ics import calendars
from rotations.output.state import schedule_state, state_json
from rotations.output.tables import conferences_csv, schedule_csv
from rotations.output.xlsx import workbook_bytes
from rotations.problem import Problem
from rotations.schedule import Schedule


def render(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    requests: list[dict] | None = None,
    previous_events: dict | None = None,
    stamp=None,
    extra: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Relative path -> bytes of every output file, `extra` files included. With the `events`
    of a previously published schedule.json, calendars keep its UIDs and SEQUENCE numbers."""
    files, events = calendars(problem, schedule, previous_events, stamp)
    files["schedule.csv"] = schedule_csv(problem, schedule)
    if problem.conferences:
        files["conferences.csv"] = conferences_csv(problem, schedule)
    files["report.html"] = report_html(problem, schedule, violations, requests)
    files["schedule.xlsx"] = workbook_bytes(problem, schedule)
    state = schedule_state(problem, schedule, violations, events)
    state["leave_requests"] = requests or []
    files |= extra or {}
    state["files"] = sorted([*files, "schedule.json"])
    files["schedule.json"] = state_json(state)
    return dict(sorted(files.items()))
