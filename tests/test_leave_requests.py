"""Requested leave: granted when it can be, denied with the rule that stands in the way."""

from __future__ import annotations

from rotations.check import check
from rotations.explain import leave_request_report
from tests.conftest import program, run


def request(fellow: str, start: str, end: str, weight: int | None = None) -> dict:
    entry = {"fellow": fellow, "start": start, "end": end, "requested": True}
    return entry | ({"weight": weight} if weight else {})


def test_a_request_that_fits_is_granted(load) -> None:
    problem = load(program(leave=[request("ana", "2027-07-13", "2027-07-14")]))
    result = run(problem)
    assert result.schedule.granted_leave == (0,)
    (report,) = leave_request_report(problem, result.schedule)
    assert report.granted is True
    assert check(problem, result.schedule) == []


def test_a_request_against_a_pin_on_a_no_leave_rotation_is_denied_naming_both(load) -> None:
    rotations = {"a": {"name": "Alpha", "leave": "forbidden"}, "b": {"name": "Beta"}}
    rules = [
        {"name": "Ana on Alpha", "type": "pin", "fellow": "ana", "rotation": "a", "blocks": [2]}
    ]
    problem = load(
        program(
            rotations=rotations,
            rules=rules,
            leave=[request("ana", "2027-07-13", "2027-07-14", weight=5)],
        )
    )
    result = run(problem)
    assert result.schedule.granted_leave == ()
    (denied,) = [v for v in check(problem, result.schedule) if v.kind == "leave_request"]
    assert denied.cost == 5 and not denied.hard
    (report,) = leave_request_report(problem, result.schedule)
    assert report.granted is False
    assert [b.rule for b in report.blocked_by] == ["rotations.a.leave", "rules[0]"]


def test_competing_requests_the_heavier_wins(load) -> None:
    rules = [{"type": "max_concurrent_leave", "max": 1}]
    leave = [
        request("ana", "2027-07-13", "2027-07-13", weight=1),
        request("ben", "2027-07-13", "2027-07-13", weight=3),
    ]
    problem = load(program(rules=rules, leave=leave))
    result = run(problem)
    assert result.schedule.granted_leave == (1,)
    reports = leave_request_report(problem, result.schedule)
    assert [r.granted for r in reports] == [False, True]
    assert [b.rule for b in reports[0].blocked_by] == ["rules[0]", "leave[1]"]
