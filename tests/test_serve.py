"""`rotations serve`: every page's permissions, CSRF, feeds with ETag, and the approve flow end
to end (request → preview → approve → leave.yaml keeps its comments → new publication → the
feed has the leave, changed events with a higher SEQUENCE), two approvals queued and applied in
order."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

from benchmarks.generate import Size, generate
from rotations.cli import cli
from rotations.publish.state import load_state
from rotations.serve.app import Site, create_app
from rotations.serve.store import MIGRATIONS, Store
from rotations.serve.worker import Program
from tests.conftest import FACULTY, conference, program, write_yaml

LEAVE = """\
# Approved leave: the coordinator adds entries here (or approves them on the page).
leave:
  - {fellow: cy, start: 2027-07-26, end: 2027-07-27}   # a wedding
  - {fellow: cy, start: 2027-07-30, end: 2027-07-30}   # the same week, apart
"""


def make_program(folder: Path) -> Path:
    config = program(
        rotations={
            "a": {"name": "Alpha", "staffing": {"min": 1, "max": 1}, "stint": 2},
            "b": {"name": "Beta"},
            "c": {"name": "Gamma", "leave": "forbidden"},
        },
        requirements={"a": 2},
        faculty=FACULTY,
        conferences=[conference()],
        include=["leave.yaml"],
    )
    folder.mkdir()
    (folder / "leave.yaml").write_text(LEAVE)
    return write_yaml(folder, config)


@pytest.fixture
def served(tmp_path):
    """A served tiny program, its first publication made: (client, site)."""
    yield from serving(tmp_path, make_program(tmp_path / "program"))


def serving(tmp_path, file: Path):
    """The program `file` served (state in tmp_path/state), its first publication made."""
    state = load_state(tmp_path / "state", "tiny")
    state.save()
    store = Store(tmp_path / "state" / "serve.sqlite3")
    site = Site(Program(file, 10.0, today=lambda: dt.date(2027, 7, 12)), state, store)
    with TestClient(create_app(site)) as client:
        store.queue("solve")
        site.worker.wake.set()
        settle(site)
        yield client, site


def settle(site: Site, seconds: float = 60) -> None:
    """Wait until the worker has run every queued job."""
    end = time.monotonic() + seconds
    while not site.worker.idle():
        assert time.monotonic() < end, "the worker did not finish"
        time.sleep(0.05)


def published_twice(site: Site) -> tuple[Path, Path]:
    """The folders of the first publication and of a second full solve's."""
    site.store.queue("solve")
    site.worker.wake.set()
    settle(site)
    first, second = (Path(r["folder"]) for r in site.store.rows("SELECT * FROM publications"))
    return first, second


def token(site: Site, person: str) -> str:
    return site.state.token(person)


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


def sign_in(client: TestClient, site: Site) -> str:
    response = client.get(f"/signin/{site.signin_link()}", follow_redirects=False)
    assert response.status_code == 303
    return csrf(client.get("/coordinator").text)


def ask(client: TestClient, site: Site, fellow: str, start: str, end: str, kind="approved"):
    page = client.get(f"/p/{token(site, fellow)}").text
    form = {"csrf": csrf(page), "start": start, "end": end, "kind": kind, "note": "dentist"}
    return client.post(f"/p/{token(site, fellow)}/requests", data=form, follow_redirects=False)


