"""Generated programs at fixed seeds: the example's rotations and rules, scaled to n fellows."""

from __future__ import annotations

import datetime as dt
import random

SIZES = {"S": 6, "E": 12, "L": 120}

ROTATIONS = {
    # id: (name, staffing min per 6 fellows, max per 6, stint, leave forbidden)
    "procedures": ("Interventional Procedures", 2, 3, {"min": 2, "max": 4}, False),
    "clinic": ("Pain Clinic", 1, 2, {"min": 1, "max": 4}, False),
    "acute": ("Acute Pain Service", 1, 1, {"min": 2, "max": 3}, True),
    "neurology": ("Neurology", 0, 1, 2, False),
    "psychology": ("Pain Psychology & Psychiatry", 0, 1, 2, False),
    "pt": ("Physical Therapy & Rehabilitation", 0, 1, 2, False),
    "palliative": ("Palliative Care", 0, 1, {"min": 2, "max": 4}, True),
    "elective": ("Research / Elective", 0, 2, None, False),
}
REQUIREMENTS = {
    "procedures": {"min": 16, "max": 20},
    "clinic": {"min": 8, "max": 12},
    "acute": {"min": 8, "max": 10},
    "neurology": 2,
    "psychology": 2,
    "pt": 2,
    "palliative": 4,
    "elective": {"min": 4, "max": 6},
}
TAGS = ["anesthesiology", "pmr", "neurology", "psychiatry"]


def generate(fellows: int, seed: int = 0, blocks: int = 52) -> dict:
    """A program of `fellows` fellows and weekly blocks, deterministic for a seed."""
    rng = random.Random(seed)
    k = fellows / 6
    start = dt.date(2027, 7, 5)
    rotations = {}
    for rid, (name, lo, hi, stint, forbidden) in ROTATIONS.items():
        spec: dict = {"name": name, "staffing": {"min": round(lo * k), "max": round(hi * k)}}
        if stint is not None:
            spec["stint"] = stint
        if forbidden:
            spec["leave"] = "forbidden"
        rotations[rid] = spec
    people = [
        {"id": f"f{i:03d}", "name": f"Fellow {i:03d}", "tags": [TAGS[i % len(TAGS)]]}
        for i in range(fellows)
    ]
    leave = []
    for person in people:
        week = rng.randrange(4, blocks - 2)
        first = start + dt.timedelta(weeks=week)
        leave.append(
            {
                "fellow": person["id"],
                "start": first,
                "end": first + dt.timedelta(4),
                "reason": "vacation",
            }
        )
    rules: list[dict] = [
        {
            "name": "Core months first",
            "type": "window",
            "rotation": "elective",
            "not_before": dt.date(2027, 9, 1),
        },
        {
            "name": "Neurology before Palliative",
            "type": "before",
            "first": "neurology",
            "then": "palliative",
        },
        {"name": "Rest between acute stints", "type": "gap", "rotation": "acute", "min_blocks": 4},
        {
            "name": "Six straight weeks at most",
            "type": "max_consecutive",
            "rotations": ["procedures", "acute"],
            "blocks": 6,
        },
        {
            "name": "No acute into palliative",
            "type": "forbid_sequence",
            "from": "acute",
            "to": "palliative",
        },
        {"name": "Leave spread", "type": "max_concurrent_leave", "max": max(2, round(k))},
        {
            "name": "Procedure gaps",
            "type": "gap",
            "rotation": "procedures",
            "min_blocks": 2,
            "weight": 1,
        },
    ]
    for person in rng.sample(people, k=max(2, fellows // 3)):
        week = rng.randrange(8, blocks - 2)
        day = start + dt.timedelta(weeks=week)
        kind = rng.choice(["prefer", "avoid"])
        rotation = rng.choice(["elective", "pt"] if kind == "prefer" else ["acute", "procedures"])
        rules.append(
            {
                "type": kind,
                "fellow": person["id"],
                "rotation": rotation,
                "start": day,
                "end": day + dt.timedelta(6),
                "weight": rng.randint(1, 5),
            }
        )
    return {
        "program": {
            "id": f"bench-{fellows}",
            "name": f"Benchmark {fellows}",
            "timezone": "America/Chicago",
            "start": start,
            "blocks": blocks,
            "block_length": "1 week",
            "holidays": "US",
        },
        "rotations": rotations,
        "fellows": people,
        "requirements": REQUIREMENTS,
        "leave": leave,
        "rules": rules,
    }


def make_infeasible(config: dict) -> dict:
    """Add two windows that, with `before` and the requirements, no schedule can keep: a
    conflict only the solver finds (the arithmetic pre-checks pass)."""
    config["rules"] += [
        {
            "name": "Neurology in spring",
            "type": "window",
            "rotation": "neurology",
            "not_before": dt.date(2028, 1, 3),
        },
        {
            "name": "Palliative in autumn",
            "type": "window",
            "rotation": "palliative",
            "not_after": dt.date(2027, 12, 31),
        },
    ]
    return config
