"""The web application: a private page per fellow and faculty member (reached by the token of
their calendar feed), the coordinator's pages (signed in by a one-time link), the feeds and the
report. Plain HTML forms; every form carries a CSRF token; every page checks who may see it."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from rotations.config import ConfigError
from rotations.config.load import source_of
from rotations.output.html import year_grid
from rotations.output.palette import rotation_colors
from rotations.problem import Problem
from rotations.publish.site import Feed, feeds
from rotations.publish.state import State
from rotations.published import Publication, Unreadable, read_publication
from rotations.schedule import Schedule
from rotations.serve import swaps
from rotations.serve.cases import agenda_page, record_outcome, submit_case
from rotations.serve.pages import HEADERS, asset, coordinator_only, page, refused
from rotations.serve.person import new_request, person_page
from rotations.serve.store import PUBLICATION, Store
from rotations.serve.worker import Program, Worker

SESSION = "rotations_session"
SESSION_DAYS = 14
# How long a stopping server waits for the worker: its search stops at once, but building a
# large program's model or writing its files is not interrupted (docker stop waits 10 s).
STOP_SECONDS = 8
# What a feed asked for before the first publication tells the calendar client to wait.
RETRY_SECONDS = 60
LOG = logging.getLogger("rotations.serve")


@dataclass(frozen=True)
class Person:
    id: str
    role: str  # fellow | faculty
    name: str


@dataclass
class Latest:
    """The latest publication and what the pages look up in it, derived once per publication:
    each person and each feed by their token (the feeds as `rotations publish` names them)."""

    id: int
    created: dt.datetime
    folder: Path
    publication: Publication
    people: dict[str, Person]  # token -> fellow or faculty member
    feeds: dict[str, Feed]  # "<token>.ics" -> calendar
    shown: tuple | None = None  # Site.shown's (problem, schedule, colours), once asked for


def _stamp(path: Path) -> tuple[int, int] | None:
    """When and how big a file is (None: gone): a damaged publication's schedule.json is
    tried again, and the program loaded again, only once a file changes."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _stamps(problem: Problem) -> tuple:
    """The stamps of every file the program was read from."""
    return tuple((path, _stamp(path)) for path in source_of(problem.config).files)


