"""Which federation figures can be published: primary and complementary (secondary) suppression.

A school year's federation figures are one linear system: per group (an office, a
training) and for the whole year, learners = subsidiabel + niet subsidiabel, subsidiabel =
unpaid + paid premiums, amount = unpaid x unpaid amount + paid x paid amount, learners =
conform + not conform, every refusal reason <= niet subsidiabel; and every measure of the
groups of one sheet adds up to the year's real total, the same total in every sheet. A
reader who knows these relations and the published cells can solve for a hidden one.

So: a count of 1 to 4 is hidden ("< 5", primary); a group of fewer than 5 learners hides
its whole row; a group's amount hides when it gives away its number of premiums, its
conform rate when it gives away 1 to 4 learners. The totals row is the year's real totals:
only a total of 1 to 4 is hidden there (the year's numbers of premiums of one amount or of
learners not conform follow from the totals, and are no group's). Then, until no hidden
value is pinned down, the linear program a reader could run (scipy's linprog over the
published cells) is run for every hidden value, and where one comes out as a single whole
number another cell of a relation holding it is hidden as well ("—", which may be any
number, 0 included), the cheapest first, never a total; where no cell is left to hide, a
"< 5" becomes "—", and a total of 1 to 4 that the other totals give away anyway is shown.
A hidden value that is not itself 1 to 4 learners and that the program pins down anyway
(a 0 in a small group whose total is shown, say) is shown instead: it tells a reader
nothing new.

The result depends only on the year's decisions, so every workbook and sheet that shows a
year's figures shows the same ones hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

MIN_GROUP = 5
TOTAL = "Totaal"

# measures of a group: published ones, then the ones no sheet shows (but a reader can derive)
LEARNERS, ELIGIBLE, REFUSED, AMOUNT, CONFORM = "L", "S", "N", "A", "C"
UNPAID, PAID, NOT_CONFORM = "U", "P", "D"
COUNTS = (LEARNERS, ELIGIBLE, REFUSED)  # and every reason "R:<code>"
NEVER_SHOWN = (UNPAID, PAID, NOT_CONFORM)

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"


@dataclass
class Group:
    """The raw figures of one group of decisions (a row of a federation sheet)."""

    learners: int = 0
    eligible: int = 0
    unpaid: int = 0
    paid: int = 0
    amount: int = 0
    conform: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def measures(self, codes: Sequence[str]) -> dict[str, int]:
        """Every measure of the group by its key."""
        return {
            LEARNERS: self.learners,
            ELIGIBLE: self.eligible,
            REFUSED: self.learners - self.eligible,
            AMOUNT: self.amount,
            CONFORM: self.conform,
            UNPAID: self.unpaid,
            PAID: self.paid,
            NOT_CONFORM: self.learners - self.conform,
            **{f"R:{c}": self.reasons.get(c, 0) for c in codes},
        }


Key = tuple[str, str, str]  # (partition, group, measure); the total's partition is ""


def is_small(n: int) -> bool:
    """A count that could single out a learner."""
    return 0 < n < MIN_GROUP


def _is_count(measure: str) -> bool:
    return measure in COUNTS or measure.startswith("R:")


@dataclass
class Protection:
    """Per published cell of a school year: shown, small ("< 5") or hidden ("—")."""

    status: dict[Key, str]
    values: dict[Key, int]

    def cell(self, partition: str, group: str, measure: str) -> str:
        """The status of one cell (the total row is shared by every partition)."""
        return self.status[_key(partition, group, measure)]


def _key(partition: str, group: str, measure: str) -> Key:
    return ("", TOTAL, measure) if group == TOTAL else (partition, group, measure)


class _System:
    """The variables and relations of one school year's federation figures."""

    def __init__(
        self,
        partitions: dict[str, dict[str, Group]],
        total: Group,
        codes: Sequence[str],
        amounts: tuple[int, int],
    ) -> None:
        self.keys: list[Key] = []
        self.values: list[int] = []
        self.index: dict[Key, int] = {}
        self.equalities: list[dict[int, float]] = []
        self.inequalities: list[dict[int, float]] = []  # sum <= 0
        self.rows: list[tuple[str, str]] = [("", TOTAL)]
        self._add_group("", TOTAL, total, codes, amounts)
        for partition, groups in partitions.items():
            for name, group in groups.items():
                self.rows.append((partition, name))
                self._add_group(partition, name, group, codes, amounts)
            measures = total.measures(codes)
            for measure in measures:
                relation = {self.index[(partition, name, measure)]: 1.0 for name in groups}
                relation[self.index[("", TOTAL, measure)]] = -1.0
                self.equalities.append(relation)

    def _add_group(
        self, partition: str, name: str, g: Group, codes: Sequence[str], amounts: tuple[int, int]
    ) -> None:
        """A group's variables and the relations between them."""
        for measure, value in g.measures(codes).items():
            self.index[(partition, name, measure)] = len(self.keys)
            self.keys.append((partition, name, measure))
            self.values.append(value)

        def v(measure: str) -> int:
            return self.index[(partition, name, measure)]

        self.equalities += [
            {v(LEARNERS): 1.0, v(ELIGIBLE): -1.0, v(REFUSED): -1.0},
            {v(ELIGIBLE): 1.0, v(UNPAID): -1.0, v(PAID): -1.0},
            {v(LEARNERS): 1.0, v(CONFORM): -1.0, v(NOT_CONFORM): -1.0},
        ]
        # the amount follows from the premiums when every premium is one of the two amounts
        if g.amount == amounts[0] * g.unpaid + amounts[1] * g.paid:
            self.equalities.append(
                {v(AMOUNT): 1.0, v(UNPAID): -float(amounts[0]), v(PAID): -float(amounts[1])}
            )
        self.inequalities += [{v(f"R:{c}"): 1.0, v(REFUSED): -1.0} for c in codes]


