"""The private state of a program's publications, kept outside every output and web folder:
the secret that private feed names derive from, each person's token generation (re-issued after
a leaked link), which files went to which web folder, and what each CalDAV resource holds.

Default folder: $XDG_STATE_HOME/rotations/<program id> (~/.local/state/rotations/<id>),
readable by its owner only. Lose it and every feed name changes: back it up."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rotations.output.folder import Refused

PROGRAM_FEED = "program"  # the token name of the program calendar
REPORT = "report"  # the token name of the report


def default_folder(program_id: str) -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "rotations" / program_id


@dataclass
class State:
    """What publishing needs to remember; saved with `save`."""

    folder: Path
    program: str
    secret: str
    generations: dict[str, int] = field(default_factory=dict)
    sites: dict[str, list[str]] = field(default_factory=dict)  # web folder -> files written
    # CalDAV collection URL -> {"resources": {resource URL -> {"etag", "digest"}}}
    caldav: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / "state.json"

    def token(self, name: str) -> str:
        """The unguessable, stable token of a person (or of the program calendar or the
        report): 26 letters and digits derived from the secret, the program and the name."""
        generation = self.generations.get(name, 0)
        message = f"{self.program}\x1f{name}\x1f{generation}".encode()
        digest = hmac.new(bytes.fromhex(self.secret), message, hashlib.sha256).digest()
        return base64.b32encode(digest[:16]).decode().lower().rstrip("=")

    def reissue(self, name: str) -> None:
        """A new token for `name`: its old feed name stops working at the next publication."""
        self.generations[name] = self.generations.get(name, 0) + 1

    def save(self) -> None:
        """Write the state atomically, readable by its owner only."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {
            "program": self.program,
            "secret": self.secret,
            "generations": dict(sorted(self.generations.items())),
            "sites": self.sites,
            "caldav": self.caldav,
        }
        write_private(self.path, (json.dumps(data, indent=2) + "\n").encode())


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, in one rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_state(folder: Path, program: str) -> State:
    """The program's state, or a new one with a fresh secret (not saved yet)."""
    path = folder / "state.json"
    if not path.exists():
        return State(folder, program, secrets.token_hex(32))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = bytes.fromhex(data["secret"]).hex()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Refused(f"{path} cannot be read ({exc}); restore it from a backup") from None
    if data.get("program") != program:
        raise Refused(f"{path} is the state of program '{data.get('program')}', not '{program}'")
    return State(
        folder,
        program,
        secret,
        data.get("generations", {}),
        data.get("sites", {}),
        data.get("caldav", {}),
    )
