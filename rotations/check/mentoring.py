"""Checks of mentoring, re-derived from the pairs (mirrors rotations/model/rules/mentoring.py)."""

from __future__ import annotations

from collections import Counter

from rotations.check.violations import broken
from rotations.implied import MentoringRules
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_mentoring(rule: MentoringRules, problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every fellow has a mentor from `mentors`, none more than `max_mentees` fellows; soft:
    mentors of a discipline among the fellow's tags, and wishes not granted."""
    mentoring = problem.config.mentoring
    one, out = rule.parts["mentoring.mentors"], []
    faculty = {p.id: p for p in problem.faculty}
    for fellow in problem.fellows:
        mentor = schedule.mentors.get(fellow.id)
        if mentor not in mentoring.mentors:
            out.append(broken(one, f"{fellow.id} has no mentor from the list", fellow.id))
    if mentoring.max_mentees is not None:
        for mentor, n in sorted(Counter(schedule.mentors.values()).items()):
            if n > mentoring.max_mentees:
                message = f"{mentor} mentors {n} fellows, at most {mentoring.max_mentees}"
                out.append(broken(one, message))
    other = rule.parts.get("mentoring.other_discipline")
    for fellow in problem.fellows if other is not None else []:
        mentor = faculty.get(schedule.mentors.get(fellow.id, ""))
        if mentor is not None and mentor.discipline in fellow.tags:
            message = f"{fellow.id}'s mentor {mentor.id} is of their own discipline"
            out.append(broken(other, message, fellow.id))
    for part in rule.parts.values():
        if part.part != "wishes":
            continue
        wish = mentoring.wishes[part.wish_index]
        if schedule.mentors.get(wish.fellow) != wish.mentor:
            given = schedule.mentors.get(wish.fellow)
            out.append(broken(part, f"{wish.fellow} is mentored by {given}", wish.fellow))
    return out
