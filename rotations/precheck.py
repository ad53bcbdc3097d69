"""Necessary conditions checked with arithmetic before any solve: when one fails, the rules
that make it fail and the numbers that show it (requirements against the year, staffing against
requirements, windows and who is present, pins against leave, windows and each other, a call's
duties against its fellows' limits, and the least work of a run of weeks against duty hours)."""

from __future__ import annotations

from fractions import Fraction

from rotations.calendar import DAY
from rotations.config import rules
from rotations.config.source import SourceMap
from rotations.duties import CallRules, DutyHoursRules, duty_weeks, week_runs
from rotations.explain import Conflict, Member, member
from rotations.implied import (
    LeaveForbidden,
    ProgramRule,
    Requirement,
    Staffing,
    Stint,
    Target,
)
from rotations.problem import Problem


def _implied(problem: Problem, kind: type) -> dict[str, ProgramRule]:
    """The program's rules of an implied kind, by rotation id (not a fellow's own)."""
    return {
        rule.rotation: rule
        for rule in problem.rules
        if isinstance(rule, kind) and getattr(rule, "fellow", None) is None
    }


def arithmetic_conflicts(problem: Problem) -> list[Conflict]:
    """Necessary conditions that fail, each with its members and numbers; cheap, no solver."""
    found: list[Conflict] = []
    config = problem.config
    n_blocks, n_fellows = len(problem.blocks), len(problem.fellows)
    rotations = config.rotations
    requirements = {r: c for r, c in config.requirements.items() if r in rotations}

    staffing_of, requirement_of = _implied(problem, Staffing), _implied(problem, Requirement)

    def conflict(involved: list[ProgramRule], reason: str) -> None:
        found.append(Conflict([member(rule, problem) for rule in involved], reason))

    mins = {r: c.min for r, c in requirements.items() if c.min}
    if sum(mins.values()) > n_blocks:
        terms = " + ".join(str(m) for m in mins.values())
        conflict(
            [requirement_of[r] for r in mins],
            f"Every fellow needs {terms} = {sum(mins.values())} blocks, but the year has "
            f"{n_blocks}.",
        )
    if set(requirements) == set(rotations) and all(
        c.max is not None for c in requirements.values()
    ):
        total = sum(c.max for c in requirements.values())
        if total < n_blocks:
            conflict(
                [requirement_of[r] for r in requirements],
                f"Every fellow may spend at most {total} blocks on all rotations together, but "
                f"the year has {n_blocks} blocks to fill.",
            )
    capped = {r: rot.staffing.max for r, rot in rotations.items() if rot.staffing}
    full = len(capped) == len(rotations) and all(m is not None for m in capped.values())
    if full and sum(capped.values()) < n_fellows:
        conflict(
            [staffing_of[r] for r in rotations],
            f"Every block needs a place for {n_fellows} fellows, but the rotations take at "
            f"most {' + '.join(str(m) for m in capped.values())} = {sum(capped.values())}.",
        )
    for rid, rotation in rotations.items():
        name = rotation.name
        staffing = rotation.staffing
        count = requirements.get(rid)
        windows = [
            (i, r)
            for i, r in enumerate(config.rules)
            if isinstance(r, rules.Window) and r.hard and r.rotation == rid and r.fellows is None
        ]
        allowed = set(range(n_blocks))
        for _, window in windows:
            allowed &= set(problem.blocks_within(window.not_before, window.not_after))
        if count and count.min and staffing and staffing.max is not None:
            need, fit = n_fellows * count.min, len(allowed) * staffing.max
            if need > fit:
                conflict(
                    [staffing_of[rid], requirement_of[rid]] + [window for _, window in windows],
                    f"{n_fellows} fellows × {count.min} blocks = {need} {name} blocks, but only "
                    f"{len(allowed)} blocks × {staffing.max} fellow(s) fit.",
                )
        elif count and count.min and len(allowed) < count.min and windows:
            conflict(
                [requirement_of[rid]] + [window for _, window in windows],
                f"Every fellow needs {count.min} {name} blocks, but only {len(allowed)} blocks "
                "lie inside the window.",
            )
        if count and count.max is not None and staffing and staffing.min:
            need, give = staffing.min * n_blocks, n_fellows * count.max
            if need > give:
                conflict(
                    [staffing_of[rid], requirement_of[rid]],
                    f"{name} needs {staffing.min} fellow(s) × {n_blocks} blocks = {need} "
                    f"fellow-blocks, but {n_fellows} fellows × at most {count.max} blocks = "
                    f"{give}.",
                )
    found += _presence_conflicts(problem)
    found += _pin_conflicts(problem)
    found += _dates_conflicts(problem)
    found += _stint_conflicts(problem)
    found += _target_conflicts(problem)
    found += _call_conflicts(problem)
    found += _duty_hours_conflicts(problem)
    return found


