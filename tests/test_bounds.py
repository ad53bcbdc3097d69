"""Lower bounds on unmet wishes (rotations/model/bounds.py): what every schedule must miss,
worked out without a solver, and the objective's floors; each case's bound is worked out in
its docstring."""

from __future__ import annotations

import pytest

from rotations import solve as solve_module
from rotations import strategy
from rotations.config import load_config
from rotations.model import build_model
from rotations.model.relaxation import staffed_floors
from rotations.outcome import SolveOptions
from rotations.problem import resolve
from rotations.runner import Deadline, Interrupted
from rotations.solve import plan_for, solve_model
from tests.conftest import BASE, program, run


def prefer(rotation: str, start: str, end: str, weight: int = 2, fellow: str = "ana") -> dict:
    return {
        "type": "prefer",
        "fellow": fellow,
        "rotation": rotation,
        "start": start,
        "end": end,
        "weight": weight,
    }


def too_long() -> dict:
    """ana wishes for five weeks of `a`, required exactly twice; ben for one week of it."""
    return program(
        requirements={"a": 2},
        rules=[
            prefer("a", "2027-07-05", "2027-08-08"),
            prefer("a", "2027-07-05", "2027-07-11", fellow="ben"),
        ],
    )


def test_a_wish_longer_than_the_requirement_misses_the_rest(load) -> None:
    """Five weeks of `a`, required exactly twice: 3 blocks missed × weight 2 = 6; ben wants
    one week of `a` too (possible: no floor). Worst fellow 6; objective 6 + 3 × 6 = 24."""
    problem = load(too_long())
    model = build_model(problem)
    assert (model.floors.unmet, model.floors.worst, model.floors.own) == (6, 6, (6, 0, 0))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    assert (result.stats.objective, result.stats.bound) == (24, 24)


def test_windows_pins_and_forbidden_leave_bar_blocks(load) -> None:
    """ana wants `a` in blocks 1-4: a window keeps `a` out of block 1, a pin puts her on `b`
    in block 2, and approved leave in block 3 bars `a` (leave: forbidden): 3 blocks missed."""
    config = program(
        rotations={
            "a": {"name": "Alpha", "leave": "forbidden"},
            "b": {"name": "Beta"},
            "c": {"name": "Gamma"},
        },
        leave=[{"fellow": "ana", "start": "2027-07-20", "end": "2027-07-20"}],
        rules=[
            prefer("a", "2027-07-05", "2027-08-01", weight=1),
            {"type": "window", "rotation": "a", "not_before": "2027-07-12"},
            {"type": "pin", "fellow": "ana", "rotation": "b", "blocks": [2]},
        ],
    )
    assert build_model(load(config)).floors.unmet == 3


def test_an_avoid_wish_against_a_pin_is_missed(load) -> None:
    """ben avoids `a` in blocks 1-2 but is pinned to it in block 1: 1 missed × 4."""
    config = program(
        rules=[
            {"type": "avoid", "fellow": "ben", "rotation": "a", "start": "2027-07-05",
             "end": "2027-07-18", "weight": 4},
            {"type": "pin", "fellow": "ben", "rotation": "a", "blocks": [1]},
        ]
    )  # fmt: skip
    model = build_model(load(config))
    assert (model.floors.unmet, model.floors.worst) == (4, 4)


def test_relaxed_and_frozen_models_have_no_floors(load) -> None:
    problem = load(program(requirements={"a": 2}, rules=[prefer("a", "2027-07-05", "2027-08-08")]))
    assert build_model(problem, relax=True).floors is None
    assert build_model(problem, frozen_before=2).floors is None


