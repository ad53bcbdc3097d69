"""The case conference's cases: placed in the model before the panel they need, re-verified by
the checker, refused where a row looks like patient identity, written to agenda.csv and the
calendars without summaries, and kept where announced when new cases arrive."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from rotations.check import check
from rotations.cli import cli
from rotations.config import ConfigError, load_config
from rotations.implied import CaseRule
from rotations.output.render import render
from rotations.published import read_publication
from rotations.schedule import Role, Slot
from tests.conftest import EXAMPLE, FACULTY, conference, program, run, write_yaml

PSYCHIATRY = [*FACULTY, {"id": "ada", "name": "Ada Obi", "discipline": "psychiatry"}]
TYPES = {
    "implant": {"name": "Implant candidate", "needs": ["neurology"], "minutes": 20},
    "taper": {"name": "Opioid taper", "needs": ["psychiatry"], "minutes": 15},
}


def case(ref: str, submitted: str, due: str, **keys) -> dict:
    return {"case": ref, "type": "implant", "submitted": submitted, "due": due, **keys}


def with_cases(cases: list[dict], faculty=PSYCHIATRY, **conf) -> dict:
    return program(
        faculty=faculty,
        conferences=[conference(case_minutes=conf.pop("case_minutes", 30), **conf)],
        case_types=TYPES,
        cases=cases,
    )


def where(problem) -> str:
    """A problem's place as file name, row and column (the test's folder left out)."""
    at = problem.position
    return f"{Path(at.file).name}:{at.line}:{at.column}"


def agenda_violations(problem, schedule) -> list:
    return [v for v in check(problem, schedule) if v.rule.type in ("agenda", "case")]


def test_every_case_is_discussed_in_its_dates_before_the_panel_it_needs(load) -> None:
    problem = load(
        with_cases(
            [
                case("C-1", "2027-07-05", "2027-07-16", presenter="ben"),
                case("C-2", "2027-07-12", "2027-07-30", type="taper"),
                case("C-3", "2027-07-19", "2027-08-13", needs=["psychiatry"], minutes=10),
            ]
        )
    )
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    schedule = result.schedule
    assert agenda_violations(problem, schedule) == []
    assert sorted(slot.case for slot in schedule.agenda) == ["C-1", "C-2", "C-3"]
    one = schedule.slot_of("C-1")
    assert one.presenter == "ben" and one.date in ("2027-07-08", "2027-07-15")
    assert Role(one.date, "mdcc", "presenter", "ben") in schedule.roles
    # psychiatry is not on the standing panel: Ada joins exactly the sessions of C-2 and C-3
    joined = sorted(r.date for r in schedule.roles if r.person == "ada")
    assert joined == sorted({schedule.slot_of("C-2").date, schedule.slot_of("C-3").date})
    assert all(r.discipline == "psychiatry" for r in schedule.roles if r.person == "ada")


def test_two_urgent_implant_cases_compete_for_one_sessions_minutes(load) -> None:
    """Only the session of 2027-07-08 lies in both windows, with 30 minutes for two cases of
    20: one is discussed, the other costs unplaced_weight x priority and says why."""
    cases = [
        case("C-7", "2027-07-05", "2027-07-09", priority=3),
        case("C-8", "2027-07-05", "2027-07-09", priority=3),
    ]
    problem = load(with_cases(cases))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    (placed,) = result.schedule.agenda
    other = "C-8" if placed.case == "C-7" else "C-7"
    missed = [v for v in check(problem, result.schedule) if isinstance(v.rule, CaseRule)]
    assert [(v.rule.ref, v.cost) for v in missed] == [(other, 500 * 3)]
    assert f"2027-07-08: {placed.case} (presenting: {placed.presenter})" in missed[0].message
    assert Path(missed[0].rule.position.file).name == "program.yaml"
    assert f"program.yaml:{missed[0].rule.position.line}) is not discussed" in missed[0].message
    roomy = load(with_cases(cases, case_minutes=40))
    assert len(run(roomy).schedule.agenda) == 2


def test_the_model_and_the_checker_agree_on_what_waiting_and_load_cost(load) -> None:
    """Four cases without a presenter submitted at once: some wait, and the fellow who takes
    more than an even share (2 of 4 for 3 fellows) costs case_load_weight; the checker's costs
    are the model's."""
    cases = [case(f"C-{n}", "2027-07-05", "2027-08-13", minutes=15) for n in range(1, 5)]
    problem = load(with_cases(cases, waiting_weight=2, case_load_weight=5))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    violations = check(problem, result.schedule)
    assert not [v for v in violations if v.hard]
    assert sum(v.cost for v in violations) == result.schedule.penalty_cost
    assert len(result.schedule.agenda) == 4


