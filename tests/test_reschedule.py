"""Rerun after leave: the published schedule back with the fewest changes, calendars in place."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from rotations.cli import cli
from tests.conftest import FACULTY, conference, program, write_yaml

FREEZE = "2027-07-19"  # the start of block 3: blocks 1-2 are the past


def base() -> dict:
    return program(
        rotations={
            "a": {"name": "Alpha", "staffing": {"max": 1}, "stint": 2, "leave": "forbidden"},
            "b": {"name": "Beta"},
            "c": {"name": "Gamma"},
        },
        requirements={"a": 2},
        faculty=FACULTY,
        conferences=[conference()],
    )


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def published(tmp_path) -> tuple[Path, dict]:
    """A solved and published base program: (its output folder, its schedule.json)."""
    config = write_yaml(tmp_path, base(), "v1.yaml")
    out = tmp_path / "v1"
    assert invoke("solve", config, "--out", out).exit_code == 0
    return out, json.loads((out / "schedule.json").read_text())


def on_a(state: dict, block: int) -> str:
    return next(f for f, rots in state["assignments"].items() if rots[block - 1] == "a")


def with_leave(fellow: str, day: str) -> dict:
    """The base program plus one day of approved leave."""
    return base() | {"leave": [{"fellow": fellow, "start": day, "end": day}]}


def reschedule(
    tmp_path: Path, config: dict, previous: Path, *extra, name: str = "v2"
) -> tuple[object, Path]:
    """`rotations reschedule` of `config` (written as <name>.yaml) into tmp_path/<name>."""
    path = write_yaml(tmp_path, config, f"{name}.yaml")
    out = tmp_path / name
    result = invoke(
        "reschedule",
        path,
        "--previous",
        previous / "schedule.json",
        "--out",
        out,
        "--freeze-until",
        FREEZE,
        *extra,
    )
    return result, out


def test_leave_on_a_future_no_leave_rotation_moves_the_stint_minimally(published, tmp_path):
    out, state = published
    moved = on_a(state, 5)
    result, new = reschedule(tmp_path, with_leave(moved, "2027-08-03"), out)
    assert result.exit_code == 0, result.output
    after = json.loads((new / "schedule.json").read_text())
    assert after["assignments"][moved][4] != "a"
    for fellow, rotations in state["assignments"].items():  # the past is untouched
        assert after["assignments"][fellow][:2] == rotations[:2]
    # Two fellows swap their Alpha stints in blocks 3-6: 8 cells, each 3 (within four weeks).
    assert "Weighted change cost 24 (proven minimal)" in result.output
    rows = (new / "changes.csv").read_text().splitlines()
    assert rows[0] == "kind,block,start,end,subject,old,new"
    assert len([r for r in rows if r.startswith("rotation,")]) == 8


def test_leave_on_a_frozen_block_keeps_it_and_says_so(published, tmp_path):
    out, state = published
    fellow = on_a(state, 1)
    result, new = reschedule(tmp_path, with_leave(fellow, "2027-07-06"), out)
    assert result.exit_code == 0, result.output
    assert "Kept as published, although the rules now object" in result.output
    after = json.loads((new / "schedule.json").read_text())
    assert after["assignments"][fellow][0] == "a"


def test_requested_leave_granted_and_denied(published, tmp_path):
    out, state = published
    past = on_a(state, 1)
    free = next(f for f, rots in state["assignments"].items() if rots[5] != "a")
    config = base() | {
        "leave": [
            {"fellow": past, "start": "2027-07-06", "end": "2027-07-06", "requested": True},
            {"fellow": free, "start": "2027-08-10", "end": "2027-08-10", "requested": True},
        ]
    }
    result, new = reschedule(tmp_path, config, out)
    assert result.exit_code == 0, result.output
    requests = json.loads((new / "schedule.json").read_text())["leave_requests"]
    assert [r["granted"] for r in requests] == [False, True]
    assert "rotations.a.leave" in [b["rule"] for b in requests[0]["blocked_by"]]
    assert f"Leave request denied: {past} 2027-07-06..2027-07-06" in result.output


def test_a_role_taken_over_is_cancelled_in_the_old_calendar(published, tmp_path):
    out, state = published
    lee = [r["date"] for r in state["roles"] if r["person"] == "lee" and r["date"] > FREEZE]
    day = lee[0]
    config = copy.deepcopy(base())
    config["faculty"][0]["away"] = [{"start": day, "end": day}]
    result, new = reschedule(tmp_path, config, out)
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical((new / "calendars/faculty/lee.ics").read_bytes())
    cancelled = [e for e in calendar.walk("VEVENT") if e["STATUS"] == "CANCELLED"]
    assert [e["DTSTART"].dt.date().isoformat() for e in cancelled] == [day]
    old = icalendar.Calendar.from_ical((out / "calendars/faculty/lee.ics").read_bytes())
    before = {e["UID"]: e["SEQUENCE"] for e in old.walk("VEVENT")}
    assert cancelled[0]["SEQUENCE"] == before[cancelled[0]["UID"]] + 1
    kept = [e for e in calendar.walk("VEVENT") if e["STATUS"] != "CANCELLED"]
    assert all(e["SEQUENCE"] == before[e["UID"]] for e in kept)  # unchanged events stay put


def test_unchanged_config_gives_identical_calendars(published, tmp_path):
    out, _ = published
    result, new = reschedule(tmp_path, base(), out)
    assert result.exit_code == 0, result.output
    assert "0 rotation block(s) changed" in result.output
    for path in sorted((out / "calendars").rglob("*.ics")):
        assert (new / path.relative_to(out)).read_bytes() == path.read_bytes()


def test_dry_run_shows_the_diff_and_writes_nothing(published, tmp_path):
    out, state = published
    config = with_leave(on_a(state, 5), "2027-08-03")
    result, new = reschedule(tmp_path, config, out, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "8 rotation block(s) changed" in result.output
    assert not new.exists()


def test_diff_command_compares_two_output_folders(published, tmp_path):
    out, state = published
    config = with_leave(on_a(state, 5), "2027-08-03")
    _, new = reschedule(tmp_path, config, out)
    result = invoke("diff", out, new)
    assert result.exit_code == 0
    assert "8 rotation block(s) changed for 2 fellow(s)" in result.output


def test_refuses_to_overwrite_the_previous_folder(published, tmp_path):
    out, _ = published
    before = (out / "schedule.json").read_bytes()
    path = write_yaml(tmp_path, base(), "v2.yaml")
    result = invoke("reschedule", path, "--previous", out / "schedule.json", "--out", out)
    assert result.exit_code == 1
    assert f"holds {out / 'schedule.json'}" in result.output
    assert (out / "schedule.json").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "other"}, "it belongs to program 'tiny', but this config is 'other'"),
        ({"blocks": 8}, "its blocks is 6 but the config says 8"),
        ({"start": "2027-07-12"}, "its start is 2027-07-05 but the config says 2027-07-12"),
    ],
)
def test_refuses_a_schedule_from_another_program_or_year(published, tmp_path, change, message):
    out, _ = published
    config = base()
    config["program"] |= change
    result, new = reschedule(tmp_path, config, out)
    assert result.exit_code == 1
    assert message in result.output
    assert not new.exists()


def test_a_fellow_who_joined_is_reported(published, tmp_path):
    out, _ = published
    config = base()
    config["fellows"].append({"id": "dee", "name": "Dee"})
    config["requirements"] = {}
    result, _ = reschedule(tmp_path, config, out)
    assert result.exit_code == 0, result.output
    assert "dee joined since" in result.output


def test_a_request_answered_in_the_past_keeps_its_answer(tmp_path):
    config = base() | {
        "leave": [
            {"fellow": "ana", "start": "2027-07-06", "end": "2027-07-06", "requested": True},
        ]
    }
    first = write_yaml(tmp_path, config, "v1.yaml")
    out = tmp_path / "v1"
    assert invoke("solve", first, "--out", out).exit_code == 0
    granted = json.loads((out / "schedule.json").read_text())["leave_requests"][0]["granted"]
    assert granted is True
    # A rule added since objects to that (past) leave; the past stays as published anyway.
    config["rules"] = [{"type": "max_concurrent_leave", "max": 0}]
    result, new = reschedule(tmp_path, config, out)
    assert result.exit_code == 0, result.output
    assert json.loads((new / "schedule.json").read_text())["leave_requests"][0]["granted"]
    assert "Kept as published, although the rules now object" in result.output


def _events(folder: Path) -> dict[str, dict[str, tuple[int, str]]]:
    """Calendar file -> UID -> (SEQUENCE, STATUS), for every calendar of a publication."""
    out = {}
    for path in sorted((folder / "calendars").rglob("*.ics")):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        out[path.relative_to(folder).as_posix()] = {
            str(e["UID"]): (int(e["SEQUENCE"]), str(e["STATUS"])) for e in calendar.walk("VEVENT")
        }
    return out


def test_four_publications_keep_every_event_identity(published, tmp_path):
    """solve → reschedule taking a panel seat from lee (away) → the same again → the seat
    back (shah away instead): a removed event stays cancelled in every later publication, the
    rerun is byte-identical, and the revived event continues from its cancelled copy's
    SEQUENCE."""
    v1, state = published
    day = next(r["date"] for r in state["roles"] if r["person"] == "lee" and r["date"] > FREEZE)
    lee_away, shah_away = copy.deepcopy(base()), copy.deepcopy(base())
    lee_away["faculty"][0]["away"] = [{"start": day, "end": day}]
    shah_away["faculty"][1]["away"] = [{"start": day, "end": day}]
    steps = [
        ("v2", lee_away, v1),
        ("v3", lee_away, tmp_path / "v2"),
        ("v4", shah_away, tmp_path / "v3"),
    ]
    folders = [v1]
    for name, config, previous in steps:
        result, out = reschedule(tmp_path, config, previous, name=name)
        assert result.exit_code == 0, result.output
        folders.append(out)
    stories = [_events(folder) for folder in folders]
    for story in stories:  # no UID in two calendar files
        uids = [uid for events in story.values() for uid in events]
        assert len(uids) == len(set(uids))
    lee = "calendars/faculty/lee.ics"
    gone = {u for u, (_, status) in stories[1][lee].items() if status == "CANCELLED"}
    assert len(gone) == 1
    (uid,) = gone
    assert [story[lee][uid] for story in stories] == [
        (0, "CONFIRMED"),
        (1, "CANCELLED"),
        (1, "CANCELLED"),
        (2, "CONFIRMED"),
    ]
    for story, later in itertools.pairwise(stories):  # SEQUENCE never goes down
        for path, events in story.items():
            assert all(later[path][u][0] >= seq for u, (seq, _) in events.items())
    for path in sorted((folders[1] / "calendars").rglob("*.ics")):  # the rerun: same bytes
        assert (folders[2] / path.relative_to(folders[1])).read_bytes() == path.read_bytes()