def test_other_requirements_leave_few_blocks_and_a_fellows_own_count_is_theirs(load) -> None:
    """ana wants `a` all six weeks, but b (3) and c (1 or more) are required: 2 blocks of `a`,
    4 missed. ben wants `a` in blocks 1-4: the program allows one block of `a`, his own
    requirement four, so nothing of his is missed. Floors 4 and 4, objective 4 + 3 × 4."""
    config = program(
        requirements={"a": {"max": 1}, "b": 3, "c": {"min": 1}},
        fellows=[
            {"id": "ana", "name": "Ana", "requirements": {"a": {"max": 2}}},
            {"id": "ben", "name": "Ben", "requirements": {"a": 4, "b": 1, "c": 1}},
            {"id": "cy", "name": "Cy"},
        ],
        rules=[
            prefer("a", "2027-07-05", "2027-08-15", weight=1),
            prefer("a", "2027-07-05", "2027-08-01", weight=1, fellow="ben"),
        ],
    )
    problem = load(config)
    assert (build_model(problem).floors.unmet, build_model(problem).floors.worst) == (4, 4)
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    assert (result.stats.objective, result.stats.bound) == (16, 16)


def test_the_fairest_schedules_cost_more_than_both_floors_apart(load) -> None:
    """One seat on `a`: ana wishes for it in block 1 (weight 3), so does ben (weight 2), who
    also misses 2 in any schedule (he avoids `a` in block 2, where he is pinned). Block 1 to
    ana: unmet 4, ben worst off at 4; to ben: unmet 5, ana worst off at 3. Floors apart 4 and
    3 (4 + 3 fellows × 3 = 13), but no schedule has both: together 14, which the solver proves
    from the first schedule (block 1 to ben, 5 + 3 × 3)."""
    config = program(
        rotations={"a": {"name": "Alpha", "staffing": {"max": 1}}, "b": {"name": "Beta"}},
        rules=[
            prefer("a", "2027-07-05", "2027-07-11", weight=3),
            prefer("a", "2027-07-05", "2027-07-11", fellow="ben"),
            {"type": "avoid", "fellow": "ben", "rotation": "a", "start": "2027-07-12",
             "end": "2027-07-18", "weight": 2},
            {"type": "pin", "fellow": "ben", "rotation": "a", "blocks": [2]},
        ],
    )  # fmt: skip
    problem = load(config)
    model = build_model(problem)
    floors = model.floors
    assert (floors.unmet, floors.worst, floors.together) == (4, 3, 14)
    assert floors.objective(len(problem.fellows)) == 14
    # The objective's two terms share a variable whose domain starts there.
    (joint,) = [v for v in model.cp.proto.variables if v.name == "wish_cost"]
    assert joint.domain[0] == 14
    result = run(problem)
    assert result.schedule.assignments["ben"][0] == "a"
    assert (result.stats.status, result.stats.objective, result.stats.bound) == ("OPTIMAL", 14, 14)


def test_procedure_targets_have_floors_of_their_missing_cases(load) -> None:
    """`a` seats one fellow and brings 5 ESI cases a week: 30 in six weeks. ana and ben want
    20 each (weight 1): 10 missing at least, shared 5 and 5 at best (10 + 3 fellows × 5 = 25),
    and neither alone misses any. A hard target of 20 for ana instead leaves `a` two weeks
    for ben's wish for it all six (weight 1): 4 missed."""
    esi = {"esi": {"name": "ESI"}}
    seat = {"name": "Alpha", "exposure": {"esi": 5}, "staffing": {"max": 1}}
    soft = {"targets": {"esi": {"min": 20, "weight": 1}}}
    config = program(
        procedures=esi,
        rotations={"a": seat, "b": {"name": "Beta"}},
        fellows=[
            {"id": "ana", "name": "Ana", **soft},
            {"id": "ben", "name": "Ben", **soft},
            {"id": "cy", "name": "Cy"},
        ],
    )
    problem = load(config)
    floors = build_model(problem).floors
    assert (floors.unmet, floors.worst, floors.together, floors.own) == (10, 5, 25, (0, 0, 0))
    result = run(problem)
    assert (result.stats.status, result.stats.objective, result.stats.bound) == ("OPTIMAL", 25, 25)
    config["fellows"][:2] = [
        {"id": "ana", "name": "Ana", "targets": {"esi": 20}},
        {"id": "ben", "name": "Ben"},
    ]
    config["rules"] = [prefer("a", "2027-07-05", "2027-08-15", weight=1, fellow="ben")]
    floors = build_model(load(config)).floors
    assert (floors.unmet, floors.worst) == (4, 4)


