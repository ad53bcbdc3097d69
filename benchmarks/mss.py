"""Run the Medical Student Scheduling benchmark: convert each instance into a program, solve it
with `rotations solve`, score our schedule with an evaluator of the benchmark's own model and
print a table against the best-known scores.

    python3 benchmarks/mss.py PATH_TO_MSS_DATA [--instances GLOB] [--time-limit 600]

PATH_TO_MSS_DATA is a checkout of github.com/eugeniazanazzo/MSS_Data (the instances of
Akbarzadeh and Maenhout, "An exact branch-and-price approach for the medical student scheduling
problem", and the 30 generated ones with the best scores of Zanazzo, Ceschia, Dovier and
Schaerf); nothing of it is kept here. GLOB picks instances by path inside it, e.g.
'Instances/Generated/I40_*'.

The problem (Software/Minizinc/mss.mzn): students x disciplines x hospitals x periods; each
student takes, per group of disciplines, a given number of them, each for `Duration`
consecutive periods at one hospital, at most once, only where allowed and able, only when
available; capacities per hospital, discipline and period (min and max); precedences; at most
`MaxDiscPerHosp` disciplines per hospital. The score, maximised, is every student's
satisfaction plus the worst student's: rewards for the disciplines and hospitals taken, the
manager's preferences, and (negative) weights per change of hospital and per idle period
before the student's last one.

The conversion (to_program) is exact: students are fellows, disciplines rotations offered at
the hospitals (`sites:`), periods blocks, idle periods the rotation `none`; availability pins,
ability and permission `allowed`, groups requirement groups, each discipline a stint of exactly
`Duration` blocks and at most that many, precedences `before` with `requires_first`, the
hospital limit `sites.<h>.max_blocks`. The rewards become costs of the same sum: a `want` per
discipline (weight Duration x reward, paid when not taken), a `prefer_site` per hospital
(weight its reward, paid per block elsewhere: the blocks at hospitals are fixed by the
groups), `site_change` and `idle` (Duration x the negative weights). Then every student's cost
is Duration x (C_s - satisfaction_s) for a constant C_s; with `prior_cost` Duration x
(max C - C_s) and `fairness_weight` 1 the objective is Duration x (sum C + max C - score), so
score = sum C + max C - objective / Duration, and a proven bound of ours is a proven upper
bound of the score. The table shows that both agree (`exact`) and the evaluator's verdict on
every hard constraint (`feasible`)."""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

# ---- Reading a .dzn ----------------------------------------------------------------------

_ASSIGN = re.compile(r"(\w+)\s*=\s*(.*?);", re.S)


def read_dzn(text: str) -> dict[str, int | list]:
    """The assignments of a MiniZinc data file: integers, and arrays as nested lists (1-d
    `[..]`, 2-d `[| .. | .. |]`, `arrayNd(ranges, [..])` by the sizes of the scalars)."""
    text = re.sub(r"%[^\n]*", "", text)
    values: dict[str, int | list] = {}
    for name, body in _ASSIGN.findall(text):
        body = body.strip()
        if re.fullmatch(r"-?\d+", body):
            values[name] = int(body)
        elif body.startswith("[|"):
            rows = body[2:-2].split("|")
            values[name] = [[int(x) for x in re.findall(r"-?\d+", row)] for row in rows]
        elif body.startswith("array"):
            ranges, flat = body.split("[", 1)
            sizes = [values[n] for n in re.findall(r"1\.\.(\w+)", ranges)]
            numbers = [int(x) for x in re.findall(r"-?\d+", flat)]
            values[name] = _shape(numbers, sizes)
        else:
            values[name] = [int(x) for x in re.findall(r"-?\d+", body)]
    return values


def _shape(numbers: list[int], sizes: list[int]) -> list:
    if len(sizes) == 1:
        return numbers
    step = len(numbers) // sizes[0]
    return [_shape(numbers[i * step : (i + 1) * step], sizes[1:]) for i in range(sizes[0])]


