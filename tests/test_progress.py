"""Progress lines when stderr is not a terminal: at most one a second, and never the last
state lost (the solver may find nothing new for minutes after a burst of improvements)."""

from __future__ import annotations

import io

from rich.console import Console

from rotations.progress import SolveProgress


def plain() -> tuple[SolveProgress, io.StringIO]:
    out = io.StringIO()
    return SolveProgress(Console(file=out, force_terminal=False, width=120)), out


def test_a_burst_of_improvements_ends_with_the_latest_line() -> None:
    progress, out = plain()
    with progress:
        progress(0.1, None, 0)
        progress(0.2, 317, 35)
        progress(0.3, 54, 35)  # within a second of the first line: held back, then shown
        timer = progress.timer
        assert out.getvalue().count("\n") == 1
        timer.join()
        assert "best       54  bound       35" in out.getvalue()
    assert "317" not in out.getvalue()


def test_what_is_held_back_is_shown_when_the_search_ends() -> None:
    progress, out = plain()
    with progress:
        progress(0.1, None, 0)
        progress(0.2, 40, 35)
    assert out.getvalue().splitlines()[-1].strip().startswith("0.2s  best       40")
