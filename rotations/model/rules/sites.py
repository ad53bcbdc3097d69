"""Rules of sites and of what a fellow may take: a rotation's staffing at each site, a site's
limit per fellow, the rotations a fellow is allowed, requirement groups ("k of these"), and the
wishes of rotations taken, of a site, of no change of site and of no waiting."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotations.config import rules
from rotations.implied import Allowed, GroupRequirement, SiteLimit, SiteStaffing
from rotations.model.variables import Penalty, Variables
from rotations.problem import Problem


def add_site_staffing(
    rule: SiteStaffing, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Between `min` and `max` fellows on the rotation at the site in every block; with the
    rotation's first site, each fellow at one site for a whole run of blocks on it."""
    fellows, penalties = range(len(problem.fellows)), []
    sites = problem.sites_of(rule.rotation)
    for f in fellows if sites[0] == rule.site and len(sites) > 1 else ():
        ok, p = v.guard(rule, f)
        penalties += p
        for b in range(1, len(problem.blocks)):
            was, on = v.on(f, b - 1, rule.rotation), v.on(f, b, rule.rotation)
            before, there = v.y[f, b - 1, rule.rotation], v.y[f, b, rule.rotation]
            # On the rotation in b - 1 and b: the same site in both (the sites numbered: one
            # constraint per block where one per site took five times the constraints).
            site = sum(k * lit for k, lit in enumerate(there.values()))
            earlier = sum(k * lit for k, lit in enumerate(before.values()))
            model.add(site == earlier).only_enforce_if([ok, was, on])
    for b in range(len(problem.blocks)):
        count = rule.count_in(b)
        if count is None or (not count.min and count.max is None):
            continue
        ok, p = v.guard(rule, None, b)
        penalties += p
        there = sum(v.y[f, b, rule.rotation][rule.site] for f in fellows)
        if count.min:
            model.add(there >= count.min).only_enforce_if(ok)
        if count.max is not None and count.max < len(fellows):
            model.add(there <= count.max).only_enforce_if(ok)
    return penalties


