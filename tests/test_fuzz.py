"""Property-based fuzzing of the bundled example: mutate its YAML (a value anywhere in the tree,
or raw bytes), and rotations must answer with exit 0, 1 or 2 (3 for a solve out of time), never
a traceback or an internal error, and write nothing unless it solved. The examples are drawn
deterministically (derandomize), so a failure here fails the same way everywhere."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotations.cli import cli
from tests.conftest import EXAMPLE

TEXT = EXAMPLE.read_text()
TREE = yaml.safe_load(TEXT)
DELETE = object()


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every key path of the document, containers included."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


PATHS = _paths(TREE)[1:]

nested = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(),
        st.text(max_size=40),
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.sampled_from(
            ["ana", "procedures", "2027-07-05", "7:30", "#FF0000", "NO", "", "x" * 300]
        ),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
values = st.just(DELETE) | nested


def mutated_tree(path: tuple, value: Any) -> bytes:
    tree = yaml.safe_load(TEXT)
    node = tree
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode()


def mutated_bytes(position: int, cut: int, insert: bytes) -> bytes:
    data = TEXT.encode()
    position %= len(data) + 1
    return data[:position] + insert + data[position + cut :]


def run(program: bytes, *args: str) -> tuple[int, str, Path]:
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "program.yaml").write_bytes(program)
        shutil.copy(EXAMPLE.parent / "leave.yaml", folder)
        shutil.copy(EXAMPLE.parent / "cases.csv", folder)
        out = folder / "out"
        argv = [a.replace("{program}", str(folder / "program.yaml")) for a in args]
        argv = [a.replace("{out}", str(out)) for a in argv]
        result = CliRunner().invoke(cli, argv)
        written = out.exists()
    finally:
        shutil.rmtree(folder)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result.exit_code, result.output, written


FAST = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(FAST, max_examples=15)


@FAST
@given(st.sampled_from(PATHS), values)
def test_check_survives_any_value_anywhere(path: tuple, value: Any) -> None:
    code, output, _ = run(mutated_tree(path, value), "check", "{program}")
    assert code in (0, 1, 2), output


@FAST
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=40), st.binary(max_size=12))
def test_check_survives_any_bytes(position: int, cut: int, insert: bytes) -> None:
    code, output, _ = run(mutated_bytes(position, cut, insert), "check", "{program}")
    assert code in (0, 1, 2), output


@SLOW
@given(st.sampled_from(PATHS), values)
def test_solve_writes_only_a_solved_schedule(path: tuple, value: Any) -> None:
    code, output, written = run(
        mutated_tree(path, value), "solve", "{program}", "--out", "{out}", "--time-limit", "5"
    )
    assert code in (0, 1, 2, 3), output
    assert written == (code == 0), output
