"""report.html: the year at a glance in one self-contained file (inline CSS, no scripts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from html import escape

from rotations.calendar import describe_ranges
from rotations.output.agenda import agenda_section
from rotations.output.oncall import CSS as CALL_CSS
from rotations.output.oncall import call_section, hours_section
from rotations.output.palette import abbreviation, rotation_colors, text_color
from rotations.output.tables import (
    attendance_counts,
    didactics_rows,
    exposure_rows,
    meeting_rows,
    role_counts,
)
from rotations.problem import Problem
from rotations.published import LeaveAnswer
from rotations.schedule import Schedule, Violation

CSS = """
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px;
       color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: #555; margin-bottom: 12px; }
section { overflow-x: auto; max-width: 100%; }  /* a wide table scrolls, not the page */
@media (max-width: 600px) { body { margin: 12px; } }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 4px; text-align: center; }
th.name, td.name { text-align: left; white-space: nowrap; }
table.grid td.cell { width: 18px; min-width: 18px; font-size: 10px; padding: 2px 0; }
table.grid th.block { font-size: 9px; font-weight: normal; writing-mode: vertical-rl;
                      transform: rotate(180deg); padding: 2px 0; }
td.leave { background-image: repeating-linear-gradient(45deg, transparent 0 3px,
           rgba(0,0,0,.35) 3px 5px); }
