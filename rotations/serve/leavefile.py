"""Approved leave written into the program's own YAML, keeping its comments and layout
(ruamel.yaml's round trip): the entry goes to the end of the `leave:` list of the file that
holds it (an included file first, as the example keeps `leave.yaml`), in the flow style of the
entries around it. A faculty member's days away go to the end of their own `away:` list, by
an edit of the text itself (a round trip would reflow a long program file): the file read back
must be the file before with just that entry added, or nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    return yaml


def _documents(program: Path):
    """(path, text, round-trip document) of the program file, then of each file it includes."""
    text = program.read_text(encoding="utf-8")
    document = _yaml().load(text) or {}
    yield program, text, document
    for name in document.get("include") or []:
        path = program.parent / name
        text = path.read_text(encoding="utf-8")
        yield path, text, _yaml().load(text) or {}


def leave_file(program: Path) -> Path:
    """The file whose `leave:` list new entries join: the first include that has one, else the
    program file."""
    included = list(_documents(program))[1:]
    return next((path for path, _, document in included if "leave" in document), program)


def add_leave(program: Path, entry: dict) -> Path:
    """Append `entry` (fellow, start, end and maybe requested) to the leave list; returns the
    file written."""
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
    return path


def add_away(program: Path, person: str, start: str, end: str) -> Path:
    """Add days away from `start` to `end` to faculty member `person`'s `away:` list, in the
    file (the program's or an include's) that lists them; returns that file. Raises ValueError
    when the text cannot be edited so that it reads back right."""
    entry = f"{{start: {start}, end: {end}}}"
    for path, text, document in _documents(program):
        found = next(
            (
                item
                for item in document.get("faculty") or []
                if isinstance(item, CommentedMap) and item.get("id") == person
            ),
            None,
        )
        if found is None:
            continue
        edited = _with_away(text, found, entry)
        wanted = pyyaml.safe_load(text)
        for item in wanted["faculty"]:
            if item.get("id") == person:
                item["away"] = [
                    *(item.get("away") or []),
                    {"start": dt.date.fromisoformat(start), "end": dt.date.fromisoformat(end)},
                ]
        try:
            same = pyyaml.safe_load(edited) == wanted
        except pyyaml.YAMLError:
            same = False
        if not same:
            raise ValueError(f"{path}: cannot add {person}'s days away without reformatting it")
        path.write_text(edited, encoding="utf-8")
        return path
    raise ValueError(f"{program}: no faculty member '{person}'")


def _with_away(text: str, item: CommentedMap, entry: str) -> str:
    """`text` with `entry` added to the `away:` list of the faculty `item` (its positions
    from the round-trip reader): at the end of its list (flow or block),
    or as a new `away:` key of the mapping."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:
        return starts[line] + col

    seq = item.get("away")
    if isinstance(seq, CommentedSeq):
        if seq.fa.flow_style() or not seq:  # an empty list is written `[]`
            at = _closing(text, offset(*item.lc.value("away")))
            return f"{text[:at]}{', ' if seq else ''}{entry}{text[at:]}"
        line, col = seq.lc.item(len(seq) - 1)
        dash = col - 2
        line += 1  # past the last item's lines (those indented more than its dash)
        while line < len(lines) and (
            not lines[line].strip() or len(lines[line]) - len(lines[line].lstrip()) > dash
        ):
            line += 1
        return "".join([*lines[:line], " " * dash + f"- {entry}\n", *lines[line:]])
    if "away" in item:  # `away:` with no list (null): the list replaces the value
        at = offset(*item.lc.value("away"))
        null = re.match(r"~|null|Null|NULL", text[at:])
        return f"{text[:at]}[{entry}]{text[at + (null.end() if null else 0) :]}"
    if item.fa.flow_style():
        at = _closing(text, offset(item.lc.line, item.lc.col))
        return f"{text[:at]}, away: [{entry}]{text[at:]}"
    line, col = item.lc.key("id")
    return "".join([*lines[: line + 1], " " * col + f"away: [{entry}]\n", *lines[line + 1 :]])


QUOTED = re.compile(r"'(?:[^']|'')*'" + r'|"(?:[^"\\]|\\.)*"')  # a quoted scalar


def _closing(text: str, at: int) -> int:
    """The offset of the bracket that closes the flow collection opening at `at`."""
    depth = 0
    while at < len(text):
        quoted = QUOTED.match(text, at)
        if quoted:
            at = quoted.end()
            continue
        char = text[at]
        if char == "#" and text[at - 1] in " \t":  # a comment runs to the end of its line
            at = text.index("\n", at)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return at
        at += 1
    raise ValueError("an unclosed flow collection")
