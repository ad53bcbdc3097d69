"""CalDAV publication: one calendar collection per person (and one for the program) under the
URL given, `<program id>-<person id>/`, named after the calendar; one resource per event UID,
holding that one event. A resource is sent only when its content changed since the last
publish (a second run sends nothing), with If-Match on the ETag the server gave it (or
If-None-Match for a new one), so a copy somebody changed on the server is never overwritten
unseen: it is reported instead. Cancelled events are resources like the others."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import caldav
from caldav.lib import error as dav_error
from icalendar import Calendar

from rotations.output.folder import Refused
from rotations.publish.state import PROGRAM_FEED, State
from rotations.published import Publication

CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass
class Sent:
    """What a CalDAV publish did: resources created, updated, unchanged, and refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # URLs changed on the server meanwhile


def split_events(data: bytes) -> dict[str, bytes]:
    """UID -> a VCALENDAR holding that one event (and the time zone it needs)."""
    calendar = Calendar.from_ical(data)
    zones = [c for c in calendar.walk("VTIMEZONE")]
    out = {}
    for event in calendar.walk("VEVENT"):
        single = Calendar()
        for key in ("PRODID", "VERSION", "CALSCALE"):
            single.add(key.lower(), calendar[key])
        if "TZID" in event["DTSTART"].params:
            for zone in zones:
                single.add_component(zone)
        single.add_component(event)
        out[str(event["UID"])] = single.to_ical()
    return out


def collection_name(program: str, source: str) -> str:
    """`<program>-<person>` for calendars/<person>.ics (and calendars/faculty/<person>.ics)."""
    person = Path(source).stem
    return f"{program}-{PROGRAM_FEED if source == 'calendars/program.ics' else person}"


def publish_caldav(
    published: Publication, out: Path, url: str, user: str, password: str, state: State
) -> Sent:
    """Bring the CalDAV server at `url` in line with the calendars of the publication folder
    `out`; remember each resource's ETag and content in `state` (saved after every calendar)."""
    client = caldav.DAVClient(url=url, username=user, password=password)
    base = url.rstrip("/") + "/"
    sent = Sent()
    known_home = False
    try:
        for path in sorted((out / "calendars").rglob("*.ics")):
            source = path.relative_to(out).as_posix()
            collection = base + collection_name(published.program.id, source) + "/"
            name = str(Calendar.from_ical(path.read_bytes()).get("X-WR-CALNAME", ""))
            if collection not in state.caldav:
                if not known_home:
                    client.principal()  # some servers (Radicale) create a user's home on sight
                    known_home = True
                _make_calendar(client, collection, name)
                state.caldav[collection] = {"resources": {}}
            resources = state.caldav[collection]["resources"]
            for uid, body in split_events(path.read_bytes()).items():
                href = collection + hashlib.sha256(uid.encode()).hexdigest()[:32] + ".ics"
                _send(client, href, body, resources, sent)
            state.save()
    except dav_error.AuthorizationError:
        raise Refused(
            f"the CalDAV server at {url} refused user '{user}' and its password"
        ) from None
    except dav_error.DAVError as exc:
        raise Refused(f"the CalDAV server at {url} answered: {exc}") from None
    except OSError as exc:  # connection refused, unknown host
        raise Refused(f"cannot reach the CalDAV server at {url}: {exc}") from None
    return sent


def _make_calendar(client: caldav.DAVClient, collection: str, name: str) -> None:
    """Create the calendar collection, named; one that is there already is used as it is."""
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
        f"<D:displayname>{_xml(name)}</D:displayname>"
        "</D:prop></D:set></C:mkcalendar>"
    )
    answer = client.mkcalendar(collection, body)
    if answer.status not in (201, 405, 409):  # 405/409: it exists
        raise Refused(f"cannot create the calendar {collection}: {answer.status} {answer.reason}")


def _send(client, href: str, body: bytes, resources: dict, sent: Sent) -> None:
    digest = hashlib.sha256(body).hexdigest()
    known = resources.get(href)
    if known is not None and known["digest"] == digest:
        sent.unchanged += 1
        return
    if known is not None and known.get("etag"):
        condition = {"If-Match": known["etag"]}
    else:
        condition = {"If-None-Match": "*"}
    answer = client.put(href, body.decode("utf-8"), {"Content-Type": CONTENT_TYPE, **condition})
    if answer.status == 412:
        sent.conflicts.append(href)
        return
    if answer.status not in (200, 201, 204):
        raise Refused(f"the CalDAV server refused {href}: {answer.status} {answer.reason}")
    resources[href] = {"etag": answer.headers.get("ETag"), "digest": digest}
    if known is None:
        sent.created += 1
    else:
        sent.updated += 1


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