def test_a_presenter_who_cannot_present_in_the_window_leaves_the_case_undiscussed(load) -> None:
    config = with_cases([case("C-5", "2027-07-05", "2027-07-16", presenter="cy")])
    config["leave"] = [{"fellow": "cy", "start": "2027-07-05", "end": "2027-07-18"}]
    problem = load(config)
    result = run(problem)
    (missed,) = [v for v in check(problem, result.schedule) if isinstance(v.rule, CaseRule)]
    assert "cy, its presenter, is on leave or cannot present" in missed.message


def test_the_checker_flags_a_hand_made_agenda(load) -> None:
    problem = load(with_cases([case("C-1", "2027-07-12", "2027-07-23", type="taper")]))
    schedule = run(problem).schedule
    wrong = replace(
        schedule,
        agenda=[Slot("2027-07-08", "mdcc", 1, "C-1", "ana")],
        roles=[r for r in schedule.roles if r.person != "ada"],
    )
    messages = [v.message for v in agenda_violations(problem, wrong) if v.hard]
    assert "2027-07-08: C-1 discussed outside its dates 2027-07-12..2027-07-23" in messages
    assert "2027-07-08: C-1 needs psychiatry, and no psychiatry faculty sits then" in messages
    presenting = [r.person for r in wrong.roles_on("mdcc", "2027-07-08") if r.role == "presenter"]
    if presenting != ["ana"]:
        assert "2027-07-08: C-1 presented by ana, who does not present then" in messages


@pytest.mark.parametrize(
    ("summary", "what"),
    [
        ("MRN 4417208, lumbar radiculopathy", "a record number"),
        ("call 555-201-3344 before the visit", "a phone number"),
        ("family at jdoe@example.org", "an e-mail address"),
        ("DOB unknown, sciatica", "a date of birth"),
        ("seen 03/14/1952 for neuropathy", "a date"),
    ],
)
def test_a_row_that_looks_like_patient_identity_is_refused_at_its_cell(
    tmp_path, summary: str, what: str
) -> None:
    rows = [
        "case,type,submitted,due,presenter,summary",
        "C-1,implant,2027-07-05,2027-07-30,ana,Failed back surgery; SCS trial",
        f'C-2,implant,2027-07-05,2027-07-30,ben,"{summary}"',
    ]
    (tmp_path / "cases.csv").write_text("\n".join(rows) + "\n")
    path = write_yaml(tmp_path, with_cases(["cases.csv"]))
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    (problem,) = refused.value.problems
    assert where(problem) == "cases.csv:3:6"
    assert what in problem.message and "patient identity" in problem.message
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 1 and "cases.csv:3:6" in result.output
    assert not out.exists()


