"""iCalendar files (RFC 5545): one all-day event per fellow per block, and a program calendar.

UIDs are opaque digests of (program, person, block) or (program, rotation, block): they never
depend on content that can change, so an updated file updates the imported events in place."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass

from icalendar import Calendar, Event

from rotations.calendar import DAY
from rotations.problem import Problem
from rotations.schedule import Schedule

PRODID = "-//rotations//rotations scheduler//EN"


@dataclass(frozen=True)
class EventSpec:
    """The content of one event; `digest` covers everything a calendar shows."""

    uid: str
    start: dt.date
    end: dt.date  # inclusive; written as the exclusive DTEND
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


def make_uid(program_id: str, *parts: str | int) -> str:
    """A stable, opaque UID from identity only (never from content)."""
    text = "\x1f".join([program_id, *(str(p) for p in parts)])
    return f"{hashlib.sha256(text.encode()).hexdigest()[:32]}@{program_id}.rotations"


def publication_stamp(problem: Problem) -> dt.datetime:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else midnight UTC of the start."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.combine(problem.program.start, dt.time(0, 0), dt.UTC)


def fellow_events(problem: Problem, schedule: Schedule, f: int) -> list[EventSpec]:
    fellow = problem.fellows[f]
    program = problem.program
    events = []
    for block in problem.blocks:
        rotation = problem.rotation(schedule.rotation_of(fellow.id, block.index))
        lines = [
            f"Block {block.number} of {len(problem.blocks)}: {block.start} to {block.end}",
            f"{fellow.name}, {program.name}",
        ]
        leave = problem.leave_in_block(f, block.index)
        if leave:
            lines.append(f"On leave {leave[0]} to {leave[-1]}")
        if rotation.description:
            lines.append(rotation.description)
        events.append(
            EventSpec(
                uid=make_uid(program.id, "fellow", fellow.id, "block", block.number),
                start=block.start,
                end=block.end,
                summary=rotation.name,
                location=rotation.location,
                description="\n".join(lines),
            )
        )
    return events


def program_events(problem: Problem, schedule: Schedule) -> list[EventSpec]:
    events = []
    for block in problem.blocks:
        for rid in problem.rotations:
            names = [
                f.name for f in problem.fellows if schedule.rotation_of(f.id, block.index) == rid
            ]
            if not names:
                continue
            rotation = problem.rotation(rid)
            events.append(
                EventSpec(
                    uid=make_uid(problem.program.id, "rotation", rid, "block", block.number),
                    start=block.start,
                    end=block.end,
                    summary=f"{rotation.name}: {'; '.join(names)}",
                    location=rotation.location,
                    description=f"Block {block.number} of {len(problem.blocks)}: "
                    f"{block.start} to {block.end}\n" + "\n".join(names),
                )
            )
    return events


def calendar_bytes(name: str, events: list[EventSpec], stamp: dt.datetime) -> bytes:
    """A VCALENDAR with no METHOD and no ATTENDEE, so importing it never e-mails anybody."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for spec in events:
        event = Event()
        event.add("uid", spec.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", spec.start)
        event.add("dtend", spec.end + DAY)
        event.add("summary", spec.summary)
        if spec.location:
            event.add("location", spec.location)
        event.add("description", spec.description)
        event.add("sequence", 0)
        event.add("status", spec.status)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def calendars(problem: Problem, schedule: Schedule) -> tuple[dict[str, bytes], dict[str, dict]]:
    """Relative path -> file content for every calendar, and UID -> what schedule.json keeps
    about each event to update calendars in place later."""
    stamp = publication_stamp(problem)
    program = problem.program
    owned: list[tuple[str, str, list[EventSpec]]] = [
        (fellow.id, f"{fellow.name}: {program.name}", fellow_events(problem, schedule, f))
        for f, fellow in enumerate(problem.fellows)
    ]
    owned.append(("program", program.name, program_events(problem, schedule)))
    files, index = {}, {}
    for owner, name, events in owned:
        files[f"calendars/{owner}.ics"] = calendar_bytes(name, events, stamp)
        for spec in events:
            index[spec.uid] = {
                "calendar": owner,
                "sequence": 0,
                "digest": spec.digest,
                "dtstamp": stamp.strftime("%Y%m%dT%H%M%SZ"),
            }
    return files, index
