"""int_pair_school_years: one row per pair and school year with an active agreement: what its
agreements say together, the basis, and the representative agreement whose establishment
gives the decision its province (RULES.md: the basis agreement with the latest start; ties,
the highest agreement id compared as text)."""

from __future__ import annotations

from datetime import date

from tests.builders import COMPANY, LEARNER, add_agreement, add_recognition, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows

MODEL = "int_pair_school_years"
AS_OF = date(2025, 9, 1)
YEAR = "2024-2025"


def test_the_representative_is_the_latest_basis_agreement_ties_by_id_as_text() -> None:
    con = rules_db()
    add_recognition(con)
    add_agreement(
        con, agreement_id="OVK-9", start_date=date(2024, 10, 1), establishment_postcode=3500
    )
    add_agreement(
        con, agreement_id="OVK-10", start_date=date(2024, 10, 1), establishment_postcode=9000
    )
    add_agreement(con, agreement_id="OVK-1", establishment_postcode=8000)
    # the latest start of all, but late and so outside the basis
    add_agreement(
        con,
        agreement_id="OVK-2",
        start_date=date(2025, 1, 1),
        registration_date=date(2025, 6, 1),
        establishment_postcode=2800,
    )
    build_model(con, MODEL, AS_OF)
    assert cte_rows(
        con, MODEL, "basis", "school_year, representative.province, representative.office"
    ) == [
        (YEAR, "Limburg", "Limburg")  # 'OVK-9' > 'OVK-10' as text
    ]
    columns = (
        "school_year, company_kbo, learner_insz, active_agreements, basis_agreements, "
        "agreement_ids, agreement_types, any_qualifying, any_registered_late, unmet_conditions, "
        "province"
    )
    assert model_rows(con, MODEL, columns) == [
        (
            YEAR,
            COMPANY,
            LEARNER,
            4,
            3,
            "OVK-1;OVK-10;OVK-9",
            "OAO",
            True,
            True,
            "OVK-2: niet tijdig geregistreerd",
            "Limburg",
        )
    ]


def test_the_conditions_of_a_pair_are_those_of_any_of_its_agreements() -> None:
    con = rules_db()
    # each agreement meets some conditions, none all four: no basis of qualifying ones
    add_agreement(con, agreement_id="OVK-1", agreement_type="OAO", premium_consent=False)
    add_agreement(
        con,
        agreement_id="OVK-2",
        agreement_type="SAO",
        hours_per_week=12,
        learning_allowance=False,
        registration_date=None,
        start_date=date(2025, 1, 1),
    )
    add_recognition(con)
    build_model(con, MODEL, AS_OF)
    columns = (
        "active_agreements, basis_agreements, agreement_types, any_qualifying, "
        "any_registered_on_time, any_registration_date, any_consent_with_iban, "
        "any_mentor_trained, paid_learner, registration_deadline, unmet_conditions"
    )
    assert model_rows(con, MODEL, columns) == [
        (
            2,
            2,
            "OAO;SAO",
            False,
            True,
            True,
            True,
            True,
            True,
            date(2024, 12, 1),
            "OVK-1: geen toestemming met IBAN; OVK-2: niet tijdig geregistreerd",
        )
    ], "paid_learner: without a qualifying agreement, a basis agreement (the OAO) pays one"


def test_a_pair_is_decided_in_every_year_it_has_an_active_agreement() -> None:
    con = rules_db()
    add_recognition(con)
    add_agreement(con, start_date=date(2023, 9, 1), end_date=date(2025, 6, 30))
    build_model(con, MODEL, AS_OF)
    assert model_rows(con, MODEL, "school_year, year_start, year_end, active_agreements") == [
        ("2023-2024", date(2023, 9, 1), date(2024, 8, 31), 1),
        ("2024-2025", date(2024, 9, 1), date(2025, 8, 31), 1),
    ]
