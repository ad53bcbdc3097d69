"""`rotations` and `python -m rotations`: the command line.

A stopping signal (Ctrl-C, SIGTERM, SIGHUP) while the solver's libraries load (about a second)
is noted and answered once they have loaded: a KeyboardInterrupt inside an extension module's
initialisation would surface as an ImportError with a traceback, or make Python end itself by
SIGINT after it was handled. From then on each is handled as Ctrl-C (rotations.stops)."""

import sys
import time

from rotations.stops import describe, exit_code, stops_noted, stops_raise


def main() -> None:
    """Entry point of the `rotations` console script."""
    started = time.monotonic()  # --time-limit bounds the command from here
    with stops_noted() as pressed:
        from rotations.cli import cli
    if pressed:
        print(f"{describe()} — nothing written.", file=sys.stderr)
        sys.exit(exit_code())
    with stops_raise():
        cli(prog_name="rotations", obj={"started": started})


if __name__ == "__main__":
    main()
