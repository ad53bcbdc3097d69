"""The output folder: rotations replaces only what it wrote itself, and all of it at once.

A folder is rotations' own when it holds a `schedule.json` of rotations; the `files` that
schedule.json lists are rotations' (in one written before the list existed: the names rotations
writes). Everything else in it, a user's notes or a web server's index page, is carried over.
The new folder is written beside the old one and swapped in with one rename, so readers see
the old publication or the new one, never a mix; an interrupted or failed run leaves the old
one as it was. An `--out` that is a symbolic link keeps pointing where it did: the folder it
points to is the one swapped."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rotations.stops import stops_noted

# What rotations writes, for telling its files in a folder written before schedule.json listed
# them.
_WRITTEN = {
    "schedule.csv",
    "conferences.csv",
    "schedule.json",
    "report.html",
    "schedule.xlsx",
    "changes.csv",
}
_MAX_STATE_BYTES = 200_000_000


class Refused(Exception):
    """rotations must not write to this folder; the message says why, in one line."""


def output_target(
    out: Path, inputs: Iterable[Path], owned: set[str] | None = None, option: str = "--out"
) -> Path:
    """The folder a publication goes to: `out` with symbolic links followed. Raises Refused
    when `out` holds one of `inputs` (the program's files, the previous publication), is a
    non-empty folder rotations did not write, or cannot be written. `owned`: the files
    rotations wrote there, when they are known from elsewhere than a schedule.json in it (the
    web folder of `rotations publish`); `option` names the folder in messages."""
    target = Path(out).resolve()
    for path in inputs:
        if Path(path).resolve().is_relative_to(target):
            raise Refused(
                f"{option} {out} holds {_shown(path)}, and rotations replaces that folder as a "
                "whole: write to a folder of its own, such as out/ beside the program"
            )
    if target.exists():
        if not target.is_dir():
            raise Refused(f"{option} {out} is a file, not a folder")
        known = owned if owned is not None else _published_files(target)
        if known is None and any(target.iterdir()):
            raise Refused(
                f"{option} {out} is not empty and is not a folder rotations wrote: choose a new "
                "or empty folder"
            )
    existing = target.parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise Refused(f"{option} {out} lies under {existing}, which is a file, not a folder")
    try:  # the call the writer makes there first (permissions alone miss /proc, read-only mounts)
        os.rmdir(tempfile.mkdtemp(prefix=f".{target.name}.probe.", dir=existing))
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise Refused(
            f"cannot write to {existing} ({why.lower()}): choose a folder you can write to"
        ) from None
    return target


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def write_output(
    out: Path,
    files: dict[str, bytes],
    inputs: Iterable[Path] = (),
    owned: set[str] | None = None,
    option: str = "--out",
) -> Path:
    """Write `files` (relative path -> bytes) as the folder `out`, in one swap, keeping files
    in it that rotations did not write (see output_target for `owned` and `option`). Returns
    the folder written (links followed)."""
    target = output_target(out, inputs, owned, option)
    extras = _extras(target, owned) if target.exists() else []
    clash = sorted(set(extras) & set(files))
    if clash:
        raise Refused(
            f"{target / clash[0]} was not written by rotations, and this publication has a file "
            "of that name: move it elsewhere"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new.", dir=target.parent))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for name in extras:
            _carry(target / name, staging / name)
        os.chmod(staging, _folder_mode(target))
        with stops_noted():  # the swap is one step; once done the publication is complete
            retired = _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
    return target


def _published_files(folder: Path) -> set[str] | None:
    """The files of `folder` rotations wrote, or None if it holds no schedule.json of rotations."""
    path = folder / "schedule.json"
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_STATE_BYTES:
            return None
        state = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(state, dict) or not str(state.get("format", "")).startswith(
        "rotations/schedule@"
    ):
        return None
    listed = state.get("files")
    if isinstance(listed, list) and all(isinstance(name, str) for name in listed):
        return set(listed)
    return {name for name in _entries(folder) if name in _WRITTEN or _is_calendar(name)}


def _is_calendar(name: str) -> bool:
    return name.startswith("calendars/") and name.endswith(".ics")


def _entries(folder: Path) -> list[str]:
    """Relative paths of every file, symbolic link and empty folder below `folder`."""
    out = []
    for root, dirs, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        links = [d for d in dirs if (Path(root) / d).is_symlink()]
        for name in sorted(names + links):
            out.append((base / name).as_posix())
        dirs[:] = sorted(d for d in dirs if d not in links)
        if not names and not dirs and base != Path("."):
            out.append(base.as_posix() + "/")
    return out


def _extras(folder: Path, owned: set[str] | None) -> list[str]:
    ours = (owned if owned is not None else _published_files(folder)) or set()
    return [name for name in _entries(folder) if name not in ours]


def _carry(source: Path, target: Path) -> None:
    """Put a user's file (or link, or empty folder) into the new folder as it is."""
    if source.is_symlink():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)  # the same file, not a copy: edits in place survive
        except OSError:
            shutil.copy2(source, target)


def _folder_mode(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _swap_in(staging: Path, target: Path) -> Path | None:
    """Put `staging` at `target`; return where the old `target` went (None if there was none)."""
    if not target.exists():
        os.replace(staging, target)
        return None
    if _exchange(staging, target):
        return staging
    retired = staging.with_name(staging.name.replace(".new.", ".old.", 1))
    os.replace(target, retired)
    os.replace(staging, target)
    return retired


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    return done == 0
