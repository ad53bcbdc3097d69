"""Time the pipeline on the bundled example and on generated programs; print a table.

python3 benchmarks/run.py [--time-limit 60] [--sizes S,L] [--workers 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import SIZES, generate, make_infeasible  # noqa: E402
from rotations.check import check  # noqa: E402
from rotations.config import load_config  # noqa: E402
from rotations.explain import arithmetic_conflicts, minimal_conflict  # noqa: E402
from rotations.model import build_model  # noqa: E402
from rotations.output import render  # noqa: E402
from rotations.problem import resolve  # noqa: E402
from rotations.reschedule import load_previous, reschedule  # noqa: E402
from rotations.solve import SolveOptions, solve_model  # noqa: E402

EXAMPLE = ROOT / "examples" / "pain-fellowship" / "program.yaml"


def measure(name: str, path: Path, options: SolveOptions) -> dict:
    t0 = time.perf_counter()
    problem = resolve(load_config(path))
    t1 = time.perf_counter()
    model = build_model(problem)
    t2 = time.perf_counter()
    first: list[float] = []

    def progress(elapsed: float, best: int | None, bound: int | None) -> None:
        if best is not None and not first:
            first.append(elapsed)

    result = solve_model(problem, model, options, progress)
    t3 = time.perf_counter()
    hard = None
    if result.schedule is not None:
        hard = sum(v.hard for v in check(problem, result.schedule))
    stats = result.stats
    return {
        "program": name,
        "fellows": len(problem.fellows),
        "blocks": len(problem.blocks),
        "load s": f"{t1 - t0:.2f}",
        "build s": f"{t2 - t1:.2f}",
        "first s": f"{first[0]:.2f}" if first else "-",
        "solve s": f"{t3 - t2:.2f}",
        "status": stats.status,
        "objective": stats.objective,
        "bound": stats.bound,
        "gap": "-" if stats.gap is None else f"{100 * stats.gap:.1f}%",
        "hard violations": hard,
        "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def measure_reschedule(name: str, path: Path, options: SolveOptions, tmp: Path) -> dict:
    """Publish a schedule, add one week of leave in the middle of the year, reschedule."""
    problem = resolve(load_config(path))
    result = solve_model(problem, build_model(problem), options)
    row = {
        "program": f"{name} + 1 leave",
        "fellows": len(problem.fellows),
        "reschedule s": "-",
        "status": result.stats.status,
        "weighted changes": "-",
        "proven minimal": "-",
    }
    if result.schedule is None:
        return row
    published = tmp / f"{name}-published.json"
    published.write_bytes(render(problem, result.schedule, [])["schedule.json"])
    config = yaml.safe_load(path.read_text())
    middle = problem.blocks[len(problem.blocks) // 2]
    fellow = next(
        f
        for f, rots in result.schedule.assignments.items()
        if problem.rotation(rots[middle.index]).leave == "forbidden"
    )
    config.setdefault("leave", []).append(
        {"fellow": fellow, "start": middle.start, "end": middle.end, "reason": "family leave"}
    )
    changed = tmp / f"{name}-changed.yaml"
    changed.write_text(yaml.safe_dump(config, sort_keys=False))
    for include in config.get("include", []):
        (tmp / include).write_text((path.parent / include).read_text())
    problem = resolve(load_config(changed))
    freeze = problem.blocks[len(problem.blocks) // 3].start
    t0 = time.perf_counter()
    done = reschedule(problem, load_previous(published, problem), freeze, options)
    row.update(
        {
            "reschedule s": f"{time.perf_counter() - t0:.2f}",
            "status": done.result.stats.status,
            "weighted changes": done.changes,
            "proven minimal": done.proven_minimal,
        }
    )
    return row


def measure_explain(name: str, path: Path) -> dict:
    """Time to the minimal conflicting set of an infeasible program."""
    problem = resolve(load_config(path))
    t0 = time.perf_counter()
    quick = arithmetic_conflicts(problem)
    conflict = quick[0] if quick else minimal_conflict(problem)
    t1 = time.perf_counter()
    return {
        "program": f"{name} (infeasible)",
        "fellows": len(problem.fellows),
        "blocks": len(problem.blocks),
        "explain s": f"{t1 - t0:.2f}",
        "members": len(conflict.members) if conflict else 0,
        "proven minimal": conflict.proven_minimal if conflict else "-",
    }


def print_table(rows: list[dict]) -> None:
    columns = list(rows[0])
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", default="example,S,L")
    parser.add_argument("--explain", default="E", help="sizes to make infeasible and explain")
    parser.add_argument("--reschedule", default="example", help="programs to reschedule")
    args = parser.parse_args()
    options = SolveOptions(time_limit=args.time_limit, seed=0, workers=args.workers)
    rows, explained, rescheduled = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for size in filter(None, args.sizes.split(",")):
            if size == "example":
                rows.append(measure("example", EXAMPLE, options))
                continue
            path = Path(tmp) / f"{size}.yaml"
            path.write_text(yaml.safe_dump(generate(SIZES[size], seed=0), sort_keys=False))
            rows.append(measure(size, path, options))
        for size in filter(None, args.explain.split(",")):
            path = Path(tmp) / f"{size}-infeasible.yaml"
            config = make_infeasible(generate(SIZES[size], seed=0))
            path.write_text(yaml.safe_dump(config, sort_keys=False))
            explained.append(measure_explain(size, path))
        for size in filter(None, args.reschedule.split(",")):
            path = EXAMPLE if size == "example" else Path(tmp) / f"{size}.yaml"
            if size != "example":
                path.write_text(yaml.safe_dump(generate(SIZES[size], seed=0), sort_keys=False))
            rescheduled.append(measure_reschedule(size, path, options, Path(tmp)))
    for table in (rows, explained, rescheduled):
        if table:
            print_table(table)


if __name__ == "__main__":
    main()
