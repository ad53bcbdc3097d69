"""Blocks and their dates, holidays, working days."""

from __future__ import annotations

import datetime as dt

import pytest

from rotations.calendar import add_months, holiday_dates, make_blocks, working_days

D = dt.date


@pytest.mark.parametrize(
    ("length", "second_start", "last_end"),
    [
        ("1 week", D(2027, 7, 12), D(2027, 7, 18)),
        ("2 weeks", D(2027, 7, 19), D(2027, 8, 1)),
        ("4 weeks", D(2027, 8, 2), D(2027, 8, 29)),
        ("1 month", D(2027, 8, 5), D(2027, 9, 4)),
    ],
)
def test_block_lengths(length: str, second_start: dt.date, last_end: dt.date) -> None:
    blocks = make_blocks(D(2027, 7, 5), 2, length)
    assert [b.number for b in blocks] == [1, 2]
    assert blocks[0].start == D(2027, 7, 5)
    assert blocks[1].start == second_start
    assert blocks[0].end == second_start - dt.timedelta(days=1)
    assert blocks[1].end == last_end


def test_months_clamp_to_the_last_day() -> None:
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    blocks = make_blocks(D(2028, 1, 31), 3, "1 month")
    assert [b.start for b in blocks] == [D(2028, 1, 31), D(2028, 2, 29), D(2028, 3, 31)]


def test_us_holidays_use_observed_dates() -> None:
    days = holiday_dates("US", D(2027, 7, 1), D(2027, 12, 31))
    assert D(2027, 7, 5) in days  # July 4th 2027 is a Sunday: observed Monday the 5th
    assert D(2027, 11, 25) in days  # Thanksgiving


def test_explicit_holiday_list_and_working_days() -> None:
    (block,) = make_blocks(D(2027, 7, 5), 1, "1 week")
    days = holiday_dates([D(2027, 7, 7), D(2030, 1, 1)], block.start, block.end)
    assert days == {D(2027, 7, 7)}
    assert working_days(block, days) == [D(2027, 7, 5), D(2027, 7, 6), D(2027, 7, 8), D(2027, 7, 9)]