@dataclass(frozen=True)
class Instance:
    """An MSS instance, 0-based: s student, t period, h hospital, d discipline, g group."""

    name: str
    students: int
    horizon: int
    hospitals: int
    duration: int
    disciplines: int
    groups: int
    max_per_hospital: int
    group_of: list[int]  # d -> g
    counts: list[list[int]]  # s, g -> disciplines to take
    allowed: list[list[int]]  # s, d
    preceded_by: list[list[int]]  # d, d1: d needs d1 before it
    available: list[list[int]]  # s, t
    able: list[list[list[int]]]  # s, h, d
    most: list[list[list[int]]]  # h, d, t
    least: list[list[list[int]]]  # h, d, t
    weights: list[list[int]]  # s -> discipline, hospital, change, idle
    likes: list[list[int]]  # s, d
    likes_hospital: list[list[int]]  # s, h
    manager: list[int]  # d


def instance(name: str, text: str) -> Instance:
    v = read_dzn(text)
    return Instance(
        name=name,
        students=v["Students"],
        horizon=v["Horizon"],
        hospitals=v["Hospitals"],
        duration=v["Duration"],
        disciplines=v["Disciplines"],
        groups=v["Groups"],
        max_per_hospital=v["MaxDiscPerHosp"],
        group_of=[g - 1 for g in v["DiscGroup"]],
        counts=_rows(v["StudDiscGroup"], v["Groups"]),
        allowed=_rows(v["AllowedDisc"], v["Disciplines"]),
        preceded_by=_rows(v["Precededby"], v["Disciplines"]),
        available=_rows(v["Availability"], v["Horizon"]),
        able=v["Ability"],
        most=v["MaxPosHosp"],
        least=v["MinPosHosp"],
        weights=_rows(v["WeightPref"], 4),
        likes=_rows(v["PrefStudDisc"], v["Disciplines"]),
        likes_hospital=_rows(v["PrefStudHosp"], v["Hospitals"]),
        manager=v["ManPref"],
    )


def _rows(value: list, width: int) -> list[list[int]]:
    """A 2-d array, whether written as rows or flat."""
    if value and isinstance(value[0], list):
        return [row for row in value if row]
    return [value[i : i + width] for i in range(0, len(value), width)]


# ---- The evaluator: mss.mzn's constraints and score, on schedule[s][t] = (h, d) or None ----


def evaluate(inst: Instance, plan: list[list[tuple[int, int] | None]]) -> tuple[int, list[str]]:
    """The MSS score of `plan` and every hard constraint it breaks (in words)."""
    broken: list[str] = []
    S, T, H, D, L = inst.students, inst.horizon, inst.hospitals, inst.disciplines, inst.duration
    total = 0
    worst = None
    for s in range(S):
        row = plan[s]
        taken = [0] * D
        periods: dict[int, list[tuple[int, int]]] = {}
        for t, cell in enumerate(row):
            if cell is None:
                continue
            h, d = cell
            periods.setdefault(d, []).append((t, h))
            if not inst.available[s][t]:
                broken.append(f"student {s + 1} works in period {t + 1}, unavailable")
            if not inst.able[s][h][d]:
                broken.append(f"student {s + 1} unable for discipline {d + 1} at hospital {h + 1}")
            if not inst.allowed[s][d]:
                broken.append(f"student {s + 1} not allowed discipline {d + 1}")
        for d, cells in periods.items():
            ts, hs = [t for t, _ in cells], {h for _, h in cells}
            if len(ts) != L or ts != list(range(ts[0], ts[0] + L)) or len(hs) != 1:
                broken.append(
                    f"student {s + 1}: discipline {d + 1} is not {L} periods at one hospital"
                )
            taken[d] = len(ts) // L
            for d1 in range(D):
                if inst.preceded_by[d][d1] and not any(
                    t1 <= ts[0] for t1, _ in periods.get(d1, [])
                ):
                    broken.append(f"student {s + 1}: discipline {d + 1} before {d1 + 1}")
        for g in range(inst.groups):
            got = sum(len(c) for d, c in periods.items() if inst.group_of[d] == g)
            need = inst.counts[s][g] * L
            if got != need:
                broken.append(f"student {s + 1}: {got} periods in group {g + 1}, {need} needed")
        for h in range(H):
            if sum(1 for c in row if c is not None and c[0] == h) // L > inst.max_per_hospital:
                broken.append(f"student {s + 1}: too many disciplines at hospital {h + 1}")
        w = inst.weights[s]
        sat_disc = sum(w[0] * inst.likes[s][d] * taken[d] for d in range(D))
        sat_hosp = sum(w[1] * inst.likes_hospital[s][c[0]] for c in row if c is not None) // L
        sat_man = sum(inst.manager[d] * taken[d] for d in range(D))
        attending = [c is not None for c in row]
        later = [any(attending[t:]) for t in range(T)]
        sat_wait = sum(w[3] * (not attending[t]) * later[t] for t in range(T - 1))
        last, chh = 0, []  # the last hospital attended up to each period (1-based, 0: none)
        for c in row:
            last = c[0] + 1 if c is not None else last
            chh.append(last)
        changes = sum(1 for t in range(T - 1) if chh[t] != 0 and chh[t] != chh[t + 1])
        sat = sat_disc + sat_hosp + sat_man + w[2] * changes + sat_wait
        total += sat
        worst = sat if worst is None else min(worst, sat)
    seats = Counter((cell, t) for row in plan for t, cell in enumerate(row) if cell is not None)
    for h in range(H):
        for d in range(D):
            for t in range(T):
                n = seats[(h, d), t]
                if not inst.least[h][d][t] <= n <= inst.most[h][d][t]:
                    broken.append(
                        f"{n} students at hospital {h + 1}, discipline {d + 1}, period {t + 1}: "
                        f"{inst.least[h][d][t]}..{inst.most[h][d][t]}"
                    )
    return total + (worst or 0), broken


