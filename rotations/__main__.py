"""`rotations` and `python -m rotations`: the command line.

Ctrl-C while the solver's libraries load (about a second) is noted and answered once they have
loaded: a KeyboardInterrupt inside an extension module's initialisation would surface as an
ImportError with a traceback, or make Python end itself by SIGINT after it was handled."""

import signal
import sys


def main() -> None:
    """Entry point of the `rotations` console script."""
    pressed: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    if previous not in (signal.SIG_IGN, None):
        signal.signal(signal.SIGINT, lambda number, frame: pressed.append(number))
    try:
        from rotations.cli import cli
    finally:
        if previous not in (signal.SIG_IGN, None):
            signal.signal(signal.SIGINT, previous)
    if pressed:
        print("Interrupted — nothing written.", file=sys.stderr)
        sys.exit(130)
    cli(prog_name="rotations")


if __name__ == "__main__":
    main()
