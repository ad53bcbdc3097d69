"""The `rotations` command line: parses options, calls the library, prints, sets the exit code.

Exit codes: 0 done · 1 bad input (an invalid config, a refused --out or --previous; nothing is
written) · 2 the rules cannot all hold · 3 no schedule within the time limit · 4 internal error
(a bug; traceback with --debug) · 64 the command line is wrong · 130 interrupted by Ctrl-C,
143 by SIGTERM, 129 by SIGHUP (nothing is written; rotations.stops)."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import time
from dataclasses import replace
from importlib import resources
from pathlib import Path

import click

from rotations import __version__, stops
from rotations.config import ConfigError, load_config
from rotations.config.load import source_of
from rotations.diff import describe_changes, diff_publications
from rotations.explain import format_conflict, format_members
from rotations.imported import import_schedule, read_calls, read_roles
from rotations.outcome import Result
from rotations.output.folder import Refused, output_target, write_output
from rotations.output.terminal import print_summary
from rotations.pipeline import (
    BrokenSchedule,
    command_options,
    diagnose,
    reschedule_program,
    score_program,
    solve_program,
)
from rotations.precheck import arithmetic_conflicts
from rotations.problem import Problem, resolve
from rotations.progress import SolveProgress
from rotations.publish.command import STATE_OPTION, publish_command
from rotations.publish.state import State, default_folder, load_state
from rotations.published import Unreadable, earlier_publication, read_publication
from rotations.reference import reference_markdown
from rotations.reschedule import load_previous
from rotations.runner import Deadline, Interrupted
from rotations.schedule import Violation
from rotations.schema import schema_text

EXIT_INVALID, EXIT_INFEASIBLE, EXIT_TIMEOUT, EXIT_BUG = 1, 2, 3, 4
EXIT_USAGE = 64
# A run that found no schedule looks for why until 1.1 x --time-limit from its start (the
# whole command's bound, Python's start-up aside: L seed 6 with no schedule took 78 s for 60
# when the diagnosis had 20 s past the limit), or until WHY_SECONDS from its start if that is
# later: a tiny --time-limit still gets its explanation (its two searches of DIAGNOSIS_LIMIT
# deterministic seconds; within 5 s of wall clock the closest schedule of the example was
# found in some runs and not in others).
WHY_SECONDS = 20.0
# A file the user names that must exist: the program, a previous schedule, a sheet.
A_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _load(config_file: Path) -> Problem:
    try:
        return resolve(load_config(config_file))
    except ConfigError as exc:
        click.echo(f"{config_file}: the program has {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_INVALID)


def _inputs(problem: Problem) -> list[Path]:
    """The files the program was read from: an output folder must never hold them."""
    return source_of(problem.config).files


class _Group(click.Group):
    """Maps click's usage errors to exit code 64, refusals to 1, Ctrl-C to 130 and unexpected
    exceptions to 4."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        args = list(sys.argv[1:] if args is None else args)
        extra["standalone_mode"] = False
        try:
            rc = super().main(args, prog_name, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            exc.show()
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_INVALID)
        except (Refused, Unreadable) as exc:
            _refuse(str(exc))
        except Interrupted as exc:
            best = "" if exc.best is None else f" (the best schedule so far cost {exc.best})"
            click.echo(f"{stops.describe()} — nothing written{best}.", err=True)
            sys.exit(stops.exit_code())
        except click.exceptions.Abort:
            click.echo(f"{stops.describe()} — nothing written.", err=True)
            sys.exit(stops.exit_code())
        except BrokenSchedule as exc:
            _list_broken(
                "BUG: the solver's schedule breaks hard rules (nothing was written):", exc.broken
            )
            sys.exit(EXIT_BUG)
        except SystemExit:
            raise
        except Exception as exc:
            if "--debug" in args:
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in rotations; rerun with --debug for a traceback.",
                err=True,
            )
            sys.exit(EXIT_BUG)
        sys.exit(rc or 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rotations")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def cli(debug: bool) -> None:
    """Build the year of a fellowship from rules in YAML."""


def _started() -> float:
    """When the command began: in the `rotations` script, before its libraries loaded (its
    --time-limit counts from there); called in-process, now."""
    obj = click.get_current_context().find_root().obj
    return obj["started"] if obj else time.monotonic()


def solver_options(command):
    """--time-limit, --seed and --workers, shared by the commands that solve."""
    for option in reversed(
        [
            click.option(
                "--time-limit",
                default=60.0,
                show_default=True,
                type=click.FloatRange(min=0.1),
                help="Seconds the whole command may take, loading and writing included; the "
                "searches within it run on deterministic time (the same input gives the same "
                "answer).",
            ),
            click.option(
                "--seed", default=0, show_default=True, type=int, help="Solver random seed."
            ),
            click.option(
                "--workers",
                default=2,
                show_default=True,
                type=click.IntRange(min=1),
                help="Solver workers; results depend only on the input, seed and workers.",
            ),
        ]
    ):
        command = option(command)
    return command


@cli.command("check")
@click.argument("config_file", type=A_FILE)
def check_command(config_file: Path) -> None:
    """Validate CONFIG_FILE and list every problem with file:line:column; exit 2 when simple
    arithmetic already shows that its rules cannot all hold."""
    problem = _load(config_file)
    conflicts = arithmetic_conflicts(problem)
    if conflicts:
        for conflict in conflicts:
            click.echo(format_conflict(conflict) + "\n", err=True)
        sys.exit(EXIT_INFEASIBLE)
    click.echo(
        f"{config_file}: OK: {len(problem.fellows)} fellows, {len(problem.rotations)} rotations, "
        f"{len(problem.blocks)} blocks ({problem.blocks[0].start}..{problem.blocks[-1].end}), "
        f"{len(problem.config.rules)} rules"
    )


@cli.command("solve")
@click.argument("config_file", type=A_FILE)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the schedule, calendars and schedule.json: new, empty, or one rotations "
    "wrote (its files are replaced, others kept).",
)
@solver_options
@click.option(
    "--relax",
    is_flag=True,
    help="Treat hard rules as heavily weighted soft ones: write the schedule that breaks the "
    "fewest, and list what it breaks.",
)
def solve_command(
    config_file: Path, out_dir: Path, time_limit: float, seed: int, workers: int, relax: bool
) -> None:
    """Solve CONFIG_FILE and write schedule.csv, schedule.json and calendars/ to --out."""
    started = _started()
    problem = _load(config_file)
    output_target(out_dir, _inputs(problem))
    earlier = earlier_publication(out_dir, problem)
    conflicts = [] if relax else arithmetic_conflicts(problem)
    if conflicts:
        for conflict in conflicts:
            click.echo(format_conflict(conflict) + "\n", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(EXIT_INFEASIBLE)
    click.echo(
        f"Solving {problem.program.name}: {len(problem.fellows)} fellows × "
        f"{len(problem.blocks)} blocks (limit {time_limit:g}s, {workers} workers)",
        err=True,
    )
    options = command_options(problem, time_limit, started, seed, workers, relax)
    with SolveProgress() as progress:
        solved = solve_program(problem, options, progress, earlier)
    if solved.result.schedule is None:
        _no_schedule(problem, solved.result, started, time_limit)
    if solved.broken:
        _list_broken(
            f"WARNING: relaxed schedule: it breaks {len(solved.broken)} hard rule instance(s):",
            solved.broken,
        )
    write_output(out_dir, solved.files, _inputs(problem))
    schedule = solved.result.schedule
    print_summary(problem, schedule, solved.violations, solved.requests)
    calendars = sum(1 for name in solved.files if name.endswith(".ics"))
    click.echo(
        f"\nWrote {out_dir}/: {', '.join(n for n in solved.files if '/' not in n)}, "
        f"{calendars} calendars in {out_dir}/calendars/"
    )


def _no_schedule(
    problem: Problem,
    result: Result,
    started: float,
    time_limit: float,
    fixed: dict[tuple[int, int], str] | None = None,
) -> None:
    """Say why there is no schedule, looking until the end of the command's allowance (begun
    at `started`, given `time_limit`: see WHY_SECONDS), and exit 2 (the rules clash) or 3
    (out of time)."""
    if result.stats.status == "INFEASIBLE":
        click.echo("No schedule keeps every hard rule; finding the rules that clash...", err=True)
    else:
        click.echo(
            f"No schedule found within the time limit ({time_limit:g}s); looking "
            "for rules that clash...",
            err=True,
        )
    end = started + max(1.1 * time_limit, WHY_SECONDS)
    deadline = Deadline(max(0.0, end - time.monotonic()))
    build = time.monotonic() - started - result.stats.wall_time  # reading and building, at most
    diagnosis = diagnose(problem, result, fixed, deadline, build)
    if diagnosis.conflict is not None:
        click.echo(format_conflict(diagnosis.conflict), err=True)
    elif diagnosis.infeasible:
        click.echo("These rules cannot all hold together.", err=True)
    if diagnosis.infeasible or diagnosis.conflict is not None:
        click.echo(
            "Make one of them soft (give it a weight) or change it, or run with "
            "--relax to see the closest schedule. Nothing was written.",
            err=True,
        )
        sys.exit(EXIT_INFEASIBLE)
    if diagnosis.closest:
        click.echo(
            "The solver could neither find a schedule nor prove that none exists. The closest "
            "schedule a short search found breaks:",
            err=True,
        )
        click.echo(format_members(diagnosis.closest), err=True)
        click.echo("Change or soften one of these, or try a longer --time-limit.", err=True)
    elif diagnosis.closest is not None:
        click.echo(
            "A schedule that keeps every hard rule exists; the solver needs longer to find a "
            "good one: try a longer --time-limit.",
            err=True,
        )
    else:
        click.echo("Try a longer --time-limit.", err=True)
    click.echo("Nothing was written.", err=True)
    sys.exit(EXIT_TIMEOUT)


def _list_broken(title: str, broken: list[Violation]) -> None:
    click.echo(title, err=True)
    for v in broken:
        click.echo(f"  {v.label}: {v.message}", err=True)


@cli.command("reschedule")
@click.argument("config_file", type=A_FILE)
@click.option(
    "--previous",
    "previous_file",
    required=True,
    type=A_FILE,
    help="The published schedule.json to stay close to, or a schedule made by hand (a CSV "
    "file or a workbook, as `rotations score` reads them) to adopt.",
)
@click.option("--sheet", default=None, help="With a workbook in --previous: its sheet.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new publication (not the previous one).",
)
@click.option(
    "--freeze-until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Blocks starting before this date keep their published rotations [default: today].",
)
@solver_options
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def reschedule_command(
    config_file: Path,
    previous_file: Path,
    sheet: str | None,
    out_dir: Path,
    freeze_until: dt.datetime | None,
    time_limit: float,
    seed: int,
    workers: int,
    dry_run: bool,
) -> None:
    """Re-solve CONFIG_FILE after a change (say, new leave), keeping the published schedule
    in --previous as far as the rules allow and the past untouched."""
    started = _started()
    problem = _load(config_file)
    output_target(out_dir, [*_inputs(problem), previous_file])
    previous = load_previous(previous_file, problem, sheet)
    freeze = (freeze_until or dt.datetime.now()).date()
    for fid in previous.joined:
        click.echo(f"{fid} joined since {previous_file} was published.", err=True)
    for fid in previous.left:
        click.echo(
            f"{fid} left since {previous_file} was published; their calendar events are cancelled.",
            err=True,
        )
    options = command_options(problem, time_limit, started, seed, workers)
    with SolveProgress() as progress:
        done = reschedule_program(
            problem, previous, freeze, options, dry_run, progress, progress.say
        )
    if done.result.schedule is None:
        _no_schedule(problem, done.result, started, time_limit, done.rescheduled.fixed)
    if done.broken:
        _list_broken("Kept as published, although the rules now object:", done.broken)
    names = {r: problem.rotation(r).name for r in problem.rotations}
    for line in describe_changes(done.changes, names):
        click.echo(line)
    proof = (
        "proven minimal" if done.rescheduled.proven_minimal else "not proven minimal (time limit)"
    )
    click.echo(
        f"Weighted change cost {done.rescheduled.changes} ({proof}); frozen before "
        f"{freeze} (blocks 1..{done.rescheduled.frozen_before} kept)."
    )
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    write_output(out_dir, done.files, [*_inputs(problem), previous_file])
    print_summary(problem, done.result.schedule, done.violations, done.requests)
    click.echo(f"\nWrote {out_dir}/ ({len(done.changes)} change(s) in changes.csv).")


@cli.command("score")
@click.argument("config_file", type=A_FILE)
@click.option(
    "--schedule",
    "schedule_file",
    required=True,
    type=A_FILE,
    help="The schedule to score: a CSV file or a workbook (.xlsx), long or grid.",
)
@click.option("--sheet", default=None, help="The workbook's sheet [default: the first schedule].")
@click.option(
    "--conferences",
    "roster_file",
    default=None,
    type=A_FILE,
    help="Conference roles in the shape of conferences.csv [default: solved around the schedule].",
)
@click.option(
    "--call",
    "call_file",
    default=None,
    type=A_FILE,
    help="Call duties in the shape of call.csv [default: solved around the schedule].",
)
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the report, the workbook and the tables for the schedule here.",
)
@click.option("--calendars", "with_calendars", is_flag=True, help="Also write calendars in --out.")
@solver_options
def score_command(
    config_file: Path,
    schedule_file: Path,
    sheet: str | None,
    roster_file: Path | None,
    call_file: Path | None,
    out_dir: Path | None,
    with_calendars: bool,
    time_limit: float,
    seed: int,
    workers: int,
) -> None:
    """Score a schedule made by hand against CONFIG_FILE: every hard rule it breaks and every
    soft rule it misses, with its cost and the line that says it, and the objective the solver
    would give it. Exit 0 if every hard rule holds, 2 if not."""
    started = _started()
    problem = _load(config_file)
    if out_dir is not None:
        given = [f for f in (schedule_file, roster_file, call_file) if f is not None]
        output_target(out_dir, [*_inputs(problem), *given])
    imported = import_schedule(schedule_file, problem, sheet)
    if roster_file is not None:
        imported = replace(imported, roles=read_roles(roster_file, problem))
    if call_file is not None:
        imported = replace(imported, calls=read_calls(call_file, problem))
    options = command_options(problem, time_limit, started, seed, workers)
    with SolveProgress() as progress:
        scored = score_program(problem, imported, options, progress, with_calendars)
    if scored.result.schedule is None:
        click.echo(f"No score within the time limit ({scored.result.stats.status}).", err=True)
        sys.exit(EXIT_TIMEOUT)
    for line in score_lines(problem, scored.violations):
        click.echo(line)
    broken = scored.broken
    click.echo(
        f"Objective {scored.objective} (soft costs + {len(problem.fellows)} × the worst-off "
        f"fellow's unmet wishes, {scored.result.schedule.worst_wish_cost or 0})"
        + (
            f"; {len(broken)} hard rule instance(s) broken."
            if broken
            else "; every hard rule holds."
        )
    )
    if out_dir is not None:
        write_output(out_dir, scored.files, [*_inputs(problem), schedule_file])
        click.echo(f"Wrote {out_dir}/ (report.html, schedule.xlsx, the tables).")
    sys.exit(EXIT_INFEASIBLE if broken else 0)


