"""int_training_intervals: the counted pieces of int_training_pieces (counted Dimona cut to
each basis agreement and to the school year, tests/transforms/test_int_training_pieces.py)
merged when they overlap or touch (RULES.md, "Date arithmetic" and "Covered months"), each
interval with its months m + r/d and the part worked by as_of. The identical pieces kept
once and the flag that opens an interval are CTEs: they are checked where the merge rule
flips, one day of gap against none."""

from __future__ import annotations

from datetime import date

from tests.builders import (
    OTHER_COMPANY,
    OTHER_LEARNER,
    add_agreement,
    add_dimona,
    add_recognition,
    rules_db,
)
from tests.transforms.cte import build_model, cte_rows, model_rows

MODEL = "int_training_intervals"
AS_OF = date(2025, 9, 1)
YEAR = "2024-2025"


def intervals(con) -> list[tuple]:
    return model_rows(con, MODEL, "school_year, interval_number, interval_start, interval_end")


def test_a_piece_touching_the_one_before_continues_its_interval() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2024, 10, 31))
    add_dimona(con, start_date=date(2024, 11, 1), end_date=date(2024, 12, 31))
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "flagged", "piece_start, piece_end, opens_interval") == [
        (date(2024, 9, 1), date(2024, 10, 31), 1),
        (date(2024, 11, 1), date(2024, 12, 31), 0),
    ]
    assert intervals(con) == [(YEAR, 1, date(2024, 9, 1), date(2024, 12, 31))]


def test_one_day_of_gap_opens_a_new_interval() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2024, 10, 31))
    add_dimona(con, start_date=date(2024, 11, 2), end_date=date(2024, 12, 31))
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "flagged", "piece_start, opens_interval") == [
        (date(2024, 9, 1), 1),
        (date(2024, 11, 2), 1),
    ]
    assert intervals(con) == [
        (YEAR, 1, date(2024, 9, 1), date(2024, 10, 31)),
        (YEAR, 2, date(2024, 11, 2), date(2024, 12, 31)),
    ]


def test_identical_pieces_of_two_agreements_are_kept_once() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="OVK-1")
    add_agreement(con, agreement_id="OVK-2")  # the same days, both in the basis
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2024, 12, 31))
    build_model(con, MODEL, AS_OF)
    assert len(cte_rows(con, MODEL, "pieces")) == 2
    assert cte_rows(con, MODEL, "overlapping", "piece_start, piece_end") == [
        (date(2024, 9, 1), date(2024, 12, 31))
    ]
    assert intervals(con) == [(YEAR, 1, date(2024, 9, 1), date(2024, 12, 31))]


def test_a_dimona_of_another_company_or_learner_gives_no_interval() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, company_kbo=OTHER_COMPANY)
    add_dimona(con, worker_insz=OTHER_LEARNER)
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "pieces") == []
    assert intervals(con) == []


def test_each_interval_keeps_its_months_arithmetic() -> None:
    """RULES.md: 15 Sep - 13 Jan = 3 whole months (to 14 Dec) + 30 days of a month of 31."""
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 15), end_date=date(2025, 1, 13))
    build_model(con, MODEL, AS_OF)
    columns = "whole_months, whole_months_end, remaining_days, next_month_days, month_units"
    units = 377580  # units_per_month(): lcm(28, 29, 30, 31)
    assert model_rows(con, MODEL, columns) == [
        (3, date(2024, 12, 14), 30, 31, 3 * units + 30 * units // 31)
    ]


def test_the_months_worked_by_as_of_stop_at_as_of() -> None:
    """A provisional year: an interval that runs past as_of is worked up to as_of; one that
    starts after as_of is still to work as a whole."""
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2024, 11, 30))
    add_dimona(con, start_date=date(2025, 1, 6), end_date=date(2025, 3, 5))
    build_model(con, MODEL, date(2024, 11, 20))
    units = 377580
    assert model_rows(
        con, MODEL, "interval_start, month_units, worked_end, worked_units", "interval_start"
    ) == [
        # 01/09 - 20/11: 2 whole months and 20 days of a month of 30
        (date(2024, 9, 1), 3 * units, date(2024, 11, 20), 2 * units + 20 * units // 30),
        (date(2025, 1, 6), 2 * units, None, 0),
    ]