class Site:
    """What the pages share: the program, its private state (the secret that feed tokens and
    session keys derive from), the database and the worker."""

    def __init__(self, program: Program, state: State, store: Store) -> None:
        self.program, self.state, self.store = program, state, store
        self.worker = Worker(store, program)
        key = hmac.new(bytes.fromhex(state.secret), b"serve", hashlib.sha256).digest()
        self.key = key
        self.sessions = URLSafeTimedSerializer(key.hex(), salt="coordinator")
        self._latest: Latest | None = None
        self.damaged: dict[int, str] = {}  # publication id -> why it cannot be read
        self._seen: dict[int, tuple[int, int] | None] = {}  # its schedule.json then: not re-read
        self.republishing: set[int] = set()  # damaged publications a republish was queued for
        problem = program.load()
        self._program = (_stamps(problem), problem)  # the program and its files' stamps
        self.year = (problem.blocks[0].start, problem.blocks[-1].end)
        self.unpublished = self._by_token(  # the people before anything is published
            [Person(f.id, "fellow", f.name) for f in problem.fellows]
            + [Person(p.id, "faculty", p.name) for p in problem.faculty]
        )

    def problem(self) -> Problem:
        """The program as its files stand, loaded again only when one of them changed (a stat
        of each per call); a file edited into an error leaves the last good program (the
        worker's jobs say what is wrong with it)."""
        stamps, problem = self._program
        if any(_stamp(path) != stamp for path, stamp in stamps):
            with contextlib.suppress(ConfigError):
                problem = self.program.load()
                stamps = _stamps(problem)
            self._program = (stamps, problem)
        return problem

    def _by_token(self, people: list[Person]) -> dict[str, Person]:
        return {self.state.token(p.id): p for p in people}

    def latest(self) -> Latest | None:
        """The latest publication that can be read (read once per publication). One that is
        missing or damaged is passed over for the one before, and said so on the coordinator's
        page, and the program is published again (once per damaged publication)."""
        rows = self.store.rows(f"SELECT {PUBLICATION} FROM publications ORDER BY id DESC")
        found = None
        for row in rows:
            cached = self._latest
            if cached is not None and cached.id == row["id"]:
                if (cached.folder / "schedule.json").is_file():  # still there (a stat a request)
                    found = cached
                    break
                self._latest = None
            if row["id"] in self.damaged and self._seen[row["id"]] == _stamp(
                Path(row["folder"]) / "schedule.json"
            ):
                continue  # damaged, and not replaced since
            try:
                found = self._read(row)
                break
            except Unreadable as exc:
                self._damage(row["id"], row["folder"], str(exc))
        if rows and (found is None or found.id != rows[0]["id"]):
            self._republish(rows[0]["id"])
        return found

    def _republish(self, newest: int) -> None:
        """Queue publishing the program again, once for `newest`, which cannot be read: what
        it held (leave approved since the publication served now) is back in the feeds."""
        if newest in self.republishing:
            return
        self.republishing.add(newest)
        self.store.queue("republish")
        self.store.log("server", f"publication {newest} cannot be read: it is published again")
        self.worker.wake.set()

    def _read(self, row) -> Latest:
        """The publication of `row`, or Unreadable."""
        folder = Path(row["folder"])
        published = read_publication(folder / "schedule.json")
        people = [Person(f.id, "fellow", f.name) for f in published.fellows]
        people += [Person(p.id, "faculty", p.name) for p in published.faculty or []]
        created = dt.datetime.strptime(row["created"], "%Y-%m-%d %H:%M:%S")
        listed = {f.file: f for f in feeds(published, folder, self.state) if f.role != "report"}
        missing = [
            name
            for name in ["report.html", *(f.source for f in listed.values())]
            if not (folder / name).is_file()
        ]
        if missing:
            more = f" and {len(missing) - 1} more of its files" if len(missing) > 1 else ""
            raise Unreadable(f"{folder}: {missing[0]}{more} missing")
        self._latest = Latest(
            row["id"],
            created.replace(tzinfo=dt.UTC),
            folder,
            published,
            self._by_token(people),
            listed,
        )
        return self._latest

    def read(self, latest: Latest, name: str) -> bytes | None:
        """The bytes of the file `name` of `latest`, or None after marking it damaged (the
        file has gone since the publication was read): the next latest() passes it over."""
        try:
            return (latest.folder / name).read_bytes()
        except OSError as exc:
            self._damage(latest.id, str(latest.folder), f"{latest.folder / name}: {exc.strerror}")
            self._latest = None
            return None

    def _damage(self, publication: int, folder: str, why: str) -> None:
        """Note the publication as damaged, with its schedule.json as it is now (it is read
        again only once that changes)."""
        self.damaged[publication] = why
        self._seen[publication] = _stamp(Path(folder) / "schedule.json")

    def publication(self) -> Publication | None:
        latest = self.latest()
        return latest.publication if latest is not None else None

    def shown(self, latest: Latest) -> tuple[Problem, Schedule, dict[str, str]]:
        """The program (read once per publication, when a page first asks), the schedule of
        `latest` and the report's colours of its rotations."""
        if latest.shown is None:
            problem = self.program.load()
            latest.shown = (problem, latest.publication.schedule(), rotation_colors(problem))
        return latest.shown

    def grid(self, mine: str | None = None, only: Collection[str] | None = None) -> Markup:
        """The report's year grid of the latest publication (the rows of `only`, if given),
        the row of fellow `mine` marked."""
        latest = self.latest()
        if latest is None:
            return Markup("")
        problem, schedule, colors = self.shown(latest)
        return Markup(year_grid(problem, schedule, colors, mine=mine, only=only))

    def person(self, token: str) -> Person | None:
        latest = self.latest()
        return (latest.people if latest is not None else self.unpublished).get(token)

    def person_csrf(self, token: str) -> str:
        return hmac.new(self.key, f"csrf\x1f{token}".encode(), hashlib.sha256).hexdigest()

    def coordinator(self, request: Request) -> dict | None:
        """The signed session of the coordinator, if the request carries one."""
        cookie = request.cookies.get(SESSION)
        if not cookie:
            return None
        try:
            return self.sessions.loads(cookie, max_age=SESSION_DAYS * 86400)
        except BadSignature:
            return None

    def signin_link(self) -> str:
        """A new one-time sign-in token for the coordinator (older unused ones stop working)."""
        token = secrets.token_urlsafe(32)
        self.store.add_signin(token)
        return token