def _primary(system: _System) -> dict[int, str]:
    """The status of every variable before any complementary suppression."""
    status: dict[int, str] = {}
    for i, (_, _, measure) in enumerate(system.keys):
        if measure in NEVER_SHOWN:
            status[i] = HIDDEN
        elif _is_count(measure) and is_small(system.values[i]):
            status[i] = SMALL
        else:
            status[i] = SHOWN
    for partition, name in system.rows:

        def at(measure: str, p: str = partition, n: str = name) -> int:
            return system.index[(p, n, measure)]

        g = {m: system.values[at(m)] for m in (LEARNERS, ELIGIBLE, UNPAID, PAID, CONFORM)}
        row = [i for i, k in enumerate(system.keys) if k[:2] == (partition, name)]
        if is_small(g[LEARNERS]):
            # a small group: every figure of its row could single a learner out, except
            # those whose total is 0 (every group's is 0 then, hidden or not)
            for i in row:
                total = system.values[system.index[("", TOTAL, system.keys[i][2])]]
                if i != at(LEARNERS) and status[i] == SHOWN and total:
                    status[i] = HIDDEN
            continue
        if name == TOTAL:
            # the year's real totals: the amount and conform rate give away numbers of the
            # whole year (premiums of one amount, learners not conform), no group's
            continue
        if is_small(g[CONFORM]) or is_small(g[LEARNERS] - g[CONFORM]):
            status[at(CONFORM)] = HIDDEN
        if status[at(ELIGIBLE)] != SHOWN or is_small(g[UNPAID]) or is_small(g[PAID]):
            status[at(AMOUNT)] = HIDDEN
    return status


def _bounds(system: _System, status: dict[int, str]) -> list[tuple[float, float | None]]:
    """What a reader knows of each variable from the cells as published."""
    bounds: list[tuple[float, float | None]] = []
    for i in range(len(system.keys)):
        s = status[i]
        if s == SHOWN:
            bounds.append((system.values[i], system.values[i]))
        elif s == SMALL:
            bounds.append((1, MIN_GROUP - 1))
        else:
            bounds.append((0, None))  # '—': anything, 0 included
    return bounds


class _Witnesses:
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


FEASIBLE = 1e-6  # how far a solver's point may lie outside a bound and still count


class _Program:
    """The linear program of a reader: the relations over the values not published."""

    def __init__(
        self,
        system: _System,
        bounds: list[tuple[float, float | None]],
        witnesses: _Witnesses | None = None,
    ) -> None:
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
        self.witnesses = witnesses or _Witnesses(len(bounds))
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
        (a_eq, b_eq), (a_ub, b_ub) = self.matrices
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
        result = linprog(
            c,
            A_ub=a_ub,
            b_ub=b_ub if a_ub is not None else None,
            A_eq=a_eq,
            b_eq=b_eq if a_eq is not None else None,
            bounds=bounds,
            method="highs",
        )
        if result.status == 3:  # unbounded
            return -np.inf if sign > 0 else np.inf
        if result.status != 0:
            raise RuntimeError(f"the disclosure check could not be solved: {result.message}")
        point = self.low.copy()  # the published values, and the solution for the rest
        point[self.unknown] = result.x
        self.witnesses.add(point)
        return float(result.fun * sign)


def _sensitive(system: _System, i: int) -> bool:
    """A number of 1 to 4 learners: a count, the premiums of one amount, (not) conform."""
    return system.keys[i][2] != AMOUNT and is_small(system.values[i])


