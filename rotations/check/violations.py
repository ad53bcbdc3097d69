"""What every checker needs: a Violation for one broken unit of a rule, the fellows a rule
binds, and the runs of consecutive blocks in a fellow's year."""

from __future__ import annotations

from collections.abc import Iterator

from rotations.config.rules import RuleBase
from rotations.implied import ProgramRule
from rotations.problem import Problem
from rotations.schedule import Violation


def broken(
    rule: ProgramRule, message: str, fellow: str | None = None, block: int | None = None
) -> Violation:
    """A violation of one unit of `rule`; `block` is a 0-based index. A soft rule's unit costs
    its weight."""
    return Violation(
        rule=rule,
        message=message,
        fellow=fellow,
        block=None if block is None else block + 1,
        cost=0 if rule.hard else rule.weight,
    )


def bound(problem: Problem, rule: RuleBase) -> list[str]:
    """Ids of the fellows `rule` binds."""
    return [problem.fellows[i].id for i in problem.selected(rule)]


def runs(rotations: list[str], wanted: set[str]) -> Iterator[tuple[int, int]]:
    """(first, last) 0-based block indices of each maximal run on any of `wanted`."""
    start = None
    for b, rid in enumerate([*rotations, None]):
        if rid in wanted and start is None:
            start = b
        elif rid not in wanted and start is not None:
            yield start, b - 1
            start = None