.legend span { display: inline-block; margin: 2px 8px 2px 0; padding: 1px 6px;
               border: 1px solid #999; }
.bad { background: #f8d0d0; font-weight: bold; } .ok { background: #e3f4e3; }
.status { padding: 6px 10px; border-radius: 4px; display: inline-block; }
.status.optimal { background: #e3f4e3; } .status.other { background: #fff3cd; }
.warning { background: #f8d0d0; padding: 8px; border: 1px solid #c66; }
ul.soft li { margin: 2px 0; }
.bar { position: relative; height: 10px; width: 120px; background: #eee; display: flex; }
.bar .logged, .logged-key { background: #33658a; }
.bar .expected, .expected-key { background: #86bbd8; }
.bar .target { position: absolute; top: -2px; bottom: -2px; width: 2px; background: #c00; }
.logged-key, .expected-key { display: inline-block; width: 12px; height: 10px; }
@page { size: landscape; margin: 10mm; }
@media print {
  body { margin: 0; font-size: 9px; }
  section { break-before: page; overflow: visible; }
  section:first-of-type { break-before: auto; }
  table.grid, table.wide { width: 100%; table-layout: fixed; }
  table.grid th.name, table.wide th.name { width: 13em; }
  table.wide th, table.wide td, table.grid td.cell { font-size: 7px; padding: 1px 0;
                                                    width: auto; min-width: 0; }
  table.grid th.block { font-size: 6px; }
  table.roster th, table.roster td { font-size: 7px; padding: 0 3px; }
}
"""


def report_html(
    problem: Problem,
    schedule: Schedule,
    violations: list[Violation],
    requests: list[LeaveAnswer] | None = None,
) -> bytes:
    """The report as UTF-8 bytes; deterministic for the same schedule."""
    program = problem.program
    colors = rotation_colors(problem)
    daily = problem.config.call or problem.config.duty_hours is not None
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(program.name)}: schedule</title>",
        f"<style>{CSS}{CALL_CSS if daily else ''}</style></head><body>",
        f"<h1>{escape(program.name)}</h1>",
        f'<div class="meta">{problem.blocks[0].start} to {problem.blocks[-1].end} · '
        f"{len(problem.blocks)} blocks of {escape(program.block_length)} · "
        f"{len(problem.fellows)} fellows</div>",
        _status(schedule),
    ]
    if schedule.relaxed:
        broken = [v for v in violations if v.hard]
        parts.append(
            f'<p class="warning">Relaxed schedule: it breaks {len(broken)} hard rule '
            "instance(s), listed at the end. Do not publish it as it is.</p>"
        )
    parts += [
        year_grid(problem, schedule, colors),
        _requirements(problem, schedule),
        _staffing(problem, schedule),
    ]
    if problem.config.procedures:
        parts.append(_exposure(problem, schedule))
    if problem.sessions:
        parts.append(_roster(problem, schedule))
    if problem.cases:
        parts.append(agenda_section(problem, schedule, violations))
    if problem.didactics:
        parts.append(_seminars(problem, schedule))
    if schedule.mentors:
        parts.append(_mentoring(problem, schedule))
    if problem.config.call:
        parts.append(call_section(problem, schedule))
    if problem.config.duty_hours is not None:
        parts.append(hours_section(problem, schedule))
    parts.append(_soft(violations, requests or []))
    parts.append("</body></html>\n")
    return "\n".join(parts).encode("utf-8")


def _status(schedule: Schedule) -> str:
    s = schedule.solver
    if s.status == "SWAPPED":
        return (
            '<p class="status other">The published schedule with call duties fellows swapped '
            f"(not solved again; the solver's bound before: {s.bound})</p>"
        )
    kind = "optimal" if s.optimal else "other"
    gap = "proven optimal" if s.optimal else s.not_proven()
    return (
        f'<p class="status {kind}">Solver: {escape(s.status)} · objective {s.objective} · '
        f"bound {s.bound} · {gap} · {s.deterministic_time:.1f} deterministic s · "
        f"stopped: {escape(s.stopped_by)}</p>"
    )


def year_grid(
    problem: Problem,
    schedule: Schedule,
    colors: dict[str, str],
    mine: str | None = None,
    only: Collection[str] | None = None,
) -> str:
    """The year as a coloured grid, leave hatched; the row of fellow `mine` marked (class
    "mine") on a fellow's own page; the rows of the fellows `only` if given (the pages show a
    fellow their own row, or the fellows a coordinator looks for)."""
    taken = problem.leave_taken(schedule.granted_leave)
    rows = [
        '<section id="grid" tabindex="0"><h2>The year</h2><table class="grid"><thead><tr>',
        '<th class="name">fellow</th>',
    ]
    for block in problem.blocks:
        rows.append(
            f'<th class="block" title="block {block.number}: {block.start} to {block.end}">'
            f"{block.number} · {block.start:%b %d}</th>"
        )
    rows.append("</tr></thead><tbody>")
    for f, fellow in enumerate(problem.fellows):
        if only is not None and fellow.id not in only:
            continue
        row = '<tr class="mine">' if fellow.id == mine else "<tr>"
        cells = [f'{row}<td class="name">{escape(fellow.name)}</td>']
        for block in problem.blocks:
            rid = schedule.rotation_of(fellow.id, block.index)
            if rid is None:
                cells.append('<td class="cell out" title="not in the program then"></td>')
                continue
            color = colors[rid]
            leave = block.ranges_within(taken[f])
            title = f"{fellow.name}, block {block.number} ({block.start} to {block.end}): "
            title += problem.rotation(rid).name
            text, site = abbreviation(rid), schedule.site_of(fellow.id, block.index)
            if site is not None:
                title += f" at {problem.site_name(site)}"
                text += f"/{abbreviation(site)}"
            if leave:
                title += f"; on leave {describe_ranges(leave)}"
            cells.append(
                f'<td class="cell{" leave" if leave else ""}" data-rotation="{escape(rid)}" '
                f'style="background-color:{color};color:{text_color(color)}" '
                f'title="{escape(title)}">{escape(text)}</td>'
            )
        rows.append("".join(cells) + "</tr>")
    rows.append("</tbody></table>")
    legend = "".join(
        f'<span style="background-color:{colors[rid]};color:{text_color(colors[rid])}">'
        f"{escape(abbreviation(rid))} = {escape(problem.rotation(rid).name)}</span>"
        for rid in problem.rotations
    )
    legend += "".join(
        f"<span>{escape(abbreviation(sid))} = {escape(site.name)}</span>"
        for sid, site in problem.config.sites.items()
    )
    rows.append(
        f'<p class="legend">{legend}<span class="leave-key" '
        'style="background-image:repeating-linear-gradient(45deg,transparent 0 3px,'
        'rgba(0,0,0,.35) 3px 5px)">leave</span></p></section>'
    )
    return "\n".join(rows)


def _requirements(problem: Problem, schedule: Schedule) -> str:
    head = "".join(f"<th>{escape(problem.rotation(r).name)}</th>" for r in problem.rotations)
    rows = [
        '<section id="requirements" tabindex="0">'
        "<h2>Blocks per rotation, against the requirements</h2>",
        f'<table><thead><tr><th class="name">fellow</th>{head}</tr></thead><tbody>',
    ]
    for f, fellow in enumerate(problem.fellows):
        cells = [f'<td class="name">{escape(fellow.name)}</td>']
        for rid in problem.rotations:
            got = schedule.assignments[fellow.id].count(rid)
            need = problem.requirement(f, rid)
            if need is None:
                cells.append(f"<td>{got}</td>")
                continue
            inside = (need.min is None or got >= need.min) and (need.max is None or got <= need.max)
            cells.append(
                f'<td class="{"ok" if inside else "bad"}">{got} '
                f"<small>({escape(need.describe('blocks'))})</small></td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    rows.append("</tbody></table></section>")
    return "\n".join(rows)


def _exposure(problem: Problem, schedule: Schedule) -> str:
    """Per fellow and procedure, a bar: cases logged (dark) and expected (light) against the
    target (the line)."""
    procedures = problem.config.procedures
    head = "".join(f"<th>{escape(p.name)}</th>" for p in procedures.values())
    rows = [
        '<section id="exposure" tabindex="0">'
        "<h2>Procedure numbers: logged and expected cases, against the "
        "targets</h2>",
        f'<table class="exposure"><thead><tr><th class="name">fellow</th>{head}</tr></thead>'
        "<tbody>",
    ]
    table = {(r["fellow"], r["procedure"]): r for r in exposure_rows(problem, schedule)}
    for fellow in problem.fellows:
        cells = [f'<td class="name">{escape(fellow.name)}</td>']
        for pid in procedures:
            row = table[fellow.id, pid]
            logged, expected = row["logged"], float(row["expected"])
            target = row["target"]
            scale = max(float(target or 0), logged + expected, 1)
            bar = (
                f'<span class="logged" style="width:{100 * logged / scale:.1f}%"></span>'
                f'<span class="expected" style="width:{100 * expected / scale:.1f}%"></span>'
            )
            if target != "":
                bar += f'<span class="target" style="left:{100 * target / scale:.1f}%"></span>'
            kind = {"yes": "ok", "no": "bad"}.get(row["met"], "")
            text = f"{logged + expected:.1f}" + (f" / {target}" if target != "" else "")
            cells.append(f'<td class="{kind}"><div class="bar">{bar}</div>{text}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    rows.append(
        '</tbody></table><p class="legend"><span class="logged-key"></span> logged '
        '<span class="expected-key"></span> expected, the line: the target</p></section>'
    )
    return "\n".join(rows)


def _staffing(problem: Problem, schedule: Schedule) -> str:
    head = "".join(f"<th>{b.number}</th>" for b in problem.blocks)
    rows = [
        '<section id="staffing" tabindex="0">'
        "<h2>Fellows per rotation in each block, against staffing</h2>",
        f'<table class="wide"><thead><tr><th class="name">rotation</th><th>min–max</th>{head}</tr>'
        "</thead><tbody>",
    ]
    for rid in problem.rotations:
        rotation = problem.rotation(rid)
        staffing = rotation.staffing
        lo = staffing.min if staffing and staffing.min is not None else 0
        hi = staffing.max if staffing else None
        cells = [
            f'<td class="name">{escape(rotation.name)}</td>',
            f"<td>{lo}–{'' if hi is None else hi}</td>",
        ]
        for block in problem.blocks:
            n = sum(1 for f in problem.fellows if schedule.rotation_of(f.id, block.index) == rid)
            inside = n >= lo and (hi is None or n <= hi)
            cells.append(f'<td class="{"ok" if inside else "bad"}">{n}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    rows.append(
        "</tbody></table>"
        "<p><small>Counts are fellows assigned; the minimum must also hold on every "
        "working day counting only fellows not on leave.</small></p></section>"
    )
    return "\n".join(rows)


def _roster(problem: Problem, schedule: Schedule) -> str:
    names = {f.id: f.name for f in problem.fellows} | {p.id: p.name for p in problem.faculty}
    rows = [
        '<section id="conferences" tabindex="0"><h2>Conference roster</h2>',
        '<table class="roster"><thead><tr><th>date</th><th class="name">conference</th>'
        '<th class="name">presenting</th><th class="name">panel</th></tr></thead><tbody>',
    ]
    for session in problem.sessions:
        conf = problem.conferences[session.conference]
        roles = schedule.roles_on(conf.id, session.date.isoformat())
        presenters = ", ".join(escape(names[r.person]) for r in roles if r.role == "presenter")
        panel = ", ".join(
            f"{escape(names[r.person])} ({escape(r.discipline)})"
            for r in roles
            if r.role == "panel"
        )
        rows.append(
            f'<tr><td>{session.date} {conf.time}</td><td class="name">'
            f'{escape(conf.name)}</td><td class="name">{presenters}</td>'
            f'<td class="name">{panel}</td></tr>'
        )
    counts = role_counts(problem, schedule)
    rows.append(
        "</tbody></table><p>Presentations: "
        + ", ".join(f"{escape(names[k])} {v}" for k, v in counts["fellows"].items())
        + "<br>Panels: "
        + ", ".join(f"{escape(names[k])} {v}" for k, v in counts["faculty"].items())
        + "</p></section>"
    )
    return "\n".join(rows)


def _seminars(problem: Problem, schedule: Schedule) -> str:
    """Per series: the sessions held (topic, teacher, who attends) and a fellow × topic grid of
    the sessions attended, a topic attended too rarely marked."""
    lessons = didactics_rows(problem, schedule)
    rows = ['<section id="didactics" tabindex="0"><h2>Seminars</h2>']
    for d, series in enumerate(problem.didactics):
        topics = {t.id: t.name for t in series.topics}
        rows += [
            f"<h3>{escape(series.name)}</h3>",
            '<table class="roster"><thead><tr><th>date</th><th class="name">topic</th>'
            '<th class="name">teacher</th><th class="name">attending</th></tr></thead><tbody>',
        ]
        for row in lessons:
            if row["series"] != series.id:
                continue
            there = set(row["attendees"].split(";"))
            day = dt.date.fromisoformat(row["date"])
            away = [
                escape(fellow.name)
                for f, fellow in enumerate(problem.fellows)
                if fellow.id not in there and problem.inside(f, day)
            ]
            present = f"everyone but {', '.join(away)}" if away else "everyone"
            rows.append(
                f'<tr><td class="name">{row["date"]} {row["start"]}</td>'
                f'<td class="name">{escape(topics[row["topic"]])}</td>'
                f'<td class="name">{escape(row["teacher_name"])}</td>'
                f'<td class="name">{present}</td></tr>'
            )
        head = "".join(f"<th>{escape(name)}</th>" for name in topics.values())
        rows.append(
            f"</tbody></table><p>Sessions attended per topic (at least "
            f"{series.attendance.times} each):</p>"
            f'<table class="wide"><thead><tr><th class="name">fellow</th>{head}</tr></thead>'
            "<tbody>"
        )
        counts = attendance_counts(problem, schedule, d)
        for fellow in problem.fellows:
            cells = "".join(
                f'<td class="bad">{n} missed</td>'
                if n < series.attendance.times
                else f'<td class="ok">{n}</td>'
                for n in counts[fellow.id].values()
            )
            rows.append(f'<tr><td class="name">{escape(fellow.name)}</td>{cells}</tr>')
        rows.append("</tbody></table>")
    rows.append("</section>")
    return "\n".join(rows)


def _mentoring(problem: Problem, schedule: Schedule) -> str:
    """Mentor pairs, the meetings held and the periods without one."""
    faculty = {p.id: p.name for p in problem.faculty}
    meetings: dict[str, list[dict]] = {}
    for row in meeting_rows(problem, schedule):
        meetings.setdefault(row["fellow"], []).append(row)
    rows = [
        '<section id="mentoring" tabindex="0"><h2>Mentoring</h2>',
        '<table class="roster"><thead><tr><th class="name">fellow</th><th class="name">mentor'
        '</th><th class="name">meetings</th><th class="name">no meeting (both never free)</th>'
        "</tr></thead><tbody>",
    ]
    for fellow in problem.fellows:
        mentor = schedule.mentors.get(fellow.id)
        if mentor is None:
            continue
        mine = meetings.get(fellow.id, [])
        held = ", ".join(str(m["date"]) for m in mine if m["date"])
        missed = ", ".join(f"{m['from']} to {m['to']}" for m in mine if not m["date"])
        rows.append(
            f'<tr><td class="name">{escape(fellow.name)}</td>'
            f'<td class="name">{escape(faculty[mentor])}</td><td class="name">{held}</td>'
            f'<td class="name">{missed}</td></tr>'
        )
    rows.append("</tbody></table></section>")
    return "\n".join(rows)


def _soft(violations: list[Violation], requests: list[LeaveAnswer]) -> str:
    rows = ['<section id="soft" tabindex="0"><h2>Soft rules and preferences not met</h2>']
    soft = [v for v in violations if not v.hard]
    if soft:
        rows.append(f'<p>Total cost {sum(v.cost for v in soft)}.</p><ul class="soft">')
        for v in sorted(soft, key=lambda v: (v.fellow or "", v.block or 0, v.key)):
            who = f"{escape(v.fellow)}: " if v.fellow else ""
            rows.append(f"<li>{who}{escape(v.label)}: {escape(v.message)} (cost {v.cost})</li>")
        rows.append("</ul>")
    else:
        rows.append("<p>Every soft rule and preference is met.</p>")
    if requests:
        rows.append("<h2>Leave requests</h2><ul>")
        for r in requests:
            verdict = "granted" if r.granted else f"denied: {escape(r.why or '')}"
            rows.append(f"<li>{escape(r.fellow)} {r.start} to {r.end}: {verdict}</li>")
        rows.append("</ul>")
    hard = [v for v in violations if v.hard]
    if hard:
        rows.append('<h2>Hard rules broken</h2><ul class="soft">')
        rows += [f"<li>{escape(v.label)}: {escape(v.message)}</li>" for v in hard]
        rows.append("</ul>")
    rows.append("</section>")
    return "\n".join(rows)
