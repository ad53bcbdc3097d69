"""Checks of a seminar series, re-derived from its lessons, the rotations, leave and the
faculty's away dates (mirrors rotations/model/rules/didactics.py)."""

from __future__ import annotations

from rotations.check.violations import broken
from rotations.implied import DidacticsRules
from rotations.problem import Problem
from rotations.schedule import Lesson, Schedule, Violation


def check_didactics(rule: DidacticsRules, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every lesson on a session date of the series, one per date, a topic of the series and a
    teacher of that topic who is not away; every fellow attends every topic often enough; each
    topic's teachers share it evenly."""
    series = problem.didactics[rule.series]
    dates = {s.date.isoformat(): s for s in problem.seminars_of(rule.series)}
    topics = {t.id: t for t in series.topics}
    faculty = {p.id: p for p in problem.faculty}
    lessons = [x for x in schedule.lessons if x.series == series.id]
    part, out = rule.parts["teachers"], []
    held: dict[str, str] = {}
    for lesson in lessons:
        seminar = dates.get(lesson.date)
        if seminar is None:
            out.append(broken(part, f"{lesson.date} is not a date of {series.name}"))
            continue
        if lesson.date in held:
            message = f"{lesson.date}: two topics ({held[lesson.date]}, {lesson.topic})"
            out.append(broken(part, message, None, seminar.block))
        held.setdefault(lesson.date, lesson.topic)
        topic, person = topics.get(lesson.topic), faculty.get(lesson.teacher)
        if topic is None or person is None or lesson.teacher not in topic.teachers:
            message = f"{lesson.date}: {lesson.teacher} does not teach {lesson.topic}"
            out.append(broken(part, message, None, seminar.block))
        elif person.away_on(seminar.date) is not None:
            message = f"{lesson.date}: {lesson.teacher} teaches while away"
            out.append(broken(part, message, None, seminar.block))
    return out + _attendance(rule, problem, schedule, lessons) + _balance(rule, problem, lessons)


def _attendance(
    rule: DidacticsRules, problem: Problem, schedule: Schedule, lessons: list[Lesson]
) -> list[Violation]:
    """Every fellow attends every topic `times` times: a session counts for a fellow inside
    their dates, not on leave that day and not on a rotation of `cannot_attend_on`."""
    series = problem.didactics[rule.series]
    part, times = rule.parts["attendance"], series.attendance.times
    away = problem.leave_taken(schedule.granted_leave)
    dates = {s.date.isoformat(): s for s in problem.seminars_of(rule.series)}
    out = []
    for f, fellow in enumerate(problem.fellows):
        for topic in series.topics:
            days = [
                seminar.date
                for x in lessons
                if x.topic == topic.id and (seminar := dates.get(x.date)) is not None
            ]
            row = schedule.assignments[fellow.id]
            attended = sum(
                problem.inside(f, day)
                and day not in away[f]
                and row[dates[day.isoformat()].block] not in series.cannot_attend_on
                for day in days
            )
            if attended >= times:
                continue
            message = f"{fellow.id} attends {topic.name} {attended} of {times} time(s)"
            cost = 0 if part.hard else part.weight * (times - attended)
            out.append(Violation(rule=part, message=message, fellow=fellow.id, cost=cost))
    return out


def _balance(rule: DidacticsRules, problem: Problem, lessons: list[Lesson]) -> list[Violation]:
    """Soft, at `balance_weight` per session: a topic held more often than its share of the
    dates (rounded up); within a topic, each session its busiest teacher gives beyond one more
    than its least busy teacher."""
    series = problem.didactics[rule.series]
    out = []
    dates = len(problem.seminars_of(rule.series))
    share = -(-dates // len(series.topics))
    for topic in series.topics if series.balance_weight else []:
        held = sum(x.topic == topic.id for x in lessons)
        if held > share:
            out.append(
                Violation(
                    rule=rule.parts["teaching_balance"],
                    message=f"{topic.name} is held {held} times, more than its share of the "
                    f"dates ({share})",
                    cost=series.balance_weight * (held - share),
                )
            )
    for topic in series.topics if series.balance_weight else []:
        teachers = list(dict.fromkeys(topic.teachers))
        if len(teachers) < 2:
            continue
        loads = {p: sum(x.topic == topic.id and x.teacher == p for x in lessons) for p in teachers}
        uneven = max(loads.values()) - min(loads.values()) - 1
        if uneven > 0:
            shares = ", ".join(f"{p} {n}" for p, n in loads.items())
            out.append(
                Violation(
                    rule=rule.parts["teaching_balance"],
                    message=f"{topic.name} is taught unevenly ({shares})",
                    cost=series.balance_weight * uneven,
                )
            )
    return out
