"""duaal/history/explain/guard.py: the check behind `LET OP` finds every way the rows a story tells
differ from the decision stored, and only those (plain functions, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from duaal.history.explain.guard import REBUILT_DIFFERS, disagreements
from duaal.history.explain.queries import Facts

UNITS = 377580
KEY = {"school_year": "2024-2025", "company_kbo": "0403170701", "learner_insz": "06051212345"}
STORED = KEY | {"eligible": True, "months_covered": 4.5, "premiums_before": 1, "reasons": ""}
AGREEMENT = {
    "qualifies": True,
    "registered_on_time": True,
    "in_flanders": True,
    "consent_with_iban": True,
    "mentor_trained": True,
}
PAIR = KEY | {
    "active_agreements": 1,
    "any_qualifying": True,
    "any_registered_on_time": True,
    "any_in_flanders": True,
    "any_consent_with_iban": True,
    "any_mentor_trained": True,
}
PAYMENT = KEY | {"status": "paid", "decided_eur": 1000, "paid_on": date(2025, 10, 15)}

FACTS = Facts(
    stored=STORED,
    recomputed=dict(STORED),
    amounts_configured=True,
    agreements=[AGREEMENT],
    pair=PAIR,
    periods=[],
    intervals=[{"month_units": 4 * UNITS}, {"month_units": UNITS // 2}],
    covered={"covered_units": 4 * UNITS + UNITS // 2, "units_per_month": UNITS},
    premiums={
        "paid_years_before": ["2021-2022"],
        "decided_years_before": ["2021-2022"],  # one year, both ways: counted once
        "premiums_before": 1,
    },
    paid=[],
    payment=PAYMENT,
    payment_recomputed=dict(PAYMENT),
)


def test_a_story_from_the_decisions_own_rows_agrees():
    assert disagreements(FACTS) == []


@pytest.mark.parametrize(
    ("changed", "problem"),
    [
        ({"recomputed": STORED | {"months_covered": 4.0}}, REBUILT_DIFFERS),
        ({"recomputed": None}, REBUILT_DIFFERS),
        ({"intervals": [{"month_units": 4 * UNITS}]}, "de maanden van de opleidingsintervallen"),
        ({"stored": STORED | {"months_covered": 4.6}}, "de maanden van de opleidingsintervallen"),
        ({"agreements": [AGREEMENT | {"in_flanders": False}]}, "de voorwaarden van de overeen"),
        ({"agreements": [AGREEMENT, AGREEMENT]}, "de voorwaarden van de overeenkomsten"),
        ({"premiums": FACTS.premiums | {"paid_years_before": ["2020-2021"]}}, "de eerdere"),
        (
            {"payment_recomputed": PAYMENT | {"status": "missing"}},
            "de herberekening geeft een andere afstemming",
        ),
        ({"payment_recomputed": None}, "de herberekening geeft een andere afstemming"),
    ],
)
def test_each_difference_is_said_once(changed, problem):
    facts = replace(FACTS, **changed)
    if "stored" in changed:  # the rebuilt decision is still the stored one
        facts = replace(facts, recomputed=dict(facts.stored))
    found = disagreements(facts)
    assert len(found) == 1 and found[0].startswith(problem), found