def _longest_run(problem: Problem, f: int) -> int:
    """The most consecutive blocks the fellow is in the program for."""
    longest = run = 0
    for b in range(len(problem.blocks)):
        run = run + 1 if problem.active(f, b) else 0
        longest = max(longest, run)
    return longest


def _stint_conflicts(problem: Problem) -> list[Conflict]:
    """A rotation some fellow must do (a requirement's minimum, a staffing minimum) whose
    shortest stint is longer than that fellow's year or than the requirement's maximum."""
    out = []
    staffing_of = _implied(problem, Staffing)
    for stint in problem.rules:
        if not isinstance(stint, Stint) or not stint.hard or (stint.count.min or 0) < 2:
            continue
        shortest, rid = stint.count.min, stint.rotation
        name = problem.rotation(rid).name
        for rule in problem.rules:
            if not isinstance(rule, Requirement) or rule.rotation != rid or not rule.count.min:
                continue
            if rule.count.max is not None and rule.count.max < shortest:
                reason = (
                    f"A stint on {name} lasts at least {shortest} blocks, but a fellow may spend "
                    f"at most {rule.count.max} blocks there and needs at least {rule.count.min}."
                )
                out.append(Conflict([member(stint, problem), member(rule, problem)], reason))
                continue
            short = [f for f in rule.bound(problem) if _longest_run(problem, f) < shortest]
            if short:
                first = problem.fellows[short[0]].id
                others = f" (and {len(short) - 1} more)" if len(short) > 1 else ""
                reason = (
                    f"A stint on {name} lasts at least {shortest} blocks, but {first}{others} is "
                    f"in the program for at most {_longest_run(problem, short[0])} consecutive "
                    f"blocks and needs at least {rule.count.min} {name} block(s)."
                )
                out.append(Conflict([member(stint, problem), member(rule, problem)], reason))
        staffing = staffing_of.get(rid)
        if staffing is not None and staffing.count.min:
            longest = max(
                (_longest_run(problem, f) for f in range(len(problem.fellows))), default=0
            )
            if longest < shortest:
                reason = (
                    f"{name} needs {staffing.count.min} fellow(s) present every working day, but "
                    f"a stint there lasts at least {shortest} blocks and no fellow is in the "
                    f"program for more than {longest} consecutive blocks."
                )
                out.append(Conflict([member(stint, problem), member(staffing, problem)], reason))
    return out


def _dates_conflicts(problem: Problem) -> list[Conflict]:
    """A fellow in the program for fewer blocks than their requirements need."""
    out = []
    for f, fellow in enumerate(problem.fellows):
        blocks = sum(problem.active(f, b) for b in range(len(problem.blocks)))
        needs = [
            rule
            for rule in problem.rules
            if isinstance(rule, Requirement) and f in rule.bound(problem) and rule.count.min
        ]
        total = sum(rule.count.min for rule in needs)
        if total > blocks:
            terms = " + ".join(str(rule.count.min) for rule in needs)
            reason = (
                f"{fellow.id} is in the program for {blocks} blocks ({fellow.start or 'the start'}"
                f" to {fellow.end or 'the end'}), but needs {terms} = {total}: give {fellow.id} "
                "requirements of their own (fellows[].requirements)."
            )
            out.append(Conflict([member(rule, problem) for rule in needs], reason))
    return out


def _target_conflicts(problem: Problem) -> list[Conflict]:
    """Hard procedure targets no schedule can reach: one fellow's, even on the best rotation
    for it in every block of their year; or everybody's together, beyond what the rotations
    with that exposure hold at their staffing maximums."""
    out = []
    config = problem.config
    source = config._source or SourceMap()
    staffing_of = _implied(problem, Staffing)
    for rule in problem.rules:
        if not isinstance(rule, Target) or not rule.hard:
            continue
        pid = rule.procedure
        name = config.procedures[pid].name
        rates = problem.exposure(pid)
        exposures = [
            Member(
                f"rotations.{r}.exposure.{pid}",
                source.find(("rotations", r, "exposure", pid)),
                None,
                f"{config.rotations[r].name}: {rate} {name} cases per 5 working days",
            )
            for r, rate in rates.items()
        ]
        needs = {}
        for f in rule.bound(problem):
            need = rule.target.min - problem.logged(f, pid, 0)
            best = max(rates.values(), default=0)
            days = sum(
                len(problem.present_days(f, b, problem.leave_days[f]))
                for b in range(len(problem.blocks))
            )
            if best * days < 5 * need:
                fid = problem.fellows[f].id
                reason = (
                    f"{fid} needs {need} more {name} cases, but even on the best rotation for them"
                    f" in every block ({best} per 5 working days × {days} working days present) "
                    f"reaches {best * days / 5:g}."
                )
                out.append(Conflict([member(rule, problem), *exposures], reason))
            needs[f] = max(0, need)
        held = [r for r in rates if staffing_of.get(r) and staffing_of[r].count.max is not None]
        if len(held) < len(rates) or not needs:
            continue
        days = sum(len(d) for d in problem.working_days)
        capacity = sum(rates[r] * staffing_of[r].count.max * days for r in held)
        total = sum(needs.values())
        if capacity < 5 * total:
            holds = " + ".join(
                f"{config.rotations[r].name} {staffing_of[r].count.max} fellow(s) × {days} "
                f"working days × {rates[r]}/5"
                for r in held
            )
            reason = (
                f"{len(needs)} fellows need {total} {name} cases together, but {holds} = "
                f"{capacity / 5:g} at most, before leave."
            )
            involved = [member(rule, problem), *exposures]
            involved += [member(staffing_of[r], problem) for r in held]
            out.append(Conflict(involved, reason))
    return out