def test_a_fellows_page_is_theirs_only(served) -> None:
    client, site = served
    assert ask(client, site, "ana", "2027-08-03", "2027-08-04").status_code == 303
    ana = client.get(f"/p/{token(site, 'ana')}")
    assert ana.status_code == 200 and "Ana" in ana.text and "2027-08-03 to 2027-08-04" in ana.text
    assert re.search(r'id="requests"><tr><th>#</th><th>dates</th><th>kind</th>', ana.text)
    assert ana.headers["referrer-policy"] == "no-referrer"
    ben = client.get(f"/p/{token(site, 'ben')}")
    assert "2027-08-03 to 2027-08-04" not in ben.text and "dentist" not in ben.text
    assert client.get("/p/" + "a" * 26).status_code == 404
    # ben's token cannot file a request for ana, nor ana's form be sent without its token
    page = client.get(f"/p/{token(site, 'ben')}").text
    form = {"csrf": csrf(page), "start": "2027-08-02", "end": "2027-08-02", "kind": "approved"}
    assert client.post(f"/p/{token(site, 'ana')}/requests", data=form).status_code == 403
    del form["csrf"]
    assert client.post(f"/p/{token(site, 'ben')}/requests", data=form).status_code == 403
    # dates outside the year are refused at once
    assert ask(client, site, "ana", "2029-01-01", "2029-01-02").status_code == 400
    # a faculty member has a page and a feed, but no leave form
    lee = client.get(f"/p/{token(site, 'lee')}")
    assert lee.status_code == 200 and "Ask for leave" not in lee.text


def test_the_coordinators_filter_takes_only_a_fellow_of_the_program(served) -> None:
    """`?fellow=ana` shows ana's requests and row only; a faculty id or an unknown one is no
    filter (everyone), as the select, which lists the program's fellows, would show it."""
    client, site = served
    assert ask(client, site, "ana", "2027-08-03", "2027-08-04").status_code == 303
    assert ask(client, site, "ben", "2027-08-10", "2027-08-11").status_code == 303
    sign_in(client, site)
    ana = client.get("/coordinator?fellow=ana").text
    assert "2027-08-03 to 2027-08-04" in ana and "2027-08-10 to 2027-08-11" not in ana
    assert '<option value="ana" selected>' in ana
    for other in ("lee", "zed"):
        page = client.get(f"/coordinator?fellow={other}").text
        assert "2027-08-03 to 2027-08-04" in page and "2027-08-10 to 2027-08-11" in page
        assert " selected>" not in page


def test_a_fellows_page_states_each_leave_of_a_block_as_it_is(served) -> None:
    """cy's two leaves in block 4 (Monday-Tuesday, then Friday) are two ranges, never one
    from Monday to Friday, on the page as in the calendars."""
    client, site = served
    page = client.get(f"/p/{token(site, 'cy')}").text
    row = re.search(r"<tr><td>4</td>.*?</tr>", page)[0]
    assert "2027-07-26 to 2027-07-27, 2027-07-30</td>" in row
    assert "2027-07-26 to 2027-07-30" not in page


def test_the_coordinator_pages_need_a_signed_session_and_csrf(served) -> None:
    client, site = served
    ask(client, site, "ana", "2027-08-02", "2027-08-03")
    for url in (
        "/coordinator",
        "/report",
        "/coordinator/requests/1",
        "/coordinator/publications/1",
    ):
        assert client.get(url).status_code == 403
    assert client.post("/coordinator/requests/1/approve", data={"csrf": "x"}).status_code == 403
    client.cookies.set("rotations_session", "forged")
    assert client.get("/coordinator").status_code == 403
    client.cookies.clear()
    link = site.signin_link()
    assert client.get(f"/signin/{link}", follow_redirects=False).status_code == 303
    assert client.get(f"/signin/{link}").status_code == 403  # one time only
    page = client.get("/coordinator")
    assert page.status_code == 200 and "dentist" in page.text
    assert client.post("/coordinator/requests/1/approve", data={}).status_code == 403
    assert (
        client.post("/coordinator/requests/1/launch", data={"csrf": csrf(page.text)}).status_code
        == 404
    )
    assert client.get("/report").status_code == 200


def test_feeds_carry_etags_and_answer_304(served) -> None:
    client, site = served
    url = f"/feeds/{token(site, 'ana')}.ics"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    since = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    assert client.get("/feeds/nobody.ics").status_code == 404


