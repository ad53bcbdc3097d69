"""Spreadsheets that are no table, or hold values that only look like ones: a zip bomb, a link to
/dev/zero, a pipe, counts written ² or ٣ or 3e9, dates with something after them, a header
twice. Each is refused with exit 1 and the file, cell or row it is about, by `score --schedule`
and by a program's `case_logs:` alike, and nothing is read past the limits of rotations.sheets."""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from rotations.cli import cli
from rotations.sheets import MAX_BYTES, MAX_COLUMNS, MAX_ROWS
from tests.conftest import program, write_yaml

ROTATIONS = {"a": {"name": "Alpha", "exposure": {"esi": 5}}, "b": {"name": "Beta"}}
SCORED = {"a": {"name": "Alpha"}, "b": {"name": "Beta"}}
HEADER = ["fellow", "procedure", "date", "count"]


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def with_sheet_xml(path: Path, xml: bytes) -> Path:
    """The workbook at `path` with its first sheet's XML replaced by `xml`."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def sheet_xml(rows: bytes, dimension: str = "A1:D2") -> bytes:
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension.encode() + b'"/><sheetData>' + rows + b"</sheetData>"
        b"</worksheet>"
    )


def zip_bomb(path: Path) -> Path:
    """A few kB that unpack to more than a table may hold: empty rows, MAX_BYTES of them."""
    return with_sheet_xml(workbook(path, [HEADER]), sheet_xml(b"<row/>" * (MAX_BYTES // 6 + 1)))


def zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def pipe(path: Path) -> Path:
    os.mkfifo(path)  # reading it would wait for a writer forever
    return path


def case_log(tmp_path: Path, name: str, make) -> object:
    """`rotations check` of a program whose case log `name` is made by `make(path)`."""
    make(tmp_path / name)
    config = program(procedures={"esi": {"name": "ESI"}}, rotations=ROTATIONS, case_logs=[name])
    return invoke("check", write_yaml(tmp_path, config))


def rows_of(*rows: list[object]):
    def make(path: Path) -> Path:
        return (workbook if path.suffix == ".xlsx" else write_csv)(path, [HEADER, *rows])

    return make


# (name, how the file is made, what the message says: its place first)
FILES = [
    ("cases.xlsx", zip_bomb, "cases.xlsx:1:1: cannot read it: its part xl/worksheets/sheet1.xml"),
    ("cases.csv", zero_link, "case_logs[0]: cases.csv lies outside the program's folder"),
    ("cases.csv", pipe, "case_logs[0]: cases.csv is a pipe, not a regular file: name a file"),
    ("cases.csv", rows_of(["ana", "esi", "2027-06-01", "²"]), "cases.csv:2:4: '²' is not a"),
    ("cases.csv", rows_of(["ana", "esi", "2027-06-01", "٣"]), "cases.csv:2:4: '٣' is not a"),
    ("cases.xlsx", rows_of(["ana", "esi", "2027-06-01", 3e9]), "cases.xlsx:2:4: '3000000000'"),
    ("cases.xlsx", rows_of(["ana", "esi", "2027-06-01", 1e30]), "cases.xlsx:2:4: '1000000000"),
    ("cases.csv", rows_of(["ana", "esi", "2027-06-01", "-2"]), "cases.csv:2:4: '-2' is not a"),
    ("cases.csv", rows_of(["ana", "esi", "2027-06-01", "2.5"]), "cases.csv:2:4: '2.5' is not"),
    ("cases.csv", rows_of(["ana", "esi", "2027-06-01junk", "2"]), "cases.csv:2:3: '2027-06-01j"),
    ("cases.csv", rows_of(["ana", "esi", "٢٠٢٧-٠٦-٠١", "2"]), "cases.csv:2:3: '٢٠٢٧-٠٦-٠١'"),
    ("cases.csv", rows_of(["ana", "esi", "2027-02-30", "2"]), "cases.csv:2:3: '2027-02-30'"),
    ("cases.csv", rows_of(HEADER, ["ana", "esi", "2027-06-01", "2"]), "cases.csv:2:1: the head"),
    (
        "cases.csv",
        lambda path: write_csv(path, [[*HEADER, "count"], ["ana", "esi", "2027-06-01", 2, 9]]),
        "cases.csv:1:5: a second 'count' column (the first is column 4): keep one",
    ),
    (
        "cases.csv",
        lambda path: path.write_bytes(b"fellow,procedure,date,count\nana,esi,2027-06-01,\xff\n"),
        "cases.csv:2:1: cannot read it: byte 0xFF is not UTF-8 text",
    ),
    (
        "cases.csv",
        lambda path: path.write_bytes(b"x" * (MAX_BYTES + 1)),
        "cases.csv:1:1: cannot read it: 16.0 MB is more than a table",
    ),
    (
        "cases.csv",
        lambda path: write_csv(path, [HEADER] + [["ana", "esi", "2027-06-01", 1]] * MAX_ROWS),
        f"cases.csv:{MAX_ROWS + 1}:1: cannot read it: goes on past row 100,000",
    ),
    (
        "cases.csv",
        lambda path: write_csv(path, [HEADER, ["ana", "esi", "2027-06-01", 1, *[""] * 300, "x"]]),
        f"cases.csv:2:{MAX_COLUMNS + 49}: cannot read it: a cell past column {MAX_COLUMNS}",
    ),
    (
        "cases.xlsx",
        lambda path: path.write_bytes(b"PK\x03\x04 not really a workbook"),
        "cases.xlsx:1:1: cannot read it: is not a workbook (.xlsx)",
    ),
    (
        "cases.xlsx",
        lambda path: with_sheet_xml(workbook(path, [HEADER]), sheet_xml(b"<row>", "A1:D1")),
        "cases.xlsx:1:1: cannot read it: cannot be read as a sheet",
    ),
    (
        "cases.xlsx",  # rows counted in the XML before openpyxl parses a single one
        lambda path: with_sheet_xml(workbook(path, [HEADER]), sheet_xml(b"<row/>" * 100_001)),
        "cases.xlsx:1:1: cannot read it: its part xl/worksheets/sheet1.xml holds 100,001 rows",
    ),
    (
        "cases.xlsx",  # a sheet that says it spans all of Excel: padded, it would be 17 billion
        lambda path: with_sheet_xml(workbook(path, [HEADER]), sheet_xml(b"", "A1:XFD1048576")),
        "cases.xlsx:1:1: cannot read it: the sheet spans A1:XFD1048576",
    ),
    (
        "cases.xlsx",  # a cell far to the right, behind a dimension that does not show it
        lambda path: with_sheet_xml(
            workbook(path, [HEADER]),
            sheet_xml(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
                b'<c r="ZZ1" t="inlineStr"><is><t>y</t></is></c></row>',
                "A1:A1",
            ),
        ),
        "cases.xlsx:1:702: cannot read it: a cell past column 256",
    ),
]


@pytest.mark.parametrize(("name", "make", "said"), FILES, ids=[f"{i}" for i in range(len(FILES))])
def test_a_hostile_case_log_is_refused_with_its_place(tmp_path, name, make, said) -> None:
    result = case_log(tmp_path, name, make)
    assert result.exit_code == 1, result.output
    assert said in result.output.replace(f"{tmp_path}/", "")


def test_the_same_files_are_refused_by_score(tmp_path) -> None:
    """`score --schedule` reads tables the same way; a schedule.json is read bounded too."""
    config = write_yaml(tmp_path, program(rotations=SCORED))
    for name, make, said in [
        ("year.xlsx", zip_bomb, "year.xlsx: its part xl/worksheets/sheet1.xml unpacks to"),
        ("year.csv", zero_link, "year.csv: cannot read it: it is a device, not a regular file"),
        ("schedule.json", zero_link, "schedule.json: cannot read it: it is a device"),
        ("year.csv", pipe, "year.csv: cannot read it: it is a pipe, not a regular file"),
    ]:
        result = invoke("score", config, "--schedule", make(tmp_path / name))
        assert result.exit_code == 1, result.output
        assert said in result.output.replace(f"{tmp_path}/", "")
        (tmp_path / name).unlink()


def test_a_grid_with_a_header_or_a_fellow_twice_is_refused_cell_by_cell(tmp_path) -> None:
    config = write_yaml(tmp_path, program(rotations=SCORED))
    header = ["Fellow", "1", "2", "3", "4", "5", "6"]
    rows = [
        header,
        ["ana", "a", "a", "b", "b", "a", "b"],
        header,
        ["ben", "b", "b", "a", "a", "b", "a"],
        ["ana", "b", "b", "a", "a", "b", "a"],
        ["cy", "a", "b", "a", "b", "a", "b"],
    ]
    path = workbook(tmp_path / "year.xlsx", rows)
    result = invoke("score", config, "--schedule", path)
    assert result.exit_code == 1, result.output
    assert "year.xlsx!Sheet!A3: the header again: a grid has one header row" in result.output
    assert "year.xlsx!Sheet!A5: ana a second time (the first is year.xlsx!Sheet!A2)" in (
        result.output
    )
    twice = [["Fellow", "1", "2", "3", "4", "5", "6", "Block 6"], *rows[1:2]]
    result = invoke("score", config, "--schedule", write_csv(tmp_path / "twice.csv", twice))
    assert result.exit_code == 1, result.output
    assert "twice.csv:1:8: block 6 a second time (the first is twice.csv:1:7)" in result.output


def test_a_long_schedule_with_a_column_twice_is_refused(tmp_path) -> None:
    config = write_yaml(tmp_path, program(rotations=SCORED))
    rows = [["fellow", "block", "rotation", "rotation"]]
    rows += [[f, b, "a", "b"] for f in ("ana", "ben", "cy") for b in range(1, 7)]
    result = invoke("score", config, "--schedule", write_csv(tmp_path / "long.csv", rows))
    assert result.exit_code == 1, result.output
    assert "long.csv:1:4: a second 'rotation' column (the first is long.csv:1:3)" in result.output


def test_a_program_file_that_is_a_device_is_refused(tmp_path) -> None:
    result = invoke("check", zero_link(tmp_path / "program.yaml"))
    assert result.exit_code == 1
    assert "program.yaml: it is a device, not a regular file" in result.output


def test_a_whole_number_in_a_workbook_reads_as_its_digits(tmp_path) -> None:
    """2.0 in a cell (every number in a workbook is a float) is the count 2, and a date cell
    is its date: the strictness refuses what is wrong, not what a spreadsheet does."""
    import datetime as dt

    make = rows_of(["ana", "esi", dt.datetime(2027, 6, 1, 9, 30), 2.0])
    result = case_log(tmp_path, "cases.xlsx", make)
    assert result.exit_code == 0, result.output
