"""int_mentors: the mentor's age on a recognition date (RULES.md, Compliance findings), at the
29 February boundary: the largest n with add_months(birth, 12 n) <= the recognition date."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import MENTOR, add_recognition, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows
from tests.transforms.test_fct_compliance_findings import findings, mentor

LEAP_DAY_BIRTH = date(2000, 2, 29)


@pytest.mark.parametrize(
    ("recognised_on", "detail"),
    [
        (date(2025, 2, 27), "erkenning ERK-1 van 27/02/2025: mentor 24 jaar oud (minimum 25)"),
        (date(2025, 2, 28), None),  # 25: add_months(29/02/2000, 300) is 28/02/2025
        (date(2025, 3, 1), None),
        (date(2024, 2, 28), "erkenning ERK-1 van 28/02/2024: mentor 23 jaar oud (minimum 25)"),
        (date(2024, 2, 29), "erkenning ERK-1 van 29/02/2024: mentor 24 jaar oud (minimum 25)"),
    ],
)
def test_born_on_29_february_turns_a_year_older_on_28_february(
    recognised_on: date, detail: str | None
) -> None:
    con = rules_db()
    add_recognition(
        con,
        mentor_insz=mentor(1),
        mentor_birth_date=LEAP_DAY_BIRTH,
        recognition_date=recognised_on,
        mentor_training_date=recognised_on,
    )
    rows = findings(con, date(2025, 6, 1), "MENTOR_PROFILE")
    expected = [("MENTOR_PROFILE", "warning", None, mentor(1), detail, None)]
    assert rows == (expected if detail else [])


def test_age_is_counted_from_the_birth_date_itself() -> None:
    # 31/03/2000 + 300 months is 31/03/2025; one day before, the mentor is still 24
    con = rules_db()
    for n, day in enumerate((date(2025, 3, 30), date(2025, 3, 31)), 1):
        add_recognition(
            con,
            recognition_id=f"ERK-{n}",
            mentor_insz=mentor(n),
            mentor_birth_date=date(2000, 3, 31),
            recognition_date=day,
            mentor_training_date=day,
        )
    rows = findings(con, date(2025, 6, 1), "MENTOR_PROFILE")
    assert [(r[3], r[4]) for r in rows] == [
        (mentor(1), "erkenning ERK-1 van 30/03/2025: mentor 24 jaar oud (minimum 25)")
    ]


def test_age_per_recognition_in_the_profile_cte() -> None:
    con = rules_db()
    for n, day in enumerate((date(2025, 2, 27), date(2025, 2, 28)), 1):
        add_recognition(
            con,
            recognition_id=f"ERK-{n}",
            mentor_birth_date=LEAP_DAY_BIRTH,
            recognition_date=day,
            mentor_training_date=day,
        )
    build_model(con, "int_mentors", date(2025, 6, 1))
    columns = "recognition_id, recognition_date, age_at_recognition"
    assert cte_rows(con, "int_mentors", "recognition_profiles", columns) == [
        ("ERK-1", date(2025, 2, 27), 24),
        ("ERK-2", date(2025, 2, 28), 25),
    ]


def test_a_mentor_with_several_recognitions_is_judged_on_the_earliest_dates() -> None:
    con = rules_db()
    add_recognition(
        con,
        recognition_id="ERK-1",
        recognition_date=date(2024, 3, 1),
        mentor_training_date=date(2024, 9, 1),
    )
    add_recognition(
        con,
        recognition_id="ERK-2",
        recognition_date=date(2023, 11, 30),
        mentor_training_date=None,
        mentor_training_exempt=True,
    )
    build_model(con, "int_mentors", date(2025, 6, 1))
    columns = (
        "mentor_insz, recognition_count, first_recognition_date, first_training_date, "
        "is_exempt, training_deadline"
    )
    assert model_rows(con, "int_mentors", columns) == [
        (MENTOR, 2, date(2023, 11, 30), date(2024, 9, 1), True, date(2024, 11, 30))
    ]


@pytest.mark.parametrize(
    ("training", "exempt", "as_of", "expected"),
    [
        # (training_planned, trained_late, training_overdue); deadline 01/03/2025
        (date(2025, 3, 1), False, date(2025, 2, 1), (True, False, False)),  # planned, on time
        (date(2025, 3, 2), False, date(2025, 2, 1), (True, True, False)),  # planned, too late
        (date(2025, 3, 2), True, date(2025, 6, 1), (False, False, False)),  # exempt
        (None, False, date(2025, 3, 1), (False, False, False)),  # the deadline day itself
        (None, False, date(2025, 3, 2), (False, False, True)),
        (None, True, date(2025, 3, 2), (False, False, False)),
    ],
)
def test_the_training_is_judged_at_as_of(
    training: date | None, exempt: bool, as_of: date, expected: tuple
) -> None:
    con = rules_db()
    add_recognition(con, mentor_training_date=training, mentor_training_exempt=exempt)
    build_model(con, "int_mentors", as_of)
    columns = "training_deadline, training_planned, trained_late, training_overdue"
    assert model_rows(con, "int_mentors", columns) == [(date(2025, 3, 1), *expected)]
