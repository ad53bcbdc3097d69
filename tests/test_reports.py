"""report.html, schedule.xlsx, `init`, the editor schema and the generated reference."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import icalendar
import jsonschema
import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from rotations.cli import cli
from rotations.config import load_config
from rotations.output.html import _status
from rotations.output.palette import rotation_colors
from rotations.output.terminal import status_line
from rotations.problem import resolve
from rotations.reference import reference_markdown
from rotations.schedule import Schedule, SolverStats
from rotations.schema import config_schema, schema_text
from tests.conftest import BASE, EXAMPLE, ROOT, program, write_yaml


def test_report_shows_every_fellow_rotation_and_session(example_out: Path) -> None:
    problem = resolve(load_config(EXAMPLE))
    html = (example_out / "report.html").read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    for fellow in problem.fellows:
        assert fellow.name.replace("&", "&amp;") in html
    for rid in problem.rotations:
        assert problem.rotation(rid).name.replace("&", "&amp;") in html
        assert f'data-rotation="{rid}"' in html
    for session in problem.sessions:
        assert str(session.date) in html
    assert html.count('class="cell') == len(problem.fellows) * len(problem.blocks)
    assert "Solver: OPTIMAL" in html


def test_a_schedule_not_proven_optimal_says_how_far_it_may_be_from_the_best() -> None:
    """Against a bound of 0 the gap is 100 % however close the schedule is (L-targets at 60 s
    ended at 12 once): terminal and report say how much above the best possible it may be."""
    stats = SolverStats(status="FEASIBLE", objective=12, bound=0, stopped_by="wall clock")
    schedule = Schedule(assignments={}, solver=stats)
    for line in (status_line(schedule), _status(schedule)):
        assert "not proven optimal: at most 12 above the best possible, gap 100.0%" in line
    unknown = Schedule(assignments={}, solver=SolverStats(status="FEASIBLE", objective=12))
    assert "not proven optimal, gap unknown" in status_line(unknown)


def test_workbook_has_the_grid_fellows_conferences_and_raw_rows(example_out: Path) -> None:
    problem = resolve(load_config(EXAMPLE))
    book = openpyxl.load_workbook(io.BytesIO((example_out / "schedule.xlsx").read_bytes()))
    fellows = [f.id for f in problem.fellows]
    assert book.sheetnames == [
        "Year",
        *fellows,
        "Conferences",
        "Agenda",
        "Exposure",
        "Seminars",
        "Attendance",
        "Mentoring",
        "Call",
        "Duty hours",
        "schedule.csv",
    ]
    grid = book["Year"]
    assert grid.freeze_panes == "B2"
    assert [grid.cell(r + 2, 1).value for r in range(len(fellows))] == [
        f.name for f in problem.fellows
    ]
    assert book["schedule.csv"].max_row == 1 + len(fellows) * len(problem.blocks)
    dates = {row[0] for row in book["Conferences"].iter_rows(min_row=2, values_only=True)}
    assert dates == {s.date.isoformat() for s in problem.sessions}
    exposure = list(book["Exposure"].iter_rows(min_row=2, values_only=True))
    assert len(exposure) == len(fellows) * len(problem.config.procedures)
    assert {row[1] for row in exposure} == set(problem.config.procedures)


def test_colours_match_between_report_and_workbook(example_out: Path) -> None:
    problem = resolve(load_config(EXAMPLE))
    colors = rotation_colors(problem)
    html = (example_out / "report.html").read_text()
    for rid, color in colors.items():
        found = set(re.findall(rf'data-rotation="{rid}" style="background-color:(#\w+)', html))
        assert found == {color}
    grid = openpyxl.load_workbook(io.BytesIO((example_out / "schedule.xlsx").read_bytes()))["Year"]
    assignments = json.loads((example_out / "schedule.json").read_text())["assignments"]
    for f, fellow in enumerate(problem.fellows):
        for block in problem.blocks:
            rid = assignments[fellow.id][block.index]
            fill = grid.cell(f + 2, block.number + 1).fill.start_color.rgb
            assert fill.endswith(colors[rid][1:])


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium not installed")
def test_report_loads_in_headless_chromium_without_console_errors(example_out: Path, tmp_path):
    shot = tmp_path / "report.png"
    run = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1600,1000",
            f"--screenshot={shot}",
            (example_out / "report.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.exists() and shot.stat().st_size > 20_000
    assert "CONSOLE" not in run.stderr and "Uncaught" not in run.stderr


def _as_json(value):
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


PROGRAMS = [EXAMPLE, ROOT / "configs" / "templates" / "starter" / "program.yaml"]


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.parent.name)
def test_schema_accepts_every_example_and_template(path: Path) -> None:
    document = _as_json(yaml.safe_load(path.read_text()))
    jsonschema.validate(document, config_schema())
    assert path.read_text().startswith("# yaml-language-server: $schema=")


def test_schema_rejects_a_typo() -> None:
    document = _as_json(yaml.safe_load(EXAMPLE.read_text()))
    document["rotations"]["neurology"]["stnt"] = 2
    with pytest.raises(jsonschema.ValidationError, match="stnt"):
        jsonschema.validate(document, config_schema())


def test_schema_file_is_current() -> None:
    current = (ROOT / "configs" / "rotations.schema.json").read_text()
    assert current == schema_text(), "regenerate: rotations schema > configs/rotations.schema.json"


def test_reference_is_current() -> None:
    current = (ROOT / "docs" / "config-reference.md").read_text()
    assert current == reference_markdown(), (
        "regenerate: rotations reference > docs/config-reference.md"
    )


def test_init_writes_a_program_that_solves(tmp_path) -> None:
    folder = tmp_path / "new"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(folder)]).exit_code == 0
    assert (folder / "rotations.schema.json").exists()
    result = runner.invoke(
        cli, ["solve", str(folder / "program.yaml"), "--out", str(folder / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "proven optimal" in result.output
    again = runner.invoke(cli, ["init", str(folder)])
    assert again.exit_code == 1 and "never overwrites" in again.output


def test_every_command_is_documented() -> None:
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 20, name


def test_names_that_look_like_formulas_stay_text(tmp_path) -> None:
    """`=HYPERLINK(...)` as a name must not become a live link in Excel or in a CSV."""
    formula = '=HYPERLINK("http://evil.example","click")'
    config = program(
        fellows=[
            {"id": "ana", "name": formula},
            {"id": "year", "name": "Year Fellow"},  # a fellow id that is also a sheet's name
            {"id": "b" * 31, "name": "+1 Long Id"},
        ],
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["solve", str(write_yaml(tmp_path, config)), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(io.BytesIO((out / "schedule.xlsx").read_bytes()))
    assert book.sheetnames == ["Year", "ana", "fellow year", "b" * 31, "schedule.csv"]
    cells = [c for row in book["Year"].iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
    rows = list(csv.DictReader(io.StringIO((out / "schedule.csv").read_text())))
    names = {row["fellow"]: row["fellow_name"] for row in rows}
    assert names["ana"] == "'" + formula
    assert names["b" * 31] == "'+1 Long Id"
    assert names["year"] == "Year Fellow"


def test_two_leaves_in_one_block_are_stated_as_two_everywhere(tmp_path) -> None:
    """One line "On leave 2027-12-20 to 2028-01-14" told the fellow's phone she was away on
    3-7 January, when she works; each leave is its own range and its own calendar event."""
    config = program(
        program={**BASE["program"], "start": "2027-11-29", "blocks": 4, "block_length": "4 weeks"},
        leave=[
            {"fellow": "ana", "start": "2027-12-20", "end": "2027-12-31"},
            {"fellow": "ana", "start": "2028-01-10", "end": "2028-01-14"},
        ],
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["solve", str(write_yaml(tmp_path, config)), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    merged = "2027-12-20 to 2028-01-14"

    events = icalendar.Calendar.from_ical((out / "calendars" / "ana.ics").read_bytes())
    events = list(events.walk("VEVENT"))
    block = next(e for e in events if e["DTSTART"].dt == dt.date(2027, 12, 27))
    lines = str(block["DESCRIPTION"]).splitlines()
    assert "On leave 2027-12-20 to 2027-12-31" not in lines  # the first leave began in block 1
    assert "On leave 2027-12-27 to 2027-12-31" in lines
    assert "On leave 2028-01-10 to 2028-01-14" in lines
    leave = [(e["DTSTART"].dt, e["DTEND"].dt) for e in events if str(e["SUMMARY"]) == "On leave"]
    assert leave == [
        (dt.date(2027, 12, 20), dt.date(2028, 1, 1)),
        (dt.date(2028, 1, 10), dt.date(2028, 1, 15)),  # DTEND is exclusive
    ]
    assert len({str(e["UID"]) for e in events}) == len(events)

    report = (out / "report.html").read_text()
    assert "on leave 2027-12-27 to 2027-12-31, 2028-01-10 to 2028-01-14" in report
    assert merged not in report and merged not in str(lines)
    sheet = openpyxl.load_workbook(out / "schedule.xlsx")["ana"]
    leave_cells = [row[5] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "2027-12-27 to 2027-12-31, 2028-01-10 to 2028-01-14" in leave_cells
    fellows = json.loads((out / "schedule.json").read_text())["fellows"]
    ana = next(f for f in fellows if f["id"] == "ana")
    assert ana["leave"] == [
        {"start": "2027-12-20", "end": "2027-12-31"},
        {"start": "2028-01-10", "end": "2028-01-14"},
    ]
