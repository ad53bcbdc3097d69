"""The web folder of private feeds: one calendar per person at an unguessable, stable name
(`<token>.ics`), the program calendar and the report likewise, and an index page so that a web
server shows no listing. Written in one swap; a republish keeps every name. The coordinator's
`links.csv` (person, role, name, file, subscribe URL) goes to the private state folder, never
to the web folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rotations.output.folder import write_output
from rotations.output.tables import csv_bytes
from rotations.publish.state import PROGRAM_FEED, REPORT, State, write_private
from rotations.published import Publication

INDEX = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Calendars</title>'
    b"</head><body><p>Calendar feeds are reached by their private links.</p></body></html>\n"
)


@dataclass(frozen=True)
class Feed:
    """One file of the web folder and whom it is for."""

    person: str  # a fellow's or faculty member's id, or program / report
    role: str  # fellow, faculty, program or report
    name: str
    source: str  # its path in the publication folder
    file: str  # its name in the web folder

    def url(self, base: str | None) -> str:
        return f"{base.rstrip('/')}/{self.file}" if base else ""


def feeds(published: Publication, out: Path, state: State) -> list[Feed]:
    """Every file to publish, from the publication folder `out`: each calendar (people who left
    included: their cancelled events must reach subscribers too), then the report."""
    names = {f.id: f.name for f in published.fellows}
    names |= {p.id: p.name for p in published.faculty or []}
    out_feeds = []
    for path in sorted((out / "calendars").rglob("*.ics")):
        source = path.relative_to(out).as_posix()
        person = path.stem
        role = "faculty" if path.parent.name == "faculty" else "fellow"
        if source == "calendars/program.ics":
            person, role = PROGRAM_FEED, "program"
        name = published.program.name if role == "program" else names.get(person, person)
        out_feeds.append(Feed(person, role, name, source, f"{state.token(person)}.ics"))
    report = f"{state.token(REPORT)}.html"
    out_feeds.append(Feed(REPORT, "report", published.program.name, "report.html", report))
    return out_feeds


def publish_site(
    published: Publication, out: Path, site: Path, state: State, base_url: str | None
) -> list[Feed]:
    """Write the web folder `site` from the publication folder `out`; record what was written
    and the links in the state folder. Returns the feeds."""
    listed = feeds(published, out, state)
    files = {feed.file: (out / feed.source).read_bytes() for feed in listed}
    files["index.html"] = INDEX
    key = str(site.resolve())
    owned = set(state.sites[key]) if key in state.sites else None
    write_output(site, files, [out, state.folder], owned=owned, option="--to")
    state.sites[key] = sorted(files)
    state.save()
    write_private(state.folder / "links.csv", links_csv(listed, base_url))
    return listed


LINK_COLUMNS = ("person", "role", "name", "file", "url")


def links_csv(listed: list[Feed], base_url: str | None) -> bytes:
    rows = [
        {"person": f.person, "role": f.role, "name": f.name, "file": f.file, "url": f.url(base_url)}
        for f in listed
    ]
    return csv_bytes(LINK_COLUMNS, rows)