def score_lines(problem: Problem, violations: list[Violation]) -> list[str]:
    """Broken hard rules, then unmet soft rules with their costs, per fellow (program-wide
    ones first), each with the line of the config that says it."""
    lines = []
    for hard, title in ((True, "Hard rules broken"), (False, "Soft rules and wishes not met")):
        chosen = [v for v in violations if v.hard == hard]
        if not chosen:
            continue
        cost = "" if hard else f", total cost {sum(v.cost for v in chosen)}"
        lines.append(f"{title} ({len(chosen)}{cost}):")
        for fellow in dict.fromkeys(v.fellow for v in sorted(chosen, key=_by_fellow)):
            lines.append(f"  {fellow or 'the program'}:")
            for v in [v for v in chosen if v.fellow == fellow]:
                where = v.rule.position
                place = f"{where.file}:{where.line}" if where else ""
                price = "" if hard else f" (cost {v.cost})"
                lines.append(f"    {place}  {v.label}: {v.message}{price}")
    return lines


def _by_fellow(v: Violation) -> tuple:
    return (v.fellow is not None, v.fellow or "")


def _program_dir(folder: Path, state_dir: Path | None) -> tuple[Path, Problem, State]:
    """The program file of a program folder, the program, and its private state (saved, so
    that the secret exists before any name is derived from it)."""
    file = folder / "program.yaml"
    if not file.exists():
        raise Refused(f"{folder} has no program.yaml")
    problem = _load(file)
    program = problem.program.id
    state = load_state(state_dir or default_folder(program), program)
    state.save()
    return file, problem, state


