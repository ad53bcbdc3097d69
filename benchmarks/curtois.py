"""Run the Curtois–Qu employee-scheduling instances (Instance1..24) on the call layer: convert
each into a program, solve it with `rotations solve`, score our roster with an evaluator of the
benchmark's own rules and print a table against the best-known values.

    python3 benchmarks/curtois.py PATH [--instances GLOB] [--time-limit 600]

PATH is a folder of InstanceN.txt files with bestknown.csv beside them or one level up (this
project's machines have them in ../shared/benchdata/curtois/, from the schedulingbenchmarks.org
set); nothing of them is kept here.

The conversion (to_program) maps every rule onto the call language: employees are fellows on
one rotation all year, days weekly blocks from a Monday, each shift type a call with a duty
every day (`per_date` its cover, `short_weight` and `extra_weight` its under- and over-cover
weights, `not_after` the shifts it may not follow), a day off approved leave, a shift-on
request a call wish and a shift-off request a one-day avoid, and each employee's limits
`call_limits` entries (the duties of each shift, the total hours, the shifts and days off in a
row, the weekends). `fairness_weight: 0` and `balance_weight: 0` leave the objective the
benchmark's: the weights of the requests not granted plus the cover's. The table shows that
the evaluator agrees (`exact`) and its verdict on every hard rule (`feasible`)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

START = dt.date(2029, 1, 1)  # a Monday; nothing here is a holiday (the program has none)


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_run: int
    min_run: int
    min_off: int
    max_weekends: int


@dataclass(frozen=True)
class Instance:
    name: str
    days: int
    shifts: dict[str, tuple[int, set[str]]]  # id -> (minutes, shifts that cannot follow it)
    staff: list[Staff]
    days_off: dict[str, list[int]]
    on: list[tuple[str, int, str, int]]  # employee, day, shift, weight
    off: list[tuple[str, int, str, int]]
    cover: dict[tuple[int, str], tuple[int, int, int]]  # (day, shift) -> need, under, over


def read_instance(path: Path) -> Instance:
    """One InstanceN.txt: its sections, comments and blank lines skipped."""
    sections: dict[str, list[list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = sections.setdefault(line, [])
        else:
            current.append([part.strip() for part in line.split(",")])
    shifts = {
        row[0]: (int(row[1]), {s for s in row[2].split("|") if s} if len(row) > 2 else set())
        for row in sections["SECTION_SHIFTS"]
    }
    staff = []
    for row in sections["SECTION_STAFF"]:
        counts = dict(part.split("=") for part in row[1].split("|") if part)
        staff.append(
            Staff(row[0], {s: int(n) for s, n in counts.items()}, *(int(x) for x in row[2:8]))
        )
    requests = {
        key: [(r[0], int(r[1]), r[2], int(r[3])) for r in sections.get(key, [])]
        for key in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS")
    }
    return Instance(
        name=path.stem,
        days=int(sections["SECTION_HORIZON"][0][0]),
        shifts=shifts,
        staff=staff,
        days_off={
            row[0]: [int(d) for d in row[1:] if d] for row in sections.get("SECTION_DAYS_OFF", [])
        },
        on=requests["SECTION_SHIFT_ON_REQUESTS"],
        off=requests["SECTION_SHIFT_OFF_REQUESTS"],
        cover={
            (int(r[0]), r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in sections["SECTION_COVER"]
        },
    )


def _day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def to_program(inst: Instance) -> dict:
    """The instance as a program of the call layer (see the module's docstring)."""
    weeks = -(-inst.days // 7)
    calls = []
    for sid, (minutes, _) in inst.shifts.items():
        weights = {inst.cover[d, sid][1:] for d in range(inst.days) if (d, sid) in inst.cover}
        if len(weights) != 1:
            raise ValueError(f"{inst.name}: shift {sid} has cover weights {sorted(weights)}")
        under, over = weights.pop()
        call = {
            "id": f"s-{sid}",
            "name": f"Shift {sid}",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "hours": minutes // 60,
            "eligible_on": ["work"],
            "per_date": {_day(d): inst.cover.get((d, sid), (0,))[0] for d in range(inst.days)},
            "short_weight": under,
            "extra_weight": over,
            "balance_weight": 0,
            "holidays_apart": False,
        }
        before = [f"s-{other}" for other, (_, cannot) in inst.shifts.items() if sid in cannot]
        if before:
            call["not_after"] = before
        wishes = [{"fellow": e, "date": _day(d), "weight": w} for e, d, s, w in inst.on if s == sid]
        avoid = [
            {"fellow": e, "start": _day(d), "end": _day(d), "weight": w}
            for e, d, s, w in inst.off
            if s == sid
        ]
        call |= {"wishes": wishes} if wishes else {}
        call |= {"avoid": avoid} if avoid else {}
        calls.append(call)
    limits = []
    for person in inst.staff:
        for sid, most in person.max_shifts.items():
            if most < inst.days:
                limits.append(
                    {"fellows": [person.id], "calls": [f"s-{sid}"], "duties": {"max": most}}
                )
        limits.append(
            {
                "fellows": [person.id],
                "hours": {"min": person.min_minutes // 60, "max": person.max_minutes // 60},
                "days_running": {"min": person.min_run, "max": person.max_run},
                "days_off_running": person.min_off,
                "weekends": {"max": person.max_weekends},
            }
        )
    leave = [
        {"fellow": e, "start": _day(d), "end": _day(d), "reason": "day off"}
        for e, days in inst.days_off.items()
        for d in days
    ]
    return {
        "program": {
            "id": inst.name.lower(),
            "name": f"Curtois–Qu {inst.name}",
            "timezone": "UTC",
            "start": START,
            "blocks": weeks,
            "block_length": "1 week",
            "fairness_weight": 0,
        },
        "rotations": {"work": {"name": "Work"}},
        "fellows": [{"id": p.id, "name": p.id} for p in inst.staff],
        "leave": leave,
        "call": calls,
        "call_limits": limits,
    }


def evaluate(inst: Instance, roster: dict[tuple[str, int], str]) -> tuple[int, list[str]]:
    """The benchmark's objective of a roster ((employee, day) -> shift) and every hard rule it
    breaks, from the instance's own rules (independent of the program and of our checker)."""
    broken = []
    for person in inst.staff:
        e = person.id
        worked = [roster.get((e, d)) for d in range(inst.days)]
        for sid, most in person.max_shifts.items():
            if sum(s == sid for s in worked) > most:
                broken.append(f"{e}: more than {most} of {sid}")
        minutes = sum(inst.shifts[s][0] for s in worked if s)
        if not person.min_minutes <= minutes <= person.max_minutes:
            broken.append(f"{e}: {minutes} minutes")
        for d in range(inst.days - 1):
            if worked[d] and worked[d + 1] and worked[d + 1] in inst.shifts[worked[d]][1]:
                broken.append(f"{e}: {worked[d + 1]} after {worked[d]} on day {d + 1}")
        busy = [s is not None for s in worked]
        for flags, least, most in (
            (busy, person.min_run, person.max_run),
            ([not b for b in busy], person.min_off, None),
        ):
            for start, length in _runs(flags):
                if most is not None and length > most:
                    broken.append(f"{e}: {length} in a row from day {start}")
                if start > 0 and start + length < inst.days and length < least:
                    broken.append(f"{e}: only {length} in a row from day {start}")
        weekends = sum(bool(worked[d] or worked[d + 1]) for d in range(5, inst.days - 1, 7))
        if weekends > person.max_weekends:
            broken.append(f"{e}: {weekends} weekends")
        for d in inst.days_off.get(e, []):
            if worked[d]:
                broken.append(f"{e}: works on day off {d}")
    cost = sum(w for e, d, s, w in inst.on if roster.get((e, d)) != s)
    cost += sum(w for e, d, s, w in inst.off if roster.get((e, d)) == s)
    for (d, sid), (need, under, over) in inst.cover.items():
        n = sum(roster.get((p.id, d)) == sid for p in inst.staff)
        cost += under * max(0, need - n) + over * max(0, n - need)
    return cost, broken


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first day, length) of every run of true flags."""
    out, start = [], None
    for d, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = d
        elif not flag and start is not None:
            out.append((start, d - start))
            start = None
    return out


def roster_of(publication: dict) -> dict[tuple[str, int], str]:
    """(employee, day) -> shift of a schedule.json's calls."""
    return {
        (x["fellow"], (dt.date.fromisoformat(x["date"]) - START).days): x["call"][2:]
        for x in publication["calls"]
    }


def best_known(folder: Path) -> dict[str, int]:
    """Instance -> the best value bestknown.csv gives: the consensus optimum, else the best
    published in its table, else the recalled (unverified) value."""
    for place in (folder, folder.parent):
        path = place / "bestknown.csv"
        if path.is_file():
            out = {}
            with path.open(newline="") as handle:
                for row in csv.DictReader(handle):
                    for key in (
                        "consensus_optimum",
                        "best_published_in_table",
                        "recalled_bks_UNVERIFIED",
                    ):
                        if row.get(key):
                            out[row["instance"]] = int(row[key])
                            break
            return out
    return {}


def solve(inst: Instance, folder: Path, time_limit: float) -> dict:
    """Convert, run `rotations solve` on it in a fresh process, evaluate: one row."""
    path = folder / "program.yaml"
    path.write_text(yaml.safe_dump(to_program(inst), sort_keys=False, allow_unicode=True))
    out = folder / "out"
    command = [sys.executable, "-m", "rotations", "solve", str(path), "--out", str(out)]
    command += ["--time-limit", str(time_limit)]
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = child.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    row = {
        "instance": inst.name,
        "days": inst.days,
        "staff": len(inst.staff),
        "shifts": len(inst.shifts),
        "wall s": round(time.monotonic() - started, 1),
        "peak MB": usage.ru_maxrss // 1024,
    }
    if not (out / "schedule.json").exists():
        tail = output.strip().splitlines()[-1:] or ["no output"]
        return row | {"status": f"no roster (exit {os.waitstatus_to_exitcode(status)}): {tail[0]}"}
    publication = json.loads((out / "schedule.json").read_text())
    cost, broken = evaluate(inst, roster_of(publication))
    solver = publication["solver"]
    return row | {
        "status": solver["status"],
        "objective": cost,
        "exact": cost == publication["costs"]["soft_total"],
        "feasible": not broken,
        "bound": solver["bound"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--instances", default="Instance*", help="file names, e.g. Instance1?")
    parser.add_argument("--time-limit", type=float, default=600.0)
    args = parser.parse_args()
    folder = args.path / "instances" if (args.path / "instances").is_dir() else args.path
    files = sorted(
        (p for p in folder.glob("*.txt") if fnmatch.fnmatch(p.stem, args.instances)),
        key=lambda p: int("".join(c for c in p.stem if c.isdigit()) or 0),
    )
    known = best_known(folder)
    rows = []
    for path in files:
        inst = read_instance(path)
        with tempfile.TemporaryDirectory() as work:
            row = solve(inst, Path(work), args.time_limit)
        best = known.get(inst.name)
        row["best known"] = best
        if best and row.get("objective") is not None:
            row["gap %"] = round(100 * (row["objective"] - best) / best, 2)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    columns = ["instance", "days", "staff", "shifts", "status", "objective", "best known"]
    columns += ["gap %", "bound", "exact", "feasible", "wall s", "peak MB"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")


if __name__ == "__main__":
    main()
