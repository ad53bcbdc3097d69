"""The Curtois–Qu conversion (benchmarks/curtois.py) on an instance written here in their
format and checked by hand: the program keeps every hard rule of the benchmark (its evaluator
agrees), and our objective is exactly the benchmark's."""

from __future__ import annotations

from pathlib import Path

from benchmarks.curtois import evaluate, read_instance, roster_of, to_program
from tests.conftest import run

TINY = Path(__file__).parent / "data" / "curtois" / "Tiny.txt"


def roster(schedule) -> dict[tuple[str, int], str]:
    calls = [{"fellow": x.fellow, "date": x.date, "call": x.call} for x in schedule.calls]
    return roster_of({"calls": calls})


def test_the_instance_reads_as_written() -> None:
    inst = read_instance(TINY)
    assert inst.days == 7 and list(inst.shifts) == ["D"]
    assert [(p.id, p.max_run, p.max_weekends) for p in inst.staff] == [("A", 4, 1), ("B", 3, 0)]
    assert inst.on == [("A", 0, "D", 2)] and inst.off == [("B", 6, "D", 3)]
    assert inst.cover[3, "D"] == (1, 100, 1)


def test_the_optimum_checked_by_hand_is_found_and_agreed(load) -> None:
    inst = read_instance(TINY)
    result = run(load(to_program(inst)))
    assert result.stats.status == "OPTIMAL" and result.stats.objective == 2
    cost, broken = evaluate(inst, roster(result.schedule))
    assert (cost, broken) == (2, [])
    mine = roster(result.schedule)
    theirs = sorted(d for (e, d) in mine if e == "A")
    assert theirs[1:] == [5, 6] and theirs[0] != 0  # the weekend; day 0 given up
    assert len([d for (e, d) in mine if e == "B"]) == 4


def test_the_evaluator_names_what_a_roster_breaks() -> None:
    inst = read_instance(TINY)
    # A on day 0 (wish granted) and the weekend; B four days running, then day 6 too.
    bad = {("A", 0): "D", ("A", 5): "D", ("B", 1): "D", ("B", 2): "D", ("B", 3): "D"}
    bad |= {("B", 4): "D", ("B", 6): "D"}
    cost, broken = evaluate(inst, bad)
    assert cost == 3 + 100 * 0 + 0  # B's day 6 off not granted; every day covered once
    assert "B: 5 in a row from day 0" not in broken
    assert "B: 4 in a row from day 1" in broken
    assert "B: 1 weekends" in broken
    assert "A: 960 minutes" in broken
