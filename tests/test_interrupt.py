"""Ctrl-C at any phase of a run: exit 130, "Interrupted — nothing written", and the published
folder exactly as it was; SIGTERM (`timeout`, `systemd stop`, `docker stop`) and SIGHUP (a
closed terminal) the same, with exit 143 and 129. Each test runs `rotations` in a process of its
own and sends it the signal when its output shows the phase the test is about."""

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

STOPS = {
    signal.SIGINT: (130, "Interrupted — nothing written"),
    signal.SIGTERM: (143, "Stopped by SIGTERM — nothing written"),
    signal.SIGHUP: (129, "Stopped by SIGHUP — nothing written"),
}
EACH_STOP = pytest.mark.parametrize("stop", list(STOPS), ids=lambda s: signal.Signals(s).name)


def interrupted(args: list, when: str | float, stop: int = signal.SIGINT) -> tuple[int, str]:
    """Run rotations with `args`; send `stop` when a line of its stderr matches `when` (a
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
    process.send_signal(stop)
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
    for name in ("program.yaml", "leave.yaml", "cases.csv"):
        (folder / name).write_text((EXAMPLE.parent / name).read_text())
    out = folder / "out"
    done = subprocess.run(
        [sys.executable, "-m", "rotations", "solve", EXAMPLE, "--out", out], capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return folder / "program.yaml", out, tree(out)


@EACH_STOP
def test_a_stop_during_the_search_writes_nothing(slow_example, stop) -> None:
    config, out, before = slow_example
    pattern = r"best\s+\d+\s+bound\s+\d+"
    code, printed = interrupted(["solve", config, "--out", out], pattern, stop)
    assert code == STOPS[stop][0], printed
    assert re.search(re.escape(STOPS[stop][1]) + r" \(the best schedule so far cost \d+\)", printed)
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


@EACH_STOP
def test_a_stop_while_the_program_loads_writes_nothing(slow_example, stop) -> None:
    config, out, before = slow_example
    code, printed = interrupted(["solve", config, "--out", out], 0.5, stop)
    assert code == STOPS[stop][0], printed
    assert STOPS[stop][1] in printed
    assert "Traceback" not in printed
    assert tree(out) == before


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_during_a_reschedule_leaves_the_publication_as_it_was(slow_example, stop):
    """Before, SIGTERM and SIGHUP killed the process where it stood (exit -15, -1)."""
    config, out, before = slow_example
    again = out.parent / "again"
    args = ["reschedule", config, "--previous", out / "schedule.json", "--out", again]
    code, printed = interrupted([*args, "--freeze-until", "2027-09-06"], r"best\s+\d+", stop)
    assert code == STOPS[stop][0], printed
    assert STOPS[stop][1] in printed
    assert tree(out) == before and not again.exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_while_publish_loads_sends_nothing(slow_example, stop, tmp_path) -> None:
    _, out, before = slow_example
    site = tmp_path / "site"
    args = ["publish", out, "--to", site, "--state", tmp_path / "state"]
    code, printed = interrupted(args, 0.5, stop)
    assert code == STOPS[stop][0], printed
    assert not site.exists() and not (tmp_path / "state").exists()
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
    for name in ("program.yaml", "leave.yaml", "cases.csv"):
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
