"""Decided against paid, per office and final school year, for the federation workbook.

Amounts only, from the run's payment reconciliation (run_payments: decided_eur, paid_eur,
status; RULES.md, "Payment reconciliation"), under the disclosure control of the other
figures:

- the amount decided of an office is its published "Bedrag premies" (the same cell, hidden
  where that one is: the reconciliation's decided amounts add up to it, which is checked);
- an amount paid tells how far the payments strayed from the decisions: with the amounts
  per premium public (EUR 600 and 1,000), a paid amount of EUR 1,000 under a decided EUR
  25,000 says "one premium of 1,000 paid, 24 not", or "one of them missing" when it is
  EUR 24,000. So an office's amount paid is hidden ("—") where its amount decided is not
  published, or where the pairs paid as decided, not paid (missing or awaited), paid
  another amount, or paid without right (not due, no decision) number 1 to 4;
- the year's real total is published; where a single office (or only offices that were
  paid nothing) would then hide, the office paid the most among the others hides with it,
  so no hidden amount follows from the total as the rest; where none is left to hide
  with, the total paid hides too (as it does in a year of 1 to 4 learners).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from duaal.outputs.workbooks.data import Row
from duaal.outputs.workbooks.federatie_figures import (
    HIDDEN_TEXT,
    OFFICE,
    PaidYear,
    YearFigures,
    published,
)
from duaal.outputs.workbooks.labels import ordered_offices
from duaal.outputs.workbooks.premies import office_of
from duaal.outputs.workbooks.suppression import AMOUNT, LEARNERS, TOTAL, cell_key, is_small

# how a pair's reconciliation stands against its decision, by status
AS_DECIDED, NOT_PAID, OTHER_AMOUNT, WITHOUT_RIGHT = "as_decided", "not_paid", "other", "extra"
STANDING = {
    "paid": AS_DECIDED,
    "missing": NOT_PAID,
    "awaited": NOT_PAID,
    "amount_differs": OTHER_AMOUNT,
    "not_due": WITHOUT_RIGHT,
    "no_decision": WITHOUT_RIGHT,
}


def load_payment_totals(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The run's payment reconciliations (final school years only): office, status and the
    amounts decided and paid. A run recorded before payments were reconciled has none.
    Sorted on every column it reads: two runs with the same reconciliations give the same
    rows in the same order (the federatie workbooks' content key holds them)."""
    cur = con.execute(
        "SELECT school_year, office, status, decided_eur, paid_eur FROM run_payments "
        "WHERE run_id = ? ORDER BY school_year, office NULLS LAST, status, decided_eur, "
        "paid_eur NULLS FIRST",
        [run_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


@dataclass
class Tally:
    """One office's (or the year's) reconciliations: amounts and pairs by standing."""

    decided: int = 0
    paid: Decimal = Decimal(0)
    pairs: Counter[str] = field(default_factory=Counter)

    def add(self, payment: Row) -> None:
        self.decided += payment["decided_eur"] or 0
        self.paid += Decimal(payment["paid_eur"] or 0)
        self.pairs[STANDING[payment["status"]]] += 1

    @property
    def paid_eur(self) -> int | float:
        """The amount paid as a cell holds it: whole euros as an int."""
        return int(self.paid) if self.paid == self.paid.to_integral() else float(self.paid)


def tally(payments: Sequence[Row]) -> tuple[dict[str, Tally], Tally]:
    """The reconciliations per office and for the whole year."""
    offices: dict[str, Tally] = {}
    total = Tally()
    for p in payments:
        offices.setdefault(office_of(p), Tally()).add(p)
        total.add(p)
    return offices, total


def paid_year(figures: YearFigures, payments: Sequence[Row]) -> PaidYear:
    """Decided and paid per office of one final school year, protected with the year's
    figures (whose published amount is the amount decided)."""
    school_year = figures.school_year
    offices, total = tally(payments)
    groups = figures.groups[OFFICE]
    values = figures.protection.values
    names = [o for o in ordered_offices({*groups, *offices}) if o in groups or o in offices]
    for name in [*names, TOTAL]:
        own = total if name == TOTAL else offices.get(name, Tally())
        # an office of payments without decisions: EUR 0
        decided = values.get(cell_key(OFFICE, name, AMOUNT), 0)
        if own.decided != decided:
            raise ValueError(
                f"run_payments decides EUR {own.decided} for {name} in {school_year}, "
                f"run_decisions EUR {decided}: the reconciliation does not match the decisions"
            )

    def decided(name: str) -> object:
        return published(figures, OFFICE, name, AMOUNT) if name in groups else 0

    hidden = {
        name
        for name in names
        if not isinstance(decided(name), int)
        or any(is_small(n) for n in offices.get(name, Tally()).pairs.values())
    }
    paid = {name: offices.get(name, Tally()).paid for name in names}
    others = sorted(
        (n for n in names if n not in hidden and paid[n] > 0), key=lambda n: (-paid[n], n)
    )
    # the total less the published offices is what the hidden ones were paid together: it
    # must leave each a range, so two or more of them, and not only offices paid nothing
    while hidden and (len(hidden) < 2 or sum(paid[n] for n in hidden) == 0) and others:
        hidden.add(others.pop(0))
    hide_total = is_small(values[("", TOTAL, LEARNERS)]) or bool(
        hidden and sum(paid[n] for n in hidden) == 0
    )

    def row(name: str, hide: bool, own: Tally) -> dict[str, object]:
        return {
            "office": name,
            "school_year": school_year,
            "decided": published(figures, OFFICE, TOTAL, AMOUNT)
            if name == TOTAL
            else decided(name),
            "paid": HIDDEN_TEXT if hide else own.paid_eur,
        }

    rows = [row(n, n in hidden, offices.get(n, Tally())) for n in names]
    return PaidYear(school_year, rows, row(TOTAL, hide_total, total))


def paid_years(figures: Mapping[str, YearFigures], payments: Sequence[Row]) -> list[PaidYear]:
    """Decided against paid for every school year of the run that has reconciliations."""
    years = sorted({p["school_year"] for p in payments} & figures.keys())
    return [paid_year(figures[y], [p for p in payments if p["school_year"] == y]) for y in years]
