"""The CSV tables: schedule.csv (one row per fellow per block), conferences.csv, exposure.csv,
didactics.csv, mentors.csv, call.csv and duty_hours.csv, in the column contract of DESIGN.md.

A text that starts with = + - @, a tab or a carriage return is written with a leading
apostrophe ('=HYPERLINK(...)), as OWASP advises, so that a spreadsheet opening the file shows it
instead of running it as a formula. Ids, dates and numbers never start so."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from rotations.config.models import Didactics
from rotations.hours import duty_weeks
from rotations.problem import Meeting, Problem, Seminar
from rotations.schedule import Lesson, Schedule

SCHEDULE_COLUMNS = ("fellow", "fellow_name", "block", "start", "end", "rotation", "rotation_name")
# Programs with sites add the site of each block (empty for a rotation without sites).
SITE_COLUMNS = ("site", "site_name")


def schedule_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    rows = []
    for fellow in problem.fellows:
        for block in problem.blocks:
            rid = schedule.rotation_of(fellow.id, block.index)
            if rid is None:  # outside the fellow's dates: no row
                continue
            rows.append(
                {
                    "fellow": fellow.id,
                    "fellow_name": fellow.name,
                    "block": block.number,
                    "start": block.start.isoformat(),
                    "end": block.end.isoformat(),
                    "rotation": rid,
                    "rotation_name": problem.rotation(rid).name,
                }
            )
            if problem.config.sites:
                site = schedule.site_of(fellow.id, block.index)
                rows[-1] |= {
                    "site": site or "",
                    "site_name": problem.site_name(site) if site else "",
                }
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A CSV cell a spreadsheet shows instead of evaluating."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: inert(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8")


def schedule_columns(problem: Problem) -> tuple[str, ...]:
    return SCHEDULE_COLUMNS + (SITE_COLUMNS if problem.config.sites else ())


def schedule_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(schedule_columns(problem), schedule_rows(problem, schedule))


CONFERENCE_COLUMNS = (
    "date",
    "start",
    "end",
    "conference",
    "role",
    "person",
    "person_name",
    "discipline",
)


def conference_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str]]:
    """One row per presenter and per panelist per session: presenters first, then the panel
    in the order the conference lists its disciplines."""
    names = {f.id: f.name for f in problem.fellows} | {p.id: p.name for p in problem.faculty}
    rows = []
    for session in problem.sessions:
        conf = problem.conferences[session.conference]
        start = dt.datetime.combine(session.date, conf.start_time)
        end = start + dt.timedelta(minutes=conf.duration_minutes)
        roles = schedule.roles_on(conf.id, session.date.isoformat())
        order = {d: i for i, d in reversed(list(enumerate(conf.panel)))}
        roles.sort(key=lambda r: (r.role != "presenter", order.get(r.discipline, 0), r.person))
        for role in roles:
            rows.append(
                {
                    "date": session.date.isoformat(),
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                    "conference": conf.id,
                    "role": role.role,
                    "person": role.person,
                    "person_name": names[role.person],
                    "discipline": role.discipline,
                }
            )
    return rows


def conferences_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(CONFERENCE_COLUMNS, conference_rows(problem, schedule))


def role_counts(problem: Problem, schedule: Schedule) -> dict[str, dict[str, int]]:
    """Presentations per fellow and panel sessions per faculty member."""
    fellows = {f.id: 0 for f in problem.fellows}
    faculty = {p.id: 0 for p in problem.faculty}
    for role in schedule.roles:
        (fellows if role.role == "presenter" else faculty)[role.person] += 1
    return {"fellows": fellows, "faculty": faculty}


EXPOSURE_COLUMNS = ("fellow", "procedure", "logged", "expected", "target", "met")


def exposure_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    """One row per fellow and procedure: cases logged before the first block that may still
    change, cases expected from there on (one decimal: exact, as exposure × days ÷ 5 is a
    multiple of 0.2), the fellow's target and whether it is met."""
    rows = []
    first = problem.counted_from(schedule.frozen_before)
    away = problem.leave_taken(schedule.granted_leave)
    for f, fellow in enumerate(problem.fellows):
        row = schedule.assignments[fellow.id]
        for procedure in problem.config.procedures:
            logged = problem.logged(f, procedure, first)
            expected = problem.expected(f, procedure, row, away[f], first)
            target = problem.target(f, procedure)
            rows.append(
                {
                    "fellow": fellow.id,
                    "procedure": procedure,
                    "logged": logged,
                    "expected": f"{float(expected):.1f}",
                    "target": "" if target is None else target.min,
                    "met": ""
                    if target is None
                    else ("yes" if logged + expected >= target.min else "no"),
                }
            )
    return rows


def exposure_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(EXPOSURE_COLUMNS, exposure_rows(problem, schedule))


DIDACTICS_COLUMNS = (
    "date",
    "start",
    "end",
    "series",
    "topic",
    "teacher",
    "teacher_name",
    "attendees",
)


@dataclass(frozen=True)
class Held:
    """A seminar session that is held: its date, series, lesson and the fellows there."""

    seminar: Seminar
    series: Didactics
    lesson: Lesson
    attendees: list[str]  # fellow ids, in config order


def held_lessons(problem: Problem, schedule: Schedule) -> list[Held]:
    """Every seminar session held, in date order per series, with who attends it."""
    away = problem.leave_taken(schedule.granted_leave)
    out = []
    for seminar in problem.seminars:
        series = problem.didactics[seminar.series]
        lesson = schedule.lesson_on(series.id, seminar.date.isoformat())
        if lesson is None:
            continue
        present = [
            fellow.id
            for f, fellow in enumerate(problem.fellows)
            if problem.attends(f, seminar, schedule.rotation_of(fellow.id, seminar.block), away[f])
        ]
        out.append(Held(seminar, series, lesson, present))
    return out


