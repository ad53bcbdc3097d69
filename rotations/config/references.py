"""Cross-reference checks: every id a config names exists, every date and block lies in the year."""

from __future__ import annotations

from rotations.calendar import make_blocks
from rotations.config import models
from rotations.config.source import Problem, SourceMap


def check_references(config: models.Config, source: SourceMap) -> list[Problem]:
    """Every problem with ids, tags, dates and block numbers, each at its position."""
    problems: list[Problem] = []
    rotations = config.rotations
    fellow_ids = [f.id for f in config.fellows]
    tags = {t for f in config.fellows for t in f.tags}
    blocks = make_blocks(config.program.start, config.program.blocks, config.program.block_length)
    first, last = blocks[0].start, blocks[-1].end

    def report(path: tuple, message: str) -> None:
        problems.append(source.problem(path, message))

    def rotation(path: tuple, rid: str) -> None:
        if rid not in rotations:
            report(path, f"unknown rotation '{rid}'; known: {', '.join(rotations)}")

    def fellow(path: tuple, fid: str) -> None:
        if fid not in fellow_ids:
            report(path, f"unknown fellow '{fid}'; known: {', '.join(fellow_ids)}")

    def selector(path: tuple, sel: models.Selector | None) -> None:
        if isinstance(sel, models.TagSelector):
            for i, tag in enumerate(sel.tags):
                if tag not in tags:
                    report((*path, "tags", i), f"no fellow has the tag '{tag}'")
        elif sel is not None:
            for i, fid in enumerate(sel):
                fellow((*path, i), fid)

    def in_year(path: tuple, start, end, what: str) -> None:
        if end < first or start > last:
            report(path, f"{what} {start}..{end} lies outside the year ({first}..{last})")

    seen: dict[str, int] = {}
    for i, f in enumerate(config.fellows):
        if f.id in seen:
            report(
                ("fellows", i, "id"),
                f"fellow id '{f.id}' is used twice (also fellows[{seen[f.id]}])",
            )
        seen[f.id] = i
        if f.id == "program":
            report(
                ("fellows", i, "id"),
                "'program' is reserved for calendars/program.ics; pick another id",
            )

    for rid in config.requirements:
        rotation(("requirements", rid), rid)

    for i, leave in enumerate(config.leave):
        fellow(("leave", i, "fellow"), leave.fellow)
        in_year(("leave", i), leave.start, leave.end, "leave")

    for i, rule in enumerate(config.rules):
        path = ("rules", i)
        selector((*path, "fellows"), rule.fellows)
        if isinstance(rule, models.SingleFellowRule) and rule.fellow is not None:
            fellow((*path, "fellow"), rule.fellow)
        for key in ("rotation", "first", "then", "to"):
            if hasattr(rule, key):
                rotation((*path, key), getattr(rule, key))
        if isinstance(rule, models.ForbidSequence):
            rotation((*path, "from"), rule.from_)
        if isinstance(rule, models.MaxConsecutive):
            for j, rid in enumerate(rule.rotations):
                rotation((*path, "rotations", j), rid)
        if isinstance(rule, models.Pin):
            for j, number in enumerate(rule.blocks):
                if not 1 <= number <= len(blocks):
                    report(
                        (*path, "blocks", j),
                        f"there is no block {number}: the year has blocks 1..{len(blocks)}",
                    )
        if isinstance(rule, models.Wish):
            in_year(path, rule.start, rule.end, "the dates")
    _check_conferences(config, report, rotation, in_year)
    return problems


def _check_conferences(config: models.Config, report, rotation, in_year) -> None:
    disciplines: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, person in enumerate(config.faculty):
        if person.id in seen or person.id in {f.id for f in config.fellows}:
            report(("faculty", i, "id"), f"id '{person.id}' is already used by someone else")
        seen.add(person.id)
        disciplines.setdefault(person.discipline, []).append(person.id)
        for j, away in enumerate(person.away):
            in_year(("faculty", i, "away", j), away.start, away.end, "away")
    ids: set[str] = set()
    for i, conf in enumerate(config.conferences):
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
