"""A submitted case written into the program's cases file: a row appended to the first CSV file
its `cases:` names, in the file's own columns; nothing else in the file changes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rotations.config import models
from rotations.output.tables import inert


def cases_file(program: Path, config: models.Config) -> Path | None:
    """The CSV file new cases join: the first `.csv` file the program's `cases:` names (the
    merged list, includes too; names are relative to the program's folder), or None."""
    names = [c for c in config.cases if isinstance(c, str) and c.lower().endswith(".csv")]
    return program.parent / names[0] if names else None


def add_case(path: Path, fields: dict[str, str]) -> None:
    """Append the case `fields` (column -> text) to the CSV file `path`, in its own columns (a
    column the file does not have is left out: the form offers only what the file can hold)."""
    data = path.read_bytes()
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))), [])
    out = io.StringIO()
    row = [inert(fields.get(c.strip().casefold(), "")) for c in header]  # no formulas
    csv.writer(out, lineterminator="\n").writerow(row)
    joint = b"" if not data or data.endswith(b"\n") else b"\n"
    path.write_bytes(data + joint + out.getvalue().encode("utf-8"))