def refused_at(tmp_path, rows: list[str]) -> list[str]:
    """Where loading the program with `rows` as its cases.csv finds something wrong."""
    (tmp_path / "cases.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(ConfigError) as refused:
        load_config(write_yaml(tmp_path, with_cases(["cases.csv"])))
    return sorted(where(p) for p in refused.value.problems)


def test_wrong_rows_are_named_by_file_row_and_column(tmp_path) -> None:
    rows = [
        "case,type,submitted,due,needs,presenter,minutes,priority",
        "C-1,implant,2027-07-05,2027-07-30,,zed,,1",
        "C-2,spine,2027-07-05,2027-07-30,,,,2",
        "C-3,,2027-07-05,2027-07-30,oncology,,10,",
        "C-4,implant,2027-07-30,2027-07-05,,,,",
        "C-5,implant,2027-07-05,2027-07-30,,,90,4",
        "C-1,implant,2027-07-05,2027-07-30,,,,",
    ]
    assert refused_at(tmp_path, rows) == [
        "cases.csv:5:4",  # due before submitted
        "cases.csv:6:8",  # priority 4
    ]
    rows[4], rows[5] = (
        "C-4,implant,2027-07-05,2027-07-30,,,,",
        "C-5,implant,2027-07-05,2027-07-30,,,90,",
    )
    assert refused_at(tmp_path, rows) == [
        "cases.csv:2:6",  # unknown fellow zed
        "cases.csv:3:2",  # unknown type spine
        "cases.csv:4:5",  # no faculty of oncology
        "cases.csv:6:7",  # 90 minutes, 30 for cases
        "cases.csv:7:1",  # C-1 again
    ]


def test_agenda_csv_and_the_calendars_carry_no_summary(load, tmp_path) -> None:
    secret = "Failed back surgery with a very particular history"
    problem = load(
        with_cases([case("C-1", "2027-07-05", "2027-07-30", presenter="ana", summary=secret)])
    )
    result = run(problem)
    files = render(problem, result.schedule, check(problem, result.schedule))
    rows = list(csv.DictReader(io.StringIO(files["agenda.csv"].decode())))
    assert [(r["case"], r["presenter"], r["needs"], r["minutes"]) for r in rows] == [
        ("C-1", "ana", "neurology", "20")
    ]
    assert all(secret.encode() not in data for data in files.values())
    events = icalendar.Calendar.from_ical(files["calendars/ana.ics"]).walk("VEVENT")
    described = [str(e.get("DESCRIPTION", "")) for e in events]
    line = "1. C-1 (Implant candidate; needs neurology; 20 min; presented by ana)"
    assert sum(line in text for text in described) == 1
    published = tmp_path / "schedule.json"
    published.write_bytes(files["schedule.json"])
    assert read_publication(published).schedule().agenda == result.schedule.agenda


def test_the_example_discusses_every_case_in_time_proven_optimal(example_out) -> None:
    problem_cases = list(csv.DictReader((EXAMPLE.parent / "cases.csv").open()))
    agenda = list(csv.DictReader((example_out / "agenda.csv").open()))
    assert sorted(row["case"] for row in agenda) == sorted(row["case"] for row in problem_cases)
    due = {row["case"]: row["due"] for row in problem_cases}
    assert all(row["date"] <= due[row["case"]] for row in agenda)
    published = read_publication(example_out / "schedule.json")
    assert published.solver.status == "OPTIMAL"
    assert not published.broken_hard_rules
    assert (example_out / "agenda.html").exists()


def test_a_weekly_rerun_with_three_new_cases_keeps_every_announced_session(tmp_path) -> None:
    """Published with three cases; a week later three more arrive. The rerun keeps the past
    session's agenda and every announced case where it was, places the new ones, and
    changes.csv lists them as placed (nothing moved)."""
    first = [
        case("C-1", "2027-07-05", "2027-07-09", presenter="ana", minutes=15),
        case("C-2", "2027-07-05", "2027-07-23", minutes=15),
        case("C-3", "2027-07-05", "2027-08-13", type="taper"),
    ]
    v1 = write_yaml(tmp_path, with_cases(first), "v1.yaml")
    out1 = tmp_path / "v1"
    assert CliRunner().invoke(cli, ["solve", str(v1), "--out", str(out1)]).exit_code == 0
    before = read_publication(out1 / "schedule.json").schedule().agenda
    later = [
        case("C-4", "2027-07-12", "2027-08-13", minutes=10),
        case("C-5", "2027-07-12", "2027-07-30", type="taper", priority=2),
        case("C-6", "2027-07-12", "2027-08-13", needs=["psychiatry"], minutes=10),
    ]
    v2 = write_yaml(tmp_path, with_cases(first + later), "v2.yaml")
    out2 = tmp_path / "v2"
    args = ["reschedule", str(v2), "--previous", str(out1 / "schedule.json"), "--out", str(out2)]
    result = CliRunner().invoke(cli, [*args, "--freeze-until", "2027-07-12"])
    assert result.exit_code == 0, result.output
    after = read_publication(out2 / "schedule.json").schedule().agenda

    def kept(slots):  # the order within a session may change: a new urgent case goes first
        return sorted(
            (s.case, s.date, s.presenter) for s in slots if s.case in ("C-1", "C-2", "C-3")
        )

    assert kept(after) == kept(before)
    assert sorted(s.case for s in after) == ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"]
    assert all(s.date >= "2027-07-12" for s in after if s.case in ("C-4", "C-5", "C-6"))
    changes = list(csv.DictReader((out2 / "changes.csv").open()))
    agenda = [c for c in changes if c["kind"] == "agenda"]
    assert sorted(c["subject"] for c in agenda) == ["C-4", "C-5", "C-6"]
    assert all(c["old"] == "" for c in agenda)