# ---- The conversion ------------------------------------------------------------------------

NONE = "none"  # the rotation of a period without a discipline


def _site(h: int) -> str:
    return f"h{h + 1}"


def _rotation(d: int) -> str:
    return f"d{d + 1}"


def rewards(inst: Instance) -> tuple[list[list[int]], list[int]]:
    """Each student's reward per discipline taken (W1 x liking + the manager's), and C_s: the
    most their discipline and hospital rewards can come to (see the module docstring)."""
    per = [
        [inst.weights[s][0] * inst.likes[s][d] + inst.manager[d] for d in range(inst.disciplines)]
        for s in range(inst.students)
    ]
    constant = []
    for s in range(inst.students):
        wanted = sum(r for d, r in enumerate(per[s]) if _may_take(inst, s, d) and r > 0)
        stints = sum(inst.counts[s])
        constant.append(wanted + stints * inst.weights[s][1] * sum(inst.likes_hospital[s]))
    return per, constant


def _may_take(inst: Instance, s: int, d: int) -> bool:
    return bool(inst.allowed[s][d]) and any(inst.able[s][h][d] for h in range(inst.hospitals))


def to_program(inst: Instance) -> tuple[dict, int]:
    """The program of an instance, and the constant K with score = K - objective / Duration."""
    S, T, H, D, L = inst.students, inst.horizon, inst.hospitals, inst.disciplines, inst.duration
    for s in range(S):
        w = inst.weights[s]
        if w[0] < 0 or w[1] < 0 or w[2] > 0 or w[3] > 0:
            raise ValueError(f"student {s + 1}: weights {w} are not rewards, rewards, costs, costs")
    per, constant = rewards(inst)
    top = max(constant)
    sites = {_site(h): {"name": f"Hospital {h + 1}"} for h in range(H)}
    if inst.max_per_hospital * L < T:
        for h in range(H):
            sites[_site(h)]["max_blocks"] = inst.max_per_hospital * L
    rotations: dict[str, dict] = {}
    for d in range(D):
        offered = {}
        for h in range(H):
            counts = [{"min": inst.least[h][d][t], "max": inst.most[h][d][t]} for t in range(T)]
            usual = max(counts, key=counts.count)
            blocks = {t + 1: c for t, c in enumerate(counts) if c != usual}
            offered[_site(h)] = {"staffing": usual} | ({"blocks": blocks} if blocks else {})
        rotations[_rotation(d)] = {"name": f"Discipline {d + 1}", "sites": offered}
        if L > 1:
            rotations[_rotation(d)]["stint"] = L
    rotations[NONE] = {"name": "No discipline"}
    fellows, rules = [], []
    for s in range(S):
        fid = f"s{s + 1}"
        allowed = [NONE]
        for d in range(D):
            if not inst.allowed[s][d]:
                continue
            able = [h for h in range(H) if inst.able[s][h][d]]
            if len(able) == H:
                allowed.append(_rotation(d))
            else:
                allowed += [f"{_rotation(d)}@{_site(h)}" for h in able]
        groups = {}
        for g in range(inst.groups):
            members = [_rotation(d) for d in range(D) if inst.group_of[d] == g]
            if len(members) > 1:
                groups[f"group{g + 1}"] = {"any_of": members, "count": inst.counts[s][g]}
            elif members:  # a group of one: that rotation, for Duration blocks or none
                groups[members[0]] = inst.counts[s][g] * L
        fellow = {"id": fid, "name": f"Student {s + 1}", "requirements": groups}
        if allowed != [NONE, *map(_rotation, range(D))]:
            fellow["allowed"] = allowed
        if top > constant[s]:
            fellow["prior_cost"] = L * (top - constant[s])
        fellows.append(fellow)
        away = [t + 1 for t in range(T) if not inst.available[s][t]]
        if away:
            rules.append({"type": "pin", "fellow": fid, "rotation": NONE, "blocks": away})
        for d in range(D):
            if _may_take(inst, s, d) and per[s][d] > 0:
                rules.append(
                    {
                        "type": "want",
                        "fellow": fid,
                        "rotation": _rotation(d),
                        "weight": L * per[s][d],
                    }
                )
        w = inst.weights[s]
        for h in range(H):
            if w[1] * inst.likes_hospital[s][h] > 0:
                weight = w[1] * inst.likes_hospital[s][h]
                rules.append(
                    {"type": "prefer_site", "fellow": fid, "site": _site(h), "weight": weight}
                )
        if w[2]:
            rules.append({"type": "site_change", "fellows": [fid], "weight": -L * w[2]})
        if w[3]:
            rules.append({"type": "idle", "fellows": [fid], "rotation": NONE, "weight": -L * w[3]})
    for d in range(D):
        for d1 in range(D):
            if inst.preceded_by[d][d1]:
                rules.append(
                    {
                        "type": "before",
                        "first": _rotation(d1),
                        "then": _rotation(d),
                        "requires_first": True,
                    }
                )
    program = {
        "program": {
            "id": re.sub(r"[^A-Za-z0-9_.-]", "-", inst.name)[:31],
            "name": f"MSS {inst.name}",
            "timezone": "UTC",
            "start": "2027-01-04",
            "blocks": T,
            "fairness_weight": 1,
        },
        "sites": sites,
        "rotations": rotations,
        "requirements": {_rotation(d): {"max": L} for d in range(D)},
        "fellows": fellows,
        "rules": rules,
    }
    return program, sum(constant) + top


