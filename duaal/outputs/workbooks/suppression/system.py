"""The linear system of a school year's federation figures: its groups, their measures and
the relations a reader who knows the rule book writes down between them.

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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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


def cell_key(partition: str, group: str, measure: str) -> Key:
    """The key of a cell of a partition's sheet: the total row is shared by every partition."""
    return ("", TOTAL, measure) if group == TOTAL else (partition, group, measure)


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


@dataclass(frozen=True)
class YearGroups:
    """What one school year's federation figures are made of: the groups of each partition
    and the year's total, the refusal reasons' codes, the amounts of a premium (unpaid,
    paid) and the sets of reasons of which no refusal carries two (`exclusive_reasons`)."""

    partitions: dict[str, dict[str, Group]]
    total: Group
    codes: Sequence[str]
    amounts: tuple[int, int]
    exclusive: Sequence[Sequence[str]] = ()


class System:
    """The variables and relations of one school year's federation figures."""

    def __init__(self, year: YearGroups) -> None:
        self.keys: list[Key] = []
        self.values: list[int] = []
        self.index: dict[Key, int] = {}
        self.equalities: list[dict[int, float]] = []
        self.inequalities: list[dict[int, float]] = []  # sum <= 0
        self.rows: list[tuple[str, str]] = [("", TOTAL)]
        self._add_group("", TOTAL, year.total, year)
        for partition, groups in year.partitions.items():
            for name, group in groups.items():
                self.rows.append((partition, name))
                self._add_group(partition, name, group, year)
            measures = year.total.measures(year.codes)
            for measure in measures:
                relation = {self.index[(partition, name, measure)]: 1.0 for name in groups}
                relation[self.index[("", TOTAL, measure)]] = -1.0
                self.equalities.append(relation)

    def _add_group(self, partition: str, name: str, g: Group, year: YearGroups) -> None:
        """A group's variables and the relations between them."""
        codes, amounts = year.codes, year.amounts
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
        for together in year.exclusive:
            if sum(g.reasons.get(c, 0) for c in together) <= g.learners - g.eligible:
                self.inequalities.append({v(REFUSED): -1.0, **{v(f"R:{c}"): 1.0 for c in together}})
