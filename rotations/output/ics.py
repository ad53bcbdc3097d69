"""iCalendar files (RFC 5545): one all-day event per fellow per block, the conference sessions,
the seminar sessions a person attends or teaches, mentoring meetings, and a program calendar.

UIDs are opaque digests of identity only: the program and its year, the calendar, the event
(a fellow's block, a rotation's block, a session) — never of content that can change, so an
updated file updates the imported events in place. Each UID lives in one calendar file only: a
session in ana's file and in the program calendar are two events, so the files can be imported
into one calendar (or one CalDAV collection) side by side. Once published, an event keeps its
UID for the whole year: a removed one stays in every later publication, cancelled, and one that
comes back continues from the cancelled copy's SEQUENCE."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDDDTypes, vDuration, vText

from rotations.calendar import DAY, describe_ranges
from rotations.config.models import Program
from rotations.output.tables import Held, held_lessons, mentor_meetings
from rotations.output.vtimezone import vtimezone
from rotations.problem import Meeting, Problem
from rotations.published import EventRecord
from rotations.schedule import Schedule, Slot

PRODID = "-//rotations//rotations scheduler//EN"
# How often subscribed calendars should be fetched again (RFC 7986 REFRESH-INTERVAL, and the
# X-PUBLISHED-TTL Outlook and Apple read).
REFRESH = dt.timedelta(hours=12)


@dataclass(frozen=True)
class EventSpec:
    """The content of one event; `digest` covers everything a calendar shows."""

    uid: str
    start: dt.date | dt.datetime  # a date for all-day events, else a zoned datetime
    end: dt.date | dt.datetime  # exclusive, as DTEND is written
    summary: str
    location: str | None
    description: str
    status: str = "CONFIRMED"

    @property
    def digest(self) -> str:
        text = "\x1f".join(
            [
                self.start.isoformat(),
                self.end.isoformat(),
                self.summary,
                self.location or "",
                self.description,
                self.status,
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_uid(program: Program, *parts: str | int) -> str:
    """A stable, opaque UID from identity only (never from content): the program, its year (a
    new year with the same program id gets new identities) and the event's parts."""
    text = "\x1f".join([program.id, program.start.isoformat(), *(str(p) for p in parts)])
    return f"{hashlib.sha256(text.encode()).hexdigest()[:32]}@{program.id}.rotations"


def publication_stamp(problem: Problem) -> dt.datetime:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else midnight UTC of the start."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.combine(problem.program.start, dt.time(0, 0), dt.UTC)


def republication_stamp(
    problem: Problem,
    previous: dict[str, dict[str, EventRecord]],
    freeze_until: dt.date | None = None,
) -> dt.datetime:
    """DTSTAMP for what changes in a republication: later than every stamp already published
    (`previous`: the events of the publication before), and no earlier than the freeze date
    (deterministic: no clock is read)."""
    stamps = [
        _parse_stamp(event.dtstamp) for events in previous.values() for event in events.values()
    ]
    first = publication_stamp(problem)
    floor = dt.datetime.combine(freeze_until, dt.time(0, 0), dt.UTC) if freeze_until else first
    latest = max(stamps, default=floor) + dt.timedelta(seconds=1)
    return max(floor, latest, first)


def fellow_events(
    problem: Problem, schedule: Schedule, f: int, leave_days: set[dt.date]
) -> list[EventSpec]:
    """One all-day event per block, and one per run of leave days (`leave_days`: approved
    leave and granted requests), its identity the run's first day."""
    fellow = problem.fellows[f]
    program = problem.program
    events = []
    for block in problem.blocks:
        rid = schedule.rotation_of(fellow.id, block.index)
        if rid is None:  # outside the fellow's dates: no event
            continue
        rotation = problem.rotation(rid)
        summary, location = rotation.name, rotation.location
        lines = [
            f"Block {block.number} of {len(problem.blocks)}: {block.start} to {block.end}",
            f"{fellow.name}, {program.name}",
        ]
        site = schedule.site_of(fellow.id, block.index)
        if site is not None:
            there = problem.config.sites[site]
            summary = f"{rotation.name} at {there.name}"
            location = there.location or rotation.location or there.name
            lines.insert(1, f"At {there.name}")
        lines += [f"On leave {describe_ranges([days])}" for days in block.ranges_within(leave_days)]
        if rotation.description:
            lines.append(rotation.description)
        events.append(
            EventSpec(
                uid=make_uid(program, "fellow", fellow.id, "block", block.number),
                start=block.start,
                end=block.end + DAY,
                summary=summary,
                location=location,
                description="\n".join(lines),
            )
        )
    for start, end in problem.leave_ranges(f, leave_days):
        events.append(
            EventSpec(
                uid=make_uid(program, "fellow", fellow.id, "leave", start.isoformat()),
                start=start,
                end=end + DAY,
                summary="On leave",
                location=None,
                description=f"On leave {describe_ranges([(start, end)])}\n"
                f"{fellow.name}, {program.name}",
            )
        )
    return events


