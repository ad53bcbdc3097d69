"""Schedules made by hand: a CSV file or a sheet of a workbook, in the shapes chief fellows keep.

- *long*: a header with `fellow`, `rotation` and `block` (or `start`, a date in the block), one
  row per fellow per block, as `schedule.csv` is written (other columns are ignored);
- *grid*: fellows down the first column (ids or names), blocks across the first row (block
  numbers, `Block 7`, or dates within the block, as the workbook's Year sheet is written), a
  rotation in each cell.

A cell names a rotation by its id, its name or the report's abbreviation (`Pal`), in any case;
a trailing ` ✈` (the workbook's leave mark) is ignored. The grid ends at its first empty row (a
legend may follow). Every unknown name is reported with its cell (`year.xlsx!Year!D7`, or
`year.csv:7:4`) and the closest known names, all at once, and nothing is scored.

Conference rosters may come the same way, in the shape of `conferences.csv`, and call rosters in
the shape of `call.csv` (date, call, fellow; ids or names)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rotations.model import Model
from rotations.output.palette import abbreviation
from rotations.problem import Problem
from rotations.published import Unreadable
from rotations.schedule import OnCall, Role
from rotations.sheets import WORKBOOKS, Cell, Table, TableError, iso_date, read_tables

SUFFIXES = (".csv", *WORKBOOKS)
EMPTY = Cell("", 0, "")  # a cell beyond the end of a short row
LONG_COLUMNS = ("fellow", "rotation", "block", "start")
ROLE_COLUMNS = ("date", "conference", "role", "person", "discipline")
CALL_COLUMNS = ("date", "call", "fellow")
LOCAL_DATE = re.compile(r"[0-9]{1,2}([/.])[0-9]{1,2}\1[0-9]{2,4}")


@dataclass(frozen=True)
class Imported:
    """A schedule read from a file: its rotations (as `Schedule.assignments`) and, when given,
    its conference roles and its call duties."""

    assignments: dict[str, list[str | None]]
    roles: list[Role] | None = None
    calls: list[OnCall] | None = None
    where: str = ""  # the table it came from: a file, or file!sheet


def fix_imported(problem: Problem, model: Model, imported: Imported) -> None:
    """Fix the model's rotations (and conference roles and call duties, when imported) to the
    imported ones."""
    v = model.vars
    for f, fellow in enumerate(problem.fellows):
        for b, rid in enumerate(imported.assignments[fellow.id]):
            if rid is not None:
                model.cp.add(v.on(f, b, rid) == 1)
    if imported.calls is not None:
        on_call = {(x.date, x.call, x.fellow) for x in imported.calls}
        for (k, f), var in v.call.items():
            duty = problem.duties[k]
            key = (duty.first.isoformat(), problem.config.call[duty.call].id, problem.fellows[f].id)
            model.cp.add(var == int(key in on_call))
    if imported.roles is None:
        return
    taken = {(r.date, r.conference, r.role, r.person) for r in imported.roles}
    fellows, faculty = problem.fellows, problem.faculty
    for (i, f), var in v.present.items():
        session = problem.sessions[i]
        conf = problem.conferences[session.conference].id
        key = (session.date.isoformat(), conf, "presenter", fellows[f].id)
        model.cp.add(var == int(key in taken))
    for (i, p), var in v.panel.items():
        session = problem.sessions[i]
        conf = problem.conferences[session.conference].id
        model.cp.add(var == int((session.date.isoformat(), conf, "panel", faculty[p].id) in taken))


def is_table(path: Path) -> bool:
    """Whether `path` names a CSV file or a workbook rather than a schedule.json."""
    return Path(path).suffix.lower() in SUFFIXES


def import_schedule(path: Path, problem: Problem, sheet: str | None = None) -> Imported:
    """The schedule in `path` (a CSV file, or `sheet` of a workbook: by default the first sheet
    that holds a schedule). Raises Unreadable naming every cell that could not be read."""
    path = Path(path)
    for where, table in _tables(path, sheet):
        errors: list[str] = []
        shape = _long if _header(table, {"fellow", "rotation"}) is not None else _grid
        found = shape(table, problem, errors)
        if found is None:  # not a schedule: try the next sheet
            continue
        if not errors:
            _complete(found, problem, where, errors)
        if errors:
            raise Unreadable("\n".join(errors))
        return Imported(found, where=where)
    raise Unreadable(
        f"{path}{'!' + sheet if sheet else ''}: no schedule found: expected a header with "
        "fellow, block and rotation, or fellows down the first column and blocks (numbers or "
        "dates) across the first row"
    )


def read_roles(path: Path, problem: Problem) -> list[Role]:
    """Conference roles from a table in the shape of conferences.csv (date, conference, role,
    person; discipline for panel seats)."""
    conferences = {c.id for c in problem.conferences}
    people = {f.id for f in problem.fellows} | {p.id for p in problem.faculty}
    roles: list[Role] = []
    rows, errors = _roster(path, ROLE_COLUMNS[:4], ROLE_COLUMNS)
    for value, day in rows:
        for key, known in (("conference", conferences), ("person", people)):
            if value[key].text not in known:
                errors.append(_unknown(value[key], key, {k: k for k in known}))
        if value["role"].text not in ("presenter", "panel"):
            errors.append(f"{value['role'].where}: role must be presenter or panel")
        if day is not None and not errors:
            discipline = value["discipline"].text if "discipline" in value else ""
            roles.append(
                Role(
                    day.isoformat(),
                    value["conference"].text,
                    value["role"].text,
                    value["person"].text,
                    discipline if value["role"].text == "panel" else "",
                )
            )
    if errors:
        raise Unreadable("\n".join(errors))
    return sorted(roles)


def read_calls(path: Path, problem: Problem) -> list[OnCall]:
    """Call duties from a table in the shape of call.csv (date, call, fellow; a call or a
    fellow by id or name; a date the first day of one of the call's duties)."""
    calls = {c.id.casefold(): c for c in problem.config.call}
    calls |= {c.name.casefold(): c for c in problem.config.call}
    starts = {(d.first, problem.config.call[d.call].id) for d in problem.duties}
    fellows = _names(problem)[1]
    duties: set[OnCall] = set()
    rows, errors = _roster(path, CALL_COLUMNS, CALL_COLUMNS)
    for value, day in rows:
        call = calls.get(value["call"].text.casefold())
        if call is None:
            errors.append(_unknown(value["call"], "call", {k: c.id for k, c in calls.items()}))
        fellow = fellows.get(value["fellow"].text.casefold())
        if fellow is None:
            errors.append(_unknown(value["fellow"], "fellow", fellows))
        if day is not None and call is not None and (day, call.id) not in starts:
            errors.append(f"{value['date'].where}: no duty of {call.name} starts on {day}")
        elif day is not None and call is not None and fellow is not None:
            duties.add(OnCall(day.isoformat(), call.id, fellow))
    if errors:
        raise Unreadable("\n".join(errors))
    return sorted(duties)


def _roster(
    path: Path, needed: tuple[str, ...], known: tuple[str, ...]
) -> tuple[list[tuple[dict[str, Cell], dt.date | None]], list[str]]:
    """The rows of a roster table with the columns `needed` (the first row that is not empty
    names them): each row's cells by column name and its date, and the errors so far (a column
    of `known` named twice, the header repeated, a date that is not one)."""
    where, table = next(_tables(Path(path), None))
    header = _header(table, set(needed))
    if header is None:
        raise Unreadable(f"{where}: expected the columns {', '.join(needed)}")
    row0, columns = header
    rows, errors = [], _twice(table[row0], known)
    for row in table[row0 + 1 :]:
        value = {name: (row[c] if c < len(row) else EMPTY) for name, c in columns.items()}
        if not any(cell.text for cell in value.values()):
            continue
        if _repeats(row, table[row0]):
            errors.append(f"{row[0].where}: the header again: a roster has one header row")
            continue
        day = _date(value["date"].text)
        if day is None:
            errors.append(f"{value['date'].where}: '{value['date'].text}' is not a date")
        rows.append((value, day))
    return rows, errors


def _tables(path: Path, sheet: str | None) -> Iterator[tuple[str, Table]]:
    try:
        yield from read_tables(path, sheet)
    except TableError as exc:
        raise Unreadable(str(exc)) from None


def _twice(header: list[Cell], names: tuple[str, ...]) -> list[str]:
    """A message for each column of `names` the header names a second time."""
    first: dict[str, Cell] = {}
    errors = []
    for cell in header:
        name = cell.text.casefold()
        if name in first:
            errors.append(
                f"{cell.where}: a second '{cell.text}' column (the first is "
                f"{first[name].where}): keep one"
            )
        elif name in names:
            first[name] = cell
    return errors


def _repeats(row: list[Cell], header: list[Cell]) -> bool:
    """Whether `row` is the header again (as pasting two tables together leaves it)."""
    return [c.text.casefold() for c in row] == [c.text.casefold() for c in header]


def _header(table: Table, wanted: set[str]) -> tuple[int, dict[str, int]] | None:
    """The first non-empty row, if it names every column of `wanted`: (row, name -> column)."""
    for r, row in enumerate(table):
        if not any(cell.text for cell in row):
            continue
        columns = {cell.text.casefold(): c for c, cell in reversed(list(enumerate(row)))}
        return (r, columns) if wanted <= set(columns) else None
    return None


def _date(text: str) -> dt.date | None:
    """A date as ISO writes it, or as m/d/Y or d.m.Y, in digits 0-9; or None."""
    day = iso_date(text)
    if day is not None or not LOCAL_DATE.fullmatch(text):
        return day
    for pattern in ("%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _block_of(problem: Problem, text: str) -> int | None:
    """The 0-based block a header or a `block`/`start` cell names: a number (`7`, `Block 7`,
    `7\\nJul 05`) or a date within the block."""
    day = _date(text)
    if day is not None:
        return next((b.index for b in problem.blocks if b.start <= day <= b.end), None)
    match = re.fullmatch(r"(?:block|week|b|w)?\s*(\d{1,3})(?:\s.*)?", text, re.I | re.S | re.A)
    if match and 1 <= int(match[1]) <= len(problem.blocks):
        return int(match[1]) - 1
    return None


def _names(problem: Problem) -> tuple[dict[str, str], dict[str, str]]:
    """Lower-cased spellings -> rotation id, and -> fellow id (ids, names, abbreviations)."""
    rotations: dict[str, str] = {}
    abbreviations: dict[str, list[str]] = {}
    for rid in problem.rotations:
        abbreviations.setdefault(abbreviation(rid).casefold(), []).append(rid)
    for short, rids in abbreviations.items():
        if len(rids) == 1:  # an abbreviation two rotations share names neither
            rotations[short] = rids[0]
    for rid in problem.rotations:
        rotations[problem.rotation(rid).name.casefold()] = rid
        rotations[rid.casefold()] = rid
    fellows = {f.name.casefold(): f.id for f in problem.fellows}
    fellows |= {f.id.casefold(): f.id for f in problem.fellows}
    return rotations, fellows


def _unknown(cell: Cell, what: str, known: dict[str, str]) -> str:
    close = difflib.get_close_matches(cell.text.casefold(), list(known), n=4, cutoff=0.6)
    close = list({known[c]: c for c in reversed(close)}.values())[::-1][:2]  # one per target
    named = [repr(c) if c == known[c].casefold() else f"'{c}' ({known[c]})" for c in close]
    hint = f"; did you mean {' or '.join(named)}?" if close else ""
    return f"{cell.where}: unknown {what} '{cell.text}'{hint}"


def _rotation(cell: Cell, rotations: dict[str, str], errors: list[str]) -> str | None:
    text = cell.text.removesuffix("✈").strip()
    rid = rotations.get(text.casefold())
    if rid is None:  # suggest ids and names, not abbreviations
        spelled = {k: v for k, v in rotations.items() if len(k) > 3 or k == v.casefold()}
        errors.append(_unknown(replace(cell, text=text), "rotation", spelled))
    return rid


def _long(table: Table, problem: Problem, errors: list[str]) -> dict | None:
    """Rows of fellow, block (or start) and rotation."""
    row0, columns = _header(table, {"fellow", "rotation"})  # type: ignore[misc]
    when = columns.get("block", columns.get("start"))
    if when is None:
        errors.append(f"{table[row0][0].where}: a block or start column is needed")
        return None
    errors.extend(_twice(table[row0], LONG_COLUMNS))
    rotations, fellows = _names(problem)
    found: dict[str, list[str | None]] = {}
    seen: dict[tuple[str, int], str] = {}
    for row in table[row0 + 1 :]:
        cells = {k: row[c] if c < len(row) else EMPTY for k, c in columns.items()}
        if not any(cell.text for cell in row):
            continue
        if _repeats(row, table[row0]):
            errors.append(f"{row[0].where}: the header again: a schedule has one header row")
            continue
        fid = fellows.get(cells["fellow"].text.casefold())
        if fid is None:
            errors.append(_unknown(cells["fellow"], "fellow", fellows))
        block_cell = row[when] if when < len(row) else EMPTY
        block = _block_of(problem, block_cell.text)
        if block is None:
            errors.append(f"{block_cell.where}: '{block_cell.text}' is no block of the year")
        rid = _rotation(cells["rotation"], rotations, errors)
        if fid is None or block is None or rid is None:
            continue
        if (fid, block) in seen:
            errors.append(
                f"{cells['rotation'].where}: {fid} has a second rotation in block {block + 1} "
                f"(also at {seen[fid, block]})"
            )
        seen[fid, block] = cells["rotation"].where
        found.setdefault(fid, [None] * len(problem.blocks))[block] = rid
    return found


def _grid(table: Table, problem: Problem, errors: list[str]) -> dict | None:
    """Fellows down the first column, blocks across the first row; None if it is not one."""
    top = next((r for r, row in enumerate(table) if any(cell.text for cell in row)), None)
    if top is None:
        return None
    header = table[top]
    blocks = {c: _block_of(problem, cell.text) for c, cell in enumerate(header) if c}
    blocks = {c: b for c, b in blocks.items() if b is not None}
    if not blocks:
        return None
    first: dict[int, Cell] = {}
    for c, b in blocks.items():
        if b in first:
            errors.append(
                f"{header[c].where}: block {b + 1} a second time (the first is "
                f"{first[b].where}): keep one column per block"
            )
        first.setdefault(b, header[c])
    rotations, fellows = _names(problem)
    found: dict[str, list[str | None]] = {}
    rows: dict[str, str] = {}  # fellow -> the cell that names them
    for row in table[top + 1 :]:
        if not any(cell.text for cell in row):
            break  # the grid ends at its first empty row
        if _repeats(row, header):
            errors.append(f"{row[0].where}: the header again: a grid has one header row")
            continue
        fid = fellows.get(row[0].text.casefold())
        if fid is None:
            errors.append(_unknown(row[0], "fellow", fellows))
            continue
        if fid in rows:
            errors.append(f"{row[0].where}: {fid} a second time (the first is {rows[fid]})")
            continue
        rows[fid] = row[0].where
        mine = found.setdefault(fid, [None] * len(problem.blocks))
        for c, b in blocks.items():
            if c < len(row) and row[c].text:
                mine[b] = _rotation(row[c], rotations, errors)
    return found


def _complete(found: dict, problem: Problem, where: str, errors: list[str]) -> None:
    """Every fellow of the program, with a rotation in every block inside their dates."""
    for f, fellow in enumerate(problem.fellows):
        row = found.setdefault(fellow.id, [None] * len(problem.blocks))
        missing = [
            b + 1 for b in range(len(problem.blocks)) if row[b] is None and problem.active(f, b)
        ]
        if missing:
            shown = ", ".join(map(str, missing[:8])) + (" ..." if len(missing) > 8 else "")
            errors.append(f"{where}: {fellow.id} has no rotation in block(s) {shown}")
