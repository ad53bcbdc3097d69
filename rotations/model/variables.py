"""The CP-SAT decision variables, rule literals and penalty terms."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.problem import Problem


@dataclass(frozen=True)
class Penalty:
    """A soft term of the objective: `weight` when `literal` is 1 (a violated rule instance)."""

    literal: cp_model.IntVar
    weight: int
    key: str  # the rule's key path, e.g. rules[3]
    kind: str  # the rule type, e.g. prefer
    fellow: int | None = None
    block: int | None = None
    hard: bool = False  # a hard rule broken under --relax


class Variables:
    """x[f][b][r] = 1 when fellow f is on rotation r in block b; one literal per hard rule."""

    def __init__(
        self,
        model: cp_model.CpModel,
        problem: Problem,
        relax: bool = False,
        per_fellow: bool = False,
        frozen_before: int = 0,
    ) -> None:
        self.model = model
        self.problem = problem
        self.relax = relax
        self.per_fellow = per_fellow  # one literal per (hard rule, fellow), to say whom a
        # conflict concerns
        self.frozen_before = frozen_before  # blocks before it are published and kept: hard
        # rules that touch them (or span the year) may break there, at a cost
        self.x = [
            [
                [model.new_bool_var(f"x[{f.id},{b.number},{r}]") for r in problem.rotations]
                for b in problem.blocks
            ]
            for f in problem.fellows
        ]
        self.rule_literals: dict[str, cp_model.IntVar] = {}
        self.present: dict[tuple[int, int], cp_model.IntVar] = {}  # (session, fellow)
        self.panel: dict[tuple[int, int], cp_model.IntVar] = {}  # (session, faculty member)
        self.present_despite_leave: dict[tuple, cp_model.IntVar] = {}

    def on(self, fellow: int, block: int, rotation: str) -> cp_model.IntVar:
        return self.x[fellow][block][self.problem.rotation_index(rotation)]

    def rule_literal(self, key: str) -> cp_model.IntVar:
        """The literal that switches a hard rule instance on (fixed true, or an assumption)."""
        if key not in self.rule_literals:
            self.rule_literals[key] = self.model.new_bool_var(f"holds[{key}]")
        return self.rule_literals[key]

    def leave_literal(self, entry: int) -> cp_model.IntVar:
        """True when leave entry `entry` stands (always, except while explaining a conflict)."""
        return self.rule_literal(f"leave[{entry}]")

    def guard(
        self,
        key: str,
        kind: str,
        weight: int | None,
        fellow: int | None = None,
        block: int | None = None,
    ) -> tuple[cp_model.IntVar, list[Penalty]]:
        """The literal to enforce one unit of a rule with, and its penalty if the rule is soft.

        A hard rule shares one literal across its units; a soft rule gets a `violated` literal
        per unit (fellow and/or block) whose negation enforces the unit. Under `relax`, hard
        rules are treated like soft ones, their penalties marked hard."""
        touches_past = self.frozen_before and (block is None or block < self.frozen_before)
        if weight is None and not self.relax and not touches_past:
            if self.per_fellow and fellow is not None:
                return self.rule_literal(f"{key}@{fellow}"), []
            return self.rule_literal(key), []
        parts = [key]
        if fellow is not None:
            parts.append(self.problem.fellows[fellow].id)
        if block is not None:
            parts.append(f"block {block + 1}")
        violated = self.model.new_bool_var(f"violated[{','.join(parts)}]")
        hard = weight is None
        return ~violated, [Penalty(violated, weight or 1, key, kind, fellow, block, hard)]
