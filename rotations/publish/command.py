"""The `rotations publish` command: parses options, calls the publishers, prints."""

from __future__ import annotations

import os
from pathlib import Path

import click

from rotations.output.folder import Refused
from rotations.publish.dav import publish_caldav
from rotations.publish.site import publish_site
from rotations.publish.state import PROGRAM_FEED, REPORT, default_folder, load_state
from rotations.published import read_publication

PASSWORD = "ROTATIONS_CALDAV_PASSWORD"
# The private state folder, shared by publish, serve and links (the same feed tokens).
STATE_OPTION = click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Private state folder (the feed secret) [default: ~/.local/state/rotations/<program>].",
)


@click.command("publish")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--to",
    "site",
    type=click.Path(file_okay=False, path_type=Path),
    help="A web folder for the private feeds (new, empty, or one rotations published to).",
)
@click.option("--base-url", help="The URL the web folder is served at (for links.csv).")
@click.option(
    "--caldav",
    "caldav_url",
    help="A CalDAV URL under which one calendar per person is kept (the user's calendar home).",
)
@click.option("--user", help=f"CalDAV user name; the password comes from ${PASSWORD}.")
@STATE_OPTION
@click.option(
    "--reissue",
    multiple=True,
    metavar="PERSON",
    help="Give PERSON a new feed name, after a leaked link (repeatable).",
)
def publish_command(
    out_dir: Path,
    site: Path | None,
    base_url: str | None,
    caldav_url: str | None,
    user: str | None,
    state_dir: Path | None,
    reissue: tuple[str, ...],
) -> None:
    """Publish OUT_DIR's calendars: as private feeds in a web folder (--to) and/or to a CalDAV
    server (--caldav). Feed names and CalDAV resources stay the same from one publish to the
    next; what changed is updated, nothing else is sent."""
    if site is None and caldav_url is None:
        raise click.UsageError("say where to publish: --to SITE_DIR and/or --caldav URL")
    if caldav_url is not None and (not user or not os.environ.get(PASSWORD)):
        raise click.UsageError(f"--caldav needs --user NAME and the password in ${PASSWORD}")
    published = read_publication(out_dir / "schedule.json")
    program = published.program.id
    state = load_state(state_dir or default_folder(program), program)
    people = {f.id for f in published.fellows} | {p.id for p in published.faculty or []}
    for person in reissue:
        if person not in people | {PROGRAM_FEED, REPORT}:
            raise Refused(f"--reissue {person}: no such fellow or faculty member in {out_dir}")
        state.reissue(person)
    state.save()  # the secret exists before any file is named after it
    if site is not None:
        feeds = publish_site(published, out_dir, site, state, base_url)
        click.echo(
            f"Wrote {len(feeds)} private feeds to {site}/. Links for the coordinator: "
            f"{state.folder / 'links.csv'} (keep it private; back up {state.path})."
        )
    if caldav_url is not None:
        sent = publish_caldav(published, out_dir, caldav_url, user, os.environ[PASSWORD], state)
        click.echo(
            f"CalDAV {caldav_url}: {sent.created} event(s) created, {sent.updated} updated, "
            f"{sent.unchanged} unchanged."
        )
        if sent.conflicts:
            click.echo(
                f"{len(sent.conflicts)} event(s) were changed on the server since the last "
                "publish and were left as they are:",
                err=True,
            )
            for url in sent.conflicts:
                click.echo(f"  {url}", err=True)
            raise SystemExit(1)
