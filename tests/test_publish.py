"""`rotations publish`: private feeds in a web folder, and a CalDAV server (a real Radicale the
tests start on 127.0.0.1); and a `solve` into an earlier publication continuing its events."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import caldav
import icalendar
import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.publish.dav import split_events
from tests.conftest import FACULTY, conference, program, write_yaml


def invoke(*args, env: dict | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def base(**changes) -> dict:
    return program(faculty=FACULTY, conferences=[conference()], **changes)


@pytest.fixture
def published(tmp_path) -> Path:
    config = write_yaml(tmp_path, base())
    out = tmp_path / "out"
    assert invoke("solve", config, "--out", out).exit_code == 0
    return out


def links(state: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((state / "links.csv").read_text())))


def test_the_web_folder_has_private_stable_names(published, tmp_path) -> None:
    site, state = tmp_path / "site", tmp_path / "state"
    args = ("publish", published, "--to", site, "--state", state, "--base-url", "https://x.org/f")
    assert invoke(*args).exit_code == 0
    rows = links(state)
    assert [(r["person"], r["role"]) for r in rows] == [
        ("ana", "fellow"),
        ("ben", "fellow"),
        ("cy", "fellow"),
        ("lee", "faculty"),
        ("shah", "faculty"),
        ("program", "program"),
        ("report", "report"),
    ]
    ana = next(r for r in rows if r["person"] == "ana")
    assert ana["url"] == f"https://x.org/f/{ana['file']}"
    assert len(Path(ana["file"]).stem) == 26 and "ana" not in ana["file"]
    assert (site / ana["file"]).read_bytes() == (published / "calendars/ana.ics").read_bytes()
    assert sorted(p.name for p in site.iterdir()) == sorted(
        [r["file"] for r in rows] + ["index.html"]
    )
    assert not any(p.suffix in (".csv", ".json") for p in site.iterdir())  # nothing private there
    assert (state / "state.json").stat().st_mode & 0o077 == 0
    first = sorted(p.name for p in site.iterdir())
    assert invoke(*args).exit_code == 0
    assert sorted(p.name for p in site.iterdir()) == first  # a republish keeps every name


def test_reissuing_a_leaked_link_renames_one_feed(published, tmp_path) -> None:
    site, state = tmp_path / "site", tmp_path / "state"
    assert invoke("publish", published, "--to", site, "--state", state).exit_code == 0
    before = {r["person"]: r["file"] for r in links(state)}
    result = invoke("publish", published, "--to", site, "--state", state, "--reissue", "ana")
    assert result.exit_code == 0, result.output
    after = {r["person"]: r["file"] for r in links(state)}
    assert after["ana"] != before["ana"] and not (site / before["ana"]).exists()
    assert {p: f for p, f in after.items() if p != "ana"} == {
        p: f for p, f in before.items() if p != "ana"
    }
    unknown = invoke("publish", published, "--to", site, "--state", state, "--reissue", "zed")
    assert unknown.exit_code == 1 and "no such fellow or faculty member" in unknown.output


def test_a_web_folder_rotations_did_not_publish_to_is_refused(published, tmp_path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.php").write_text("<?php")
    result = invoke("publish", published, "--to", site, "--state", tmp_path / "state")
    assert result.exit_code == 1
    assert "--to" in result.output and "is not a folder rotations wrote" in result.output
    assert [p.name for p in site.iterdir()] == ["index.php"]


def test_publish_needs_a_destination(published) -> None:
    assert invoke("publish", published).exit_code == 64


# --- CalDAV ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """A Radicale server on 127.0.0.1 with one user, coord, password secret."""
    folder = tmp_path_factory.mktemp("radicale")
    (folder / "users").write_text("coord:secret\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable, "-m", "radicale",
            "--server-hosts", f"127.0.0.1:{port}",
            "--storage-filesystem-folder", str(folder / "store"),
            "--auth-type", "htpasswd",
            "--auth-htpasswd-filename", str(folder / "users"),
            "--auth-htpasswd-encryption", "plain",
            "--logging-level", "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/coord/"
    server.terminate()
    server.wait(timeout=10)


PASSWORD = {"ROTATIONS_CALDAV_PASSWORD": "secret"}


def server_events(url: str, collection: str) -> dict[str, icalendar.Event]:
    client = caldav.DAVClient(url=url, username="coord", password="secret")
    calendar = client.calendar(url=url + collection + "/")
    out = {}
    for resource in calendar.objects(load_objects=True):
        event = icalendar.Calendar.from_ical(resource.data).walk("VEVENT")[0]
        out[str(event["UID"])] = event
    return out


def test_caldav_publish_is_idempotent_and_updates_cancelled_events(radicale, tmp_path) -> None:
    v1 = tmp_path / "v1"
    assert invoke("solve", write_yaml(tmp_path, base(), "v1.yaml"), "--out", v1).exit_code == 0
    state = tmp_path / "state"
    args = ("--caldav", radicale, "--user", "coord", "--state", state)
    first = invoke("publish", v1, *args, env=PASSWORD)
    assert first.exit_code == 0, first.output
    assert " 0 updated, 0 unchanged" in first.output
    again = invoke("publish", v1, *args, env=PASSWORD)
    assert again.exit_code == 0
    assert "0 event(s) created, 0 updated," in again.output  # nothing sent
    lee = server_events(radicale, "tiny-lee")
    assert len(lee) == len(split_events((v1 / "calendars/faculty/lee.ics").read_bytes()))
    day = min(str(e["DTSTART"].dt.date()) for e in lee.values())
    away = base()
    away["faculty"][0] = dict(FACULTY[0], away=[{"start": day, "end": day}])
    v2 = tmp_path / "v2"
    result = invoke(
        "reschedule", write_yaml(tmp_path, away, "v2.yaml"), "--previous", v1 / "schedule.json",
        "--out", v2, "--freeze-until", "2027-07-05",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    third = invoke("publish", v2, *args, env=PASSWORD)
    assert third.exit_code == 0, third.output
    lee = server_events(radicale, "tiny-lee")
    cancelled = [e for e in lee.values() if e["STATUS"] == "CANCELLED"]
    assert [str(e["DTSTART"].dt.date()) for e in cancelled] == [day]
    assert int(cancelled[0]["SEQUENCE"]) == 1


def test_a_fellows_and_the_program_calendar_fit_in_one_collection(radicale, published) -> None:
    client = caldav.DAVClient(url=radicale, username="coord", password="secret")
    client.principal()
    collection = radicale + "together/"
    assert client.mkcalendar(collection).status == 201
    for name in ("calendars/ana.ics", "calendars/program.ics"):
        for uid, body in split_events((published / name).read_bytes()).items():
            href = collection + uid.split("@")[0] + ".ics"
            answer = client.put(href, body.decode(), {"If-None-Match": "*"})
            assert answer.status == 201, (name, uid, answer.status)


def test_a_wrong_password_is_a_clean_refusal(radicale, published, tmp_path) -> None:
    result = invoke(
        "publish", published, "--caldav", radicale, "--user", "coord", "--state", tmp_path / "s",
        env={"ROTATIONS_CALDAV_PASSWORD": "wrong"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert "refused user 'coord'" in result.output


# --- solving into an earlier publication ----------------------------------------------------


def test_a_solve_over_an_earlier_publication_continues_its_events(published, tmp_path) -> None:
    before = json.loads((published / "schedule.json").read_text())["events"]
    pinned = base(rules=[{"type": "pin", "fellow": "ana", "rotation": "b", "blocks": [1, 2, 3]}])
    config = write_yaml(tmp_path, pinned, "pinned.yaml")
    assert invoke("solve", config, "--out", published).exit_code == 0
    after = json.loads((published / "schedule.json").read_text())["events"]
    for path, events in before.items():
        for uid, event in events.items():
            now = after[path][uid]
            assert now["sequence"] == event["sequence"] + (now["digest"] != event["digest"])
            if now["digest"] == event["digest"]:
                assert now["dtstamp"] == event["dtstamp"]
    assert any(after[p][u]["sequence"] == 1 for p in after for u in after[p])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "other"}, "holds a publication of program 'tiny'"),
        ({"start": "2028-07-03"}, "holds the publication of another year"),
    ],
)
def test_a_solve_over_another_programs_publication_is_refused(
    published, tmp_path, change, message
) -> None:
    config = base()
    config["program"] |= change
    before = (published / "schedule.json").read_bytes()
    result = invoke("solve", write_yaml(tmp_path, config, "other.yaml"), "--out", published)
    assert result.exit_code == 1
    assert message in result.output
    assert (published / "schedule.json").read_bytes() == before
