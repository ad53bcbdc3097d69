"""The CP-SAT decision variables, rule literals and penalty terms."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotations.implied import LeaveEntry, ProgramRule
from rotations.problem import Problem


@dataclass(frozen=True)
class Penalty:
    """A soft term of the objective: `weight` when `literal` is 1 (a violated rule instance).

    `literal` may be an integer variable (a count above a limit)."""

    literal: cp_model.IntVar
    weight: int
    rule: ProgramRule
    fellow: int | None = None
    block: int | None = None
    hard: bool = False  # a hard rule broken under --relax (or in a reschedule's frozen past)


class Variables:
    """x[f][b][r] = 1 when fellow f is on rotation r in block b, y[f, b, r][s] when at site s of
    it; one literal per hard rule."""

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
        # y[f, b, r][s] = 1 when fellow f is on rotation r at site s in block b (rotations with
        # sites only; their sum is x[f][b][r]).
        self.y: dict[tuple[int, int, str], dict[str, cp_model.IntVar]] = {
            (f, b, r): {
                s: model.new_bool_var(f"y[{fellow.id},{b + 1},{r},{s}]")
                for s in problem.sites_of(r)
            }
            for r in problem.sited
            for f, fellow in enumerate(problem.fellows)
            for b in range(len(problem.blocks))
        }
        # The literal that switches a hard rule on, per (rule key, fellow or None), and the rule
        # of each key: assumptions for explanations, fixed true otherwise.
        self.literals: dict[tuple[str, int | None], cp_model.IntVar] = {}
        self.rules: dict[str, ProgramRule] = {}
        self.present: dict[tuple[int, int], cp_model.IntVar] = {}  # (session, fellow)
        self.panel: dict[tuple[int, int], cp_model.IntVar] = {}  # (session, faculty member)
        self.teach: dict[tuple[int, int, int], cp_model.IntVar] = {}  # (seminar, topic, faculty)
        self.mentor: dict[tuple[int, int], cp_model.IntVar] = {}  # (fellow, faculty member)
        self.discuss: dict[tuple[int, int], cp_model.IntVar] = {}  # (case, session)
        self.case_by: dict[tuple[int, int, int], cp_model.IntVar] = {}  # (case, session, fellow)
        self.present_despite_leave: dict[tuple, cp_model.IntVar] = {}
        self.taken: dict[tuple, cp_model.IntVar] = {}  # (fellow, rotation, site, blocks)
        self.call: dict[tuple[int, int], cp_model.IntVar] = {}  # (duty, fellow)

    def on(self, fellow: int, block: int, rotation: str) -> cp_model.IntVar:
        return self.x[fellow][block][self.problem.rotation_index(rotation)]

    def at(self, fellow: int, block: int, site: str) -> list[cp_model.IntVar]:
        """The literals of the fellow being at `site` in the block, one per rotation there (at
        most one of them true)."""
        return [
            there[site] for r in self.problem.sited if site in (there := self.y[fellow, block, r])
        ]

    def rule_literal(self, rule: ProgramRule, fellow: int | None = None) -> cp_model.IntVar:
        """The literal that switches a hard rule on (for one fellow, when explaining whom a
        conflict concerns): fixed true, or an assumption."""
        key = rule.key
        literal = self.literals.get((key, fellow))
        if literal is None:
            name = key if fellow is None else f"{key}@{fellow}"
            literal = self.literals[key, fellow] = self.model.new_bool_var(f"holds[{name}]")
            self.rules[key] = rule
        return literal

    def leave_literal(self, entry: int) -> cp_model.IntVar:
        """True when leave entry `entry` stands (approved leave always does, but while a
        conflict is explained; a request when it is granted)."""
        return self.rule_literal(self.problem.leave_rules[entry])

    def stands(self, key: tuple[str, int | None]) -> bool:
        """Whether the literal `key` is a rule that must hold (not a leave request)."""
        rule = self.rules[key[0]]
        return not (isinstance(rule, LeaveEntry) and rule.requested)

    def guard(
        self, rule: ProgramRule, fellow: int | None = None, block: int | None = None
    ) -> tuple[cp_model.IntVar, list[Penalty]]:
        """The literal to enforce one unit of a rule with, and its penalty if the rule is soft.

        A hard rule shares one literal across its units; a soft rule gets a `violated` literal
        per unit (fellow and/or block) whose negation enforces the unit. Under `relax`, hard
        rules are treated like soft ones, their penalties marked hard."""
        touches_past = self.frozen_before and (block is None or block < self.frozen_before)
        if rule.weight is None and not self.relax and not touches_past:
            return self.rule_literal(rule, fellow if self.per_fellow else None), []
        parts = [rule.key]
        if fellow is not None:
            parts.append(self.problem.fellows[fellow].id)
        if block is not None:
            parts.append(f"block {block + 1}")
        violated = self.model.new_bool_var(f"violated[{','.join(parts)}]")
        weight = rule.weight or 1
        return ~violated, [Penalty(violated, weight, rule, fellow, block, rule.hard)]
