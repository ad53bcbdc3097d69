"""Case logs: the cases fellows have already logged, from CSV or XLSX files beside the program
(columns fellow, procedure, date, count; a case-log export), read as rotations.sheets reads
every table. Every row is
checked, and a wrong one is named by file, row and column."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from rotations.config.source import ConfigProblem, Position
from rotations.sheets import TableError, iso_date, read_tables

COLUMNS = ("fellow", "procedure", "date", "count")
MAX_COUNT = 10_000  # a row is one day's cases of one procedure; a carried-over total far less
DIGITS = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Logged:
    """Cases of one procedure one fellow logged on one day."""

    fellow: str
    procedure: str
    date: dt.date
    count: int


def read_case_log(
    path: Path, shown: str, fellows: set[str], procedures: set[str]
) -> tuple[list[Logged], list[ConfigProblem]]:
    """The rows of one case log (the first sheet of a workbook), and every problem with them."""
    problems: list[ConfigProblem] = []

    def wrong(row: int, column: int, message: str) -> None:
        problems.append(ConfigProblem(Position(shown, row, column), "", message))

    try:
        _, table = next(read_tables(path, shown=shown))
    except TableError as exc:
        wrong(exc.row, exc.column, f"cannot read it: {exc.message}")
        return [], problems
    header = [cell.text.casefold() for cell in table[0]] if table else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        wrong(1, 1, f"needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}")
        return [], problems
    where = {c: header.index(c) + 1 for c in COLUMNS}  # 1-based columns
    for name, column in where.items():
        if header.count(name) > 1:
            again = header.index(name, column) + 1
            wrong(1, again, f"a second '{name}' column (the first is column {column}): keep one")
    if problems:
        return [], problems
    rows = []
    for line in table[1:]:
        text = {c: line[i - 1].text if i <= len(line) else "" for c, i in where.items()}
        if not any(text.values()):
            continue
        row = line[0].row
        if all(text[c].casefold() == c for c in COLUMNS):
            wrong(row, 1, "the header again: a case log has one header row, at the top")
            continue
        fellow, procedure = text["fellow"], text["procedure"]
        if fellow not in fellows:
            wrong(row, where["fellow"], f"unknown fellow '{fellow}'")
        if procedure not in procedures:
            wrong(row, where["procedure"], f"unknown procedure '{procedure}'")
        day = iso_date(text["date"])
        if day is None:
            wrong(row, where["date"], f"'{text['date']}' is not a date YYYY-MM-DD")
        count = text["count"]
        if not DIGITS.fullmatch(count) or int(count) > MAX_COUNT:
            wrong(
                row,
                where["count"],
                f"'{count}' is not a number of cases (a whole number 0 to {MAX_COUNT:,}, "
                "in digits 0-9)",
            )
        elif day is not None:
            rows.append(Logged(fellow, procedure, day, int(count)))
    return rows, problems
