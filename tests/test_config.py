"""Config loading: every invalid fixture gives its message at its file:line:column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rotations.config import ConfigError, load_config
from tests.conftest import EXAMPLE, program, write_yaml

INVALID = sorted((Path(__file__).parent / "data" / "invalid").glob("*.yaml"))


def expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_config_message(path: Path, monkeypatch) -> None:
    monkeypatch.chdir(path.parent)
    with pytest.raises(ConfigError) as caught:
        load_config(path.name)
    messages = [str(p) for p in caught.value.problems]
    assert f"{path.name}:{expected(path)}" in messages


def test_every_problem_is_listed_at_once(tmp_path) -> None:
    config = program(
        rules=[
            {"type": "gap", "rotation": "zz", "min_blocks": 2},
            {"type": "pin", "fellow": "nobody", "rotation": "a", "blocks": [99]},
        ]
    )
    with pytest.raises(ConfigError) as caught:
        load_config(write_yaml(tmp_path, config))
    assert len(caught.value.problems) == 3


def test_include_merges_lists_and_reports_positions_in_the_included_file(tmp_path) -> None:
    (tmp_path / "leave.yaml").write_text(
        "leave:\n  - {fellow: ana, start: 2027-07-06, end: 2027-07-07}\n"
        "  - {fellow: zed, start: 2027-07-06, end: 2027-07-07}\n"
    )
    config = program(
        include=["leave.yaml"],
        leave=[{"fellow": "ben", "start": "2027-07-12", "end": "2027-07-12"}],
    )
    with pytest.raises(ConfigError) as caught:
        load_config(write_yaml(tmp_path, config))
    (problem,) = caught.value.problems
    assert problem.path == "leave[2].fellow"
    assert problem.position.file.endswith("leave.yaml") and problem.position.line == 3


def test_include_merges_valid_leave(tmp_path) -> None:
    (tmp_path / "leave.yaml").write_text(
        "leave:\n  - {fellow: ana, start: 2027-07-06, end: 2027-07-07}\n"
    )
    config = load_config(write_yaml(tmp_path, program(include=["leave.yaml"])))
    assert [(x.fellow, x.start) for x in config.leave] == [("ana", dt.date(2027, 7, 6))]


def test_the_example_is_valid() -> None:
    config = load_config(EXAMPLE)
    assert len(config.fellows) == 6 and config.program.blocks == 52
    assert len(config.leave) > 0  # merged from leave.yaml


def test_exact_counts_are_ranges(tmp_path) -> None:
    config = load_config(write_yaml(tmp_path, program(requirements={"a": 2})))
    assert (config.requirements["a"].min, config.requirements["a"].max) == (2, 2)
