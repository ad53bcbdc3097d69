"""The command line, driven through CliRunner: exit codes, outputs, determinism."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from rotations.check import check
from rotations.cli import cli
from rotations.config import load_config
from rotations.problem import resolve
from rotations.published import read_publication
from tests.conftest import EXAMPLE, program, write_yaml

INVALID = Path(__file__).parent / "data" / "invalid"


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_check_accepts_the_example() -> None:
    result = invoke("check", EXAMPLE)
    assert result.exit_code == 0
    assert "6 fellows" in result.output


def test_check_rejects_invalid_config_with_exit_1() -> None:
    result = invoke("check", INVALID / "unknown_key.yaml")
    assert result.exit_code == 1
    assert "unknown key 'stnt'; did you mean 'stint'?" in result.output


def test_solve_writes_nothing_for_an_invalid_config(tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedule.json").write_text("published")
    result = invoke("solve", INVALID / "unknown_key.yaml", "--out", out)
    assert result.exit_code == 1
    assert (out / "schedule.json").read_text() == "published"
    assert sorted(p.name for p in out.iterdir()) == ["schedule.json"]


def test_infeasible_rules_exit_2_and_write_nothing(tmp_path) -> None:
    config = program(
        rotations={"a": {"name": "Alpha", "staffing": {"max": 1}}, "b": {"name": "Beta"}},
        requirements={"a": 3},
    )
    out = tmp_path / "out"
    result = invoke("solve", write_yaml(tmp_path, config), "--out", out)
    assert result.exit_code == 2
    assert "cannot all hold" in result.output
    assert not out.exists()


def test_a_bad_option_is_a_usage_error_not_a_config_error() -> None:
    result = invoke("solve", EXAMPLE, "--out", "x", "--workers", "0")
    assert result.exit_code == 64


def test_example_outputs_follow_the_contract(example_out: Path) -> None:
    with open(example_out / "schedule.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "fellow",
        "fellow_name",
        "block",
        "start",
        "end",
        "rotation",
        "rotation_name",
    ]
    assert len(rows) == 6 * 52
    state = json.loads((example_out / "schedule.json").read_text())
    assert {"status", "objective", "bound", "wall_time"} <= set(state["solver"])
    assert state["solver"]["status"] == "OPTIMAL"
    assert state["solver"]["objective"] == state["solver"]["bound"]
    sessions = {r["date"] for r in state["roles"]}
    seminars = [x for x in state["lessons"] if "ana" in x["attendees"].split(";")]
    meetings = 13  # one every four weeks, the first Friday ana and brooks are both free
    leave = 2  # ana's two leaves (leave.yaml), each an "On leave" event
    duties = [x for x in state["calls"] if x["fellow"] == "ana"]  # each a timed call event
    events = 52 + len(sessions) + len(seminars) + meetings + leave + len(duties)
    assert len(state["events"]["calendars/ana.ics"]) == events
    names = sorted(p.name for p in (example_out / "calendars").glob("*.ics"))
    assert names == sorted(
        ["ana.ics", "ben.ics", "carlos.ics", "dana.ics", "elena.ics", "farid.ics", "program.ics"]
    )
    assert len(list((example_out / "calendars" / "faculty").glob("*.ics"))) == 10
    with open(example_out / "conferences.csv", newline="") as handle:
        roles = list(csv.DictReader(handle))
    assert list(roles[0]) == [
        "date",
        "start",
        "end",
        "conference",
        "role",
        "person",
        "person_name",
        "discipline",
    ]
    sessions = {r["date"] for r in roles}
    # a presenter and four panelists each, and the psychiatrist joining for the cases needing one
    with open(example_out / "agenda.csv", newline="") as handle:
        psychiatry = {r["date"] for r in csv.DictReader(handle) if "psychiatry" in r["needs"]}
    joined = [r["date"] for r in roles if r["discipline"] == "psychiatry"]
    assert sorted(joined) == sorted(psychiatry) and psychiatry
    assert len(roles) == len(sessions) * (1 + 4) + len(joined)


def test_example_schedule_passes_the_checker(example_out: Path) -> None:
    problem = resolve(load_config(EXAMPLE))
    state = json.loads((example_out / "schedule.json").read_text())
    schedule = read_publication(example_out / "schedule.json").schedule()
    violations = check(problem, schedule)
    assert [v for v in violations if v.hard] == []
    soft = sum(v.cost for v in violations)
    assert soft == state["costs"]["soft_total"]
    worst = state["costs"]["worst_fellow_wish_cost"]
    assert state["solver"]["objective"] == soft + len(problem.fellows) * worst


def _files(folder: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "schedule.json":  # the measured wall time is the one varying field
                state = json.loads(data)
                state["solver"]["wall_time"] = None
                data = json.dumps(state).encode()
            out[str(path.relative_to(folder))] = data
    return out


def test_two_runs_give_identical_bytes(example_out: Path, tmp_path) -> None:
    again = tmp_path / "again"
    assert invoke("solve", EXAMPLE, "--out", again, "--time-limit", "60").exit_code == 0
    assert _files(again) == _files(example_out)


def test_summary_lists_unmet_wishes(tmp_path) -> None:
    config = program(
        rotations={"a": {"name": "Alpha", "staffing": {"max": 1}}, "b": {"name": "Beta"}},
        rules=[
            {
                "type": "prefer",
                "fellows": ["ana", "ben"],
                "rotation": "a",
                "start": "2027-07-05",
                "end": "2027-07-11",
                "weight": 3,
                "name": "Both want a",
            }
        ],
    )
    result = invoke("solve", write_yaml(tmp_path, config), "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert "proven optimal" in result.output
    assert '"Both want a"' in result.output and "(cost 3)" in result.output


def test_impossible_panel_exits_1_naming_the_date(tmp_path) -> None:
    config = program(
        faculty=[
            {
                "id": "lee",
                "name": "Min Lee",
                "discipline": "neurology",
                "away": [{"start": "2027-08-02", "end": "2027-08-13"}],
            }
        ],
        conferences=[
            {
                "id": "mdcc",
                "name": "MDCC",
                "weekday": "thursday",
                "time": "07:00",
                "panel": ["neurology"],
            }
        ],
    )
    out = tmp_path / "out"
    result = invoke("solve", write_yaml(tmp_path, config), "--out", out)
    assert result.exit_code == 1
    assert "2027-08-05: no neurology faculty available for MDCC — lee away" in result.output
    assert not out.exists()


def test_the_search_for_why_ends_within_the_whole_commands_bound(tmp_path, monkeypatch) -> None:
    """A search that found nothing in a 30-s command: the look for why ends by 1.1 x 30 s from
    the command's start (not 20 s past the limit), and a 0.1-s command still gets its 20 s."""
    import time

    from rotations import cli as cli_module
    from rotations.outcome import Result
    from rotations.pipeline import Diagnosis, Solved
    from rotations.schedule import SolverStats

    ends = []

    def nothing(problem, options, progress, earlier):
        stats = SolverStats("UNKNOWN", time_limit=options.time_limit, stopped_by="wall clock")
        return Solved(Result(stats, None))

    def diagnose(problem, result, fixed, deadline, build):
        ends.append(time.monotonic() + deadline.left())
        assert 0 < build < deadline.left()  # reading and building the example: a second
        return Diagnosis(False, None)

    monkeypatch.setattr(cli_module, "solve_program", nothing)
    monkeypatch.setattr(cli_module, "diagnose", diagnose)
    for limit, most in (("30", 33.0), ("0.1", 20.0)):
        started = time.monotonic()
        args = ["solve", str(EXAMPLE), "--out", str(tmp_path / limit), "--time-limit", limit]
        result = CliRunner().invoke(cli, args, obj={"started": started})
        assert result.exit_code == 3, result.output
        assert abs(ends[-1] - started - most) < 0.01


