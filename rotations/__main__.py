"""`rotations` and `python -m rotations`: the command line, with Ctrl-C during start-up (while
the solver's libraries load) answered like Ctrl-C at any other time."""

import sys


def main() -> None:
    """Entry point of the `rotations` console script."""
    try:
        from rotations.cli import cli
    except KeyboardInterrupt:
        print("Interrupted — nothing written.", file=sys.stderr)
        sys.exit(130)
    cli(prog_name="rotations")


if __name__ == "__main__":
    main()
