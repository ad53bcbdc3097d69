"""schedule.csv: one row per fellow per block (the column contract of DESIGN.md)."""

from __future__ import annotations

import csv
import io

from rotations.problem import Problem
from rotations.schedule import Schedule

SCHEDULE_COLUMNS = ("fellow", "fellow_name", "block", "start", "end", "rotation", "rotation_name")


def schedule_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str | int]]:
    rows = []
    for fellow in problem.fellows:
        for block in problem.blocks:
            rid = schedule.rotation_of(fellow.id, block.index)
            rows.append(
                {
                    "fellow": fellow.id,
                    "fellow_name": fellow.name,
                    "block": block.number,
                    "start": block.start.isoformat(),
                    "end": block.end.isoformat(),
                    "rotation": rid,
                    "rotation_name": problem.rotation(rid).name,
                }
            )
    return rows


def schedule_csv(problem: Problem, schedule: Schedule) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCHEDULE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(schedule_rows(problem, schedule))
    return buffer.getvalue().encode("utf-8")
