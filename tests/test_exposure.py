"""Procedure targets, case logs and off-cycle fellows: in the model, the checker, the outputs,
the explanation and a reschedule. Programs: 3 fellows, 6 weekly blocks from 2027-07-05 (five
working days each, no holidays), rotation `a` bringing 5 ESI cases a week (1 a working day)."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from click.testing import CliRunner

from rotations.check import check
from rotations.cli import cli
from rotations.config import ConfigError
from rotations.precheck import arithmetic_conflicts
from tests.conftest import hand_schedule, program, run, write_yaml

ESI = {"esi": {"name": "ESI"}}


def rotations(**a) -> dict:
    return {
        "a": {"name": "Alpha", "exposure": {"esi": 5}, **a},
        "b": {"name": "Beta"},
        "c": {"name": "Gamma"},
    }


def fellows(**changes) -> list[dict]:
    people = [
        {"id": "ana", "name": "Ana"},
        {"id": "ben", "name": "Ben"},
        {"id": "cy", "name": "Cy"},
    ]
    return [person | changes.get(person["id"], {}) for person in people]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_a_target_keeps_procedure_weeks_off_a_fellows_leave(load) -> None:
    """ana needs 20 ESI cases in exactly 4 blocks of `a`: a week of leave in block 1 would
    bring her none, so all four fall in blocks 2-6."""
    config = program(
        procedures=ESI,
        rotations=rotations(),
        fellows=fellows(ana={"targets": {"esi": 20}, "requirements": {"a": 4}}),
        leave=[{"fellow": "ana", "start": "2027-07-05", "end": "2027-07-09"}],
    )
    problem = load(config)
    result = run(problem)
    row = result.schedule.assignments["ana"]
    assert row[0] != "a" and row[1:].count("a") == 4
    assert [v for v in check(problem, result.schedule) if v.hard] == []
    hand = hand_schedule(problem, {"ana": list("aaaacc")})
    (short,) = [v for v in check(problem, hand) if v.kind == "target"]
    assert short.message == "ana reaches 15.0 of 20 ESI cases (logged 0, expected 15.0)"


def test_a_soft_shortfall_is_shared_fairly(load) -> None:
    """ana and ben want 20 cases each (weight 1) from one seat of `a` over 6 weeks: 30 cases
    for 40 wanted, 10 missing. Shared 5 and 5 (three blocks each) the objective is
    10 + 3 fellows × 5 = 25; 0 and 10 (or 5 and 5 blocks skewed) would cost 10 + 30 = 40."""
    soft = {"targets": {"esi": {"min": 20, "weight": 1}}}
    config = program(
        procedures=ESI,
        rotations=rotations(staffing={"max": 1}),
        fellows=fellows(ana=soft, ben=soft),
    )
    problem = load(config)
    result = run(problem)
    assert (result.stats.status, result.stats.objective) == ("OPTIMAL", 25)
    counts = [result.schedule.assignments[f].count("a") for f in ("ana", "ben")]
    assert counts == [3, 3]
    costs = sorted(v.cost for v in check(problem, result.schedule) if v.kind == "target")
    assert costs == [5, 5]


def test_an_off_cycle_fellow_has_blocks_only_inside_their_dates(load, tmp_path) -> None:
    """cy joins on 2027-07-19 (block 3) and ben leaves on 2027-08-01 (end of block 4); `a`
    needs one fellow present every working day, counted only from those in the program."""
    config = program(
        procedures=ESI,
        rotations=rotations(staffing={"min": 1}),
        fellows=fellows(
            cy={"start": "2027-07-19", "requirements": {"b": 1}},
            ben={"end": "2027-08-01"},
        ),
        requirements={"b": 2},
    )
    problem = load(config)
    result = run(problem)
    rows = result.schedule.assignments
    assert rows["cy"][:2] == [None, None] and None not in rows["cy"][2:]
    assert rows["ben"][4:] == [None, None]
    assert rows["cy"].count("b") == 1 and rows["ana"].count("b") == 2
    assert all(any(rows[f][b] == "a" for f in rows) for b in range(6))  # staffed every week
    assert [v for v in check(problem, result.schedule) if v.hard] == []
    out = tmp_path / "out"
    assert invoke("solve", write_yaml(tmp_path, config), "--out", out).exit_code == 0
    with open(out / "schedule.csv", newline="") as handle:
        cy = [r for r in csv.DictReader(handle) if r["fellow"] == "cy"]
    assert [r["block"] for r in cy] == ["3", "4", "5", "6"]


def test_exposure_csv_and_the_workbook_show_logged_expected_and_targets(tmp_path) -> None:
    (tmp_path / "cases.csv").write_text("fellow,procedure,date,count\nana,esi,2027-06-20,7\n")
    config = program(
        procedures=ESI,
        rotations=rotations(),
        fellows=fellows(ana={"targets": {"esi": {"min": 12, "weight": 3}}}),
        case_logs=["cases.csv"],
        rules=[{"type": "pin", "fellow": "ana", "rotation": "b", "blocks": [1, 2, 3, 4, 5, 6]}],
    )
    out = tmp_path / "out"
    result = invoke("solve", write_yaml(tmp_path, config), "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((out / "exposure.csv").read_text())))
    ana = next(r for r in rows if r["fellow"] == "ana")
    assert ana == {
        "fellow": "ana",
        "procedure": "esi",
        "logged": "7",
        "expected": "0.0",
        "target": "12",
        "met": "no",
    }
    assert "ana reaches 7.0 of 12 ESI cases" in result.output  # the shortfall, 5 × 3 = cost 15
    book = openpyxl.load_workbook(out / "schedule.xlsx")
    assert [c.value for c in book["Exposure"][1]] == list(ana)
    assert 'id="exposure"' in (out / "report.html").read_text()
    state = json.loads((out / "schedule.json").read_text())
    assert state["exposure"][0]["logged"] == 7


def test_a_case_log_moves_procedure_weeks_to_the_fellow_who_is_behind(tmp_path) -> None:
    """Everyone wants 10 ESI cases (weight 5) from `a` (two seats). After the first two weeks,
    whoever was on `a` logged only 1 case there instead of 5: the reschedule gives that fellow
    one more week of `a` — one change, no more."""
    soft = {"esi": {"min": 10, "weight": 5}}
    config = program(
        procedures=ESI,
        rotations=rotations(staffing={"max": 2}),
        targets=soft,
        requirements={"a": {"max": 3}},
    )
    v1 = tmp_path / "v1"
    assert invoke("solve", write_yaml(tmp_path, config, "v1.yaml"), "--out", v1).exit_code == 0
    before = json.loads((v1 / "schedule.json").read_text())["assignments"]
    behind = next(f for f, row in before.items() if "a" in row[:2])
    lines = ["fellow,procedure,date,count"]
    for fellow, row in before.items():
        for b in (0, 1):
            if row[b] == "a":
                count = 1 if fellow == behind and b == row.index("a") else 5
                lines.append(f"{fellow},esi,2027-07-{5 + 7 * b:02d},{count}")
    (tmp_path / "cases.csv").write_text("\n".join(lines) + "\n")
    path = write_yaml(tmp_path, config | {"case_logs": ["cases.csv"]}, "v2.yaml")
    v2 = tmp_path / "v2"
    result = invoke(
        "reschedule", path, "--previous", v1 / "schedule.json", "--out", v2,
        "--freeze-until", "2027-07-19",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = json.loads((v2 / "schedule.json").read_text())["assignments"]
    assert after[behind][2:].count("a") == before[behind][2:].count("a") + 1
    assert "1 rotation block(s) changed for 1 fellow(s)" in result.output
    exposure = json.loads((v2 / "schedule.json").read_text())["exposure"]
    assert next(r for r in exposure if r["fellow"] == behind)["met"] == "yes"


def test_without_case_logs_a_reschedule_counts_the_published_past(tmp_path) -> None:
    """The same program without `case_logs:`: the frozen weeks on `a` still bring their
    expected cases, so nobody is behind and an unchanged program reschedules with no change
    (were the past counted as nothing logged, every fellow would be 5–10 cases short)."""
    config = program(
        procedures=ESI,
        rotations=rotations(staffing={"max": 2}),
        targets={"esi": {"min": 10, "weight": 5}},
        requirements={"a": {"max": 3}},
    )
    path = write_yaml(tmp_path, config, "v1.yaml")
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    assert invoke("solve", path, "--out", v1).exit_code == 0
    result = invoke(
        "reschedule", path, "--previous", v1 / "schedule.json", "--out", v2,
        "--freeze-until", "2027-07-19",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "0 rotation block(s) changed" in result.output
    exposure = json.loads((v2 / "schedule.json").read_text())["exposure"]
    assert {r["met"] for r in exposure} == {"yes"}
    assert {r["logged"] for r in exposure} == {0}


def test_a_shortfall_the_published_plan_already_had_is_no_reason_to_change(tmp_path) -> None:
    """The published year gave everyone one block of `a` (5 cases). The program now wants 10
    (weight 5) and allows up to three blocks: 5 missing each, as planned. A reschedule keeps
    the schedule (no change), where counting every missing case changed three cells."""
    v1_config = program(procedures=ESI, rotations=rotations(), requirements={"a": 1})
    v1 = tmp_path / "v1"
    path = write_yaml(tmp_path, v1_config, "v1.yaml")
    assert invoke("solve", path, "--out", v1).exit_code == 0
    config = v1_config | {"targets": {"esi": {"min": 10, "weight": 5}}, "requirements": {}}
    result = invoke(
        "reschedule", write_yaml(tmp_path, config, "v2.yaml"), "--previous",
        v1 / "schedule.json", "--out", tmp_path / "v2", "--freeze-until", "2027-07-19",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "0 rotation block(s) changed" in result.output
    assert "reaches 5.0 of 10 ESI cases" in result.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_wrong_case_log_row_is_named_by_file_row_and_column(load, tmp_path, suffix) -> None:
    rows = [
        ["fellow", "procedure", "date", "count"],
        ["ana", "esi", "2027-06-01", "3"],
        ["zed", "esi", "2027-06-02", "1"],
        ["ana", "rfa", "June 3", "two"],
    ]
    path = tmp_path / f"cases{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    with pytest.raises(ConfigError) as caught:
        load(program(procedures=ESI, rotations=rotations(), case_logs=[path.name]))
    messages = [str(p).removeprefix(f"{tmp_path}/") for p in caught.value.problems]
    assert messages == [
        f"cases{suffix}:3:1: unknown fellow 'zed'",
        f"cases{suffix}:4:2: unknown procedure 'rfa'",
        f"cases{suffix}:4:3: 'June 3' is not a date YYYY-MM-DD",
        f"cases{suffix}:4:4: 'two' is not a number of cases (a whole number 0 to 10,000, in "
        "digits 0-9)",
    ]


def test_an_unreachable_target_is_explained_with_its_numbers(load) -> None:
    """Everyone needs 20 ESI cases; one seat of `a` over 6 weeks gives 30 cases for 60."""
    config = program(procedures=ESI, rotations=rotations(staffing={"max": 1}), targets={"esi": 20})
    (conflict,) = arithmetic_conflicts(load(config))
    assert [m.key for m in conflict.members] == [
        "targets.esi",
        "rotations.a.exposure.esi",
        "rotations.a.staffing",
    ]
    assert conflict.reason == (
        "3 fellows need 60 ESI cases together, but Alpha 1 fellow(s) × 30 working days × 5/5 = "
        "30 at most, before leave."
    )


def test_one_fellows_unreachable_target_is_explained(load) -> None:
    """ana is on leave for four of the six weeks: 2 weeks × 5 = 10 cases at most, for 20."""
    config = program(
        procedures=ESI,
        rotations=rotations(),
        fellows=fellows(ana={"targets": {"esi": 20}}),
        leave=[{"fellow": "ana", "start": "2027-07-05", "end": "2027-08-01"}],
    )
    (conflict,) = arithmetic_conflicts(load(config))
    assert conflict.members[0].key == "fellows[0].targets.esi"
    assert "reaches 10" in conflict.reason


def test_granted_leave_lowers_the_expected_cases_in_model_and_checker(load) -> None:
    """ana is on `a` all six weeks (30 cases, her target 30 at weight 1). Granting her request
    for two working days (weight 9) costs 2 missing cases, less than denying it: it is
    granted, and the model and the checker both count the shortfall of 2."""
    config = program(
        procedures=ESI,
        rotations=rotations(),
        fellows=fellows(ana={"targets": {"esi": {"min": 30, "weight": 1}}}),
        leave=[
            {"fellow": "ana", "start": "2027-07-06", "end": "2027-07-07", "requested": True,
             "weight": 9}
        ],
        rules=[{"type": "pin", "fellow": "ana", "rotation": "a", "blocks": [1, 2, 3, 4, 5, 6]}],
    )  # fmt: skip
    problem = load(config)
    result = run(problem)
    assert result.schedule.granted_leave == (0,)
    assert result.schedule.penalty_cost == 2
    (short,) = [v for v in check(problem, result.schedule) if v.kind == "target"]
    assert short.cost == 2