def _with_site(problem: Problem, schedule: Schedule, fellow, block: int) -> str:
    """A fellow's name, with the site of their block where it has one."""
    site = schedule.site_of(fellow.id, block)
    return fellow.name if site is None else f"{fellow.name} ({problem.site_name(site)})"


def program_events(problem: Problem, schedule: Schedule) -> list[EventSpec]:
    events = []
    for block in problem.blocks:
        for rid in problem.rotations:
            names = [
                _with_site(problem, schedule, f, block.index)
                for f in problem.fellows
                if schedule.rotation_of(f.id, block.index) == rid
            ]
            if not names:
                continue
            rotation = problem.rotation(rid)
            events.append(
                EventSpec(
                    uid=make_uid(problem.program, "rotation", rid, "block", block.number),
                    start=block.start,
                    end=block.end + DAY,
                    summary=f"{rotation.name}: {'; '.join(names)}",
                    location=rotation.location,
                    description=f"Block {block.number} of {len(problem.blocks)}: "
                    f"{block.start} to {block.end}\n" + "\n".join(names),
                )
            )
    return events


def session_events(
    problem: Problem, schedule: Schedule, viewer: str | None = None
) -> list[EventSpec]:
    """Conference sessions as timed events. `viewer`: a fellow or faculty id whose calendar
    this is (only sessions they take part in, for faculty); None for the program calendar.
    Each calendar's session has a UID of its own (the viewer is part of its identity)."""
    fellows = {f.id: f.name for f in problem.fellows}
    faculty = {p.id: p for p in problem.faculty}
    zone = ZoneInfo(problem.program.timezone)
    events = []
    for session in problem.sessions:
        conf = problem.conferences[session.conference]
        roles = schedule.roles_on(conf.id, session.date.isoformat())
        presenters = [r.person for r in roles if r.role == "presenter"]
        panel = [r for r in roles if r.role == "panel"]
        if viewer in faculty and viewer not in {r.person for r in panel}:
            continue
        if viewer in presenters:
            who = "you present" + (
                f" with {', '.join(fellows[p] for p in presenters if p != viewer)}"
                if len(presenters) > 1
                else ""
            )
        elif viewer in faculty:
            who = f"you sit on the panel ({faculty[viewer].discipline})"
        else:
            who = f"{' & '.join(fellows[p] for p in presenters)} presenting"
        start = dt.datetime.combine(session.date, conf.start_time, zone)
        lines = [f"Presenting: {', '.join(fellows[p] for p in presenters) or 'nobody'}"]
        lines += [f"Panel ({r.discipline}): {faculty[r.person].name}" for r in panel]
        lines += agenda_lines(problem, schedule.agenda_on(conf.id, session.date.isoformat()))
        events.append(
            EventSpec(
                uid=make_uid(
                    problem.program, *_whose(viewer, faculty), conf.id, session.date.isoformat()
                ),
                start=start,
                end=start + dt.timedelta(minutes=conf.duration_minutes),
                summary=f"{conf.name}: {who}",
                location=conf.location,
                description="\n".join(lines),
            )
        )
    return events


def agenda_lines(problem: Problem, slots: list[Slot]) -> list[str]:
    """A session's cases for its event: reference, type, needs, minutes and presenter, never
    the summary (feeds leave the building)."""
    if not slots:
        return []
    cases = {case.ref: case for case in problem.cases}
    lines = ["Cases:"]
    for slot in slots:
        case = cases.get(slot.case)
        if case is None:
            continue
        about = [case.type_name] if case.type_name else []
        about += [f"needs {', '.join(case.needs)}"] if case.needs else []
        about += [f"{case.minutes} min", f"presented by {slot.presenter}"]
        lines.append(f"{slot.order}. {slot.case} ({'; '.join(about)})")
    return lines


