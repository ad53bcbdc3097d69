"""The solve strategy in one place: the phases a solve runs, the condition that selects each
and its share of the time, and every tuned constant with the measurement behind it. The
modules that run the phases (solve.py, fairness.py, model/, reschedule.py, pipeline.py) take
their numbers from here and decide nothing of their own about which phase runs.

A solve (solve.solve_model) runs, in this order (`plan` chooses):

1. floors, always, in the model build: the relaxations (RELAXATION_LIMIT a solve) and each
   fellow alone where ALONE_WORK allows (within ALONE_SHARE of the time left); with wishes
   the relaxations have no floor for (want, prefer_site, site_change, idle), each fellow
   alone in the program cut down to them (model.each_alone, within ALONE_SHARE), whatever
   the program's size: then those are every fellow's own floor of all their wishes, which
   `catch up` brings them down to. They prove a bound the complete search alone does not
   (the MSS benchmark's I40_12_1: 4479, where the complete search proves 1639 in a minute).
2. phase 1, on a model of LOCAL_SEARCH_FROM variables or more:
   - `local search` without procedure targets, for FIRST_SCHEDULE_SHARE of the limit at most
     and FIRST_SCHEDULE_PER_VARIABLE a variable (CATCH_UP_PER_VARIABLE before catching up): a
     first schedule several times sooner than the complete search's on large programs;
   - `first schedule` with procedure targets: the complete search of the hard rules alone
     (no objective, no presolve) to its first schedule, within HARD_RULES_SHARE of the limit
     (the local search finds none), then that schedule's least cost.
3. steps after phase 1 (rotations/fairness.py), from its schedule:
   - `catch up` where every fellow has a floor of their own that all can reach at once
     (fairness.catches_up), or with procedure targets: every fellow brought down to theirs,
     with CATCH_UP_SHARE of the time left, faster than either search;
   - `early lift` otherwise, with wishes and no procedure targets: the worst-off fellow
     lifted, with EARLY_LIFT_SHARE of the time left, where a minute of search gains nothing.
4. `staffed floors`, after `catch up` from a `first schedule` (procedure targets): the
   relaxation of the wishes and targets with the staffing minimums of the rotations that give
   cases, a floor the complete search does not prove, in STAFFED_SHARE of the time left after
   phase 1 (with the complete search after it);
5. the complete search, always (unless the steps reached the floors), from the best schedule
   so far, for the rest of the time: it proves the bound.
6. `late lift`, without phase 1 (a small model), with wishes and no procedure targets: the
   worst-off fellow lifted in the last LIFT_SHARE of the complete search's time.

Each phase in backquotes can be switched off (SolveOptions.off, `benchmarks/run.py --off`):
the solve then goes on without it, and still returns a schedule that keeps every hard rule
(tests/test_solve.py), so what each phase brings can be measured on the benchmark families.
A reschedule runs two stages of these (FIRST_STAGE_SHARE); the whole command leaves the work
after the search its time (AFTER_SEARCH, EXPLAIN_SHARE).

The numbers were measured on this project's generated programs (benchmarks/RESULTS.md); the
benchmark families (benchmarks/generate.py: FAMILIES) are where a change to them is tried."""

from __future__ import annotations

from dataclasses import dataclass

LOCAL_SEARCH = "local search"
FIRST_SCHEDULE = "first schedule"
CATCH_UP = "catch up"
EARLY_LIFT = "early lift"
LATE_LIFT = "late lift"
STAFFED = "staffed floors"
PHASES = (LOCAL_SEARCH, FIRST_SCHEDULE, CATCH_UP, EARLY_LIFT, LATE_LIFT, STAFFED)


@dataclass(frozen=True)
class Plan:
    """The phases one solve runs besides the floors and the complete search."""

    first: str | None  # LOCAL_SEARCH, FIRST_SCHEDULE or None: phase 1
    steps: str | None  # CATCH_UP, EARLY_LIFT or None: after phase 1
    late_lift: bool  # LATE_LIFT at the end of the complete search
    staffed: bool  # STAFFED after the steps, before the complete search


def plan(
    variables: int,
    targets: bool,
    wishes: bool,
    own_floors: bool,
    off: frozenset[str] = frozenset(),
) -> Plan:
    """The phases for a model of `variables` variables, of a program with procedure
    `targets` or not, `wishes` (a worst-off fellow to lift) or not, and `own_floors` (each
    fellow's own floor that the steps bring them down to); those in `off` do not run."""
    first = None
    if variables >= LOCAL_SEARCH_FROM:
        first = FIRST_SCHEDULE if targets else LOCAL_SEARCH
    first = None if first in off else first
    steps = None
    if first is not None:
        steps = CATCH_UP if own_floors else EARLY_LIFT if wishes and not targets else None
    steps = None if steps in off else steps
    late = first is None and wishes and not targets and LATE_LIFT not in off
    staffed = first == FIRST_SCHEDULE and steps == CATCH_UP and STAFFED not in off
    return Plan(first, steps, late, staffed)


