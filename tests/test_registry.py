"""Every registered rule type has all its parts: a class that describes it and carries a valid
reference example, a builder and a checker in modules of the same family, a page in the config
reference, and a satisfied/violated case."""

from __future__ import annotations

import copy

import pytest
from pydantic import TypeAdapter

from rotations.config import rules
from rotations.duties import CALL_CLASSES
from rotations.implied import (
    IMPLIED_CLASSES,
    Agenda,
    ConferenceRules,
    DidacticsRules,
    LeaveEntry,
    MentoringRules,
    Target,
)
from rotations.reference import reference_markdown
from rotations.registry import RULE_TYPES
from tests.conftest import BASE, FACULTY, program
from tests.test_rules import CASES

YEAR = BASE["program"] | {"blocks": 52}  # the examples' dates lie in a whole year

ALL = list(RULE_TYPES)


def test_the_registry_holds_every_rule_class() -> None:
    assert set(ALL) == {*IMPLIED_CLASSES, *CALL_CLASSES, *rules.RULE_CLASSES}


@pytest.mark.parametrize("kind", ALL, ids=lambda c: c.__name__)
def test_builder_and_checker_are_of_one_family(kind: type) -> None:
    entry = RULE_TYPES[kind]
    assert entry.build.__module__ == f"rotations.model.rules.{entry.family}"
    assert entry.check.__module__ == f"rotations.check.{entry.family}"
    assert entry.build.__doc__ and entry.check.__doc__


def _implied_type(key: str) -> str:
    parts = key.split(".")
    if parts[0] == "rotations":
        return parts[2]
    return parts[1] if parts[0].startswith("fellows[") else parts[0]


SITES = {"va": {"name": "VA Medical Center"}, "univ": {"name": "University Hospital"}}


@pytest.mark.parametrize("kind", rules.RULE_CLASSES, ids=lambda c: c.__name__)
def test_a_typed_rule_has_a_valid_example_and_describes_itself(kind: type, load) -> None:
    rule = TypeAdapter(rules.Rule).validate_python(kind.example)
    assert type(rule) is kind
    names = {"procedures", "neurology", "palliative", "elective", "acute", "unassigned"}
    config = program(
        program=YEAR,
        sites=SITES,
        rotations={r: {"name": r.title()} for r in names},
        fellows=[{"id": "ana", "name": "Ana"}, {"id": "ben", "name": "Ben"}],
        rules=[kind.example],
    )
    problem = load(config)
    (loaded,) = problem.config.rules
    assert loaded.describe(problem)
    assert loaded.position is not None and loaded.position.line > 0


@pytest.mark.parametrize("kind", (*IMPLIED_CLASSES, *CALL_CLASSES), ids=lambda c: c.__name__)
def test_an_implied_rule_has_a_valid_example_and_describes_itself(kind: type, load) -> None:
    names = {"procedures", "neurology", "acute", "palliative", "psychiatry", "research"}
    base = program(program=YEAR, sites=SITES, rotations={r: {"name": r.title()} for r in names})
    config = base | {"faculty": FACULTY} | copy.deepcopy(kind.example)
    if "rotations" in kind.example:  # an example rotation keeps its name
        for rid, keys in kind.example["rotations"].items():
            config["rotations"][rid] = {"name": rid.title(), **keys}
    problem = load(config)
    found = [rule for rule in problem.rules if type(rule) is kind]
    assert found
    assert all(rule.describe(problem) for rule in found)


@pytest.mark.parametrize("kind", ALL, ids=lambda c: c.__name__)
def test_the_config_reference_documents_it(kind: type) -> None:
    text = reference_markdown()
    entry = RULE_TYPES[kind]
    assert f"`{entry.build.__name__}` in `rotations/model/rules/{entry.family}.py`" in text
    assert f"`{entry.check.__name__}` in `rotations/check/{entry.family}.py`" in text


@pytest.mark.parametrize("kind", ALL, ids=lambda c: c.__name__)
def test_it_has_a_satisfied_and_violated_case(kind: type) -> None:
    if kind is ConferenceRules:
        import tests.test_conferences as own
    elif kind is LeaveEntry:
        import tests.test_leave_requests as own
    elif kind is Target:
        import tests.test_exposure as own
    elif kind in (DidacticsRules, MentoringRules):
        import tests.test_didactics as own
    elif kind is Agenda:
        import tests.test_cases as own
    elif kind in CALL_CLASSES:
        import tests.test_call as own
    else:
        own = None
    if own is not None:
        assert any(name.startswith("test_") for name in dir(own))
        return
    typed = {case.rule["type"] for case in CASES if case.rule is not None}
    # rotations.<id>.staffing -> staffing, requirements.<id> -> requirements,
    # rotations.<id>.sites.<site> and sites.<id>.max_blocks -> sites, fellows[i].allowed -> allowed
    implied = {_implied_type(case.key) for case in CASES if case.rule is None}
    name = getattr(kind, "type", None)
    assert (isinstance(name, str) and name in implied) or kind.example.get("type") in typed
