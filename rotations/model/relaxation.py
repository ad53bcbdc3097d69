"""The relaxation of the wishes: what unmet wishes cost at least, so that the solver can prove
what it finds when wishes cannot all be met (model/bounds.py combines it with the other floors).

The wishes alone are solved as a small relaxation of the program: a fellow can be on a rotation
in a block only where the hard rules of that fellow allow it (inside their dates, not outside a
window, not where pinned elsewhere, not on approved leave where leave is forbidden), on one
rotation per block, on a rotation no more blocks than its requirement allows, on these rotations
together no more blocks than the other rotations' requirement minimums leave, and with no more
fellows on a rotation in a block than its staffing allows. A procedure target counts in it as
in the model, its cases at most each rotation's exposure times the days a fellow is present,
on every block the fellow may be on such a rotation (and as many as their requirement minimum
of it). Every schedule of the program is a schedule of this relaxation, so its least unmet
total and its least worst-off fellow are floors for the real ones: a five-week wish for a
rotation required twice misses three weeks, sixty fellows wanting Elective in the same three
weeks of fifteen seats miss most of them.

Two more floors come from the same relaxation: the least of the unmet total plus the worst-off
fellow's cost once per fellow, as the objective weighs them (above the two floors added where
the fairest schedules are not those that miss least: wishes competing for seats), and each
fellow's own floor, the relaxation without staffing (then one small problem per fellow), which
the steps of rotations/fairness.py bring fellows down to.

The solves of every relaxation (these, mentoring's, each fellow alone) run here: one worker
each, within RELAXATION_LIMIT."""

from __future__ import annotations

import math
from typing import NamedTuple

from ortools.sat.python import cp_model

from rotations.config import rules
from rotations.implied import Staffing, Target
from rotations.problem import Problem
from rotations.runner import Deadline, Interrupted, run_solvers
from rotations.strategy import RELAXATION_LIMIT, STAFFED_LIMIT


class Relaxed(NamedTuple):
    """The relaxation's floors: the unmet total, the worst-off fellow's cost, the two together
    as the objective weighs them, and each fellow's own (see bounds.Floors)."""

    unmet: int = 0
    worst: int = 0
    together: int = 0
    own: tuple[int, ...] = ()


def wish_relaxation(problem: Problem) -> Relaxed:
    """The floors of one fellow's wishes (the `rules:` prefer and avoid, the procedure
    targets' missing cases), from the relaxation of the module docstring."""
    built = _relaxation(problem)
    if built is None:
        return Relaxed()
    cp, on, costs, _, targets = built
    total = sum(sum(terms) for terms in costs.values())
    # Measured on the 120-fellow family programs with procedure targets: the presolve was three
    # quarters of each solve's wall time (22 s of floors, 7 s without it). Not without targets:
    # there it costs little, and L-compete seed 3's search, from the floors without it (its
    # two together 1478 instead of 1458), found its first schedule at 46 s or none in 60 s
    # instead of 22 s (benchmarks/RESULTS.md).
    presolve = not targets
    own = _own(problem, cp, costs, total, presolve)
    _seats(problem, cp, on)
    # No fellow costs less than their own floor, so neither does the worst-off one.
    highest = max(own, default=0)
    solvers = [relaxation_solver(presolve=presolve) for _ in range(2)]
    unmet, together, code, worst = _both(problem, built, highest, solvers)
    if code == cp_model.OPTIMAL and unmet == 0:
        return Relaxed(own=own)  # nothing missed, so no fellow is worse off than another
    if together == unmet + problem.fairness_weight * highest:
        # The least of both together is the least of each: the worst-off fellow needs no
        # solve of their own (the hardest of the three, a minimum of a maximum).
        return Relaxed(unmet, highest, together, own)
    return Relaxed(unmet, least(cp, worst, presolve), together, own)


class Built(NamedTuple):
    """The relaxation's model before staffing: its variables by fellow, block and rotation,
    each fellow's cost terms, the wishes and the targets it has."""

    cp: cp_model.CpModel
    on: dict[tuple[int, int, str], cp_model.IntVar]
    costs: dict[int, list]
    wishes: list
    targets: list