# ---- Floors: the relaxations (rotations/model/relaxation.py) ----
# Deterministic seconds for each of the relaxation's solves (they take milliseconds on the
# benchmarks; a floor not proven in time is the solver's best bound, still a floor).
RELAXATION_LIMIT = 2.0
# The fellows alone (alone_floors) are solved this many at a time, one per core.
ALONE_SIDE_BY_SIDE = 2

# ---- Floors: each fellow alone (rotations/model/__init__.py) ----
# Each fellow's floor of their wishes and relevance together (_alone_floors) where the fellows
# with wishes times the model's variables come to no more than this: one solve per such fellow,
# about 0.4 s each on a model of 10,000 variables (2 cores, two at a time), so about 4 s at
# most. The example: 6 x 9,077, proven 55 in about 8 s, where the floors apart (54) left the
# complete search without a proof in minutes (benchmarks/RESULTS.md); M-relevance (10 x
# 11,615, optimum 0) would spend 3.3 s more on them for nothing.
ALONE_WORK = 100_000
# ...and within this share of the wall-clock time left, so that a short --time-limit leaves
# the search most of it (the example under 5 s: a schedule, where the fellows alone took the
# search's time and it found none under 3 s).
ALONE_SHARE = 0.25

# ---- Phase 1: the local search, or the complete search to its first schedule ----
# Phase 1 runs on models of LOCAL_SEARCH_FROM variables or more (a program of about 50
# trainees over 52 weeks); below that the complete search finds a first schedule in well under
# a second. Its budget: a quarter of the time limit at most, and 1 deterministic second per
# 5,000 variables (L: 14, XL: 29, so 15 under the default limit), more than the slowest single
# run measured on L and XL, five seeds each (9.3 on L seed 1), yet small enough that a program
# only the complete search can prove infeasible loses little time to it.
# Nor does it run on programs with procedure targets: a target sums a fellow's whole year, and
# the local search found no first schedule of L-targets in its budget, where the complete search
# alone finds one in 23 s and ends at 11,926 instead of 34,514 (benchmarks/RESULTS.md). There
# the complete search (without presolve: see _first_schedule) stops at its first schedule, and
# the catching-up steps take it from there (each fellow's own floor 0 for missing cases), then
# the fellows' other soft costs: L-targets proven optimal at 0 within a 60-s limit, in 19 to 20 s
# on a quiet machine and 50 s with three busy loops beside it; on the slowest mornings measured,
# 13 and 26 in two runs of eight (11,735 to 19,979 for the complete search alone, or with
# lifting at its end).
LOCAL_SEARCH_FROM = 20_000
FIRST_SCHEDULE_SHARE = 0.25
# With procedure targets, the search of the hard rules alone may take half the limit: of the
# ten L programs (benchmarks/generate.py: FAMILIES), seeds 4 and 6 need 11.7 to 13.9
# deterministic s of it (13.2 is a quarter of a 60-s command's search; seed 6 took 11.7 in one
# run and more than 13.6 in the next, CP-SAT's interleaved search not being exactly
# deterministic across processes), and where it finds none the complete search after it found
# none either, in 23 s (benchmarks/RESULTS.md, 2026-12-07, "Issue 30").
HARD_RULES_SHARE = 0.5
FIRST_SCHEDULE_PER_VARIABLE = 2e-4
# Where the fellows can catch up (fairness.catches_up): 1 deterministic second per 28,500
# variables (L: 2.5, XL: 5), enough for a first schedule and its quick early descent; the
# steps then bring the objective down far faster than the local search's slow tail. Measured on
# L-unmet at 60 s (benchmarks/RESULTS.md), while the steps still lifted first: 2889 to 2901
# with it, 3006 with the full budget, 2913 stopping at the first schedule.
CATCH_UP_PER_VARIABLE = 0.35e-4

# ---- The steps that lift the worst-off fellow, or bring every fellow to their own floor ----
# Lifting the worst-off fellow (fairness.lift_fellows), for programs with wishes (and
# without procedure targets) whose schedule leaves the worst-off fellow above their floor: on
# large programs right after the local search, with up to EARLY_LIFT_SHARE of the time left, the
# complete search then starting from the lifted schedule; on small programs (no local search)
# with the last LIFT_SHARE of the complete search's time. Measured (benchmarks/RESULTS.md): a
# step takes L-unmet's worst-off fellow from 25 to 20 where a minute of the complete search
# gains nothing; lifting at the end left it one or two steps. Not with procedure targets: there
# the complete search gains fast until its end (L-targets at 60 s: 11,735 to 12,297 without
# lifting; with the last quarter for it, even in steps as cheap as now, 9,137 once and 19,070 to
# 19,979 three times); large ones catch up from its first schedule instead (above).
LIFT_SHARE = 0.25
EARLY_LIFT_SHARE = 0.5
# Where the fellows behind their own floor can catch up (_own_floors), phase 1 is short and the
# steps get up to CATCH_UP_SHARE of the time left: there they bring the objective down far
# faster than either search (benchmarks/RESULTS.md).
CATCH_UP_SHARE = 0.9