def seminar_events(
    problem: Problem, held: list[Held], viewer: str | None = None
) -> list[EventSpec]:
    """Seminar sessions held (`held`), as timed events: a fellow's calendar has those they
    attend, a faculty member's those they teach, the program calendar every one."""
    fellows = {f.id: f.name for f in problem.fellows}
    faculty = {p.id: p for p in problem.faculty}
    zone = ZoneInfo(problem.program.timezone)
    events = []
    for session in held:
        series, lesson, seminar = session.series, session.lesson, session.seminar
        if viewer in faculty and viewer != lesson.teacher:
            continue
        if viewer in fellows and viewer not in session.attendees:
            continue
        topic = next(t for t in series.topics if t.id == lesson.topic)
        start = dt.datetime.combine(seminar.date, series.start_time, zone)
        summary = f"{series.name}: {topic.name}"
        present = ", ".join(fellows[f] for f in session.attendees) or "nobody"
        events.append(
            EventSpec(
                uid=make_uid(
                    problem.program,
                    *_whose(viewer, faculty, "seminar"),
                    series.id,
                    seminar.date.isoformat(),
                ),
                start=start,
                end=start + dt.timedelta(minutes=series.duration_minutes),
                summary=summary + (" (you teach)" if viewer == lesson.teacher else ""),
                location=series.location,
                description=f"Taught by {faculty[lesson.teacher].name}\nAttending: {present}",
            )
        )
    return events


def meeting_events(
    problem: Problem, meetings: list[tuple[int, str, Meeting]], viewer: str
) -> list[EventSpec]:
    """Mentoring meetings (`meetings`, as tables.mentor_meetings lists them) in the calendar of
    the fellow or of the mentor `viewer` (none in the program calendar: they are the two
    people's own); a period without a day when both are free has none."""
    plan = problem.config.mentoring.meetings if problem.config.mentoring else None
    if plan is None:
        return []
    faculty = {p.id: p for p in problem.faculty}
    zone = ZoneInfo(problem.program.timezone)
    events = []
    for f, mentor, meeting in meetings:
        fellow = problem.fellows[f]
        if viewer not in (fellow.id, mentor) or meeting.date is None:
            continue
        start = dt.datetime.combine(meeting.date, plan.start_time, zone)
        other = faculty[mentor].name if viewer == fellow.id else fellow.name
        events.append(
            EventSpec(
                uid=make_uid(
                    problem.program,
                    *_whose(viewer, faculty, "mentoring"),
                    fellow.id,
                    meeting.period,
                ),
                start=start,
                end=start + dt.timedelta(minutes=plan.duration_minutes),
                summary=f"Mentoring: {other}",
                location=plan.location,
                description=f"Mentoring meeting of {fellow.name} with {faculty[mentor].name}, "
                f"period {meeting.period} ({meeting.first} to {meeting.last})",
            )
        )
    return events


def call_events(problem: Problem, schedule: Schedule, viewer: str | None = None) -> list[EventSpec]:
    """Call duties as timed events from the call's start for its hours: a fellow's calendar has
    their own, the program calendar every duty with its fellows."""
    calls = {call.id: call for call in problem.config.call}
    names = {f.id: f.name for f in problem.fellows}
    zone = ZoneInfo(problem.program.timezone)
    duties: dict[tuple[str, str], list[str]] = {}
    for x in schedule.calls:
        if viewer is None or x.fellow == viewer:
            duties.setdefault((x.date, x.call), []).append(x.fellow)
    events = []
    for (date, cid), fellows in sorted(duties.items()):
        call = calls[cid]
        first = dt.date.fromisoformat(date)
        start = dt.datetime.combine(first, call.start_time, zone)
        end = dt.datetime.combine(*call.ends(first + (call.span - 1) * DAY), zone)
        whose = ("call",) if viewer is None else ("fellow", viewer, "call")
        on = ", ".join(names[f] for f in fellows)
        events.append(
            EventSpec(
                uid=make_uid(problem.program, *whose, cid, date),
                start=start,
                end=end,
                summary=call.name if viewer is not None else f"{call.name}: {on}",
                location=call.location,
                description=f"On call: {on} ({call.hours} hours)",
            )
        )
    return events


@dataclass(frozen=True)
class Published:
    """An event as it goes out: its content, and the SEQUENCE and DTSTAMP it carries."""

    spec: EventSpec
    sequence: int
    stamp: dt.datetime


