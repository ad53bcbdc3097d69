"""Mentoring: one mentor per fellow, as many mentees as a mentor may take, the wishes and the
other-discipline preference. (Meetings follow from the pairs and the leave: Problem.meetings.)"""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.implied import MentoringRules
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_mentoring(
    rule: MentoringRules, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """A mentor for every fellow from `mentors`, at most `max_mentees` fellows each; soft: a
    mentor of a discipline outside the fellow's tags, and the fellows' wishes."""
    mentoring = problem.config.mentoring
    mentors = [problem.faculty_index(pid) for pid in dict.fromkeys(mentoring.mentors)]
    penalties: list[Penalty] = []
    one = rule.parts["mentoring.mentors"]
    for f, fellow in enumerate(problem.fellows):
        for p in mentors:
            v.mentor[f, p] = model.new_bool_var(f"mentor[{fellow.id},{problem.faculty[p].id}]")
        ok, pen = v.guard(one, f)
        penalties += pen
        model.add(sum(v.mentor[f, p] for p in mentors) == 1).only_enforce_if(ok)
    if mentoring.max_mentees is not None:
        for p in mentors:
            ok, pen = v.guard(one)
            penalties += pen
            mentees = sum(v.mentor[f, p] for f in range(len(problem.fellows)))
            model.add(mentees <= mentoring.max_mentees).only_enforce_if(ok)
    other = rule.parts.get("mentoring.other_discipline")
    for f, fellow in enumerate(problem.fellows if other is not None else []):
        ok, pen = v.guard(other, f)
        penalties += pen
        for p in mentors:
            if problem.faculty[p].discipline in fellow.tags:
                model.add_implication(ok, ~v.mentor[f, p])
    for part in rule.parts.values():
        if part.part == "wishes":
            ok, pen = v.guard(part, part.fellow)
            penalties += pen
            wish = mentoring.wishes[part.wish_index]
            model.add_implication(ok, v.mentor[part.fellow, problem.faculty_index(wish.mentor)])
    return penalties
