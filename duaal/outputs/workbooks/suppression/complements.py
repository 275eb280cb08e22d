"""Which published cells to hide with a value that must keep a range: the cheapest ones a
reader must move to put the value a whole number away from its own (Fischetti and
Salazar's attacker problem), as a linear program, else a mixed-integer one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from duaal.outputs.workbooks.suppression.reader import FEASIBLE, known_bounds, solve
from duaal.outputs.workbooks.suppression.system import AMOUNT, MIN_GROUP, MIN_SMALL, SMALL, System

if TYPE_CHECKING:  # scipy is imported where a program is built (reader.py says why)
    from scipy.sparse import csr_matrix

MILP_SECONDS = 10.0  # a search for complements that takes longer takes the best found
MILP_GAP = 0.1  # ... or one that costs at most a tenth more than the cheapest
ZERO_COST = 50.0  # hiding a 0 costs as much as hiding 50 learners: see _unit_costs


def _unit_costs(system: System, amounts: tuple[int, int]) -> np.ndarray:
    """What moving each value by one unit costs the reader of the workbook: a cell of few
    learners is cheap to hide, a 0 dear (it often follows from the rule book, e.g. no
    premium in Wallonia, and tells much when shown), an amount per premium it stands for."""
    costs = np.empty(len(system.keys))
    for i, ((_, _, measure), value) in enumerate(zip(system.keys, system.values, strict=True)):
        # amounts (0, 0): a school year without configured amounts, every premium 0
        unit = (max(amounts) or 1) if measure == AMOUNT else 1
        costs[i] = (ZERO_COST if value == 0 else 1 + value / unit) / unit
    return costs


class Complements:
    """The cheapest published cells whose hiding gives a value a range: the linear program
    of a reader who may move those cells, asked to put the value a whole number away from
    its own at the least cost of moved units (Fischetti and Salazar's attacker problem)."""

    def __init__(self, system: System, amounts: tuple[int, int]) -> None:
        self.system = system
        n = len(system.keys)
        self.costs = _unit_costs(system, amounts)
        self.a_eq = _matrix(system.equalities, n)
        self.a_ub = _matrix(system.inequalities, n)

    def find(
        self, status: dict[int, str], target: int, movable: Sequence[int]
    ) -> tuple[list[int], np.ndarray] | None:
        """The cells of `movable` to hide, and the point that proves the target a range;
        None when hiding all of them would not do."""
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import csr_matrix, hstack, vstack

        system, n, m = self.system, len(self.system.keys), len(movable)
        bounds = [*known_bounds(system, status), *[(0.0, None)] * (2 * m)]
        for j in movable:
            bounds[j] = (0.0, None)
        # x_j - up_j + down_j = value_j for every movable cell j
        rows = np.arange(m)
        moves = csr_matrix(
            (
                np.concatenate([np.ones(m), -np.ones(m), np.ones(m)]),
                (np.tile(rows, 3), np.concatenate([movable, n + rows, n + m + rows])),
            ),
            shape=(m, n + 2 * m),
        )
        a_eq = vstack([hstack([self.a_eq, csr_matrix((self.a_eq.shape[0], 2 * m))]), moves])
        a_ub = hstack([self.a_ub, csr_matrix((self.a_ub.shape[0], 2 * m))])
        b_eq = np.concatenate([np.zeros(self.a_eq.shape[0]), np.array(system.values)[movable]])
        c = np.concatenate([np.zeros(n), self.costs[movable], self.costs[movable]])
        value, (low, high) = system.values[target], bounds[target]
        lows = np.array([lo for lo, _ in bounds], dtype=float)
        highs = np.array([np.inf if hi is None else hi for _, hi in bounds], dtype=float)
        # whole numbers: every moved cell moves by one or more, so it keeps a range itself
        whole = np.concatenate([np.ones(n), np.zeros(2 * m)])
        constraints = [LinearConstraint(a_eq, b_eq, b_eq), LinearConstraint(a_ub, -np.inf, 0)]
        best = None
        for wanted in (value - 1, value + 1):
            if wanted < low or (high is not None and wanted > high):
                continue
            lows[target] = highs[target] = wanted
            bounds[target] = (wanted, wanted)
            # the linear program mostly finds whole numbers itself, and fast; else the
            # mixed-integer one
            result = solve(c, (a_eq, b_eq), (a_ub, np.zeros(a_ub.shape[0])), bounds)
            if (
                result.status == 0
                and np.abs(result.x[:n] - np.round(result.x[:n])).max() > FEASIBLE
            ):
                result = milp(
                    c,
                    integrality=whole,
                    bounds=Bounds(lows, highs),
                    constraints=constraints,
                    # without presolve: HiGHS's (scipy 1.17) prints a debug line to
                    # stdout on some of these small programs
                    options={
                        "time_limit": MILP_SECONDS,
                        "mip_rel_gap": MILP_GAP,
                        "presolve": False,
                    },
                )
            if result.x is not None and (best is None or result.fun < best.fun):
                best = result
        if best is None:
            return None
        point = best.x[:n]
        # a '< 5' that stays within 1 to 4 may stay '< 5'
        outside = [
            point[j] < MIN_SMALL - FEASIBLE or point[j] > MIN_GROUP - 1 + FEASIBLE
            if status[j] == SMALL
            else abs(point[j] - system.values[j]) > FEASIBLE
            for j in movable
        ]
        return [j for j, out in zip(movable, outside, strict=True) if out], point


def _matrix(relations: Sequence[dict[int, float]], n: int) -> csr_matrix:
    """The relations as the rows of a sparse matrix over n variables."""
    from scipy.sparse import csr_matrix

    data = [c for r in relations for c in r.values()]
    cols = [i for r in relations for i in r]
    starts = np.cumsum([0, *(len(r) for r in relations)])
    return csr_matrix((data, cols, starts), shape=(len(relations), n))
