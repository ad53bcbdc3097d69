"""Schedules made by hand: read from CSV and workbooks in both shapes, scored with the
checker's words, and adopted mid-year by `reschedule --previous`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.imported import import_schedule
from rotations.published import Unreadable
from tests.conftest import conference, program, write_yaml

# Alpha needs one fellow every block, in stints of two; everyone needs two blocks of it.
ROTATIONS = {
    "alpha": {"name": "Alpha Service", "staffing": {"min": 1, "max": 1}, "stint": 2},
    "beta": {"name": "Beta Clinic"},
    "gamma": {"name": "Gamma Research"},
}
GOOD = {
    "ana": ["alpha", "alpha", "beta", "beta", "beta", "gamma"],
    "ben": ["beta", "beta", "alpha", "alpha", "gamma", "beta"],
    "cy": ["gamma", "beta", "beta", "gamma", "alpha", "alpha"],
}
MONDAYS = ["2027-07-05", "2027-07-12", "2027-07-19", "2027-07-26", "2027-08-02", "2027-08-09"]


def config(**changes) -> dict:
    return program(rotations=ROTATIONS, requirements={"alpha": 2}, **changes)


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def long_csv(path: Path, rows: dict[str, list[str]]) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["fellow", "block", "rotation"])
        for fellow, row in rows.items():
            for b, rid in enumerate(row):
                writer.writerow([fellow, b + 1, rid])
    return path


def grid_xlsx(path: Path, rows: list[list[object]], sheet: str = "Year") -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Hand-made by the chief, 2027"])
    grid = book.create_sheet(sheet)
    for row in rows:
        grid.append(row)
    book.save(path)
    return path


def test_the_long_shape_from_csv(load, tmp_path) -> None:
    problem = load(config())
    imported = import_schedule(long_csv(tmp_path / "year.csv", GOOD), problem)
    assert imported.assignments == GOOD


def test_a_grid_from_a_workbook_with_names_abbreviations_and_dates(load, tmp_path) -> None:
    """Fellows by name, weeks by their Monday's date (a date cell), rotations by name, id or
    the report's abbreviation, in any case; a legend after an empty row is not read."""
    import datetime as dt

    problem = load(config())
    header = ["Fellow", *(dt.datetime.fromisoformat(d) for d in MONDAYS)]
    rows = [
        header,
        ["Ana", "Alpha Service", "alp", "BETA", "Bet", "beta", "Gam"],
        ["ben", "beta", "beta", "alpha", "alpha", "gamma", "beta"],
        ["Cy", "gamma", "beta", "beta", "gamma", "alpha", "Alp ✈"],
        [],
        ["Alp = Alpha Service"],
    ]
    path = grid_xlsx(tmp_path / "year.xlsx", rows)
    imported = import_schedule(path, problem)
    assert imported.assignments == GOOD
    assert imported.where == "year.xlsx!Year"


