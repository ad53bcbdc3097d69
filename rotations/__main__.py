"""Allows `python -m rotations`."""

from rotations.cli import main

main()
