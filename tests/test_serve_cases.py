"""Cases on the web: a fellow submits one from their private page, it is written into the
program's cases file and published; the coordinator sees the agendas with summaries and records
an outcome, whose follow-up becomes a case of its own; summaries reach nobody else."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import FACULTY, conference, program, write_yaml
from tests.test_serve import csrf, serving, settle, sign_in, token

CASES = """\
case,type,submitted,due,needs,presenter,minutes,priority,summary
C-1,implant,2027-07-05,2027-07-09,,ben,,2,SCS trial candidate
"""
SECRET = "Failed back surgery after two fusions"


def make_program(folder: Path) -> Path:
    folder.mkdir()
    (folder / "cases.csv").write_text(CASES)
    config = program(
        faculty=[*FACULTY, {"id": "ada", "name": "Ada Obi", "discipline": "psychiatry"}],
        conferences=[conference(case_minutes=40)],
        case_types={
            "implant": {"name": "Implant candidate", "needs": ["neurology"], "minutes": 20}
        },
        cases=["cases.csv"],
    )
    return write_yaml(folder, config)


@pytest.fixture
def served(tmp_path):
    yield from serving(tmp_path, make_program(tmp_path / "program"))


def submit(client, site, who: str, **fields):
    page = client.get(f"/p/{token(site, who)}").text
    form = {"csrf": csrf(page), "type": "implant", "priority": "1", **fields}
    return client.post(f"/p/{token(site, who)}/cases", data=form, follow_redirects=False)


def test_a_case_submitted_from_a_page_is_added_published_and_private(served) -> None:
    client, site = served
    sent = submit(
        client, site, "ana", case="C-2", due="2027-08-13", summary=SECRET, needs="psychiatry"
    )
    assert sent.status_code == 303
    settle(site)
    rows = list(csv.DictReader((site.program.file.parent / "cases.csv").open()))
    assert [(r["case"], r["presenter"], r["needs"], r["submitted"]) for r in rows[1:]] == [
        ("C-2", "ana", "psychiatry", "2027-07-12")
    ]
    latest = site.latest()
    assert [s.presenter for s in latest.publication.agenda if s.case == "C-2"] == ["ana"]
    assert SECRET in client.get(f"/p/{token(site, 'ana')}").text  # her case: she sees it
    assert SECRET not in client.get(f"/p/{token(site, 'ben')}").text
    assert SECRET not in client.get(f"/feeds/{token(site, 'ana')}.ics").text
    assert "C-2" in client.get(f"/feeds/{token(site, 'ana')}.ics").text
    assert SECRET not in (latest.folder / "report.html").read_text()


def test_a_case_that_looks_like_patient_identity_is_refused_by_the_form(served) -> None:
    client, site = served
    before = (site.program.file.parent / "cases.csv").read_bytes()
    sent = submit(client, site, "ana", case="C-3", due="2027-08-13", summary="MRN 88812345")
    assert sent.status_code == 400 and "patient identity" in sent.text
    again = submit(client, site, "ana", case="C-1", due="2027-08-13")
    assert again.status_code == 400 and "a second case" in again.text
    assert site.store.rows("SELECT * FROM cases") == []
    assert (site.program.file.parent / "cases.csv").read_bytes() == before


def test_the_coordinator_records_an_outcome_and_a_follow_up(served) -> None:
    client, site = served
    form = sign_in(client, site)
    agenda = client.get("/coordinator/agenda").text
    assert "C-1" in agenda and "SCS trial candidate" in agenda  # the coordinator sees summaries
    done = client.post(
        "/coordinator/cases/C-1/outcome",
        data={"csrf": form, "outcome": "trial approved", "follow_up": "2"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    settle(site)
    assert site.store.outcomes()["C-1"]["outcome"] == "trial approved"
    rows = list(csv.DictReader((site.program.file.parent / "cases.csv").open()))
    follow = rows[-1]
    assert (follow["case"], follow["presenter"], follow["submitted"]) == (
        "C-1-F1",
        "ben",
        "2027-07-22",
    )
    agenda = client.get("/coordinator/agenda").text
    assert "trial approved" in agenda and "C-1-F1" in agenda
    slot = next(s for s in site.latest().publication.agenda if s.case == "C-1-F1")
    assert slot.date >= dt.date(2027, 7, 22)
    assert "trial approved" not in client.get(f"/feeds/{token(site, 'ben')}.ics").text