def _protected(system: _System, i: int) -> bool:
    """Whether a value not published must keep a range: every hidden cell, and a group's
    number of premiums of one amount or of learners (not) conform when it is 1 to 4. The
    same numbers of the whole year follow from its real totals, which are published: they
    are no group's, and hiding totals to protect them would hide the totals."""
    _, name, measure = system.keys[i]
    if measure not in NEVER_SHOWN:
        return True
    return name != TOTAL and _sensitive(system, i)


def _cost(system: _System, i: int, amounts: tuple[int, int]) -> tuple[bool, float, int]:
    """Which cell to hide first: not a 0 (mostly pinned by a total of 0), the fewest
    learners behind it, then the order."""
    measure = system.keys[i][2]
    value = system.values[i]
    # amounts (0, 0): a school year without configured amounts, every premium 0
    size = value / (max(amounts) or 1) if measure == AMOUNT else value
    return (value == 0, size, i)


def protect(
    partitions: dict[str, dict[str, Group]],
    total: Group,
    codes: Sequence[str],
    amounts: tuple[int, int],
) -> Protection:
    """Primary and complementary suppression of one school year, over all its partitions."""
    system = _System(partitions, total, codes, amounts)
    status = _primary(system)
    checked: set[int] = set()  # unpinned once: hiding more cells only widens its range
    useless: set[int] = set()  # shown again since pinned anyway: hiding them protects nothing
    complements: set[int] = set()  # hidden to protect another: each needs a range itself
    witnesses = _Witnesses(len(system.keys))
    while True:
        program = _Program(system, _bounds(system, status), witnesses)
        targets = [i for i in program.unknown if i not in checked and _protected(system, i)]
        found = None
        for i in targets:
            if program.pins(i, system.values[i]):
                found = i
                break
            checked.add(i)
        if found is None:
            break
        if found not in complements and not _sensitive(system, found):
            # its value follows from what is published: showing it tells a reader nothing
            status[found] = SHOWN
            useless.add(found)
            continue
        candidates = _complements(system, status, found, amounts, useless)
        if not candidates and status[found] == SMALL:
            # '< 5' says 1 to 4, and several of them can add up to a total of '< 5':
            # this one shows '—' instead, which says nothing
            status[found] = HIDDEN
            complements.add(found)
            continue
        if not candidates and (not _sensitive(system, found) or system.keys[found][1] == TOTAL):
            # a cell hidden to protect another, or a total of 1 to 4 that the other totals
            # give away (Niet subsidiabel as Lerenden - Subsidiabel), pinned by what is shown
            # whatever else hides: showing it tells a reader nothing new
            status[found] = SHOWN
            useless.add(found)
            complements.discard(found)
            continue
        if not candidates:
            raise RuntimeError(
                f"no cell left to protect {system.keys[found]} of the federation figures"
            )
        chosen = _first_that_protects(system, status, found, candidates, witnesses)
        status[chosen] = HIDDEN
        complements.add(chosen)
    return Protection(
        {k: status[i] for i, k in enumerate(system.keys)},
        dict(zip(system.keys, system.values, strict=True)),
    )


TRIES = 4  # candidates tried, cheapest first, before one is taken on trust


def _first_that_protects(
    system: _System,
    status: dict[int, str],
    target: int,
    candidates: Sequence[int],
    witnesses: _Witnesses,
) -> int:
    """The cheapest candidate whose hiding gives the target and itself a range; else the
    cheapest (a later round hides more)."""
    for candidate in candidates[:TRIES]:
        status[candidate] = HIDDEN
        program = _Program(system, _bounds(system, status), witnesses)
        status[candidate] = SHOWN
        if not program.pins(target, system.values[target]) and not program.pins(
            candidate, system.values[candidate]
        ):
            return candidate
    return candidates[0]


def _complements(
    system: _System,
    status: dict[int, str],
    target: int,
    amounts: tuple[int, int],
    useless: set[int],
) -> list[int]:
    """Shown cells that could give `target` a range when hidden, cheapest first, never a 0
    or a small count: those in a relation with it, else those in a relation with the hidden
    values it is linked to, nearest first."""

    def hideable(j: int) -> bool:
        # the totals are published as they are: a federation quotes them
        return status[j] == SHOWN and j not in useless and system.keys[j][1] != TOTAL

    relations = [*system.equalities, *system.inequalities]
    linked, frontier = {target}, [target]
    while frontier:
        level: set[int] = set()
        next_frontier = []
        for i in frontier:
            for relation in relations:
                if i not in relation:
                    continue
                for j in relation:
                    if hideable(j):
                        level.add(j)
                    elif status[j] != SHOWN and j not in linked:
                        linked.add(j)
                        next_frontier.append(j)
        if level:
            return sorted(level, key=lambda j: _cost(system, j, amounts))
        frontier = next_frontier
    return []
