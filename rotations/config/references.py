"""Cross-reference checks: every id a config names exists, every date and block lies in the year.

They also run on the well-formed parts of a config that failed validation (`partial_config`),
so that one malformed entry does not hide a dangling reference elsewhere."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from rotations.calendar import make_blocks
from rotations.config import models, rules, types
from rotations.config.call import DAYS, Call, CallLimit, DutyHours
from rotations.config.source import ConfigProblem, SourceMap

# Names Windows reserves for devices, whatever the extension: `calendars/con.ics` cannot exist.
_DEVICE_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}


def partial_config(data: Any) -> models.Config:
    """The parts of a document that validate on their own, for the reference checks.

    An entry that fails is None; a rotation or fellow that fails keeps a stand-in under its id
    (so references to it still resolve); a program that fails is None (no dates to check)."""
    data = data if isinstance(data, dict) else {}

    def valid(kind: Any, value: Any) -> Any:
        try:
            return TypeAdapter(kind).validate_python(value)
        except ValidationError:
            return None

    def entries(key: str) -> list:
        value = data.get(key)
        return value if isinstance(value, list) else []

    def mapping(key: str) -> dict:
        value = data.get(key)
        return value if isinstance(value, dict) else {}

    fellows = []
    for raw in entries("fellows"):
        fellow = valid(models.Fellow, raw)
        if fellow is None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
            tags = raw.get("tags") if isinstance(raw.get("tags"), list) else []
            fellow = models.Fellow.model_construct(
                id=raw["id"], name=raw["id"], tags=[t for t in tags if isinstance(t, str)]
            )
        fellows.append(fellow)
    return models.Config.model_construct(
        program=valid(models.Program, data.get("program")),
        rotations={
            str(rid): valid(models.Rotation, raw) or models.Rotation.model_construct(name=str(rid))
            for rid, raw in mapping("rotations").items()
        },
        fellows=fellows,
        sites={str(sid): valid(models.Site, raw) for sid, raw in mapping("sites").items()},
        requirements={
            str(rid): valid(types.Requirement, raw) for rid, raw in mapping("requirements").items()
        },
        leave=[valid(models.Leave, raw) for raw in entries("leave")],
        rules=[valid(rules.Rule, raw) for raw in entries("rules")],
        faculty=[valid(models.Faculty, raw) for raw in entries("faculty")],
        conferences=[valid(models.Conference, raw) for raw in entries("conferences")],
        procedures={
            str(pid): valid(models.Procedure, raw) for pid, raw in mapping("procedures").items()
        },
        targets={str(pid): valid(types.Target, raw) for pid, raw in mapping("targets").items()},
        didactics=[valid(models.Didactics, raw) for raw in entries("didactics")],
        mentoring=valid(models.Mentoring, data.get("mentoring")),
        call=[valid(Call, raw) for raw in entries("call")],
        call_limits=[valid(CallLimit, raw) for raw in entries("call_limits")],
        duty_hours=valid(DutyHours, data.get("duty_hours")),
    )


def _present(items: list) -> list[tuple[int, Any]]:
    return [(i, item) for i, item in enumerate(items) if item is not None]


def check_references(config: models.Config, source: SourceMap) -> list[ConfigProblem]:
    """Every problem with ids, tags, dates and block numbers, each at its position."""
    problems: list[ConfigProblem] = []
    rotations = config.rotations
    fellows = _present(config.fellows)
    fellow_ids = [f.id for _, f in fellows]
    tags = {t for _, f in fellows for t in f.tags}
    procedures = config.procedures or {}
    program = config.program
    blocks = make_blocks(program.start, program.blocks, program.block_length) if program else None

    def report(path: tuple, message: str) -> None:
        problems.append(source.problem(path, message))

    def rotation(path: tuple, rid: str) -> None:
        if rid not in rotations:
            report(path, f"unknown rotation '{rid}'; known: {', '.join(rotations)}")

    sites = config.sites or {}

    def site(path: tuple, sid: str) -> None:
        if sid not in sites:
            known = ", ".join(sites) or "none yet: add them under sites:"
            report(path, f"unknown site '{sid}'; known: {known}")

    def offered(path: tuple, rid: str, sid: str) -> None:
        """`sid` is a site `rid` is offered at."""
        rot = rotations.get(rid)
        if rot is None:
            return
        there = getattr(rot, "sites", None) or {}
        if sid not in there:
            known = ", ".join(there) or "none: it has no sites"
            report(path, f"{rid} is not offered at '{sid}' (its sites: {known})")

    def requirement(path: tuple, key: str, value) -> None:
        if isinstance(value, types.Group):
            if key in rotations:
                report(path, f"'{key}' is a rotation; name the group of any_of another way")
            for j, rid in enumerate(value.any_of):
                rotation((*path, "any_of", j), rid)
            if value.count.min is not None and value.count.min > len(set(value.any_of)):
                report(
                    (*path, "count"),
                    f"{value.count.min} of {len(set(value.any_of))} rotations cannot be taken",
                )
        else:
            rotation(path, key)

    def procedure(path: tuple, pid: str) -> None:
        if pid not in procedures:
            known = ", ".join(procedures) or "none yet: add them under procedures:"
            report(path, f"unknown procedure '{pid}'; known: {known}")

    def fellow(path: tuple, fid: str) -> None:
        if fid not in fellow_ids:
            report(path, f"unknown fellow '{fid}'; known: {', '.join(fellow_ids)}")

    def selector(path: tuple, sel: types.Selector | None) -> None:
        if isinstance(sel, types.TagSelector):
            for i, tag in enumerate(sel.tags):
                if tag not in tags:
                    report((*path, "tags", i), f"no fellow has the tag '{tag}'")
        elif sel is not None:
            for i, fid in enumerate(sel):
                fellow((*path, i), fid)

    def in_year(path: tuple, start, end, what: str) -> None:
        if blocks is None:
            return
        first, last = blocks[0].start, blocks[-1].end
        if end < first or start > last:
            report(path, f"{what} {start}..{end} lies outside the year ({first}..{last})")

    seen: dict[str, int] = {}
    for i, f in fellows:
        fold = f.id.casefold()
        if fold in seen:
            other = config.fellows[seen[fold]].id
            report(
                ("fellows", i, "id"),
                f"fellow id '{f.id}' is used twice (also fellows[{seen[fold]}])"
                if other == f.id
                else f"fellow id '{f.id}' differs from '{other}' (fellows[{seen[fold]}]) only "
                "in case; ids name calendar files, which macOS and Windows do not tell apart "
                "by case: pick another id",
            )
        seen.setdefault(fold, i)
        if fold == "program":
            report(
                ("fellows", i, "id"),
                "'program' is reserved for calendars/program.ics; pick another id",
            )
        _device_name(report, ("fellows", i, "id"), f.id)
        for rid, value in getattr(f, "requirements", {}).items():
            requirement(("fellows", i, "requirements", rid), rid, value)
        for j, entry in enumerate(getattr(f, "allowed", [])):
            rid, _, sid = entry.partition("@")
            rotation(("fellows", i, "allowed", j), rid)
            if sid:
                offered(("fellows", i, "allowed", j), rid, sid)
        for pid in getattr(f, "targets", {}):
            procedure(("fellows", i, "targets", pid), pid)
        start, end = getattr(f, "start", None), getattr(f, "end", None)
        if start or end:
            in_year(("fellows", i), start or end, end or start, f"{f.id}'s dates")

    for rid, value in config.requirements.items():
        if value is not None:
            requirement(("requirements", rid), rid, value)
    for pid in config.targets or {}:
        procedure(("targets", pid), pid)
    for rid, rot in config.rotations.items():
        for pid in getattr(rot, "exposure", None) or {}:
            procedure(("rotations", rid, "exposure", pid), pid)
        for sid, there in (getattr(rot, "sites", None) or {}).items():
            site(("rotations", rid, "sites", sid), sid)
            for number in there.blocks if blocks is not None else ():
                if number > len(blocks):
                    report(
                        ("rotations", rid, "sites", sid, "blocks", number),
                        f"there is no block {number}: the year has blocks 1..{len(blocks)}",
                    )

    for i, leave in _present(config.leave):
        fellow(("leave", i, "fellow"), leave.fellow)
        in_year(("leave", i), leave.start, leave.end, "leave")

    for i, rule in _present(config.rules):
        path = ("rules", i)
        selector((*path, "fellows"), rule.fellows)
        if isinstance(rule, rules.SingleFellowRule) and rule.fellow is not None:
            fellow((*path, "fellow"), rule.fellow)
        for key in ("rotation", "first", "then", "to"):
            if hasattr(rule, key):
                rotation((*path, key), getattr(rule, key))
        if isinstance(rule, rules.ForbidSequence):
            rotation((*path, "from"), rule.from_)
        if isinstance(rule, rules.MaxConsecutive):
            for j, rid in enumerate(rule.rotations):
                rotation((*path, "rotations", j), rid)
        if isinstance(rule, rules.Pin) and blocks is not None:
            for j, number in enumerate(rule.blocks):
                if not 1 <= number <= len(blocks):
                    report(
                        (*path, "blocks", j),
                        f"there is no block {number}: the year has blocks 1..{len(blocks)}",
                    )
        if isinstance(rule, rules.Wish):
            in_year(path, rule.start, rule.end, "the dates")
        if isinstance(rule, (rules.Want, rules.PreferSite)) and rule.site is not None:
            site((*path, "site"), rule.site)
        if isinstance(rule, rules.Want) and rule.site is not None:
            offered((*path, "site"), rule.rotation, rule.site)
    _check_conferences(config, report, rotation, in_year)
    _check_teaching(config, report, rotation, fellow)
    _check_call(config, report, rotation, fellow, in_year, selector)
    return problems


def _device_name(report, path: tuple, pid: str) -> None:
    if pid.split(".")[0].casefold() in _DEVICE_NAMES:
        report(
            path,
            f"'{pid}' names a device on Windows and cannot name a calendar file; pick another id",
        )


def _check_conferences(config: models.Config, report, rotation, in_year) -> None:
    disciplines: dict[str, list[str]] = {}
    seen = {f.id.casefold() for _, f in _present(config.fellows)}
    for i, person in _present(config.faculty):
        if person.id.casefold() in seen:
            report(
                ("faculty", i, "id"),
                f"id '{person.id}' is already used by someone else (ids are told apart "
                "without regard to case)",
            )
        seen.add(person.id.casefold())
        _device_name(report, ("faculty", i, "id"), person.id)
        if person.discipline is not None:
            disciplines.setdefault(person.discipline, []).append(person.id)
        for j, away in enumerate(person.away):
            in_year(("faculty", i, "away", j), away.start, away.end, "away")
    ids: set[str] = set()
    for i, conf in _present(config.conferences):
        if conf.id in ids:
            report(("conferences", i, "id"), f"conference id '{conf.id}' is used twice")
        ids.add(conf.id)
        for j, rid in enumerate(conf.no_presenting_on):
            rotation(("conferences", i, "no_presenting_on", j), rid)
        for j, discipline in enumerate(conf.panel):
            if discipline not in disciplines:
                known = ", ".join(sorted(disciplines)) or "none yet"
                report(
                    ("conferences", i, "panel", j),
                    f"no faculty member has the discipline '{discipline}' "
                    f"(faculty disciplines: {known}); add faculty with discipline: {discipline}",
                )
        if conf.presenters > len(config.fellows):
            report(
                ("conferences", i, "presenters"),
                f"{conf.presenters} presenters per session, but the program has only "
                f"{len(config.fellows)} fellows",
            )


def _check_teaching(config: models.Config, report, rotation, fellow) -> None:
    """Seminar series and mentoring: their faculty, rotations and fellows exist."""
    faculty = [p.id for _, p in _present(config.faculty)]

    def teacher(path: tuple, pid: str) -> None:
        if pid not in faculty:
            known = ", ".join(faculty) or "none yet: add them under faculty:"
            report(path, f"unknown faculty member '{pid}'; known: {known}")

    ids = {c.id for _, c in _present(config.conferences)}
    for i, series in _present(config.didactics or []):
        if series.id in ids:
            report(("didactics", i, "id"), f"id '{series.id}' is already used by a series")
        ids.add(series.id)
        topics: set[str] = set()
        for t, topic in enumerate(series.topics):
            if topic.id in topics:
                report(("didactics", i, "topics", t, "id"), f"topic id '{topic.id}' is used twice")
            topics.add(topic.id)
            for j, pid in enumerate(topic.teachers):
                teacher(("didactics", i, "topics", t, "teachers", j), pid)
        for j, rid in enumerate(series.cannot_attend_on):
            rotation(("didactics", i, "cannot_attend_on", j), rid)
    mentoring = config.mentoring
    if mentoring is None:
        return
    for j, pid in enumerate(mentoring.mentors):
        teacher(("mentoring", "mentors", j), pid)
    for j, wish in enumerate(mentoring.wishes):
        fellow(("mentoring", "wishes", j, "fellow"), wish.fellow)
        if wish.mentor not in mentoring.mentors:
            report(
                ("mentoring", "wishes", j, "mentor"),
                f"'{wish.mentor}' is not one of the mentors ({', '.join(mentoring.mentors)}); "
                "add them to mentoring.mentors",
            )
    mentors, fellows = len(set(mentoring.mentors)), len(config.fellows)
    if mentoring.max_mentees is not None and mentors * mentoring.max_mentees < fellows:
        report(
            ("mentoring", "max_mentees"),
            f"{mentors} mentors with at most {mentoring.max_mentees} mentees each cannot take "
            f"{fellows} fellows; raise max_mentees to {-(-fellows // mentors)} or add mentors",
        )


def _check_call(config: models.Config, report, rotation, fellow, in_year, selector) -> None:
    """Call and duty hours: their rotations and fellows exist, their dates lie in the year, and
    every rotation has its weekly hours."""
    ids = {c.id for _, c in _present(config.conferences)}
    ids |= {s.id for _, s in _present(config.didactics or [])}
    for i, call in _present(config.call or []):
        path = ("call", i)
        starts = call.starts
        if call.id in ids:
            report((*path, "id"), f"id '{call.id}' is already used by a call, series or conference")
        ids.add(call.id)
        for key in ("eligible_on", "not_before_on"):
            for j, rid in enumerate(getattr(call, key)):
                rotation((*path, key, j), rid)
        selector((*path, "fellows"), call.fellows)
        calls = [x.id for _, x in _present(config.call or [])]
        for j, cid in enumerate(call.not_after):
            if cid not in calls:
                report((*path, "not_after", j), f"unknown call '{cid}'; known: {', '.join(calls)}")
        for day in call.per_date:
            in_year((*path, "per_date", day), day, day, "the date")
            if DAYS[day.weekday()] not in starts:
                report(
                    (*path, "per_date", day),
                    f"no duty of {call.name} starts on {day} (a {DAYS[day.weekday()]}); its "
                    f"duties start on {', '.join(starts)}",
                )
        for j, wish in enumerate(call.wishes):
            fellow((*path, "wishes", j, "fellow"), wish.fellow)
            in_year((*path, "wishes", j), wish.date, wish.date, "the date")
            day = DAYS[wish.date.weekday()]
            if day not in starts:
                report(
                    (*path, "wishes", j, "date"),
                    f"no duty of {call.name} starts on {wish.date} (a {day}); its duties start "
                    f"on {', '.join(starts)}",
                )
        for j, avoid in enumerate(call.avoid):
            fellow((*path, "avoid", j, "fellow"), avoid.fellow)
            in_year((*path, "avoid", j), avoid.start, avoid.end, "the dates")
    calls = [x.id for _, x in _present(config.call or [])]
    for i, limit in _present(config.call_limits or []):
        selector(("call_limits", i, "fellows"), limit.fellows)
        for j, cid in enumerate(limit.calls or []):
            if cid not in calls:
                known = ", ".join(calls) or "none: add them under call:"
                report(("call_limits", i, "calls", j), f"unknown call '{cid}'; known: {known}")
    duty = config.duty_hours
    if duty is None:
        return
    for rid in duty.rotation_hours:
        rotation(("duty_hours", "rotation_hours", rid), rid)
    missing = [rid for rid in config.rotations if rid not in duty.rotation_hours]
    if missing:
        report(
            ("duty_hours", "rotation_hours"),
            f"no weekly hours for {', '.join(missing)}: give every rotation its hours a week "
            "(0 for none)",
        )
