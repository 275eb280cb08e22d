"""int_training_pieces: every Dimona period of a learner in every school year of each of the
learner's pairs, cut to each basis agreement and to the school year (RULES.md, "Coverage"),
and for a period that counts for no basis agreement, why: what an explanation tells of each
period, from the rows the decision was built from."""

from __future__ import annotations

from datetime import date

from tests.builders import (
    OTHER_COMPANY,
    add_agreement,
    add_dimona,
    add_recognition,
    rules_db,
)
from tests.transforms.cte import build_model, cte_rows, model_rows

MODEL = "int_training_pieces"
AS_OF = date(2025, 9, 1)
COLUMNS = "school_year, dimona_id, agreement_id, piece_start, piece_end, piece_counts"


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
    add_dimona(con, dimona_id="D-OPEN", start_date=date(2024, 6, 1), end_date=None)
    add_dimona(con, dimona_id="D-JUNE", start_date=date(2024, 6, 1), end_date=date(2024, 6, 30))
    build_model(con, MODEL, AS_OF)
    assert model_rows(con, MODEL, COLUMNS + ", period_not_counted_because") == [
        ("2024-2025", "D-JUNE", "OVK-1", date(2024, 10, 1), date(2024, 6, 30), False,
         "outside_school_year"),
        ("2024-2025", "D-OPEN", "OVK-1", date(2024, 10, 1), date(2025, 8, 31), True, None),
        ("2025-2026", "D-JUNE", "OVK-1", date(2025, 9, 1), date(2024, 6, 30), False,
         "outside_school_year"),
        ("2025-2026", "D-OPEN", "OVK-1", date(2025, 9, 1), date(2025, 10, 15), True, None),
    ]  # fmt: skip


def test_a_period_beside_an_agreement_outside_the_basis_is_cut_to_the_basis_only() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="OVK-1", end_date=date(2024, 12, 31))
    # not registered: it does not qualify while OVK-1 does, so it is not in the basis
    add_agreement(con, agreement_id="OVK-2", start_date=date(2025, 1, 1), registration_date=None)
    add_recognition(con)
    add_dimona(con, dimona_id="D-1", start_date=date(2024, 9, 1), end_date=None)
    add_dimona(con, dimona_id="D-2", start_date=date(2025, 2, 1), end_date=date(2025, 3, 31))
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "basis_agreements", "agreement_id") == [("OVK-1",)]
    assert model_rows(con, MODEL, COLUMNS + ", period_counts, period_not_counted_because") == [
        ("2024-2025", "D-1", "OVK-1", date(2024, 9, 1), date(2024, 12, 31), True, True, None),
        ("2024-2025", "D-2", "OVK-1", date(2025, 2, 1), date(2024, 12, 31), False, False,
         "outside_agreement"),
    ]  # fmt: skip


def test_a_period_that_cannot_count_for_the_pair_has_no_piece_and_says_why() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, dimona_id="D-CANCELLED", status="Geannuleerd")
    add_dimona(con, dimona_id="D-STU", worker_type="STU")
    add_dimona(con, dimona_id="D-OTHER", company_kbo=OTHER_COMPANY)
    build_model(con, MODEL, AS_OF)
    assert model_rows(
        con, MODEL, "dimona_id, agreement_id, piece_start, piece_counts, period_not_counted_because"
    ) == [
        ("D-CANCELLED", None, None, False, "cancelled"),
        ("D-OTHER", None, None, False, "other_company"),
        ("D-STU", None, None, False, "worker_type"),
    ]


def test_a_period_over_two_basis_agreements_counts_with_a_piece_in_each() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="OVK-1", end_date=date(2024, 12, 31))
    add_agreement(con, agreement_id="OVK-2", start_date=date(2025, 2, 1))
    add_recognition(con)
    add_dimona(con, dimona_id="D-1", start_date=date(2024, 9, 1), end_date=None)
    build_model(con, MODEL, AS_OF)
    assert model_rows(con, MODEL, COLUMNS + ", period_counts") == [
        ("2024-2025", "D-1", "OVK-1", date(2024, 9, 1), date(2024, 12, 31), True, True),
        ("2024-2025", "D-1", "OVK-2", date(2025, 2, 1), date(2025, 6, 30), True, True),
    ]
