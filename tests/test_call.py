"""Call and duty hours: every rule of `call:` and `duty_hours:` kept by the model and broken by
hand for the checker, the soft wishes' costs, an impossible call explained by its lines and
numbers, and call in the outputs and calendars."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rotations.check import check
from rotations.cli import cli
from rotations.config import load_config
from rotations.hours import duty_weeks
from rotations.model import build_model
from rotations.outcome import SolveOptions, read_schedule
from rotations.output.ics import calendars
from rotations.output.tables import call_csv, hours_csv
from rotations.precheck import arithmetic_conflicts
from rotations.problem import resolve
from rotations.schedule import OnCall
from rotations.solve import solver_for
from tests.conftest import hand_schedule, program, run, write_yaml

# The tiny program's six weeks: Monday 2027-07-05 (a holiday, observed) to Sunday 2027-08-15.
HOURS = {"a": 55, "b": 50, "c": 45}


def home(**changes) -> dict:
    """Home call Monday to Thursday, one fellow, taken by fellows on `a` or `b`."""
    return {
        "id": "home",
        "name": "Home call",
        "days": ["mon", "tue", "wed", "thu"],
        "hours": 14,
        "eligible_on": ["a", "b"],
    } | changes


def weekend(**changes) -> dict:
    return {
        "id": "weekend",
        "name": "Weekend call",
        "weekend": {"from": "fri", "to": "sun"},
        "hours": 30,
        "eligible_on": ["a", "b"],
    } | changes


def with_call(*calls: dict, duty: dict | None = None, **changes) -> dict:
    config = program(call=list(calls) or [home()], **changes)
    config["program"] = config["program"] | {"holidays": "US"}
    if duty is not None:
        config["duty_hours"] = {"rotation_hours": dict(HOURS)} | duty
    return config


def call_violations(problem, schedule) -> list[str]:
    return [str(v) for v in check(problem, schedule) if v.key.startswith(("call", "duty_hours"))]


def on_call(schedule, fellow: str, call: str = "home") -> list[str]:
    return [x.date for x in schedule.calls if x.fellow == fellow and x.call == call]


def test_every_duty_is_taken_by_an_eligible_fellow_not_on_leave(load) -> None:
    leave = [{"fellow": "ana", "start": "2027-07-12", "end": "2027-07-16"}]
    problem = load(with_call(home(per_day=2), leave=leave))
    result = run(problem)
    schedule = result.schedule
    assert result.stats.status == "OPTIMAL" and call_violations(problem, schedule) == []
    assert len(problem.duties) == 24  # four nights a week, six weeks
    by_day: dict[str, list[str]] = {}
    for x in schedule.calls:
        by_day.setdefault(x.date, []).append(x.fellow)
    assert sorted(by_day) == sorted(d.first.isoformat() for d in problem.duties)
    assert all(len(fellows) == 2 for fellows in by_day.values())
    for x in schedule.calls:
        block = next(d.block for d in problem.duties if d.first.isoformat() == x.date)
        assert schedule.assignments[x.fellow][block] in ("a", "b")
    assert not [d for d in on_call(schedule, "ana") if "2027-07-12" <= d <= "2027-07-16"]


def test_limits_per_fellow_hold(load) -> None:
    limits = {"max_per_fellow": {"count": 3, "per_weeks": 1}, "min_days_between": 2}
    problem = load(with_call(home(**limits)))
    result = run(problem)
    schedule = result.schedule
    assert result.stats.status == "OPTIMAL" and call_violations(problem, schedule) == []
    for fellow in problem.fellows:
        days = [dt.date.fromisoformat(d) for d in sorted(on_call(schedule, fellow.id))]
        assert all((b - a).days >= 2 for a, b in itertools.pairwise(days))
        for a in days:
            assert len([b for b in days if 0 <= (b - a).days < 7]) <= 3


def test_too_few_fellows_for_the_nights_is_explained_with_its_numbers(load, tmp_path) -> None:
    """Three fellows, at most four duties each in four weeks: 12 < 16 nights."""
    config = with_call(home(max_per_fellow={"count": 4, "per_weeks": 4}))
    problem = load(config)
    (conflict,) = arithmetic_conflicts(problem)
    assert [m.key for m in conflict.members] == ["call[0].per_day", "call[0].max_per_fellow"]
    assert "3 fellows × 4 per 4 weeks = 12 < 16 duties" in conflict.reason
    result = CliRunner().invoke(
        cli, ["solve", str(write_yaml(tmp_path, config)), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2, result.output
    assert "program.yaml:" in result.output and "max_per_fellow" in result.output
    assert not (tmp_path / "out").exists()


def test_nobody_eligible_on_some_night_is_a_conflict_of_its_rules(load) -> None:
    # Everyone pinned to c (not eligible) in block 3: its nights have nobody.
    pins = [{"type": "pin", "fellow": f, "rotation": "c", "blocks": [3]} for f in ("ana", "ben")]
    pins.append({"type": "pin", "fellow": "cy", "rotation": "c", "blocks": [3]})
    problem = load(with_call(rules=pins))
    assert run(problem).stats.status == "INFEASIBLE"


def test_the_checker_names_each_broken_call_rule(load) -> None:
    limits = {"max_per_fellow": {"count": 2, "per_weeks": 1}, "min_days_between": 2}
    leave = [{"fellow": "ben", "start": "2027-07-06", "end": "2027-07-06"}]
    problem = load(
        with_call(
            home(**limits, not_before_on=["c"]),
            weekend(post_call_off=True),
            leave=leave,
        )
    )
    rows = {"ana": ["a", "a", "c", "a", "a", "a"], "ben": ["b"] * 6, "cy": ["c"] * 6}
    calls = [
        OnCall("2027-07-05", "home", "ana"),
        OnCall("2027-07-06", "home", "ana"),  # two days running
        OnCall("2027-07-07", "home", "ana"),  # a third in the week
        OnCall("2027-07-08", "home", "cy"),  # cy is on c: not eligible
        OnCall("2027-07-06", "home", "ben"),  # a second fellow, on leave
        OnCall("2027-07-11", "home", "ana"),  # no home call on a Sunday
        OnCall("2027-07-09", "weekend", "ben"),
        OnCall("2027-07-12", "home", "ben"),  # the day after his weekend call
    ]
    schedule = replace(hand_schedule(problem, rows), calls=sorted(calls))
    found = call_violations(problem, schedule)
    assert "call[0].min_days_between: ana on Home call 2027-07-05 and again 2027-07-06" in found
    assert any(v.startswith("call[0].max_per_fellow: ana has 3 Home call") for v in found)
    assert "call[0].eligible_on: cy is on Home call 2027-07-08 while on c" in found
    assert "call[0].per_day: ben is on Home call 2027-07-06 while on leave" in found
    assert "call[0].per_day: Home call on 2027-07-06 has 2 fellow(s), needs 1" in found
    assert "call[0].per_day: Home call has no duty starting 2027-07-11" in found
    assert "call[1].post_call_off: ben on home 2027-07-12, the day after Weekend call" in found
    # cy's Friday is on c; ana's Tuesday 6 July is followed by a day on `a`
    assert [v for v in found if "not_before_on" in v] == [
        "call[0].not_before_on: cy on Home call 2027-07-08, the night before c"
    ]


def test_a_night_before_an_off_site_week_is_flagged(load) -> None:
    """Sunday night call before ana's week on `c`: flagged; a Thursday of the week before is
    not the night before a day on `c` (Friday is still on `a`)."""
    rows = {"ana": ["a", "c", "a", "a", "a", "a"]}
    problem = load(with_call(home(days=["thu", "sun"], not_before_on=["c"])))
    for night, flagged in (("2027-07-11", True), ("2027-07-08", False)):
        schedule = replace(
            hand_schedule(problem, rows, default="b"), calls=[OnCall(night, "home", "ana")]
        )
        found = [v for v in call_violations(problem, schedule) if "not_before_on" in v]
        expected = f"call[0].not_before_on: ana on Home call {night}, the night before c"
        assert found == ([expected] if flagged else [])


def test_wishes_and_avoid_dates_cost_their_weight(load) -> None:
    wishes = [{"fellow": "cy", "date": "2027-07-20", "weight": 4}]
    avoid = [{"fellow": "ana", "start": "2027-07-05", "end": "2027-08-15", "weight": 2}]
    rules = [{"type": "pin", "fellow": "cy", "rotation": "c", "blocks": [3]}]
    problem = load(with_call(home(wishes=wishes, avoid=avoid, balance_weight=0), rules=rules))
    result = run(problem)
    schedule = result.schedule
    # cy is on c in week 3 (pinned): the wish cannot be granted; ana is spared every night.
    assert result.stats.status == "OPTIMAL"
    assert result.stats.objective >= 4
    assert on_call(schedule, "ana") == []
    costs = {v.key: v.cost for v in check(problem, schedule) if not v.hard}
    assert costs == {"call[0].wishes[0]": 4}


def test_duty_hours_hold_week_by_week(load) -> None:
    # Rotation hours 55/50/45 and 14-hour nights: at most 80 on average over 4 weeks, and
    # one day in 7 off: the weekend call takes two of a week's days.
    problem = load(with_call(home(), weekend(), duty={}))
    result = run(problem)
    schedule = result.schedule
    assert result.stats.status == "OPTIMAL" and call_violations(problem, schedule) == []
    for fellow, weeks in duty_weeks(problem, schedule).items():
        for i in range(len(weeks) - 3):
            assert sum(w.hours for w in weeks[i : i + 4]) <= 4 * 80, fellow
    # The first week has the 5 July holiday: four working days.
    ana = duty_weeks(problem, schedule)["ana"][0]
    rotation = schedule.assignments["ana"][0]
    assert ana.rotation == HOURS[rotation] * 4 / 5


def test_more_hours_than_the_limit_cannot_hold(load) -> None:
    # Everyone 75 hours a week on `a`, every night and weekend on call: over 80 on average.
    hours = {"a": 75, "b": 75, "c": 75}
    config = with_call(home(days=["mon", "tue", "wed", "thu", "fri"]), duty={})
    config["duty_hours"]["rotation_hours"] = hours
    assert run(load(config)).stats.status == "INFEASIBLE"


def test_the_checker_counts_hours_call_leave_and_post_call(load) -> None:
    leave = [{"fellow": "ana", "start": "2027-07-20", "end": "2027-07-21"}]
    problem = load(with_call(home(), weekend(post_call_off=True), duty={}, leave=leave))
    schedule = replace(
        hand_schedule(problem, {"ana": ["a"] * 6}),
        calls=[OnCall("2027-07-16", "weekend", "ana"), OnCall("2027-07-13", "home", "ana")],
    )
    weeks = duty_weeks(problem, schedule)["ana"]
    assert weeks[0].rotation == 44  # 55 a week, 4 working days (5 July observed)
    assert weeks[1].rotation == 55 and weeks[1].call == 14 + 30
    assert weeks[1].days_off == 0  # Saturday and Sunday on the weekend call
    assert weeks[2].rotation == 55 * 2 / 5  # post-call Monday, leave Tuesday and Wednesday
    assert weeks[2].days_off == 5


def test_a_fellow_over_the_weekly_limit_is_flagged(load) -> None:
    problem = load(with_call(home(), duty={"max_weekly": {"hours": 60, "averaged_over_weeks": 1}}))
    rows = {"ana": ["a"] * 6}
    calls = [OnCall("2027-07-13", "home", "ana")]
    schedule = replace(hand_schedule(problem, rows), calls=calls)
    found = call_violations(problem, schedule)
    assert "duty_hours.max_weekly: ana works 69.0 hours a week over weeks 2-2, at most 60" in found


def test_outputs_list_every_duty_and_week(load) -> None:
    problem = load(with_call(home(), duty={}))
    schedule = run(problem).schedule
    rows = list(csv.DictReader(io.StringIO(call_csv(problem, schedule).decode())))
    assert list(rows[0]) == ["date", "call", "fellow", "hours", "call_name", "fellow_name"]
    assert [(r["date"], r["fellow"]) for r in rows] == [(x.date, x.fellow) for x in schedule.calls]
    weeks = list(csv.DictReader(io.StringIO(hours_csv(problem, schedule).decode())))
    assert len(weeks) == 3 * 6
    assert {r["average"] for r in weeks if r["week"] in ("1", "2", "3")} == {""}


def test_calendars_hold_each_fellows_duties_as_timed_events(load) -> None:
    problem = load(with_call(home(location="Home (pager 4-7246)")))
    schedule = run(problem).schedule
    files, _ = calendars(problem, schedule)
    for fellow in problem.fellows:
        cal = icalendar.Calendar.from_ical(files[f"calendars/{fellow.id}.ics"])
        calls = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Home call"]
        starts = sorted(e.decoded("DTSTART").date().isoformat() for e in calls)
        assert starts == sorted(on_call(schedule, fellow.id))
        for event in calls:
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert str(start.tzinfo) == "America/Chicago" and start.hour == 17
            assert (end.date() - start.date()).days == 1 and end.hour == 8
    program_cal = icalendar.Calendar.from_ical(files["calendars/program.ics"])
    nights = [e for e in program_cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("Home")]
    assert len(nights) == len(problem.duties)
    assert len({str(e["UID"]) for e in nights}) == len(nights)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"eligible_on": ["x"]}, "unknown rotation 'x'"),
        ({"days": ["mon", "mon"]}, "days names a day twice"),
        ({"weekend": {"from": "fri", "to": "sun"}}, "give either days"),
        ({"wishes": [{"fellow": "ana", "date": "2027-07-11"}]}, "no duty of Home call starts"),
    ],
)
def test_bad_call_config_names_its_line(tmp_path, change, message) -> None:
    path = write_yaml(tmp_path, with_call(home(**change)))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "program.yaml:" in result.output and message in result.output


def test_every_rotation_needs_its_hours(tmp_path) -> None:
    config = with_call(home(), duty={})
    del config["duty_hours"]["rotation_hours"]["c"]
    result = CliRunner().invoke(cli, ["check", str(write_yaml(tmp_path, config))])
    assert result.exit_code == 1
    assert "no weekly hours for c" in result.output


def test_duties_are_shared_evenly(load) -> None:
    """24 nights among three fellows: 8 each; the one holiday night (5 July) costs nothing."""
    problem = load(with_call(home()))
    result = run(problem)
    counts = Counter(x.fellow for x in result.schedule.calls)
    assert result.stats.objective == 0 and sorted(counts.values()) == [8, 8, 8]


def test_a_duty_above_the_even_share_costs_balance_weight(load) -> None:
    problem = load(with_call(home(balance_weight=3)))
    calls = [OnCall(d.first.isoformat(), "home", "ana") for d in problem.duties[:10]]
    calls += [OnCall(d.first.isoformat(), "home", "ben") for d in problem.duties[10:]]
    schedule = replace(hand_schedule(problem, {}, default="a"), calls=calls)
    costs = [(v.fellow, v.cost) for v in check(problem, schedule) if v.kind == "call_balance"]
    # ana 10 (share 8), ben 14; the holiday night is ana's alone (share 1).
    assert sorted(costs) == [("ana", 3 * 2), ("ben", 3 * 6)]


def test_nobody_covers_both_christmas_and_new_year(load) -> None:
    config = with_call(weekend(eligible_on=["a", "b", "c"]))
    config["program"] |= {"start": "2027-12-13", "blocks": 4}
    problem = load(config)
    result = run(problem)
    over = {x.date: x.fellow for x in result.schedule.calls}
    christmas, new_year = over["2027-12-24"], over["2027-12-31"]  # Fri-Sun duties over them
    assert christmas != new_year and call_violations(problem, result.schedule) == []
    both = [OnCall("2027-12-24", "weekend", "ana"), OnCall("2027-12-31", "weekend", "ana")]
    schedule = replace(hand_schedule(problem, {}, default="a"), calls=both)
    assert "call[0].holidays_apart: ana is on Weekend call over Christmas 2027 and New Year" in (
        call_violations(problem, schedule)
    )


def test_reschedule_keeps_past_duties_and_moves_few(tmp_path) -> None:
    """Published, then ben takes leave in week 4: duties before the freeze stay as announced,
    ben has none in his leave, and only his duties there move (changes.csv lists them)."""
    config = with_call(home(), duty={})
    runner = CliRunner()
    first = write_yaml(tmp_path, config, "v1.yaml")
    assert runner.invoke(cli, ["solve", str(first), "--out", str(tmp_path / "v1")]).exit_code == 0
    v1 = json.loads((tmp_path / "v1" / "schedule.json").read_text())
    leave = [{"fellow": "ben", "start": "2027-07-26", "end": "2027-07-30"}]
    second = write_yaml(tmp_path, config | {"leave": leave}, "v2.yaml")
    args = ["reschedule", str(second), "--previous", str(tmp_path / "v1" / "schedule.json")]
    args += ["--freeze-until", "2027-07-19", "--out", str(tmp_path / "v2")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    v2 = json.loads((tmp_path / "v2" / "schedule.json").read_text())
    past = [x for x in v1["calls"] if x["date"] < "2027-07-19"]
    assert [x for x in v2["calls"] if x["date"] < "2027-07-19"] == past
    assert not [
        x for x in v2["calls"] if x["fellow"] == "ben" and "2027-07-26" <= x["date"] <= "2027-07-30"
    ]
    ben = [x["date"] for x in v1["calls"] if x["fellow"] == "ben"]
    forced = [d for d in ben if "2027-07-26" <= d <= "2027-07-30"]
    changes = list(csv.DictReader(io.StringIO((tmp_path / "v2" / "changes.csv").read_text())))
    calls = [c for c in changes if c["kind"] == "call"]
    assert {c["start"] for c in calls} >= set(forced)
    assert not v2["broken_hard_rules"]


@st.composite
def call_case(draw) -> tuple[dict, list[list[str]]]:
    """A home call with random wishes, avoid-dates and balance, and a random fellow on each of
    its 24 nights (every fellow on `a` all year, so every hard rule holds), or with soft cover
    and any fellows on each night."""
    fellows = ["ana", "ben", "cy"]
    nights = st.integers(0, 23)
    monday = dt.date(2027, 7, 5)
    night = nights.map(lambda n: monday + dt.timedelta(weeks=n // 4, days=n % 4))
    wishes = [
        {
            "fellow": draw(st.sampled_from(fellows)),
            "date": draw(night),
            "weight": draw(st.integers(1, 9)),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    avoid = []
    for _ in range(draw(st.integers(0, 3))):
        a, b = sorted((draw(night), draw(night)))
        avoid.append(
            {
                "fellow": draw(st.sampled_from(fellows)),
                "start": a,
                "end": b,
                "weight": draw(st.integers(1, 9)),
            }
        )
    call = home(wishes=wishes, avoid=avoid, balance_weight=draw(st.integers(0, 5)))
    if draw(st.booleans()):  # soft cover: any number of fellows on a night, each off costing
        call |= {"short_weight": draw(st.integers(1, 9)), "extra_weight": draw(st.integers(1, 9))}
        call["per_date"] = {draw(night): draw(st.integers(0, 3))}
        some = st.lists(st.sampled_from(fellows), max_size=3, unique=True)
        takers = [draw(some) for _ in range(24)]
    else:
        takers = [[draw(st.sampled_from(fellows))] for _ in range(24)]
    config = with_call(call, fellows=[{"id": f, "name": f.title()} for f in fellows])
    return config, takers


@settings(max_examples=25, derandomize=True, deadline=None)
@given(call_case())
def test_model_and_checker_agree_on_the_costs_of_call(drawn) -> None:
    config, takers = drawn
    with tempfile.TemporaryDirectory() as folder:
        problem = resolve(load_config(write_yaml(Path(folder), config)))
    model = build_model(problem)
    for f in range(len(problem.fellows)):
        for b in range(len(problem.blocks)):
            model.cp.add(model.vars.on(f, b, "a") == 1)
    for k, on in enumerate(takers):
        for f, fellow in enumerate(problem.fellows):
            model.cp.add(model.vars.call[k, f] == int(fellow.id in on))
    options = SolveOptions(time_limit=10)
    solver = solver_for(options)
    code = solver.solve(model.cp)
    assert code == cp_model.OPTIMAL
    schedule = read_schedule(problem, model, solver, code, options, 0.0).schedule
    in_model: Counter = Counter()
    for p in model.penalties:
        in_model[p.rule.key] += p.weight * solver.value(p.literal)
    in_checker: Counter = Counter()
    for v in check(problem, schedule):
        assert not v.hard, v
        in_checker[v.key] += v.cost
    assert +in_model == +in_checker


def test_only_a_calls_fellows_take_it(load) -> None:
    problem = load(with_call(home(fellows=["ana", "ben"])))
    schedule = run(problem).schedule
    assert {x.fellow for x in schedule.calls} == {"ana", "ben"}
    taken = replace(schedule, calls=[OnCall(schedule.calls[0].date, "home", "cy")])
    assert any(v.endswith("but is not one of its fellows") for v in call_violations(problem, taken))


def test_a_date_of_its_own_and_soft_cover(load) -> None:
    """Two fellows on 7 July; too few elsewhere costs short_weight each, too many extra_weight."""
    problem = load(with_call(home(per_date={"2027-07-07": 2}, balance_weight=0)))
    schedule = run(problem).schedule
    on = Counter(x.date for x in schedule.calls)
    assert on["2027-07-07"] == 2 and all(n == 1 for d, n in on.items() if d != "2027-07-07")
    soft = load(with_call(home(short_weight=7, extra_weight=2, balance_weight=0)))
    calls = [OnCall("2027-07-05", "home", "ana"), OnCall("2027-07-05", "home", "ben")]
    schedule = replace(hand_schedule(soft, {}, default="a"), calls=calls)
    costs = Counter()
    for v in check(soft, schedule):
        costs[v.kind] += v.cost
    assert costs == {"call_short": 7 * 23, "call_extra": 2}
    # cy on c all year, ana and ben pinned off the eligible rotations in week 2: nobody for its
    # four nights, which cost 7 each when shortfalls are allowed.
    pins = [{"type": "pin", "fellow": f, "rotation": "c", "blocks": [2]} for f in ("ana", "ben")]
    pins.append({"type": "pin", "fellow": "cy", "rotation": "c", "blocks": [1, 2, 3, 4, 5, 6]})
    short = load(with_call(home(short_weight=7, balance_weight=0), rules=pins))
    result = run(short)
    assert result.stats.status == "OPTIMAL" and result.stats.objective >= 4 * 7
    assert not [x for x in result.schedule.calls if "2027-07-12" <= x.date <= "2027-07-18"]


def test_no_duty_the_day_after_another_call_it_may_not_follow(load) -> None:
    late = home(id="late", name="Late call", days=["mon", "tue", "wed", "thu", "fri"])
    early = home(id="early", name="Early call", days=["mon", "tue", "wed", "thu", "fri"])
    early["not_after"] = ["late"]
    problem = load(with_call(late, early))
    result = run(problem)
    assert result.stats.status == "OPTIMAL" and call_violations(problem, result.schedule) == []
    lates = {(x.fellow, x.date) for x in result.schedule.calls if x.call == "late"}
    for x in result.schedule.calls:
        if x.call == "early":
            before = (dt.date.fromisoformat(x.date) - dt.timedelta(days=1)).isoformat()
            assert (x.fellow, before) not in lates
    calls = [OnCall("2027-07-06", "late", "ana"), OnCall("2027-07-07", "early", "ana")]
    schedule = replace(hand_schedule(problem, {}, default="a"), calls=calls)
    assert "call[1].not_after: ana on Early call 2027-07-07, the day after late" in (
        call_violations(problem, schedule)
    )


def test_limits_on_some_fellows_duties_hold_and_are_checked(load) -> None:
    """Home call every night; ana at most 5 duties and 42 hours, runs of 2 nights at most with
    2 nights off between; nobody on more than three of the six weekends."""
    every = home(days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], balance_weight=0)
    limits = [
        {
            "fellows": ["ana"],
            "duties": {"max": 5},
            "hours": {"max": 42},
            "days_running": {"max": 2},
            "days_off_running": 2,
        },
        {"weekends": {"max": 3}},
        {"fellows": ["cy"], "days_running": {"min": 2}},
    ]
    problem = load(with_call(every, call_limits=limits))
    result = run(problem)
    assert result.stats.status == "OPTIMAL" and call_violations(problem, result.schedule) == []
    assert len([x for x in result.schedule.calls if x.fellow == "ana"]) <= 3  # 42 hours
    calls = [OnCall(d, "home", "ana") for d in ("2027-07-05", "2027-07-06", "2027-07-07")]
    calls += [OnCall("2027-07-09", "home", "ana"), OnCall("2027-07-10", "home", "ana")]
    saturdays = ("2027-07-17", "2027-07-24", "2027-07-31", "2027-08-07")
    calls += [OnCall(d, "home", "ben") for d in saturdays]
    calls += [OnCall("2027-07-20", "home", "cy"), OnCall("2027-08-15", "home", "cy")]
    found = call_violations(problem, replace(hand_schedule(problem, {}, default="a"), calls=calls))
    prefix = "call_limits[0]"
    assert (
        f"{prefix}.days_running: ana has 3 days running with a duty from 2027-07-05, at most 2 days"
        in found
    )
    assert (
        f"{prefix}.days_off_running: ana has 1 days running without one from 2027-07-08, "
        "at least 2 days" in found
    )
    assert f"{prefix}.hours: ana has 70 hours, at most 42 hours allowed" in found
    # cy's lone night inside the year is too short; the one on the year's last day may be
    assert [v for v in found if v.startswith("call_limits[2]")] == [
        "call_limits[2].days_running: cy has 1 days running with a duty from 2027-07-20, "
        "at least 2 days"
    ]
    assert not [v for v in found if v.startswith(f"{prefix}.duties")]  # 5: not more than 5
    assert (
        "call_limits[1].weekends: ben has 4 weekends with a duty, at most 3 weekends with a "
        "duty allowed" in found
    )


def test_a_hand_made_call_roster_is_scored_as_given(tmp_path) -> None:
    """`rotations score --call` fixed the duties of call.csv (before, the call of a hand-made
    year was solved around its rotations, and a roster kept by hand could not be scored)."""
    config = write_yaml(tmp_path, with_call(home(), duty={}))
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(cli, ["solve", str(config), "--out", str(out)]).exit_code == 0
    roster = list(csv.DictReader(io.StringIO((out / "call.csv").read_text())))
    score = ["score", str(config), "--schedule", str(out / "schedule.csv")]

    def scored(rows: list[dict], name: str) -> str:
        path = tmp_path / name
        with path.open("w", newline="") as file:
            writer = csv.DictWriter(file, ["date", "call", "fellow"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return runner.invoke(cli, [*score, "--call", str(path)])

    same = scored(roster, "same.csv")
    assert same.exit_code == 0, same.output
    assert "every hard rule holds" in same.output
    dropped = scored(roster[1:], "dropped.csv")  # nobody on the first night
    assert dropped.exit_code == 2, dropped.output
    assert "call[0].per_day" in dropped.output and roster[0]["date"] in dropped.output
    named = [row | {"fellow": "Ana"} if row["fellow"] == "ana" else row for row in roster]
    assert scored(named, "named.csv").exit_code == 0  # a fellow by name
    wrong = [roster[0] | {"fellow": "anna", "date": "2027-07-10"}, *roster[1:]]
    bad = scored(wrong, "wrong.csv")
    assert bad.exit_code == 1
    assert "wrong.csv:2:1: no duty of Home call starts on 2027-07-10" in bad.output
    assert "wrong.csv:2:3: unknown fellow 'anna'; did you mean 'ana'" in bad.output


@settings(max_examples=15, derandomize=True, deadline=None)
@given(
    st.lists(st.integers(30, 80), min_size=3, max_size=3),
    st.integers(8, 30),
    st.booleans(),
    st.integers(50, 90),
    st.integers(1, 4),
)
def test_the_duty_hours_arithmetic_never_refuses_a_year_that_has_a_schedule(
    rates, hours, post_call, most, weeks
) -> None:
    """The precheck runs before every solve: a conflict it finds must be one the model finds
    too, and a year the model schedules must pass it."""
    config = with_call(
        home(days=["mon", "tue", "wed", "thu", "fri"], hours=hours, post_call_off=post_call),
        duty={"max_weekly": {"hours": most, "averaged_over_weeks": weeks}},
    )
    config["duty_hours"]["rotation_hours"] = dict(zip(HOURS, rates, strict=True))
    with tempfile.TemporaryDirectory() as folder:
        problem = resolve(load_config(write_yaml(Path(folder), config)))
    found = [c for c in arithmetic_conflicts(problem) if "hours ×" in c.reason]
    status = run(problem, time_limit=10).stats.status
    assert status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE")
    if found:
        assert status == "INFEASIBLE", found[0].reason
