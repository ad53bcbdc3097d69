"""schedule.json read through one typed model: a damaged file is refused naming the field, by
`reschedule --previous` and by `diff`; what is written reads back as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.published import Unreadable, read_publication
from tests.conftest import FACULTY, conference, program, write_yaml


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def config(**program_changes) -> dict:
    base = program(faculty=FACULTY, conferences=[conference()])
    base["program"] |= program_changes
    return base


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """(the program file, the folder it was published to)."""
    folder = tmp_path_factory.mktemp("published")
    path = write_yaml(folder, config())
    assert invoke("solve", path, "--out", folder / "out").exit_code == 0
    return path, folder / "out"


def damaged(published, tmp_path, change: Callable[[dict], object]) -> Path:
    state = json.loads((published[1] / "schedule.json").read_text())
    change(state)
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(state))
    return path


DAMAGE = {
    "assignments not a mapping": (
        lambda s: s.update(assignments=[]),
        "assignments: Input should be a valid dictionary",
    ),
    "a null cell": (
        lambda s: s["assignments"]["ana"].__setitem__(2, None),
        "assignments.ana[2]: no rotation, inside ana's dates",
    ),
    "an unknown rotation": (
        lambda s: s["assignments"]["ana"].__setitem__(2, "zz"),
        "assignments.ana[2]: unknown rotation 'zz'",
    ),
    "a fellow not in its fellows": (
        lambda s: s["assignments"].update(zed=s["assignments"]["ana"]),
        "assignments: its fellows (ana, ben, cy, zed) are not the file's fellows",
    ),
    "a row too short": (
        lambda s: s["assignments"]["ben"].pop(),
        "assignments.ben: 5 blocks, but the file has 6",
    ),
    "an unknown presenter": (
        lambda s: s["roles"][0].update(person="zed"),
        "roles[0].person: unknown presenter 'zed'",
    ),
    "an unknown panelist": (
        lambda s: s["roles"][1].update(person="zed"),
        "roles[1].person: unknown panelist 'zed'",
    ),
    "a negative SEQUENCE": (
        lambda s: next(iter(s["events"]["calendars/ana.ics"].values())).update(sequence=-1),
        "greater than or equal to 0",
    ),
    "another format": (lambda s: s.update(format="other"), "not a schedule.json written by"),
}


@pytest.mark.parametrize("case", DAMAGE, ids=str)
def test_reschedule_refuses_a_damaged_previous_naming_the_field(published, tmp_path, case) -> None:
    change, message = DAMAGE[case]
    previous = damaged(published, tmp_path, change)
    out = tmp_path / "v2"
    result = invoke("reschedule", published[0], "--previous", previous, "--out", out)
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()


def test_bytes_that_are_not_utf8_are_refused_with_their_line(published, tmp_path) -> None:
    text = (published[1] / "schedule.json").read_bytes()
    path = tmp_path / "schedule.json"
    path.write_bytes(text.replace(b'"Ana"', b'"An\xe9"', 1))
    with pytest.raises(Unreadable, match=r"schedule\.json:\d+: byte 0xE9 is not UTF-8"):
        read_publication(path)


def test_diff_refuses_a_damaged_publication(published, tmp_path) -> None:
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / "schedule.json").write_text("{not json")
    result = invoke("diff", published[1], folder)
    assert result.exit_code == 1
    assert "invalid JSON" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "other"}, "publications of different programs ('tiny' and 'other')"),
        ({"start": "2028-07-03"}, "have different blocks (another year or block length)"),
    ],
)
def test_diff_refuses_another_program_or_year(published, tmp_path, change, message) -> None:
    other = write_yaml(tmp_path, config(**change))
    assert invoke("solve", other, "--out", tmp_path / "other").exit_code == 0
    result = invoke("diff", published[1], tmp_path / "other")
    assert result.exit_code == 1
    assert message in result.output


def test_what_is_written_reads_back_the_same(published) -> None:
    path = published[1] / "schedule.json"
    assert read_publication(path).to_json() == path.read_bytes()


def test_a_later_versions_extra_keys_are_ignored(published, tmp_path) -> None:
    path = damaged(published, tmp_path, lambda s: s.update(rosters=[{"fellow": "ana"}]))
    original = read_publication(published[1] / "schedule.json")
    assert read_publication(path).schedule() == original.schedule()
