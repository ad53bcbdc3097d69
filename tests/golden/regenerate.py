"""Regenerate the golden calendars of the bundled example: python3 tests/golden/regenerate.py

They are the calendars `rotations solve` writes for examples/pain-fellowship (a fellow's, a
faculty member's and the program's), reviewed by eye once; tests/test_ics.py compares every
run against them. Regenerate them when a change to the calendars is meant, and review the
diff."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "pain-fellowship" / "program.yaml"
GOLDEN = Path(__file__).resolve().parent / "example"
FILES = ("calendars/ana.ics", "calendars/faculty/lee.ics", "calendars/program.ics")


def main() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        command = [sys.executable, "-m", "rotations", "solve", str(EXAMPLE), "--out", str(out)]
        subprocess.run(command, check=True, env=env, capture_output=True)
        for name in FILES:
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / name, target)
            print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
