"""VTIMEZONE from the IANA database (zoneinfo), one observance per real transition.

RFC 5545 (3.6.5): an observance's DTSTART is the local time of the change *as it was before
the change* (reckoned with TZOFFSETFROM), so the US spring change is DTSTART:...T020000 with
TZOFFSETFROM:-0600. Every transition between the first and the last date is written, plus the
last one before the first date (which sets the offset the calendar starts in); a zone without
changes gets one STANDARD observance. Nothing synthetic, nothing non-standard."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

DAY, MINUTE = dt.timedelta(days=1), dt.timedelta(minutes=1)
LOOK_BACK = dt.timedelta(days=2 * 366)  # far enough to find the change before the first date


def _offset(zone: ZoneInfo, instant: dt.datetime) -> dt.timedelta:
    return instant.astimezone(zone).utcoffset()


def transitions(zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """UTC instants (to the minute) at which the zone's offset changes, in first..last."""
    found = []
    day = first
    while day < last:
        after = min(day + DAY, last)
        if _offset(zone, day) != _offset(zone, after):
            low, high = day, after  # the offset changes in (low, high]
            while high - low > MINUTE:
                middle = low + (high - low) / 2
                middle -= dt.timedelta(seconds=middle.second, microseconds=middle.microsecond)
                if middle <= low:
                    break
                if _offset(zone, middle) == _offset(zone, low):
                    low = middle
                else:
                    high = middle
            found.append(high)
        day = after
    return found


def vtimezone(tzid: str, first: dt.date, last: dt.date) -> Timezone:
    """The VTIMEZONE for `tzid` covering the days first..last."""
    zone = ZoneInfo(tzid)
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(last + DAY, dt.time(), dt.UTC)
    earlier = transitions(zone, start - LOOK_BACK, start)
    onsets = earlier[-1:] + transitions(zone, start, end)
    tz = Timezone()
    tz.add("tzid", tzid)
    if not onsets:
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", _offset(zone, start))
        standard.add("tzoffsetto", _offset(zone, start))
        standard.add("tzname", start.astimezone(zone).tzname())
        tz.add_component(standard)
        return tz
    for onset in onsets:
        before, after = onset - MINUTE, onset.astimezone(zone)
        observance = TimezoneDaylight() if after.dst() else TimezoneStandard()
        local_before_change = (onset + _offset(zone, before)).replace(tzinfo=None)
        observance.add("dtstart", local_before_change)
        observance.add("tzoffsetfrom", _offset(zone, before))
        observance.add("tzoffsetto", after.utcoffset())
        observance.add("tzname", after.tzname())
        tz.add_component(observance)
    return tz
