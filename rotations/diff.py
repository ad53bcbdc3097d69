"""What changed between two published schedules: rotation cells, conference roles, seminar
lessons, mentors, cases and call duties."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rotations.output.tables import csv_bytes
from rotations.published import BlockRecord, Publication


@dataclass(frozen=True)
class Change:
    """One cell or one conference seat that differs; `old`/`new` are ids ('' when none)."""

    # rotation (rotation@site at a site) | presenter | panel | lesson | mentor | agenda | call
    kind: str
    block: int
    start: str
    end: str
    # the fellow (rotation, mentor), "conference" / "conference discipline" (roles), the series
    # (lesson: old and new are "topic/teacher"), the case (agenda: "conference date/presenter"),
    # the call (call: old and new are the fellows on the duty, `;`-separated)
    subject: str
    old: str
    new: str


CHANGE_COLUMNS = ("kind", "block", "start", "end", "subject", "old", "new")


def _block_of(blocks: list[BlockRecord], day: str) -> int:
    return next((b.number for b in blocks if b.start.isoformat() <= day <= b.end.isoformat()), 0)


def _at(row: list[str | None], sites: list[str | None]) -> list[str | None]:
    """A fellow's blocks, `rotation@site` where the block has a site."""
    return [r if s is None or r is None else f"{r}@{s}" for r, s in zip(row, sites, strict=True)]


def diff_publications(old: Publication, new: Publication) -> list[Change]:
    """Every change from the publication `old` to `new` (of the same program and blocks), in
    calendar order."""
    changes = []
    blocks = new.blocks
    for fellow in [f.id for f in new.fellows]:
        before = old.assignments.get(fellow)
        if before is None:
            continue
        was_at = (old.sites or {}).get(fellow) or [None] * len(before)
        now_at = (new.sites or {}).get(fellow) or [None] * len(blocks)
        cells = zip(blocks, _at(before, was_at), _at(new.assignments[fellow], now_at), strict=True)
        for block, was, now in cells:
            if was != now:
                start, end = block.start.isoformat(), block.end.isoformat()
                change = Change("rotation", block.number, start, end, fellow, was or "", now or "")
                changes.append(change)

    def seats(published: Publication) -> dict[tuple, list[str]]:
        out: dict[tuple, list[str]] = {}
        for role in published.roles:
            key = (role.date.isoformat(), role.conference, role.role, role.discipline)
            out.setdefault(key, []).append(role.person)
        return out

    before, after = seats(old), seats(new)
    for key in sorted(set(before) | set(after)):
        was, now = sorted(before.get(key, [])), sorted(after.get(key, []))
        if was != now:
            date, conference, role, discipline = key
            subject = f"{conference} {discipline}".strip()
            changes.append(
                Change(
                    role, _block_of(blocks, date), date, date, subject, ";".join(was), ";".join(now)
                )
            )

    def taught(published: Publication) -> dict[tuple[str, str], str]:
        return {(x.date.isoformat(), x.series): f"{x.topic}/{x.teacher}" for x in published.lessons}

    was, now = taught(old), taught(new)
    for date, series in sorted(set(was) | set(now)):
        if was.get((date, series)) != now.get((date, series)):
            block = _block_of(blocks, date)
            before_, after_ = was.get((date, series), ""), now.get((date, series), "")
            changes.append(Change("lesson", block, date, date, series, before_, after_))

    def discussed(published: Publication) -> dict[str, tuple[str, str]]:
        return {
            x.case: (x.date.isoformat(), f"{x.conference} {x.date}/{x.presenter}")
            for x in published.agenda
        }

    was_, now_ = discussed(old), discussed(new)
    for case in sorted(set(was_) | set(now_)):
        before_, after_ = was_.get(case, ("", "")), now_.get(case, ("", ""))
        if before_[1] != after_[1]:
            date = after_[0] or before_[0]
            block = _block_of(blocks, date)
            changes.append(Change("agenda", block, date, date, case, before_[1], after_[1]))

    def on_call(published: Publication) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = {}
        for x in published.calls:
            out.setdefault((x.date.isoformat(), x.call), []).append(x.fellow)
        return out

    was_call, now_call = on_call(old), on_call(new)
    for date, call in sorted(set(was_call) | set(now_call)):
        before_ = ";".join(sorted(was_call.get((date, call), [])))
        after_ = ";".join(sorted(now_call.get((date, call), [])))
        if before_ != after_:
            block = _block_of(blocks, date)
            changes.append(Change("call", block, date, date, call, before_, after_))
    first = blocks[0].start.isoformat()
    for fellow in [f.id for f in new.fellows]:
        mentor, then = new.mentors.get(fellow, ""), old.mentors.get(fellow)
        if then is not None and then != mentor:
            changes.append(Change("mentor", 1, first, first, fellow, then, mentor))
    return sorted(changes, key=lambda c: (c.start, c.kind != "rotation", c.subject))


def changes_csv(changes: list[Change]) -> bytes:
    return csv_bytes(CHANGE_COLUMNS, [asdict(c) for c in changes])


def describe_changes(changes: list[Change], names: dict[str, str]) -> list[str]:
    """Lines for the terminal: per fellow their changed blocks, then the changed sessions."""
    lines = []
    cells = [c for c in changes if c.kind == "rotation"]
    for fellow in dict.fromkeys(c.subject for c in cells):
        lines.append(f"{fellow}:")
        for c in (c for c in cells if c.subject == fellow):
            old, new = names.get(c.old, c.old or "—"), names.get(c.new, c.new or "—")
            lines.append(f"  block {c.block} ({c.start}..{c.end}): {old} → {new}")
    roles = [c for c in changes if c.kind in ("presenter", "panel")]
    if roles:
        lines.append("conference sessions:")
        for c in roles:
            lines.append(f"  {c.start} {c.subject} {c.kind}: {c.old or '-'} → {c.new or '-'}")
    lessons = [c for c in changes if c.kind == "lesson"]
    if lessons:
        lines.append("seminars (topic/teacher):")
        for c in lessons:
            lines.append(f"  {c.start} {c.subject}: {c.old or '-'} → {c.new or '-'}")
    agenda = [c for c in changes if c.kind == "agenda"]
    if agenda:
        lines.append("cases (conference date/presenter):")
        for c in agenda:
            lines.append(f"  {c.subject}: {c.old or 'not on an agenda'} → {c.new or 'none'}")
    nights = [c for c in changes if c.kind == "call"]
    if nights:
        lines.append("call:")
        for c in nights:
            lines.append(f"  {c.start} {c.subject}: {c.old or '-'} → {c.new or '-'}")
    mentors = [c for c in changes if c.kind == "mentor"]
    for c in mentors:
        lines.append(f"{c.subject}'s mentor: {names.get(c.old, c.old)} → {names.get(c.new, c.new)}")
    fellows = len({c.subject for c in cells})
    teaching = f"; {len(lessons)} seminar(s) changed" if lessons else ""
    teaching += f"; {len(mentors)} mentor(s) changed" if mentors else ""
    teaching += f"; {len(agenda)} case(s) placed or moved" if agenda else ""
    teaching += f"; {len(nights)} call duty(ies) changed" if nights else ""
    lines.append(
        f"{len(cells)} rotation block(s) changed for {fellows} fellow(s); "
        f"{len(roles)} conference seat(s) changed{teaching}."
    )
    return lines
