"""Reading a file a person named (a program, a spreadsheet, a schedule.json): only a regular
file, a link followed to one, and never more than the reader's limit. A link to /dev/zero, a
pipe or a folder is refused at once, where reading it would run out of memory or wait forever."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a pipe"),
    (stat.S_ISSOCK, "a socket"),
)


class TooBig(Exception):
    """The file holds more than the limit: `size` bytes (at least)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`. Raises OSError (its strerror says why) for what
    cannot be opened or is not a regular file, and TooBig for more than `limit` bytes."""
    # Opened without blocking, so that a pipe is seen for what it is rather than waited on.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as handle:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.EINVAL, f"it is {kind(found.st_mode)}, not a regular file")
        if found.st_size > limit:
            raise TooBig(found.st_size)
        data = handle.read(limit + 1)  # a file that grows meanwhile is still read only so far
    if len(data) > limit:
        raise TooBig(len(data))
    return data


def kind(mode: int) -> str:
    """What a file of `mode` (from stat) is, in a message's words."""
    return next((name for test, name in KINDS if test(mode)), "no file")
