"""Infeasible configs: the exact minimal set of rules each must produce, by key and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.config import load_config
from rotations.explain import closest_schedule, minimal_conflict
from rotations.precheck import arithmetic_conflicts
from rotations.problem import resolve
from tests.conftest import EXAMPLE

INFEASIBLE = sorted((Path(__file__).parent / "data" / "infeasible").glob("*.yaml"))


def expected(path: Path) -> tuple[list[str], str | None]:
    """`# conflict: KEY LINE` lines, and an optional `# because: TEXT` line."""
    members, reason = [], None
    for line in path.read_text().splitlines():
        if line.startswith("# conflict: "):
            members.append(line.removeprefix("# conflict: "))
        elif line.startswith("# because: "):
            reason = line.removeprefix("# because: ")
    return members, reason


@pytest.mark.parametrize("path", INFEASIBLE, ids=lambda p: p.stem)
def test_minimal_conflicting_set(path: Path) -> None:
    problem = resolve(load_config(path))
    members, reason = expected(path)
    found = arithmetic_conflicts(problem)
    conflict = found[0] if found else minimal_conflict(problem, time_limit=20)
    assert conflict is not None and conflict.proven_minimal
    assert [f"{m.key} {m.position.line}" for m in conflict.members] == members
    assert conflict.reason == reason


@pytest.mark.parametrize("path", INFEASIBLE, ids=lambda p: p.stem)
def test_cli_exits_2_names_the_rules_and_writes_nothing(path: Path, tmp_path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "These rules cannot all hold:" in result.output
    for member in expected(path)[0]:
        key, line = member.split()
        assert f"{path.name}:{line}  {key}" in result.output
    assert not out.exists()


def test_relax_writes_the_closest_schedule_and_lists_what_it_breaks(tmp_path) -> None:
    path = next(p for p in INFEASIBLE if p.stem == "staffing_window_and_requirement")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["solve", str(path), "--out", str(out), "--relax"])
    assert result.exit_code == 0, result.output
    assert "WARNING: relaxed schedule: it breaks 1 hard rule instance(s)" in result.output
    state = json.loads((out / "schedule.json").read_text())
    assert state["relaxed"] is True
    (broken,) = state["broken_hard_rules"]
    assert broken["rule"] in ("rotations.pall.staffing", "requirements.pall", "rules[0]")


def test_a_conflict_confined_to_one_fellow_names_them(tmp_path) -> None:
    path = next(p for p in INFEASIBLE if p.stem == "pin_against_requirement")
    conflict = minimal_conflict(resolve(load_config(path)))
    assert conflict.notes == ["They already clash for ana alone."]


def _example_with(tmp_path: Path, old: str, new: str) -> Path:
    for name in ("program.yaml", "leave.yaml", "cases.csv"):
        (tmp_path / name).write_text((EXAMPLE.parent / name).read_text())
    config = tmp_path / "program.yaml"
    config.write_text(config.read_text().replace(old, new))
    return config


def test_out_of_time_the_clash_is_still_found(tmp_path) -> None:
    """Three Neurology blocks in stints of exactly two: at 0.1 s the solve cannot tell."""
    config = _example_with(tmp_path, "\n  neurology: 2\n", "\n  neurology: 3\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["solve", str(config), "--out", str(out), "--time-limit", "0.1"]
    )
    assert result.exit_code == 2, result.output
    assert "No schedule found within the time limit (0.1s); looking for rules" in result.output
    assert "rotations.neurology.stint" in result.output
    assert "requirements.neurology" in result.output
    assert not out.exists()


def test_out_of_time_a_program_that_can_hold_says_so(tmp_path) -> None:
    """The example without its call and duty hours (with them, the look for why of a 0.1-s
    solve ends before it settles the hard rules: the closest schedule it lists breaks some)."""
    text = EXAMPLE.read_text()
    config = _example_with(tmp_path, text[text.index("\ncall:") : text.index("\nrules:")], "")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["solve", str(config), "--out", str(out), "--time-limit", "0.1"]
    )
    assert result.exit_code == 3, result.output
    assert "A schedule that keeps every hard rule exists" in result.output
    assert not out.exists()


def test_the_closest_schedule_names_the_rules_it_breaks() -> None:
    path = next(p for p in INFEASIBLE if p.stem == "staffing_window_and_requirement")
    broken = closest_schedule(resolve(load_config(path)), time_limit=10)
    assert len(broken) == 1
    assert broken[0].key in ("rotations.pall.staffing", "requirements.pall", "rules[0]")
    assert closest_schedule(resolve(load_config(EXAMPLE)), time_limit=10) == []