def test_a_misspelt_rotation_and_fellow_are_named_with_their_cells(load, tmp_path) -> None:
    problem = load(config())
    rows = [
        ["fellow", "1", "2", "3", "4", "5", "6"],
        ["ana", "alpha", "alpha", "Beat", "beta", "beta", "gamma"],
        ["benn", "beta", "beta", "alpha", "alpha", "gamma", "beta"],
        ["cy", "gamma", "beta", "beta", "gamma", "alpha", "alpha"],
    ]
    path = grid_xlsx(tmp_path / "year.xlsx", rows)
    with pytest.raises(Unreadable) as error:
        import_schedule(path, problem)
    lines = str(error.value).splitlines()
    assert lines == [
        "year.xlsx!Year!D2: unknown rotation 'Beat'; did you mean 'beta'?",
        "year.xlsx!Year!A3: unknown fellow 'benn'; did you mean 'ben'?",
    ]
    with open(tmp_path / "year.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(Unreadable, match=r"year.csv:2:4: unknown rotation 'Beat'"):
        import_schedule(tmp_path / "year.csv", problem)


def test_three_planted_violations_are_reported_exactly(tmp_path) -> None:
    """cy on Alpha for block 5 only (a broken stint, and one block short of the two Alpha
    blocks required); nobody on Alpha in block 6 (a staffing gap)."""
    planted = dict(GOOD, cy=["gamma", "beta", "beta", "gamma", "alpha", "gamma"])
    path = write_yaml(tmp_path, config())
    result = invoke("score", path, "--schedule", long_csv(tmp_path / "year.csv", planted))
    assert result.exit_code == 2, result.output
    broken = result.output.split("Hard rules broken (7):\n")[1].split("Objective")[0]
    days = ["2027-08-09", "2027-08-10", "2027-08-11", "2027-08-12", "2027-08-13"]
    assert broken.splitlines() == [
        "  the program:",
        *(
            f"    {path}:11  rotations.alpha.staffing: 0 fellows present on Alpha Service on "
            f"{day}, at least 1"
            for day in days
        ),
        "  cy:",
        f"    {path}:14  rotations.alpha.stint: cy has a 1-block stint on Alpha Service (blocks "
        "5..5); exactly 2 blocks allowed",
        f"    {path}:27  requirements.alpha: cy has 1 blocks on Alpha Service, needs exactly 2 "
        "blocks",
    ]
    assert "7 hard rule instance(s) broken" in result.output


def test_the_score_is_the_solvers_objective(tmp_path) -> None:
    wishes = [
        {
            "type": "prefer",
            "fellow": "ana",
            "rotation": "gamma",
            "start": "2027-07-05",
            "end": "2027-07-25",
            "weight": 2,
        },
        {
            "type": "avoid",
            "fellow": "cy",
            "rotation": "alpha",
            "start": "2027-07-05",
            "end": "2027-08-15",
            "weight": 1,
        },
    ]
    path = write_yaml(tmp_path, config(rules=wishes))
    assert invoke("solve", path, "--out", tmp_path / "out").exit_code == 0
    state = json.loads((tmp_path / "out" / "schedule.json").read_text())
    assert state["solver"]["objective"] > 0
    for table in ("schedule.csv", "schedule.xlsx"):
        result = invoke("score", path, "--schedule", tmp_path / "out" / table)
        assert result.exit_code == 0, result.output
        assert f"Objective {state['solver']['objective']} " in result.output
        assert "every hard rule holds" in result.output


def test_score_writes_the_report_and_no_calendars_unless_asked(tmp_path) -> None:
    path = write_yaml(tmp_path, config())
    year = long_csv(tmp_path / "year.csv", GOOD)
    assert invoke("score", path, "--schedule", year, "--out", tmp_path / "out").exit_code == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["report.html", "schedule.csv", "schedule.json", "schedule.xlsx"]
    assert json.loads((tmp_path / "out" / "schedule.json").read_text())["events"] == {}
    args = ("score", path, "--schedule", year, "--out", tmp_path / "out", "--calendars")
    assert invoke(*args).exit_code == 0
    assert (tmp_path / "out" / "calendars" / "ana.ics").exists()


def test_reschedule_from_a_hand_made_schedule_repairs_only_the_future(tmp_path) -> None:
    """The past (blocks 1-2) breaks staffing in block 1 (nobody on Alpha) and is kept; the
    future's staffing gap in block 6 is repaired."""
    planted = {
        "ana": ["beta", "beta", "alpha", "alpha", "beta", "gamma"],
        "ben": ["beta", "alpha", "beta", "beta", "alpha", "alpha"],
        "cy": ["gamma", "beta", "beta", "gamma", "gamma", "gamma"],
    }
    path = write_yaml(tmp_path, config())
    year = long_csv(tmp_path / "year.csv", planted)
    result = invoke(
        "reschedule",
        path,
        "--previous",
        year,
        "--freeze-until",
        MONDAYS[2],
        "--out",
        tmp_path / "v2",
    )
    assert result.exit_code == 0, result.output
    assert "Kept as published, although the rules now object:" in result.output
    state = json.loads((tmp_path / "v2" / "schedule.json").read_text())
    for fellow, row in planted.items():
        assert state["assignments"][fellow][:2] == row[:2]
    assert [v["block"] for v in state["broken_hard_rules"]] != []
    assert all(v["block"] is None or v["block"] <= 2 for v in state["broken_hard_rules"])
    assert {"ana.ics", "program.ics"} <= {p.name for p in (tmp_path / "v2" / "calendars").iterdir()}
    # The next reschedule continues from the schedule.json this one wrote.
    again = invoke(
        "reschedule",
        path,
        "--previous",
        tmp_path / "v2" / "schedule.json",
        "--freeze-until",
        MONDAYS[2],
        "--out",
        tmp_path / "v3",
    )
    assert again.exit_code == 0, again.output
    assert "0 rotation block(s) changed" in again.output


def test_a_conference_roster_is_scored_as_given(tmp_path) -> None:
    """The roster of a solved program scores clean; the same roster with lee seated while away
    breaks the panel rule on that date."""
    faculty = [
        {
            "id": "lee",
            "name": "Min Lee",
            "discipline": "neurology",
            "away": [{"start": "2027-07-15", "end": "2027-07-15"}],
        },
        {"id": "shah", "name": "Priya Shah", "discipline": "neurology"},
    ]
    path = write_yaml(tmp_path, config(faculty=faculty, conferences=[conference()]))
    assert invoke("solve", path, "--out", tmp_path / "out").exit_code == 0
    out = tmp_path / "out"
    args = ("score", path, "--schedule", out / "schedule.csv", "--conferences")
    assert invoke(*args, out / "conferences.csv").exit_code == 0
    text = (out / "conferences.csv").read_text()
    assert "2027-07-15,07:00,08:00,mdcc,panel,shah" in text
    moved = text.replace(
        "2027-07-15,07:00,08:00,mdcc,panel,shah,Priya Shah",
        "2027-07-15,07:00,08:00,mdcc,panel,lee,Min Lee",
    )
    (tmp_path / "roster.csv").write_text(moved)
    result = invoke(*args, tmp_path / "roster.csv")
    assert result.exit_code == 2
    assert (
        "conferences[0].panel: 2027-07-15: lee cannot sit as neurology (away or another discipline)"
        in result.output
    )
