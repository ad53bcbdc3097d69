"""What every page of the web application shares: its headers, templates, the answer to a
request that is not allowed, and the guard of the coordinator's pages."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from rotations.output.html import CSS as REPORT_CSS
from rotations.output.oncall import CSS as CALL_CSS

HEADERS = {
    # Page URLs carry private tokens: never send them on as a referrer; no framing.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The grid's colours are style attributes; the one script is the site's own.
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
STATIC = Path(__file__).parent / "static"
# The one stylesheet: the report's (its grid, palette and month view), then the pages' own.
ASSETS = {
    "site.css": (
        (REPORT_CSS + CALL_CSS + (STATIC / "site.css").read_text(encoding="utf-8")).encode(),
        "text/css; charset=utf-8",
    ),
    "site.js": ((STATIC / "site.js").read_bytes(), "text/javascript; charset=utf-8"),
}


def coordinator_only(handler: Callable) -> Callable:
    """A page of the coordinator's: refused without the signed session; the handler gets the
    site and the session."""

    async def guarded(request: Request) -> Response:
        site = request.app.state.site
        session = site.coordinator(request)
        if session is None:
            return refused(403, "Sign in with the link `rotations serve` printed.")
        return await handler(request, site, session)

    return guarded


async def person_form(request: Request, roles: tuple[str, ...] = ("fellow",)):
    """The site, the page's token, the person and the form they posted; or the refusal (no
    such person of one of `roles`, or a form without the page's CSRF token)."""
    site = request.app.state.site
    token = request.path_params["token"]
    person = site.person(token)
    if person is None or person.role not in roles:
        return refused(404, "No such page.")
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), site.person_csrf(token)):
        return refused(403, "The form has expired: reload the page and send it again.")
    return site, token, person, form


def page(request: Request, name: str, context: dict, status: int = 200) -> Response:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status, headers=HEADERS)


def refused(status: int = 403, why: str = "Not allowed.") -> Response:
    return HTMLResponse(f"<!DOCTYPE html><p>{why}</p>", status_code=status, headers=HEADERS)


async def asset(request: Request) -> Response:
    """The stylesheet or the script, cached for an hour (they change only with the package)."""
    found = ASSETS.get(request.path_params["name"])
    if found is None:
        return refused(404, "No such file.")
    body, media = found
    headers = HEADERS | {"Cache-Control": "public, max-age=3600"}
    return Response(body, media_type=media, headers=headers)
