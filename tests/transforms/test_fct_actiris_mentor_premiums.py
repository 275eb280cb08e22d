"""fct_actiris_mentor_premiums: the Actiris mentor premium per Brussels establishment and
mentor and school year (information only; the premium workbooks show it)."""

from __future__ import annotations

from datetime import date

from tests.builders import add_agreement, build, rules_db
from tests.transforms.test_fct_compliance_findings import learner, mentor

BRUSSELS = dict(
    establishment_id="2999999999",
    establishment_postcode=1000,
    establishment_municipality="Brussel",
)


def test_a_mentor_of_one_to_four_learners_may_ask_the_premium_in_each_active_year() -> None:
    con = rules_db()
    for n in (1, 2):
        add_agreement(con, agreement_id=f"BXL-{n}", learner_insz=learner(n), **BRUSSELS)
    # terminated before 2025-2026 starts: active in 2024-2025 only
    add_agreement(
        con,
        agreement_id="BXL-3",
        learner_insz=learner(3),
        end_date=date(2026, 6, 30),
        termination_date=date(2025, 8, 31),
        **BRUSSELS,
    )
    # five learners of another mentor: above actiris_max_learners (4)
    for n in range(4, 9):
        add_agreement(
            con,
            agreement_id=f"BXL-{n}",
            learner_insz=learner(n),
            mentor_insz=mentor(1),
            mentor_name="Els Wouters",
            end_date=date(2026, 6, 30),
            **BRUSSELS,
        )
    add_agreement(con, agreement_id="ANT-1", learner_insz=learner(9))  # Mechelen: not Brussels
    build(con, as_of=date(2025, 11, 28))
    rows = con.execute(
        "SELECT school_year, office, mentor_name, learners, agreement_ids, premium_possible, "
        "premium_eur FROM fct_actiris_mentor_premiums ORDER BY school_year, mentor_name"
    ).fetchall()
    office = "Vlaams-Brabant & Brussel"
    five = "BXL-4;BXL-5;BXL-6;BXL-7;BXL-8"
    assert rows == [
        ("2024-2025", office, "Els Wouters", 5, five, False, 0),
        ("2024-2025", office, "Marc Janssens", 3, "BXL-1;BXL-2;BXL-3", True, 1750),
        ("2025-2026", office, "Els Wouters", 5, five, False, 0),
    ]