def _presence_conflicts(problem: Problem) -> list[Conflict]:
    """Working days on which the staffing minimums need more fellows than are present."""
    minimums = {
        r: rot.staffing.min
        for r, rot in problem.config.rotations.items()
        if rot.staffing and rot.staffing.min
    }
    need = sum(minimums.values())
    if not need:
        return []
    for b, days in enumerate(problem.working_days):
        for day in days:
            away = [f for f in range(len(problem.fellows)) if problem.on_leave(f, day)]
            here = len(problem.fellows) - len(away)
            if here >= need:
                continue
            entries = sorted({e for f in away for e in problem.entries_on(f, day)})
            staffing_of = _implied(problem, Staffing)
            involved = [staffing_of[r] for r in minimums]
            involved += [problem.leave_rules[e] for e in entries]
            terms = " + ".join(f"{r} {m}" for r, m in minimums.items())
            who = ", ".join(problem.fellows[f].id for f in away)
            have = (
                f"{len(problem.fellows)} fellows − {len(away)} on leave ({who}) = {here}"
                if away
                else f"the program has {here} fellows"
            )
            return [
                Conflict(
                    [member(rule, problem) for rule in involved],
                    f"On {day} (block {b + 1}) {need} fellows must be present ({terms}), but "
                    f"{have}.",
                )
            ]
    return []


def _pin_conflicts(problem: Problem) -> list[Conflict]:
    config = problem.config
    out: list[Conflict] = []
    pins = [(i, r) for i, r in enumerate(config.rules) if isinstance(r, rules.Pin) and r.hard]
    seen: dict[tuple[int, int], tuple[int, str]] = {}
    for i, pin in pins:
        for f in problem.selected(pin):
            fid = problem.fellows[f].id
            rotation = config.rotations[pin.rotation]
            for number in pin.blocks:
                b = number - 1
                other = seen.setdefault((f, b), (i, pin.rotation))
                if other[1] != pin.rotation:
                    out.append(
                        Conflict(
                            [
                                member(config.rules[other[0]], problem),
                                member(pin, problem),
                            ],
                            f"{fid} cannot be on {config.rotations[other[1]].name} and "
                            f"{rotation.name} in block {number}.",
                        )
                    )
                entries = problem.entries_in_block(f, b)
                if rotation.leave == "forbidden" and entries:
                    involved = [pin, _implied(problem, LeaveForbidden)[pin.rotation]]
                    involved += [problem.leave_rules[e] for e in entries]
                    out.append(
                        Conflict(
                            [member(rule, problem) for rule in involved],
                            f"{fid} is pinned to {rotation.name} in block {number} but on leave "
                            f"then, and {rotation.name} forbids leave.",
                        )
                    )
                for window in config.rules:
                    if (
                        isinstance(window, rules.Window)
                        and window.hard
                        and window.rotation == pin.rotation
                        and f in problem.selected(window)
                        and b not in problem.blocks_within(window.not_before, window.not_after)
                    ):
                        out.append(
                            Conflict(
                                [
                                    member(pin, problem),
                                    member(window, problem),
                                ],
                                f"{fid} is pinned to {rotation.name} in block {number}, outside "
                                "the window that rotation is allowed in.",
                            )
                        )
    return out