@cli.command("serve")
@click.argument("program_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@STATE_OPTION
@click.option(
    "--time-limit",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds each solve may take.",
)
def serve_command(
    program_dir: Path, host: str, port: int, state_dir: Path | None, time_limit: float
) -> None:
    """Serve PROGRAM_DIR (its program.yaml) on a web page: fellows' and faculty's pages and
    feeds, leave requests, and the coordinator's preview, approve and publish."""
    import uvicorn

    from rotations.serve.app import Site, create_app
    from rotations.serve.store import Store
    from rotations.serve.worker import Program

    file, _, state = _program_dir(program_dir, state_dir)
    store = Store(state.folder / "serve.sqlite3")
    taken = store.claim(file.parent)
    if taken is not None:
        _refuse(taken)
    site = Site(Program(file.resolve(), time_limit), state, store)
    if store.latest_publication() is None and store.row("SELECT 1 FROM jobs") is None:
        store.queue("solve")  # the first run publishes the year
        click.echo("Nothing published yet: a full solve is queued.")
    click.echo(
        f"Coordinator's one-time sign-in link: http://{host}:{port}/signin/{site.signin_link()}"
    )
    click.echo(f"Links for everybody: rotations links {program_dir} --base-url URL")
    server = uvicorn.Server(uvicorn.Config(create_app(site), host, port, log_level="warning"))
    # uvicorn stops gracefully on SIGINT and SIGTERM (and raises the signal again once stopped,
    # which stops.stops_noted notes); a closed terminal's SIGHUP stops it the same way.
    with stops.stops_noted() as noted:

        def hang_up(number: int, frame) -> None:
            noted.append(number)
            server.handle_exit(number, frame)

        if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
            signal.signal(signal.SIGHUP, hang_up)
        server.run()
    if noted:
        click.echo(
            f"Server stopped ({signal.Signals(noted[-1]).name}); a job it abandoned runs "
            "again at the next start.",
            err=True,
        )
        sys.exit(128 + noted[-1])


@cli.command("links")
@click.argument("program_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--base-url", required=True, help="Where `rotations serve` is reached.")
@STATE_OPTION
def links_command(program_dir: Path, base_url: str, state_dir: Path | None) -> None:
    """Print CSV person,role,name,page_url,feed_url: each fellow's and faculty member's
    private page and feed (the tokens `rotations publish` uses)."""
    from rotations.output.tables import csv_bytes

    _, problem, state = _program_dir(program_dir, state_dir)
    base = base_url.rstrip("/")
    people = [(f, "fellow") for f in problem.fellows] + [(p, "faculty") for p in problem.faculty]
    rows = [
        {
            "person": person.id,
            "role": role,
            "name": person.name,
            "page_url": f"{base}/p/{state.token(person.id)}",
            "feed_url": f"{base}/feeds/{state.token(person.id)}.ics",
        }
        for person, role in people
    ]
    columns = ("person", "role", "name", "page_url", "feed_url")
    click.echo(csv_bytes(columns, rows).decode(), nl=False)


@cli.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--template", default="starter", show_default=True, help="Which starter program to copy."
)
def init_command(folder: Path, template: str) -> None:
    """Write a commented starter program to FOLDER that solves as it is."""
    source = _configs() / "templates" / template
    if not source.is_dir():
        _refuse(f"no template '{template}'")
    names = sorted(item.name for item in source.iterdir() if item.name.endswith(".yaml"))
    clash = [name for name in names if (folder / name).exists()]
    if clash:
        _refuse(f"{folder / clash[0]} already exists; init never overwrites a program")
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes((source / name).read_bytes())
    (folder / "rotations.schema.json").write_text(schema_text(), encoding="utf-8")
    click.echo(
        f"Wrote {', '.join(names)} and rotations.schema.json to {folder}/.\n"
        f"Next: edit {folder}/program.yaml, then run\n"
        f"  rotations solve {folder}/program.yaml --out {folder}/out/"
    )


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the config language (configs/rotations.schema.json)."""
    click.echo(schema_text(), nl=False)


@cli.command("reference")
def reference_command() -> None:
    """Print the config reference in Markdown (docs/config-reference.md)."""
    click.echo(reference_markdown(), nl=False)


@cli.command("diff")
@click.argument("old_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def diff_command(old_dir: Path, new_dir: Path) -> None:
    """Print what changed from OLD_DIR's schedule to NEW_DIR's (two output folders)."""
    old, new = (read_publication(folder / "schedule.json") for folder in (old_dir, new_dir))
    if old.program.id != new.program.id:
        _refuse(
            f"{old_dir} and {new_dir} are publications of different programs "
            f"('{old.program.id}' and '{new.program.id}'); diff compares two publications of "
            "one program"
        )
    if [b.start for b in old.blocks] != [b.start for b in new.blocks]:
        _refuse(
            f"{old_dir} and {new_dir} have different blocks (another year or block length); "
            "diff compares two publications of one year"
        )
    for line in describe_changes(diff_publications(old, new), new.rotations):
        click.echo(line)


def _configs():
    """configs/ (templates, schema): packaged as rotations.configs when installed from a wheel,
    the repository's own folder in a development checkout."""
    try:
        return resources.files("rotations.configs")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "configs"


def _refuse(message: str) -> None:
    click.echo(f"error: {message}. Nothing was written.", err=True)
    sys.exit(EXIT_INVALID)


cli.add_command(publish_command)
