"""Why a config has no schedule: the few rules, in the user's words, that cannot all hold.

First cheap arithmetic (necessary conditions spelled out with their numbers), then CP-SAT with
one assumption literal per rule instance group, shrunk to a minimal set: dropping any one member
lets a schedule exist."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rotations.config import Position, models
from rotations.config.source import SourceMap
from rotations.model import build_model
from rotations.problem import Problem
from rotations.solve import SolveOptions, run_solvers, solver_for


@dataclass(frozen=True)
class Member:
    """One rule instance group of a conflict, as the user wrote it."""

    key: str  # key path: rules[3], rotations.palliative.staffing, leave[2] ...
    position: Position | None
    name: str | None
    statement: str

    @property
    def title(self) -> str:
        return f'{self.key} "{self.name}"' if self.name else self.key


@dataclass(frozen=True)
class Conflict:
    """Rules that cannot all hold together, and the arithmetic that shows it, if any."""

    members: list[Member]
    reason: str | None = None
    proven_minimal: bool = True
    notes: list[str] = field(default_factory=list)


def _path(key: str) -> tuple:
    """`rules[3].x` -> ("rules", 3, "x")."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _fellows_text(problem: Problem, rule: models.RuleBase) -> str:
    if isinstance(rule, models.SingleFellowRule) and rule.fellow is not None:
        return f" (for {rule.fellow})"
    if isinstance(rule.fellows, models.TagSelector):
        return f" (for fellows tagged {', '.join(rule.fellows.tags)})"
    if rule.fellows is not None and not isinstance(rule, models.Apart):
        return f" (for {', '.join(rule.fellows)})"
    if isinstance(rule, models.Apart):
        return f" ({', '.join(problem.fellows[i].id for i in problem.selected(rule))})"
    return ""


def _blocks_text(n: int) -> str:
    return f"{n} block" if n == 1 else f"{n} blocks"


def describe(problem: Problem, key: str) -> Member:
    """A one-line statement of what the rule instance group `key` demands."""
    source = problem.config._source or SourceMap()
    path = _path(key)
    position = source.find(path)
    config = problem.config
    rotations = config.rotations
    name = None
    if path[0] == "rules":
        rule = config.rules[path[1]]
        name = rule.name
        statement = rule.describe(rotations) + _fellows_text(problem, rule)
        if isinstance(rule, models.Window):
            allowed = len(problem.blocks_within(rule.not_before, rule.not_after))
            statement += f" ({_blocks_text(allowed)})"
    elif path[0] == "rotations":
        rotation = rotations[path[1]]
        if path[2] == "staffing":
            staffing = rotation.staffing
            parts = []
            if staffing.min:
                parts.append(f"at least {staffing.min} present every working day")
            if staffing.max is not None:
                parts.append(f"at most {staffing.max} per block")
            statement = f"{rotation.name}: {' and '.join(parts)}"
        elif path[2] == "stint":
            statement = f"every stint on {rotation.name} lasts {rotation.stint.describe('blocks')}"
        else:
            statement = f"no leave during {rotation.name} blocks"
    elif path[0] == "requirements":
        count = config.requirements[path[1]]
        statement = f"every fellow needs {count.describe('blocks')} of {rotations[path[1]].name}"
    elif path[0] == "leave":
        entry = config.leave[path[1]]
        why = f" ({entry.reason})" if entry.reason else ""
        statement = f"{entry.fellow} on leave {entry.start}..{entry.end}{why}"
    else:
        conf = config.conferences[path[1]]
        n = len(problem.sessions_of(path[1])) * conf.presenters / len(problem.fellows)
        statement = {
            "presenters": f"{conf.presenters} presenter(s) at each of "
            f"{len(problem.sessions_of(path[1]))} sessions of {conf.name}",
            "no_presenting_on": f"nobody on {', '.join(conf.no_presenting_on)} presents",
            "spread": f"every fellow presents {math.floor(n)} or {math.ceil(n)} times",
            "min_weeks_between_presentations": f"at least {conf.min_weeks_between_presentations} "
            "weeks between two presentations by the same fellow",
            "panel": f"one available faculty member per discipline "
            f"({', '.join(conf.panel)}) at every session",
        }[path[2]]
        key = f"conferences[{path[1]}].{path[2]}"
    return Member(key, position, name, statement)


