"""The conferences' agendas in HTML: the report's section (every session's cases, and the cases
not discussed with why) and agenda.html, one printable page per session for the room. Neither
shows a case's summary: the report and the agendas leave the building, summaries do not."""

from __future__ import annotations

from html import escape

from rotations.implied import CaseRule
from rotations.output.tables import agenda_rows
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation

PRINT_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px;
       color: #111; }
h1 { font-size: 20px; margin: 0 0 4px; } .meta { color: #444; margin-bottom: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; }
section { break-after: page; } section:last-of-type { break-after: auto; }
@page { size: portrait; margin: 15mm; }
"""

HEAD = (
    "<thead><tr><th>#</th><th>case</th><th>type</th><th>needs</th><th>presenter</th>"
    "<th>minutes</th></tr></thead>"
)


def _names(problem: Problem) -> dict[str, str]:
    return {f.id: f.name for f in problem.fellows} | {p.id: p.name for p in problem.faculty}


def _rows(problem: Problem, rows: list[dict]) -> str:
    cases = {case.ref: case for case in problem.cases}
    names = _names(problem)
    out = []
    for row in rows:
        case = cases.get(row["case"])
        kind = case.type_name if case is not None else row["type"]
        needs = ", ".join(row["needs"].split(";")) if row["needs"] else ""
        presenter = names.get(row["presenter"], row["presenter"])
        out.append(
            f"<tr><td>{row['order']}</td><td>{escape(row['case'])}</td><td>{escape(kind)}</td>"
            f"<td>{escape(needs)}</td><td>{escape(presenter)}</td><td>{row['minutes']}</td></tr>"
        )
    return "".join(out)


def agenda_section(problem: Problem, schedule: Schedule, violations: list[Violation]) -> str:
    """The report's agenda: each session with cases, then each case not discussed, with why and
    where it was written."""
    rows = agenda_rows(problem, schedule)
    by_session: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_session.setdefault((row["date"], row["conference"]), []).append(row)
    names = {c.id: c.name for c in problem.conferences}
    out = ['<section id="agenda" tabindex="0"><h2>Case conference agendas</h2>']
    for (date, conference), slots in by_session.items():
        out.append(
            f"<h3>{date} · {escape(names.get(conference, conference))}</h3>"
            f'<table class="agenda">{HEAD}<tbody>{_rows(problem, slots)}</tbody></table>'
        )
    missed = [v for v in violations if isinstance(v.rule, CaseRule)]
    placed = len({row["case"] for row in rows})
    out.append(f"<p>{placed} of {len(problem.cases)} case(s) on an agenda.</p>")
    if missed:
        out.append('<h3>Cases not discussed</h3><ul class="soft">')
        for v in missed:  # the message names the case's row
            out.append(f"<li>{escape(v.message)}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def agenda_html(problem: Problem, schedule: Schedule) -> bytes:
    """agenda.html: one printable page per session with cases, its panel and presenters."""
    program = problem.program
    names = _names(problem)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(program.name)}: case conference agendas</title>",
        f"<style>{PRINT_CSS}</style></head><body>",
    ]
    rows = agenda_rows(problem, schedule)
    for session in problem.sessions:
        conf = problem.conferences[session.conference]
        day = session.date.isoformat()
        slots = [row for row in rows if (row["date"], row["conference"]) == (day, conf.id)]
        if not slots:
            continue
        roles = schedule.roles_on(conf.id, day)
        panel = ", ".join(
            f"{escape(names[r.person])} ({escape(r.discipline)})"
            for r in roles
            if r.role == "panel"
        )
        presenting = ", ".join(escape(names[r.person]) for r in roles if r.role == "presenter")
        where = f" · {escape(conf.location)}" if conf.location else ""
        minutes = sum(int(row["minutes"]) for row in slots)
        out.append(
            f"<section><h1>{escape(conf.name)}</h1>"
            f'<div class="meta">{day} {conf.time}{where} · {minutes} of '
            f"{conf.minutes_for_cases} minutes for cases</div>"
            f"<p>Presenting: {presenting or 'nobody'}<br>Panel: {panel}</p>"
            f'<table class="agenda">{HEAD}<tbody>{_rows(problem, slots)}</tbody></table>'
            "</section>"
        )
    out.append("</body></html>\n")
    return "\n".join(out).encode("utf-8")
