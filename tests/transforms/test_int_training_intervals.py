"""int_training_intervals: counted Dimona cut to each basis agreement and to the school year,
then merged when the pieces overlap or touch (RULES.md, "Date arithmetic" and "Covered
months"). The pieces, the identical pieces kept once and the flag that opens an interval are
CTEs: they are checked where the merge rule flips, one day of gap against none."""

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


def test_pieces_are_cut_to_the_agreement_and_the_school_year() -> None:
    con = rules_db()
    # terminated early: the effective end, not the planned one, bounds the piece
    add_agreement(
        con,
        start_date=date(2024, 10, 1),
        end_date=date(2025, 12, 31),
        termination_date=date(2025, 10, 15),
        registration_date=date(2024, 10, 2),
    )
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 6, 1), end_date=None)  # open-ended
    add_dimona(con, start_date=date(2024, 6, 1), end_date=date(2024, 6, 30))  # before it
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "pieces", "school_year, piece_start, piece_end") == [
        ("2024-2025", date(2024, 10, 1), date(2024, 6, 30)),  # empty, dropped below
        ("2024-2025", date(2024, 10, 1), date(2025, 8, 31)),
        ("2025-2026", date(2025, 9, 1), date(2024, 6, 30)),
        ("2025-2026", date(2025, 9, 1), date(2025, 10, 15)),
    ]
    assert cte_rows(con, MODEL, "overlapping", "school_year, piece_start, piece_end") == [
        ("2024-2025", date(2024, 10, 1), date(2025, 8, 31)),
        ("2025-2026", date(2025, 9, 1), date(2025, 10, 15)),
    ]
    assert intervals(con) == [
        ("2024-2025", 1, date(2024, 10, 1), date(2025, 8, 31)),
        ("2025-2026", 1, date(2025, 9, 1), date(2025, 10, 15)),
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


def test_dimona_beside_an_agreement_outside_the_basis_does_not_count() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="OVK-1", end_date=date(2024, 12, 31))
    # not registered: it does not qualify while OVK-1 does, so it is not in the basis
    add_agreement(con, agreement_id="OVK-2", start_date=date(2025, 1, 1), registration_date=None)
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 1), end_date=None)
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "basis_agreements", "agreement_id") == [("OVK-1",)]
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
