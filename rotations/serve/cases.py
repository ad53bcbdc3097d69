"""The cases of the case conference on the web: a fellow or faculty member submits one from
their private page (checked as a row of the cases file is, patient identity refused at its
field); the coordinator sees the coming sessions' agendas, the cases not placed and why, and
records each case's outcome after its session (kept in the state, never in a feed), perhaps
asking for it to be presented again in some weeks (a follow-up case)."""

from __future__ import annotations

import datetime as dt
import hmac

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rotations.config.cases import Written, check_cases, validate_case
from rotations.problem import Problem
from rotations.serve.casefile import cases_file
from rotations.serve.pages import HEADERS, coordinator_only, page, refused

FIELDS = (
    "case",
    "type",
    "submitted",
    "due",
    "needs",
    "presenter",
    "minutes",
    "priority",
    "summary",
)
FOLLOW_UP_DAYS = 27  # a follow-up case may be discussed for four weeks from its date


def form_context(site, person, problem: Problem) -> dict:
    """What the person's page shows of cases: whether it takes them, the form's choices, and
    the cases they present (with their summaries) or submitted (without)."""
    if cases_file(site.program.file, problem.config) is None or not problem.conferences:
        return {"takes_cases": False}
    published = site.publication()
    placed = {s.case: s for s in published.agenda} if published is not None else {}
    mine = [
        (case.ref, case.due, placed.get(case.ref), case.summary)
        for case in problem.cases
        if case.presenter_id == person.id
    ]
    submitted = site.store.rows(
        "SELECT * FROM cases WHERE submitted_by = ? ORDER BY id DESC LIMIT 20", person.id
    )
    return {
        "takes_cases": True,
        "case_types": problem.config.case_types,
        "disciplines": sorted({p.discipline for p in problem.faculty if p.discipline}),
        "fellows": [(f.id, f.name) for f in problem.fellows],
        "my_cases": mine,
        "submitted": submitted,
    }


def _problems(problem: Problem, fields: dict[str, str], queued: list[str]) -> list[str]:
    """What is wrong with a submitted case, in the form's words (empty: nothing)."""
    case, errors = validate_case(fields)
    if case is None:
        return [f"{name}: {message}" for name, message in errors]
    if case.case in queued:
        return [f"case: '{case.case}' was submitted already"]
    written = [*problem.config._cases, Written(case, None)]
    return [p.message for p in check_cases(problem.config, written)]


async def submit_case(request: Request) -> Response:
    """A case from a private page: checked, then queued to be written into the cases file and
    published (the page says so); a case the form refuses is shown again with why."""
    site = request.app.state.site
    token = request.path_params["token"]
    person = site.person(token)
    if person is None:
        return refused(404, "No such page.")
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), site.person_csrf(token)):
        return refused(403, "The form has expired: reload the page and send it again.")
    problem = site.problem()
    if cases_file(site.program.file, problem.config) is None or not problem.conferences:
        return refused(404, "This program takes no cases here.")
    fields = {name: str(form.get(name, "")).strip()[:500] for name in FIELDS}
    fields["needs"] = ";".join(str(n) for n in form.getlist("needs"))
    fields["submitted"] = fields["submitted"] or site.program.today().isoformat()
    if person.role == "fellow" and not fields["presenter"]:
        fields["presenter"] = person.id
    # submitted, and not refused: queued, or added but perhaps not yet in the program read here
    taken = "SELECT ref FROM cases WHERE status != 'refused'"
    queued = [r["ref"] for r in site.store.rows(taken)]
    wrong = _problems(problem, fields, queued)
    if wrong:
        return page(
            request,
            "case.html",
            {"person": person, "token": token, "problems": wrong, "fields": fields},
            status=400,
        )
    number = site.store.add_case(fields["case"], fields, person.id)
    site.store.log(person.id, f"submitted case {fields['case']} (submission {number})")
    site.worker.wake.set()
    return RedirectResponse(f"/p/{token}?case={number}", status_code=303, headers=HEADERS)


@coordinator_only
async def agenda_page(request: Request, site, session: dict) -> Response:
    """The coming sessions' agendas with the cases' summaries, the cases not on any agenda and
    why, and the past sessions' cases with their outcomes (or a form to record one)."""
    problem = site.problem()
    published = site.publication()
    today = site.program.today().isoformat()
    cases = {case.ref: case for case in problem.cases}
    slots = (
        sorted(published.agenda, key=lambda s: (s.date, s.conference, s.order)) if published else []
    )
    coming = [(s, cases.get(s.case)) for s in slots if s.date.isoformat() >= today]
    past = [(s, cases.get(s.case)) for s in slots if s.date.isoformat() < today]
    missed = [v for v in published.violations if v.type == "case"] if published else []
    return page(
        request,
        "agenda.html",
        {
            "csrf": session["csrf"],
            "coming": coming,
            "past": past,
            "missed": missed,
            "outcomes": site.store.outcomes(),
            "submissions": site.store.rows("SELECT * FROM cases ORDER BY id DESC LIMIT 30"),
        },
    )


@coordinator_only
async def record_outcome(request: Request, site, session: dict) -> Response:
    """The outcome of a case discussed, kept in the state; with `follow_up` weeks, a follow-up
    case (the same needs and presenter) submitted for that many weeks after its session."""
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), session["csrf"]):
        return refused(403, "The form has expired: reload the page and send it again.")
    ref = request.path_params["ref"]
    published = site.publication()
    slot = next((s for s in published.agenda if s.case == ref), None) if published else None
    problem = site.problem()
    case = next((c for c in problem.cases if c.ref == ref), None)
    if slot is None or case is None:
        return refused(404, "No such case on an agenda.")
    outcome = str(form.get("outcome", "")).strip()[:1000]
    weeks_text = str(form.get("follow_up", "")).strip()
    weeks = int(weeks_text) if weeks_text.isdigit() and 0 < int(weeks_text) <= 52 else None
    if not outcome or (weeks_text and weeks is None):
        return refused(400, "Write the outcome; a follow-up is a number of weeks, 1 to 52.")
    site.store.set_outcome(ref, outcome, weeks)
    site.store.log("coordinator", f"recorded the outcome of case {ref}")
    if weeks is not None:
        again = slot.date + dt.timedelta(weeks=weeks)
        taken = {c.ref for c in problem.cases} | {
            r["ref"] for r in site.store.rows("SELECT ref FROM cases")
        }
        n = 1
        while f"{ref}-F{n}" in taken:
            n += 1
        fields = {
            "case": f"{ref}-F{n}",
            "type": case.type or "",
            "submitted": again.isoformat(),
            "due": (again + dt.timedelta(days=FOLLOW_UP_DAYS)).isoformat(),
            "needs": ";".join(case.needs),
            "presenter": case.presenter_id or "",
            "minutes": str(case.minutes),
            "priority": str(case.priority),
            "summary": case.summary or "",
        }
        site.store.add_case(fields["case"], fields, "coordinator")
        site.store.log("coordinator", f"asked for case {ref} again in {weeks} week(s)")
        site.worker.wake.set()
    return RedirectResponse("/coordinator/agenda", status_code=303, headers=HEADERS)