# ---- Staffed floors (rotations/model/relaxation.py: staffed_floors) ----
# With procedure targets the floors of the relaxation leave out the staffing minimums, so they
# let every fellow take their cases in weeks without holidays or leave; on a large program the
# complete search after the steps proves nothing above them, nor gains (L seed 0 at 60 s:
# 11,611 with it, 11,288 with its time given to the steps), but on a small one it proves the
# optimum (the bundled example), so it still runs after them. The relaxation with the
# minimums of the rotations that give cases raises L seed 0's floor from 4205 to 8063: its
# unmet total proven (3983) and the two together at 8063 in 4 deterministic s each (6.3 s of
# wall clock side by side, presolve on); with 2 or 3 s, nothing (no schedule of it: 0) or
# 5315; without presolve, 5108 in 5.
# The steps keep 1 - STAFFED_SHARE of the time left after phase 1 (L seed 0 at 60 s: 11,620
# against 8063, 30.6 % where it was 64 % against 4205).
STAFFED_LIMIT = 4.0
STAFFED_SHARE = 0.15

# ---- The steps themselves (rotations/fairness.py) ----
# Fellows freed besides those at the worst level, deterministic seconds a step may take, and
# how many steps in a row may fail before the search gives up. Measured on L-unmet from the
# local search's schedule (worst-off fellow 25, objective 4415): steps of 20 freed fellows and
# 3 s reached the floor (15) in three steps, 2976, in 38 s of wall clock; steps of 10 and 1.5 s
# in four (one of them failed), 3022, in 23 s.
OTHERS_FREED = 10
STEP_LIMIT = 1.5
FAILURES = 3
# Fellows behind their own floor a catching-up step frees (the furthest behind first): a tenth
# of those behind, at least BEHIND_FREED; others drawn at random besides; and its deterministic
# seconds, CATCH_UP_LIMIT per fellow freed. Measured at 60 s (benchmarks/RESULTS.md, "Issue 15,
# steps"): 4, 3 and 0.2 s brought L-unmet to 2894 and 2896 where 12, 10 and 0.7 s brought it
# to 2935 and 2950. Where every fellow is behind (the family L's programs with procedure
# targets: all 120), 4 freed a step is too few: 20 s of steps from the first schedule of L seeds
# 0, 8 and 9 (41,114, 32,970, 44,441) reached 24,496, 20,124 and 30,470 with 4 and 0.2 s a step,
# 18,445, 13,670 and 19,536 with 12 and 0.5 s, and 17,801, 14,492 and 18,321 with a tenth of
# those behind (12 at first) and 0.05 s each; 16 and 0.7 s, 30 and 1 s, 40 and 2 s did no
# better (benchmarks/RESULTS.md, 2026-12-08). L seeds 2, 3 and 7 (wishes, some behind: 95, 43,
# ...) are still proven optimal at 60 s; seed 2 with 12 freed whatever the number behind was not
# (4,159 against 2,949).
BEHIND_FREED = 4
BEHIND_OTHERS = 3
CATCH_UP_LIMIT = 0.05
BEHIND_SHARE = 0.1

# ---- A reschedule's two stages (rotations/reschedule.py) ----
# The first stage (fewest changes) may use this share of the deterministic budget and of the
# wall-clock time; the second (the best schedule with those changes) has the rest, and starts
# from the first's schedule.
FIRST_STAGE_SHARE = 0.6

# ---- The whole command: explanations, files, the wall clock (rotations/pipeline.py) ----
# Deterministic seconds for each of the two searches that look for a clash when a solve ran
# out of time without a schedule.
DIAGNOSIS_LIMIT = 10.0
# Explanations (of a clash, of a denied leave request) may go on this share of --time-limit
# past the end of the search.
EXPLAIN_SHARE = 0.05
# Wall seconds per fellow and block that the work after the search takes: the checker, the
# report, the workbook, every calendar, writing them and the summary on the terminal. Measured
# 2.2 s for 120 fellows × 52 weeks (benchmarks/RESULTS.md); twice that is kept, for a slower or
# a busier machine.
AFTER_SEARCH = 0.0007
# The searches get at least this share of --time-limit, however large the program.
LEAST_SEARCH_SHARE = 0.5
