"""Case logs: the cases fellows have already logged, from CSV or XLSX files beside the program
(columns fellow, procedure, date, count; a case-log export), read with pandas. Every row is
checked, and a wrong one is named by file, row and column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rotations.config.source import ConfigProblem, Position

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
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")
        else:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        problems.append(ConfigProblem(Position(shown, 1, 1), "", f"cannot read it: {exc}"))
        return [], problems
    header = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        wrong(1, 1, f"needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}")
        return [], problems
    where = {c: header.index(c) + 1 for c in COLUMNS}
    rows = []
    for index, values in enumerate(table.itertuples(index=False), start=2):  # row 1: header
        cells = {c: str(values[where[c] - 1]).strip() for c in COLUMNS}
        if not any(cells.values()):
            continue
        fellow, procedure = cells["fellow"], cells["procedure"]
        if fellow not in fellows:
            wrong(index, where["fellow"], f"unknown fellow '{fellow}'")
        if procedure not in procedures:
            wrong(index, where["procedure"], f"unknown procedure '{procedure}'")
        try:
            day = dt.date.fromisoformat(cells["date"][:10])
        except ValueError:
            wrong(index, where["date"], f"'{cells['date']}' is not a date YYYY-MM-DD")
            continue
        if not cells["count"].isdigit():
            wrong(index, where["count"], f"'{cells['count']}' is not a number of cases")
            continue
        rows.append(Logged(fellow, procedure, day, int(cells["count"])))
    return rows, problems
