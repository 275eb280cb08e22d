"""int_active_agreements: an agreement is active in school year Y when [start, effective end]
overlaps Y (1 September - 31 August), for the years to decide: from 2023-2024 up to the year
of as_of (RULES.md, "Premium decision")."""

from __future__ import annotations

from datetime import date

from tests.builders import add_agreement, rules_db
from tests.transforms.cte import build_model, model_rows

MODEL = "int_active_agreements"


def test_active_in_every_school_year_its_period_overlaps() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1", start_date=date(2024, 9, 1), end_date=date(2025, 8, 31))
    # one day into the next school year
    add_agreement(con, agreement_id="A-2", start_date=date(2024, 9, 1), end_date=date(2025, 9, 1))
    # planned into the next year, terminated on its last day before
    add_agreement(
        con,
        agreement_id="A-3",
        start_date=date(2024, 9, 1),
        end_date=date(2025, 12, 31),
        termination_date=date(2025, 8, 31),
    )
    # ends the day before the first year to decide: the stagebonus regime, no decision
    add_agreement(con, agreement_id="A-4", start_date=date(2022, 9, 1), end_date=date(2023, 8, 31))
    add_agreement(con, agreement_id="A-5", start_date=date(2023, 8, 31), end_date=date(2023, 9, 1))
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert model_rows(con, MODEL, "agreement_id, school_year, year_start, year_end") == [
        ("A-1", "2024-2025", date(2024, 9, 1), date(2025, 8, 31)),
        ("A-2", "2024-2025", date(2024, 9, 1), date(2025, 8, 31)),
        ("A-2", "2025-2026", date(2025, 9, 1), date(2026, 8, 31)),
        ("A-3", "2024-2025", date(2024, 9, 1), date(2025, 8, 31)),
        ("A-5", "2023-2024", date(2023, 9, 1), date(2024, 8, 31)),
    ]


def test_no_year_after_the_one_of_as_of() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1", start_date=date(2025, 9, 1), end_date=date(2026, 6, 30))
    build_model(con, MODEL, as_of=date(2025, 8, 31))
    assert model_rows(con, MODEL, "agreement_id, school_year") == []
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert model_rows(con, MODEL, "agreement_id, school_year") == [("A-1", "2025-2026")]
