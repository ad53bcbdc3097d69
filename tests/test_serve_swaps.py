"""Swaps of call duties on the fellows' pages: one offers, another takes it; a swap that would
break a hard rule is refused with the rule; one that holds is published, the duty moving from
one fellow's feed (cancelled there, SEQUENCE up) to the other's, with no duplicate; where the
program asks for it, the coordinator approves first."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest

from tests.conftest import program, write_yaml
from tests.test_serve import csrf, serving, settle, sign_in, token


def make_program(folder: Path, approval: bool = False) -> Path:
    """Three fellows, home call Monday and Wednesday on `a` or `b`; cy is on `c` (not
    eligible) in weeks 3 and 4; nobody on two duties within two days."""
    config = program(
        call=[
            {
                "id": "home",
                "name": "Home call",
                "days": ["mon", "wed"],
                "hours": 14,
                "eligible_on": ["a", "b"],
                "min_days_between": 3,
            }
        ],
        rules=[{"type": "pin", "fellow": "cy", "rotation": "c", "blocks": [3, 4]}],
        swaps={"approval": approval},
    )
    folder.mkdir()
    return write_yaml(folder, config)


@pytest.fixture
def served(tmp_path):
    yield from serving(tmp_path, make_program(tmp_path / "program"))


def duties(site, fellow: str) -> list[str]:
    published = site.publication()
    return sorted(x.date.isoformat() for x in published.calls if x.fellow == fellow)


def offer(client, site, fellow: str, date: str):
    page = client.get(f"/p/{token(site, fellow)}").text
    form = {"csrf": csrf(page), "call": "home", "date": date}
    return client.post(f"/p/{token(site, fellow)}/swaps", data=form, follow_redirects=False)


def take(client, site, fellow: str, number: int):
    page = client.get(f"/p/{token(site, fellow)}").text
    url = f"/p/{token(site, fellow)}/swaps/{number}/take"
    return client.post(url, data={"csrf": csrf(page)}, follow_redirects=False)


def events(client, site, fellow: str) -> list:
    feed = client.get(f"/feeds/{token(site, fellow)}.ics").content
    return [e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")]


def later(site, fellow: str) -> str:
    """A duty of `fellow` from 2027-07-12 (the served program's today) on."""
    return next(d for d in duties(site, fellow) if d >= "2027-07-12")


def free(site, fellow: str, date: str) -> bool:
    """Whether `fellow` may take the duty of `date`: on `a` or `b` that week, no duty of their
    own within two days of it."""
    published = site.publication()
    block = next(
        b.number for b in published.blocks if b.start.isoformat() <= date <= b.end.isoformat()
    )
    day = dt.date.fromisoformat(date)
    near = [d for d in duties(site, fellow) if abs((dt.date.fromisoformat(d) - day).days) < 3]
    return published.assignments[fellow][block - 1] in ("a", "b") and not near


def swappable(site) -> tuple[str, str, str]:
    """A coming duty (giver, date) and a fellow free to take it."""
    return next(
        (g, d, t)
        for g in ("ana", "ben", "cy")
        for d in duties(site, g)
        if d >= "2027-07-12"
        for t in ("ana", "ben", "cy")
        if t != g and free(site, t, d)
    )


def test_a_swap_moves_the_duty_between_the_two_feeds(served) -> None:
    client, site = served
    giver, date, taker = swappable(site)
    page = client.get(f"/p/{token(site, giver)}").text
    assert "Offer for a swap" in page and date in page
    assert offer(client, site, giver, date).status_code == 303
    assert "Take it" in client.get(f"/p/{token(site, taker)}").text
    before = {str(e["uid"]): int(e["sequence"]) for e in events(client, site, giver)}
    answer = take(client, site, taker, 1)
    assert answer.status_code == 303, answer.text
    settle(site)
    assert date not in duties(site, giver) and date in duties(site, taker)
    gone = [e for e in events(client, site, giver) if str(e["summary"]).endswith("Home call")]
    cancelled = [e for e in gone if e.decoded("dtstart").date().isoformat() == date]
    assert len(cancelled) == 1 and str(cancelled[0]["status"]) == "CANCELLED"
    assert str(cancelled[0]["summary"]) == "Cancelled: Home call"
    assert int(cancelled[0]["sequence"]) == before[str(cancelled[0]["uid"])] + 1
    theirs = [
        e
        for e in events(client, site, taker)
        if str(e["summary"]) == "Home call" and e.decoded("dtstart").date().isoformat() == date
    ]
    assert len(theirs) == 1 and str(theirs[0]["status"]) == "CONFIRMED"
    assert re.search(
        r'<td class="status">applied</td>', client.get(f"/p/{token(site, taker)}").text
    )
    changes = site.store.rows("SELECT changes FROM publications ORDER BY id DESC")[0]["changes"]
    assert '"kind": "call"' in changes


def test_a_swap_that_breaks_a_hard_rule_is_refused_with_the_rule(served) -> None:
    client, site = served
    # cy is on `c` in weeks 3 and 4 (19 July to 1 August): not eligible for home call there.
    giver = next(
        f for f in ("ana", "ben") if any("2027-07-19" <= d <= "2027-07-31" for d in duties(site, f))
    )
    date = next(d for d in duties(site, giver) if "2027-07-19" <= d <= "2027-07-31")
    assert offer(client, site, giver, date).status_code == 303
    answer = take(client, site, "cy", 1)
    assert answer.status_code == 409
    assert f"call[0].eligible_on: cy is on Home call {date} while on c" in answer.text
    assert date in duties(site, giver)
    assert len(site.store.rows("SELECT * FROM publications")) == 1


def test_only_ones_own_coming_duty_can_be_offered(served) -> None:
    client, site = served
    other = next(d for d in duties(site, "ben") if d >= "2027-07-12")
    if other in duties(site, "ana"):
        pytest.skip("both on the same night")
    assert offer(client, site, "ana", other).status_code == 400
    past = [d for d in duties(site, "ana") if d < "2027-07-12"]
    if past:
        assert offer(client, site, "ana", past[0]).status_code == 400
    page = client.get(f"/p/{token(site, 'ana')}").text
    form = {"csrf": "forged", "call": "home", "date": later(site, "ana")}
    url = f"/p/{token(site, 'ana')}/swaps"
    assert client.post(url, data=form, follow_redirects=False).status_code == 403
    assert "Offer for a swap" in page


def test_with_approval_the_coordinator_decides(tmp_path) -> None:
    for client, site in serving(tmp_path, make_program(tmp_path / "program", approval=True)):
        giver, date, taker = swappable(site)
        offer(client, site, giver, date)
        assert take(client, site, taker, 1).status_code == 303
        settle(site)
        assert date in duties(site, giver)  # not yet: waits for the coordinator
        key = sign_in(client, site)
        assert "Swaps waiting for approval (1)" in client.get("/coordinator").text
        client.post("/coordinator/swaps/1/approve", data={"csrf": key})
        settle(site)
        assert date not in duties(site, giver)
        assert len(site.store.rows("SELECT * FROM publications")) == 2
