"""What unmet wishes cost at least, so that the solver can prove what it finds when wishes
cannot all be met: the floors of the wishes (model/relaxation.py), of mentoring and of the
conferences' relevance. The objective is built on them (the unmet total and the worst-off
fellow's cost are variables whose domain starts there), which the LP-free search could not
derive by itself (benchmarks/RESULTS.md).

Presentations away from current work are counted per fellow without a solver (_relevance). On
programs the size of the example, each fellow with wishes is then solved alone in the
program's own model, with only their own hard rules: the floor of their wishes and their
presentations away from current work together (alone_floors), above the two apart where a
wish for one long run leaves fewer runs to present from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rotations.config import models
from rotations.config.types import Range
from rotations.implied import ConferenceRules, LeaveEntry, MentoringRules
from rotations.model.relaxation import (
    least,
    relaxation_solver,
    run_relaxations,
    solved_bound,
    wish_relaxation,
)
from rotations.model.variables import Variables
from rotations.problem import Problem
from rotations.runner import Deadline
from rotations.strategy import ALONE_SIDE_BY_SIDE

if TYPE_CHECKING:
    from rotations.model import Model


@dataclass(frozen=True)
class Floors:
    """What every schedule must at least cost: the unmet total of the `rules:` wishes, the
    worst-off fellow's unmet-wish cost, and what mentoring's soft rules (wishes and the
    other-discipline preference) cost together."""

    unmet: int = 0
    worst: int = 0
    # The unmet total plus the worst-off fellow's cost once per fellow, as the objective weighs
    # them, at least: above unmet + fellows × worst where the fairest schedules of the
    # relaxation are not its least unmet ones (wishes that compete for seats).
    together: int = 0
    mentoring: int = 0
    relevance: int = 0  # presentations not from current work, weighted, summed over conferences
    # Each fellow's own floor of the `rules:` wishes, by fellow index: the relaxation without
    # staffing, where no fellow takes a seat from another (empty if not proven in time).
    own: tuple[int, ...] = ()
    # By fellow index: the relevance floor of each fellow (its sum is `relevance`), and on
    # small programs with relevance each fellow's floor of their wishes and relevance
    # together, from the program's model with only that fellow's own rules (model/__init__.py).
    away: tuple[int, ...] = ()
    alone: tuple[int, ...] = ()
    # Whether `own` covers every wish of a fellow (each fellow alone, model.each_alone), not
    # only the `rules:` prefer and avoid and the targets.
    whole: bool = False

    def objective(self, fellows: int) -> int:
        """The least objective these floors prove (model/objective.py: each group's total,
        plus the worst-off fellow's cost once per fellow)."""
        wished = max(self.together, self.wished(fellows))
        return self.mentoring + max(self.relevance + wished, sum(self.alone) + fellows * self.worst)

    def wished(self, fellows: int) -> int:
        """What the floors of the unmet total and of the worst-off fellow prove apart."""
        return self.unmet + fellows * self.worst


def wish_floors(problem: Problem) -> Floors:
    """The floors the relaxations of the program's soft wishes, of mentoring and of the
    conferences' relevance prove."""
    rotations = wish_relaxation(problem)
    mentoring, worst = _mentoring_floors(problem)
    away = _relevance(problem)
    return Floors(
        rotations.unmet,
        max(rotations.worst, worst),
        rotations.together,
        mentoring,
        sum(away),
        rotations.own,
        away,
    )


def _relevance(problem: Problem) -> tuple[int, ...]:
    """The least the conferences' relevance can cost each fellow, counted without a solver: a
    fellow presents from current work only in the weeks of a run on a rotation of the panel's
    disciplines or the block after it (only the block after, from a rotation nobody presents
    from), and two presentations are some weeks apart; so each run holds a bounded number of
    them, and a rotation's requirement and stint lengths bound its runs. What a fellow must
    present beyond all that is presented away from current work. () without relevance."""
    relevant = list(_relevant(problem))
    total = [0] * len(problem.fellows) if relevant else []
    for c, conf, related in relevant:
        apart, longest = _spacing(problem, conf)
        for f in range(len(problem.fellows)):
            most = 0
            for r in related:
                runs = _most_per_runs(problem, f, r, longest, apart, r in conf.no_presenting_on)
                if runs is None:  # no requirement maximum: no bound from this fellow
                    break
                most += runs
            else:
                least, _ = problem.presentations(c, f)
                total[f] += conf.relevance_weight * max(0, least - most)
    return tuple(total)


def _relevant(problem: Problem):
    """(index, conference, related rotations) for each conference whose relevance costs."""
    for c, conf in enumerate(problem.conferences):
        related = problem.panel_rotations(c)
        if conf.relevance_weight and related and conf.presenters:
            yield c, conf, related


def _spacing(problem: Problem, conf) -> tuple[int, int]:
    """Days between two presentations at least, and the longest block's days."""
    apart = 7 * max(conf.every_weeks, conf.min_weeks_between_presentations, 1)
    return apart, max((b.end - b.start).days + 1 for b in problem.blocks)


def alone_floors(
    problem: Problem,
    model: Model,
    wishes: dict[int, list],
    floors: Floors,
    deadline: Deadline | None = None,
) -> tuple[int, ...]:
    """Each fellow's floor of their own costs together (their `wishes`, by fellow, and their
    presentations away from current work), in the program's `model` built with a literal per
    hard rule and fellow: only the fellow's own hard rules hold
    (nothing that ties fellows together: staffing, the conference's seats, the mentors'
    limits, the topics a series' fellows attend... falls away with the others' rules), plus
    _count_runs, with the linear relaxation on. A fellow who wants one long run on a rotation
    the panel covers then misses the wish or presents away from current work once more, which
    the floors apart (`floors.own`, `floors.away`) do not show. A fellow without wishes keeps
    those; so does one whose solve the `deadline` stops before it proves more."""
    cp, v = model.cp, model.vars
    fellows = range(len(problem.fellows))
    apart = [(floors.own[f] if floors.own else 0) + floors.away[f] for f in fellows]
    solved = [f for f in fellows if wishes.get(f)]
    away = _count_runs(problem, v, cp, model.penalties, solved)
    models = []
    for f in solved:
        fellow = problem.fellows[f]
        alone = cp.clone()
        for (key, who), literal in v.literals.items():
            if not v.stands((key, who)):
                continue  # a leave request: granted or not, as the fellow's costs say
            rule = v.rules[key]
            theirs = who == f or (isinstance(rule, LeaveEntry) and rule.entry.fellow == fellow.id)
            # Another's rule, or one of all fellows together, falls away (the literals switch
            # rules on; off, the presolve drops them at once).
            alone.add(_copy(alone, literal) == int(theirs))
        costs = wishes[f] + away[f]
        alone.minimize(sum(p.weight * _copy(alone, p.literal) for p in costs))
        models.append(alone)
    for k in range(0, len(models), ALONE_SIDE_BY_SIDE):
        batch = models[k : k + ALONE_SIDE_BY_SIDE]
        solvers = [relaxation_solver(linear=True) for _ in batch]
        codes = run_relaxations(batch, solvers, deadline)
        for f, solver, code in zip(solved[k:], solvers, codes, strict=False):
            apart[f] = max(apart[f], solved_bound(solver, code))
    return tuple(apart)


def alone_config(config: models.Config, fellow: models.Fellow) -> models.Config:
    """The program cut down to one fellow (see model.each_alone): their leave, no staffing
    minimums (of rotations or sites), no conferences, seminars, mentoring, cases or call."""

    def most(count: Range | None) -> Range | None:
        return None if count is None or count.max is None else Range(max=count.max)

    rotations = {
        rid: rot.model_copy(
            update={
                "staffing": most(rot.staffing),
                "sites": {
                    s: there.model_copy(
                        update={
                            "staffing": most(there.staffing),
                            "blocks": {b: most(c) or Range() for b, c in there.blocks.items()},
                        }
                    )
                    for s, there in rot.sites.items()
                },
            }
        )
        for rid, rot in config.rotations.items()
    }
    cut = config.model_copy(
        update={
            "fellows": [fellow],
            "rotations": rotations,
            "leave": [entry for entry in config.leave if entry.fellow == fellow.id],
            "conferences": [],
            "didactics": [],
            "mentoring": None,
            "cases": [],
            "call": [],
            "duty_hours": None,
        }
    )
    cut._cases = ()
    return cut


def _copy(cp: cp_model.CpModel, var: cp_model.IntVar) -> cp_model.IntVar:
    """The variable of a clone of the model `var` belongs to."""
    return cp.get_int_var_from_proto_index(var.index)


def _count_runs(
    problem: Problem, v: Variables, cp: cp_model.CpModel, penalties: list, fellows: list[int]
) -> dict[int, list]:
    """The counting of _relevance as constraints a solver combines with a fellow's wishes
    (for alone_floors): each presentation from current work
    is credited to one rotation of the panel's disciplines, the fellow on it that block or
    the one before; a rotation's credits are at most what its requirement allows
    (_most_per_runs) and at most what its runs hold, counted from the blocks on it and the
    runs' starts; so a wish for one long run costs presentations, and the solver sees how
    many. Every schedule keeps these (credit its relevant presentations). For `fellows`;
    returns each one's penalties of presentations away from current work."""
    blocks = range(len(problem.blocks))
    theirs: dict[int, list] = {f: [] for f in fellows}
    for c, conf, related in _relevant(problem):
        apart, longest = _spacing(problem, conf)
        sessions = [i for i, s in enumerate(problem.sessions) if s.conference == c]
        rule = next(
            r for r in problem.rules if isinstance(r, ConferenceRules) and r.conference == c
        )
        part = rule.parts["relevance"]
        for f in fellows:
            credits: dict[str, list] = {r: [] for r in related}
            for i in sessions:
                b, here = problem.sessions[i].block, []
                for r in related:
                    credit = cp.new_bool_var(f"credit[{i},{f},{r}]")
                    cp.add_implication(credit, v.present[i, f])
                    recent = [v.on(f, a, r) for a in (b - 1, b) if a >= 0]
                    cp.add_bool_or(recent).only_enforce_if(credit)
                    credits[r].append(credit)
                    here.append(credit)
                cp.add_at_most_one(here)
            away = [p for p in penalties if p.rule is part and p.fellow == f]
            theirs[f] += away
            presented = sum(v.present[i, f] for i in sessions)
            credited = sum(sum(group) for group in credits.values())
            cp.add(sum(p.literal for p in away) >= presented - credited)
            for r, group in credits.items():
                barred = r in conf.no_presenting_on
                most = _most_per_runs(problem, f, r, longest, apart, barred)
                if most is not None:
                    cp.add(sum(group) <= most)
                on = [v.on(f, b, r) for b in blocks]
                starts = [on[0]] + [cp.new_bool_var(f"starts[{f},{b},{r}]") for b in blocks[1:]]
                for b in blocks[1:]:
                    cp.add_bool_and([on[b], ~on[b - 1]]).only_enforce_if(starts[b])
                    cp.add_bool_or([~on[b], on[b - 1], starts[b]])
                runs = sum(starts)
                # A run of k blocks and the block after span (k + 1) x longest days (only the
                # block after, barred): at most (days - 1) // apart + 1 presentations each.
                days = longest * runs if barred else longest * (sum(on) + runs)
                cp.add(apart * sum(group) <= apart * runs + days - runs)
    return theirs


def _most_per_runs(
    problem: Problem, f: int, rotation: str, longest: int, apart: int, barred: bool
) -> int | None:
    """The most presentations fellow f can give from current work on `rotation`: over every
    split of at most its required maximum of blocks into runs of a stint's length, the sum per
    run of the presentations `apart` days apart that fit in the run and the block after (only
    the block after when presenting is `barred` on it). None without a requirement maximum."""
    need = problem.requirement(f, rotation)
    if need is None or need.max is None:
        return None
    stint = problem.rotation(rotation).stint
    shortest = stint.min or 1 if stint is not None else 1
    longest_run = stint.max if stint is not None and stint.max is not None else need.max

    def fits(length: int) -> int:
        days = (1 if barred else length + 1) * longest
        return (days - 1) // apart + 1

    best = [0] * (need.max + 1)  # best[n]: the most from runs of n blocks in all
    for n in range(1, need.max + 1):
        best[n] = max(
            [best[n - 1]]
            + [best[n - k] + fits(k) for k in range(shortest, min(longest_run, n) + 1)]
        )
    return best[need.max]


def _mentoring_floors(problem: Problem) -> tuple[int, int]:
    """Mentoring on its own (the pairs depend on nothing else): the least its soft rules cost
    together, and the least the worst-off fellow's unmet mentor wishes cost."""
    rule = next((r for r in problem.rules if isinstance(r, MentoringRules)), None)
    if rule is None or not any(part.weight for part in rule.parts.values()):
        return 0, 0
    mentoring = problem.config.mentoring
    cp = cp_model.CpModel()
    mentors = [problem.faculty_index(pid) for pid in dict.fromkeys(mentoring.mentors)]
    fellows = range(len(problem.fellows))
    pair = {(f, p): cp.new_bool_var(f"mentor{f, p}") for f in fellows for p in mentors}
    for f in fellows:
        cp.add_exactly_one(pair[f, p] for p in mentors)
    if mentoring.max_mentees is not None:
        for p in mentors:
            cp.add(sum(pair[f, p] for f in fellows) <= mentoring.max_mentees)
    costs, wishes = [], {}
    other = rule.parts.get("mentoring.other_discipline")
    for f, fellow in enumerate(problem.fellows if other is not None else []):
        for p in mentors:
            if problem.faculty[p].discipline in fellow.tags:
                costs.append(other.weight * pair[f, p])
    for part in rule.parts.values():
        if part.part == "wishes":
            wish = mentoring.wishes[part.wish_index]
            unmet = part.weight * (1 - pair[part.fellow, problem.faculty_index(wish.mentor)])
            costs.append(unmet)
            wishes.setdefault(part.fellow, []).append(unmet)
    cheapest = least(cp, sum(costs))
    if not wishes:
        return cheapest, 0
    cp.clear_objective()
    worst = cp.new_int_var(0, sum(r.weight or 0 for r in rule.parts.values()), "worst")
    for terms in wishes.values():
        cp.add(worst >= sum(terms))
    return cheapest, least(cp, worst)