def _relaxation(problem: Problem) -> Built | None:
    """The relaxation's model before staffing, or None without wishes or targets."""
    # The other wishes (want, prefer_site, site_change, idle) cost nothing in it: still floors.
    wishes = [r for r in problem.config.rules if isinstance(r, rules.Wish) and not r.hard]
    targets = [r for r in problem.rules if isinstance(r, Target)]
    if not wishes and not targets:
        return None
    cp = cp_model.CpModel()
    on: dict[tuple[int, int, str], cp_model.IntVar] = {}
    costs: dict[int, list] = {}
    for rule in wishes:
        for f in problem.selected(rule):
            pinned = _pinned(problem, f)
            for b in problem.blocks_overlapping(rule.start, rule.end):
                if isinstance(rule, rules.Avoid):
                    if pinned.get(b) == rule.rotation:
                        costs.setdefault(f, []).append(rule.weight)  # missed in any schedule
                    continue
                if not _may_be_on(problem, f, b, rule.rotation, pinned):
                    costs.setdefault(f, []).append(rule.weight)
                    continue
                key = (f, b, rule.rotation)
                if key not in on:
                    on[key] = cp.new_bool_var(f"on{key}")
                costs.setdefault(f, []).append(rule.weight * (1 - on[key]))
    whole = sorted({rid for rule in targets for rid in problem.exposure(rule.procedure)})
    for rotation in whole:
        _whole(problem, cp, on, rotation)
    for rule in targets:
        _cases(problem, cp, on, costs, rule)
    _limit(problem, cp, on)
    return Built(cp, on, costs, wishes, targets)


def staffed_floors(problem: Problem, deadline: Deadline | None = None) -> tuple[int, int]:
    """The unmet total and the two together (the unmet total plus the worst-off fellow's cost
    once per fellow) of the relaxation with the staffing minimums of the rotations where
    procedure targets count cases, each block: every fellow who may be on such a rotation has a
    variable of it (_whole), so at least the minimum of them are on it in every schedule. The
    fellows must then take their cases in the weeks of holidays and of others' leave too, and
    the floors rise (L seed 0 of the benchmark families: the unmet total 1805 -> 3983, the two
    together 4205 -> 8063). Harder than the relaxation without them: solved, with CP-SAT's
    presolve, within STAFFED_LIMIT each, side by side, by the `deadline`; (0, 0) without
    targets or minimums."""
    built = _relaxation(problem)
    if built is None or not built.targets:
        return 0, 0
    whole = {rid for rule in built.targets for rid in problem.exposure(rule.procedure)}
    minimums = [
        rule
        for rule in problem.rules
        if isinstance(rule, Staffing) and rule.hard and rule.count.min and rule.rotation in whole
    ]
    if not minimums:
        return 0, 0
    _seats(problem, built.cp, built.on, minimums)
    solvers = [relaxation_solver(limit=STAFFED_LIMIT) for _ in range(2)]
    unmet, together, _, _ = _both(problem, built, 0, solvers, deadline)
    return unmet, together


def _both(
    problem: Problem,
    built: Built,
    lowest: int,
    solvers: list[cp_model.CpSolver],
    deadline: Deadline | None = None,
) -> tuple[int, int, int, cp_model.IntVar]:
    """The unmet total and the two together (with the worst-off fellow's cost, at least
    `lowest`, once per fellow), side by side, one core each (L seed 4's floors: 18.7 s of wall
    clock one after the other); the unmet total's status and the worst-off fellow's cost.
    The model is left minimising the unmet total."""
    cp, costs = built.cp, built.costs
    total = sum(sum(terms) for terms in costs.values())
    most = sum(r.weight for r in built.wishes) * len(problem.blocks)  # a fellow's most
    most += sum(r.weight * r.target.min for r in built.targets if not r.hard)
    worst = cp.new_int_var(lowest, max(lowest, most), "worst")
    for terms in costs.values():
        cp.add(worst >= sum(terms))
    both = cp.clone()
    cp.minimize(total)
    both.minimize(total + problem.fairness_weight * worst)
    codes = run_relaxations([cp, both], solvers, deadline)
    unmet, together = (solved_bound(s, c) for s, c in zip(solvers, codes, strict=True))
    return unmet, together, codes[0], worst


