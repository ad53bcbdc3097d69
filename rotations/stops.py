"""The signals that stop a run, all handled as Ctrl-C: SIGINT (Ctrl-C), SIGTERM (`timeout`,
`systemd stop`, `docker stop`) and SIGHUP (a closed terminal). A run they stop writes nothing
and exits 128 + the signal's number (130, 143, 129). A signal the process was started with
ignored (`nohup`, a background job) stays ignored."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_received: list[int] = []


def received() -> int:
    """The signal that stopped the run (SIGINT when none was seen: click's own Ctrl-C)."""
    return _received[-1] if _received else signal.SIGINT


def exit_code() -> int:
    return 128 + received()


def describe() -> str:
    """ "Interrupted" for Ctrl-C, "Stopped by SIGTERM" for the others."""
    number = received()
    return "Interrupted" if number == signal.SIGINT else f"Stopped by {signal.Signals(number).name}"


def _raise(number: int, frame: object) -> None:
    _received.append(number)
    raise KeyboardInterrupt


@contextmanager
def _handled(handler: Callable[[int, object], None]) -> Iterator[None]:
    """Each stopping signal not ignored goes to `handler` for the duration (in the main thread
    only: no other can handle signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in STOPPING}
    for number, old in previous.items():
        if old != signal.SIG_IGN:
            signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            if old != signal.SIG_IGN:
                signal.signal(number, old if old is not None else signal.SIG_DFL)


@contextmanager
def stops_raise() -> Iterator[None]:
    """A stopping signal raises KeyboardInterrupt for the duration, as Ctrl-C does (also where
    an embedding program set SIGINT to the system default)."""
    with _handled(_raise):
        yield


@contextmanager
def stops_noted() -> Iterator[list[int]]:
    """A stopping signal is noted and ignored for the duration: for what is one step (a folder
    swapped in), or must finish loading before it can be stopped cleanly. Yields the list the
    signals received meanwhile are added to."""
    noted: list[int] = []

    def note(number: int, frame: object) -> None:
        _received.append(number)
        noted.append(number)

    with _handled(note):
        yield noted
