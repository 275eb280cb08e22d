"""Which cells of a school year's federation figures show their value, "< 5" or "—": the
choice, first primary, then complementary suppression, by `protect`.

Primary suppression: a count of 1 to 4 shows "< 5"; a group of fewer than 5 learners
hides its whole row; a group's amount hides when it gives away its number of premiums (U
or P of 1 to 4, or S not shown), its conform rate when it gives away 1 to 4 learners. The
totals row is the year's real totals: only a total of 1 to 4 is hidden there (the year's
numbers of premiums of one amount or of learners not conform follow from the totals, and
are no group's).

Complementary suppression: a hidden value is disclosed when the reader's linear program
(scipy's linprog over the published cells, `reader.py`) finds no whole number for it but its
own. Every hidden value, and every group's U, P or D of 1 to 4, is checked; where one of 1
to 4 learners is pinned down, the cells to hide with it come from a second program
(`complements.py`): the reader may move published cells (never a total) to put the value a
whole number away from its own, at the least cost of moved units (few learners cost little,
a 0 much, as it often follows from the rule book), in whole numbers (a mixed-integer program
where the linear one is not whole), so every cell it moves keeps a range of its own. Those
cells show "—". Where no published cell can do it, a "< 5" becomes "—"; for a total of 1 to
4, rows' "< 5" may become "—" instead, and a total that the other totals give away anyway is
shown. A hidden value that is not itself 1 to 4 learners and that the program pins down
anyway (a 0 in a small group whose total is shown, say) is shown: it tells a reader nothing
new.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from duaal.outputs.workbooks.suppression.complements import Complements
from duaal.outputs.workbooks.suppression.reader import Program, Witnesses, known_bounds
from duaal.outputs.workbooks.suppression.system import (
    AMOUNT,
    CONFORM,
    COUNTS,
    ELIGIBLE,
    HIDDEN,
    LEARNERS,
    NEVER_SHOWN,
    PAID,
    SHOWN,
    SMALL,
    TOTAL,
    UNPAID,
    Key,
    System,
    YearGroups,
    cell_key,
    is_small,
)


def _is_count(measure: str) -> bool:
    return measure in COUNTS or measure.startswith("R:")


@dataclass
class Protection:
    """Per published cell of a school year: shown, small ("< 5") or hidden ("—")."""

    status: dict[Key, str]
    values: dict[Key, int]

    def cell(self, partition: str, group: str, measure: str) -> str:
        """The status of one cell (the total row is shared by every partition)."""
        return self.status[cell_key(partition, group, measure)]


def _primary(system: System) -> dict[int, str]:
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


def _sensitive(system: System, i: int) -> bool:
    """A number of 1 to 4 learners: a count, the premiums of one amount, (not) conform."""
    return system.keys[i][2] != AMOUNT and is_small(system.values[i])


def _protected(system: System, i: int) -> bool:
    """Whether a value not published must keep a range: every hidden cell, and a group's
    number of premiums of one amount or of learners (not) conform when it is 1 to 4. The
    same numbers of the whole year follow from its real totals, which are published: they
    are no group's, and hiding totals to protect them would hide the totals."""
    _, name, measure = system.keys[i]
    if measure not in NEVER_SHOWN:
        return True
    return name != TOTAL and _sensitive(system, i)


def _hide_with(
    complements: Complements, status: dict[int, str], target: int, useless: set[int]
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


def protect(year: YearGroups) -> Protection:
    """Primary and complementary suppression of one school year, over all its partitions."""
    system = System(year)
    status = _primary(system)
    checked: set[int] = set()  # unpinned once: hiding more cells only widens its range
    useless: set[int] = set()  # shown again since pinned anyway: hiding them protects nothing
    given_away: set[int] = set()  # unpublished, and pinned by the real totals alone
    witnesses = Witnesses(len(system.keys))
    complements = Complements(system, year.amounts)
    # the values that must keep a range: the sensitive ones first, so that a value hidden
    # to protect one is not shown again (pinned while that one is) before it is protected
    targets = sorted(
        (i for i in range(len(system.keys)) if _protected(system, i)),
        key=lambda i: not _sensitive(system, i),
    )
    for _ in range(ROUNDS * len(system.keys)):
        program = Program(system, known_bounds(system, status), witnesses)
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
