"""Checks of the rules of sites and of what a fellow may take (mirrors
rotations/model/rules/sites.py)."""

from __future__ import annotations

from rotations.check.violations import bound, broken, runs
from rotations.config import rules
from rotations.implied import Allowed, GroupRequirement, SiteLimit, SiteStaffing
from rotations.problem import Problem
from rotations.schedule import Schedule, Violation


def check_site_staffing(
    rule: SiteStaffing, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """Between `min` and `max` fellows on the rotation at the site in every block; every fellow
    on a rotation with sites is at one of them, the same for a whole run."""
    out = []
    name, site = problem.rotation(rule.rotation).name, problem.site_name(rule.site)
    offered = problem.sites_of(rule.rotation)
    first = offered[0] == rule.site  # the run and site checks, once per rotation
    for fellow in problem.fellows if first else ():
        row = schedule.assignments[fellow.id]
        for start, end in runs(row, {rule.rotation}):
            there = {schedule.site_of(fellow.id, b) for b in range(start, end + 1)}
            if len(there) > 1 or not there <= set(offered):
                at = ", ".join(sorted(str(s) for s in there))
                message = (
                    f"{fellow.id} is on {name} in blocks {start + 1}..{end + 1} at {at}: one of "
                    f"its sites ({', '.join(offered)}) for the whole run"
                )
                out.append(broken(rule, message, fellow.id, start))
    for block in problem.blocks:
        count = rule.count_in(block.index)
        if count is None:
            continue
        here = sum(
            schedule.rotation_of(p.id, block.index) == rule.rotation
            and schedule.site_of(p.id, block.index) == rule.site
            for p in problem.fellows
        )
        if (count.min and here < count.min) or (count.max is not None and here > count.max):
            message = (
                f"{here} fellows on {name} at {site} in {block}, {count.describe('fellows')} wanted"
            )
            out.append(broken(rule, message, None, block.index))
    return out


def check_site_limit(rule: SiteLimit, problem: Problem, schedule: Schedule) -> list[Violation]:
    """No fellow spends more than `max_blocks` blocks at the site."""
    out = []
    for fellow in problem.fellows:
        there = sum(s == rule.site for s in schedule.sites.get(fellow.id, ()))
        if there > rule.max_blocks:
            message = (
                f"{fellow.id} spends {there} blocks at {problem.site_name(rule.site)}, "
                f"at most {rule.max_blocks}"
            )
            out.append(broken(rule, message, fellow.id))
    return out


def check_allowed(rule: Allowed, problem: Problem, schedule: Schedule) -> list[Violation]:
    """The fellow is on no rotation, and at no site, that `allowed` leaves out."""
    fid = problem.fellows[rule.fellow].id
    out = []
    for b, rid in enumerate(schedule.assignments[fid]):
        site = schedule.site_of(fid, b)
        if rid is not None and not rule.permits(rid, site):
            where = f"{rid}@{site}" if site else rid
            message = f"{fid} is on {where} in block {b + 1}, not among {', '.join(rule.allowed)}"
            out.append(broken(rule, message, fid, b))
    return out


def check_group_requirement(
    rule: GroupRequirement, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """Each fellow takes `count` of the rotations: at least one block on each of them."""
    out = []
    for f in rule.bound(problem):
        fid = problem.fellows[f].id
        done = sorted(set(schedule.assignments[fid]) & set(rule.any_of))
        count = rule.count
        if (count.min and len(done) < count.min) or (
            count.max is not None and len(done) > count.max
        ):
            message = (
                f"{fid} takes {len(done)} of {', '.join(rule.any_of)} "
                f"({', '.join(done) or 'none'}); {count.describe('rotations')} wanted"
            )
            out.append(broken(rule, message, fid))
    return out


def check_want(rule: rules.Want, problem: Problem, schedule: Schedule) -> list[Violation]:
    """The fellow spends at least one block of start..end on the rotation (at the site)."""
    out = []
    blocks = problem.wanted_blocks(rule)
    for fid in bound(problem, rule):
        if not any(
            schedule.rotation_of(fid, b) == rule.rotation
            and (rule.site is None or schedule.site_of(fid, b) == rule.site)
            for b in blocks
        ):
            wanted = rule.statement(problem).removeprefix("at least one block of ")
            message = f"{fid} has no block of {wanted}"
            out.append(broken(rule, message, fid))
    return out


def check_prefer_site(
    rule: rules.PreferSite, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """Every block the fellow spends on a rotation with sites is at the site."""
    out = []
    for fid in bound(problem, rule):
        for b, site in enumerate(schedule.sites.get(fid, ())):
            if site is not None and site != rule.site:
                message = (
                    f"{fid} is at {problem.site_name(site)} in block {b + 1}, not at "
                    f"{problem.site_name(rule.site)}"
                )
                out.append(broken(rule, message, fid, b))
    return out


def check_site_change(
    rule: rules.SiteChange, problem: Problem, schedule: Schedule
) -> list[Violation]:
    """No block at a site other than that of the fellow's last block at a site."""
    out = []
    for fid in bound(problem, rule):
        last = None
        for b, site in enumerate(schedule.sites.get(fid, ())):
            if site is None:
                continue
            if last is not None and site != last:
                message = (
                    f"{fid} moves from {problem.site_name(last)} to {problem.site_name(site)} "
                    f"in block {b + 1}"
                )
                out.append(broken(rule, message, fid, b))
            last = site
    return out


def check_idle(rule: rules.Idle, problem: Problem, schedule: Schedule) -> list[Violation]:
    """No block on the rotation before a block on another one."""
    out = []
    name = problem.rotation(rule.rotation).name
    for fid in bound(problem, rule):
        row = schedule.assignments[fid]
        busy = [b for b, r in enumerate(row) if r is not None and r != rule.rotation]
        for b, rid in enumerate(row):
            if rid == rule.rotation and busy and b < busy[-1]:
                message = f"{fid} waits on {name} in block {b + 1} before block {busy[-1] + 1}"
                out.append(broken(rule, message, fid, b))
    return out