def test_no_look_for_why_starts_without_the_time_to_build_its_model(monkeypatch) -> None:
    """Each look builds the model again, and a deadline cannot cut a build short: Curtois'
    Instance22 ran 95.8 s for --time-limit 60, its two looks started after the deadline."""
    from rotations import pipeline
    from rotations.outcome import Result
    from rotations.runner import Deadline
    from rotations.schedule import SolverStats

    looked = []
    monkeypatch.setattr(pipeline, "minimal_conflict", lambda *a, **k: looked.append(a))
    monkeypatch.setattr(pipeline, "closest_schedule", lambda *a, **k: looked.append(a))
    result = Result(SolverStats("UNKNOWN", time_limit=60.0), None)
    problem = resolve(load_config(EXAMPLE))
    assert pipeline.diagnose(problem, result, None, Deadline(5.0), build=8.0) == (
        pipeline.Diagnosis(False, None)
    )
    assert looked == []
    pipeline.diagnose(problem, result, None, Deadline(30.0), build=8.0)
    assert len(looked) == 2  # no conflict found: the closest schedule is looked for too


def test_no_schedule_within_the_time_limit_exits_3_and_writes_nothing(tmp_path) -> None:
    out = tmp_path / "out"
    result = invoke("solve", EXAMPLE, "--out", out, "--time-limit", "0.1")
    assert result.exit_code == 3
    assert "No schedule found within the time limit" in result.output
    assert not out.exists()
