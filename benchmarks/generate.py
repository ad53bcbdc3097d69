"""Realistic generated programs at fixed seeds: S, M, L and XL (see benchmarks/README.md); and
families of programs whose structure is drawn from a seed (`family`), so that no one shape
of program can be tuned to.

Each is a pain-medicine-style program: the bundled example's rotations and rules, with
staffing scaled to the number of trainees (minimums at about 80 % of the average load, maximums
at about 130 %, as a department has slack), two weeks of vacation each, wishes for a third of
the trainees, and a weekly case conference with a four-discipline faculty panel."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field

START = dt.date(2027, 7, 5)


@dataclass(frozen=True)
class Size:
    fellows: int
    blocks: int
    weeks_per_block: int
    presenters: int
    faculty_per_discipline: int


@dataclass(frozen=True)
class Shape:
    """How a program is drawn beyond its size: staffing minimums and maximums as shares of the
    average load (tight near 1), weeks added to or taken from each rotation's yearly range,
    the length of random wishes in weeks, and whether it has its case conference."""

    staffing: tuple[float, float] = (0.8, 1.3)
    weeks: dict[str, int] = field(default_factory=dict)  # rotation id -> weeks more (or fewer)
    wish_weeks: tuple[int, int] = (1, 1)  # a random wish lasts this many blocks' weeks
    conference: bool = True


SIZES = {
    "S": Size(6, 52, 1, 1, 2),
    "E": Size(12, 52, 1, 1, 2),  # made infeasible to time explanations
    "M": Size(30, 26, 2, 1, 3),
    "L": Size(120, 52, 1, 2, 4),
    "XL": Size(250, 52, 1, 3, 6),
}

# id: (name, weeks per year min, max, stint weeks min, max, leave forbidden, panel discipline)
ROTATIONS = {
    "procedures": ("Interventional Procedures", 16, 20, 2, 4, False, None),
    "clinic": ("Pain Clinic", 8, 12, 1, 4, False, None),
    "acute": ("Acute Pain Service", 8, 10, 2, 4, True, None),
    "neurology": ("Neurology", 2, 2, 2, 2, False, "neurology"),
    "psychology": ("Pain Psychology & Psychiatry", 2, 2, 2, 2, False, "psychology"),
    "pt": ("Physical Therapy & Rehabilitation", 2, 2, 2, 2, False, "pt"),
    "palliative": ("Palliative Care", 4, 4, 2, 4, True, "palliative"),
    "elective": ("Research / Elective", 4, 6, 1, 6, False, None),
}
TAGS = ["anesthesiology", "pmr", "neurology", "psychiatry"]


def _count(lo: int, hi: int) -> int | dict:
    return lo if lo == hi else {"min": lo, "max": hi}


# The kinds of wishes a program can carry (benchmarks/README.md):
# random    a third of the trainees wish for a week or two of something, as before;
# unmet     every trainee wishes for five weeks of a rotation they need exactly two blocks of
#           (neurology, psychology or PT): three weeks of every wish cannot be met, whoever
#           else is scheduled;
# compete   two wishes per trainee: half of all wishes are for Research / Elective (scarce:
#           staffing at most 30 % above its average) over the same popular weeks (the winter
#           holidays, late May), the rest as in random.
WISHES = ("random", "unmet", "compete")


# Procedure numbers (the curriculum): cases per 5 working days on a rotation, and targets a
# year on the rotations' requirements reaches on average, so that leave and competition for
# procedure weeks make the soft ones fall short for some trainees.
EXPOSURE = {"procedures": {"esi": 8, "block": 4, "rfa": 3, "scs": 1}, "acute": {"block": 6}}
TARGETS = {
    "esi": 100,
    "block": {"min": 125, "weight": 2},
    "rfa": {"min": 55, "weight": 5},
    "scs": {"min": 18, "weight": 10},
}


def generate(
    size: Size | int,
    seed: int = 0,
    wishes: str = "random",
    relevance: bool = False,
    targets: bool = False,
    seminar: bool = False,
    shape: Shape = Shape(),
    call: bool = False,
) -> dict:
    """A program for `size` (or a number of weekly-block fellows), deterministic for a seed;
    `wishes` one of WISHES; `relevance` ties presenters to their current rotation (weight 1);
    `targets` adds procedure exposure and targets (weekly blocks only); `seminar` a weekly
    12-topic seminar and mentoring (see _teaching); `shape` the rest (the default: the S..XL
    programs); `call` home and weekend call with duty hours (see _call)."""
    if isinstance(size, int):
        size = Size(size, 52, 1, 1, 2)
    rng = random.Random(seed)
    n, blocks, weeks = size.fellows, size.blocks, size.weeks_per_block
    rotations, requirements = {}, {}
    low, high = shape.staffing
    for rid, (name, lo, hi, s_lo, s_hi, forbidden, discipline) in ROTATIONS.items():
        more = shape.weeks.get(rid, 0)
        lo, hi = max(1, lo + more), max(1, hi + more)
        need_lo, need_hi = max(1, round(lo / weeks)), max(1, round(hi / weeks))
        average_lo, average_hi = n * need_lo / blocks, n * need_hi / blocks
        spec: dict = {
            "name": name,
            "staffing": {
                "min": math.floor(low * average_lo)
                if rid in ("procedures", "clinic", "acute")
                else 0,
                "max": max(1, math.ceil(high * average_hi)),
            },
            "stint": _count(max(1, s_lo // weeks), max(1, s_hi // weeks)),
        }
        if forbidden:
            spec["leave"] = "forbidden"
        if discipline:
            spec["discipline"] = discipline
        rotations[rid] = spec
        requirements[rid] = _count(need_lo, need_hi)
    people = [
        {"id": f"t{i:03d}", "name": f"Trainee {i:03d}", "tags": [TAGS[i % len(TAGS)]]}
        for i in range(n)
    ]
    leave = []
    for person in people:
        for week in sorted(rng.sample(range(6, 50), 2)):
            first = START + dt.timedelta(weeks=week)
            leave.append(
                {
                    "fellow": person["id"],
                    "start": first,
                    "end": first + dt.timedelta(days=4),
                    "reason": "vacation",
                }
            )
    rules: list[dict] = [
        {
            "name": "Core months first",
            "type": "window",
            "rotation": "elective",
            "not_before": dt.date(2027, 9, 1),
        },
        {
            "name": "Neurology before Palliative",
            "type": "before",
            "first": "neurology",
            "then": "palliative",
        },
        {
            "name": "Rest between acute stints",
            "type": "gap",
            "rotation": "acute",
            "min_blocks": max(1, 4 // weeks),
        },
        {
            "name": "Six straight weeks at most",
            "type": "max_consecutive",
            "rotations": ["procedures", "acute"],
            "blocks": 6 // weeks,
        },
        {
            "name": "No acute into palliative",
            "type": "forbid_sequence",
            "from": "acute",
            "to": "palliative",
        },
        {"name": "Leave spread", "type": "max_concurrent_leave", "max": max(2, n // 8)},
        {
            "name": "A month between procedure stints",
            "type": "gap",
            "rotation": "procedures",
            "min_blocks": 4 // weeks,
            "weight": 1,
        },
    ]
    rules += _wishes(rng, people, weeks, wishes, shape.wish_weeks)
    faculty = []
    for discipline in ("neurology", "psychology", "pt", "palliative"):
        for k in range(size.faculty_per_discipline):
            away_week = rng.randrange(4, 50)
            away = START + dt.timedelta(weeks=away_week)
            faculty.append(
                {
                    "id": f"{discipline[:4]}{k}",
                    "name": f"Dr {discipline.title()} {k}",
                    "discipline": discipline,
                    "away": [{"start": away, "end": away + dt.timedelta(days=11)}],
                }
            )
    conference = {
        "id": "mdcc",
        "name": "Multidisciplinary Pain Case Conference",
        "weekday": "thursday",
        "time": "07:00",
        "skip_holidays": True,
        "presenters": size.presenters,
        "no_presenting_on": ["palliative"],
        "min_weeks_between_presentations": 4,
        "panel": ["neurology", "psychology", "pt", "palliative"],
    }
    conference["relevance_weight"] = int(relevance)
    curriculum = {}
    if targets:
        for rid, rates in EXPOSURE.items():
            rotations[rid]["exposure"] = dict(rates)
        names = {"esi": "Epidural steroid injections", "block": "Nerve blocks"}
        names |= {"rfa": "Radiofrequency ablation", "scs": "Spinal cord stimulator trials"}
        curriculum = {
            "procedures": {pid: {"name": name} for pid, name in names.items()},
            "targets": dict(TARGETS),
        }
    if seminar:
        curriculum |= _teaching(rng, people, faculty)
    if call:
        curriculum |= _call(rng, people)
    return curriculum | {
        "program": {
            "id": f"bench-{n}",
            "name": f"Benchmark {n}",
            "timezone": "America/Chicago",
            "start": START,
            "blocks": blocks,
            "block_length": f"{weeks} week" + ("s" if weeks > 1 else ""),
            "holidays": "US",
        },
        "rotations": rotations,
        "fellows": people,
        "requirements": requirements,
        "leave": leave,
        "rules": rules,
        "faculty": faculty,
        "conferences": [conference] if shape.conference else [],
    }


def _random_wish(
    rng: random.Random, fellow: str, weeks: int, length: tuple[int, int] = (1, 1)
) -> dict:
    day = START + dt.timedelta(weeks=rng.randrange(8, 50))
    kind = rng.choice(["prefer", "avoid"])
    rotation = rng.choice(["elective", "clinic"] if kind == "prefer" else ["acute", "procedures"])
    return {
        "type": kind,
        "fellow": fellow,
        "rotation": rotation,
        "start": day,
        "end": day + dt.timedelta(days=6 * weeks + 7 * weeks * _more(rng, length)),
        "weight": rng.randint(1, 5),
    }


def _more(rng: random.Random, length: tuple[int, int]) -> int:
    """Blocks a wish lasts beyond its first (drawn only when it may: the S..XL programs stay
    as they were)."""
    return rng.randint(*length) - 1 if length[0] != length[1] else length[0] - 1


POPULAR = [
    (dt.date(2027, 12, 20), dt.date(2028, 1, 9)),
    (dt.date(2028, 5, 15), dt.date(2028, 6, 4)),
]


def _wishes(
    rng: random.Random, people: list[dict], weeks: int, wishes: str, length: tuple[int, int]
) -> list[dict]:
    ids = [p["id"] for p in people]
    if wishes == "random":
        return [
            _random_wish(rng, fellow, weeks, length)
            for fellow in rng.sample(ids, k=max(2, len(ids) // 3))
        ]
    if wishes == "unmet":
        out = []
        for fellow in ids:
            day = START + dt.timedelta(weeks=rng.randrange(10, 44))
            out.append(
                {
                    "type": "prefer",
                    "fellow": fellow,
                    "rotation": rng.choice(["neurology", "psychology", "pt"]),
                    "start": day,
                    "end": day + dt.timedelta(days=7 * 5 - 1),
                    "weight": rng.randint(1, 5),
                }
            )
        return out
    out = []
    for fellow in ids:
        start, end = rng.choice(POPULAR)
        out.append(
            {
                "type": "prefer",
                "fellow": fellow,
                "rotation": "elective",
                "start": start,
                "end": end,
                "weight": rng.randint(1, 5),
            }
        )
        out.append(_random_wish(rng, fellow, weeks, length))
    return out


# A weekly seminar of twelve pharmacology topics, two qualified teachers each (faculty away for
# their usual two weeks), missed by trainees on palliative care; mentoring by every faculty
# member, a few more mentees each than an even share, where a third of the trainees wish for one
# of three popular mentors (who cannot take them all) and a mentor of the trainee's own
# background costs 2.
SEMINAR_TOPICS = (
    "Opioid pharmacology",
    "Opioid use disorder and addiction risk",
    "Buprenorphine and tapering",
    "NSAIDs and acetaminophen",
    "Antidepressants for pain",
    "Anticonvulsants for pain",
    "Ketamine and lidocaine infusions",
    "Cannabinoids",
    "Headache pharmacotherapy",
    "Topical agents",
    "Anticoagulants and neuraxial procedures",
    "Symptom control at the end of life",
)


def _teaching(rng: random.Random, people: list[dict], faculty: list[dict]) -> dict:
    ids = [p["id"] for p in faculty]
    topics = [
        {"id": f"topic{k:02d}", "name": name, "teachers": rng.sample(ids, 2)}
        for k, name in enumerate(SEMINAR_TOPICS)
    ]
    popular = ids[:: max(1, len(ids) // 3)][:3]
    wishes = [
        {"fellow": person["id"], "mentor": rng.choice(popular), "weight": rng.choice([1, 2, 3])}
        for person in people
        if rng.random() < 1 / 3
    ]
    return {
        "didactics": [
            {
                "id": "pharm",
                "name": "Pain Pharmacology Seminar",
                "weekday": "tuesday",
                "time": "12:00",
                "skip_holidays": True,
                "topics": topics,
                "cannot_attend_on": ["palliative"],
            }
        ],
        "mentoring": {
            "mentors": ids,
            "max_mentees": math.ceil(len(people) / len(ids)) + 1,
            "other_discipline": {"weight": 2},
            "wishes": wishes,
        },
    }


# Families of programs (benchmarks/README.md): for each, the number of fellows, the block
# lengths in weeks and the kinds of wishes a seed draws from. Everything else is drawn for
# every family alike (`family`).
FAMILIES = {
    "L": ((120, 120), (1,), ("random", "unmet")),
    "L-call": ((120, 120), (1,), ("random", "unmet")),
    "L-compete": ((120, 120), (1,), ("compete",)),
    "XL": ((240, 240), (1,), WISHES),
    "mixed": ((30, 240), (1, 2, 4), WISHES),
}
VARIED = ("procedures", "clinic", "acute", "elective")  # rotations whose yearly weeks vary


HOURS = {"procedures": 55, "clinic": 50, "acute": 60, "neurology": 45, "psychology": 40}
HOURS |= {"pt": 40, "palliative": 50, "elective": 30}


def _call(rng: random.Random, people: list[dict]) -> dict:
    """Home call Monday to Thursday (a fellow per 30 on each night) and weekend call (one per
    40), from the rotations that take it, with ACGME duty hours; a fellow in four wants the
    Christmas weekend off and a fellow in ten asks for a night of their own, so that wishes
    compete for the same weekends and nights."""
    n = len(people)
    christmas = [
        {
            "fellow": p["id"],
            "start": dt.date(2027, 12, 24),
            "end": dt.date(2027, 12, 26),
            "weight": rng.randint(1, 5),
        }
        for p in people
        if rng.random() < 0.25
    ]
    nights = [START + dt.timedelta(weeks=w, days=d) for w in range(52) for d in range(4)]
    wishes = [
        {"fellow": p["id"], "date": rng.choice(nights), "weight": rng.randint(1, 3)}
        for p in people
        if rng.random() < 0.1
    ]
    return {
        "call": [
            {
                "id": "home",
                "name": "Home call",
                "days": ["mon", "tue", "wed", "thu"],
                "per_day": max(1, n // 30),
                "hours": 14,
                "eligible_on": ["procedures", "clinic", "acute"],
                "max_per_fellow": {"count": 6, "per_weeks": 4},
                "min_days_between": 2,
                "not_before_on": ["neurology", "palliative"],
                "wishes": wishes,
            },
            {
                "id": "weekend",
                "name": "Weekend call",
                "weekend": {"from": "fri", "to": "sun"},
                "per_day": max(1, n // 40),
                "hours": 24,
                "eligible_on": ["procedures", "clinic", "acute", "elective"],
                "max_per_fellow": {"count": 2, "per_weeks": 4},
                "avoid": christmas,
            },
        ],
        "duty_hours": {"rotation_hours": dict(HOURS)},
    }


def family(name: str, seed: int) -> dict:
    """Program `seed` of family `name`: its size from the family; its staffing (minimums at 60
    to 95 % of the average load, maximums at 110 to 160 %), up to two weeks more or fewer of
    the main rotations (the year still fits), the length of random wishes (one to six
    blocks), its case conference (four programs in five), relevance of presenters, procedure
    targets (weekly blocks) and seminar with mentoring (each one in two) drawn from the seed."""
    fellows, lengths, kinds = FAMILIES[name]
    rng = random.Random(f"{name}:{seed}")
    n = rng.randint(*fellows)
    weeks = rng.choice(lengths)
    while True:  # the year must fit: 52 weeks between the sums of minimums and maximums
        more = {rid: rng.randint(-2, 2) for rid in VARIED}
        low = sum(ROTATIONS[r][1] + more.get(r, 0) for r in ROTATIONS)
        high = sum(ROTATIONS[r][2] + more.get(r, 0) for r in ROTATIONS)
        if low <= 50 and high >= 54:
            break
    shape = Shape(
        staffing=(rng.uniform(0.6, 0.95), rng.uniform(1.1, 1.6)),
        weeks=more,
        wish_weeks=(1, rng.choice([1, 2, 4, 6])),
        conference=rng.random() < 0.8,
    )
    size = Size(n, 52 // weeks, weeks, max(1, round(n / 60)), max(4, math.ceil(n / 30)))
    config = generate(
        size,
        seed=seed,
        wishes=rng.choice(kinds),
        relevance=rng.random() < 0.5,
        targets=weeks == 1 and rng.random() < 0.5,
        seminar=rng.random() < 0.5,
        shape=shape,
        call=name.endswith("-call"),
    )
    # The vacations are drawn at random: the leave spread allows at least the most that fall
    # in one week (else a drawn program can be infeasible from the start, as mixed seed 9 was).
    peak = max(Counter(entry["start"] for entry in config["leave"]).values())
    for rule in config["rules"]:
        if rule["type"] == "max_concurrent_leave":
            rule["max"] = max(rule["max"], peak)
    return config


def make_infeasible(config: dict) -> dict:
    """Add two windows that, with `before` and the requirements, no schedule can keep: a
    conflict only the solver finds (the arithmetic pre-checks pass)."""
    config["rules"] += [
        {
            "name": "Neurology in spring",
            "type": "window",
            "rotation": "neurology",
            "not_before": dt.date(2028, 1, 3),
        },
        {
            "name": "Palliative in autumn",
            "type": "window",
            "rotation": "palliative",
            "not_after": dt.date(2027, 12, 31),
        },
    ]
    return config
