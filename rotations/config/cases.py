"""The case conference's patient cases: written in `cases:` or read from CSV or XLSX files
beside the program (columns case, type, submitted, due, needs, presenter, minutes, priority,
summary, and optionally conference), as rotations.sheets reads every table. Every row is
validated as a `cases:` entry is (models.Case: nothing that looks like patient identity) and
cross-checked; a wrong one is named by file, row and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from rotations.config import models
from rotations.config.source import ConfigProblem, Position
from rotations.sheets import TableError, read_tables

COLUMNS = ("case", "type", "submitted", "due", "needs", "presenter", "minutes", "priority")
OPTIONAL = ("summary", "conference")
REQUIRED = ("case", "submitted", "due")


@dataclass(frozen=True)
class Written:
    """A case and where it was written: its row (or mapping) and each of its cells."""

    case: models.Case
    position: Position | None
    cells: dict[str, Position | None] = field(default_factory=dict, compare=False)

    def at(self, name: str) -> Position | None:
        return self.cells.get(name) or self.position


def read_cases(path, shown: str) -> tuple[list[Written], list[ConfigProblem]]:
    """The cases of one file (the first sheet of a workbook), and every problem with them."""
    problems: list[ConfigProblem] = []

    def wrong(position: Position, message: str) -> None:
        problems.append(ConfigProblem(position, "", message))

    try:
        _, table = next(read_tables(path, shown=shown))
    except TableError as exc:
        wrong(Position(shown, exc.row, exc.column), f"cannot read it: {exc.message}")
        return [], problems
    header = [cell.text.casefold() for cell in table[0]] if table else []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS + OPTIONAL]
    if missing:
        wrong(
            Position(shown, 1, 1),
            f"needs the columns {', '.join(REQUIRED)} (and may have "
            f"{', '.join(c for c in COLUMNS + OPTIONAL if c not in REQUIRED)}); missing "
            f"{', '.join(missing)}",
        )
    for name in unknown:
        column = header.index(name) + 1
        wrong(
            Position(shown, 1, column),
            f"unknown column '{name}': the columns are {', '.join(COLUMNS + OPTIONAL)}",
        )
    for name in dict.fromkeys(h for h in header if h):
        if header.count(name) > 1:
            first = header.index(name) + 1
            again = header.index(name, first) + 1
            wrong(
                Position(shown, 1, again),
                f"a second '{name}' column (the first is column {first}): keep one",
            )
    if problems:
        return [], problems
    where = {name: i for i, name in enumerate(header) if name}
    out = []
    for line in table[1:]:
        text = {c: line[i].text if i < len(line) else "" for c, i in where.items()}
        if not any(text.values()):
            continue
        row = line[0].row
        cells = {c: Position(shown, row, i + 1) for c, i in where.items()}
        if all(text[c] == c for c in REQUIRED):
            wrong(
                cells["case"], "the header again: a table of cases has one header row, at the top"
            )
            continue
        case, errors = validate_case(text)
        for name, message in errors:
            wrong(cells.get(name, cells["case"]), f"{name}: {message}")
        if case is not None:
            out.append(Written(case, cells["case"], cells))
    return out, problems


def validate_case(text: dict[str, str]) -> tuple[models.Case | None, list[tuple[str, str]]]:
    """A case from its cells (column -> text; a blank cell is left out, as not given), or
    None and each (column, what is wrong)."""
    values = {c: value for c, value in text.items() if value != "" or c in REQUIRED}
    try:
        return models.Case.model_validate(values), []
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "due"  # the dates' order
            message = error["msg"].removeprefix("Value error, ")
            errors.append(
                (name, f"the {name} is missing" if error["type"] == "missing" else message)
            )
        return None, errors


def check_cases(config: models.Config, written: list[Written]) -> list[ConfigProblem]:
    """Every case against the rest of the program: a unique reference, a known type, presenter
    and conference, disciplines some faculty member has, minutes that fit a session."""
    problems: list[ConfigProblem] = []

    def wrong(at: Position | None, message: str) -> None:
        problems.append(ConfigProblem(at, "", message))

    if written and not config.conferences:
        wrong(
            written[0].position,
            "cases are discussed at a case conference: add one under conferences",
        )
        return problems
    fellows = {f.id for f in config.fellows}
    disciplines = {p.discipline for p in config.faculty if p.discipline}
    conferences = {c.id: c for c in config.conferences}
    seen: dict[str, Written] = {}
    for one in written:
        case = one.case
        first = seen.setdefault(case.case, one)
        if first is not one:
            wrong(
                one.at("case"),
                f"a second case '{case.case}' (the first is at "
                f"{first.position}): give each case its own reference",
            )
        kind = config.case_types.get(case.type) if case.type is not None else None
        if case.type is not None and kind is None:
            known = ", ".join(config.case_types) or "none are defined under case_types"
            wrong(one.at("type"), f"unknown case type '{case.type}' (known: {known})")
        if case.presenter is not None and case.presenter not in fellows:
            wrong(one.at("presenter"), f"unknown fellow '{case.presenter}'")
        for need in [*(kind.needs if kind else []), *case.needs]:
            if need not in disciplines:
                wrong(
                    one.at("needs") if need in case.needs else one.at("type"),
                    f"no faculty member's discipline is '{need}': add {need} faculty (with "
                    f"discipline: {need}) or correct the name (known: "
                    f"{', '.join(sorted(disciplines)) or 'none'})",
                )
        if case.conference is not None and case.conference not in conferences:
            wrong(one.at("conference"), f"unknown conference '{case.conference}'")
            continue
        if case.type is not None and kind is None:
            continue  # its minutes may be its type's
        minutes = case.minutes or (kind.minutes if kind else None)
        if minutes is None:
            wrong(
                one.at("minutes"),
                "how many minutes does it take? Give the case minutes or "
                "its type minutes under case_types",
            )
            continue
        allowed = [conferences[case.conference]] if case.conference else config.conferences
        most = max(c.minutes_for_cases for c in allowed)
        if minutes > most:
            wrong(
                one.at("minutes"),
                f"{minutes} minutes is more than a session has for cases "
                f"({most}: case_minutes); shorten it or give the conference more",
            )
    return problems
