"""Which federation figures can be published: primary and complementary (secondary) suppression.

What a federatie workbook publishes of a school year: per group (an office on Per kantoor
and on Schooljaren, a training on Per opleiding) and for the whole year, Lerenden (L),
Subsidiabel (S), Niet subsidiabel (N), Totaal bedrag (A) and a count per refusal reason;
Subsidiabel (%) and Conform (%) as the exact fractions S / L and conform / L, written only
when both their counts are published (so a rate tells nothing its counts do not, and
Conform (%) is the conform count C); the amounts per premium of the year (Toelichting).
A reader who knows the rule book writes the year down as one linear system, which is the
system here:

- per row: L = S + N; S = unpaid + paid premiums (U, P, never published); A = the unpaid
  amount x U + the paid amount x P; L = C + not conform (D, never published);
- per row: every reason <= N <= the sum of the reasons (a refusal carries a reason: the
  decisions' contract checks it), and reasons no refusal of the year carries together
  (the rule book's REGISTRATION_MISSING and REGISTRATION_LATE, say) add up to <= N;
- every row of a partition adds up to the year's real total, the same in every sheet;
- every value >= 0; "< 5" is 1 to 4; "—" is any number, 0 included.

Primary suppression: a count of 1 to 4 shows "< 5"; a group of fewer than 5 learners
hides its whole row; a group's amount hides when it gives away its number of premiums (U
or P of 1 to 4, or S not shown), its conform rate when it gives away 1 to 4 learners. The
totals row is the year's real totals: only a total of 1 to 4 is hidden there (the year's
numbers of premiums of one amount or of learners not conform follow from the totals, and
are no group's).

Complementary suppression: a hidden value is disclosed when the reader's linear program
(scipy's linprog over the published cells) finds no whole number for it but its own. Every
hidden value, and every group's U, P or D of 1 to 4, is checked; where one of 1 to 4
learners is pinned down, the cells to hide with it come from a second program: the reader
may move published cells (never a total) to put the value a whole number away from its
own, at the least cost of moved units (few learners cost little, a 0 much, as it often
follows from the rule book), in whole numbers (a mixed-integer program where the linear
one is not whole), so every cell it moves keeps a range of its own. Those cells show "—".
Where no published cell can do it, a "< 5" becomes "—"; for a total of 1 to 4, rows'
"< 5" may become "—" instead, and a total that the other totals give away anyway is
shown. A hidden value that is not itself 1 to 4 learners and that the program pins down
anyway (a 0 in a small group whose total is shown, say) is shown: it tells a reader
nothing new.

The result depends only on the year's decisions, so every workbook and sheet that shows a
year's figures shows the same ones hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, hstack, vstack

MIN_GROUP = 5
MIN_SMALL = 1  # '< 5' is 1 to MIN_GROUP - 1
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


def exclusive_reasons(
    refusals: Iterable[Iterable[str]], codes: Sequence[str]
) -> list[tuple[str, ...]]:
    """The largest sets of reasons of which no refusal carries two, among those given, each
    in the order of `codes` (the maximal cliques of 'never together', by Bron and Kerbosch)."""
    carried = [set(r) for r in refusals]
    given = [c for c in codes if any(c in r for r in carried)]
    apart = {
        c: {d for d in given if d != c and not any(c in r and d in r for r in carried)}
        for c in given
    }
    found: list[tuple[str, ...]] = []

    def extend(chosen: list[str], candidates: list[str], excluded: set[str]) -> None:
        if not candidates and not excluded:
            if len(chosen) > 1:
                found.append(tuple(chosen))
            return
        for i, c in enumerate(candidates):
            extend(
                [*chosen, c],
                [d for d in candidates[i + 1 :] if d in apart[c]],
                (excluded | set(candidates[:i])) & apart[c],
            )

    extend([], given, set())
    return found


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
        exclusive: Sequence[Sequence[str]] = (),
    ) -> None:
        self.keys: list[Key] = []
        self.values: list[int] = []
        self.index: dict[Key, int] = {}
        self.equalities: list[dict[int, float]] = []
        self.inequalities: list[dict[int, float]] = []  # sum <= 0
        self.rows: list[tuple[str, str]] = [("", TOTAL)]
        self._add_group("", TOTAL, total, codes, amounts, exclusive)
        for partition, groups in partitions.items():
            for name, group in groups.items():
                self.rows.append((partition, name))
                self._add_group(partition, name, group, codes, amounts, exclusive)
            measures = total.measures(codes)
            for measure in measures:
                relation = {self.index[(partition, name, measure)]: 1.0 for name in groups}
                relation[self.index[("", TOTAL, measure)]] = -1.0
                self.equalities.append(relation)

    def _add_group(
        self,
        partition: str,
        name: str,
        g: Group,
        codes: Sequence[str],
        amounts: tuple[int, int],
        exclusive: Sequence[Sequence[str]],
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
        # every refusal carries a reason (the decisions' contract checks it), so a group's
        # refused learners are at most the sum of its reason counts
        if codes and g.learners - g.eligible <= sum(g.reasons.get(c, 0) for c in codes):
            self.inequalities.append({v(REFUSED): 1.0, **{v(f"R:{c}"): -1.0 for c in codes}})
        # reasons no refusal of the year carries together (the rule book's REGISTRATION_MISSING
        # and REGISTRATION_LATE, say) add up to at most the refused learners
        for together in exclusive:
            if sum(g.reasons.get(c, 0) for c in together) <= g.learners - g.eligible:
                self.inequalities.append({v(REFUSED): -1.0, **{v(f"R:{c}"): 1.0 for c in together}})


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
            bounds.append((MIN_SMALL, MIN_GROUP - 1))
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


MILP_SECONDS = 10.0  # a search for complements that takes longer takes the best found
MILP_GAP = 0.1  # ... or one that costs at most a tenth more than the cheapest
ZERO_COST = 50.0  # hiding a 0 costs as much as hiding 50 learners: see _unit_costs


def _unit_costs(system: _System, amounts: tuple[int, int]) -> np.ndarray:
    """What moving each value by one unit costs the reader of the workbook: a cell of few
    learners is cheap to hide, a 0 dear (it often follows from the rule book, e.g. no
    premium in Wallonia, and tells much when shown), an amount per premium it stands for."""
    costs = np.empty(len(system.keys))
    for i, ((_, _, measure), value) in enumerate(zip(system.keys, system.values, strict=True)):
        # amounts (0, 0): a school year without configured amounts, every premium 0
        unit = (max(amounts) or 1) if measure == AMOUNT else 1
        costs[i] = (ZERO_COST if value == 0 else 1 + value / unit) / unit
    return costs


class _Complements:
    """The cheapest published cells whose hiding gives a value a range: the linear program
    of a reader who may move those cells, asked to put the value a whole number away from
    its own at the least cost of moved units (Fischetti and Salazar's attacker problem)."""

    def __init__(self, system: _System, amounts: tuple[int, int]) -> None:
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
        system, n, m = self.system, len(self.system.keys), len(movable)
        bounds = [*_bounds(system, status), *[(0.0, None)] * (2 * m)]
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
            result = linprog(
                c,
                A_ub=a_ub,
                b_ub=np.zeros(a_ub.shape[0]),
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=bounds,
                method="highs",
            )
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
    data = [c for r in relations for c in r.values()]
    cols = [i for r in relations for i in r]
    starts = np.cumsum([0, *(len(r) for r in relations)])
    return csr_matrix((data, cols, starts), shape=(len(relations), n))


def _hide_with(
    complements: _Complements, status: dict[int, str], target: int, useless: set[int]
) -> tuple[list[int], np.ndarray] | None:
    """The cells to hide so that the target keeps a range, and the point that proves it:
    published cells of the rows; then also those shown again since pinned (they may be
    needed together with others); then, for a total or a value no longer '< 5', also rows'
    '< 5', to become '—' (1 to 4 each, they can pin a sum: a total stays the real one).
    None when none of these will do."""
    system = complements.system
    rows = [j for j in range(len(system.keys)) if system.keys[j][1] != TOTAL]
    shown = [j for j in rows if status[j] == SHOWN]
    tries = [[j for j in shown if j not in useless]]
    if useless:
        tries.append(shown)
    if system.keys[target][1] == TOTAL or status[target] != SMALL:
        tries.append([*shown, *(j for j in rows if status[j] == SMALL)])
    for movable in tries:
        found = complements.find(status, target, movable)
        if found is not None:
            return found
    return None


ROUNDS = 4  # rounds a value of the year, at most: each hides, shows or widens a cell


def protect(
    partitions: dict[str, dict[str, Group]],
    total: Group,
    codes: Sequence[str],
    amounts: tuple[int, int],
    exclusive: Sequence[Sequence[str]] = (),
) -> Protection:
    """Primary and complementary suppression of one school year, over all its partitions;
    `exclusive`: sets of reasons of which no refusal carries two (`exclusive_reasons`)."""
    system = _System(partitions, total, codes, amounts, exclusive)
    status = _primary(system)
    checked: set[int] = set()  # unpinned once: hiding more cells only widens its range
    useless: set[int] = set()  # shown again since pinned anyway: hiding them protects nothing
    given_away: set[int] = set()  # unpublished, and pinned by the real totals alone
    witnesses = _Witnesses(len(system.keys))
    complements = _Complements(system, amounts)
    # the values that must keep a range: the sensitive ones first, so that a value hidden
    # to protect one is not shown again (pinned while that one is) before it is protected
    targets = sorted(
        (i for i in range(len(system.keys)) if _protected(system, i)),
        key=lambda i: not _sensitive(system, i),
    )
    for _ in range(ROUNDS * len(system.keys)):
        program = _Program(system, _bounds(system, status), witnesses)
        unknown = set(program.unknown)
        found = None
        for i in targets:
            if i in checked or i in given_away or i not in unknown:
                continue
            if program.pins(i, system.values[i]):
                found = i
                break
            checked.add(i)
        if found is None:
            return Protection(
                {k: status[i] for i, k in enumerate(system.keys)},
                dict(zip(system.keys, system.values, strict=True)),
            )
        hidden = (
            _hide_with(complements, status, found, useless) if _sensitive(system, found) else None
        )
        of_total = system.keys[found][1] == TOTAL
        if hidden is not None:
            cells, point = hidden
            for j in cells:
                status[j] = HIDDEN
            witnesses.add(point)
        elif status[found] == SMALL and not of_total:
            # '< 5' says 1 to 4, and several of them can add up to a total of '< 5':
            # this one shows '—' instead, which says nothing
            status[found] = HIDDEN
        elif system.keys[found][2] in NEVER_SHOWN:
            # the real totals give it away whatever else hides (a partition of one group)
            given_away.add(found)
        else:
            # a value the published cells give away whatever else hides (a total of 1 to 4
            # as Lerenden - Subsidiabel, a 0 of a small row whose total is shown): showing
            # it tells nothing new, but may narrow what was checked before (its range was
            # under a whole number)
            status[found] = SHOWN
            useless.add(found)
            checked.clear()
    raise RuntimeError("the protection of the federation figures does not settle")
