"""The web application's state in SQLite: leave requests, cases submitted and their outcomes,
call duties swapped, jobs for the worker, publications, sign-in links and the audit log. The
program's YAML (and its cases file) stays the source of truth for rules, approved leave and
cases; publications are folders the pipeline writes (a swap lives in them from its publication
on); outcomes live here only, never in a feed.

The schema carries a version (`PRAGMA user_version`); `MIGRATIONS[n]` takes a database from
version n to n + 1, so an older database is brought up to date when the server starts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIGRATIONS = [
    """
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        fellow TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('approved', 'requested')),
        note TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        message TEXT NOT NULL DEFAULT '',
        preview TEXT,
        created TEXT NOT NULL,
        decided TEXT
    );
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('preview', 'approve', 'solve')),
        request INTEGER REFERENCES requests(id),
        status TEXT NOT NULL DEFAULT 'queued',
        progress TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        finished TEXT
    );
    CREATE TABLE publications (
        id INTEGER PRIMARY KEY,
        folder TEXT NOT NULL,
        created TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        changes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE signins (
        digest TEXT PRIMARY KEY,
        used INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        what TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # A job that publishes the program again (its latest publication cannot be read), and a
    # copy of each publication's schedule.json, whose event identities outlive its folder.
    """
    CREATE TABLE jobs_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('preview', 'approve', 'solve', 'republish')),
        request INTEGER REFERENCES requests(id),
        status TEXT NOT NULL DEFAULT 'queued',
        progress TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        finished TEXT
    );
    INSERT INTO jobs_new SELECT * FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_new RENAME TO jobs;
    ALTER TABLE publications ADD COLUMN schedule BLOB;
    """,
    # Cases submitted from the pages (each a row for the program's cases file, which a job
    # writes in and publishes), and the outcome the coordinator records after its session.
    """
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        ref TEXT NOT NULL,
        fields TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued',
        message TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL
    );
    CREATE TABLE outcomes (
        ref TEXT PRIMARY KEY,
        outcome TEXT NOT NULL,
        follow_up INTEGER,
        recorded TEXT NOT NULL
    );
    CREATE TABLE jobs_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('preview', 'approve', 'solve', 'republish', 'case')),
        request INTEGER REFERENCES requests(id),
        status TEXT NOT NULL DEFAULT 'queued',
        progress TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        finished TEXT,
        submission INTEGER REFERENCES cases(id)
    );
    INSERT INTO jobs_new (id, kind, request, status, progress, error, created, finished)
        SELECT id, kind, request, status, progress, error, created, finished FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_new RENAME TO jobs;
    """,
    # Call duties fellows swap: offered by one, taken by another, applied by a job (after the
    # coordinator's approval where the program asks for it). Status: offered, waiting (for the
    # coordinator), queued (for the job), applied, refused, denied, withdrawn.
    """
    CREATE TABLE swaps (
        id INTEGER PRIMARY KEY,
        call TEXT NOT NULL,
        date TEXT NOT NULL,
        offered_by TEXT NOT NULL,
        taken_by TEXT,
        status TEXT NOT NULL DEFAULT 'offered',
        message TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        decided TEXT
    );
    CREATE TABLE jobs_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL
            CHECK (kind IN ('preview', 'approve', 'solve', 'republish', 'case', 'swap')),
        request INTEGER REFERENCES requests(id),
        status TEXT NOT NULL DEFAULT 'queued',
        progress TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        finished TEXT,
        submission INTEGER REFERENCES cases(id),
        swap INTEGER REFERENCES swaps(id)
    );
    INSERT INTO jobs_new (id, kind, request, status, progress, error, created, finished,
                          submission)
        SELECT id, kind, request, status, progress, error, created, finished, submission
        FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_new RENAME TO jobs;
    """,
    # Faculty ask for days away from their pages (written into `faculty[].away` on approval):
    # a request's person is then a faculty member (its `fellow` column holds their id).
    """
    ALTER TABLE requests ADD COLUMN role TEXT NOT NULL DEFAULT 'fellow'
        CHECK (role IN ('fellow', 'faculty'));
    """,
]


# A publication's columns but its copy of schedule.json (megabytes on a large program): what
# pages and the worker read of every publication; the copy is read for one (schedule_copy).
PUBLICATION = "id, folder, created, summary, changes"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Store:
    """One SQLite database, shared by the requests and the worker thread."""

    path: Path

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for n in range(version, len(MIGRATIONS)):
            script = f"BEGIN; {MIGRATIONS[n]} PRAGMA user_version = {n + 1}; COMMIT;"
            with self.lock:
                self.db.executescript(script)
        # A job that was running when the server stopped runs again.
        self.execute("UPDATE jobs SET status = 'queued' WHERE status = 'running'")

    def execute(self, sql: str, *args: Any) -> int:
        with self.lock:
            return self.db.execute(sql, args).lastrowid

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def row(self, sql: str, *args: Any) -> sqlite3.Row | None:
        found = self.rows(sql, *args)
        return found[0] if found else None

    def log(self, who: str, what: str) -> None:
        self.execute("INSERT INTO audit (at, who, what) VALUES (?, ?, ?)", now(), who, what)

    def add_request(
        self, person: str, start: str, end: str, kind: str, note: str, role: str = "fellow"
    ) -> int:
        """A fellow's leave (kind `approved` or `requested`) or a faculty member's days away
        (role `faculty`, kind `approved`)."""
        return self.execute(
            "INSERT INTO requests (fellow, start, end, kind, note, created, role) "
            "VALUES (?,?,?,?,?,?,?)",
            person,
            start,
            end,
            kind,
            note,
            now(),
            role,
        )

    def queue(
        self,
        kind: str,
        request: int | None = None,
        submission: int | None = None,
        swap: int | None = None,
    ) -> int:
        return self.execute(
            "INSERT INTO jobs (kind, request, submission, swap, created) VALUES (?, ?, ?, ?, ?)",
            kind,
            request,
            submission,
            swap,
            now(),
        )

    def offer_swap(self, call: str, date: str, fellow: str) -> int:
        return self.execute(
            "INSERT INTO swaps (call, date, offered_by, created) VALUES (?, ?, ?, ?)",
            call,
            date,
            fellow,
            now(),
        )

    def set_swap(self, number: int, status: str, message: str = "", taken_by: str | None = None):
        """A swap's new state (taken_by kept unless given)."""
        self.execute(
            "UPDATE swaps SET status = ?, message = ?, taken_by = COALESCE(?, taken_by), "
            "decided = ? WHERE id = ?",
            status,
            message,
            taken_by,
            now(),
            number,
        )

    def add_case(self, ref: str, fields: dict, who: str) -> int:
        """A case submitted (its row for the cases file), and the job that writes it in."""
        number = self.execute(
            "INSERT INTO cases (ref, fields, submitted_by, created) VALUES (?, ?, ?, ?)",
            ref,
            json.dumps(fields),
            who,
            now(),
        )
        self.queue("case", submission=number)
        return number

    def case_done(self, number: int, status: str, message: str = "") -> None:
        self.execute(
            "UPDATE cases SET status = ?, message = ? WHERE id = ?", status, message, number
        )

    def set_outcome(self, ref: str, outcome: str, follow_up: int | None) -> None:
        self.execute(
            "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?)", ref, outcome, follow_up, now()
        )

    def outcomes(self) -> dict[str, sqlite3.Row]:
        return {row["ref"]: row for row in self.rows("SELECT * FROM outcomes")}

    def next_job(self) -> sqlite3.Row | None:
        with self.lock:
            job = self.db.execute(
                "SELECT * FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1"
            ).fetchone()
            if job is not None:
                self.db.execute("UPDATE jobs SET status = 'running' WHERE id = ?", (job["id"],))
            return job

    def finish(self, job: int, error: str = "") -> None:
        status = "failed" if error else "done"
        self.execute(
            "UPDATE jobs SET status = ?, error = ?, finished = ? WHERE id = ?",
            status,
            error,
            now(),
            job,
        )

    def add_publication(
        self, folder: str, summary: str, changes: list[dict], schedule: bytes
    ) -> int:
        """A publication made: its folder, and its schedule.json kept here as well."""
        return self.execute(
            "INSERT INTO publications (folder, created, summary, changes, schedule) "
            "VALUES (?, ?, ?, ?, ?)",
            folder,
            now(),
            summary,
            json.dumps(changes),
            schedule,
        )

    def set_preview(self, request: int, outcome: dict) -> None:
        self.execute("UPDATE requests SET preview = ? WHERE id = ?", json.dumps(outcome), request)

    def decide(self, request: int, status: str, message: str = "") -> None:
        """Mark a request approved or denied, with the message the fellow sees."""
        self.execute(
            "UPDATE requests SET status = ?, message = ?, decided = ? WHERE id = ?",
            status,
            message,
            now(),
            request,
        )

    def add_signin(self, token: str) -> None:
        """A new one-time sign-in token (kept as a digest); older unused ones stop working."""
        self.execute("UPDATE signins SET used = 1 WHERE used = 0")
        self.execute("INSERT INTO signins (digest, created) VALUES (?, ?)", digest(token), now())

    def use_signin(self, token: str) -> bool:
        """Whether `token` is an unused sign-in token; it is used from now on."""
        with self.lock:
            found = self.db.execute(
                "UPDATE signins SET used = 1 WHERE digest = ? AND used = 0", (digest(token),)
            )
            return found.rowcount == 1

    def claim(self, folder: Path) -> str | None:
        """Make this database the state of the program in `folder` (resolved). A database
        belongs to one program folder: another that still holds its program.yaml is refused
        (the message says why, in one line); one that is gone was moved here, and the
        publications it lists are looked for here from now on."""
        folder = folder.resolve()
        found = self.row("SELECT value FROM settings WHERE key = 'program_folder'")
        owner = Path(found["value"]) if found else None
        if owner == folder:
            return None
        if owner is not None and (owner / "program.yaml").exists():
            return (
                f"this state already serves the program in {owner}: give {folder} a state "
                "of its own with --state DIR"
            )
        with self.lock:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO settings VALUES ('program_folder', ?)", (str(folder),)
            )
            if owner is not None:
                for row in self.db.execute("SELECT id, folder FROM publications").fetchall():
                    old = Path(row["folder"])
                    if old.is_relative_to(owner):
                        new = folder / old.relative_to(owner)
                        self.db.execute(
                            "UPDATE publications SET folder = ? WHERE id = ?", (str(new), row["id"])
                        )
            self.db.execute("COMMIT")
        if owner is not None:
            self.log("server", f"the program moved from {owner} to {folder}")
        return None

    def latest_publication(self) -> sqlite3.Row | None:
        return self.row(f"SELECT {PUBLICATION} FROM publications ORDER BY id DESC LIMIT 1")

    def schedule_copy(self, publication: int) -> bytes | None:
        """The copy of the publication's schedule.json (None: published before copies)."""
        return self.row("SELECT schedule FROM publications WHERE id = ?", publication)["schedule"]
