"""Every rule type in one table: its rule class, which states the rule (`describe`) and carries
a reference example (`example`); the builder that puts it into the CP-SAT model
(rotations/model/rules/<family>.py); and the independent checker that verifies a finished
schedule against it (rotations/check/<family>.py, the same family name).

Adding a rule type: a class in rotations/config/rules.py (or rotations/implied.py for a rule
another key implies), a builder in its family's model module and a checker in its family's
check module, each listed in its package's table; a satisfied/violated case in
tests/test_rules.py. Importing this module fails if a class lacks a builder or a checker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rotations.check import CHECKERS
from rotations.config.rules import RULE_CLASSES
from rotations.duties import CALL_CLASSES
from rotations.implied import IMPLIED_CLASSES
from rotations.model.rules import BUILDERS


@dataclass(frozen=True)
class RuleType:
    """One rule type: its class, builder and checker."""

    rule: type
    build: Callable
    check: Callable

    @property
    def family(self) -> str:
        """The module name its builder and checker share (sequence, placement, ...)."""
        return self.build.__module__.rsplit(".", 1)[-1]


def _registry() -> dict[type, RuleType]:
    classes = (*IMPLIED_CLASSES, *CALL_CLASSES, *RULE_CLASSES)
    missing = [c.__name__ for c in classes if c not in BUILDERS or c not in CHECKERS]
    if missing or set(BUILDERS) != set(CHECKERS) or set(BUILDERS) != set(classes):
        raise RuntimeError(f"rule types without a builder or a checker: {', '.join(missing)}")
    return {c: RuleType(c, BUILDERS[c], CHECKERS[c]) for c in classes}


RULE_TYPES: dict[type, RuleType] = _registry()
