"""Tables people keep: a CSV file, or the sheets of a workbook (read with openpyxl), as rows of
cells, each with its text and its address for messages (`year.csv:7:4`,
`year.xlsx!Year!D7`). Read by the case logs of a program and by `rotations score`.

Reading is bounded, for a file that is no table (a zip bomb, a link to /dev/zero, a sheet
that claims a million rows) is refused within a second rather than read for minutes: only a
regular file of at most MAX_BYTES, each part of a workbook unpacking to at most MAX_BYTES
(checked before anything is unpacked), at most MAX_ROWS rows, MAX_COLUMNS columns and
MAX_CELLS cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rotations.reading import TooBig, read_file

WORKBOOKS = (".xlsx", ".xlsm")
MAX_BYTES = 16_000_000  # a year's grid is a few kB, a case log of 10 000 rows under 1 MB
MAX_ROWS = 100_000
MAX_COLUMNS = 256  # IV, the last column of the old Excel; a year of weeks needs 53
MAX_CELLS = 500_000  # a case log of 100 000 rows has 400 000
# YYYY-MM-DD in digits 0-9, perhaps with a time of day (as exports write it), and nothing else
ISO_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")


# What openpyxl raises for a sheet it cannot parse: broken XML (SyntaxError, lxml's too), a
# cell address or value it does not know (ValueError, KeyError), a part whose data does not
# match its checksum (BadZipFile), a part cut short (EOFError, zlib.error).
UNPARSED = (SyntaxError, ValueError, KeyError, zipfile.BadZipFile, EOFError, zlib.error)


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")  # <row ...> or <x:row ...>
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


class TableError(Exception):
    """The file cannot be read as a table: `message` says why, `where` is the file or the
    cell, `row` and `column` (1-based) its place for messages by row and column."""

    def __init__(self, where: str, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message, self.row, self.column = where, message, row, column


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # stripped; dates as YYYY-MM-DD, whole numbers without ".0"
    row: int  # 1-based
    where: str  # the cell's address, for messages


Table = list[list[Cell]]


def read_tables(
    path: Path, sheet: str | None = None, shown: str | None = None
) -> Iterator[tuple[str, Table]]:
    """(where, table) for the CSV file, or for each sheet of a workbook in turn (only `sheet`
    if given); `shown` names the file in addresses (default: its name). Raises TableError."""
    path = Path(path)
    shown = shown or path.name
    try:
        data = read_file(path, MAX_BYTES)
    except TooBig as big:
        raise TableError(shown, f"{_megabytes(big.size)} is more than a table: {_LIMIT}") from None
    except OSError as exc:
        raise TableError(shown, f"cannot read it: {exc.strerror}") from None
    cells = _Budget()
    if path.suffix.lower() not in WORKBOOKS:
        yield shown, cells.table(_csv_rows(data, shown), lambda r, c: f"{shown}:{r}:{c}", True)
        return
    yield from _sheets(data, shown, sheet, cells)


_LIMIT = (
    f"a table is read up to {MAX_BYTES // 1_000_000} MB, {MAX_ROWS:,} rows and "
    f"{MAX_COLUMNS} columns"
)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def _csv_rows(data: bytes, shown: str) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TableError(
            f"{shown}:{line}",
            f"byte 0x{data[exc.start]:02X} is not UTF-8 text: save it as CSV UTF-8",
            row=line,
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        line = reader.line_num
        raise TableError(f"{shown}:{line}", f"cannot be read as CSV ({exc})", row=line) from None


def _sheets(
    data: bytes, shown: str, sheet: str | None, cells: _Budget
) -> Iterator[tuple[str, Table]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    _check_parts(data, shown)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError(shown, f"cannot be read as a workbook ({exc})") from None
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise TableError(shown, f"no sheet '{sheet}'; the sheets are {', '.join(names)}")
        for name in [sheet] if sheet is not None else names:
            where = f"{shown}!{name}"
            grid = book[name]
            if (grid.max_row or 0) > MAX_ROWS or (grid.max_column or 0) > MAX_COLUMNS:
                raise TableError(where, f"the sheet spans {grid.calculate_dimension()}: {_LIMIT}")
            grid.reset_dimensions()  # rows as long as their cells: none is cut off or padded
            rows = grid.iter_rows(max_row=MAX_ROWS + 1, values_only=True)
            try:
                table = cells.table(
                    rows, lambda r, c, where=where: f"{where}!{get_column_letter(c)}{r}", False
                )
            except UNPARSED as exc:
                raise TableError(where, f"cannot be read as a sheet ({exc})") from None
            yield where, table
    finally:
        book.close()


def _check_parts(data: bytes, shown: str) -> None:
    """Refuse a workbook that unpacks to more than it may, before openpyxl reads it: by the
    sizes its parts declare (zipfile unpacks no more than a part declares), then by the rows
    and cells its sheets hold (tags counted in the unpacked XML, far faster than parsing)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in archive.infolist():
                if part.file_size > MAX_BYTES:
                    raise TableError(
                        shown,
                        f"its part {part.filename} unpacks to {_megabytes(part.file_size)}, "
                        f"more than a workbook holds: {_LIMIT}",
                    )
            for part in archive.infolist():
                if not part.filename.startswith("xl/worksheets/"):
                    continue
                xml = archive.read(part)
                for tag, limit in ((ROW_TAG, MAX_ROWS), (CELL_TAG, MAX_CELLS)):
                    found = sum(1 for _ in tag.finditer(xml))
                    if found > limit:
                        raise TableError(
                            shown,
                            f"its part {part.filename} holds {found:,} "
                            f"{'rows' if tag is ROW_TAG else 'cells'}: {_LIMIT}",
                        )
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise TableError(shown, "is not a workbook (.xlsx): save it as one, or as CSV") from None


