"""Approved leave written into the program's own YAML, keeping its comments and layout
(ruamel.yaml's round trip): the entry goes to the end of the `leave:` list of the file that
holds it (an included file first, as the example keeps `leave.yaml`), in the flow style of the
entries around it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    return yaml


def leave_file(program: Path) -> Path:
    """The file whose `leave:` list new entries join: the first include that has one, else the
    program file."""
    yaml = _yaml()
    document = yaml.load(program.read_text(encoding="utf-8")) or {}
    for name in document.get("include") or []:
        path = program.parent / name
        included = yaml.load(path.read_text(encoding="utf-8")) or {}
        if "leave" in included:
            return path
    return program


def add_leave(program: Path, entry: dict) -> tuple[Path, bytes]:
    """Append `entry` (fellow, start, end and maybe requested) to the leave list; returns the
    file written and its bytes before, to put back if what follows fails."""
    path = leave_file(program)
    before = path.read_bytes()
    yaml = _yaml()
    _, indent, offset = load_yaml_guess_indent(before.decode("utf-8"))
    offset = offset or 0
    yaml.indent(mapping=2, sequence=max(indent or 2, offset + 2), offset=offset)
    document = yaml.load(before.decode("utf-8"))
    if document is None:
        document = CommentedMap()
    if document.get("leave") is None:
        document["leave"] = CommentedSeq()
    item = CommentedMap()
    for key, value in entry.items():
        item[key] = dt.date.fromisoformat(value) if key in ("start", "end") else value
    leave = document["leave"]
    if not leave or getattr(leave[-1], "fa", None) is None or leave[-1].fa.flow_style():
        item.fa.set_flow_style()
    leave.append(item)
    out = io.StringIO()
    yaml.dump(document, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, before
