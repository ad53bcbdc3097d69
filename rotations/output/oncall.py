"""The report's call and duty-hour sections: a month view of every duty, each fellow's duties
(all, weekends, holidays), and each fellow's weekly hours and days off against the limits."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from html import escape

from rotations.calendar import DAY
from rotations.hours import duty_weeks, windows
from rotations.problem import Problem
from rotations.schedule import Schedule

CSS = """
table.month { table-layout: fixed; margin-bottom: 12px; }
table.month td { vertical-align: top; text-align: left; width: 9em; height: 3.2em;
                 font-size: 11px; }
table.month td.out { background: #f4f4f4; } table.month td.holiday { background: #fff3cd; }
table.month .day { color: #555; } td.over { background: #fff3cd; }
"""


def _short(name: str) -> str:
    """A fellow's name without the degrees after the comma: "Ana Alvarez, MD" -> "Ana Alvarez"."""
    return name.split(",")[0]


def call_section(problem: Problem, schedule: Schedule) -> str:
    """Each fellow's duties per call, then every month of the year as a calendar of duties."""
    names = {f.id: _short(f.name) for f in problem.fellows}
    calls = problem.config.call
    on: dict[dt.date, list[str]] = {}
    counts: dict[tuple[str, str, str], int] = {}
    spans = {call.id: call for call in calls}
    for x in schedule.calls:
        first = dt.date.fromisoformat(x.date)
        days = [first + i * DAY for i in range(spans[x.call].span)]
        text = f"{escape(spans[x.call].name)}: {escape(names[x.fellow])}"
        for day in days:
            on.setdefault(day, []).append(text)
        kinds = ["all"]
        kinds += ["weekend"] if any(d.weekday() >= 5 for d in days) else []
        kinds += ["holiday"] if any(d in problem.holidays for d in days) else []
        for kind in kinds:
            counts[x.fellow, x.call, kind] = counts.get((x.fellow, x.call, kind), 0) + 1
    head = "".join(
        f"<th>{escape(call.name)}</th><th>weekends</th><th>holidays</th>" for call in calls
    )
    out = [
        '<section id="call" tabindex="0"><h2>Call</h2>',
        f'<table class="roster"><thead><tr><th class="name">fellow</th>{head}</tr></thead><tbody>',
    ]
    for fellow in problem.fellows:
        cells = "".join(
            f"<td>{counts.get((fellow.id, call.id, kind), 0)}</td>"
            for call in calls
            for kind in ("all", "weekend", "holiday")
        )
        out.append(f'<tr><td class="name">{escape(fellow.name)}</td>{cells}</tr>')
    out.append("</tbody></table>")
    first, last = problem.blocks[0].start, problem.blocks[-1].end
    month = first.replace(day=1)
    while month <= last:
        out.append(_month(month, first, last, problem.holidays, on))
        month = (month + 31 * DAY).replace(day=1)
    out.append("</section>")
    return "\n".join(out)


def _month(month: dt.date, first: dt.date, last: dt.date, holidays, on) -> str:
    """One month as a Monday-to-Sunday calendar of the duties on each day (a weekend duty on
    every day it covers); weeks wholly outside the year left out."""
    weekdays = "".join(f"<th>{d}</th>" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    rows = [
        f"<h3>{_calendar.month_name[month.month]} {month.year}</h3>",
        f'<table class="month"><thead><tr>{weekdays}</tr></thead><tbody>',
    ]
    for week in _calendar.Calendar().monthdatescalendar(month.year, month.month):
        if not any(day.month == month.month and first <= day <= last for day in week):
            continue
        cells = []
        for day in week:
            if day.month != month.month or not first <= day <= last:
                cells.append('<td class="out"></td>')
                continue
            kind = ' class="holiday"' if day in holidays else ""
            duties = "<br>".join(on.get(day, []))
            cells.append(f'<td{kind}><span class="day">{day.day}</span><br>{duties}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def hours_section(problem: Problem, schedule: Schedule) -> str:
    """Per fellow: the highest week, the highest average over max_weekly's weeks and the fewest
    days off over one_day_off_in's weeks, against the limits; then every week's hours."""
    duty = problem.config.duty_hours
    most, off = duty.max_weekly, duty.one_day_off_in
    weeks = duty_weeks(problem, schedule)
    out = [
        '<section id="duty-hours" tabindex="0"><h2>Duty hours</h2>',
        f"<p>At most {most.hours} hours a week averaged over {most.averaged_over_weeks} "
        f"weeks; one day in {off.days} free of rotation work and call, averaged over "
        f"{off.averaged_over_weeks} weeks. A week's hours: its rotation hours on the working "
        "days present, the call duties starting in it, less the rotation hours of a post-call "
        "day off.</p>",
        '<table class="roster"><thead><tr><th class="name">fellow</th><th>highest week</th>'
        f"<th>highest {most.averaged_over_weeks}-week average</th>"
        f"<th>fewest days off in {off.averaged_over_weeks} weeks (at least "
        f"{7 * off.averaged_over_weeks // off.days})</th></tr></thead><tbody>",
    ]
    for fellow in problem.fellows:
        mine = [w for w in weeks[fellow.id] if w.inside]
        if not mine:
            continue
        top = max(w.hours for w in mine)
        runs = windows(mine, most.averaged_over_weeks)
        averages = [sum(w.hours for w in run) / len(run) for run in runs]
        free = [sum(w.days_off for w in run) for run in windows(mine, off.averaged_over_weeks)]
        need = 7 * off.averaged_over_weeks // off.days
        high = max(averages)
        out.append(
            f'<tr><td class="name">{escape(fellow.name)}</td><td>{float(top):.1f}</td>'
            f'<td class="{"bad" if high > most.hours else "ok"}">{float(high):.1f}</td>'
            f'<td class="{"bad" if min(free) < need else "ok"}">{min(free)}</td></tr>'
        )
    out.append("</tbody></table>")
    numbers = [w.number for w in next(iter(weeks.values()))]
    head = "".join(f'<th class="block">{n}</th>' for n in numbers)
    out.append(
        f"<p>Hours per week (above {most.hours} marked: allowed while the average holds):</p>"
        '<table class="wide"><thead><tr><th class="name">fellow</th>'
        f"{head}</tr></thead><tbody>"
    )
    for fellow in problem.fellows:
        cells = "".join(
            f'<td class="{"over" if w.hours > most.hours else ""}">{round(w.hours)}</td>'
            if w.inside
            else "<td></td>"
            for w in weeks[fellow.id]
        )
        out.append(f'<tr><td class="name">{escape(fellow.name)}</td>{cells}</tr>')
    out.append("</tbody></table></section>")
    return "\n".join(out)