async def feed(request: Request) -> Response:
    """A calendar feed from the latest publication, with ETag and Last-Modified (a client that
    has it gets 304)."""
    site: Site = request.app.state.site
    token = request.path_params["token"]
    body = None
    for _ in range(2):  # the second time when the latest publication had lost this calendar
        latest = site.latest()
        if latest is None:
            break
        found = latest.feeds.get(f"{token}.ics")
        if found is None:
            return refused(404, "No such feed.")
        body = site.read(latest, found.source)
        if body is not None:
            break
    if latest is None or body is None:  # calendar clients drop a subscription on 404
        if latest is None and token not in site.unpublished:
            return refused(404, "No such feed.")
        first = latest is None and site.store.latest_publication() is None
        said = "The first schedule is being made" if first else "The schedule is being remade"
        response = refused(503, f"{said}: try again in a minute.")
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Last-Modified": email.utils.format_datetime(latest.created, usegmt=True),
        "Cache-Control": "private, max-age=300",
    }
    match = request.headers.get("if-none-match")
    since = request.headers.get("if-modified-since")
    if match is not None:
        if etag in [m.strip() for m in match.split(",")] or match.strip() == "*":
            return Response(status_code=304, headers=headers)
    elif since is not None:
        with contextlib.suppress(TypeError, ValueError):
            if email.utils.parsedate_to_datetime(since) >= latest.created:
                return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


async def signin(request: Request) -> Response:
    site: Site = request.app.state.site
    if not site.store.use_signin(request.path_params["token"]):
        return refused(403, "This sign-in link was used already or has been replaced.")
    site.store.log("coordinator", "signed in")
    session = site.sessions.dumps({"coordinator": True, "csrf": secrets.token_urlsafe(24)})
    response = RedirectResponse("/coordinator", status_code=303, headers=HEADERS)
    response.set_cookie(
        SESSION,
        session,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@coordinator_only
async def coordinator_page(request: Request, site: Site, session: dict) -> Response:
    store = site.store
    latest = site.latest()  # notes any publication that cannot be read
    people = {p.id: p.name for p in (latest.people if latest else site.unpublished).values()}
    fellows = [(f.id, f.name) for f in site.problem().fellows]  # what the filter offers
    fellow = request.query_params.get("fellow") or None
    if fellow not in dict(fellows):
        fellow = None  # not a fellow of the program (a faculty id, a typo): everyone
    pending = store.rows("SELECT * FROM requests WHERE status = 'pending' ORDER BY id")
    decided = store.rows(
        "SELECT * FROM requests WHERE status != 'pending' ORDER BY id DESC LIMIT 50"
    )
    if fellow is not None:
        pending = [r for r in pending if r["fellow"] == fellow]
        decided = [r for r in decided if r["fellow"] == fellow]
    for_preview = {
        row["request"]: row["status"]
        for row in store.rows("SELECT * FROM jobs WHERE request IS NOT NULL ORDER BY id")
    }
    return page(
        request,
        "coordinator.html",
        {
            "csrf": session["csrf"],
            "pending": [(r, _preview(r), for_preview.get(r["id"])) for r in pending],
            "swaps": store.rows("SELECT * FROM swaps WHERE status = 'waiting' ORDER BY id"),
            "decided": decided,
            "people": people,
            "fellows": fellows,
            "fellow": fellow,
            "grid": site.grid(only=None if fellow is None else [fellow]),
            "sessions": _coming_sessions(latest, site.program.today()),
            "jobs": store.rows("SELECT * FROM jobs ORDER BY id DESC LIMIT 10"),
            "publications": store.rows(
                f"SELECT {PUBLICATION} FROM publications ORDER BY id DESC LIMIT 20"
            ),
            "audit": store.rows("SELECT * FROM audit ORDER BY id DESC LIMIT 50"),
            "busy": not site.worker.idle(),
            "damaged": sorted(site.damaged.items(), reverse=True),
            "serving": latest.id if latest is not None else None,
        },
    )


@coordinator_only
async def request_page(request: Request, site: Site, session: dict) -> Response:
    row = site.store.row("SELECT * FROM requests WHERE id = ?", request.path_params["id"])
    if row is None:
        return refused(404, "No such request.")
    preview = _preview(row)
    affected = sorted({c["subject"] for c in preview["changes"]}) if preview else []
    jobs = site.store.rows("SELECT * FROM jobs WHERE request = ? ORDER BY id DESC", row["id"])
    return page(
        request,
        "request.html",
        {"csrf": session["csrf"], "r": row, "preview": preview, "affected": affected, "jobs": jobs},
    )


@coordinator_only
async def act(request: Request, site: Site, session: dict) -> Response:
    """Preview, approve or deny a request, or start a full solve."""
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), session["csrf"]):
        return refused(403, "The form has expired: reload the page and send it again.")
    action = request.path_params["action"]
    number = request.path_params.get("id")
    if action not in (("preview", "approve", "deny") if number is not None else ("solve",)):
        return refused(404, "No such action.")
    if action == "solve":
        site.store.queue("solve")
        site.store.log("coordinator", "started a full solve")
    else:
        row = site.store.row("SELECT * FROM requests WHERE id = ?", number)
        if row is None or row["status"] != "pending":
            return refused(404, "No such pending request.")
        if action == "deny":
            message = str(form.get("message", ""))[:1000]
            site.store.decide(row["id"], "denied", message)
            site.store.log("coordinator", f"denied request {row['id']}: {message}")
        else:
            site.store.queue(action, row["id"])
            site.store.log("coordinator", f"{action} of request {row['id']} queued")
    site.worker.wake.set()
    return RedirectResponse("/coordinator", status_code=303, headers=HEADERS)


