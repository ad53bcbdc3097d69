"""schedule.xlsx: the year as a coloured grid, a sheet per fellow, the conferences, exposure,
seminars and their attendance, mentoring, call and duty hours, the raw rows.

Every text is stored as text, never as a formula, whatever it starts with (a name such as
`=HYPERLINK(...)` stays a name). openpyxl stamps the save time into the file; the workbook is
re-zipped with fixed times so the same schedule gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from rotations.calendar import describe_ranges
from rotations.output.palette import abbreviation, rotation_colors, text_color
from rotations.output.tables import (
    AGENDA_COLUMNS,
    CALL_COLUMNS,
    CONFERENCE_COLUMNS,
    DIDACTICS_COLUMNS,
    EXPOSURE_COLUMNS,
    HOURS_COLUMNS,
    agenda_rows,
    attendance_counts,
    call_rows,
    conference_rows,
    didactics_rows,
    exposure_rows,
    hours_rows,
    meeting_rows,
    schedule_columns,
    schedule_rows,
)
from rotations.problem import Problem
from rotations.schedule import Schedule

FIXED = dt.datetime(2000, 1, 1)
BOLD = Font(bold=True)


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color[1:], end_color=color[1:])


def _looks(book: Workbook, problem: Problem) -> None:
    """A named style for each look of a rotation's cell (`_look`): a cell takes one by name,
    where a Font and a PatternFill of its own are hashed against the whole book's (a 120-fellow
    workbook took 5 s, most of it that)."""
    colors = rotation_colors(problem)
    for rid in problem.rotations:
        for centered, on_leave in ((False, False), (True, False), (True, True)):
            book.add_named_style(
                NamedStyle(
                    _look(rid, centered, on_leave),
                    font=Font(color=text_color(colors[rid])[1:], italic=on_leave),
                    fill=_fill(colors[rid]),
                    alignment=Alignment(horizontal="center" if centered else None),
                )
            )


def _look(rid: str, centered: bool = False, on_leave: bool = False) -> str:
    return f"{rid}{' in the grid' if centered else ''}{' on leave' if on_leave else ''}"


def workbook_bytes(problem: Problem, schedule: Schedule) -> bytes:
    book = Workbook()
    _looks(book, problem)
    book.properties.creator = "rotations"
    book.properties.created = FIXED
    grid = book.active
    grid.title = "Year"
    taken = problem.leave_taken(schedule.granted_leave)
    _grid(grid, problem, schedule, taken)
    for f, fellow in enumerate(problem.fellows):
        sheet = book.create_sheet(_sheet_name(fellow.id))
        _fellow_sheet(sheet, problem, schedule, f, taken[f])
    if problem.sessions:
        _table(
            book.create_sheet("Conferences"), CONFERENCE_COLUMNS, conference_rows(problem, schedule)
        )
    if problem.cases:
        _table(book.create_sheet("Agenda"), AGENDA_COLUMNS, agenda_rows(problem, schedule))
    if problem.config.procedures:
        _table(book.create_sheet("Exposure"), EXPOSURE_COLUMNS, exposure_rows(problem, schedule))
    if problem.didactics:
        _table(book.create_sheet("Seminars"), DIDACTICS_COLUMNS, didactics_rows(problem, schedule))
        _attendance(book.create_sheet("Attendance"), problem, schedule)
    if schedule.mentors:
        rows = meeting_rows(problem, schedule)
        columns = ("fellow", "mentor", "period", "from", "to", "date")
        if not rows:  # no meetings planned: the pairs
            rows = [{"fellow": f, "mentor": m} for f, m in schedule.mentors.items()]
            columns = ("fellow", "mentor")
        _table(book.create_sheet("Mentoring"), columns, rows)
    if problem.config.call:
        _table(book.create_sheet("Call"), CALL_COLUMNS, call_rows(problem, schedule))
    if problem.config.duty_hours is not None:
        _table(book.create_sheet("Duty hours"), HOURS_COLUMNS, hours_rows(problem, schedule))
    _table(
        book.create_sheet("schedule.csv"),
        schedule_columns(problem),
        schedule_rows(problem, schedule),
    )
    for sheet in book.worksheets:
        _text_not_formulas(sheet)
    raw = io.BytesIO()
    book.save(raw)
    return _deterministic(raw.getvalue())


def _text_not_formulas(sheet) -> None:
    """openpyxl stores a text starting with = as a formula: store it as the text it is."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


