"""Every file of a publication, as bytes per relative path."""

from __future__ import annotations

from rotations.output.agenda import agenda_html
from rotations.output.html import report_html
from rotations.output.ics import calendars
from rotations.output.tables import (
    agenda_csv,
    call_csv,
    conferences_csv,
    didactics_csv,
    exposure_csv,
    hours_csv,
    mentors_csv,
    schedule_csv,
)
from rotations.output.xlsx import workbook_bytes
from rotations.problem import Problem
from rotations.published import publication
from rotations.schedule import Schedule, Violation


def render(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    requests: list[dict] | None = None,
    previous_events: dict | None = None,
    stamp=None,
    extra: dict[str, bytes] | None = None,
    with_calendars: bool = True,
) -> dict[str, bytes]:
    """Relative path -> bytes of every output file, `extra` files included. With the `events`
    of a previously published schedule.json, calendars keep its UIDs and SEQUENCE numbers;
    without calendars, schedule.json lists no events."""
    files, events = calendars(problem, schedule, previous_events, stamp)
    if not with_calendars:
        files, events = {}, {}
    files["schedule.csv"] = schedule_csv(problem, schedule)
    if problem.conferences:
        files["conferences.csv"] = conferences_csv(problem, schedule)
    if problem.cases:
        files["agenda.csv"] = agenda_csv(problem, schedule)
        files["agenda.html"] = agenda_html(problem, schedule)
    if problem.config.procedures:
        files["exposure.csv"] = exposure_csv(problem, schedule)
    if problem.didactics:
        files["didactics.csv"] = didactics_csv(problem, schedule)
    if problem.config.mentoring is not None:
        files["mentors.csv"] = mentors_csv(problem, schedule)
    if problem.config.call:
        files["call.csv"] = call_csv(problem, schedule)
    if problem.config.duty_hours is not None:
        files["duty_hours.csv"] = hours_csv(problem, schedule)
    files["report.html"] = report_html(problem, schedule, violations, requests)
    files["schedule.xlsx"] = workbook_bytes(problem, schedule)
    files |= extra or {}
    names = sorted([*files, "schedule.json"])
    files["schedule.json"] = publication(
        problem, schedule, violations, events, requests, names
    ).to_json()
    return dict(sorted(files.items()))