def _whole(problem: Problem, cp: cp_model.CpModel, on: dict, rotation: str) -> None:
    """A variable for every fellow and block that may be on `rotation` (a rotation where a
    procedure target counts cases), so that each fellow's requirement minimum of it holds in
    the relaxation too."""
    for f in range(len(problem.fellows)):
        pinned = _pinned(problem, f)
        group = []
        for b in range(len(problem.blocks)):
            if _may_be_on(problem, f, b, rotation, pinned):
                key = (f, b, rotation)
                if key not in on:
                    on[key] = cp.new_bool_var(f"on{key}")
                group.append(on[key])
        least = problem.requirement(f, rotation)
        if least is not None and least.min:
            cp.add(sum(group) >= least.min)


def _cases(problem: Problem, cp: cp_model.CpModel, on: dict, costs: dict, rule: Target) -> None:
    """A procedure target in the relaxation (model/rules/exposure.py, counted in fifths of a
    case), on the variables of _whole: a fellow's expected cases are at most each rotation's
    exposure times the working days they are present (a requested leave as if denied) in the
    blocks they are on it. A hard target holds; a soft one costs its weight per missing case."""
    rates = problem.exposure(rule.procedure)
    first = problem.counted_from(0)
    for f in rule.bound(problem):
        need = 5 * (rule.target.min - problem.logged(f, rule.procedure, first))
        if need <= 0:
            continue
        fifths = [
            rate * len(problem.present_days(f, b, problem.leave_days[f])) * on[f, b, rid]
            for rid, rate in rates.items()
            for b in range(first, len(problem.blocks))
            if (f, b, rid) in on
        ]
        if rule.hard:
            cp.add(sum(fifths) >= need)
        else:
            missing = cp.new_int_var(0, rule.target.min, f"missing[{rule.key},{f}]")
            cp.add(5 * missing + sum(fifths) >= need)
            costs.setdefault(f, []).append(rule.weight * missing)


def _own(
    problem: Problem, cp: cp_model.CpModel, costs: dict[int, list], total, presolve: bool
) -> tuple:
    """Each fellow's own floor: the relaxation before staffing couples the fellows is one
    small problem per fellow, so one solve of their total gives each their least."""
    if isinstance(total, int):
        return ()
    solver, code = _minimise(cp, total, presolve)
    if code != cp_model.OPTIMAL:
        return ()
    return tuple(
        sum(solver.value(term) for term in costs.get(f, [])) for f in range(len(problem.fellows))
    )


def _limit(problem: Problem, cp: cp_model.CpModel, on: dict) -> None:
    """One rotation per fellow and block; requirements' maximums; the blocks other rotations'
    requirement minimums leave."""
    by_cell: dict[tuple[int, int], list] = {}
    by_need: dict[tuple[int, str], list] = {}
    for (f, b, rid), var in on.items():
        by_cell.setdefault((f, b), []).append(var)
        by_need.setdefault((f, rid), []).append(var)
    for group in by_cell.values():
        if len(group) > 1:
            cp.add_at_most_one(group)
    for (f, rid), group in by_need.items():
        need = problem.requirement(f, rid)
        if need is not None and need.max is not None and need.max < len(group):
            cp.add(sum(group) <= need.max)
    by_fellow: dict[int, dict[str, list]] = {}
    for (f, rid), group in by_need.items():
        by_fellow.setdefault(f, {})[rid] = group
    for f, groups in by_fellow.items():
        free = sum(problem.active(f, b) for b in range(len(problem.blocks)))
        for rid in problem.rotations:
            need = problem.requirement(f, rid)
            if rid not in groups and need is not None:
                free -= need.min or 0
        wished = [var for group in groups.values() for var in group]
        if free < len(wished):
            cp.add(sum(wished) <= max(0, free))


