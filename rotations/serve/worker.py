"""The worker: one thread that runs the queued jobs one at a time, in order — a preview (a dry
run of the reschedule with a request added), an approval (the request written into the leave
file, or a faculty member's `away:` list, rescheduled and published), a case submitted
(written into the cases file, rescheduled and published), a swap of call duties (checked and
published), a full solve, and a republish (the program as it stands, published again when the
latest publication cannot be read). Jobs live
in the database, so a page reload or a server restart loses none; a job that fails or is
interrupted publishes nothing and leaves the program's files as they were. When the server
stops (Ctrl-C, SIGTERM, SIGHUP) the running job is abandoned unless it is already publishing,
and runs again at the next start."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rotations.check import check
from rotations.config import ConfigError, load_config
from rotations.diff import changes_csv, diff_publications
from rotations.explain import format_members
from rotations.outcome import SolveOptions
from rotations.output.folder import write_output
from rotations.output.ics import republication_stamp
from rotations.output.render import render
from rotations.pipeline import command_options, diagnose, reschedule_program, solve_program
from rotations.problem import Problem, resolve
from rotations.publish.state import write_private
from rotations.published import Unreadable, publication, read_publication
from rotations.reschedule import load_previous
from rotations.runner import Interrupted
from rotations.schedule import SolverStats
from rotations.serve.casefile import add_case, cases_file
from rotations.serve.leavefile import add_away, add_leave, leave_file
from rotations.serve.store import Store
from rotations.serve.swaps import published_schedule, swapped


@dataclass
class Program:
    """The program a server runs: its YAML, where its publications go, how long a solve may
    take and what day it is (the freeze date of a reschedule)."""

    file: Path
    time_limit: float = 60.0
    today: Callable[[], dt.date] = dt.date.today

    @property
    def publications(self) -> Path:
        return self.file.parent / "publications"

    def load(self, file: Path | None = None) -> Problem:
        return resolve(load_config(file or self.file))

    def options(
        self, problem: Problem, started: float, abandon: threading.Event | None = None
    ) -> SolveOptions:
        """The options of a job that began at `started`, bounded by the time limit as a
        command is; setting `abandon` stops its searches."""
        return command_options(problem, self.time_limit, started, abandon=abandon)

    def freeze(self, problem: Problem) -> dt.date:
        return max(self.today(), problem.program.start)


class Worker(threading.Thread):
    """Runs queued jobs until `stop` is set."""

    def __init__(self, store: Store, program: Program) -> None:
        super().__init__(daemon=True, name="rotations-worker")
        self.store, self.program = store, program
        self.wake, self.stop = threading.Event(), threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            job = self.store.next_job()
            if job is None:
                self.wake.wait(0.5)
                self.wake.clear()
                continue
            try:
                self.handle(job)
            except Interrupted:  # the server stops: the job runs again at the next start
                self.store.execute("UPDATE jobs SET status = 'queued' WHERE id = ?", job["id"])
                self.store.log("server", f"stopped: job {job['id']} ({job['kind']}) abandoned")
            except Exception as exc:  # the job failed; the server goes on
                self.store.finish(job["id"], f"{type(exc).__name__}: {exc}")
            else:
                self.store.finish(job["id"])

    def _go_on(self) -> None:
        """Raise Interrupted if the server is stopping: before anything is published."""
        if self.stop.is_set():
            raise Interrupted()

    def idle(self) -> bool:
        return self.store.row("SELECT 1 FROM jobs WHERE status IN ('queued', 'running')") is None

    def handle(self, job) -> None:
        if job["kind"] == "solve":
            self.solve(job["id"])
            return
        if job["kind"] == "republish":
            self.republish(job["id"])
            return
        if job["kind"] == "case":
            self.add_case(self.store.row("SELECT * FROM cases WHERE id = ?", job["submission"]))
            return
        if job["kind"] == "swap":
            self.swap(self.store.row("SELECT * FROM swaps WHERE id = ?", job["swap"]))
            return
        request = self.store.row("SELECT * FROM requests WHERE id = ?", job["request"])
        if job["kind"] == "preview":
            self.preview(request)
        elif request["status"] == "pending":
            self.approve(request)

    def solve(self, job: int) -> None:
        """A full solve, its progress in the job's row (the coordinator's page shows it)."""
        started = time.monotonic()
        problem = self.program.load()
        earlier = self._latest_readable(read_publication)  # its event identities go on

        def progress(elapsed: float, best: int | None, bound: int | None) -> None:
            text = f"{elapsed:.0f} s: best {best if best is not None else '-'}, bound {bound}"
            self.store.execute("UPDATE jobs SET progress = ? WHERE id = ?", text, job)

        options = self.program.options(problem, started, self.stop)
        done = solve_program(problem, options, progress, earlier=earlier)
        if done.result.schedule is None:
            raise RuntimeError(f"no schedule ({done.result.stats.status}); nothing published")
        self._go_on()
        folder = self._publish(problem, done.files)
        summary = f"full solve: {done.result.stats.status}"
        self.store.add_publication(str(folder), summary, [], done.files["schedule.json"])
        self.store.log("coordinator", f"published {folder.name} (full solve)")

    def republish(self, job: int) -> None:
        """The program as it stands (its approved leave with it) rescheduled against the latest
        publication whose schedule.json can be read, from its folder or from the copy the
        database keeps, and published: the pages had fallen back to an older publication. With
        no schedule.json left at all, a full solve."""
        if self._latest_readable(read_publication) is None:
            self.solve(job)
            return
        outcome = self._reschedule(self.program.file, dry_run=False, added=False)
        if "folder" not in outcome:
            why = "; ".join(outcome["why"]) or "the rules allow no schedule"
            raise RuntimeError(f"{why}; nothing was published")
        self.store.log(
            "server", f"published {outcome['folder']} again (the latest could not be read)"
        )

    def preview(self, request) -> None:
        """The reschedule with the request added, on a copy of the program's files."""
        with tempfile.TemporaryDirectory() as folder:
            program = self._copy(Path(folder))
            _write_request(program, request)
            outcome = self._reschedule(program, dry_run=True, added=request["role"] == "fellow")
        self.store.set_preview(request["id"], outcome)

    def approve(self, request) -> None:
        """Reschedule with the request written into a copy of the program's files and publish;
        only then replace the program's leave file with the copy's, in one rename. A failure
        or an interruption before that leaves the program's files as they were (a rerun of the
        job starts over from the latest publication)."""
        with tempfile.TemporaryDirectory() as folder:
            program = self._copy(Path(folder))
            path = _write_request(program, request)
            outcome = self._reschedule(program, dry_run=False, added=request["role"] == "fellow")
            if not outcome["granted"]:
                self.store.set_preview(request["id"], outcome)
                raise RuntimeError("the rules do not allow it; nothing was published")
            target = self.program.file.parent / path.relative_to(program.parent)
            mode = stat.S_IMODE(target.stat().st_mode)
            write_private(target, path.read_bytes())  # one rename
            os.chmod(target, mode)
        self.store.set_preview(request["id"], outcome)
        self.store.decide(request["id"], "approved")
        self.store.log(
            "coordinator",
            f"approved request {request['id']} ({request['fellow']} {request['start']}.."
            f"{request['end']}), written to {target.name}, published {outcome['folder']}",
        )

    def add_case(self, submitted) -> None:
        """A submitted case written into a copy of the program's cases file, rescheduled and
        published; only then the program's cases file replaced by the copy's, in one rename.
        A case the program refuses (a reference taken meanwhile, say) is marked so, with why."""
        file = cases_file(self.program.file, self.program.load().config)
        if file is None:
            self.store.case_done(submitted["id"], "refused", "the program names no cases file")
            return
        with tempfile.TemporaryDirectory() as folder:
            program = self._copy(Path(folder))
            path = program.parent / file.relative_to(self.program.file.parent)
            add_case(path, json.loads(submitted["fields"]))
            outcome = self._reschedule(program, dry_run=False, added=False)
            if "folder" not in outcome:
                why = "; ".join(outcome["why"]) or "the rules allow no schedule"
                self.store.case_done(submitted["id"], "refused", why)
                self.store.log("server", f"case {submitted['ref']} not added: {why}")
                return
            mode = stat.S_IMODE(file.stat().st_mode)
            write_private(file, path.read_bytes())  # one rename
            os.chmod(file, mode)
        self.store.case_done(submitted["id"], "added")
        self.store.log(
            submitted["submitted_by"],
            f"case {submitted['ref']} added to {file.name}, published {outcome['folder']}",
        )

    def swap(self, row) -> None:
        """A swap both fellows agreed on, checked again against the program as it stands and
        the latest publication, then published: the rest of the schedule as it was, the
        calendars updated in place (the duty cancelled in the giver's feed, new in the
        taker's, its SEQUENCE up in the program's). One that would now break a hard rule is
        refused, with the rule."""
        problem = self.program.load()
        earlier = self._latest_readable(read_publication)
        if earlier is None:
            raise RuntimeError("no publication can be read: nothing was published")
        before = published_schedule(problem, earlier)
        giver, taker = row["offered_by"], row["taken_by"]
        result = swapped(problem, before, row["call"], row["date"], giver, taker)
        if result.broken:
            self.store.set_swap(row["id"], "refused", "; ".join(result.broken))
            self.store.log("server", f"swap {row['id']} refused: {'; '.join(result.broken)}")
            return
        stats = SolverStats(status="SWAPPED", bound=before.solver.bound)
        schedule = replace(result.schedule, solver=stats)
        violations = check(problem, schedule)
        changes = diff_publications(earlier, publication(problem, schedule, violations))
        stamp = republication_stamp(problem, earlier.events, self.program.freeze(problem))
        extra = {"changes.csv": changes_csv(changes)}
        files = render(
            problem, schedule, violations, earlier.leave_requests, earlier.events, stamp, extra
        )
        self._go_on()
        folder = self._publish(problem, files)
        summary = f"swap {row['id']}: {row['call']} {row['date']} {giver} -> {taker}"
        rows = [change.__dict__ for change in changes]
        self.store.add_publication(str(folder), summary, rows, files["schedule.json"])
        self.store.set_swap(row["id"], "applied", f"published {folder.name}")
        self.store.log("server", f"{summary}, published {folder.name}")

    def _copy(self, folder: Path) -> Path:
        """A copy of the program's folder (without its publications) in `folder`: its
        program file."""
        copy = folder / "program"
        shutil.copytree(
            self.program.file.parent,
            copy,
            ignore=shutil.ignore_patterns("publications", "*.sqlite3*"),
        )
        return copy / self.program.file.name

    def _reschedule(self, program: Path, dry_run: bool, added: bool = True) -> dict:
        """Reschedule `program` against the latest publication: the changes, whether the leave
        entry just `added` (the last) stands, the rules in its way; with a publication folder
        unless `dry_run`."""
        started = time.monotonic()
        if self.store.latest_publication() is None:
            raise RuntimeError("nothing is published yet: start a full solve first")
        try:
            problem = self.program.load(program)
        except ConfigError as exc:
            why = [str(p).replace(f"{program.parent}/", "") for p in exc.problems]
            return {"granted": False, "why": why, "changes": []}
        previous = self._latest_readable(lambda path: load_previous(path, problem))
        if previous is None:
            raise RuntimeError("no publication can be read: a full solve is queued for it")
        freeze = self.program.freeze(problem)
        options = self.program.options(problem, started, self.stop)
        done = reschedule_program(problem, previous, freeze, options, dry_run)
        changes = [change.__dict__ for change in done.changes]
        if done.result.schedule is None:
            diagnosis = diagnose(problem, done.result, done.rescheduled.fixed)
            why = []
            if diagnosis.conflict is not None:  # named by the program's own file names
                text = format_members(diagnosis.conflict.members)
                why = text.replace(f"{program.parent}/", "").splitlines()
            return {"granted": False, "why": why, "changes": []}
        granted = True
        if added:
            index = len(problem.config.leave) - 1
            entry = problem.config.leave[index]
            granted = not entry.requested or index in done.result.schedule.granted_leave
        # what the wishes cost before and after: the price of granting it
        cost = [
            previous.publication.costs.soft_total,
            sum(v.cost for v in done.violations if not v.hard),
        ]
        outcome = {"granted": granted, "why": [], "changes": changes, "cost": cost}
        if not dry_run and granted:
            self._go_on()
            folder = self._publish(problem, done.files)
            summary = f"{len(changes)} change(s)"
            self.store.add_publication(str(folder), summary, changes, done.files["schedule.json"])
            outcome["folder"] = folder.name
        return outcome

    def _latest_readable(self, read):
        """`read(schedule.json)` of the latest publication it does not find Unreadable, or
        None. A publication whose folder lost its schedule.json is read from the copy the
        database keeps: its event identities go on, none is reused backwards."""
        for row in self.store.rows("SELECT id, folder FROM publications ORDER BY id DESC"):
            with contextlib.suppress(Unreadable):
                return read(Path(row["folder"]) / "schedule.json")
            kept = self.store.schedule_copy(row["id"])
            if kept is None:  # published before the database kept copies
                continue
            with tempfile.TemporaryDirectory() as folder, contextlib.suppress(Unreadable):
                copy = Path(folder) / "schedule.json"
                copy.write_bytes(kept)
                return read(copy)
        return None

    def _publish(self, problem: Problem, files: dict[str, bytes]) -> Path:
        count = self.store.row("SELECT COUNT(*) AS n FROM publications")["n"]
        folder = self.program.publications / f"{count + 1:04d}"
        sources = [self.program.file, leave_file(self.program.file)]
        sources += [path for path in [cases_file(self.program.file, problem.config)] if path]
        write_output(folder, files, sources)
        return folder


def _write_request(program: Path, request) -> Path:
    """The request written into the program's files: a fellow's leave into its leave list, a
    faculty member's days away into their `away:` list. The file written."""
    if request["role"] == "faculty":
        return add_away(program, request["fellow"], request["start"], request["end"])
    entry = {"fellow": request["fellow"], "start": request["start"], "end": request["end"]}
    if request["kind"] == "requested":
        entry["requested"] = True
    return add_leave(program, entry)