class _Budget:
    """The cells a file may still hold, across its sheets."""

    def __init__(self) -> None:
        self.left = MAX_CELLS

    def table(self, rows: Iterable[Sequence[object]], address, padded: bool) -> Table:
        """The rows as cells, each row without its trailing empty cells. With `padded`, a row
        may go on past MAX_COLUMNS with empty cells (a CSV file saved from a wide sheet has
        them); otherwise (a workbook) a cell past it is refused even empty: openpyxl makes a
        row as long as its last cell, and a million such rows would take minutes."""
        table: Table = []
        for r, row in enumerate(rows, start=1):
            if r > MAX_ROWS:
                raise TableError(address(r, 1), f"goes on past row {MAX_ROWS:,}: {_LIMIT}", r)
            if len(row) > MAX_COLUMNS:
                extra = row[MAX_COLUMNS:]
                if not padded or extra.count(None) + extra.count("") < len(extra):
                    c = (
                        len(row)
                        if not padded
                        else next(
                            c for c, v in enumerate(extra, MAX_COLUMNS + 1) if v not in (None, "")
                        )
                    )
                    raise TableError(
                        address(r, c), f"a cell past column {MAX_COLUMNS}: {_LIMIT}", r, c
                    )
                row = row[:MAX_COLUMNS]
            end = len(row)
            while end and row[end - 1] in (None, ""):
                end -= 1
            self.left -= end
            if self.left < 0:
                raise TableError(address(r, 1), f"more than {MAX_CELLS:,} cells: {_LIMIT}", r)
            table.append([_cell(row[c - 1], r, address(r, c)) for c in range(1, end + 1)])
        return table


def _cell(value: object, row: int, where: str) -> Cell:
    if value is None:
        text = ""
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value).strip()
    return Cell(text, row, where)


def iso_date(text: str) -> dt.date | None:
    """The date `text` writes as YYYY-MM-DD; None for anything else (`2027-07-01x`, Arabic-Indic
    digits, 2027-02-30)."""
    match = ISO_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None
