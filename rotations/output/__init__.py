"""Writers: tables, schedule.json and calendars, written to a folder in one atomic move."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from rotations.check import Violation
from rotations.output.html import report_html
from rotations.output.ics import calendars
from rotations.output.state import schedule_state, state_json
from rotations.output.tables import conferences_csv, schedule_csv
from rotations.output.xlsx import workbook_bytes
from rotations.problem import Problem
from rotations.schedule import Schedule


def render(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    requests: list[dict] | None = None,
    previous_events: dict | None = None,
    stamp=None,
) -> dict[str, bytes]:
    """Relative path -> bytes of every output file. With the `events` of a previously
    published schedule.json, calendars keep its UIDs and SEQUENCE numbers."""
    files, events = calendars(problem, schedule, previous_events, stamp)
    files["schedule.csv"] = schedule_csv(problem, schedule)
    if problem.conferences:
        files["conferences.csv"] = conferences_csv(problem, schedule)
    files["report.html"] = report_html(problem, schedule, violations, requests)
    files["schedule.xlsx"] = workbook_bytes(problem, schedule)
    state = schedule_state(problem, schedule, violations, events)
    state["leave_requests"] = requests or []
    files["schedule.json"] = state_json(state)
    return dict(sorted(files.items()))


def write_folder(out: Path, files: dict[str, bytes]) -> None:
    """Write `files` to a sibling temporary folder, then swap it into place.

    An interrupted run leaves the previous contents of `out` intact."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(staging, 0o755)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, retired / out.name)
            os.replace(staging, out)
            shutil.rmtree(retired)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
