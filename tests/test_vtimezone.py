"""VTIMEZONE against zoneinfo: read as RFC 5545 says (an observance starts at its DTSTART,
local time reckoned with its TZOFFSETFROM), it gives the offset zoneinfo gives at every hour of
a program year, in the northern and the southern hemisphere."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from rotations.output.vtimezone import vtimezone

FIRST, LAST = dt.date(2027, 6, 28), dt.date(2028, 7, 9)


def offsets(component: icalendar.Timezone) -> list[tuple[dt.datetime, dt.timedelta]]:
    """(UTC onset, offset from then on) of every observance, in order."""
    out = []
    for observance in component.subcomponents:
        local = observance["DTSTART"].dt
        before = observance["TZOFFSETFROM"].td
        out.append((local.replace(tzinfo=dt.UTC) - before, observance["TZOFFSETTO"].td))
    return sorted(out)


@pytest.mark.parametrize("tzid", ["America/Chicago", "Europe/London", "Australia/Sydney"])
def test_every_hour_of_the_year_has_zoneinfos_offset(tzid: str) -> None:
    text = vtimezone(tzid, FIRST, LAST).to_ical()
    component = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n" + text + b"END:VCALENDAR\r\n"
    ).walk("VTIMEZONE")[0]
    assert "COMMENT" not in component and all("COMMENT" not in c for c in component.subcomponents)
    observances = offsets(component)
    assert len(observances) == 3  # the change before the year, then two within it
    assert all(c["TZOFFSETFROM"].td != c["TZOFFSETTO"].td for c in component.subcomponents)
    zone = ZoneInfo(tzid)
    instant = dt.datetime.combine(FIRST, dt.time(), dt.UTC)
    while instant.date() <= LAST:
        _, offset = max(o for o in observances if o[0] <= instant)
        assert offset == instant.astimezone(zone).utcoffset(), instant
        instant += dt.timedelta(hours=1)


def test_the_us_spring_change_is_at_two_in_the_morning_standard_time() -> None:
    text = vtimezone("America/Chicago", FIRST, LAST).to_ical().decode()
    assert "DTSTART:20280312T020000\r\nTZNAME:CDT\r\nTZOFFSETFROM:-0600\r\n" in text


def test_a_zone_without_changes_has_one_standard_observance() -> None:
    component = vtimezone("Asia/Tokyo", FIRST, LAST)
    (standard,) = component.subcomponents
    assert standard.name == "STANDARD"
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == dt.timedelta(hours=9)