@coordinator_only
async def publication_page(request: Request, site: Site, session: dict) -> Response:
    """One publication's changes against the one before."""
    row = site.store.row(
        f"SELECT {PUBLICATION} FROM publications WHERE id = ?", request.path_params["id"]
    )
    if row is None:
        return refused(404, "No such publication.")
    return page(request, "publication.html", {"p": row, "changes": json.loads(row["changes"])})


@coordinator_only
async def report(request: Request, site: Site, session: dict) -> Response:
    for _ in range(2):  # the second time when the latest publication had lost its report
        latest = site.latest()
        if latest is None:
            return refused(404, "Nothing is published yet, or nothing that can be read.")
        body = site.read(latest, "report.html")
        if body is not None:
            return HTMLResponse(body, headers=HEADERS)
    return refused(503, "The report cannot be read: see the coordinator's page.")


def _coming_sessions(latest: Latest | None, today: dt.date, count: int = 4) -> list[tuple]:
    """The next `count` conference sessions: date, conference, presenters, panel (names)."""
    if latest is None:
        return []
    published = latest.publication
    names = {c.id: c.name for c in published.conferences}
    sessions: dict[tuple, tuple[list[str], list[str]]] = {}
    for r in sorted(published.roles, key=lambda r: (r.date, r.conference, r.role, r.person)):
        if r.date >= today:
            presenters, panel = sessions.setdefault((r.date, r.conference), ([], []))
            if r.role == "presenter":
                presenters.append(r.person_name)
            else:
                panel.append(f"{r.person_name} ({r.discipline})")
    return [
        (date, names.get(conference, conference), *found)
        for (date, conference), found in list(sessions.items())[:count]
    ]


def _preview(row) -> dict | None:
    return json.loads(row["preview"]) if row["preview"] else None


class PlainErrors:
    """An unexpected exception in a request is logged once, with its traceback, and answered
    with a plain error page (500), never a bare server error or a traceback."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            LOG.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                why = "Something went wrong on the server; it is logged. Try again later."
                await refused(500, why)(scope, receive, send)


def create_app(site: Site) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app):
        site.latest()  # a publication lost while the server was stopped is published again
        site.worker.start()
        yield
        site.worker.stop.set()  # abandons the running job's search at once
        site.worker.wake.set()
        site.worker.join(timeout=STOP_SECONDS)

    routes = [
        Route("/p/{token}", person_page),
        Route("/p/{token}/requests", new_request, methods=["POST"]),
        Route("/p/{token}/cases", submit_case, methods=["POST"]),
        Route("/p/{token}/swaps", swaps.offer, methods=["POST"]),
        Route("/p/{token}/swaps/{id:int}/{action:str}", swaps.answer, methods=["POST"]),
        Route("/feeds/{token}.ics", feed, name="feed"),
        Route("/signin/{token}", signin),
        Route("/coordinator", coordinator_page),
        Route("/coordinator/requests/{id:int}", request_page),
        Route("/coordinator/publications/{id:int}", publication_page),
        Route("/coordinator/agenda", agenda_page),
        Route("/coordinator/cases/{ref:str}/outcome", record_outcome, methods=["POST"]),
        Route("/coordinator/requests/{id:int}/{action:str}", act, methods=["POST"]),
        Route("/coordinator/swaps/{id:int}/{action:str}", swaps.decide, methods=["POST"]),
        Route("/coordinator/{action:str}", act, methods=["POST"]),
        Route("/report", report),
        Route("/{name:str}", asset),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(PlainErrors)])
    app.state.site = site
    return app
