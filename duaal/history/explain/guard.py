"""The check behind `LET OP`: the story is told from the rows the decision was built from.

Not a second engine: nothing here decides. It compares what the story tells with what the
decision stored: the rebuilt decision with the stored one, the months of the intervals told
with the months the decision counted, the conditions of the agreements told with what the
decision aggregated of them (from which its reasons follow), the years of the premiums
before with their number, the rebuilt payment with the stored one. Each difference is one
sentence of the story."""

from __future__ import annotations

from typing import Any

from duaal.history.explain.queries import Facts

REBUILT_DIFFERS = (
    "de herberekening uit de invoer van deze run geeft een andere beslissing dan de "
    "opgeslagen; de details hieronder volgen de herberekening"
)

# what int_pair_school_years (and so the decision) aggregated of each agreement's condition
AGGREGATED = {
    "any_qualifying": "qualifies",
    "any_registered_on_time": "registered_on_time",
    "any_in_flanders": "in_flanders",
    "any_consent_with_iban": "consent_with_iban",
    "any_mentor_trained": "mentor_trained",
}


def disagreements(facts: Facts) -> list[str]:
    """Every way the story's rows differ from the decision stored, in Dutch; none: agrees."""
    problems = []
    if not _same_decision(facts.recomputed, facts.stored):
        problems.append(REBUILT_DIFFERS)
    if not _months_add_up(facts):
        problems.append(
            "de maanden van de opleidingsintervallen hieronder tellen niet op tot de gedekte "
            "maanden van de beslissing"
        )
    if not _conditions_aggregate(facts):
        problems.append(
            "de voorwaarden van de overeenkomsten hieronder zijn niet die waaruit de "
            "beslissing haar redenen nam"
        )
    if not _premium_years_count(facts):
        problems.append(
            "de eerdere schooljaren hieronder tellen niet op tot de eerdere premies van de "
            "beslissing"
        )
    if not _same_decision(facts.payment_recomputed, facts.payment):
        problems.append(
            "de herberekening geeft een andere afstemming van de betaling dan de opgeslagen"
        )
    return problems


def _same_decision(rebuilt: dict[str, Any] | None, stored: dict[str, Any] | None) -> bool:
    """Every stored column equal in the rebuilt row (both absent: equal too)."""
    if rebuilt is None or stored is None:
        return rebuilt is None and stored is None
    return all(_same(rebuilt[f], stored[f]) for f in stored if f in rebuilt)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def _months_add_up(facts: Facts) -> bool:
    """The intervals told sum to the covered units, and those are the stored months."""
    covered = facts.covered
    if covered is None:
        return False
    units = sum(i["month_units"] for i in facts.intervals)
    return units == covered["covered_units"] and _same(
        covered["covered_units"] / covered["units_per_month"], facts.stored["months_covered"]
    )


def _conditions_aggregate(facts: Facts) -> bool:
    """The agreements told are the active agreements the decision aggregated: as many, and
    each condition met by some agreement exactly when the decision says so."""
    pair = facts.pair
    if pair is None:
        return False
    return pair["active_agreements"] == len(facts.agreements) and all(
        pair[aggregate] == any(a[column] for a in facts.agreements)
        for aggregate, column in AGGREGATED.items()
    )


def _premium_years_count(facts: Facts) -> bool:
    """The distinct years told (paid or decided) are the stored premiums before."""
    premiums = facts.premiums
    if premiums is None:
        return False
    years = set(premiums["paid_years_before"]) | set(premiums["decided_years_before"])
    return len(years) == premiums["premiums_before"] == facts.stored["premiums_before"]