def _seats(problem: Problem, cp: cp_model.CpModel, on: dict, minimums: list[Staffing] = ()) -> None:
    """Staffing maximums: no more fellows on a rotation in a block than it seats; and the
    `minimums` (of rotations whose every possible fellow has a variable): at least that many in
    every block with a working day (a block without any needs none)."""
    by_seat: dict[tuple[int, str], list] = {}
    for (_, b, rid), var in on.items():
        by_seat.setdefault((b, rid), []).append(var)
    for (_, rid), group in by_seat.items():
        staffing = problem.rotation(rid).staffing
        if staffing is not None and staffing.max is not None and staffing.max < len(group):
            cp.add(sum(group) <= staffing.max)
    for rule in minimums:
        for b in (b for b in range(len(problem.blocks)) if problem.working_days[b]):
            cp.add(sum(by_seat.get((b, rule.rotation), [])) >= rule.count.min)


def least(cp: cp_model.CpModel, objective, presolve: bool = True) -> int:
    """The least value of `objective` (its proven bound, rounded up, if not proven in time)."""
    if isinstance(objective, int):
        return objective
    return solved_bound(*_minimise(cp, objective, presolve))


def solved_bound(solver: cp_model.CpSolver, code: int) -> int:
    """What a solve of a minimisation proves its objective is at least."""
    if code == cp_model.OPTIMAL:
        return round(solver.objective_value)
    if code == cp_model.FEASIBLE:
        return max(0, math.ceil(solver.best_objective_bound - 1e-6))
    return 0


def _minimise(
    cp: cp_model.CpModel, objective, presolve: bool = True
) -> tuple[cp_model.CpSolver, int]:
    """One solve of the relaxation for `objective`, with CP-SAT's presolve or without."""
    cp.minimize(objective)
    solver = relaxation_solver(presolve=presolve)
    (code,) = run_relaxations(cp, [solver])
    return solver, code


def run_relaxations(
    cp, solvers: list[cp_model.CpSolver], deadline: Deadline | None = None
) -> list[int]:
    """run_solvers for relaxations: Ctrl-C during one stops the run with no schedule found yet
    (a relaxation's objective is no schedule's cost)."""
    try:
        return run_solvers(cp, solvers, deadline=deadline)
    except Interrupted:
        raise Interrupted() from None


def relaxation_solver(
    linear: bool = False, presolve: bool = True, limit: float = RELAXATION_LIMIT
) -> cp_model.CpSolver:
    """A single-worker solver for a relaxation, within `limit` deterministic s; `linear`: with the
    full linear relaxation (the counting of _count_runs needs it); `presolve`: CP-SAT's."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = presolve
    if linear:
        # Measured on the example's fellows alone: one presolve pass and no probing halve the
        # wall time of each (its presolve, not its search, is most of it).
        solver.parameters.linearization_level = 2
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_deterministic_time = limit
    solver.parameters.catch_sigint_signal = False
    return solver


def _pinned(problem: Problem, f: int) -> dict[int, str]:
    """Block -> rotation, for the hard pins of fellow `f`."""
    out = {}
    for rule in problem.config.rules:
        if isinstance(rule, rules.Pin) and rule.hard and f in problem.selected(rule):
            out.update({number - 1: rule.rotation for number in rule.blocks})
    return out


def _may_be_on(problem: Problem, f: int, b: int, rotation: str, pinned: dict[int, str]) -> bool:
    """Whether the hard rules of fellow `f` leave them free to be on `rotation` in block `b`."""
    if not problem.active(f, b) or pinned.get(b, rotation) != rotation:
        return False
    for rule in problem.config.rules:
        if (
            isinstance(rule, rules.Window)
            and rule.hard
            and rule.rotation == rotation
            and f in problem.selected(rule)
            and b not in problem.blocks_within(rule.not_before, rule.not_after)
        ):
            return False
    if problem.rotation(rotation).leave != "forbidden":
        return True
    return not any(d in problem.leave_days[f] for d in problem.blocks[b].days())
