"""The private page of a fellow or a faculty member (reached by the token of their calendar
feed): this month as a calendar, their year in the report's grid (the whole program on
demand), what comes up, the subscribe link, their requests for leave or days away, call swaps
and cases; and the form that asks for leave or days away."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rotations.calendar import describe_ranges
from rotations.serve.cases import form_context
from rotations.serve.month import month_shown, person_month
from rotations.serve.pages import HEADERS, page, person_form, refused

COMING = 20  # duties listed under "Coming up"


async def person_page(request: Request) -> Response:
    site = request.app.state.site
    token = request.path_params["token"]
    person = site.person(token)
    if person is None:
        return refused(404, "No such page.")
    latest = site.latest()
    published = latest.publication if latest is not None else None
    today = site.program.today()
    problem = site.problem()
    fellow = person.role == "fellow"
    context = {
        "person": person,
        "program": published.program.name if published else problem.program.name,
        "unpublished": published is None,
        "token": token,
        "csrf": site.person_csrf(token),
        "sent": request.query_params.get("sent"),
        "case_sent": request.query_params.get("case"),
        "took": request.query_params.get("took"),
        "requests": site.store.rows(
            "SELECT * FROM requests WHERE fellow = ? AND role = ? ORDER BY id DESC",
            person.id,
            person.role,
        ),
        "away": [
            away
            for member in problem.faculty
            if member.id == person.id
            for away in member.away
            if away.end >= today
        ],
    }
    feed = str(request.url_for("feed", token=token))
    context |= {"feed": feed, "webcal": "webcal://" + feed.split("://", 1)[1]}
    context |= form_context(site, person, problem)
    if published is not None:
        shown_problem, _, colors = site.shown(latest)
        first = month_shown(request.query_params.get("month"), today, site.year)
        whole = request.query_params.get("grid") == "all"
        context |= {
            "month": person_month(
                published, shown_problem, person.id, person.role, first, colors, today
            ),
            "whole": whole,
            "grid": site.grid(person.id, None if whole else [person.id]) if fellow else "",
            "year": _blocks(published, person.id) if fellow else [],
            "duties": _coming(published, person.id, today)[:COMING],
            "mentoring": _mentoring(published, person.id),
        }
    if fellow:
        context |= _calls(site, published, person.id, today)
    return page(request, "person.html", context)


def _blocks(published, fellow: str) -> list[tuple]:
    """Each block of the fellow's year: number, dates, rotation and their leave in it."""
    names = published.rotations
    leave = published.leave_of(fellow)
    return [
        (
            b.number,
            b.start,
            b.end,
            names.get(rid, "") if rid else "",
            describe_ranges(
                (max(p.start, b.start), min(p.end, b.end))
                for p in leave
                if p.start <= b.end and b.start <= p.end
            ),
        )
        for b, rid in zip(published.blocks, published.assignments.get(fellow, []), strict=False)
    ]


def _coming(published, person: str, today: dt.date) -> list[tuple[str, str]]:
    """The person's conference roles and seminars from today, in date order."""
    conferences = {c.id: c.name for c in published.conferences}
    duties = [
        (r.date.isoformat(), f"{conferences.get(r.conference, r.conference)}: {r.role}")
        for r in published.roles
        if r.person == person and r.date >= today
    ]
    duties += [
        (x.date.isoformat(), f"{x.series}: {x.topic}{' (you teach)' * (x.teacher == person)}")
        for x in published.lessons
        if x.date >= today and x.involves(person)
    ]
    return sorted(duties)


def _mentoring(published, person: str) -> list[str]:
    """A fellow's mentor, or a faculty member's mentees."""
    mentors = published.mentors
    if person in mentors:
        return [mentors[person]]
    return [f for f, m in mentors.items() if m == person]


def _calls(site, published, fellow: str, today: dt.date) -> dict:
    """The fellow's coming call duties, the duties others offer and the fellow's swaps."""
    calls = {c.id: c.name for c in site.problem().config.call}
    mine = [
        (x.call, x.date.isoformat(), calls.get(x.call, x.call))
        for x in (published.calls if published is not None else [])
        if x.fellow == fellow and x.date >= today
    ]
    offers = site.store.rows("SELECT * FROM swaps WHERE status = 'offered' ORDER BY date, id")
    return {
        "calls": calls,
        "my_calls": mine,
        "offers": [o for o in offers if o["offered_by"] != fellow],
        "offered": {(o["call"], o["date"]) for o in offers if o["offered_by"] == fellow},
        "swaps": site.store.rows(
            "SELECT * FROM swaps WHERE offered_by = ? OR taken_by = ? ORDER BY id DESC",
            fellow,
            fellow,
        ),
    }


async def new_request(request: Request) -> Response:
    """A fellow asks for leave, or a faculty member for days away (always hard: a panel is
    planned around them once approved)."""
    posted = await person_form(request, roles=("fellow", "faculty"))
    if isinstance(posted, Response):
        return posted
    site, token, person, form = posted
    try:
        start = dt.date.fromisoformat(str(form.get("start", "")))
        end = dt.date.fromisoformat(str(form.get("end", "")))
    except ValueError:
        return refused(400, "Give the first and last day as dates.")
    kind = str(form.get("kind", "requested")) if person.role == "fellow" else "approved"
    if end < start or kind not in ("approved", "requested"):
        return refused(400, "The last day is before the first, or the kind is unknown.")
    first, last = site.year
    if end < first or start > last:
        return refused(400, f"Those dates lie outside the program's year ({first} to {last}).")
    note = str(form.get("note", ""))[:1000]
    number = site.store.add_request(
        person.id, start.isoformat(), end.isoformat(), kind, note, person.role
    )
    what = "leave" if person.role == "fellow" else "days away"
    site.store.log(person.id, f"asked for {what} {start}..{end} ({kind}), request {number}")
    return RedirectResponse(f"/p/{token}?sent={number}", status_code=303, headers=HEADERS)
