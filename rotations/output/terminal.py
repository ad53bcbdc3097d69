"""The terminal summary after a solve: status, objective and bound, blocks per rotation per
fellow, and every soft rule that was not met."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from rotations.hours import duty_weeks, windows
from rotations.output.tables import attendance_counts, meeting_rows, role_counts
from rotations.problem import Problem
from rotations.published import LeaveAnswer
from rotations.schedule import Schedule, Violation


def status_line(schedule: Schedule) -> str:
    s = schedule.solver
    proof = "proven optimal" if s.optimal else s.not_proven()
    stop = {
        "finished": "",
        "deterministic budget": "; stopped by the deterministic budget (reruns give the same)",
        "wall clock": "; stopped by the wall clock first (another run may differ)",
    }[s.stopped_by]
    return (
        f"Status {s.status}: objective {s.objective}, bound {s.bound} ({proof}); "
        f"{s.wall_time:.1f}s wall, {s.deterministic_time:.1f} deterministic s{stop}"
    )


def rotation_table(problem: Problem, schedule: Schedule) -> Table:
    table = Table(title="Blocks per rotation", title_justify="left")
    table.add_column("fellow")
    required = problem.config.requirements
    for rid in problem.rotations:
        table.add_column(rid, justify="right")
    for fellow in problem.fellows:
        row = [fellow.id]
        for rid in problem.rotations:
            got = schedule.assignments[fellow.id].count(rid)
            row.append(str(got))
        table.add_row(*row)
    need = ["required"]
    for rid in problem.rotations:
        count = required.get(rid)
        if count is None:
            need.append("")
        elif count.min == count.max:
            need.append(str(count.min))
        else:
            need.append(f"{count.min or 0}-{'' if count.max is None else count.max}")
    table.add_row(*need, style="dim")
    return table


def roster_table(problem: Problem, schedule: Schedule) -> Table:
    """The conference roster, then presentations per fellow and panels per faculty member."""
    table = Table(title="Conference roster", title_justify="left")
    for column in ("date", "conference", "presenting", "panel"):
        table.add_column(column)
    for session in problem.sessions:
        conf = problem.conferences[session.conference]
        roles = schedule.roles_on(conf.id, session.date.isoformat())
        table.add_row(
            session.date.isoformat(),
            conf.id,
            ", ".join(r.person for r in roles if r.role == "presenter"),
            ", ".join(f"{r.person} ({r.discipline})" for r in roles if r.role == "panel"),
        )
    counts = role_counts(problem, schedule)
    table.caption = (
        "presentations: "
        + ", ".join(f"{k} {v}" for k, v in counts["fellows"].items())
        + "\npanels: "
        + ", ".join(f"{k} {v}" for k, v in counts["faculty"].items())
    )
    return table


def teaching_lines(problem: Problem, schedule: Schedule) -> list[str]:
    """A line per seminar series (sessions held, topics missed) and one for mentoring."""
    lines = []
    for d, series in enumerate(problem.didactics):
        held = sum(x.series == series.id for x in schedule.lessons)
        counts = attendance_counts(problem, schedule, d)
        short = [
            f"{fid} {topic}"
            for fid, topics in counts.items()
            for topic, n in topics.items()
            if n < series.attendance.times
        ]
        lines.append(
            f"{series.name}: {held} of {len(problem.seminars_of(d))} dates held; "
            + (
                f"attended too rarely: {', '.join(short)}"
                if short
                else "every fellow attends every topic"
            )
            + " (didactics.csv)"
        )
    if problem.cases:
        placed = {slot.case for slot in schedule.agenda}
        missed = [case.ref for case in problem.cases if case.ref not in placed]
        lines.append(
            f"Cases: {len(placed)} of {len(problem.cases)} on an agenda"
            + (f"; not discussed: {', '.join(missed)} (why: below)" if missed else "")
            + " (agenda.csv, agenda.html)"
        )
    if schedule.mentors:
        rows = meeting_rows(problem, schedule)
        missed = sum(not row["date"] for row in rows)
        pairs = ", ".join(f"{f} ← {m}" for f, m in schedule.mentors.items())
        meetings = ""
        if rows:
            meetings = f"; {len(rows) - missed} meetings, {missed} period(s) without one"
        lines.append(f"Mentors: {pairs}{meetings}")
    return lines + call_lines(problem, schedule)


def call_lines(problem: Problem, schedule: Schedule) -> list[str]:
    """A line per call (its duties and how many each fellow takes) and one for duty hours (the
    highest average against the limit)."""
    lines = []
    for call in problem.config.call:
        counts = Counter(x.fellow for x in schedule.calls if x.call == call.id)
        each = ", ".join(f"{f.id} {counts.get(f.id, 0)}" for f in problem.fellows)
        lines.append(f"{call.name}: {sum(counts.values())} fellow-duties: {each} (call.csv)")
    duty = problem.config.duty_hours
    if duty is not None:
        most, n = duty.max_weekly, duty.max_weekly.averaged_over_weeks
        highest = max(
            (
                sum(w.hours for w in run) / len(run)
                for weeks in duty_weeks(problem, schedule).values()
                for run in windows(weeks, n)
            ),
            default=0,
        )
        lines.append(
            f"Duty hours: highest {n}-week average {float(highest):.1f} of at most {most.hours} "
            "(duty_hours.csv)"
        )
    return lines


def print_summary(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    requests: list[LeaveAnswer] | None = None,
    console: Console | None = None,
) -> None:
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=160)
    console.print(status_line(schedule))
    console.print(rotation_table(problem, schedule))
    if problem.sessions:
        console.print(roster_table(problem, schedule))
    for line in teaching_lines(problem, schedule):
        console.print(line)
    for request in requests or []:
        what = f"{request.fellow} {request.start}..{request.end}"
        if request.granted:
            console.print(f"Leave request granted: {what}")
        else:
            console.print(f"Leave request denied: {what}: {request.why}")
    soft = [v for v in violations if not v.hard]
    if not soft:
        console.print("Every soft rule and preference is met.")
        return
    console.print(f"Soft rules and preferences not met (total cost {sum(v.cost for v in soft)}):")
    for v in sorted(soft, key=lambda v: (v.fellow or "", v.block or 0, v.key)):
        console.print(f"  {v.fellow or '-':<10} {v.label}: {v.message} (cost {v.cost})")
