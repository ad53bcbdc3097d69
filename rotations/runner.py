"""Running CP-SAT searches: in worker threads, so that Ctrl-C (or SIGTERM, SIGHUP) reaches the
main thread, which then stops them and raises Interrupted; and within a wall-clock Deadline
shared by a run."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

from ortools.sat.python import cp_model

from rotations.stops import stops_raise

# Seconds between two looks at whether a run was abandoned while its searches go on.
ABANDON_POLL = 0.1


class Deadline:
    """The wall-clock end of a run, shared by all its searches; it remembers whether it cut
    one short (then the answer may differ from run to run). `abandon`, once set, stops the
    run's searches as Ctrl-C does (for runs outside the main thread: the server's jobs)."""

    def __init__(
        self,
        seconds: float,
        whole: Deadline | None = None,
        abandon: threading.Event | None = None,
    ) -> None:
        self.at = time.monotonic() + seconds
        self.cut = False
        self.whole = whole
        self.abandon = abandon if abandon is not None or whole is None else whole.abandon

    def left(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def abandoned(self) -> bool:
        return self.abandon is not None and self.abandon.is_set()

    def part(self, share: float) -> Deadline:
        """A deadline `share` of the time left from now, for one stage of a run; a search it
        cuts short is cut short for the whole run too."""
        return Deadline(self.left() * share, self)

    def cut_short(self) -> None:
        self.cut = True
        if self.whole is not None:
            self.whole.cut_short()


class Interrupted(Exception):
    """The user pressed Ctrl-C during a search; `best` is the best objective found, if any."""

    def __init__(self, best: int | None = None) -> None:
        super().__init__("interrupted")
        self.best = best


def settled(code: int) -> bool:
    """The solve is over: a proven optimum, or a model proven infeasible or invalid."""
    return code not in (cp_model.FEASIBLE, cp_model.UNKNOWN)


def run_solvers(
    cp: cp_model.CpModel | list[cp_model.CpModel],
    solvers: list[cp_model.CpSolver],
    callbacks: list[cp_model.CpSolverSolutionCallback | None] | None = None,
    deadline: Deadline | None = None,
) -> list[int]:
    """Solve `cp` (or each of a list of models, one per solver) with each solver, side by side
    in threads (CP-SAT frees the GIL), and return their status codes; each stops by the
    `deadline` at the latest. Ctrl-C stops every search and raises Interrupted with the best
    objective found (if the model has an objective). The solvers must not catch SIGINT
    themselves (`catch_sigint_signal`)."""
    models = cp if isinstance(cp, list) else [cp] * len(solvers)
    callbacks = callbacks or [None] * len(solvers)
    if deadline is not None:
        for solver in solvers:
            solver.parameters.max_time_in_seconds = max(0.01, deadline.left())

    def run(solver: cp_model.CpSolver, model: cp_model.CpModel, callback) -> int:
        return solver.solve(model, callback) if callback is not None else solver.solve(model)

    with stops_raise(), ThreadPoolExecutor(len(solvers)) as pool:
        futures = [pool.submit(run, *job) for job in zip(solvers, models, callbacks, strict=True)]
        try:
            while wait(futures, ABANDON_POLL)[1]:
                if deadline is not None and deadline.abandoned():
                    raise KeyboardInterrupt
            codes = [future.result() for future in futures]
        except KeyboardInterrupt:
            for solver in solvers:
                solver.stop_search()
            codes = [future.result() for future in futures]
            found = [
                round(solver.objective_value)
                for solver, model, code in zip(solvers, models, codes, strict=True)
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and model.has_objective()
            ]
            raise Interrupted(min(found, default=None)) from None
    if deadline is not None and any(  # stopped before its deterministic budget ran out
        not settled(code)
        and solver.deterministic_time < solver.parameters.max_deterministic_time * 0.999
        for solver, code in zip(solvers, codes, strict=True)
    ):
        deadline.cut_short()
    return codes


def set_hint(cp: cp_model.CpModel, variables: list[int], values: list[int]) -> None:
    """Hint `variables` with `values`, and nothing else."""
    # Take the hint message afresh after clear_hints(): an earlier handle still accepts values
    # but is no longer part of the model, and the solver would never see them.
    cp.clear_hints()
    if variables:
        hint = cp.proto.solution_hint
        hint.vars.extend(variables)
        hint.values.extend(values)