def test_request_preview_approve_publish(served) -> None:
    client, site = served
    before = icalendar.Calendar.from_ical(client.get(f"/feeds/{token(site, 'ana')}.ics").content)
    sequence = {str(e["uid"]): int(e["sequence"]) for e in before.walk("VEVENT")}
    assert ask(client, site, "ana", "2027-07-26", "2027-07-30").status_code == 303
    key = sign_in(client, site)
    client.post("/coordinator/requests/1/preview", data={"csrf": key})
    settle(site)
    detail = client.get("/coordinator/requests/1").text
    assert "It can be granted." in detail
    client.post("/coordinator/requests/1/approve", data={"csrf": key})
    settle(site)
    leave = (site.program.file.parent / "leave.yaml").read_text()
    assert leave.startswith("# Approved leave: the coordinator adds entries here")
    assert "# a wedding" in leave
    assert leave.endswith("  - {fellow: ana, start: 2027-07-26, end: 2027-07-30}\n")
    assert [p["folder"][-4:] for p in site.store.rows("SELECT folder FROM publications")] == [
        "0001",
        "0002",
    ]
    after = icalendar.Calendar.from_ical(client.get(f"/feeds/{token(site, 'ana')}.ics").content)
    block4 = [e for e in after.walk("VEVENT") if str(e.decoded("dtstart")) == "2027-07-26"]
    assert "On leave 2027-07-26 to 2027-07-30" in str(block4[0]["description"])
    assert int(block4[0]["sequence"]) == sequence[str(block4[0]["uid"])] + 1
    assert "dentist" not in client.get(f"/feeds/{token(site, 'ana')}.ics").text
    page = client.get(f"/p/{token(site, 'ana')}").text
    assert re.search(r'<td class="status">approved</td>', page)
    audit = client.get("/coordinator").text
    assert "approved request 1" in audit


def test_two_approvals_are_applied_in_order(served) -> None:
    client, site = served
    ask(client, site, "ben", "2027-08-02", "2027-08-03")
    ask(client, site, "ana", "2027-08-09", "2027-08-10")
    key = sign_in(client, site)
    client.post("/coordinator/requests/1/approve", data={"csrf": key})
    client.post("/coordinator/requests/2/approve", data={"csrf": key})
    settle(site)
    leave = (site.program.file.parent / "leave.yaml").read_text().splitlines()
    assert leave[-2:] == [
        "  - {fellow: ben, start: 2027-08-02, end: 2027-08-03}",
        "  - {fellow: ana, start: 2027-08-09, end: 2027-08-10}",
    ]
    statuses = [r["status"] for r in site.store.rows("SELECT status FROM requests ORDER BY id")]
    assert statuses == ["approved", "approved"]
    assert len(site.store.rows("SELECT * FROM publications")) == 3


def test_a_denied_request_shows_its_message(served) -> None:
    client, site = served
    ask(client, site, "ana", "2027-08-02", "2027-08-03")
    key = sign_in(client, site)
    client.post("/coordinator/requests/1/deny", data={"csrf": key, "message": "Clinic short"})
    page = client.get(f"/p/{token(site, 'ana')}").text
    assert "denied" in page and "Clinic short" in page
    leave = (site.program.file.parent / "leave.yaml").read_text()
    assert leave == LEAVE


def test_links_print_each_persons_page_and_feed(tmp_path) -> None:
    make_program(tmp_path / "program")
    args = ["links", str(tmp_path / "program"), "--base-url", "https://rot.example/"]
    result = CliRunner().invoke(cli, [*args, "--state", str(tmp_path / "state")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["person"], r["role"]) for r in rows] == [
        ("ana", "fellow"),
        ("ben", "fellow"),
        ("cy", "fellow"),
        ("lee", "faculty"),
        ("shah", "faculty"),
    ]
    state = load_state(tmp_path / "state", "tiny")
    assert rows[0]["page_url"] == f"https://rot.example/p/{state.token('ana')}"
    assert rows[0]["feed_url"] == f"https://rot.example/feeds/{state.token('ana')}.ics"


