"""The case conference's cases, resolved: each case's needs (its type's and its own), minutes,
presenter and the sessions it may be discussed at (those of its conference between its
submission and its due date). Built by problem.resolve; the model, the checker and the
outputs read these, never the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rotations.config import models
from rotations.config.source import Position

if TYPE_CHECKING:
    from rotations.problem import Session


@dataclass(frozen=True)
class ConferenceCase:
    """One case as the solver plans it."""

    ref: str
    type: str | None  # a case_types id
    type_name: str  # the type's name, or "" without a type
    submitted: dt.date
    due: dt.date
    needs: tuple[str, ...]  # disciplines, the type's first, each once
    presenter: int | None  # fellow index, None: any fellow presenting at the session
    presenter_id: str | None
    minutes: int
    priority: int  # 1..3, 3 urgent
    sessions: tuple[int, ...]  # indices into problem.sessions it may be discussed at
    summary: str | None  # de-identified; seen by the coordinator and the presenter only
    position: Position | None  # its row (or its entry under cases:)

    def waited(self, day: dt.date) -> int:
        """Whole weeks from its submission to `day`."""
        return max(0, (day - self.submitted).days // 7)


def resolve_cases(
    config: models.Config, sessions: list[Session], fellows: dict[str, int]
) -> list[ConferenceCase]:
    """Every case of the program (load_config read and checked them), in the order written."""
    out = []
    for written in config._cases:
        case = written.case
        kind = config.case_types.get(case.type) if case.type is not None else None
        needs = tuple(dict.fromkeys([*(kind.needs if kind else []), *case.needs]))
        allowed = {
            c for c, conf in enumerate(config.conferences) if case.conference in (None, conf.id)
        }
        out.append(
            ConferenceCase(
                ref=case.case,
                type=case.type,
                type_name=kind.name if kind else "",
                submitted=case.submitted,
                due=case.due,
                needs=needs,
                presenter=fellows[case.presenter] if case.presenter is not None else None,
                presenter_id=case.presenter,
                minutes=case.minutes or kind.minutes,
                priority=case.priority,
                sessions=tuple(
                    i
                    for i, s in enumerate(sessions)
                    if s.conference in allowed and case.submitted <= s.date <= case.due
                ),
                summary=case.summary,
                position=written.position,
            )
        )
    return out


def unnamed(
    cases: list[ConferenceCase], sessions: list[Session], conference: int
) -> list[ConferenceCase]:
    """The cases naming no presenter that may go to a session of `conference`: an even share
    of presenting them is counted over these (case_load_weight)."""
    return [
        case
        for case in cases
        if case.presenter is None
        and any(sessions[i].conference == conference for i in case.sessions)
    ]
