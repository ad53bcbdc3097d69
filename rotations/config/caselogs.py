"""Case logs: the cases fellows have already logged, from CSV or XLSX files beside the program
(columns fellow, procedure, date, count; a case-log export), read as rotations.sheets reads
every table. Every row is
checked, and a wrong one is named by file, row and column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rotations.config.source import ConfigProblem, Position
from rotations.sheets import TableError, read_tables

COLUMNS = ("fellow", "procedure", "date", "count")


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
    """The rows of one case log, and every problem with them."""
    problems: list[ConfigProblem] = []

    def wrong(row: int, column: int, message: str) -> None:
        problems.append(ConfigProblem(Position(shown, row, column), "", message))

    try:
        (_, table), *_ = read_tables(path, shown=shown)
    except TableError as exc:
        problems.append(ConfigProblem(Position(shown, 1, 1), "", f"cannot read it: {exc}"))
        return [], problems
    header = [cell.text.lower() for cell in table[0]] if table else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        wrong(1, 1, f"needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}")
        return [], problems
    where = {c: header.index(c) + 1 for c in COLUMNS}  # 1-based columns
    rows = []
    for line in table[1:]:
        text = {c: line[i - 1].text if i <= len(line) else "" for c, i in where.items()}
        if not any(text.values()):
            continue
        row = line[0].row
        fellow, procedure = text["fellow"], text["procedure"]
        if fellow not in fellows:
            wrong(row, where["fellow"], f"unknown fellow '{fellow}'")
        if procedure not in procedures:
            wrong(row, where["procedure"], f"unknown procedure '{procedure}'")
        try:
            day = dt.date.fromisoformat(text["date"][:10])
        except ValueError:
            wrong(row, where["date"], f"'{text['date']}' is not a date YYYY-MM-DD")
            continue
        if not text["count"].isdigit():
            wrong(row, where["count"], f"'{text['count']}' is not a number of cases")
            continue
        rows.append(Logged(fellow, procedure, day, int(text["count"])))
    return rows, problems