# --- arithmetic ------------------------------------------------------------------------------


def arithmetic_conflicts(problem: Problem) -> list[Conflict]:
    """Necessary conditions that fail, each with its members and numbers; cheap, no solver."""
    found: list[Conflict] = []
    config = problem.config
    n_blocks, n_fellows = len(problem.blocks), len(problem.fellows)
    rotations = config.rotations
    requirements = config.requirements

    def conflict(keys: list[str], reason: str) -> None:
        found.append(Conflict([describe(problem, k) for k in keys], reason))

    mins = {r: c.min for r, c in requirements.items() if c.min}
    if sum(mins.values()) > n_blocks:
        terms = " + ".join(str(m) for m in mins.values())
        conflict(
            [f"requirements.{r}" for r in mins],
            f"Every fellow needs {terms} = {sum(mins.values())} blocks, but the year has "
            f"{n_blocks}.",
        )
    if set(requirements) == set(rotations) and all(
        c.max is not None for c in requirements.values()
    ):
        total = sum(c.max for c in requirements.values())
        if total < n_blocks:
            conflict(
                [f"requirements.{r}" for r in requirements],
                f"Every fellow may spend at most {total} blocks on all rotations together, but "
                f"the year has {n_blocks} blocks to fill.",
            )
    capped = {r: rot.staffing.max for r, rot in rotations.items() if rot.staffing}
    full = len(capped) == len(rotations) and all(m is not None for m in capped.values())
    if full and sum(capped.values()) < n_fellows:
        conflict(
            [f"rotations.{r}.staffing" for r in rotations],
            f"Every block needs a place for {n_fellows} fellows, but the rotations take at "
            f"most {' + '.join(str(m) for m in capped.values())} = {sum(capped.values())}.",
        )
    for rid, rotation in rotations.items():
        name = rotation.name
        staffing = rotation.staffing
        count = requirements.get(rid)
        windows = [
            (i, r)
            for i, r in enumerate(config.rules)
            if isinstance(r, models.Window) and r.hard and r.rotation == rid and r.fellows is None
        ]
        allowed = set(range(n_blocks))
        for _, window in windows:
            allowed &= set(problem.blocks_within(window.not_before, window.not_after))
        if count and count.min and staffing and staffing.max is not None:
            need, fit = n_fellows * count.min, len(allowed) * staffing.max
            if need > fit:
                conflict(
                    [f"rotations.{rid}.staffing", f"requirements.{rid}"]
                    + [f"rules[{i}]" for i, _ in windows],
                    f"{n_fellows} fellows × {count.min} blocks = {need} {name} blocks, but only "
                    f"{len(allowed)} blocks × {staffing.max} fellow(s) fit.",
                )
        elif count and count.min and len(allowed) < count.min and windows:
            conflict(
                [f"requirements.{rid}"] + [f"rules[{i}]" for i, _ in windows],
                f"Every fellow needs {count.min} {name} blocks, but only {len(allowed)} blocks "
                "lie inside the window.",
            )
        if count and count.max is not None and staffing and staffing.min:
            need, give = staffing.min * n_blocks, n_fellows * count.max
            if need > give:
                conflict(
                    [f"rotations.{rid}.staffing", f"requirements.{rid}"],
                    f"{name} needs {staffing.min} fellow(s) × {n_blocks} blocks = {need} "
                    f"fellow-blocks, but {n_fellows} fellows × at most {count.max} blocks = "
                    f"{give}.",
                )
    found += _presence_conflicts(problem)
    found += _pin_conflicts(problem)
    return found


