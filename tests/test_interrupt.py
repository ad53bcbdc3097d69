"""Ctrl-C at any phase of a run: exit 130, "Interrupted — nothing written", and the published
folder exactly as it was. Each test runs `rotations` in a process of its own and sends it SIGINT
when its output shows the phase the test is about."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from benchmarks.generate import Size, generate
from tests.conftest import EXAMPLE, write_yaml


def interrupted(args: list, when: str | float) -> tuple[int, str]:
    """Run rotations with `args`; send SIGINT when a line of its stderr matches `when` (a
    regular expression) or after `when` seconds. Returns its exit code and all it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rotations", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    if isinstance(when, str):
        for line in process.stderr:
            seen.append(line)
            if re.search(when, line):
                break
    else:
        time.sleep(when)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=600)
    return process.returncode, "".join(seen) + err + out


def tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def slow_example(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """A copy of the example, whose complete search goes on for seconds after its first
    schedule (proving its presentations from current work); and a folder holding an earlier
    publication."""
    folder = tmp_path_factory.mktemp("slow")
    for name in ("program.yaml", "leave.yaml"):
        (folder / name).write_text((EXAMPLE.parent / name).read_text())
    out = folder / "out"
    done = subprocess.run(
        [sys.executable, "-m", "rotations", "solve", EXAMPLE, "--out", out], capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return folder / "program.yaml", out, tree(out)


def test_ctrl_c_during_the_search_writes_nothing(slow_example) -> None:
    config, out, before = slow_example
    code, printed = interrupted(["solve", config, "--out", out], r"best\s+\d+\s+bound\s+\d+")
    assert code == 130, printed
    assert re.search(
        r"Interrupted — nothing written \(the best schedule so far cost \d+\)", printed
    )
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_ctrl_c_while_the_program_loads_writes_nothing(slow_example) -> None:
    config, out, before = slow_example
    code, printed = interrupted(["solve", config, "--out", out], 0.5)
    assert code == 130, printed
    assert "Interrupted — nothing written" in printed
    assert "Traceback" not in printed
    assert tree(out) == before


def test_ctrl_c_during_the_local_search_of_a_large_program_writes_nothing(tmp_path) -> None:
    config = write_yaml(
        tmp_path, yaml.safe_load(yaml.safe_dump(generate(Size(50, 52, 1, 1, 4), seed=0)))
    )
    out = tmp_path / "out"
    code, printed = interrupted(
        ["solve", config, "--out", out, "--time-limit", "60"], r"best\s+\d+\s+bound\s+-"
    )
    assert code == 130, printed
    assert "Interrupted — nothing written (the best schedule so far cost" in printed
    assert not out.exists()


def test_ctrl_c_while_explaining_a_clash_writes_nothing(tmp_path) -> None:
    for name in ("program.yaml", "leave.yaml"):
        (tmp_path / name).write_text((EXAMPLE.parent / name).read_text())
    config = tmp_path / "program.yaml"
    # Three blocks of a rotation whose stints last exactly two: the solver needs a while to
    # see that, and a while longer to name the rules.
    config.write_text(config.read_text().replace("\n  neurology: 2\n", "\n  neurology: 3\n"))
    out = tmp_path / "out"
    code, printed = interrupted(
        ["solve", config, "--out", out, "--time-limit", "0.1"], "rules that clash"
    )
    assert code == 130, printed
    assert "Interrupted — nothing written." in printed
    assert not out.exists()
