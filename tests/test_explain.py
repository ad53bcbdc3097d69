"""Infeasible configs: the exact minimal set of rules each must produce, by key and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.config import load_config
from rotations.explain import arithmetic_conflicts, minimal_conflict
from rotations.problem import resolve

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
