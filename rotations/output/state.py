"""schedule.json: everything needed to reschedule and to republish calendars."""

from __future__ import annotations

import json
from typing import Any

from rotations.check import Violation
from rotations.output.tables import conference_rows, role_counts
from rotations.problem import Problem
from rotations.schedule import Role, Schedule, SolverStats

FORMAT = "rotations/schedule@1"


def violation_record(v: Violation) -> dict[str, Any]:
    return {
        "rule": v.key,
        "label": v.label,
        "type": v.kind,
        "fellow": v.fellow,
        "block": v.block,
        "cost": v.cost,
        "message": v.message,
    }


def schedule_state(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    events: dict[str, dict],
) -> dict[str, Any]:
    program = problem.program
    stats = schedule.solver
    soft = [v for v in violations if not v.hard]
    per_fellow: dict[str, int] = {f.id: 0 for f in problem.fellows}
    for v in soft:
        if v.fellow is not None:
            per_fellow[v.fellow] += v.cost
    return {
        "format": FORMAT,
        "program": {
            "id": program.id,
            "name": program.name,
            "timezone": program.timezone,
            "start": program.start.isoformat(),
            "blocks": program.blocks,
            "block_length": program.block_length,
        },
        "config_digest": problem.digest,
        "solver": {
            "status": stats.status,
            "optimal": stats.optimal,
            "objective": stats.objective,
            "bound": stats.bound,
            "gap": stats.gap,
            "wall_time": stats.wall_time,
            "deterministic_time": stats.deterministic_time,
            "time_limit": stats.time_limit,
            "seed": stats.seed,
            "workers": stats.workers,
        },
        "blocks": [
            {"number": b.number, "start": b.start.isoformat(), "end": b.end.isoformat()}
            for b in problem.blocks
        ],
        "fellows": [{"id": f.id, "name": f.name} for f in problem.fellows],
        "rotations": {rid: problem.rotation(rid).name for rid in problem.rotations},
        "assignments": schedule.assignments,
        "costs": {
            "soft_total": sum(v.cost for v in soft),
            "worst_fellow_wish_cost": schedule.worst_wish_cost,
            "per_fellow": per_fellow,
        },
        "violations": [violation_record(v) for v in soft],
        "relaxed": schedule.relaxed,
        "broken_hard_rules": [violation_record(v) for v in violations if v.hard],
        "conferences": [
            {"id": c.id, "name": c.name, "time": c.time, "duration_minutes": c.duration_minutes}
            for c in problem.conferences
        ],
        "roles": conference_rows(problem, schedule),
        "role_counts": role_counts(problem, schedule),
        "events": events,
    }


def state_json(state: dict[str, Any]) -> bytes:
    return (json.dumps(state, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def schedule_from_state(state: dict[str, Any]) -> Schedule:
    """The Schedule a schedule.json describes (assignments, conference roles, solver status)."""
    solver = state["solver"]
    roles = [
        Role(r["date"], r["conference"], r["role"], r["person"], r["discipline"])
        for r in state.get("roles", [])
    ]
    return Schedule(
        assignments=state["assignments"],
        solver=SolverStats(
            status=solver["status"], objective=solver["objective"], bound=solver["bound"]
        ),
        worst_wish_cost=state["costs"]["worst_fellow_wish_cost"],
        roles=sorted(roles),
    )
