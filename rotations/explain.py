"""Why a config has no schedule: the few rules, in the user's words, that cannot all hold.

CP-SAT is solved with one assumption literal per hard rule and fellow, and the conflict it
reports is shrunk to a minimal set: dropping any one member lets a schedule exist (the cheap
arithmetic that runs first is in rotations/precheck.py). Also: the closest schedule a short
relaxed search finds, and why each denied leave request was denied."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rotations.config import Position
from rotations.implied import ProgramRule
from rotations.model import Model, build_model
from rotations.outcome import SolveOptions
from rotations.problem import Problem
from rotations.published import BlockerRecord, LeaveAnswer
from rotations.runner import Deadline, run_solvers
from rotations.schedule import Schedule
from rotations.solve import solver_for


@dataclass(frozen=True)
class Member:
    """One rule of a conflict, as the user wrote it."""

    key: str  # key path: rules[3], rotations.palliative.staffing, leave[2] ...
    position: Position | None
    name: str | None
    statement: str

    @property
    def title(self) -> str:
        return f'{self.key} "{self.name}"' if self.name else self.key


def member(rule: ProgramRule, problem: Problem) -> Member:
    """The conflict member that states `rule`."""
    return Member(rule.key, rule.position, rule.name, rule.describe(problem))


@dataclass(frozen=True)
class Conflict:
    """Rules that cannot all hold together, and the arithmetic that shows it, if any."""

    members: list[Member]
    reason: str | None = None
    proven_minimal: bool = True
    notes: list[str] = field(default_factory=list)


Literal = tuple[str, int | None]  # a hard rule's literal: (rule key, fellow or None)


class Undecided(Exception):
    """The solver could not tell, within its time, whether the rules can all hold."""


def _solve_assuming(
    model: Model, literals: list[Literal], time_limit: float, deadline: Deadline | None
) -> tuple[str, list[Literal]]:
    holds = model.vars.literals
    model.cp.clear_assumptions()
    model.cp.add_assumptions([holds[k] for k in literals])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.catch_sigint_signal = False
    (status,) = run_solvers(model.cp, [solver], deadline=deadline)
    if status == cp_model.INFEASIBLE:
        core = {holds[k].index for k in literals} & set(
            solver.sufficient_assumptions_for_infeasibility()
        )
        return "INFEASIBLE", [k for k in literals if holds[k].index in core] or literals
    return solver.status_name(status), []


def minimal_conflict(
    problem: Problem,
    time_limit: float = 30.0,
    leave_out: tuple[ProgramRule, ...] | None = None,
    fixed: dict[tuple[int, int], str] | None = None,
    deadline: Deadline | None = None,
) -> Conflict | None:
    """A minimal set of rules that cannot all hold (None if the rules can all hold; raises
    Undecided if the solver could not tell in `time_limit` deterministic seconds, or by the
    wall-clock `deadline`).

    Each hard rule has one literal per fellow it binds, so the set also says whom the conflict
    concerns: dropping any one (rule, fellow) member lets a schedule exist. `leave_out` names
    rules not to assume (e.g. denied leave requests); `fixed` pins (fellow, block) cells to a
    rotation unconditionally (the frozen past of a reschedule). By default leave requests are
    left out: they are wishes, not rules."""
    if leave_out is None:
        leave_out = tuple(problem.leave_rules[e] for e in problem.requests())
    skipped = {rule.key for rule in leave_out}
    model = build_model(problem, enforce_hard=False, per_fellow=True, floored=False)
    model.cp.clear_objective()
    for (f, b), rid in (fixed or {}).items():
        if rid in problem.config.rotations:
            model.cp.add(model.vars.on(f, b, rid) == 1)
    literals = [k for k in model.vars.literals if k[0] not in skipped]
    status, core = _solve_assuming(model, literals, time_limit, deadline)
    if status == "UNKNOWN":
        raise Undecided
    if status != "INFEASIBLE":
        return None
    proven = True
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1 :]
        status, smaller = _solve_assuming(model, trial, time_limit, deadline)
        if status == "INFEASIBLE":
            core = smaller
        else:
            proven = proven and status in ("FEASIBLE", "OPTIMAL")
            i += 1
    whom: dict[str, list[int]] = {}
    for key, fellow in core:
        whom.setdefault(key, [])
        if fellow is not None:
            whom[key].append(fellow)
    members = sorted((member(model.vars.rules[k], problem) for k in whom), key=_reading_order)
    fellows = sorted({f for fs in whom.values() for f in fs})
    notes = []
    if fellows and len(fellows) < len(problem.fellows):
        names = ", ".join(problem.fellows[f].id for f in fellows)
        notes.append(f"They already clash for {names} alone.")
    return Conflict(members, proven_minimal=proven, notes=notes)


def request_blockers(
    problem: Problem,
    granted: tuple[int, ...],
    request: int,
    fixed: dict[tuple[int, int], str] | None = None,
    time_limit: float = 10.0,
    deadline: Deadline | None = None,
) -> list[Member] | None:
    """The rules that stand in the way of a denied leave request, or None when it could have
    been granted and was denied only because it weighs less than what granting would cost
    (Undecided when the solver could not tell in time)."""
    denied = tuple(
        problem.leave_rules[e] for e in problem.requests() if e not in granted and e != request
    )
    conflict = minimal_conflict(problem, time_limit, denied, fixed, deadline)
    if conflict is None:
        return None
    return [m for m in conflict.members if m.key != problem.leave_rules[request].key]


def _reading_order(member: Member) -> tuple:
    pos = member.position
    return (pos.file, pos.line, pos.column, member.key) if pos else ("", 0, 0, member.key)


def closest_schedule(
    problem: Problem,
    time_limit: float,
    fixed: dict[tuple[int, int], str] | None = None,
    deadline: Deadline | None = None,
) -> list[Member] | None:
    """The rules broken by the best schedule a short relaxed search finds (each hard rule a
    cost above every soft one): [] when it keeps them all, None when it found no schedule."""
    model = build_model(problem, relax=True)
    for (f, b), rid in (fixed or {}).items():
        if rid in problem.config.rotations:
            model.cp.add(model.vars.on(f, b, rid) == 1)
    hard = [p for p in model.penalties if p.hard]
    model.cp.minimize(sum(p.literal for p in hard))  # soft rules do not matter here
    solver = solver_for(SolveOptions(time_limit=time_limit))
    (code,) = run_solvers(model.cp, [solver], deadline=deadline)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    broken = {p.rule.key: p.rule for p in hard if solver.boolean_value(p.literal)}
    return sorted((member(rule, problem) for rule in broken.values()), key=_reading_order)


def format_members(members: list[Member]) -> str:
    """One line per rule: file:line, its key and name, what it demands."""
    width = max(len(m.title) for m in members)
    where = [f"{m.position.file}:{m.position.line}" if m.position else "" for m in members]
    pad = max(len(w) for w in where)
    return "\n".join(
        f"  {place:<{pad}}  {member.title:<{width}}  {member.statement}"
        for member, place in zip(members, where, strict=True)
    )


def format_conflict(conflict: Conflict) -> str:
    lines = ["These rules cannot all hold:", format_members(conflict.members)]
    if conflict.reason:
        lines.append(conflict.reason)
    lines += conflict.notes
    if len(conflict.members) == 1:
        lines.append("This rule cannot hold on its own: change it and rerun.")
    elif conflict.proven_minimal:
        lines.append("Relaxing any one of them would let a schedule exist.")
    else:
        lines.append("(The solver ran out of time before proving every member is needed.)")
    return "\n".join(lines)


def leave_request_report(
    problem: Problem,
    schedule: Schedule,
    fixed: dict[tuple[int, int], str] | None = None,
    deadline: Deadline | None = None,
) -> list[LeaveAnswer]:
    """Each requested leave: granted, or denied with the rules that stand in the way."""
    report = []
    for e in problem.requests():
        entry = problem.config.leave[e]
        granted = e in schedule.granted_leave
        blockers, why = None, None
        if not granted:
            try:
                blockers = request_blockers(
                    problem, schedule.granted_leave, e, fixed, deadline=deadline
                )
                why = (
                    "granting it would cost more than it weighs"
                    if blockers is None
                    else "; ".join(f"{m.title}: {m.statement}" for m in blockers)
                )
            except Undecided:
                why = "the solver could not tell why within the time limit"
        report.append(
            LeaveAnswer(
                leave=e,
                fellow=entry.fellow,
                start=entry.start,
                end=entry.end,
                reason=entry.reason,
                weight=entry.weight or 1,
                granted=granted,
                blocked_by=[
                    BlockerRecord(
                        rule=m.key,
                        name=m.name,
                        statement=m.statement,
                        where=str(m.position) if m.position else None,
                    )
                    for m in blockers or []
                ],
                why=why,
            )
        )
    return report