def test_mentoring_alone_gives_its_floors(load) -> None:
    """Three fellows wish for lee (weights 3, 2, 1), who takes one; ana has lee's discipline
    (neurology), which costs 2. Mentoring's soft rules cost 4 at least (lee to ben: ana 3 and
    cy 1 unmet, ana with kim); the worst-off fellow's unmet wishes 2 at least (lee to ana: ben
    2). The optimum takes the second: 2 + 2 + 1 + 3 fellows × 2 = 11, against 4 + 3 × 3."""
    faculty = [
        {"id": "lee", "name": "Min Lee", "discipline": "neurology"},
        {"id": "shah", "name": "Priya Shah", "discipline": "neurology"},
        {"id": "kim", "name": "Jordan Kim", "discipline": "pt"},
    ]
    wishes = [
        {"fellow": "ana", "mentor": "lee", "weight": 3},
        {"fellow": "ben", "mentor": "lee", "weight": 2},
        {"fellow": "cy", "mentor": "lee", "weight": 1},
    ]
    config = program(
        faculty=faculty,
        mentoring={
            "mentors": ["lee", "shah", "kim"],
            "max_mentees": 1,
            "other_discipline": {"weight": 2},
            "wishes": wishes,
        },
    )
    config["fellows"][0]["tags"] = ["neurology"]
    problem = load(config)
    floors = build_model(problem).floors
    assert (floors.mentoring, floors.worst, floors.unmet) == (4, 2, 0)
    result = run(problem)
    assert result.schedule.mentors["ana"] == "lee"
    assert (result.stats.objective, result.stats.bound) == (11, 11)


def test_presentations_away_from_current_work_have_a_floor(load) -> None:
    """Six weekly sessions, each of three fellows presents twice, three weeks apart. `a` (whose
    discipline sits on the panel) is required exactly once: a one-block run and the block after
    span two weeks, room for one presentation, so each fellow gives one away from current work:
    3 at least, and 3 is what the solver proves."""
    from tests.conftest import FACULTY, conference

    config = program(
        rotations={"a": {"name": "Alpha", "discipline": "neurology"}, "b": {"name": "Beta"}},
        requirements={"a": 1},
        faculty=FACULTY,
        conferences=[conference(min_weeks_between_presentations=3, relevance_weight=1)],
    )
    problem = load(config)
    assert build_model(problem).floors.relevance == 3
    result = run(problem)
    assert (result.stats.status, result.stats.objective, result.stats.bound) == ("OPTIMAL", 3, 3)


def test_a_wish_for_one_long_run_costs_a_presentation_from_current_work(load) -> None:
    """Nine weekly sessions, each fellow presents three times, three weeks apart, never while
    on `a` (neurology, on the panel): from current work only in the week after a run on `a`.
    Every fellow does `a` for four weeks, in runs of two to four: at most two runs, two
    presentations from current work, one away (apart, each fellow's floor is 1). But ana
    wants `a` in weeks 1-4: met, that is one run (two away from current work); two runs miss
    two of its weeks (1 + 2). Only ana's floor alone shows it: 2."""
    from tests.conftest import FACULTY, conference

    config = program(
        rotations={
            "a": {"name": "Alpha", "discipline": "neurology", "stint": {"min": 2, "max": 4}},
            "b": {"name": "Beta"},
        },
        requirements={"a": 4},
        faculty=FACULTY,
        conferences=[
            conference(
                min_weeks_between_presentations=3, no_presenting_on=["a"], relevance_weight=1
            )
        ],
        program=BASE["program"] | {"blocks": 9},
        rules=[prefer("a", "2027-07-05", "2027-08-01", weight=1)],
    )
    problem = load(config)
    floors = build_model(problem).floors
    assert (floors.own, floors.away, floors.alone) == ((0, 0, 0), (1, 1, 1), (2, 1, 1))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    assert result.stats.objective == result.stats.bound >= 1


def test_ctrl_c_while_the_floors_are_solved_found_no_schedule(monkeypatch) -> None:
    """A relaxation's objective (the floors', the fellows' alone) is no schedule's cost: Ctrl-C
    there says nothing was found."""
    from rotations.model import relaxation
    from tests.conftest import EXAMPLE

    def pressed(*args, **kwargs):
        raise Interrupted(3)

    problem = resolve(load_config(EXAMPLE))
    monkeypatch.setattr(relaxation, "run_solvers", pressed)
    with pytest.raises(Interrupted) as stopped:
        build_model(problem)
    assert stopped.value.best is None