def add_site_limit(
    rule: SiteLimit, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No fellow spends more than `max_blocks` blocks at the site."""
    n, penalties = len(problem.blocks), []
    for f in range(len(problem.fellows)):
        ok, p = v.guard(rule, f)
        penalties += p
        there = sum(lit for b in range(n) for lit in v.at(f, b, rule.site))
        model.add(there <= rule.max_blocks).only_enforce_if(ok)
    return penalties


def add_allowed(
    rule: Allowed, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """The fellow is on no rotation, and at no site of one, that `allowed` leaves out."""
    f = rule.fellow
    ok, penalties = v.guard(rule, f)
    for b in range(len(problem.blocks)):
        for r in problem.rotations:
            if rule.permits(r):
                continue
            there = v.y.get((f, b, r), {})
            barred = [lit for s, lit in there.items() if not rule.permits(r, s)]
            if len(barred) == len(there):
                model.add(v.on(f, b, r) == 0).only_enforce_if(ok)
            else:
                for lit in barred:
                    model.add(lit == 0).only_enforce_if(ok)
    return penalties


def taken(v: Variables, model: cp_model.CpModel, f: int, r: str, blocks, site=None):
    """A literal true exactly when fellow f spends one of `blocks` on r (at `site`)."""
    key = (f, r, site, tuple(blocks))
    cache = v.taken
    if key not in cache:
        lits = [v.y[f, b, r][site] if site else v.on(f, b, r) for b in blocks]
        var = model.new_bool_var(f"taken[{f},{r},{site}]")
        if lits:
            model.add_max_equality(var, lits)
        else:
            model.add(var == 0)
        cache[key] = var
    return cache[key]


def add_group_requirement(
    rule: GroupRequirement, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Each fellow takes `count` of the rotations: at least one block on each of them."""
    blocks, penalties = range(len(problem.blocks)), []
    for f in rule.bound(problem):
        ok, p = v.guard(rule, f)
        penalties += p
        total = sum(taken(v, model, f, r, blocks) for r in rule.any_of)
        if rule.count.min:
            model.add(total >= rule.count.min).only_enforce_if(ok)
        if rule.count.max is not None and rule.count.max < len(rule.any_of):
            model.add(total <= rule.count.max).only_enforce_if(ok)
    return penalties


def add_want(
    rule: rules.Want, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """The fellow spends at least one block of start..end on the rotation (at the site)."""
    blocks, penalties = problem.wanted_blocks(rule), []
    for f in problem.selected(rule):
        ok, p = v.guard(rule, f)
        penalties += p
        done = taken(v, model, f, rule.rotation, blocks, rule.site)
        model.add_implication(ok, done)
        if p:  # soft: the cost exactly when not taken (so the objective is the checker's)
            model.add_implication(done, ok)
    return penalties


def add_prefer_site(
    rule: rules.PreferSite, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """Every block the fellow spends on a rotation with sites is at the site."""
    penalties = []
    for f in problem.selected(rule):
        for b in range(len(problem.blocks)):
            elsewhere = [
                lit for r in problem.sited for s, lit in v.y[f, b, r].items() if s != rule.site
            ]
            if not elsewhere:
                continue
            ok, p = v.guard(rule, f, b)
            penalties += p
            model.add(sum(elsewhere) == 0).only_enforce_if(ok)
            if p:  # soft: the cost exactly when elsewhere
                model.add(sum(elsewhere) >= 1).only_enforce_if(~ok)
    return penalties


def add_site_change(
    rule: rules.SiteChange, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No block at a site other than that of the fellow's last block at a site."""
    sites, penalties = list(problem.config.sites), []
    if not problem.sited:
        return penalties  # nobody is ever at a site
    for f in problem.selected(rule):
        # last[s]: the fellow's last block at a site, up to this one, was at s.
        last: dict[str, cp_model.IntVar] | None = None
        for b in range(len(problem.blocks)):
            at = {s: v.at(f, b, s) for s in sites}
            sited = sum(lit for lits in at.values() for lit in lits)
            if last is not None:
                ok, p = v.guard(rule, f, b)
                penalties += p
                for s in sites:
                    if at[s]:
                        others = [last[o] for o in sites if o != s]
                        # At s now and last at another site: a change.
                        model.add(sum(at[s]) + sum(others) <= 1).only_enforce_if(ok)
                if p:  # soft: the cost exactly at a change (at a site, not the last one)
                    model.add(sited >= 1).only_enforce_if(~ok)
                    model.add(sum(last.values()) >= 1).only_enforce_if(~ok)
                    for s in sites:
                        model.add(sum(at[s]) + last[s] <= 1).only_enforce_if(~ok)
            now = {s: model.new_bool_var(f"last[{rule.key},{f},{b},{s}]") for s in sites}
            for s in sites:
                here = sum(at[s])
                model.add(now[s] >= here)
                model.add(now[s] <= here + (last[s] if last is not None else 0))
                model.add(now[s] <= here + 1 - sited)
                if last is not None:
                    model.add(now[s] >= last[s] - sited)
            last = now
    return penalties


def add_idle(
    rule: rules.Idle, problem: Problem, v: Variables, model: cp_model.CpModel
) -> list[Penalty]:
    """No block on the rotation before a block on another one."""
    n, penalties = len(problem.blocks), []
    for f in problem.selected(rule):
        # later[b]: on another rotation in some block after b.
        later = [model.new_bool_var(f"later[{rule.key},{f},{b}]") for b in range(n - 1)]
        for b in reversed(range(n - 1)):
            working = sum(v.x[f][b + 1]) - v.on(f, b + 1, rule.rotation)
            model.add(later[b] >= working)
            if b + 1 < n - 1:
                model.add(later[b] >= later[b + 1])
                model.add(later[b] <= working + later[b + 1])
            else:
                model.add(later[b] <= working)
        for b in range(n - 1):
            if not problem.active(f, b):
                continue
            ok, p = v.guard(rule, f, b)
            penalties += p
            model.add(v.on(f, b, rule.rotation) + later[b] <= 1).only_enforce_if(ok)
            if p:  # soft: the cost exactly when waiting
                model.add_bool_and([v.on(f, b, rule.rotation), later[b]]).only_enforce_if(~ok)
    return penalties
