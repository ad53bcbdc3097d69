"""Shared helpers: small programs written as dicts, saved as YAML, loaded the real way."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from rotations.config import load_config
from rotations.outcome import Result, SolveOptions
from rotations.problem import Problem, resolve
from rotations.schedule import Schedule, SolverStats
from rotations.solve import solve

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "pain-fellowship" / "program.yaml"

BASE = {
    "program": {
        "id": "tiny",
        "name": "Tiny Fellowship",
        "timezone": "America/Chicago",
        "start": "2027-07-05",
        "blocks": 6,
        "block_length": "1 week",
    },
    "rotations": {"a": {"name": "Alpha"}, "b": {"name": "Beta"}, "c": {"name": "Gamma"}},
    "fellows": [
        {"id": "ana", "name": "Ana"},
        {"id": "ben", "name": "Ben"},
        {"id": "cy", "name": "Cy"},
    ],
}


FACULTY = [
    {"id": "lee", "name": "Min Lee", "discipline": "neurology"},
    {"id": "shah", "name": "Priya Shah", "discipline": "neurology"},
]


def conference(**changes) -> dict:
    """A weekly Thursday conference: one presenter, a one-seat neurology panel."""
    conf = {
        "id": "mdcc",
        "name": "Case Conference",
        "weekday": "thursday",
        "time": "07:00",
        "presenters": 1,
        "panel": ["neurology"],
    }
    return conf | changes


def program(**changes) -> dict:
    """A copy of the tiny base program with top-level keys replaced or added."""
    config = copy.deepcopy(BASE)
    for key, value in changes.items():
        config[key] = copy.deepcopy(value)
    return config


def _dates(value):
    """ISO date strings -> dates, so the YAML says 2027-07-05 unquoted as a user writes it."""
    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return value


def write_yaml(folder: Path, config: dict, name: str = "program.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(_dates(config), sort_keys=False))
    return path


@pytest.fixture(scope="session")
def example_out(tmp_path_factory) -> Path:
    """The bundled example, solved once for the whole session by `rotations solve`."""
    from click.testing import CliRunner

    from rotations.cli import cli

    out = tmp_path_factory.mktemp("example") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = CliRunner().invoke(cli, ["solve", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def load(tmp_path):
    def _load(config: dict) -> Problem:
        return resolve(load_config(write_yaml(tmp_path, config)))

    return _load


def run(problem: Problem, time_limit: float = 20.0) -> Result:
    return solve(problem, SolveOptions(time_limit=time_limit, seed=0, workers=2))


def hand_schedule(
    problem: Problem, rows: dict[str, list[str]], default: str = "c", sites: dict | None = None
) -> Schedule:
    """A schedule written by hand: given rows, everyone else on `default` all year; `sites`
    gives the site of each block of some fellows (None elsewhere)."""
    n = len(problem.blocks)
    assignments = {f.id: list(rows.get(f.id, [default] * n)) for f in problem.fellows}
    where = {f.id: list((sites or {}).get(f.id, [None] * n)) for f in problem.fellows}
    return Schedule(
        assignments=assignments,
        solver=SolverStats(status="OPTIMAL"),
        sites=where if sites else {},
    )
