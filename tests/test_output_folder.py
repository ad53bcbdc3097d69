"""The output folder: rotations replaces only what it wrote, refuses folders it must not touch,
swaps the new folder in at once, and follows a symbolic link to the folder it points to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.output import folder
from rotations.output.folder import Refused, write_output
from tests.conftest import program, write_yaml


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def marker(*names: str) -> bytes:
    """A schedule.json of rotations listing `names` (and itself) as its files."""
    return json.dumps(
        {"format": "rotations/schedule@1", "files": [*names, "schedule.json"]}
    ).encode()


def tree(path: Path) -> dict[str, bytes]:
    """Every file below `path` with its bytes (links as their target text)."""
    out = {}
    for item in sorted(path.rglob("*")):
        name = item.relative_to(path).as_posix()
        if item.is_symlink():
            out[name] = b"-> " + os.readlink(item).encode()
        elif item.is_file():
            out[name] = item.read_bytes()
    return out


@pytest.fixture
def config(tmp_path) -> Path:
    return write_yaml(tmp_path, program())


def test_out_holding_the_program_is_refused_and_nothing_is_deleted(config: Path) -> None:
    (config.parent / "leave.yaml").write_text("leave: []\n")
    before = tree(config.parent)
    result = invoke("solve", config, "--out", config.parent)
    assert result.exit_code == 1
    assert "holds" in result.output and "program.yaml" in result.output
    assert tree(config.parent) == before


def test_out_holding_an_included_file_is_refused(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leave.yaml").write_text("leave: []\n")
    config = write_yaml(tmp_path, program(include=["data/leave.yaml"]))
    result = invoke("solve", config, "--out", tmp_path / "data")
    assert result.exit_code == 1
    assert "data/leave.yaml" in result.output
    assert (tmp_path / "data" / "leave.yaml").read_text() == "leave: []\n"


def test_a_folder_rotations_did_not_write_is_refused(config: Path, tmp_path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = invoke("solve", config, "--out", out)
    assert result.exit_code == 1
    assert "is not a folder rotations wrote" in result.output
    assert tree(out) == {"notes.txt": b"mine"}


def test_a_users_own_files_in_an_output_folder_survive(config: Path, tmp_path) -> None:
    out = tmp_path / "out"
    assert invoke("solve", config, "--out", out).exit_code == 0
    (out / "notes.txt").write_text("mine")
    (out / "calendars" / "README").write_text("subscribe here")
    (out / "drafts").mkdir()
    (out / "calendars" / "zed.ics").write_text("old")  # not written by rotations: kept
    state = json.loads((out / "schedule.json").read_text())
    state["files"].append("calendars/gone.ics")  # written by rotations before: replaced
    (out / "schedule.json").write_text(json.dumps(state))
    (out / "calendars" / "gone.ics").write_text("stale")
    assert invoke("solve", config, "--out", out).exit_code == 0
    files = tree(out)
    assert files["notes.txt"] == b"mine"
    assert files["calendars/README"] == b"subscribe here"
    assert files["calendars/zed.ics"] == b"old"
    assert (out / "drafts").is_dir()
    assert "calendars/gone.ics" not in files
    assert "calendars/ana.ics" in files


def test_a_folder_written_before_the_file_list_keeps_what_rotations_did_not_write(
    config: Path, tmp_path
) -> None:
    out = tmp_path / "out"
    assert invoke("solve", config, "--out", out).exit_code == 0
    state = json.loads((out / "schedule.json").read_text())
    del state["files"]
    (out / "schedule.json").write_text(json.dumps(state))
    (out / "notes.txt").write_text("mine")
    (out / "calendars" / "left.ics").write_text("a calendar rotations wrote")
    assert invoke("solve", config, "--out", out).exit_code == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert not (out / "calendars" / "left.ics").exists()


def test_a_users_file_where_a_new_output_goes_is_refused(tmp_path) -> None:
    out = tmp_path / "out"
    write_output(out, {"schedule.json": marker()})
    (out / "report.html").write_text("my own report")
    with pytest.raises(Refused, match=r"report\.html was not written by rotations"):
        write_output(out, {"report.html": b"new", "schedule.json": b"{}"})
    assert (out / "report.html").read_text() == "my own report"


def test_a_symlinked_out_updates_the_folder_it_points_to(config: Path, tmp_path) -> None:
    web = tmp_path / "www" / "calendars-2027"
    web.mkdir(parents=True)
    link = tmp_path / "publish"
    link.symlink_to(web, target_is_directory=True)
    assert invoke("solve", config, "--out", link).exit_code == 0
    assert link.is_symlink() and link.resolve() == web.resolve()
    assert (web / "schedule.json").is_file()
    assert invoke("solve", config, "--out", link).exit_code == 0
    assert link.is_symlink() and (web / "calendars" / "ana.ics").is_file()
    assert sorted(p.name for p in web.parent.iterdir()) == ["calendars-2027"]  # no leftovers


def test_out_under_a_file_is_refused_before_solving(config: Path, tmp_path) -> None:
    (tmp_path / "a-file").write_text("x")
    result = invoke("solve", config, "--out", tmp_path / "a-file" / "out")
    assert result.exit_code == 1
    assert "which is a file" in result.output
    assert "Solving" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_out_is_refused_before_solving(config: Path, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = invoke("solve", config, "--out", locked / "out")
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def test_an_out_nobody_can_create_is_refused_before_solving(config: Path, tmp_path) -> None:
    """/proc grants root every permission bit yet takes no new folder: this was exit 4 after the
    solve (FileNotFoundError), for root too."""
    result = invoke("solve", config, "--out", "/proc/no/such/out")
    assert result.exit_code == 1, result.output
    assert "cannot write to /proc" in result.output
    assert "Solving" not in result.output
    assert invoke("solve", config, "--out", tmp_path / "out").exit_code == 0
    result = invoke(
        "reschedule",
        config,
        "--previous",
        tmp_path / "out" / "schedule.json",
        "--out",
        "/proc/no/such/out",
        "--freeze-until",
        "2027-08-02",
    )
    assert result.exit_code == 1, result.output
    assert "cannot write to /proc" in result.output
    assert not list(tmp_path.glob(".*probe*"))


def test_an_interrupted_write_leaves_the_old_folder_as_it_was(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    write_output(out, {"schedule.json": marker("a.csv"), "a.csv": b"1"})
    before = tree(out)
    real = Path.write_bytes

    def interrupted(self: Path, data: bytes) -> int:
        if self.name == "b.csv":
            raise KeyboardInterrupt
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(out, {"schedule.json": marker("a.csv", "b.csv"), "a.csv": b"2", "b.csv": b"3"})
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_without_an_exchange_the_swap_takes_two_renames(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(folder, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    write_output(out, {"schedule.json": marker("a.csv"), "a.csv": b"1"})
    write_output(out, {"schedule.json": marker("a.csv"), "a.csv": b"2"})
    assert (out / "a.csv").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_new_folder_keeps_the_old_folders_permissions(tmp_path) -> None:
    out = tmp_path / "out"
    write_output(out, {"schedule.json": marker()})
    out.chmod(0o750)
    write_output(out, {"schedule.json": marker()})
    assert out.stat().st_mode & 0o777 == 0o750
    shutil.rmtree(out)


def test_the_installed_command_refuses_the_programs_folder(config: Path) -> None:
    """The same refusal through the real entry point, in a process of its own."""
    before = tree(config.parent)
    done = subprocess.run(
        [sys.executable, "-m", "rotations", "solve", "program.yaml", "--out", "."],
        cwd=config.parent,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: --out . holds program.yaml")
    assert tree(config.parent) == before