def _presence_conflicts(problem: Problem) -> list[Conflict]:
    """Working days on which the staffing minimums need more fellows than are present."""
    minimums = {
        r: rot.staffing.min
        for r, rot in problem.config.rotations.items()
        if rot.staffing and rot.staffing.min
    }
    need = sum(minimums.values())
    if not need:
        return []
    for b, days in enumerate(problem.working_days):
        for day in days:
            away = [f for f in range(len(problem.fellows)) if problem.on_leave(f, day)]
            here = len(problem.fellows) - len(away)
            if here >= need:
                continue
            entries = sorted({e for f in away for e in problem.entries_on(f, day)})
            keys = [f"rotations.{r}.staffing" for r in minimums] + [f"leave[{e}]" for e in entries]
            terms = " + ".join(f"{r} {m}" for r, m in minimums.items())
            who = ", ".join(problem.fellows[f].id for f in away)
            have = (
                f"{len(problem.fellows)} fellows − {len(away)} on leave ({who}) = {here}"
                if away
                else f"the program has {here} fellows"
            )
            return [
                Conflict(
                    [describe(problem, k) for k in keys],
                    f"On {day} (block {b + 1}) {need} fellows must be present ({terms}), but "
                    f"{have}.",
                )
            ]
    return []


def _pin_conflicts(problem: Problem) -> list[Conflict]:
    config = problem.config
    out: list[Conflict] = []
    pins = [(i, r) for i, r in enumerate(config.rules) if isinstance(r, models.Pin) and r.hard]
    seen: dict[tuple[int, int], tuple[int, str]] = {}
    for i, pin in pins:
        for f in problem.selected(pin):
            fid = problem.fellows[f].id
            rotation = config.rotations[pin.rotation]
            for number in pin.blocks:
                b = number - 1
                other = seen.setdefault((f, b), (i, pin.rotation))
                if other[1] != pin.rotation:
                    out.append(
                        Conflict(
                            [
                                describe(problem, f"rules[{other[0]}]"),
                                describe(problem, f"rules[{i}]"),
                            ],
                            f"{fid} cannot be on {config.rotations[other[1]].name} and "
                            f"{rotation.name} in block {number}.",
                        )
                    )
                entries = problem.entries_in_block(f, b)
                if rotation.leave == "forbidden" and entries:
                    keys = [f"rules[{i}]", f"rotations.{pin.rotation}.leave"]
                    out.append(
                        Conflict(
                            [describe(problem, k) for k in keys + [f"leave[{e}]" for e in entries]],
                            f"{fid} is pinned to {rotation.name} in block {number} but on leave "
                            f"then, and {rotation.name} forbids leave.",
                        )
                    )
                for j, window in enumerate(config.rules):
                    if (
                        isinstance(window, models.Window)
                        and window.hard
                        and window.rotation == pin.rotation
                        and f in problem.selected(window)
                        and b not in problem.blocks_within(window.not_before, window.not_after)
                    ):
                        out.append(
                            Conflict(
                                [
                                    describe(problem, f"rules[{i}]"),
                                    describe(problem, f"rules[{j}]"),
                                ],
                                f"{fid} is pinned to {rotation.name} in block {number}, outside "
                                "the window that rotation is allowed in.",
                            )
                        )
    return out


# --- the solver's minimal set ----------------------------------------------------------------


def _solve_assuming(model, keys: list[str], time_limit: float) -> tuple[str, list[str]]:
    literals = model.vars.rule_literals
    model.cp.clear_assumptions()
    model.cp.add_assumptions([literals[k] for k in keys])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.catch_sigint_signal = False
    (status,) = run_solvers(model.cp, [solver])
    if status == cp_model.INFEASIBLE:
        core = {literals[k].index for k in keys} & set(
            solver.sufficient_assumptions_for_infeasibility()
        )
        return "INFEASIBLE", [k for k in keys if literals[k].index in core] or keys
    return solver.status_name(status), []


