"""Case conferences: each rule satisfied and violated in model and checker; calendars; DST."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from rotations.check import check
from rotations.config import ConfigError
from rotations.output.ics import calendars
from rotations.schedule import Role
from tests.conftest import FACULTY, conference, hand_schedule, program, run

THURSDAYS = ["2027-07-08", "2027-07-15", "2027-07-22", "2027-07-29", "2027-08-05", "2027-08-12"]


def with_conference(conf: dict | None = None, faculty=FACULTY, **changes) -> dict:
    return program(faculty=faculty, conferences=[conf or conference()], **changes)


def conference_violations(problem, schedule) -> list:
    return [v for v in check(problem, schedule) if v.key.startswith("conferences")]


def test_sessions_fall_on_the_weekday_and_skip_dates(load) -> None:
    problem = load(with_conference(conference(skip=["2027-07-15"])))
    assert [s.date.isoformat() for s in problem.sessions] == [
        d for d in THURSDAYS if d != "2027-07-15"
    ]
    assert [s.block for s in problem.sessions] == [0, 2, 3, 4, 5]


def test_a_solved_conference_keeps_every_rule(load) -> None:
    problem = load(with_conference(conference(min_weeks_between_presentations=3)))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    assert conference_violations(problem, result.schedule) == []
    presenters = [r.person for r in result.schedule.roles if r.role == "presenter"]
    assert sorted(presenters.count(f) for f in ("ana", "ben", "cy")) == [2, 2, 2]
    assert len([r for r in result.schedule.roles if r.role == "panel"]) == 6


def test_min_weeks_between_presentations_can_make_it_infeasible(load) -> None:
    # Six sessions, two talks each: pairs 4 weeks apart cannot cover all three fellows.
    problem = load(with_conference(conference(min_weeks_between_presentations=4)))
    assert run(problem).stats.status == "INFEASIBLE"


def test_no_presenting_on_a_rotation(load) -> None:
    pins = [{"type": "pin", "fellows": ["ana", "ben", "cy"], "rotation": "a", "blocks": [1]}]
    free = load(with_conference(rules=pins))
    assert run(free).schedule is not None
    banned = load(with_conference(conference(no_presenting_on=["a"]), rules=pins))
    assert run(banned).stats.status == "INFEASIBLE"


def test_spread_needs_every_fellow_to_present_their_share(load) -> None:
    leave = [{"fellow": "ana", "start": "2027-07-08", "end": "2027-08-11"}]
    assert run(load(with_conference(leave=leave))).stats.status == "INFEASIBLE"


def test_nobody_presents_on_leave(load) -> None:
    """ben and cy are on `b`, where nobody presents, in the first week: ana must present on
    2027-07-08, and cannot once she is on leave that day."""
    pins = [
        {"type": "pin", "fellows": ["ben", "cy"], "rotation": "b", "blocks": [1]},
    ]
    conf = conference(no_presenting_on=["b"])
    free = run(load(with_conference(conf, rules=pins)))
    assert Role("2027-07-08", "mdcc", "presenter", "ana") in free.schedule.roles
    leave = [{"fellow": "ana", "start": "2027-07-08", "end": "2027-07-08"}]
    assert run(load(with_conference(conf, rules=pins, leave=leave))).stats.status == "INFEASIBLE"


def test_the_checker_flags_a_presenter_on_leave(load) -> None:
    leave = [{"fellow": "ana", "start": "2027-07-08", "end": "2027-07-08"}]
    problem = load(with_conference(leave=leave))
    roles = [Role(day, "mdcc", "presenter", "ana") for day in THURSDAYS] + [
        Role(day, "mdcc", "panel", "lee", "neurology") for day in THURSDAYS
    ]
    schedule = replace(hand_schedule(problem, {}), roles=roles)
    flagged = [(v.key, v.message) for v in conference_violations(problem, schedule)]
    assert ("conferences[0].presenters", "2027-07-08: ana presents while on leave") in flagged


def test_impossible_panel_is_named_before_solving(load) -> None:
    faculty = [dict(FACULTY[0], away=[{"start": "2027-08-02", "end": "2027-08-13"}])]
    with pytest.raises(ConfigError) as caught:
        load(with_conference(faculty=faculty))
    messages = [p.message for p in caught.value.problems]
    assert messages[0].startswith(
        "2027-08-05: no neurology faculty available for Case Conference — "
        "lee away 2027-08-02..2027-08-13, and nobody else"
    )
    assert len(messages) == 2  # 2027-08-05 and 2027-08-12


def test_panel_balance_is_soft_and_costed(load) -> None:
    # shah is away for four of six sessions, so lee sits at least four times; an even share
    # is three: one session too many at balance_weight 2 costs 2.
    faculty = [FACULTY[0], dict(FACULTY[1], away=[{"start": "2027-07-08", "end": "2027-07-29"}])]
    problem = load(with_conference(faculty=faculty))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    soft = conference_violations(problem, result.schedule)
    assert [(v.kind, v.cost, v.hard) for v in soft] == [("balance", 2, False)]
    assert result.schedule.penalty_cost == 2


def test_relevance_is_soft_and_costed(load) -> None:
    rotations = {
        "a": {"name": "Neuro", "discipline": "neurology"},
        "b": {"name": "B"},
        "c": {"name": "C"},
    }
    pins = [
        {
            "type": "pin",
            "fellows": ["ana", "ben", "cy"],
            "rotation": "c",
            "blocks": [1, 2, 3, 4, 5, 6],
        }
    ]
    problem = load(with_conference(conference(relevance_weight=3), rotations=rotations, rules=pins))
    result = run(problem)
    soft = [v for v in conference_violations(problem, result.schedule) if v.kind == "relevance"]
    assert len(soft) == 6 and result.schedule.penalty_cost == 18


def test_checker_flags_broken_rosters(load) -> None:
    problem = load(
        with_conference(
            conference(no_presenting_on=["a"]),
            faculty=[
                FACULTY[0],
                dict(FACULTY[1], away=[{"start": "2027-07-08", "end": "2027-07-08"}]),
            ],
            leave=[{"fellow": "ben", "start": "2027-07-15", "end": "2027-07-15"}],
        )
    )
    schedule = hand_schedule(problem, {"ana": list("acccccc")})
    roles = [
        Role("2027-07-08", "mdcc", "presenter", "ana"),  # on rotation a: not allowed
        Role("2027-07-08", "mdcc", "panel", "shah", "neurology"),  # away that day
        Role("2027-07-15", "mdcc", "presenter", "ben"),  # on leave
        Role("2027-07-15", "mdcc", "presenter", "cy"),  # one presenter too many
    ]
    broken = conference_violations(
        problem, type(schedule)(schedule.assignments, schedule.solver, roles=roles)
    )
    kinds = {v.kind for v in broken if v.hard}
    assert {"no_presenting_on", "panel", "presenters", "spread"} <= kinds


@pytest.mark.parametrize("day", ["2028-03-16", "2028-11-09"])
def test_sessions_read_07_00_local_across_daylight_saving(load, day: str) -> None:
    # 2028-03-12 and 2028-11-05 are the US changes: one session after each.
    config = with_conference(conference(skip=[]))
    config["program"] |= {"start": "2028-03-06", "blocks": 40}
    problem = load(config)
    session = next(s for s in problem.sessions if s.date.isoformat() == day)
    schedule = hand_schedule(problem, {})
    schedule.roles.extend(
        [Role(day, "mdcc", "presenter", "ana"), Role(day, "mdcc", "panel", "lee", "neurology")]
    )
    files, _ = calendars(problem, schedule)
    raw = files["calendars/ana.ics"]
    assert b"BEGIN:VTIMEZONE" in raw and b"TZID=America/Chicago" in raw
    parsed = icalendar.Calendar.from_ical(raw)
    timed = [e for e in parsed.walk("VEVENT") if isinstance(e["DTSTART"].dt, dt.datetime)]
    (event,) = [e for e in timed if e["DTSTART"].dt.date() == session.date]
    assert event["DTSTART"].dt.strftime("%H:%M") == "07:00"
    assert "you present" in str(event["SUMMARY"])
    other = IcsCalendarStream.calendar_from_ics(raw.decode())
    starts = [e.dtstart for e in other.events if isinstance(e.dtstart, dt.datetime)]
    (start,) = [s for s in starts if s.date() == session.date]
    assert start.strftime("%H:%M") == "07:00"
    offset = start.utcoffset()
    assert offset == dt.timedelta(hours=-5 if day.startswith("2028-03") else -6)
