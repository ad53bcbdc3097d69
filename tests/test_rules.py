"""Every rule type, satisfied and violated, in the model and in the checker (the conference
and leave requests, which need more, have tests/test_conferences.py and
tests/test_leave_requests.py).

Each case is a tiny program (3 fellows, 6 weekly blocks, rotations a/b/c) with one rule and:
- `force`: pins (and `force_changes`, program keys) that make the rule break, so the hard rule
  is infeasible and the soft one (with a weight) costs weight × `units`;
- `broken`: a hand-written schedule, and `flags`: exactly what the checker must say of it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from rotations.check import check
from tests.conftest import hand_schedule, program, run


def pin(fellow: str, rotation: str, *blocks: int) -> dict:
    return {"type": "pin", "fellow": fellow, "rotation": rotation, "blocks": list(blocks)}


def rotations_with(**a) -> dict:
    """Program changes that give rotation `a` the keys `a`."""
    return {
        "rotations": {"a": {"name": "Alpha", **a}, "b": {"name": "Beta"}, "c": {"name": "Gamma"}}
    }


@dataclass
class Case:
    id: str
    rule: dict | None  # a typed rule under `rules`, or None for rotation/requirement keys
    force: list[dict]
    broken: dict[str, list[str]]
    flags: list[str]  # the checker's messages for `broken`, in order
    key: str = "rules[0]"
    units: int = 1
    changes: dict = field(default_factory=dict)  # top-level keys of the program
    force_changes: dict = field(default_factory=dict)  # and those that make it break
    sites: dict = field(default_factory=dict)  # the sites of `broken`, fellow by fellow


CASES = [
    Case(
        "gap",
        {"type": "gap", "rotation": "a", "min_blocks": 2},
        [pin("ana", "a", 1, 3), pin("ana", "b", 2)],
        {"ana": list("abaccc")},
        flags=[
            "ana: only 1 block(s) between Alpha stints ending in block 1 and starting in block 3"
        ],
    ),
    Case(
        "before",
        {"type": "before", "first": "a", "then": "b"},
        [pin("ana", "b", 1), pin("ana", "a", 2)],
        {"ana": list("bacccc")},
        flags=["ana is on Beta in block 1 before Alpha in block 2"],
    ),
    Case(
        "window",
        {"type": "window", "rotation": "a", "not_before": "2027-07-19"},
        [pin("ana", "a", 1)],
        {"ana": list("accccc")},
        flags=["ana is on Alpha in block 1 (2027-07-05..2027-07-11), outside 2027-07-19..…"],
    ),
    Case(
        "max_consecutive",
        {"type": "max_consecutive", "rotations": ["a", "b"], "blocks": 2},
        [pin("ana", "a", 1, 3), pin("ana", "b", 2)],
        {"ana": list("abaccc")},
        flags=["ana has 3 consecutive blocks (1..3), at most 2"],
    ),
    Case(
        "forbid_sequence",
        {"type": "forbid_sequence", "from": "a", "to": "b"},
        [pin("ana", "a", 1), pin("ana", "b", 2)],
        {"ana": list("abcccc")},
        flags=["ana goes from Alpha in block 1 straight to Beta"],
    ),
    Case(
        "max_concurrent_leave",
        {"type": "max_concurrent_leave", "max": 1},
        [],
        {},
        changes={"leave": [{"fellow": "ana", "start": "2027-07-06", "end": "2027-07-06"}]},
        force_changes={
            "leave": [
                {"fellow": "ana", "start": "2027-07-06", "end": "2027-07-06"},
                {"fellow": "ben", "start": "2027-07-06", "end": "2027-07-06"},
            ]
        },
        flags=["2 fellows on leave on 2027-07-06 (ana, ben), at most 1"],
    ),
    Case(
        "pin",
        pin("ana", "a", 1),
        [pin("ana", "b", 1)],
        {"ana": list("bccccc")},
        flags=["ana is on Beta in block 1, pinned to Alpha"],
    ),
    Case(
        "apart",
        {"type": "apart", "fellows": ["ana", "ben"], "rotation": "a"},
        [pin("ana", "a", 1), pin("ben", "a", 1)],
        {"ana": list("accccc"), "ben": list("accccc")},
        flags=["ana and ben are together on Alpha in block 1 (2027-07-05..2027-07-11)"],
    ),
    Case(
        "apart_by_tag",
        {"type": "apart", "fellows": {"tags": ["x"]}, "rotation": "a"},
        [pin("ana", "a", 1), pin("ben", "a", 1)],
        {"ana": list("accccc"), "ben": list("accccc")},
        changes={
            "fellows": [
                {"id": "ana", "name": "Ana", "tags": ["x"]},
                {"id": "ben", "name": "Ben", "tags": ["x"]},
                {"id": "cy", "name": "Cy"},
            ]
        },
        flags=["ana and ben are together on Alpha in block 1 (2027-07-05..2027-07-11)"],
    ),
    Case(
        "prefer",
        {
            "type": "prefer",
            "fellow": "ana",
            "rotation": "a",
            "start": "2027-07-05",
            "end": "2027-07-18",
        },
        [pin("ana", "b", 1)],
        {"ana": list("bacccc")},
        flags=["ana is not on Alpha in block 1 (2027-07-05..2027-07-11)"],
    ),
    Case(
        "avoid",
        {
            "type": "avoid",
            "fellow": "ana",
            "rotation": "a",
            "start": "2027-07-05",
            "end": "2027-07-11",
        },
        [pin("ana", "a", 1)],
        {"ana": list("accccc")},
        flags=["ana is on Alpha in block 1 (2027-07-05..2027-07-11)"],
    ),
    Case(
        "staffing_max",
        None,
        [pin("ana", "a", 1), pin("ben", "a", 1)],
        {"ana": list("accccc"), "ben": list("accccc")},
        key="rotations.a.staffing",
        changes=rotations_with(staffing={"max": 1}),
        flags=["2 fellows on Alpha in block 1 (2027-07-05..2027-07-11), at most 1"],
    ),
    Case(
        "staffing_min_counts_presence",
        None,
        [pin("ana", "a", 1), pin("ben", "b", 1), pin("cy", "b", 1)],
        {"ana": list("aaaaaa"), "ben": list("baaaaa"), "cy": list("bbbbbb")},
        key="rotations.a.staffing",
        changes={
            **rotations_with(staffing={"min": 1}),
            "leave": [{"fellow": "ana", "start": "2027-07-06", "end": "2027-07-06"}],
        },
        flags=["0 fellows present on Alpha on 2027-07-06, at least 1"],
    ),
    Case(
        "stint_min",
        None,
        [pin("ana", "a", 2), pin("ana", "b", 1, 3)],
        {"ana": list("bacccc")},
        key="rotations.a.stint",
        changes=rotations_with(stint={"min": 2, "max": 3}),
        flags=["ana has a 1-block stint on Alpha (blocks 2..2); 2 to 3 blocks allowed"],
    ),
    Case(
        "stint_touching_end",
        None,
        [pin("ana", "a", 6), pin("ana", "b", 5)],
        {"ana": list("ccccca")},
        key="rotations.a.stint",
        changes=rotations_with(stint={"min": 2, "max": 3}),
        flags=["ana has a 1-block stint on Alpha (blocks 6..6); 2 to 3 blocks allowed"],
    ),
    Case(
        "stint_max",
        None,
        [pin("ana", "a", 1, 2, 3, 4)],
        {"ana": list("aaaacc")},
        key="rotations.a.stint",
        changes=rotations_with(stint={"min": 2, "max": 3}),
        flags=["ana has a 4-block stint on Alpha (blocks 1..4); 2 to 3 blocks allowed"],
    ),
    Case(
        "leave_forbidden",
        None,
        [pin("ana", "a", 1)],
        {"ana": list("accccc")},
        key="rotations.a.leave",
        changes={
            **rotations_with(leave="forbidden"),
            "leave": [{"fellow": "ana", "start": "2027-07-10", "end": "2027-07-10"}],
        },
        flags=[
            "ana is on leave 2027-07-10..2027-07-10 during block 1 (2027-07-05..2027-07-11) "
            "on Alpha, where leave is forbidden"
        ],
    ),
    Case(
        "requirements",
        None,
        [pin("ana", "a", 1, 2, 3)],
        {"ana": list("aaaccc")},
        key="requirements.a",
        changes={"requirements": {"a": 2}},
        flags=[
            "ana has 3 blocks on Alpha, needs exactly 2 blocks",
            "ben has 0 blocks on Alpha, needs exactly 2 blocks",
            "cy has 0 blocks on Alpha, needs exactly 2 blocks",
        ],
    ),
]
WEEK = {1: "2027-07-05..2027-07-11", 2: "2027-07-12..2027-07-18"}
SITES = {"x": {"name": "Xavier"}, "y": {"name": "Yates"}}


def sited(a: dict, b: dict | None = None, **keys) -> dict:
    """Program changes with sites x and y, rotation `a` offered at the sites `a` (and `b` at
    those of `b`)."""
    rotations = rotations_with(sites=a)["rotations"]
    if b is not None:
        rotations["b"]["sites"] = b
    return {"sites": SITES | keys, "rotations": rotations}


def only(**allowed) -> dict:
    """The fellows, some of them allowed only the rotations given (`ana="b c"`)."""
    fellows = [
        {"id": "ana", "name": "Ana"},
        {"id": "ben", "name": "Ben"},
        {"id": "cy", "name": "Cy"},
    ]
    for f in fellows:
        if f["id"] in allowed:
            f["allowed"] = allowed[f["id"]].split()
    return {"fellows": fellows}


CASES += [
    Case(
        "before_requires_first",
        {"type": "before", "first": "a", "then": "b", "requires_first": True},
        [pin("ana", "b", 1)],
        {"ana": list("bccccc")},
        flags=["ana is on Beta in block 1 without Alpha before it"],
    ),
    Case(
        "site_staffing",
        None,
        [pin("ana", "a", 1), pin("ben", "a", 1)],
        {"ana": list("accccc"), "ben": list("accccc")},
        key="rotations.a.sites.x",
        changes=sited({"x": {"staffing": {"max": 1}}, "y": {}}),
        force_changes=only(ana="a@x b c", ben="a@x b c"),
        sites={"ana": ["x", *[None] * 5], "ben": ["x", *[None] * 5]},
        flags=[f"2 fellows on Alpha at Xavier in block 1 ({WEEK[1]}), at most 1 fellow wanted"],
    ),
    Case(
        "site_staffing_in_a_block",
        None,
        [pin("ana", "a", 2)],
        {"ana": list("cacccc")},
        key="rotations.a.sites.x",
        changes=sited({"x": {"blocks": {2: 0}}}),
        sites={"ana": [None, "x", *[None] * 4]},
        flags=[f"1 fellows on Alpha at Xavier in block 2 ({WEEK[2]}), exactly 0 fellows wanted"],
    ),
    Case(
        "site_limit",
        None,
        [pin("ana", "a", 1), pin("ana", "b", 2)],
        {"ana": list("abcccc")},
        key="sites.x.max_blocks",
        changes=sited({"x": {}}, {"x": {}}, x={"name": "Xavier", "max_blocks": 1}),
        sites={"ana": ["x", "x", *[None] * 4]},
        flags=["ana spends 2 blocks at Xavier, at most 1"],
    ),
    Case(
        "allowed",
        None,
        [pin("ana", "a", 1)],
        {"ana": list("accccc")},
        key="fellows[0].allowed",
        changes=only(ana="b c"),
        flags=["ana is on a in block 1, not among b, c"],
    ),
    Case(
        "requirement_group",
        None,
        [pin("ana", "c", 1, 2, 3, 4, 5, 6)],
        {"ana": list("cccccc"), "ben": list("abcccc"), "cy": list("accccc")},
        key="requirements.core",
        changes={"requirements": {"core": {"any_of": ["a", "b"], "count": 2}}},
        flags=[
            "ana takes 0 of a, b (none); exactly 2 rotations wanted",
            "cy takes 1 of a, b (a); exactly 2 rotations wanted",
        ],
    ),
    Case(
        "want",
        {"type": "want", "fellow": "ana", "rotation": "a"},
        [pin("ana", "b", 1, 2, 3, 4, 5, 6)],
        {"ana": list("bbbbbb")},
        flags=["ana has no block of Alpha"],
    ),
    Case(
        "prefer_site",
        {"type": "prefer_site", "fellow": "ana", "site": "x"},
        [pin("ana", "a", 1)],
        {"ana": list("accccc")},
        changes=sited({"x": {}, "y": {}}),
        force_changes=only(ana="a@y b c"),
        sites={"ana": ["y", *[None] * 5]},
        flags=["ana is at Yates in block 1, not at Xavier"],
    ),
    Case(
        "site_change",
        {"type": "site_change"},
        [pin("ana", "a", 1), pin("ana", "b", 2)],
        {"ana": list("abcccc")},
        changes=sited({"x": {}}, {"y": {}}),
        sites={"ana": ["x", "y", *[None] * 4]},
        flags=["ana moves from Xavier to Yates in block 2"],
    ),
    Case(
        "idle",
        {"type": "idle", "rotation": "c"},
        [pin("ana", "c", 1), pin("ana", "a", 2)],
        {"ana": list("caaaaa")},
        flags=["ana waits on Gamma in block 1 before block 6"],
    ),
]
SOFT = [c for c in CASES if c.rule is not None]


def config_for(case: Case, weight: int | None = None, forced: bool = False) -> dict:
    rules = []
    if case.rule is not None:
        rules.append(dict(case.rule, **({"weight": weight} if weight else {})))
    if forced:
        return program(**(case.changes | case.force_changes), rules=rules + case.force)
    return program(**case.changes, rules=rules)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_satisfied(case: Case, load) -> None:
    problem = load(config_for(case))
    result = run(problem)
    assert result.schedule is not None, result.stats.status
    assert [v for v in check(problem, result.schedule) if v.key == case.key] == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hard_rule_violated_is_infeasible(case: Case, load) -> None:
    free = program(**(case.changes | case.force_changes), rules=case.force)
    if case.key.startswith("rules"):
        assert run(load(free)).schedule is not None  # it is the rule that makes it infeasible
    assert run(load(config_for(case, forced=True))).stats.status == "INFEASIBLE"


@pytest.mark.parametrize("case", SOFT, ids=lambda c: c.id)
def test_soft_rule_violated_costs_its_weight(case: Case, load) -> None:
    problem = load(config_for(case, weight=7, forced=True))
    result = run(problem)
    assert result.stats.status == "OPTIMAL"
    broken = [v for v in check(problem, result.schedule) if v.key == case.key]
    assert all(not v.hard for v in broken)
    assert sum(v.cost for v in broken) == 7 * case.units
    assert result.schedule.penalty_cost == 7 * case.units  # the model agrees with the checker


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_checker_flags_hand_written_violation(case: Case, load) -> None:
    problem = load(config_for(case, forced=True))
    schedule = hand_schedule(problem, case.broken, sites=case.sites)
    broken = [v for v in check(problem, schedule) if v.key == case.key]
    assert [v.message for v in broken] == case.flags
    assert all(v.hard and v.cost == 0 for v in broken)


def test_wishes_are_shared_fairly(load) -> None:
    """Two fellows want the single `a` slot in block 1; fairness gives nobody both losses.

    ana wants a in blocks 1-2 (weight 5 each), ben wants a in block 1 (weight 5), max 1 on a.
    Every schedule breaks one wish unit; the fair optimum breaks ben's or one of ana's, never
    more: total 5, worst fellow 5, objective 5 + 3 × 5 = 20."""
    rotations = {
        "a": {"name": "Alpha", "staffing": {"max": 1}},
        "b": {"name": "B"},
        "c": {"name": "C"},
    }
    rules = [
        {
            "type": "prefer",
            "fellow": "ana",
            "rotation": "a",
            "start": "2027-07-05",
            "end": "2027-07-18",
            "weight": 5,
        },
        {
            "type": "prefer",
            "fellow": "ben",
            "rotation": "a",
            "start": "2027-07-05",
            "end": "2027-07-11",
            "weight": 5,
        },
    ]
    result = run(load(program(rotations=rotations, rules=rules)))
    assert result.stats.objective == 20
    assert result.schedule.worst_wish_cost == 5