def calendar_bytes(
    name: str,
    events: list[Published],
    timezone: str | None = None,
    span: tuple[dt.date, dt.date] = (dt.date(1970, 1, 1), dt.date(2038, 1, 1)),
) -> bytes:
    """A VCALENDAR with no METHOD and no ATTENDEE, so importing it never e-mails anybody; with
    the feed metadata subscriptions read (name, time zone, how often to refresh)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    if timezone is not None:
        cal.add("x-wr-timezone", vText(timezone))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    head = cal.to_ical()
    parts = [head[: -len(END)], "".join(map(event_text, events)).encode()]
    timed = any(isinstance(p.spec.start, dt.datetime) for p in events)
    if timezone is not None and timed:
        parts.append(vtimezone(timezone, span[0], span[1]).to_ical())
    return b"".join([*parts, END])


END = b"END:VCALENDAR\r\n"
FOLD = 75  # octets: RFC 5545 lines are at most 75 long, the CRLF aside


def event_text(published: Published) -> str:
    """The VEVENT of `published`, as icalendar writes it (its properties in icalendar's order,
    TEXT escaped and lines folded as RFC 5545 says), written directly: through icalendar's
    components the calendars took most of the time a large program's files take (10 of 15 s
    for 120 fellows). tests/test_ics.py holds it to icalendar's bytes."""
    spec = published.spec
    stamp = _when("", published.stamp)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(spec.summary)}",
        _when("DTSTART", spec.start),
        _when("DTEND", spec.end),
        f"DTSTAMP{stamp}",
        f"UID:{_text(spec.uid)}",
        f"SEQUENCE:{published.sequence}",
        f"DESCRIPTION:{_text(spec.description)}",
        f"LAST-MODIFIED{stamp}",
    ]
    if spec.location:
        lines.append(f"LOCATION:{_text(spec.location)}")
    transp = "OPAQUE" if isinstance(spec.start, dt.datetime) else "TRANSPARENT"
    lines += [f"STATUS:{_text(spec.status)}", f"TRANSP:{transp}", "END:VEVENT"]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says, in icalendar's order of replacements."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _when(name: str, value: dt.date | dt.datetime) -> str:
    """A date or date-time property: VALUE=DATE, a UTC time with Z, else the time's TZID."""
    if not isinstance(value, dt.datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    params, utc = _zone(value.tzinfo)
    return f"{name}{params}:{value:%Y%m%dT%H%M%S}{utc}"


@functools.cache
def _zone(tzinfo: dt.tzinfo | None) -> tuple[str, str]:
    """The parameters and the suffix icalendar gives a time in `tzinfo`."""
    sample = vDDDTypes(dt.datetime(2000, 1, 1, tzinfo=tzinfo))
    params = "".join(f";{key}={value}" for key, value in sample.params.items())
    return params, "Z" if sample.to_ical().endswith(b"Z") else ""


def _fold(line: str) -> str:
    """`line` folded as icalendar folds it: before the character that would make a line
    FOLD octets long, never right after a backslash or caret."""
    if line.isascii():  # one octet a character
        folded, start = [], 0
        while len(line) - start >= FOLD:
            end = start + FOLD - 1
            if line[end - 1] in "\\^":  # an escape is not split
                end -= 1
            folded.append(line[start:end])
            start = end
        folded.append(line[start:])
        return "\r\n ".join(folded)
    if len(line.encode()) < FOLD:
        return line
    folded, current, count = [], [], 0
    for char in line:
        size = len(char.encode())
        if current and count + size >= FOLD:
            carried = [current.pop()] if len(current) > 1 and current[-1] in "\\^" else []
            folded.append("".join(current))
            current, count = carried, sum(len(c.encode()) for c in carried)
        current.append(char)
        count += size
    folded.append("".join(current))
    return "\r\n ".join(folded)


def _stamp_text(stamp: dt.datetime) -> str:
    return stamp.strftime("%Y%m%dT%H%M%SZ")


def _parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def _parse_when(text: str, zone: ZoneInfo) -> dt.date | dt.datetime:
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text).astimezone(zone)


