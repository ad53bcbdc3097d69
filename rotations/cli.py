"""The `rotations` command line: parses options, calls the library, prints, sets the exit code.

Exit codes: 0 solved · 1 invalid config · 2 the rules cannot all hold · 3 no schedule within the
time limit · 4 internal error (a bug; traceback with --debug)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from rotations import __version__
from rotations.check import check
from rotations.config import ConfigError, load_config
from rotations.explain import (
    arithmetic_conflicts,
    format_conflict,
    leave_request_report,
    minimal_conflict,
)
from rotations.output import render, write_folder
from rotations.problem import Problem, resolve
from rotations.report import print_summary
from rotations.solve import Result, SolveOptions, solve

EXIT_INVALID, EXIT_INFEASIBLE, EXIT_TIMEOUT, EXIT_BUG = 1, 2, 3, 4


class Throttled:
    """Prints solver progress to stderr at most once a second."""

    def __init__(self) -> None:
        self.last = -1.0

    def __call__(self, elapsed: float, best: int | None, bound: int | None) -> None:
        now = time.monotonic()
        if now - self.last < 1.0:
            return
        self.last = now
        best_text = "-" if best is None else str(best)
        bound_text = "-" if bound is None else str(bound)
        click.echo(f"  {elapsed:6.1f}s  best {best_text:>8}  bound {bound_text:>8}", err=True)


def _load(config_file: Path) -> Problem:
    try:
        return resolve(load_config(config_file))
    except ConfigError as exc:
        click.echo(f"{config_file}: the program has {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_INVALID)


class _Group(click.Group):
    """Maps click's own errors to exit code 1 and unexpected exceptions to exit code 4."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        args = list(sys.argv[1:] if args is None else args)
        extra["standalone_mode"] = False
        try:
            rc = super().main(args, prog_name, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_INVALID)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
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
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build the year of a fellowship from rules in YAML."""
    ctx.obj = {"debug": debug}


@cli.command("check")
@click.argument("config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(config_file: Path) -> None:
    """Validate CONFIG_FILE and list every problem with file:line:column."""
    problem = _load(config_file)
    click.echo(
        f"{config_file}: OK: {len(problem.fellows)} fellows, {len(problem.rotations)} rotations, "
        f"{len(problem.blocks)} blocks ({problem.blocks[0].start}..{problem.blocks[-1].end}), "
        f"{len(problem.config.rules)} rules"
    )


@cli.command("solve")
@click.argument("config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the schedule, calendars and schedule.json (replaced as a whole).",
)
@click.option(
    "--time-limit",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Solver budget in deterministic seconds (about wall-clock seconds).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Solver random seed.")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Solver workers; results depend only on the input, seed and workers.",
)
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
    problem = _load(config_file)
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers, relax=relax)
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
    result = solve(problem, options, progress=Throttled())
    _finish(problem, result, out_dir)


def _finish(problem: Problem, result: Result, out_dir: Path) -> None:
    stats = result.stats
    if result.schedule is None:
        if stats.status == "INFEASIBLE":
            click.echo(
                "No schedule keeps every hard rule; finding the rules that clash...", err=True
            )
            conflict = minimal_conflict(problem, time_limit=stats.time_limit)
            if conflict is None:
                click.echo("These rules cannot all hold together.", err=True)
            else:
                click.echo(format_conflict(conflict), err=True)
            click.echo(
                "Make one of them soft (give it a weight) or change it, or run with "
                "--relax to see the closest schedule. Nothing was written.",
                err=True,
            )
            sys.exit(EXIT_INFEASIBLE)
        click.echo(
            f"No schedule found within the time limit ({stats.time_limit:g}s, status "
            f"{stats.status}). Try a longer --time-limit. Nothing was written.",
            err=True,
        )
        sys.exit(EXIT_TIMEOUT)
    violations = check(problem, result.schedule)
    broken = [v for v in violations if v.hard]
    if broken and result.schedule.relaxed:
        click.echo(
            f"WARNING: relaxed schedule: it breaks {len(broken)} hard rule instance(s):", err=True
        )
        for v in broken:
            click.echo(f"  {v.label}: {v.message}", err=True)
    elif broken:
        click.echo("BUG: the solver's schedule breaks hard rules (nothing was written):", err=True)
        for v in broken:
            click.echo(f"  {v}", err=True)
        sys.exit(EXIT_BUG)
    requests = leave_request_report(problem, result.schedule)
    files = render(problem, result.schedule, violations, requests)
    write_folder(out_dir, files)
    print_summary(problem, result.schedule, violations, requests)
    calendars = sum(1 for name in files if name.endswith(".ics"))
    click.echo(
        f"\nWrote {out_dir}/: {', '.join(n for n in files if '/' not in n)}, "
        f"{calendars} calendars in {out_dir}/calendars/"
    )


def main() -> None:
    """Entry point of the `rotations` console script."""
    cli(prog_name="rotations")