def test_an_approval_the_rules_refuse_changes_nothing(served) -> None:
    """cy is already away on 2027-07-26..27; with ana and ben away then too, nobody can staff
    Alpha: the second approval fails, leave.yaml and the publications stay as they were, and
    the request stays pending with the rules in its way."""
    client, site = served
    ask(client, site, "ana", "2027-07-26", "2027-07-27")
    ask(client, site, "ben", "2027-07-26", "2027-07-27")
    key = sign_in(client, site)
    client.post("/coordinator/requests/1/approve", data={"csrf": key})
    settle(site)
    leave = (site.program.file.parent / "leave.yaml").read_text()
    client.post("/coordinator/requests/2/approve", data={"csrf": key})
    settle(site)
    assert (site.program.file.parent / "leave.yaml").read_text() == leave
    assert len(site.store.rows("SELECT * FROM publications")) == 2
    job = site.store.row("SELECT * FROM jobs WHERE request = 2")
    assert job["status"] == "failed" and "nothing was published" in job["error"]
    assert site.store.row("SELECT status FROM requests WHERE id = 2")["status"] == "pending"
    assert "rotations.a.staffing" in client.get("/coordinator/requests/2").text


def test_a_restart_loses_no_request_and_runs_what_was_running(tmp_path) -> None:
    store = Store(tmp_path / "serve.sqlite3")
    store.add_request("ana", "2027-08-02", "2027-08-03", "requested", "")
    store.queue("preview", 1)
    assert store.next_job()["status"] == "queued"  # taken: running now
    again = Store(tmp_path / "serve.sqlite3")  # the server restarted
    assert again.row("SELECT status FROM jobs")["status"] == "queued"
    assert again.row("SELECT fellow FROM requests")["fellow"] == "ana"
    assert again.row("PRAGMA user_version")[0] == len(MIGRATIONS)


def test_an_older_database_keeps_its_jobs_when_migrated(tmp_path) -> None:
    """Migration 3 rebuilds the jobs table (its kinds are checked): the jobs stay."""
    db = sqlite3.connect(tmp_path / "serve.sqlite3")
    db.executescript(f"{MIGRATIONS[0]} {MIGRATIONS[1]} PRAGMA user_version = 2;")
    db.execute("INSERT INTO jobs (kind, created) VALUES ('solve', '2027-07-01 09:00:00')")
    db.commit()
    db.close()
    store = Store(tmp_path / "serve.sqlite3")
    assert [tuple(r) for r in store.rows("SELECT id, kind, status FROM jobs")] == [
        (1, "solve", "queued")
    ]
    store.queue("republish")
    with pytest.raises(sqlite3.IntegrityError):
        store.queue("anything")