def test_the_fellows_alone_end_by_the_deadline() -> None:
    """Out of wall-clock time, each fellow keeps the floors apart (the example: relevance 3
    each, wishes 0), and the run knows the wall clock cut it short."""
    from tests.conftest import EXAMPLE

    deadline = Deadline(0.0)
    floors = build_model(resolve(load_config(EXAMPLE)), deadline=deadline).floors
    assert floors.alone == floors.away == (3,) * 6
    assert deadline.cut


def holiday_cases() -> dict:
    """`a` brings an ESI case a working day and needs a fellow every block; ana and ben are
    each on it exactly three of the six weeks and want 15 cases (weight 1). Monday 5 July is a
    holiday, so whoever covers the first week takes 4 cases there and misses one."""
    esi = {"esi": {"name": "ESI"}}
    seat = {"name": "Alpha", "exposure": {"esi": 5}, "staffing": {"min": 1}}
    soft = {"targets": {"esi": {"min": 15, "weight": 1}}}
    config = program(
        procedures=esi,
        rotations={"a": seat, "b": {"name": "Beta"}},
        fellows=[{"id": "ana", "name": "Ana", **soft}, {"id": "ben", "name": "Ben", **soft}],
        requirements={"a": 3},
    )
    config["program"]["holidays"] = ["2027-07-05"]
    return config


def test_staffing_minimums_raise_the_floors_of_missing_cases(load) -> None:
    """Without the staffing minimum both fellows would skip the holiday week (floor 0); with
    it one of them misses a case: unmet 1, and 1 + 2 fellows x 1 = 3 together, which is what
    the best schedule costs."""
    problem = load(holiday_cases())
    assert build_model(problem).floors.unmet == 0
    assert staffed_floors(problem) == (1, 3)
    result = run(problem)
    assert (result.stats.status, result.stats.objective, result.stats.bound) == ("OPTIMAL", 3, 3)


def test_the_staffed_floors_prove_the_catching_up_steps_optimal(load, monkeypatch) -> None:
    """Where phase 1 runs (a large program with targets; here made to run on a small one), the
    catching-up steps then the staffed floors: the schedule they reach is proven optimal by
    those floors, which the model's own (0 + 2 x 0) could not, and the complete search does
    not run."""
    monkeypatch.setattr(strategy, "LOCAL_SEARCH_FROM", 0)
    monkeypatch.setattr(solve_module, "_complete_search", None)  # a call would fail
    problem = load(holiday_cases())
    model = build_model(problem)
    options = SolveOptions(time_limit=10.0)
    assert plan_for(problem, model, options).staffed
    result = solve_model(problem, model, options)
    assert (result.stats.status, result.stats.objective, result.stats.bound) == ("OPTIMAL", 3, 3)


def test_a_block_without_working_days_needs_nobody(load) -> None:
    """The whole first week a holiday: the staffing minimum asks nobody on `a` then (no
    working day to be present on), so both fellows take their three full weeks after it and
    miss nothing; a floor that put somebody there would be above the best schedule (0)."""
    config = holiday_cases()
    config["program"]["holidays"] = [f"2027-07-0{day}" for day in range(5, 10)]
    problem = load(config)
    assert staffed_floors(problem) == (0, 0)
    assert run(problem).stats.objective == 0


def test_ctrl_c_during_the_staffed_floors_reports_the_schedule_so_far(load, monkeypatch) -> None:
    """A Ctrl-C while the staffed floors are solved (after the steps found a schedule costing
    3) says that schedule's cost, not that nothing was found."""
    monkeypatch.setattr(strategy, "LOCAL_SEARCH_FROM", 0)

    def ctrl_c(problem, deadline):
        raise Interrupted()

    monkeypatch.setattr(solve_module, "staffed_floors", ctrl_c)
    problem = load(holiday_cases())
    with pytest.raises(Interrupted) as caught:
        solve_model(problem, build_model(problem), SolveOptions(time_limit=10.0))
    assert caught.value.best == 3