def minimal_conflict(
    problem: Problem,
    time_limit: float = 30.0,
    leave_out: tuple[str, ...] | None = None,
    fixed: dict[tuple[int, int], str] | None = None,
) -> Conflict | None:
    """A minimal set of rule groups that cannot all hold (None if the rules can all hold).

    Each hard rule has one literal per fellow it binds, so the set also says whom the conflict
    concerns: dropping any one (rule, fellow) member lets a schedule exist. `leave_out` names
    literal keys not to assume (e.g. denied leave requests); `fixed` pins (fellow, block) cells
    to a rotation unconditionally (the frozen past of a reschedule). By default leave requests
    are left out: they are wishes, not rules."""
    if leave_out is None:
        leave_out = tuple(f"leave[{e}]" for e in problem.requests())
    model = build_model(problem, enforce_hard=False, per_fellow=True)
    model.cp.clear_objective()
    for (f, b), rid in (fixed or {}).items():
        if rid in problem.config.rotations:
            model.cp.add(model.vars.on(f, b, rid) == 1)
    keys = [k for k in model.vars.rule_literals if k not in leave_out]
    status, core = _solve_assuming(model, keys, time_limit)
    if status != "INFEASIBLE":
        return None
    proven = True
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1 :]
        status, smaller = _solve_assuming(model, trial, time_limit)
        if status == "INFEASIBLE":
            core = smaller
        else:
            proven = proven and status in ("FEASIBLE", "OPTIMAL")
            i += 1
    whom: dict[str, list[int]] = {}
    for key in core:
        rule, _, fellow = key.partition("@")
        whom.setdefault(rule, [])
        if fellow:
            whom[rule].append(int(fellow))
    members = sorted((describe(problem, k) for k in whom), key=_reading_order)
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
) -> list[Member] | None:
    """The rules that stand in the way of a denied leave request, or None when it could have
    been granted and was denied only because it weighs less than what granting would cost."""
    denied = tuple(f"leave[{e}]" for e in problem.requests() if e not in granted and e != request)
    conflict = minimal_conflict(problem, time_limit, leave_out=denied, fixed=fixed)
    if conflict is None:
        return None
    return [m for m in conflict.members if m.key != f"leave[{request}]"]


def _reading_order(member: Member) -> tuple:
    pos = member.position
    return (pos.file, pos.line, pos.column, member.key) if pos else ("", 0, 0, member.key)


def closest_schedule(
    problem: Problem, time_limit: float, fixed: dict[tuple[int, int], str] | None = None
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
    (code,) = run_solvers(model.cp, [solver])
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    keys = {p.key for p in hard if solver.boolean_value(p.literal)}
    return sorted((describe(problem, k) for k in keys), key=_reading_order)


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
    problem: Problem, schedule, fixed: dict[tuple[int, int], str] | None = None
) -> list[dict]:
    """Each requested leave: granted, or denied with the rules that stand in the way."""
    report = []
    for e in problem.requests():
        entry = problem.config.leave[e]
        granted = e in schedule.granted_leave
        record = {
            "leave": e,
            "fellow": entry.fellow,
            "start": entry.start.isoformat(),
            "end": entry.end.isoformat(),
            "reason": entry.reason,
            "weight": entry.weight or 1,
            "granted": granted,
            "blocked_by": [],
        }
        if not granted:
            blockers = request_blockers(problem, schedule.granted_leave, e, fixed)
            if blockers is None:
                record["why"] = "granting it would cost more than it weighs"
            else:
                record["why"] = "; ".join(f"{m.title}: {m.statement}" for m in blockers)
                record["blocked_by"] = [
                    {
                        "rule": m.key,
                        "name": m.name,
                        "statement": m.statement,
                        "where": str(m.position) if m.position else None,
                    }
                    for m in blockers
                ]
        report.append(record)
    return report
