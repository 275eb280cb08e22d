"""int_premiums_before: the distinct earlier school years in which the pair was paid (premium
history) or decided eligible, walked year by year because the cap of 3 applies in each year
before the next is decided (RULES.md, "Premiums before"). The recursive `walk` CTE is checked
row by row."""

from __future__ import annotations

from datetime import date

from tests.builders import (
    COMPANY,
    LEARNER,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rules_db,
)
from tests.transforms.cte import build_model, cte_rows, model_rows

MODEL = "int_premiums_before"
AS_OF = date(2026, 9, 1)  # years to decide: 2023-2024 to 2026-2027


def eligible_every_year(con) -> None:
    """One pair with a qualifying agreement and a full Dimona in every year to decide."""
    add_agreement(
        con,
        start_date=date(2023, 9, 1),
        end_date=date(2027, 6, 30),
        registration_date=date(2023, 9, 15),
    )
    add_recognition(con, mentor_training_date=date(2023, 6, 1))
    add_dimona(con, start_date=date(2023, 9, 1), end_date=None)


def walk(con) -> list[tuple]:
    columns = "school_year, eligible_before_cap, paid_in_year, premiums_before"
    return cte_rows(con, MODEL, "walk", columns, "school_year")


def test_eligible_years_count_until_the_cap_then_the_count_stops() -> None:
    con = rules_db()
    eligible_every_year(con)
    build_model(con, MODEL, AS_OF)
    assert walk(con) == [
        ("2023-2024", True, False, 0),
        ("2024-2025", True, False, 1),
        ("2025-2026", True, False, 2),
        ("2026-2027", True, False, 3),
    ]
    assert model_rows(
        con, MODEL, "school_year, company_kbo, learner_insz, premiums_before, cap_reached"
    ) == [
        ("2023-2024", COMPANY, LEARNER, 0, False),
        ("2024-2025", COMPANY, LEARNER, 1, False),
        ("2025-2026", COMPANY, LEARNER, 2, False),
        ("2026-2027", COMPANY, LEARNER, 3, True),
    ]


def test_a_stagebonus_before_the_first_year_counts_from_the_start() -> None:
    con = rules_db()
    eligible_every_year(con)
    add_premium_paid(con, school_year="2021-2022")
    add_premium_paid(con, school_year="2022-2023", kind="stagebonus")
    build_model(con, MODEL, AS_OF)
    assert [r[3] for r in walk(con)] == [2, 3, 3, 3], "capped after one decided year"


def test_a_year_paid_and_decided_eligible_counts_once() -> None:
    con = rules_db()
    eligible_every_year(con)
    add_premium_paid(con, school_year="2023-2024", kind="premie", amount_eur=1000)
    add_premium_paid(con, school_year="2023-2024", kind="stagebonus")  # still one year
    build_model(con, MODEL, AS_OF)
    assert walk(con) == [
        ("2023-2024", True, True, 0),
        ("2024-2025", True, False, 1),
        ("2025-2026", True, False, 2),
        ("2026-2027", True, False, 3),
    ]


def test_a_year_without_a_decision_adds_only_what_was_paid() -> None:
    con = rules_db()
    # active only in 2023-2024 and 2025-2026; paid in 2024-2025, when it had no agreement
    add_recognition(con, mentor_training_date=date(2023, 6, 1))
    add_agreement(
        con,
        agreement_id="OVK-1",
        start_date=date(2023, 9, 1),
        end_date=date(2024, 6, 30),
        registration_date=date(2023, 9, 15),
    )
    add_agreement(
        con,
        agreement_id="OVK-2",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 6, 30),
        registration_date=date(2025, 9, 15),
    )
    add_dimona(con, start_date=date(2023, 9, 1), end_date=None)
    add_premium_paid(con, school_year="2024-2025", kind="premie")
    build_model(con, MODEL, AS_OF)
    assert walk(con) == [
        ("2023-2024", True, False, 0),
        ("2024-2025", False, True, 1),
        ("2025-2026", True, False, 2),
        ("2026-2027", False, False, 3),
    ]
    assert model_rows(con, MODEL, "school_year, premiums_before, cap_reached") == [
        ("2023-2024", 0, False),
        ("2025-2026", 2, False),
    ]


def test_under_four_months_is_not_eligible_and_adds_nothing() -> None:
    con = rules_db()
    eligible_every_year(con)
    con.execute("delete from ingest_dimona")
    add_dimona(con, start_date=date(2023, 9, 1), end_date=date(2023, 12, 30))  # 3 + 30/31
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2024, 12, 31))  # 4.0
    build_model(con, MODEL, AS_OF)
    assert walk(con) == [
        ("2023-2024", False, False, 0),
        ("2024-2025", True, False, 0),
        ("2025-2026", False, False, 1),
        ("2026-2027", False, False, 1),
    ]


def test_the_years_before_say_where_each_came_from() -> None:
    con = rules_db()
    eligible_every_year(con)
    add_premium_paid(con, school_year="2021-2022")  # before the first year: the stagebonus
    add_premium_paid(con, school_year="2023-2024", kind="premie", amount_eur=1000)
    build_model(con, MODEL, AS_OF)
    columns = "school_year, paid_years_before, decided_years_before, premiums_before"
    assert model_rows(con, MODEL, columns) == [
        ("2023-2024", ["2021-2022"], [], 1),
        ("2024-2025", ["2021-2022", "2023-2024"], ["2023-2024"], 2),  # one year, both ways
        ("2025-2026", ["2021-2022", "2023-2024"], ["2023-2024", "2024-2025"], 3),
        ("2026-2027", ["2021-2022", "2023-2024"], ["2023-2024", "2024-2025"], 3),  # capped
    ]
