"""A submitted case written into the program's cases file: a row appended to the first CSV file
its `cases:` names (in the program file or an include), in the file's own columns; nothing
else in the file changes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from rotations.output.tables import inert


def cases_file(program: Path) -> Path | None:
    """The CSV file new cases join: the first `.csv` entry of `cases:` in the program file or
    one of its includes; None if the program names none."""
    document = yaml.safe_load(program.read_text(encoding="utf-8")) or {}
    documents = [document]
    for name in document.get("include") or []:
        documents.append(yaml.safe_load((program.parent / name).read_text(encoding="utf-8")) or {})
    for one in documents:
        for entry in one.get("cases") or []:
            if isinstance(entry, str) and entry.lower().endswith(".csv"):
                return program.parent / entry
    return None


def add_case(program: Path, fields: dict[str, str]) -> Path:
    """Append the case `fields` (column -> text) to the cases file; returns the file. A column
    the file does not have is left out (the form offers only what the file can hold)."""
    path = cases_file(program)
    if path is None:
        raise ValueError("the program names no CSV file of cases")
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)), [])
    out = io.StringIO()
    row = [inert(fields.get(c.strip().casefold(), "")) for c in header]  # no formulas
    csv.writer(out, lineterminator="\n").writerow(row)
    joint = b"" if not data or data.endswith(b"\n") else b"\n"
    path.write_bytes(data + joint + out.getvalue().encode("utf-8"))
    return path
