"""Call duties fellows swap on their pages: one offers a duty, another takes it; the swap is
checked against every hard rule of the program (the checker, no solver: the rest of the
schedule stays as published) and applied by a job that publishes it, after the coordinator's
approval where the program asks for it (`swaps: {approval: true}`). Calendars update in place:
the duty's event moves from one fellow's feed to the other's, cancelled in the first."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rotations.check import check
from rotations.problem import Problem
from rotations.published import Publication
from rotations.schedule import OnCall, Schedule
from rotations.serve.pages import HEADERS, coordinator_only, person_form, refused


@dataclass(frozen=True)
class Swapped:
    """The published schedule with one duty given to another fellow, and the hard rules it
    would break that the published one keeps (none: it may be applied)."""

    schedule: Schedule
    broken: list[str]


def published_schedule(problem: Problem, published: Publication) -> Schedule:
    """The schedule a publication holds, with the leave requests it granted (by fellow and
    dates, as the program's leave entries now stand)."""
    granted = {(r.fellow, r.start, r.end) for r in published.leave_requests if r.granted}
    leave = tuple(
        e
        for e, entry in enumerate(problem.config.leave)
        if entry.requested and (entry.fellow, entry.start, entry.end) in granted
    )
    return replace(published.schedule(), granted_leave=leave)


def swapped(problem: Problem, before: Schedule, call: str, date: str, giver: str, taker: str):
    """`before` with the duty of `call` on `date` given from `giver` to `taker`, checked."""
    duty = OnCall(date, call, giver)
    if duty not in before.calls:
        return Swapped(before, [f"{giver} is not on {call} {date} any more"])
    if OnCall(date, call, taker) in before.calls:
        return Swapped(before, [f"{taker} is already on {call} {date}"])
    calls = sorted([x for x in before.calls if x != duty] + [OnCall(date, call, taker)])
    after = replace(before, calls=calls)
    old = {(v.key, v.message) for v in check(problem, before) if v.hard}
    broken = [str(v) for v in check(problem, after) if v.hard and (v.key, v.message) not in old]
    return Swapped(after, broken)


async def offer(request: Request) -> Response:
    """A fellow offers one of their coming duties."""
    posted = await person_form(request)
    if isinstance(posted, Response):
        return posted
    site, token, person, form = posted
    published = site.publication()
    call, date = str(form.get("call", "")), str(form.get("date", ""))
    if published is None or not any(
        x.fellow == person.id and x.call == call and x.date.isoformat() == date
        for x in published.calls
    ):
        return refused(400, "That is not one of your duties.")
    if date < site.program.today().isoformat():
        return refused(400, "That duty is past.")
    if site.store.row(
        "SELECT 1 FROM swaps WHERE call = ? AND date = ? AND offered_by = ? AND status = 'offered'",
        call,
        date,
        person.id,
    ):
        return refused(400, "You offer that duty already.")
    number = site.store.offer_swap(call, date, person.id)
    site.store.log(person.id, f"offered {call} {date} for a swap ({number})")
    return RedirectResponse(f"/p/{token}?swap={number}", status_code=303, headers=HEADERS)


async def answer(request: Request) -> Response:
    """Another fellow takes an offered duty (checked against every hard rule at once), or the
    fellow who offered it withdraws it."""
    posted = await person_form(request)
    if isinstance(posted, Response):
        return posted
    site, token, person, _ = posted
    row = site.store.row("SELECT * FROM swaps WHERE id = ?", request.path_params["id"])
    if row is None or row["status"] != "offered":
        return refused(404, "No such offer.")
    action = request.path_params["action"]
    if action == "withdraw" and row["offered_by"] == person.id:
        site.store.set_swap(row["id"], "withdrawn")
        site.store.log(person.id, f"withdrew swap {row['id']}")
        return RedirectResponse(f"/p/{token}", status_code=303, headers=HEADERS)
    if action != "take" or row["offered_by"] == person.id:
        return refused(404, "No such action.")
    problem = site.problem()
    published = site.publication()
    if published is None:
        return refused(503, "Nothing is published yet.")
    before = published_schedule(problem, published)
    result = swapped(problem, before, row["call"], row["date"], row["offered_by"], person.id)
    if result.broken:
        why = "; ".join(result.broken)
        return refused(409, f"You cannot take it: it would break {why}.")
    if problem.config.swaps.approval:
        site.store.set_swap(row["id"], "waiting", "waits for the coordinator", person.id)
        site.store.log(person.id, f"took swap {row['id']}: waits for the coordinator")
    else:
        site.store.set_swap(row["id"], "queued", "", person.id)
        site.store.queue("swap", swap=row["id"])
        site.store.log(person.id, f"took swap {row['id']}: queued")
        site.worker.wake.set()
    return RedirectResponse(f"/p/{token}?took={row['id']}", status_code=303, headers=HEADERS)


@coordinator_only
async def decide(request: Request, site, session: dict) -> Response:
    """The coordinator approves a swap both fellows agreed on (a job applies it) or denies it."""
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), session["csrf"]):
        return refused(403, "The form has expired: reload the page and send it again.")
    row = site.store.row("SELECT * FROM swaps WHERE id = ?", request.path_params["id"])
    if row is None or row["status"] != "waiting":
        return refused(404, "No such swap waiting.")
    if request.path_params["action"] == "approve":
        site.store.set_swap(row["id"], "queued", "approved")
        site.store.queue("swap", swap=row["id"])
        site.store.log("coordinator", f"approved swap {row['id']}")
        site.worker.wake.set()
    elif request.path_params["action"] == "deny":
        message = str(form.get("message", ""))[:1000]
        site.store.set_swap(row["id"], "denied", message)
        site.store.log("coordinator", f"denied swap {row['id']}: {message}")
    else:
        return refused(404, "No such action.")
    return RedirectResponse("/coordinator", status_code=303, headers=HEADERS)
