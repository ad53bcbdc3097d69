"""Sites, requirement groups, allowed rotations and the wishes about them, end to end: the
floors of each fellow alone, the fairness weight and prior costs, and what the outputs say of a
block's site (the rule cases themselves are in tests/test_rules.py)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rotations.cli import cli
from rotations.model import build_model
from rotations.published import read_publication
from tests.conftest import program, run, write_yaml

SITES = {
    "va": {"name": "VA Medical Center", "location": "2002 Holcombe Blvd"},
    "univ": {"name": "University Hospital"},
}
ROTATIONS = {
    "a": {"name": "Alpha", "sites": {"va": {"staffing": {"max": 1}}, "univ": {}}},
    "b": {"name": "Beta"},
    "c": {"name": "Gamma"},
}


def want(fellow: str, rotation: str, weight: int, **keys) -> dict:
    return {"type": "want", "fellow": fellow, "rotation": rotation, "weight": weight, **keys}


def test_each_fellow_alone_gives_a_floor_of_every_wish(load) -> None:
    fellows = [
        {"id": "ana", "name": "Ana", "allowed": ["b", "c"]},
        {"id": "ben", "name": "Ben"},
        {"id": "cy", "name": "Cy"},
    ]
    config = program(sites=SITES, rotations=ROTATIONS, fellows=fellows, rules=[want("ana", "a", 5)])
    model = build_model(load(config))
    assert model.floors.whole
    assert model.floors.alone == (5, 0, 0)  # ana may not take Alpha: 5 in any schedule
    result = run(load(config))
    assert result.stats.status == "OPTIMAL"
    assert result.stats.objective == 5 + 3 * 5  # the total, and the worst-off once per fellow


def test_prior_cost_and_fairness_weight_shape_the_worst_off_term(load) -> None:
    fellows = [
        {"id": "ana", "name": "Ana", "prior_cost": 4},
        {"id": "ben", "name": "Ben"},
        {"id": "cy", "name": "Cy"},
    ]
    # One seat at the VA in block 1 that ana and ben both want: the worst-off term makes ben,
    # who brings no prior cost, the one who misses it (ben 3 < ana 4 + 3).
    rotations = ROTATIONS | {"a": {"name": "Alpha", "sites": {"va": {"staffing": {"max": 1}}}}}
    rules = [
        want("ana", "a", 3, site="va", end="2027-07-11"),
        want("ben", "a", 3, site="va", end="2027-07-11"),
    ]
    base = program(
        program=program()["program"] | {"fairness_weight": 2},
        sites=SITES,
        rotations=rotations,
        fellows=fellows,
        rules=rules,
    )
    result = run(load(base))
    assert result.stats.status == "OPTIMAL"
    assert result.stats.objective == 3 + 2 * 4  # ben misses 3; the worst-off is ana's prior 4
    assert result.schedule.assignments["ana"][0] == "a"
    assert result.schedule.sites["ana"][0] == "va"


def test_outputs_name_the_site_of_each_block(tmp_path) -> None:
    config = program(
        sites=SITES,
        rotations=ROTATIONS,
        rules=[{"type": "pin", "fellow": "ana", "rotation": "a", "blocks": [1, 2]}],
        requirements={"core": {"any_of": ["a", "b"], "count": 1}},
    )
    config["fellows"][0]["allowed"] = ["a@univ", "b", "c"]
    path = write_yaml(tmp_path, config)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = (out / "schedule.csv").read_text().splitlines()
    assert rows[0].endswith(",rotation,rotation_name,site,site_name")
    assert rows[1] == "ana,Ana,1,2027-07-05,2027-07-11,a,Alpha,univ,University Hospital"
    data = json.loads((out / "schedule.json").read_text())
    assert data["site_names"] == {"va": "VA Medical Center", "univ": "University Hospital"}
    assert data["sites"]["ana"][:2] == ["univ", "univ"]
    assert read_publication(out / "schedule.json").schedule().sites["ana"][0] == "univ"
    ics = (out / "calendars" / "ana.ics").read_text()
    assert "SUMMARY:Alpha at University Hospital" in ics
    assert "At University Hospital" in ics.replace("\r\n ", "")
    report = (out / "report.html").read_text()
    assert "Alpha at University Hospital" in report


def test_a_program_without_sites_writes_what_it_wrote_before(tmp_path) -> None:
    path = write_yaml(tmp_path, program())
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["solve", str(path), "--out", str(out)]).exit_code == 0
    assert (out / "schedule.csv").read_text().splitlines()[0].endswith(",rotation_name")
    data = json.loads((out / "schedule.json").read_text())
    assert "sites" not in data and "site_names" not in data


def test_a_reschedule_keeps_the_past_sites_and_counts_a_move_of_site_as_a_change(tmp_path) -> None:
    """Ana is on Alpha but in block 4, at the VA (her wish); the VA closes from block 4. The
    past keeps its site, so does block 3 (one site for a run); blocks 5 and 6 move to the
    university, each move a change in changes.csv (`a@va` -> `a@univ`)."""
    rotations = {
        "a": {"name": "Alpha", "sites": {"va": {}, "univ": {}}},
        "b": {"name": "Beta"},
        "c": {"name": "Gamma"},
    }
    pin = {"type": "pin", "fellow": "ana", "rotation": "a", "blocks": [1, 2, 3, 5, 6]}
    wish = {"type": "prefer_site", "fellow": "ana", "site": "va", "weight": 1}
    first = program(sites=SITES, rotations=rotations, rules=[pin, wish])
    out = tmp_path / "v1"
    path = write_yaml(tmp_path, first, "v1.yaml")
    assert CliRunner().invoke(cli, ["solve", str(path), "--out", str(out)]).exit_code == 0
    before = json.loads((out / "schedule.json").read_text())["sites"]["ana"]
    assert before == ["va", "va", "va", None, "va", "va"]
    closed = {n: 0 for n in range(4, 7)}
    rotations["a"]["sites"]["va"] = {"blocks": closed}
    second = write_yaml(tmp_path, program(sites=SITES, rotations=rotations, rules=[pin, wish]))
    new = tmp_path / "v2"
    args = ["reschedule", str(second), "--previous", str(out / "schedule.json"), "--out", str(new)]
    result = CliRunner().invoke(cli, [*args, "--freeze-until", "2027-07-19"])
    assert result.exit_code == 0, result.output
    after = json.loads((new / "schedule.json").read_text())
    assert after["sites"]["ana"] == ["va", "va", "va", None, "univ", "univ"]
    rows = (new / "changes.csv").read_text().splitlines()
    assert [r.split(",")[4:] for r in rows if r.startswith("rotation,")] == [
        ["ana", "a@va", "a@univ"]
    ] * 2
