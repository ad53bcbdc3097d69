"""How long reading a spreadsheet takes, and how much memory, for hostile files and for the
largest that are still read (rotations.sheets' limits): each in a fresh process, as
`rotations score --schedule` or a program's `case_logs:` would read it.

    python3 benchmarks/tables.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotations.sheets import MAX_BYTES, MAX_COLUMNS, MAX_ROWS  # noqa: E402

SHEET = "xl/worksheets/sheet1.xml"
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
READ = """
import json, sys, time
from rotations.sheets import TableError, read_tables
start = time.perf_counter()
try:
    cells = sum(len(row) for _, table in read_tables(sys.argv[1]) for row in table)
    said = f"read, {cells} cells"
except TableError as exc:
    said = f"refused: {exc}"
seconds = time.perf_counter() - start
status = open("/proc/self/status").read()  # VmHWM: this process's peak, not its parent's
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "said": said[:110]}))
"""


def workbook_with(path: Path, *sheet: bytes, repeat: int = 1) -> Path:
    """A workbook whose first sheet is `sheet`, its middle part written `repeat` times."""
    book = openpyxl.Workbook()
    book.active.append(["fellow", "procedure", "date", "count"])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name != SHEET:
                target.writestr(name, data)
        with target.open(SHEET, "w", force_zip64=True) as part:
            head, middle, tail = sheet if len(sheet) == 3 else (b"", *sheet, b"")
            part.write(NS + head)
            for _ in range(repeat):
                part.write(middle)
            part.write(tail + b"</worksheet>")
    return path


def rows_xml(count: int, columns: int) -> bytes:
    """`count` rows of `columns` numbers each, as Excel writes them."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    out = [b"<sheetData>"]
    for r in range(1, count + 1):
        cells = "".join(f'<c r="{x}{r}"><v>1</v></c>' for x in letters)
        out.append(f'<row r="{r}">{cells}</row>'.encode())
    out.append(b"</sheetData>")
    return b"".join(out)


def cases(folder: Path):
    """(name, path) for each file measured."""
    yield (
        "zip bomb: 1 GB of empty rows",
        workbook_with(
            folder / "bomb.xlsx", b"<sheetData>", b"<row/>" * 100_000, b"</sheetData>", repeat=1700
        ),
    )
    zero = folder / "zero.csv"
    zero.unlink(missing_ok=True)
    zero.symlink_to("/dev/zero")
    yield "a link to /dev/zero", zero
    yield (
        "a sheet that spans all of Excel",
        workbook_with(folder / "spans.xlsx", b'<dimension ref="A1:XFD1048576"/><sheetData/>'),
    )
    far = b"".join(b'<row r="%d"><c r="XFD%d"/></row>' % (r, r) for r in range(1, 400_000))
    yield (
        "a far-right empty cell in each of 400 000 rows",
        workbook_with(folder / "far.xlsx", b"<sheetData>" + far + b"</sheetData>"),
    )
    gap = b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="999999999"/></sheetData>'
    yield "a row a billion rows down", workbook_with(folder / "gap.xlsx", gap)
    over = rows_xml(MAX_BYTES // (20 * MAX_COLUMNS), MAX_COLUMNS)
    yield (
        f"a sheet of {len(over) / 1e6:.1f} MB, every cell filled",
        workbook_with(folder / "over.xlsx", over),
    )
    under = rows_xml(MAX_BYTES * 4 // 5 // len(rows_xml(1, 40)), 40)  # just under MAX_BYTES
    yield (
        f"a sheet of {len(under) / 1e6:.1f} MB, 40 columns filled",
        workbook_with(folder / "under.xlsx", under),
    )
    log = folder / "log.csv"
    with open(log, "w") as handle:
        handle.write("fellow,procedure,date,count\n")
        handle.writelines("ana,esi,2027-07-01,2\n" for _ in range(MAX_ROWS - 1))
    yield f"a case log of {MAX_ROWS:,} rows (CSV)", log
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["fellow", "procedure", "date", "count"])
    for _ in range(50_000):
        sheet.append(["ana", "esi", "2027-07-01", 2])
    book.save(folder / "log.xlsx")
    yield "a case log of 50,000 rows (.xlsx)", folder / "log.xlsx"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="make the files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print("| file | on disk | seconds | peak MB | verdict |\n| --- | --- | --- | --- | --- |")
        for name, path in cases(folder):
            size = os.stat(path).st_size if path.resolve().is_file() else 0
            done = subprocess.run(
                [sys.executable, "-c", READ, str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            got = json.loads(done.stdout)
            print(
                f"| {name} | {size / 1e6:.2f} MB | {got['seconds']:.2f} | {got['peak_mb']:.0f} "
                f"| {got['said'].replace('|', '/')} |"
            )


if __name__ == "__main__":
    main()
