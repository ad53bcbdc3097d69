"""The Medical Student Scheduling benchmark's conversion (benchmarks/mss.py) on instances written
here in its format: the program keeps every hard constraint of mss.mzn (its evaluator agrees),
and the score is exactly what the objective says (score = K - objective / Duration)."""

from __future__ import annotations

from pathlib import Path

import pytest

import benchmarks.mss
from benchmarks.mss import evaluate, instance, plan_of, read_dzn, to_program, write_program
from rotations.config import load_config
from tests.conftest import run, write_yaml

DATA = Path(__file__).parent / "data" / "mss"


def solved(name: str, load):
    inst = instance(name, (DATA / f"{name}.dzn").read_text())
    program, constant = to_program(inst)
    result = run(load(program))
    assert result.schedule is not None, result.stats.status
    schedule = result.schedule
    plan = plan_of(inst, {"assignments": schedule.assignments, "sites": schedule.sites})
    return inst, constant, result, evaluate(inst, plan)


def test_read_dzn_shapes_arrays_by_the_scalars() -> None:
    values = read_dzn((DATA / "stints.dzn").read_text())
    assert values["Students"] == 3 and values["DiscGroup"] == [1, 1, 2]
    assert values["StudDiscGroup"] == [[1, 1], [1, 1], [1, 0]]
    assert values["Ability"][2][1] == [0, 1, 1]  # student 3, hospital 2
    assert values["MaxPosHosp"][1][2] == [1, 1, 0, 0, 1, 1]  # hospital 2, discipline 3


def test_two_students_competing_for_a_seat_score_13_as_checked_by_hand(load) -> None:
    inst, constant, result, (score, broken) = solved("compete", load)
    assert broken == []
    assert result.stats.status == "OPTIMAL"
    assert score == 13
    assert score == constant - result.stats.objective // inst.duration


@pytest.mark.parametrize("name", ["compete", "stints"])
def test_the_program_keeps_every_constraint_and_its_objective_is_the_score(name, load) -> None:
    inst, constant, result, (score, broken) = solved(name, load)
    assert broken == []
    assert result.stats.status == "OPTIMAL"
    assert score * inst.duration == constant * inst.duration - result.stats.objective


def test_the_evaluator_finds_what_a_schedule_breaks() -> None:
    inst = instance("stints", (DATA / "stints.dzn").read_text())
    plan = [[None] * 6 for _ in range(3)]
    plan[1][0] = (0, 0)  # student 2 works while unavailable, one period of two
    plan[2][0] = plan[2][1] = (1, 0)  # student 3 cannot take discipline 1 at hospital 2
    _, broken = evaluate(inst, plan)
    assert "student 2 works in period 1, unavailable" in broken
    assert "student 2: discipline 1 is not 2 periods at one hospital" in broken
    assert "student 3 unable for discipline 1 at hospital 2" in broken
    assert any(b.startswith("0 students at hospital 1, discipline 1, period 2") for b in broken)


def test_a_converted_program_is_a_valid_program(tmp_path, load) -> None:
    inst = instance("stints", (DATA / "stints.dzn").read_text())
    program, _ = to_program(inst)
    problem = load(program)
    assert [f.id for f in problem.fellows] == ["s1", "s2", "s3"]
    assert problem.config.fellows[2].allowed == ["none", "d1@h1", "d3"]
    assert write_yaml(tmp_path, program).exists()


def test_a_large_program_is_written_as_files_it_includes(tmp_path, monkeypatch) -> None:
    inst = instance("stints", (DATA / "stints.dzn").read_text())
    program, _ = to_program(inst)
    monkeypatch.setattr(benchmarks.mss, "RULES_PER_FILE", 5)
    path = write_program(program, tmp_path)
    assert len(list(tmp_path.glob("rules-*.yaml"))) == -(-len(program["rules"]) // 5) > 1
    assert len(load_config(path).rules) == len(program["rules"])
