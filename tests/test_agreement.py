"""The model and the checker agree on what every soft rule costs, rule by rule, for random
small programs (with sites) and random schedules (hypothesis, derandomized): the typed rules,
requested leave, and soft procedure targets (expected cases from random exposures, leave included).

The schedule is fixed in the model and the model minimised: a violated literal is then 1 only
where the rule really breaks, so its penalty per rule must equal the checker's cost per rule.
Leave requests are granted as the model decides, and the checker is handed the same answer."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rotations.check import check
from rotations.config import load_config
from rotations.config.rules import RULE_TYPES
from rotations.model import build_model
from rotations.outcome import SolveOptions, read_schedule
from rotations.problem import resolve
from rotations.solve import solver_for
from tests.conftest import program, write_yaml

FELLOWS = ["ana", "ben", "cy"]
ROTATIONS = ["a", "b", "c"]
START = dt.date(2027, 7, 5)  # six weekly blocks to 2027-08-15
# Sites: a is offered at x and y, b at x, c at none.
OFFERED = {"a": ["x", "y"], "b": ["x"], "c": []}
DAYS = st.integers(min_value=0, max_value=41).map(lambda n: START + dt.timedelta(days=n))


def span() -> st.SearchStrategy[tuple[dt.date, dt.date]]:
    return st.tuples(DAYS, DAYS).map(sorted).map(tuple)


@st.composite
def rule(draw, kind: str) -> dict:
    rotation = draw(st.sampled_from(ROTATIONS))
    other = draw(st.sampled_from([r for r in ROTATIONS if r != rotation]))
    fellow = draw(st.sampled_from(FELLOWS))
    start, end = draw(span())
    body = {
        "gap": {"rotation": rotation, "min_blocks": draw(st.integers(1, 4))},
        "before": {"first": rotation, "then": other},
        "window": {"rotation": rotation, "not_before": start, "not_after": end},
        "max_consecutive": {"rotations": [rotation, other], "blocks": draw(st.integers(1, 4))},
        "forbid_sequence": {"from": rotation, "to": other},
        "max_concurrent_leave": {"max": draw(st.integers(0, 2))},
        "pin": {
            "fellow": fellow,
            "rotation": rotation,
            "blocks": draw(st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True)),
        },
        "apart": {"fellows": draw(st.sampled_from([FELLOWS, FELLOWS[:2]])), "rotation": rotation},
        "prefer": {"fellow": fellow, "rotation": rotation, "start": start, "end": end},
        "avoid": {"fellow": fellow, "rotation": rotation, "start": start, "end": end},
        "want": {"fellow": fellow, "rotation": rotation, "start": start, "end": end}
        | ({"site": draw(st.sampled_from(OFFERED[rotation]))} if OFFERED[rotation] else {}),
        "prefer_site": {"fellow": fellow, "site": draw(st.sampled_from(["x", "y"]))},
        "site_change": {},
        "idle": {"rotation": rotation},
    }[kind]
    if kind == "before":
        body["requires_first"] = draw(st.booleans())
    if kind in (
        "gap",
        "before",
        "window",
        "max_consecutive",
        "forbid_sequence",
        "site_change",
        "idle",
    ) and draw(st.booleans()):
        body["fellows"] = draw(st.lists(st.sampled_from(FELLOWS), min_size=1, unique=True))
    return {"type": kind, **body, "weight": draw(st.integers(1, 9))}


@st.composite
def leave(draw) -> dict:
    start, end = draw(span())
    entry = {"fellow": draw(st.sampled_from(FELLOWS)), "start": start, "end": end}
    if draw(st.booleans()):
        entry |= {"requested": True, "weight": draw(st.integers(1, 9))}
    return entry


@st.composite
def case(draw) -> tuple[dict, dict[str, list[str]]]:
    kinds = draw(st.lists(st.sampled_from(RULE_TYPES), min_size=1, max_size=4))
    rates = st.integers(0, 9)
    targets = {
        fellow: {"esi": {"min": draw(st.integers(10, 60)), "weight": draw(st.integers(1, 5))}}
        for fellow in draw(st.lists(st.sampled_from(FELLOWS), unique=True))
    }
    config = program(
        rules=[draw(rule(kind)) for kind in kinds],
        leave=draw(st.lists(leave(), max_size=3)),
        procedures={"esi": {"name": "ESI"}},
        sites={"x": {"name": "X"}, "y": {"name": "Y"}},
        rotations={
            r: {
                "name": r.upper(),
                "exposure": {"esi": draw(rates)},
                "sites": {s: {} for s in OFFERED[r]},
            }
            for r in ROTATIONS
        },
        fellows=[
            {"id": f, "name": f.title()} | ({"targets": targets[f]} if f in targets else {})
            for f in FELLOWS
        ],
    )
    row = st.lists(st.sampled_from(ROTATIONS), min_size=6, max_size=6)
    rows = {f: draw(row) for f in FELLOWS}
    # A site for each block on a rotation with sites, the same for a whole run.
    sites = {}
    for f, blocks in rows.items():
        sites[f] = []
        for b, r in enumerate(blocks):
            if not OFFERED[r]:
                sites[f].append(None)
            elif b and blocks[b - 1] == r:
                sites[f].append(sites[f][-1])
            else:
                sites[f].append(draw(st.sampled_from(OFFERED[r])))
    return config, rows, sites


@settings(max_examples=60, derandomize=True, deadline=None)
@given(case())
def test_model_and_checker_agree_on_every_rules_cost(drawn) -> None:
    config, rows, sites = drawn
    with tempfile.TemporaryDirectory() as folder:
        problem = resolve(load_config(write_yaml(Path(folder), config)))
    model = build_model(problem)
    for f, fellow in enumerate(problem.fellows):
        for b, rid in enumerate(rows[fellow.id]):
            model.cp.add(model.vars.on(f, b, rid) == 1)
            site = sites[fellow.id][b]
            if site is not None:
                model.cp.add(model.vars.y[f, b, rid][site] == 1)
    options = SolveOptions(time_limit=10)
    solver = solver_for(options)
    code = solver.solve(model.cp)
    assert code == cp_model.OPTIMAL
    schedule = read_schedule(problem, model, solver, code, options, 0.0).schedule
    assert schedule.assignments == rows
    assert schedule.sites == sites
    in_model = Counter()
    for p in model.penalties:
        in_model[p.rule.key] += p.weight * solver.value(p.literal)
    in_checker = Counter()
    for v in check(problem, schedule):
        assert not v.hard, v
        in_checker[v.key] += v.cost
    assert +in_model == +in_checker
