"""Solver progress on stderr: a live line on a terminal, plain lines (at most one a second)
when stderr is a file or a pipe."""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.text import Text


def progress_text(elapsed: float, best: int | None, bound: int | None) -> str:
    best_text = "-" if best is None else str(best)
    bound_text = "-" if bound is None else str(bound)
    gap = ""
    if best is not None and bound is not None:
        gap = f"  gap {100 * abs(best - bound) / max(1, abs(best)):5.1f}%"
    return f"{elapsed:6.1f}s  best {best_text:>8}  bound {bound_text:>8}{gap}"


class SolveProgress:
    """Call it with (elapsed, best, bound) from the solver; use it as a context manager.

    In plain-line mode the latest state is never dropped: what arrives within a second of the
    last line is printed a second after it (the solver may find nothing new for minutes)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.live: Live | None = None
        self.last = -1.0
        self.pending: str | None = None
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def __enter__(self) -> SolveProgress:
        if self.console.is_terminal:
            self.live = Live(
                Text("  solving..."), console=self.console, refresh_per_second=4, transient=True
            )
            self.live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.live is not None:
            self.live.__exit__(kind, value, trace)
            return
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        self._print_pending()

    def __call__(self, elapsed: float, best: int | None, bound: int | None) -> None:
        text = "  " + progress_text(elapsed, best, bound)
        if self.live is not None:
            self.live.update(Text(text))
            return
        with self.lock:
            self.pending = text
            if self.timer is not None:
                return
            wait = self.last + 1.0 - time.monotonic()
            if wait > 0:
                self.timer = threading.Timer(wait, self._print_pending)
                self.timer.daemon = True
                self.timer.start()
                return
        self._print_pending()

    def say(self, text: str) -> None:
        """A line of its own (a new stage of the search), after what is held back."""
        if self.live is None:
            self._print_pending()
        self.console.print(f"  {text}")

    def _print_pending(self) -> None:
        with self.lock:
            self.timer = None
            text, self.pending = self.pending, None
            if text is None:
                return
            self.last = time.monotonic()
        self.console.print(text)