def _serve(folder: Path, state: Path, *options: str) -> subprocess.Popen:
    with socket.socket() as probe:  # a free port on 127.0.0.1
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "rotations", "serve", folder, "--state", state]
    return subprocess.Popen(
        [*command, "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _until(database: Path, sql: str, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while True:
        with contextlib.suppress(sqlite3.Error), sqlite3.connect(database) as db:
            if db.execute(sql).fetchone() is not None:
                return
        assert time.monotonic() < end, f"never: {sql}"
        time.sleep(0.1)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stopped_server_abandons_its_solve_and_a_restart_publishes_it_once(tmp_path, stop):
    """Before, SIGHUP killed the server where it stood, and on SIGTERM the solve went on in a
    thread the exit cut off."""
    folder, state = tmp_path / "program", tmp_path / "state"
    folder.mkdir()
    large = generate(Size(50, 52, 1, 1, 4), seed=0)  # searches for a while after its first
    write_yaml(folder, yaml.safe_load(yaml.safe_dump(large)))
    database = state / "serve.sqlite3"
    server = _serve(folder, state, "--time-limit", "60")
    _until(database, "SELECT 1 FROM jobs WHERE status = 'running' AND progress != ''")
    server.send_signal(stop)
    printed = server.communicate(timeout=60)[0]
    assert server.returncode == 128 + stop, printed
    assert f"Server stopped ({signal.Signals(stop).name})" in printed
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT status FROM jobs").fetchall() == [("queued",)]
        assert db.execute("SELECT COUNT(*) FROM publications").fetchone() == (0,)
    assert not (folder / "publications").exists()

    # The restart runs the job again; it proves its schedule optimal in a few seconds, and the
    # limit is long enough that a loaded machine still finds it (with 5 s, CI once did not).
    server = _serve(folder, state, "--time-limit", "60")
    _until(database, "SELECT 1 FROM jobs WHERE status IN ('done', 'failed')")
    server.send_signal(signal.SIGTERM)
    printed = server.communicate(timeout=60)[0]
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT id, status FROM jobs").fetchall() == [(1, "done")], printed
        assert db.execute("SELECT folder FROM publications").fetchall() == [
            (str(folder / "publications" / "0001"),)
        ]


def test_before_the_first_publication_feeds_say_come_back_and_pages_say_why(tmp_path) -> None:
    """A feed answered 404 while the first schedule was solved, and calendar clients drop a
    subscription on 404; a fellow's page showed an empty "Your blocks" table."""
    file = make_program(tmp_path / "program")
    state = load_state(tmp_path / "state", "tiny")
    state.save()
    store = Store(tmp_path / "state" / "serve.sqlite3")
    site = Site(Program(file, 10.0, today=lambda: dt.date(2027, 7, 12)), state, store)
    client = TestClient(create_app(site))  # no lifespan: the worker does not start
    feed = client.get(f"/feeds/{token(site, 'ana')}.ics")
    assert feed.status_code == 503 and feed.headers["retry-after"] == "60"
    assert client.get("/feeds/" + "a" * 26 + ".ics").status_code == 404
    page = client.get(f"/p/{token(site, 'ana')}")
    assert page.status_code == 200 and 'id="being-made"' in page.text
    assert 'id="blocks"' not in page.text


def test_a_missing_publication_is_passed_over_and_said_so_never_a_500(served, caplog) -> None:
    """Once its publication folder was gone, every page and feed answered 500, for good."""
    client, site = served
    first, second = published_twice(site)
    calendar = (second / "calendars/ana.ics").read_bytes()
    shutil.rmtree(second)
    feed = client.get(f"/feeds/{token(site, 'ana')}.ics")
    assert feed.status_code == 200 and feed.content == (first / "calendars/ana.ics").read_bytes()
    assert client.get(f"/p/{token(site, 'ana')}").status_code == 200
    settle(site)  # the program published again, from the copy of the second's schedule.json
    third = Path(site.store.latest_publication()["folder"])
    assert third.name == "0003" and (third / "calendars/ana.ics").read_bytes() == calendar
    assert client.get(f"/feeds/{token(site, 'ana')}.ics").content == calendar
    sign_in(client, site)
    page = client.get("/coordinator").text
    assert "Publication 2 cannot be read" in page and "publication 3 replaced it" in page
    for folder in (first, third):  # none left: the feeds wait for the program, published again
        shutil.rmtree(folder)
    assert client.get(f"/feeds/{token(site, 'ana')}.ics").status_code == 503
    assert "the pages and feeds wait" in client.get("/coordinator").text
    settle(site)
    assert client.get(f"/feeds/{token(site, 'ana')}.ics").content == calendar
    kinds = [r["kind"] for r in site.store.rows("SELECT kind FROM jobs WHERE status = 'done'")]
    assert kinds == ["solve", "solve", "republish", "republish"]


def test_a_calendar_gone_from_the_latest_publication_is_served_from_the_one_before(served):
    """schedule.json was checked, the calendars were not: a publication that had lost a
    calendar (or its report) answered that feed with a 500, for good."""
    client, site = served
    first, second = published_twice(site)
    feed = f"/feeds/{token(site, 'ana')}.ics"
    calendar = (second / "calendars/ana.ics").read_bytes()
    assert client.get(feed).content == calendar
    (second / "calendars/ana.ics").unlink()  # gone after the publication was read
    answer = client.get(feed)
    assert (
        answer.status_code == 200 and answer.content == (first / "calendars/ana.ics").read_bytes()
    )
    sign_in(client, site)
    page = client.get("/coordinator").text
    assert "Publication 2 cannot be read" in page and "ana.ics" in page
    settle(site)
    assert client.get(feed).content == calendar  # published again, with the same identities
    assert client.get("/report").status_code == 200


def test_an_approval_lost_with_its_publication_is_published_again(served) -> None:
    """With the publication of an approval gone, the pages served the one before, without the
    approved leave, until somebody started a solve by hand."""
    client, site = served
    assert ask(client, site, "ana", "2027-08-02", "2027-08-03").status_code == 303
    number = site.store.row("SELECT id FROM requests ORDER BY id DESC")["id"]
    client.post(
        f"/coordinator/requests/{number}/approve",
        data={"csrf": sign_in(client, site)},
        follow_redirects=False,
    )
    settle(site)
    approved = Path(site.store.latest_publication()["folder"])
    calendar = (approved / "calendars/ana.ics").read_bytes()
    shutil.rmtree(approved)
    client.get(f"/feeds/{token(site, 'ana')}.ics")  # from the first: without the leave
    settle(site)
    again = site.store.latest_publication()
    assert again["summary"] == "0 change(s)"  # against the lost one's schedule.json, kept
    assert (Path(again["folder"]) / "calendars/ana.ics").read_bytes() == calendar
    feed = icalendar.Calendar.from_ical(client.get(f"/feeds/{token(site, 'ana')}.ics").content)
    leave = [e for e in feed.walk("VEVENT") if "leave" in str(e["SUMMARY"]).lower()]
    assert any(e.decoded("DTSTART") == dt.date(2027, 8, 2) for e in leave)
    assert len(site.store.rows("SELECT id FROM publications")) == 3
    client.get(f"/feeds/{token(site, 'ana')}.ics")  # whole again: nothing more is queued
    assert site.worker.idle() and len(site.store.rows("SELECT id FROM jobs")) == 3


def test_a_publication_lost_while_the_server_was_stopped_is_published_again_at_start(served):
    """Damage was found only when somebody asked for a page or a feed."""
    _, site = served
    _, second = published_twice(site)
    shutil.rmtree(second)
    again = Site(site.program, site.state, site.store)  # the server started again
    with TestClient(create_app(again)):
        settle(again)
    assert site.store.row("SELECT kind FROM jobs ORDER BY id DESC")["kind"] == "republish"
    assert Path(site.store.latest_publication()["folder"]).name == "0003"


def test_an_approval_while_the_latest_publication_is_gone_reschedules_the_one_before(served):
    """The reschedule read the newest publication whether or not it could be read: with its
    folder gone, every approval failed."""
    client, site = served
    _, second = published_twice(site)
    shutil.rmtree(second)
    assert ask(client, site, "ana", "2027-08-02", "2027-08-03").status_code == 303
    number = site.store.row("SELECT id FROM requests ORDER BY id DESC")["id"]
    form = {"csrf": sign_in(client, site)}
    client.post(f"/coordinator/requests/{number}/approve", data=form, follow_redirects=False)
    settle(site)
    assert (
        site.store.row("SELECT status FROM requests WHERE id = ?", number)["status"] == "approved"
    )
    jobs = site.store.rows("SELECT kind, error FROM jobs")
    assert [(j["kind"], j["error"]) for j in jobs][2:] == [("republish", ""), ("approve", "")]
    assert len(site.store.rows("SELECT id FROM publications")) == 4


def test_an_unexpected_error_is_a_plain_page_logged_once(served, monkeypatch, caplog) -> None:
    client, site = served

    def broken(self):
        raise OSError("disk on fire")

    monkeypatch.setattr(Site, "latest", broken)
    with caplog.at_level("ERROR", logger="rotations.serve"):
        response = client.get(f"/feeds/{token(site, 'ana')}.ics")
    assert response.status_code == 500 and "it is logged" in response.text
    assert "Traceback" not in response.text and "disk on fire" not in response.text
    assert [r.getMessage() for r in caplog.records] == [
        f"GET /feeds/{token(site, 'ana')}.ics failed"
    ]


def test_a_second_copy_of_a_program_is_refused_and_a_moved_one_is_followed(tmp_path) -> None:
    """The state was keyed by the program id alone: a copy of the program (a test copy, a
    restored backup) served the first one's publications, and a moved folder 500'd for good."""
    first = make_program(tmp_path / "first")
    state = tmp_path / "state"
    load_state(state, "tiny").save()
    store = Store(state / "serve.sqlite3")
    assert store.claim(first.parent) is None
    store.add_publication(str(first.parent / "publications" / "0001"), "full solve", [], b"")
    copy = tmp_path / "copy"
    shutil.copytree(first.parent, copy)
    result = CliRunner().invoke(cli, ["serve", str(copy), "--state", str(state)])
    assert result.exit_code == 1
    assert f"this state already serves the program in {first.parent}" in result.output
    assert "--state DIR" in result.output
    moved = tmp_path / "moved"
    first.parent.rename(moved)
    assert store.claim(moved) is None  # the folder is gone from where it was: it moved here
    assert store.latest_publication()["folder"] == str(moved / "publications" / "0001")
    assert store.claim(moved) is None and store.claim(copy) is not None


def test_a_faculty_members_days_away_are_approved_into_their_away_list(served) -> None:
    """lee asks from their page for days away; the coordinator sees the preview (the panels
    that move to shah) and approves; the program file gains just that entry in lee's `away:`,
    the next publication seats shah on those Thursdays and lee's page lists the days."""
    client, site = served
    page = client.get(f"/p/{token(site, 'lee')}").text
    assert 'id="away-form"' in page and 'id="leave-form"' not in page
    before = site.program.file.read_text()
    thursday = next(
        r.date
        for r in site.publication().roles
        if r.person == "lee" and r.date >= dt.date(2027, 7, 19)
    )
    form = {"csrf": csrf(page), "start": str(thursday), "end": str(thursday), "note": "course"}
    sent = client.post(f"/p/{token(site, 'lee')}/requests", data=form, follow_redirects=False)
    assert sent.status_code == 303
    assert site.store.row("SELECT role, kind FROM requests WHERE id = 1")[:] == (
        "faculty",
        "approved",
    )
    # their requests table: the dates and the state, no kind (days away have none to choose)
    table = re.search(
        r'<table class="list" id="requests">.*?</table>',
        client.get(f"/p/{token(site, 'lee')}").text,
        re.S,
    )[0]
    assert "<th>kind</th>" not in table and f"{thursday} to {thursday}" in table
    assert '<td class="status">pending</td>' in table
    key = sign_in(client, site)
    client.post("/coordinator/requests/1/preview", data={"csrf": key})
    settle(site)
    card = client.get("/coordinator").text
    assert "It can be granted" in card and "(faculty, days away)" in card
    assert re.search(r"the wishes not met cost \d+ before, \d+ after", card)
    client.post("/coordinator/requests/1/approve", data={"csrf": key})
    settle(site)
    after = yaml.safe_load(site.program.file.read_text())
    wanted = yaml.safe_load(before)
    for member in wanted["faculty"]:
        if member["id"] == "lee":
            member["away"] = [{"start": thursday, "end": thursday}]
    assert after == wanted  # that entry, nothing else
    seated = [r.person for r in site.publication().roles if r.date == thursday]
    assert "lee" not in seated and "shah" in seated
    assert f"<li>{thursday} to {thursday}</li>" in client.get(f"/p/{token(site, 'lee')}").text