_OWN_SHEETS = (
    "year",
    "conferences",
    "agenda",
    "exposure",
    "seminars",
    "attendance",
    "mentoring",
    "call",
    "duty hours",
    "schedule.csv",
)


def _sheet_name(fellow_id: str) -> str:
    """Ids are at most 31 characters of letters, digits and - _ . and unique without regard to
    case (as Excel compares sheet names); only the workbook's own sheet names need avoiding."""
    return f"fellow {fellow_id}" if fellow_id.casefold() in _OWN_SHEETS else fellow_id


def _grid(sheet, problem: Problem, schedule: Schedule, taken) -> None:
    sheet.cell(1, 1, "Fellow").font = BOLD
    for block in problem.blocks:
        cell = sheet.cell(1, block.number + 1, f"{block.number}\n{block.start:%b %d}")
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
        sheet.column_dimensions[get_column_letter(block.number + 1)].width = 6.5
    sheet.column_dimensions["A"].width = max(len(f.name) for f in problem.fellows) + 2
    sheet.row_dimensions[1].height = 30
    for f, fellow in enumerate(problem.fellows):
        sheet.cell(f + 2, 1, fellow.name)
        for block in problem.blocks:
            rid = schedule.rotation_of(fellow.id, block.index)
            if rid is None:  # outside the fellow's dates: an empty cell
                continue
            on_leave = any(block.start <= d <= block.end for d in taken[f])
            cell = sheet.cell(
                f + 2, block.number + 1, abbreviation(rid) + (" ✈" if on_leave else "")
            )
            cell.style = _look(rid, centered=True, on_leave=on_leave)
    sheet.freeze_panes = "B2"
    row = len(problem.fellows) + 3
    sheet.cell(row, 1, "Legend").font = BOLD
    for i, rid in enumerate(problem.rotations):
        cell = sheet.cell(row + 1 + i, 1, f"{abbreviation(rid)} = {problem.rotation(rid).name}")
        cell.style = _look(rid)
    sheet.cell(row + 2 + len(problem.rotations), 1, "✈ = leave in that block")


def _fellow_sheet(sheet, problem: Problem, schedule: Schedule, f: int, taken) -> None:
    fellow = problem.fellows[f]
    header = ("block", "start", "end", "rotation", "location", "leave")
    sheet.append([fellow.name])
    sheet["A1"].font = BOLD
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = BOLD
    for block in problem.blocks:
        rid = schedule.rotation_of(fellow.id, block.index)
        if rid is None:  # outside the fellow's dates: no row
            continue
        rotation = problem.rotation(rid)
        leave = block.ranges_within(taken)
        sheet.append(
            [
                block.number,
                block.start,
                block.end,
                rotation.name,
                rotation.location or "",
                describe_ranges(leave),
            ]
        )
        sheet.cell(sheet.max_row, 4).style = _look(rid)
    for column, width in zip("ABCDEF", (6, 12, 12, 36, 36, 26), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"


def _attendance(sheet, problem: Problem, schedule: Schedule) -> None:
    """Per series, fellows down and topics across: the sessions each fellow attends of each
    topic, red where fewer than the series asks."""
    bad = _fill("#F8D0D0")
    for d, series in enumerate(problem.didactics):
        sheet.append([series.name, *(t.name for t in series.topics)])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
        for fid, counts in attendance_counts(problem, schedule, d).items():
            sheet.append([fid, *counts.values()])
            for cell in sheet[sheet.max_row][1:]:
                if cell.value < series.attendance.times:
                    cell.fill = bad
        sheet.append([])
    sheet.freeze_panes = "B1"


def _table(sheet, columns: tuple[str, ...], rows: list[dict]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append([row[c] for c in columns])
    sheet.freeze_panes = "A2"


def _deterministic(data: bytes) -> bytes:
    """Re-zip with fixed entry times and a fixed modified date in docProps/core.xml."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()