def plan_of(inst: Instance, publication: dict) -> list[list[tuple[int, int] | None]]:
    """schedule[s][t] of a schedule.json written for the instance's program."""
    plan = []
    for s in range(inst.students):
        fid = f"s{s + 1}"
        row = []
        for t, rid in enumerate(publication["assignments"][fid]):
            if rid in (None, NONE):
                row.append(None)
            else:
                site = publication["sites"][fid][t]
                row.append((int(site[1:]) - 1, int(rid[1:]) - 1))
        plan.append(row)
    return plan


# ---- Best-known scores ---------------------------------------------------------------------


def best_known(root: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Instance name -> the best score known (the generated instances' solutions and result
    tables), and -> the least upper bound on it their MIP proved (its `lower_bound` column:
    the MIP minimises the negated score)."""
    best: dict[str, int] = {}
    bounds: dict[str, int] = {}
    for table in sorted((root / "Software").glob("best_results_*.csv")):
        with table.open() as f:
            for row in csv.DictReader(f):
                name = Path(row["Instance"]).name.removesuffix(".dzn")
                if not name.endswith(("_1", "_2", "_4")):
                    name += "_1"  # the compact table's runs are of Duration 1
                best[name] = max(best.get(name, 0), int(float(row["score"])))
                bound = int(float(row["lower_bound"]))
                if best[name] <= bound <= 2 * best[name]:  # I240_24_1 has 5,488,957: none
                    bounds[name] = min(bounds.get(name, bound), bound)
    for sol in sorted((root / "Instances" / "Generated" / "Solutions").glob("*-sol.dzn")):
        found = re.search(r"maximizes is (\d+)", sol.read_text(errors="replace"))
        if found:
            name = sol.name.removesuffix("-sol.dzn")
            best[name] = max(best.get(name, 0), int(found[1]))
    return best, bounds


# ---- Running -------------------------------------------------------------------------------


RULES_PER_FILE = 2000  # a program file is at most 1 MB: the rules go to included files


def write_program(program: dict, folder: Path) -> Path:
    """program.yaml, its rules in files it includes of RULES_PER_FILE rules each."""
    rules = program["rules"]
    chunks = [rules[i : i + RULES_PER_FILE] for i in range(0, len(rules), RULES_PER_FILE)]
    names = [f"rules-{k + 1}.yaml" for k in range(len(chunks))]
    for name, chunk in zip(names, chunks, strict=True):
        (folder / name).write_text(yaml.safe_dump({"rules": chunk}, sort_keys=False))
    main = {"include": names} | {k: v for k, v in program.items() if k != "rules"}
    path = folder / "program.yaml"
    path.write_text(yaml.safe_dump(main, sort_keys=False))
    return path


def solve(inst: Instance, folder: Path, time_limit: float) -> dict:
    """Convert, run `rotations solve` on it in a fresh process, evaluate: one row."""
    program, constant = to_program(inst)
    path = write_program(program, folder)
    out = folder / "out"
    command = [sys.executable, "-m", "rotations", "solve", str(path), "--out", str(out)]
    command += ["--time-limit", str(time_limit)]
    started = time.monotonic()
    # The rotations beside this script (a clean clone's, say), not whichever is installed.
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = child.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    row = {
        "instance": inst.name,
        "students": inst.students,
        "periods": inst.horizon,
        "hospitals": inst.hospitals,
        "duration": inst.duration,
        "wall s": round(wall, 1),
        "peak MB": usage.ru_maxrss // 1024,
    }
    if not (out / "schedule.json").exists():
        tail = output.strip().splitlines()[-1:] or ["no output"]
        return row | {
            "status": f"no schedule (exit {os.waitstatus_to_exitcode(status)}): {tail[0]}"
        }
    publication = json.loads((out / "schedule.json").read_text())
    solver = publication["solver"]
    score, broken = evaluate(inst, plan_of(inst, publication))
    bound = solver["bound"]
    # The objective of the schedule as the checker costs it (the solver's may be above it when
    # the search stopped before every violated literal was tightened to the rules).
    costs = publication["costs"]
    prior = {f["id"]: f.get("prior_cost", 0) for f in program["fellows"]}
    checked = costs["soft_total"] + max(c + prior[f] for f, c in costs["per_fellow"].items())
    row |= {
        "status": solver["status"],
        "score": score,
        "exact": score * inst.duration == constant * inst.duration - checked,
        "feasible": not broken,
        "score bound": math.floor(constant - bound / inst.duration) if bound is not None else None,
    }
    if broken:
        row["broken"] = broken[:3]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a checkout of eugeniazanazzo/MSS_Data")
    parser.add_argument("--instances", default="Instances/*/*.dzn", help="glob inside it")
    parser.add_argument("--time-limit", type=float, default=600.0)
    args = parser.parse_args()
    paths = sorted(
        p
        for p in args.root.glob("Instances/**/*.dzn")
        if fnmatch.fnmatch(str(p.relative_to(args.root)), args.instances)
        and "Solutions" not in p.parts
    )
    if not paths:
        sys.exit(f"no instance matches {args.instances} under {args.root}")
    best, bounds = best_known(args.root)
    rows = []
    for path in paths:
        inst = instance(path.stem, path.read_text())
        with tempfile.TemporaryDirectory() as tmp:
            row = solve(inst, Path(tmp), args.time_limit)
        known = best.get(inst.name)
        row["best known"], row["their bound"] = known, bounds.get(inst.name)
        if known and row.get("score") is not None:
            row["gap %"] = round(100 * (known - row["score"]) / known, 2)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print_table(rows)


COLUMNS = (
    "instance",
    "students",
    "periods",
    "hospitals",
    "duration",
    "status",
    "score",
    "best known",
    "gap %",
    "score bound",
    "exact",
    "feasible",
    "wall s",
    "peak MB",
)


def print_table(rows: list[dict]) -> None:
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in rows:
        print(
            "| " + " | ".join("" if row.get(c) is None else str(row.get(c)) for c in COLUMNS) + " |"
        )
    ratios = [
        row["score"] / row["best known"]
        for row in rows
        if row.get("score") and row.get("best known")
    ]
    if ratios:
        print(
            f"\nmedian score / best known: {100 * statistics.median(ratios):.2f} %; "
            f"above best known: {sum(r > 1 for r in ratios)} of {len(ratios)}"
        )


if __name__ == "__main__":
    main()