def didactics_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str]]:
    """One row per seminar session held, by date and series, attendees `;`-separated."""
    faculty = {p.id: p.name for p in problem.faculty}
    rows = []
    for held in held_lessons(problem, schedule):
        start = dt.datetime.combine(held.seminar.date, held.series.start_time)
        end = start + dt.timedelta(minutes=held.series.duration_minutes)
        rows.append(
            {
                "date": held.lesson.date,
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "series": held.series.id,
                "topic": held.lesson.topic,
                "teacher": held.lesson.teacher,
                "teacher_name": faculty[held.lesson.teacher],
                "attendees": ";".join(held.attendees),
            }
        )
    return sorted(rows, key=lambda row: (row["date"], row["start"], row["series"]))


def didactics_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(DIDACTICS_COLUMNS, didactics_rows(problem, schedule))


def attendance_counts(problem: Problem, schedule: Schedule, series: int) -> dict:
    """Fellow id -> topic id -> how many sessions of the topic the fellow attends."""
    topics = problem.didactics[series].topics
    counts = {f.id: {t.id: 0 for t in topics} for f in problem.fellows}
    for held in held_lessons(problem, schedule):
        if held.seminar.series == series:
            for fid in held.attendees:
                counts[fid][held.lesson.topic] += 1
    return counts


def mentor_meetings(problem: Problem, schedule: Schedule) -> list[tuple[int, str, Meeting]]:
    """(fellow index, mentor id, meeting) for every mentoring period of every fellow."""
    taken = problem.leave_taken(schedule.granted_leave)
    return [
        (f, mentor, meeting)
        for f, fellow in enumerate(problem.fellows)
        if (mentor := schedule.mentors.get(fellow.id)) is not None
        for meeting in problem.meetings(f, mentor, taken[f])
    ]


def meeting_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    """One row per fellow and mentoring period: the mentor and the day they meet (empty when
    they are never both free in the period)."""
    return [
        {
            "fellow": problem.fellows[f].id,
            "mentor": mentor,
            "period": meeting.period,
            "from": meeting.first.isoformat(),
            "to": meeting.last.isoformat(),
            "date": meeting.date.isoformat() if meeting.date else "",
        }
        for f, mentor, meeting in mentor_meetings(problem, schedule)
    ]


AGENDA_COLUMNS = ("date", "conference", "order", "case", "type", "presenter", "needs", "minutes")


def agenda_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    """One row per case discussed, by date, conference and order; needs `;`-separated. No
    summary: agendas leave the building, summaries do not."""
    cases = {case.ref: case for case in problem.cases}
    rows = []
    for slot in schedule.agenda:
        case = cases.get(slot.case)
        rows.append(
            {
                "date": slot.date,
                "conference": slot.conference,
                "order": slot.order,
                "case": slot.case,
                "type": (case.type or "") if case else "",
                "presenter": slot.presenter,
                "needs": ";".join(case.needs) if case else "",
                "minutes": case.minutes if case else "",
            }
        )
    return sorted(rows, key=lambda row: (row["date"], row["conference"], row["order"]))


def agenda_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(AGENDA_COLUMNS, agenda_rows(problem, schedule))


MENTORS_COLUMNS = ("fellow", "mentor")


def mentors_csv(problem: Problem, schedule: Schedule) -> bytes:
    rows = [
        {"fellow": f.id, "mentor": schedule.mentors[f.id]}
        for f in problem.fellows
        if f.id in schedule.mentors
    ]
    return csv_bytes(MENTORS_COLUMNS, rows)


CALL_COLUMNS = ("date", "call", "fellow", "hours", "call_name", "fellow_name")


def call_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    """One row per fellow on a duty, by date and call: the duty's first day and its hours."""
    calls = {call.id: call for call in problem.config.call}
    names = {fellow.id: fellow.name for fellow in problem.fellows}
    return [
        {
            "date": x.date,
            "call": x.call,
            "fellow": x.fellow,
            "hours": calls[x.call].hours,
            "call_name": calls[x.call].name,
            "fellow_name": names[x.fellow],
        }
        for x in schedule.calls
    ]


def call_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(CALL_COLUMNS, call_rows(problem, schedule))


HOURS_COLUMNS = (
    "fellow",
    "week",
    "start",
    "end",
    "rotation_hours",
    "call_hours",
    "hours",
    "average",
    "days_off",
)


def hours_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    """One row per fellow and week inside their dates: rotation and call hours, their sum, the
    average over the run of weeks that ends with it (max_weekly's; empty before the first full
    run) and the days off."""
    duty = problem.config.duty_hours
    rows = []
    for fid, weeks in duty_weeks(problem, schedule).items():
        inside = [w for w in weeks if w.inside]
        n = duty.max_weekly.averaged_over_weeks
        for i, week in enumerate(inside):
            run = inside[i - n + 1 : i + 1] if i + 1 >= n else []
            average = sum(w.hours for w in run) / n if run else None
            rows.append(
                {
                    "fellow": fid,
                    "week": week.number,
                    "start": week.start.isoformat(),
                    "end": week.end.isoformat(),
                    "rotation_hours": f"{float(week.rotation):.1f}",
                    "call_hours": week.call,
                    "hours": f"{float(week.hours):.1f}",
                    "average": "" if average is None else f"{float(average):.2f}",
                    "days_off": week.days_off,
                }
            )
    return rows


def hours_csv(problem: Problem, schedule: Schedule) -> bytes:
    return csv_bytes(HOURS_COLUMNS, hours_rows(problem, schedule))
