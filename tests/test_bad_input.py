"""Bad and hostile programs: every one gets its message and exit code, and nothing is written.

The corpus is tests/data/bad/: a file `<case>.yaml`, or a folder `<case>/` with a program.yaml
and the files it includes, each headed `# expect <exit code>: <message fragment>`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.config.source import MAX_FILE_BYTES

BAD = Path(__file__).parent / "data" / "bad"
CASES = sorted([*BAD.glob("*.yaml"), *BAD.glob("*/program.yaml")])


def expected(path: Path) -> tuple[int, str]:
    header = path.read_bytes().split(b"\n", 1)[0].decode()
    code, fragment = header.removeprefix("# expect ").split(": ", 1)
    return int(code), fragment


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(
    "path", CASES, ids=lambda p: p.stem if p.stem != "program" else p.parent.name
)
def test_bad_program_is_refused_with_its_message_and_nothing_written(path: Path, tmp_path) -> None:
    code, fragment = expected(path)
    out = tmp_path / "out"
    solved = invoke("solve", path, "--out", out)
    assert (solved.exit_code, fragment in solved.output) == (code, True), solved.output
    assert "internal error" not in solved.output
    assert not out.exists()
    checked = invoke("check", path)
    assert checked.exit_code == code
    assert fragment in checked.output


def test_a_file_too_big_to_be_a_program_is_refused(tmp_path) -> None:
    path = tmp_path / "program.yaml"
    path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    result = invoke("check", path)
    assert result.exit_code == 1
    assert "a program file is at most 1 MB" in result.output


@pytest.mark.parametrize("case", ["alias_bomb", "deep_nesting"])
def test_hostile_yaml_is_refused_in_bounded_memory(case: str) -> None:
    """A billion-laughs file grew past 2.4 GB before; a deep nest hit Python's recursion limit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rotations", "check", str(BAD / f"{case}.yaml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert b"Traceback" not in process.stderr.read()
    assert process.returncode == 1
    assert usage.ru_maxrss < 400_000  # kB; loading rotations and its libraries takes ~170 MB


def test_usage_errors_and_config_errors_have_different_exit_codes(tmp_path) -> None:
    assert invoke("solve", BAD / "weight_1e20.yaml", "--out", tmp_path / "o").exit_code == 1
    assert invoke("solve", BAD / "weight_1e20.yaml").exit_code == 64  # --out missing
    assert invoke("check", tmp_path / "missing.yaml").exit_code == 64
