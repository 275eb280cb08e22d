"""The reader's linear program: what a reader who knows the relations (`system.py`) can
find for each value that is not published, from the cells as published (scipy's linprog,
HiGHS), and the points earlier programs found, which prove a value unpinned without
solving anything."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from duaal.outputs.workbooks.suppression.system import MIN_GROUP, MIN_SMALL, SHOWN, SMALL, System

if TYPE_CHECKING:  # scipy is imported where a program is built: a run that keeps every
    # workbook never solves one, and scipy.optimize costs about half a second to import
    from scipy.optimize import OptimizeResult
    from scipy.sparse import csr_matrix

FEASIBLE = 1e-6  # how far a solver's point may lie outside a bound and still count


def known_bounds(system: System, status: dict[int, str]) -> list[tuple[float, float | None]]:
    """What a reader knows of each variable from the cells as published."""
    bounds: list[tuple[float, float | None]] = []
    for i in range(len(system.keys)):
        s = status[i]
        if s == SHOWN:
            bounds.append((system.values[i], system.values[i]))
        elif s == SMALL:
            bounds.append((MIN_SMALL, MIN_GROUP - 1))
        else:
            bounds.append((0, None))  # '—': anything, 0 included
    return bounds


Matrix = tuple["csr_matrix | None", np.ndarray]  # rows over the variables, and their constants


def solve(
    c: np.ndarray, equal: Matrix, at_most: Matrix, bounds: Sequence[tuple[float, float | None]]
) -> OptimizeResult:
    """The least c @ x with equal[0] @ x = equal[1] and at_most[0] @ x <= at_most[1], within
    the bounds, by HiGHS (scipy's linprog); a matrix None: no such relations."""
    from scipy.optimize import linprog

    (a_eq, b_eq), (a_ub, b_ub) = equal, at_most
    return linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub if a_ub is not None else None,
        A_eq=a_eq,
        b_eq=b_eq if a_eq is not None else None,
        bounds=bounds,
        method="highs",
    )


class Witnesses:
    """Points a reader's relations allow, found by earlier linear programs of the year.

    A point holds every variable (the published ones at their value), so it satisfies
    every relation; it is a point of a program when it also lies within that program's
    bounds. One such point with a value a whole number away from the true one proves
    that the reader cannot pin that value down, without solving anything."""

    def __init__(self, size: int) -> None:
        self.points = np.empty((0, size))

    def add(self, point: np.ndarray) -> None:
        self.points = np.vstack([self.points, point])

    def within(self, low: np.ndarray, high: np.ndarray, start: int = 0) -> np.ndarray:
        """The points from `start` on that lie within the bounds."""
        points = self.points[start:]
        inside = ((points >= low - FEASIBLE) & (points <= high + FEASIBLE)).all(axis=1)
        return points[inside]


class Program:
    """The linear program of a reader: the relations over the values not published."""

    def __init__(
        self,
        system: System,
        bounds: list[tuple[float, float | None]],
        witnesses: Witnesses | None = None,
    ) -> None:
        from scipy.sparse import csr_matrix

        self.unknown = [i for i, (lo, hi) in enumerate(bounds) if lo != hi]
        self.position = {i: p for p, i in enumerate(self.unknown)}
        n = len(self.unknown)
        self.matrices = []
        for relations in (system.equalities, system.inequalities):
            data, cols, starts, constants = [], [], [0], []
            for relation in relations:
                constant, row = 0.0, {}
                for i, coef in relation.items():
                    if i in self.position:
                        p = self.position[i]
                        row[p] = row.get(p, 0.0) + coef
                    else:
                        constant += coef * bounds[i][0]
                row = {p: c for p, c in row.items() if c}
                if row:
                    cols += row
                    data += row.values()
                    starts.append(len(cols))
                    constants.append(-constant)
            matrix = (
                csr_matrix((data, cols, starts), shape=(len(constants), n)) if constants else None
            )
            self.matrices.append((matrix, np.array(constants)))
        self.bounds = [bounds[i] for i in self.unknown]
        self.witnesses = witnesses or Witnesses(len(bounds))
        self.low = np.array([lo for lo, _ in bounds], dtype=float)
        self.high = np.array([np.inf if hi is None else hi for _, hi in bounds], dtype=float)
        self._points = self.witnesses.within(self.low, self.high)
        self._seen = len(self.witnesses.points)

    def pins(self, variable: int, value: float) -> bool:
        """Whether the reader finds no whole number but `value` (the true one) for it."""
        if self._witnessed(variable, value):
            return False
        if variable in self.determined:
            return True
        # only whether a value a whole number away exists matters: a program capped there
        # answers the same, and has a solution (a point for later checks) where the
        # uncapped one would run off to infinity
        high = self.extreme(variable, -1.0, value + 1)
        if high >= value + 1 - 1e-6:
            return False
        return self.extreme(variable, 1.0, value - 1) > value - 1 + 1e-6

    @cached_property
    def determined(self) -> set[int]:
        """Values the equalities alone give away: one left unknown in a relation follows
        from the others; taken as known, it may leave one unknown in another relation."""
        matrix = self.matrices[0][0]
        if matrix is None:
            return set()
        bounds = zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
        rows = [set(matrix.indices[a:b]) for a, b in bounds]
        found: set[int] = set()
        while True:
            single = {next(iter(r)) for r in rows if len(r) == 1}
            if not single:
                return {self.unknown[p] for p in found}
            found |= single
            rows = [r - single for r in rows if len(r) > 1]

    def _witnessed(self, variable: int, value: float) -> bool:
        """Whether a point of this program found earlier lies a whole number away."""
        if self._seen < len(self.witnesses.points):
            fresh = self.witnesses.within(self.low, self.high, self._seen)
            self._points = np.vstack([self._points, fresh])
            self._seen = len(self.witnesses.points)
        found = self._points[:, variable]
        return bool(((found >= value + 1 - 1e-6) | (found <= value - 1 + 1e-6)).any())

    def extreme(self, variable: int, sign: float, limit: float | None = None) -> float:
        """The least (sign 1) or greatest (sign -1) value the reader can find for it, not
        looking below (sign 1) or above (sign -1) `limit`."""
        position = self.position[variable]
        c = np.zeros(len(self.unknown))
        c[position] = sign
        bounds = self.bounds
        if limit is not None:
            lo, hi = bounds[position]
            if sign > 0:
                capped = (max(lo, limit), hi)
            else:
                capped = (lo, limit if hi is None else min(hi, limit))
            bounds = [*bounds[:position], capped, *bounds[position + 1 :]]
        equal, at_most = self.matrices
        result = solve(c, equal, at_most, bounds)
        if result.status == 3:  # unbounded
            return -np.inf if sign > 0 else np.inf
        if result.status != 0:
            raise RuntimeError(f"the disclosure check could not be solved: {result.message}")
        point = self.low.copy()  # the published values, and the solution for the rest
        point[self.unknown] = result.x
        self.witnesses.add(point)
        return float(result.fun * sign)
