"""Calendars: RFC 5545 shape, stable UIDs, and parsing by two independent libraries."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from rotations.output.ics import calendars, make_uid
from tests.conftest import ROOT, hand_schedule, program

GOLDEN = ROOT / "tests" / "golden" / "example"


@pytest.fixture
def files(load):
    problem = load(
        program(
            rotations={
                "a": {"name": "Alpha", "location": "Room 1, East"},
                "c": {"name": "Gamma; with a long name " * 4},
            }
        )
    )
    return problem, calendars(problem, hand_schedule(problem, {"ana": list("aacccc")}))


def test_one_all_day_event_per_block_with_exclusive_end(files) -> None:
    problem, (data, _) = files
    cal = icalendar.Calendar.from_ical(data["calendars/ana.ics"])
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(problem.blocks)
    first = events[0]
    assert first["DTSTART"].dt == dt.date(2027, 7, 5)
    assert first["DTEND"].dt == dt.date(2027, 7, 12)  # exclusive
    assert first.get("LOCATION") == "Room 1, East"
    assert str(first["SUMMARY"]) == "Alpha"


def test_rfc5545_shape(files) -> None:
    _, (data, _) = files
    for raw in data.values():
        text = raw.decode()
        assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
        assert "METHOD" not in text and "ATTENDEE" not in text
        assert "DTSTART;VALUE=DATE:" in text


def test_independent_parser_reads_every_calendar(files) -> None:
    _, (data, _) = files
    for raw in data.values():
        calendar = IcsCalendarStream.calendar_from_ics(raw.decode())
        assert calendar.events
        assert all(e.uid and e.dtstamp for e in calendar.events)


def test_uids_are_stable_and_ignore_content(load) -> None:
    problem = load(program())
    _, first = calendars(problem, hand_schedule(problem, {"ana": list("aaaaaa")}))
    _, second = calendars(problem, hand_schedule(problem, {"ana": list("bbbbbb")}))
    ana, again = first["calendars/ana.ics"], second["calendars/ana.ics"]
    assert list(ana) == list(again) and len(ana) == len(problem.blocks)
    assert any(ana[u]["digest"] != again[u]["digest"] for u in ana)
    assert make_uid("p", "fellow", "ana", "block", 1) != make_uid("p", "fellow", "ana", "block", 2)


@pytest.mark.parametrize(
    "name", ["calendars/ana.ics", "calendars/faculty/lee.ics", "calendars/program.ics"]
)
def test_the_examples_calendars_are_the_golden_ones(example_out, name: str) -> None:
    """Reviewed by eye once; after a meant change: python3 tests/golden/regenerate.py."""
    assert (example_out / name).read_bytes() == (GOLDEN / name).read_bytes(), (
        f"{name} differs from tests/golden/example/{name}"
    )