def _update(
    events: list[EventSpec],
    previous: dict[str, EventRecord],
    stamp: dt.datetime,
    zone: ZoneInfo,
) -> list[Published]:
    """SEQUENCE and DTSTAMP stay on unchanged events and move on changed ones; an event that
    disappeared goes out cancelled, and stays so (unchanged) in every later publication."""
    out = []
    for spec in events:
        before = previous.get(spec.uid)
        if before is None:
            out.append(Published(spec, 0, stamp))
        elif before.digest == spec.digest:
            out.append(Published(spec, before.sequence, _parse_stamp(before.dtstamp)))
        else:
            out.append(Published(spec, before.sequence + 1, stamp))
    current = {spec.uid for spec in events}
    for uid, before in previous.items():
        if uid in current:
            continue
        if before.status == "CANCELLED":  # cancelled before: the same tombstone again
            gone = _tombstone(uid, before.summary, before, zone)
            out.append(Published(gone, before.sequence, _parse_stamp(before.dtstamp)))
        else:
            gone = _tombstone(uid, f"Cancelled: {before.summary}", before, zone)
            out.append(Published(gone, before.sequence + 1, stamp))
    return out


def _tombstone(uid: str, summary: str, before: EventRecord, zone: ZoneInfo) -> EventSpec:
    return EventSpec(
        uid=uid,
        start=_parse_when(before.start, zone),
        end=_parse_when(before.end, zone),
        summary=summary,
        location=None,
        description="This event no longer takes place.",
        status="CANCELLED",
    )


def _whose(viewer: str | None, faculty: dict, kind: str = "conference") -> tuple[str, ...]:
    """The identity parts of an event of `kind` (conference, seminar, mentoring) in the
    program's calendar, a fellow's or a faculty member's."""
    if viewer is None:
        return (kind,)
    return ("faculty" if viewer in faculty else "fellow", viewer, kind)


def calendars(
    problem: Problem,
    schedule: Schedule,
    previous: dict[str, dict[str, EventRecord]] | None = None,
    stamp: dt.datetime | None = None,
) -> tuple[dict[str, bytes], dict[str, dict]]:
    """Relative path -> file content for every calendar, and for each calendar file, UID ->
    what schedule.json keeps about the event to update calendars in place later.

    With `previous` (the `events` of a published schedule.json) the same UIDs keep their
    SEQUENCE and DTSTAMP unless their content changed; `stamp` is the DTSTAMP of what changed."""
    previous = previous or {}
    stamp = stamp or publication_stamp(problem)
    program = problem.program
    zone = ZoneInfo(program.timezone)
    span = (problem.blocks[0].start - DAY * 7, problem.blocks[-1].end + DAY * 7)
    taken = problem.leave_taken(schedule.granted_leave)
    held = held_lessons(problem, schedule)
    meetings = mentor_meetings(problem, schedule)
    owned: list[tuple[str, str, list[EventSpec]]] = [
        (
            f"calendars/{fellow.id}.ics",
            f"{fellow.name}: {program.name}",
            fellow_events(problem, schedule, f, taken[f])
            + session_events(problem, schedule, fellow.id)
            + seminar_events(problem, held, fellow.id)
            + meeting_events(problem, meetings, fellow.id)
            + call_events(problem, schedule, fellow.id),
        )
        for f, fellow in enumerate(problem.fellows)
    ]
    teaching = " and teaching" if problem.didactics or problem.config.mentoring else ""
    owned += [
        (
            f"calendars/faculty/{person.id}.ics",
            f"{person.name}: {program.name} conferences{teaching}",
            session_events(problem, schedule, person.id)
            + seminar_events(problem, held, person.id)
            + meeting_events(problem, meetings, person.id),
        )
        for person in problem.faculty
    ]
    owned.append(
        (
            "calendars/program.ics",
            program.name,
            program_events(problem, schedule)
            + session_events(problem, schedule)
            + seminar_events(problem, held)
            + call_events(problem, schedule),
        )
    )
    paths = {path for path, _, _ in owned}
    owned += [  # calendars of people who left: every event cancelled, for the rest of the year
        (path, f"{program.name} (no longer scheduled)", [])
        for path in sorted(previous)
        if path not in paths
    ]
    files, index = {}, {}
    for path, name, events in owned:
        published = _update(events, previous.get(path, {}), stamp, zone)
        files[path] = calendar_bytes(name, published, program.timezone, span)
        index[path] = {
            p.spec.uid: {
                "sequence": p.sequence,
                "digest": p.spec.digest,
                "dtstamp": _stamp_text(p.stamp),
                "start": p.spec.start.isoformat(),
                "end": p.spec.end.isoformat(),
                "summary": p.spec.summary,
                "status": p.spec.status,
            }
            for p in published
        }
    return files, index
