"""Tables people keep: a CSV file, or the sheets of a workbook (read with openpyxl), as rows of
cells, each with its text and its address for messages (`year.csv:7:4`,
`year.xlsx!Year!D7`). Read by the case logs of a program and by `rotations score`."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

WORKBOOKS = (".xlsx", ".xlsm")


class TableError(ValueError):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class Cell:
    text: str  # stripped; dates as YYYY-MM-DD, whole numbers without ".0"
    row: int  # 1-based
    where: str  # the cell's address, for messages


Table = list[list[Cell]]


def read_tables(path: Path, sheet: str | None = None, shown: str | None = None) -> list:
    """(where, table) for the CSV file, or for each sheet of a workbook (only `sheet` if
    given); `shown` names the file in addresses (default: its name). Raises TableError."""
    path = Path(path)
    shown = shown or path.name
    if path.suffix.lower() not in WORKBOOKS:
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.reader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise TableError(f"cannot be read as CSV ({exc})") from None
        cells = [
            [_cell(text, r, f"{shown}:{r}:{c}") for c, text in _numbered(row)]
            for r, row in _numbered(rows)
        ]
        return [(shown, cells)]
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError(f"cannot be read as a workbook ({exc})") from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise TableError(f"no sheet '{sheet}'; the sheets are {', '.join(names)}")
    out = []
    for name in [sheet] if sheet is not None else names:
        rows = book[name].iter_rows(values_only=True)
        table = [
            [
                _cell(value, r, f"{shown}!{name}!{get_column_letter(c)}{r}")
                for c, value in _numbered(row)
            ]
            for r, row in _numbered(rows)
        ]
        out.append((f"{shown}!{name}", table))
    book.close()
    return out


def _numbered(items) -> enumerate:
    return enumerate(items, start=1)


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