def _call_conflicts(problem: Problem) -> list[Conflict]:
    """A call with more duties in a run of days than its fellows may take there: at most
    `max_per_fellow.count` each in its weeks, or one each in `min_days_between` days."""
    out = []
    rules_of = _rule_of(problem, CallRules)
    for c, call in enumerate(problem.config.call):
        duties = [d for d in problem.duties if d.call == c]
        limits = []
        if call.short_weight is not None:  # too few is allowed, at a cost
            continue
        if call.max_per_fellow is not None:
            most = call.max_per_fellow
            limits.append(("max_per_fellow", 7 * most.per_weeks, most.count))
        if call.min_days_between > 1:
            limits.append(("min_days_between", call.min_days_between, 1))
        for part, days, most in limits:
            for i, duty in enumerate(duties):
                inside = [d for d in duties[i:] if (d.first - duty.first).days < days]
                fellows = sum(
                    any(problem.inside(f, d.first) for d in inside)
                    for f in range(len(problem.fellows))
                )
                need = sum(call.need(d.first) for d in inside)
                if fellows * most >= need:
                    continue
                each = (
                    f"{most} per {call.max_per_fellow.per_weeks} weeks"
                    if part == "max_per_fellow"
                    else f"1 per {days} days"
                )
                reason = (
                    f"{fellows} fellows × {each} = {fellows * most} < {need} duties of "
                    f"{call.name} from {duty.first} to {inside[-1].first}."
                )
                involved = [rules_of.of(c, "per_day"), rules_of.of(c, part)]
                out.append(Conflict([member(rule, problem) for rule in involved], reason))
                break
    return out


def _duty_hours_conflicts(problem: Problem) -> list[Conflict]:
    """A run of weeks whose least work is more than every fellow together may do in it: the
    lightest rotation's hours on every working day each fellow is present, and the hours of
    every duty a call must cover (less a post-call day's rotation hours), above `max_weekly`
    for all of them over `averaged_over_weeks` weeks. Only when every fellow is in the program
    all year, so that each of them is held to the same runs of weeks."""
    duty, hours_rules = problem.config.duty_hours, _rule_of(problem, DutyHoursRules)
    first, last = problem.blocks[0].start, problem.blocks[-1].end
    fellows = range(len(problem.fellows))
    if hours_rules is None or not all(
        problem.inside(f, first) and problem.inside(f, last) for f in fellows
    ):
        return []
    rates = [duty.rotation_hours[r] for r in problem.rotations]
    least, cut = min(rates), max(rates)  # cut: a post-call day's rotation hours at most
    weeks = duty_weeks(problem.blocks)
    week_of = {
        start + i * DAY: w
        for w, (start, end) in enumerate(weeks)
        for i in range((end - start).days + 1)
    }
    # Per week: fellow-days at work, duties and their hours a call must cover, post-call days.
    present, duties, call_hours, rest = ([0] * len(weeks) for _ in range(4))
    for day, w in week_of.items():
        if day in problem.working_days[problem.block_of[day]]:
            present[w] += sum(not problem.on_leave(f, day) for f in fellows)
    for d in problem.duties:
        call = problem.config.call[d.call]
        if call.short_weight is not None:
            continue
        duties[week_of[d.first]] += call.need(d.first)
        call_hours[week_of[d.first]] += call.hours * call.need(d.first)
        if call.post_call_off and d.last + DAY in week_of:
            rest[week_of[d.last + DAY]] += call.need(d.first)
    for run in week_runs([True] * len(weeks), duty.max_weekly.averaged_over_weeks):
        at_work, taken, hours, off = (
            sum(x[w] for w in run) for x in (present, duties, call_hours, rest)
        )
        need = Fraction(least * at_work - cut * off, 5) + hours
        cap = len(problem.fellows) * duty.max_weekly.hours * len(run)
        if need <= cap:
            continue
        start, end = weeks[run[0]][0], weeks[run[-1]][1]
        reason = (
            f"{len(problem.fellows)} fellows × {duty.max_weekly.hours} hours × {len(run)} "
            f"weeks = {cap} < {_hours(need)} hours from {start} to {end}: {at_work} days at "
            f"work × {_hours(Fraction(least, 5))} hours (the lightest rotation's {least} a "
            f"week) = {_hours(Fraction(least * at_work, 5))}, and {taken} duties = {hours}"
            + (f", less {off} post-call days off × {_hours(Fraction(cut, 5))}" if off else "")
            + "."
        )
        calls_rules = _rule_of(problem, CallRules)
        covered = {
            d.call
            for d in problem.duties
            if problem.config.call[d.call].short_weight is None and start <= d.first <= end
        }
        involved = [calls_rules.of(c, "per_day") for c in sorted(covered)]
        involved.append(hours_rules.parts["duty_hours.max_weekly"])
        return [Conflict([member(rule, problem) for rule in involved], reason)]
    return []


def _rule_of(problem: Problem, kind: type):
    """The program's rule of a kind there is at most one of (the call rules, duty hours)."""
    return next((r for r in problem.rules if isinstance(r, kind)), None)


def _hours(value: Fraction) -> str:
    """Hours as a whole number, or with one decimal."""
    return str(int(value)) if value.denominator == 1 else f"{float(value):.1f}"
