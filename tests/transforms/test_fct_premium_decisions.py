"""Golden tests of fct_premium_decisions: tiny inputs, the exact decision rows out, at the
boundary of every rule of RULES.md ("Premium decision")."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.builders import (
    COMPANY,
    LEARNER,
    MENTOR,
    OTHER_COMPANY,
    OTHER_LEARNER,
    OTHER_MENTOR,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
    rules_db,
    rules_text_without_amounts,
)
from transforms.contracts import contract
from transforms.models import build_models
from transforms.rule_config import parse_rule_config
from transforms.schema import DECISION_COLUMNS

AFTER_2024_2025 = date(2025, 9, 1)  # decides 2023-2024 .. 2025-2026, 2024-2025 is final
DECISION_KEYS = [n for n, _ in DECISION_COLUMNS]
AMOUNT_RULE = "decision_amount_in_table"


def build_decisions(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Build only the models the decisions read, so the compliance models stay out of these tests."""
    build_models(con, rule_config(), as_of, targets=("fct_premium_decisions",))


def decisions(con: duckdb.DuckDBPyConnection, as_of: date = AFTER_2024_2025) -> list[tuple]:
    """(year, eligible, amount, months to 2 decimals, premiums before, reasons, status, province)."""
    build_decisions(con, as_of)
    return con.execute(
        "select school_year, eligible, amount_eur, round(months_covered, 2), premiums_before, "
        "reasons, status, province from fct_premium_decisions "
        "order by school_year, company_kbo, learner_insz"
    ).fetchall()


def explanations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The explanation of every decision built, in year order."""
    return [
        row[0]
        for row in con.execute(
            "select explanation from fct_premium_decisions order by school_year, company_kbo"
        ).fetchall()
    ]


def standard_db(**agreement: object) -> duckdb.DuckDBPyConnection:
    """One agreement (builder defaults plus changes) and a recognised, trained mentor."""
    con = rules_db()
    add_agreement(con, **agreement)
    add_recognition(con)
    return con


# --- the columns -------------------------------------------------------------------------


def test_columns_are_the_decision_contract() -> None:
    from transforms.schema import DECISION_COLUMNS

    con = standard_db()
    add_dimona(con)
    decisions(con)
    described = con.execute("describe fct_premium_decisions").fetchall()
    assert [(r[0], r[1]) for r in described] == list(DECISION_COLUMNS), "columns and types"


def test_eligible_decision_row_and_explanation() -> None:
    con = standard_db(agreement_id="OVK-123")
    add_dimona(con, end_date=date(2025, 6, 29))
    add_premium_paid(con, school_year="2023-2024", kind="premie", amount_eur=1000)
    assert decisions(con) == [
        ("2024-2025", True, 1000, 9.97, 1, "", "final", "Antwerpen"),
    ]
    row = con.execute(
        "select office, company_name, establishment_id, establishment_postcode, "
        "establishment_municipality, learner_name, training, agreement_types, agreement_ids "
        "from fct_premium_decisions"
    ).fetchone()
    assert row == (
        "Antwerpen",
        "Metaalbouw Vermeulen NV",
        "2123456789",
        2800,
        "Mechelen",
        "Jens Peeters",
        "Elektrotechnicus duaal",
        "OAO",
        "OVK-123",
    )
    assert explanations(con) == [
        "Premie van EUR 1000 toegekend voor 2024-2025: 9,97 maanden opleiding volgens Dimona "
        "bij een tijdig geregistreerde overeenkomst (OVK-123); er was al 1 eerdere premie voor "
        "deze lerende bij deze onderneming (maximum 3)."
    ]


def allowance(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(eligible, paid_learner, premium_eur, amount_eur) of every decision built."""
    return con.execute(
        "select eligible, paid_learner, premium_eur, amount_eur from fct_premium_decisions "
        "order by school_year, company_kbo, learner_insz"
    ).fetchall()


def test_unpaid_learner_gets_the_unpaid_amount() -> None:
    con = standard_db(agreement_type="SAO", hours_per_week=12, learning_allowance=False)
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 600, 10.0, 0, "", "final", "Antwerpen")]
    assert allowance(con) == [(True, False, 600, 600)], "the fact the amount is chosen by"


def test_a_refusal_carries_the_premium_it_costs() -> None:
    # a paid learner (OAO with leervergoeding) refused for want of consent: 1000 lost
    paid = standard_db(premium_consent=False)
    add_dimona(paid)
    assert [r[5] for r in decisions(paid)] == ["NO_CONSENT"]
    assert allowance(paid) == [(False, True, 1000, 0)]
    unpaid = standard_db(
        agreement_type="SAO", hours_per_week=12, learning_allowance=False, premium_consent=False
    )
    add_dimona(unpaid)
    assert [r[5] for r in decisions(unpaid)] == ["NO_CONSENT"]
    assert allowance(unpaid) == [(False, False, 600, 0)]
    (rule,) = [
        r
        for r in contract("fct_premium_decisions").rules
        if r.name == "decision_premium_by_allowance"
    ]
    assert unpaid.execute(rule.sql).fetchall() == []
    unpaid.execute("update fct_premium_decisions set premium_eur = 1000")
    assert len(unpaid.execute(rule.sql).fetchall()) == 1, "the premium follows the allowance"


# --- four months -------------------------------------------------------------------------


def test_four_months_reached_on_the_last_day() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 12, 31))
    assert decisions(con) == [("2024-2025", True, 1000, 4.0, 0, "", "final", "Antwerpen")]


def test_one_day_short_of_four_months() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 12, 30))
    assert decisions(con) == [
        ("2024-2025", False, 0, 3.97, 0, "UNDER_4_MONTHS", "final", "Antwerpen")
    ]
    months = con.execute("select months_covered from fct_premium_decisions").fetchone()[0]
    assert months == 3 + 30 / 31, "the exact value is kept, not the rounded one"


def test_late_registration_and_under_four_months_explained() -> None:
    con = standard_db(registration_date=date(2024, 12, 2))
    add_dimona(con, start_date=date(2024, 11, 1), end_date=date(2025, 2, 14))
    assert decisions(con) == [
        ("2024-2025", False, 0, 3.5, 0, "REGISTRATION_LATE;UNDER_4_MONTHS", "final", "Antwerpen")
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de overeenkomst werd te laat geregistreerd "
        "(de termijn liep tot 01/12/2024) en er zijn volgens Dimona slechts 3,50 maanden "
        "opleiding (minimum 4)."
    ]


def test_adjacent_periods_are_merged() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 10, 31))
    add_dimona(con, start_date=date(2024, 11, 1), end_date=date(2024, 12, 31))
    assert decisions(con) == [("2024-2025", True, 1000, 4.0, 0, "", "final", "Antwerpen")]
    intervals = con.execute(
        "select interval_start, interval_end from int_training_intervals"
    ).fetchall()
    assert intervals == [(date(2024, 9, 1), date(2024, 12, 31))]


def test_periods_with_a_gap_of_one_day_are_measured_apart() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 10, 31))
    add_dimona(con, start_date=date(2024, 11, 2), end_date=date(2024, 12, 31))
    # 2 months + (1 month and 30/31: 2 Nov - 31 Dec) = 3 + 30/31
    assert decisions(con) == [
        ("2024-2025", False, 0, 3.97, 0, "UNDER_4_MONTHS", "final", "Antwerpen")
    ]


def test_overlapping_periods_count_each_day_once() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 11, 30))
    add_dimona(con, start_date=date(2024, 10, 1), end_date=date(2024, 12, 31))
    assert decisions(con) == [("2024-2025", True, 1000, 4.0, 0, "", "final", "Antwerpen")]


# --- which Dimona counts -----------------------------------------------------------------


def test_cancelled_period_does_not_count() -> None:
    con = standard_db()
    add_dimona(con, status="Geannuleerd")
    assert decisions(con) == [("2024-2025", False, 0, 0.0, 0, "NO_DIMONA", "final", "Antwerpen")]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: er is geen Dimona-periode die als opleiding telt binnen "
        "de overeenkomst in 2024-2025."
    ]


def test_student_job_does_not_count() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 11, 30))
    add_dimona(con, worker_type="STU", start_date=date(2024, 12, 1), end_date=date(2025, 6, 30))
    assert decisions(con) == [
        ("2024-2025", False, 0, 3.0, 0, "UNDER_4_MONTHS", "final", "Antwerpen")
    ]


def test_other_company_dimona_does_not_count() -> None:
    con = standard_db()
    add_dimona(con, company_kbo=OTHER_COMPANY)
    assert decisions(con) == [("2024-2025", False, 0, 0.0, 0, "NO_DIMONA", "final", "Antwerpen")]


def test_open_ended_period_runs_to_the_end_of_the_agreement_provisional() -> None:
    con = standard_db(end_date=date(2026, 6, 30))
    add_dimona(con, end_date=None)
    assert decisions(con, as_of=date(2025, 1, 15)) == [
        ("2024-2025", True, 1000, 12.0, 0, "", "provisional", "Antwerpen")
    ]
    assert explanations(con) == [
        "Premie van EUR 1000 voorlopig toegekend voor 2024-2025: 12,00 maanden opleiding "
        "volgens Dimona, zoals gepland, bij een tijdig geregistreerde overeenkomst (OVK-1); het "
        "is de eerste premie voor deze lerende bij deze onderneming."
    ]


def test_terminated_agreement_ends_the_coverage() -> None:
    con = standard_db(termination_date=date(2024, 12, 15))
    add_dimona(con)
    # 1 Sep - 15 Dec: 3 months and 15 of December's 31 days
    assert decisions(con) == [
        ("2024-2025", False, 0, 3.48, 0, "UNDER_4_MONTHS", "final", "Antwerpen")
    ]


# --- school years ------------------------------------------------------------------------


def test_agreement_over_two_school_years() -> None:
    con = standard_db(
        start_date=date(2024, 2, 1), end_date=date(2025, 1, 31), registration_date=date(2024, 2, 10)
    )
    add_dimona(con, start_date=date(2024, 2, 1), end_date=date(2025, 1, 31))
    assert decisions(con) == [
        ("2023-2024", True, 1000, 7.0, 0, "", "final", "Antwerpen"),
        ("2024-2025", True, 1000, 5.0, 1, "", "final", "Antwerpen"),
    ]


def test_final_on_31_august_provisional_the_day_before() -> None:
    con = standard_db()
    add_dimona(con)
    assert decisions(con, as_of=date(2025, 8, 30)) == [
        ("2024-2025", True, 1000, 10.0, 0, "", "provisional", "Antwerpen")
    ]
    assert decisions(con, as_of=date(2025, 8, 31)) == [
        ("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen")
    ]


def test_years_before_the_premium_regime_get_no_decision() -> None:
    con = standard_db(
        start_date=date(2022, 9, 1), end_date=date(2023, 6, 30), registration_date=date(2022, 9, 5)
    )
    add_dimona(con, start_date=date(2022, 9, 1), end_date=date(2023, 6, 30))
    assert decisions(con) == []


# --- the cap -----------------------------------------------------------------------------


def test_cap_through_stagebonuses_and_own_decisions() -> None:
    con = standard_db(
        start_date=date(2023, 9, 1), end_date=date(2025, 6, 30), registration_date=date(2023, 9, 15)
    )
    add_dimona(con, start_date=date(2023, 9, 1), end_date=date(2025, 6, 30))
    add_premium_paid(con, school_year="2021-2022")
    add_premium_paid(con, school_year="2022-2023")
    assert decisions(con) == [
        ("2023-2024", True, 1000, 12.0, 2, "", "final", "Antwerpen"),
        ("2024-2025", False, 0, 10.0, 3, "CAP_REACHED", "final", "Antwerpen"),
    ]
    assert explanations(con) == [
        "Premie van EUR 1000 toegekend voor 2023-2024: 12,00 maanden opleiding volgens Dimona "
        "bij een tijdig geregistreerde overeenkomst (OVK-1); er waren al 2 eerdere premies voor "
        "deze lerende bij deze onderneming (maximum 3).",
        "Geen premie voor 2024-2025: het maximum van 3 premies is bereikt (al 3 eerdere premies).",
    ]


def test_cap_through_own_decisions_only() -> None:
    con = standard_db(
        start_date=date(2023, 9, 1), end_date=date(2027, 6, 30), registration_date=date(2023, 9, 1)
    )
    add_dimona(con, start_date=date(2023, 9, 1), end_date=None)
    assert decisions(con, as_of=date(2026, 9, 1)) == [
        ("2023-2024", True, 1000, 12.0, 0, "", "final", "Antwerpen"),
        ("2024-2025", True, 1000, 12.0, 1, "", "final", "Antwerpen"),
        ("2025-2026", True, 1000, 12.0, 2, "", "final", "Antwerpen"),
        ("2026-2027", False, 0, 10.0, 3, "CAP_REACHED", "provisional", "Antwerpen"),
    ]


def test_year_paid_and_decided_counts_once() -> None:
    con = standard_db(
        start_date=date(2023, 9, 1), end_date=date(2025, 6, 30), registration_date=date(2023, 9, 15)
    )
    add_dimona(con, start_date=date(2023, 9, 1), end_date=date(2025, 6, 30))
    add_premium_paid(con, school_year="2023-2024", kind="premie", amount_eur=1000)
    assert [(r[0], r[4]) for r in decisions(con)] == [("2023-2024", 0), ("2024-2025", 1)]


def test_refused_year_does_not_count_towards_the_cap() -> None:
    con = standard_db(
        start_date=date(2023, 9, 1), end_date=date(2025, 6, 30), registration_date=date(2023, 9, 15)
    )
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2025, 6, 30))
    assert decisions(con) == [
        ("2023-2024", False, 0, 0.0, 0, "NO_DIMONA", "final", "Antwerpen"),
        ("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen"),
    ]


# --- registration ------------------------------------------------------------------------


def test_clamped_deadline_on_time() -> None:
    con = standard_db(start_date=date(2024, 11, 30), registration_date=date(2025, 2, 28))
    add_dimona(con, start_date=date(2024, 11, 30))
    assert decisions(con) == [("2024-2025", True, 1000, 7.03, 0, "", "final", "Antwerpen")]


def test_clamped_deadline_one_day_late() -> None:
    con = standard_db(start_date=date(2024, 11, 30), registration_date=date(2025, 3, 1))
    add_dimona(con, start_date=date(2024, 11, 30))
    assert decisions(con) == [
        ("2024-2025", False, 0, 7.03, 0, "REGISTRATION_LATE", "final", "Antwerpen")
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de overeenkomst werd te laat geregistreerd "
        "(de termijn liep tot 28/02/2025)."
    ]


def test_leap_year_deadline() -> None:
    on_time = standard_db(
        start_date=date(2023, 11, 30),
        end_date=date(2024, 6, 30),
        registration_date=date(2024, 2, 29),
    )
    add_dimona(on_time, start_date=date(2023, 11, 30), end_date=date(2024, 6, 30))
    assert decisions(on_time) == [("2023-2024", True, 1000, 7.03, 0, "", "final", "Antwerpen")]
    late = standard_db(
        start_date=date(2023, 11, 30),
        end_date=date(2024, 6, 30),
        registration_date=date(2024, 3, 1),
    )
    add_dimona(late, start_date=date(2023, 11, 30), end_date=date(2024, 6, 30))
    assert [r[5] for r in decisions(late)] == ["REGISTRATION_LATE"]
    deadline = late.execute("select registration_deadline from int_agreement_conditions")
    assert deadline.fetchall() == [(date(2024, 2, 29),)]


def test_registration_missing() -> None:
    con = standard_db(registration_date=None)
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "REGISTRATION_MISSING", "final", "Antwerpen")
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de overeenkomst werd niet geregistreerd (de termijn liep "
        "tot 01/12/2024)."
    ]


def test_registration_missing_while_deadline_ahead_provisional() -> None:
    con = standard_db(registration_date=None)
    add_dimona(con)
    assert decisions(con, as_of=date(2024, 10, 1)) == [
        ("2024-2025", False, 0, 10.0, 0, "REGISTRATION_MISSING", "provisional", "Antwerpen")
    ]
    assert explanations(con) == [
        "Voorlopig geen premie voor 2024-2025: de overeenkomst moet uiterlijk op 01/12/2024 "
        "geregistreerd zijn (op de peildatum 01/10/2024 is ze dat nog niet)."
    ]


# --- geography, consent ------------------------------------------------------------------


def test_brussels_is_outside_flanders() -> None:
    con = standard_db(establishment_postcode=1000, establishment_municipality="Brussel")
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "OUTSIDE_FLANDERS", "final", "Brussel")
    ]
    assert con.execute("select office from fct_premium_decisions").fetchall() == [
        ("Vlaams-Brabant & Brussel",)
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de vestiging ligt in het Brussels Hoofdstedelijk Gewest "
        "(geen Vlaamse premie; mogelijk de mentorpremie van Actiris)."
    ]


def test_wallonia_is_outside_flanders() -> None:
    con = standard_db(establishment_postcode=4000, establishment_municipality="Luik")
    add_dimona(con)
    assert decisions(con) == [("2024-2025", False, 0, 10.0, 0, "OUTSIDE_FLANDERS", "final", "Luik")]


def test_no_consent() -> None:
    con = standard_db(premium_consent=False)
    add_dimona(con)
    assert decisions(con) == [("2024-2025", False, 0, 10.0, 0, "NO_CONSENT", "final", "Antwerpen")]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de onderneming gaf geen toestemming voor de premie."
    ]


def test_consent_without_iban() -> None:
    con = standard_db(company_iban=None)
    add_dimona(con)
    assert decisions(con) == [("2024-2025", False, 0, 10.0, 0, "NO_CONSENT", "final", "Antwerpen")]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: er is toestemming voor de premie maar geen IBAN van de "
        "onderneming."
    ]


# --- mentor ------------------------------------------------------------------------------


def test_mentor_trained_on_31_august_counts() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_training_date=date(2025, 8, 31))
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen")]


def test_mentor_trained_on_1_september_is_too_late() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_training_date=date(2025, 9, 1))
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "MENTOR_NOT_TRAINED", "final", "Antwerpen")
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de mentor volgde de mentoropleiding pas op 01/09/2025 "
        "(uiterlijk op 31/08/2025)."
    ]


def test_exempt_mentor_without_training() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_training_date=None, mentor_training_exempt=True)
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen")]


def test_untrained_mentor() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_training_date=None)
    add_dimona(con)
    assert [r[5] for r in decisions(con)] == ["MENTOR_NOT_TRAINED"]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de mentor had op 31/08/2025 geen mentoropleiding gevolgd "
        "of vrijstelling gekregen."
    ]


# --- a provisional year: a date still ahead is spoken of as what must still happen ---------

IN_2024_2025 = date(2025, 1, 15)  # 2024-2025 is provisional: 31/08/2025 is still ahead


def test_untrained_mentor_provisional_must_still_be_trained_by_31_august() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_training_date=None)
    add_dimona(con)
    assert [(r[5], r[6]) for r in decisions(con, as_of=IN_2024_2025)] == [
        ("MENTOR_NOT_TRAINED", "provisional")
    ]
    assert explanations(con) == [
        "Voorlopig geen premie voor 2024-2025: de mentor moet uiterlijk op 31/08/2025 een "
        "mentoropleiding gevolgd hebben (op de peildatum 15/01/2025 heeft de mentor nog geen "
        "mentoropleiding of vrijstelling)."
    ]


def test_mentor_training_planned_after_31_august_provisional() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_training_date=date(2025, 9, 15))
    add_dimona(con)
    assert [r[5] for r in decisions(con, as_of=IN_2024_2025)] == ["MENTOR_NOT_TRAINED"]
    assert explanations(con) == [
        "Voorlopig geen premie voor 2024-2025: de mentoropleiding van de mentor staat pas op "
        "15/09/2025 gepland (uiterlijk op 31/08/2025)."
    ]


def test_two_agreements_unregistered_with_untrained_mentors_provisional() -> None:
    con = rules_db()
    add_agreement(con, registration_date=None)
    add_agreement(con, agreement_id="OVK-2", registration_date=None, start_date=date(2024, 10, 1))
    add_recognition(con, mentor_training_date=None)
    add_dimona(con)
    as_of = date(2024, 10, 15)
    assert [r[5] for r in decisions(con, as_of=as_of)] == [
        "REGISTRATION_MISSING;MENTOR_NOT_TRAINED"
    ]
    assert explanations(con) == [
        "Voorlopig geen premie voor 2024-2025: op de peildatum 15/10/2024 is geen van de 2 "
        "overeenkomsten geregistreerd en op de peildatum 15/10/2024 heeft geen van de mentoren "
        "een mentoropleiding of vrijstelling (uiterlijk op 31/08/2025)."
    ]


def test_too_few_months_even_as_planned_provisional() -> None:
    con = standard_db()
    add_dimona(con, end_date=date(2024, 11, 30))
    assert [r[5] for r in decisions(con, as_of=IN_2024_2025)] == ["UNDER_4_MONTHS"]
    assert explanations(con) == [
        "Voorlopig geen premie voor 2024-2025: ook zoals gepland zijn er volgens Dimona "
        "slechts 3,00 maanden opleiding (minimum 4)."
    ]


def test_no_dimona_yet_provisional() -> None:
    con = standard_db()
    assert [r[5] for r in decisions(con, as_of=IN_2024_2025)] == ["NO_DIMONA"]
    assert explanations(con) == [
        "Voorlopig geen premie voor 2024-2025: er is op de peildatum 15/01/2025 nog geen "
        "Dimona-periode die als opleiding telt binnen de overeenkomst in 2024-2025."
    ]


def test_unknown_mentor() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, mentor_insz=OTHER_MENTOR)
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "MENTOR_NOT_TRAINED", "final", "Antwerpen")
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de mentor staat niet in het register van erkenningen."
    ]


def test_mentor_recognised_at_another_company() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, company_kbo=OTHER_COMPANY, mentor_insz=MENTOR)
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen")]


# --- several agreements of one pair ------------------------------------------------------


def test_only_qualifying_agreements_form_the_basis() -> None:
    con = standard_db(agreement_id="OVK-1", end_date=date(2024, 11, 30))
    add_agreement(
        con,
        agreement_id="OVK-2",
        start_date=date(2024, 12, 1),
        registration_date=date(2024, 12, 5),
        premium_consent=False,
        establishment_postcode=9000,
    )
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 3.0, 0, "UNDER_4_MONTHS", "final", "Antwerpen")
    ]
    basis = con.execute("select agreement_ids, agreement_types from fct_premium_decisions")
    assert basis.fetchall() == [("OVK-1", "OAO")]


def test_all_active_agreements_form_the_basis_when_none_qualifies() -> None:
    con = standard_db(agreement_id="OVK-1", end_date=date(2024, 11, 30), premium_consent=False)
    add_agreement(
        con,
        agreement_id="OVK-2",
        agreement_type="SAO",
        start_date=date(2024, 12, 1),
        registration_date=date(2024, 12, 5),
        premium_consent=False,
        establishment_postcode=9000,
    )
    add_dimona(con)
    # the latest start gives the province
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "NO_CONSENT", "final", "Oost-Vlaanderen")
    ]
    basis = con.execute("select agreement_ids, agreement_types from fct_premium_decisions")
    assert basis.fetchall() == [("OVK-1;OVK-2", "OAO;SAO")]


def test_no_single_agreement_meets_all_four_conditions() -> None:
    con = standard_db(agreement_id="OVK-1", premium_consent=False)
    add_agreement(con, agreement_id="OVK-2", registration_date=date(2025, 1, 15))
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "NO_QUALIFYING_AGREEMENT", "final", "Antwerpen")
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: geen enkele overeenkomst voldoet aan de vier voorwaarden "
        "samen (OVK-1: geen toestemming met IBAN; OVK-2: niet tijdig geregistreerd)."
    ]


def test_province_tie_goes_to_the_highest_id_as_text() -> None:
    con = standard_db(agreement_id="OVK-9")
    add_agreement(con, agreement_id="OVK-10", establishment_postcode=3500)
    add_dimona(con)
    # 'OVK-9' > 'OVK-10' as text
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen")]


def test_every_reason_in_order() -> None:
    con = rules_db()
    add_agreement(
        con,
        registration_date=None,
        establishment_postcode=1000,
        premium_consent=False,
    )
    add_premium_paid(con, school_year="2020-2021")
    add_premium_paid(con, school_year="2021-2022")
    add_premium_paid(con, school_year="2022-2023")
    assert decisions(con) == [
        (
            "2024-2025",
            False,
            0,
            0.0,
            3,
            "REGISTRATION_MISSING;OUTSIDE_FLANDERS;NO_CONSENT;MENTOR_NOT_TRAINED;NO_DIMONA;"
            "CAP_REACHED",
            "final",
            "Brussel",
        )
    ]
    assert explanations(con) == [
        "Geen premie voor 2024-2025: de overeenkomst werd niet geregistreerd (de termijn liep "
        "tot 01/12/2024), de vestiging ligt in het Brussels Hoofdstedelijk Gewest (geen Vlaamse "
        "premie; mogelijk de mentorpremie van Actiris), de onderneming gaf geen toestemming voor "
        "de premie, de mentor staat niet in het register van erkenningen, er is geen "
        "Dimona-periode die als opleiding telt binnen de overeenkomst in 2024-2025 en het "
        "maximum van 3 premies is bereikt (al 3 eerdere premies)."
    ]


def test_pairs_are_decided_apart() -> None:
    con = standard_db()
    add_dimona(con)
    add_agreement(con, agreement_id="OVK-2", company_kbo=OTHER_COMPANY)
    rows = decisions(con)
    kbos = con.execute("select company_kbo, learner_insz from fct_premium_decisions order by 1")
    assert sorted(kbos.fetchall()) == sorted([(COMPANY, LEARNER), (OTHER_COMPANY, LEARNER)])
    assert sorted(r[5] for r in rows) == ["", "NO_DIMONA"]


# --- a school year without amounts (input check AMOUNTS_MISSING) ---------------------------


def test_a_year_without_amounts_is_decided_as_with_them_but_for_the_amount() -> None:
    """On 1 September 2026, with no amounts for 2026-2027 configured yet: that year is
    decided as with its amounts (eligibility, every reason, months, premiums before,
    status), an eligible pair gets amount 0 and an explanation saying the amount is not
    set yet; the earlier years keep their amounts, word for word."""
    con = standard_db(
        start_date=date(2025, 9, 1), end_date=date(2027, 6, 30), registration_date=date(2025, 9, 10)
    )
    add_dimona(con, start_date=date(2025, 9, 1), end_date=None)
    add_agreement(
        con,
        agreement_id="OVK-2",
        learner_insz=OTHER_LEARNER,
        start_date=date(2025, 9, 1),
        end_date=date(2027, 6, 30),
        registration_date=date(2025, 9, 10),
        premium_consent=False,
    )
    add_dimona(con, worker_insz=OTHER_LEARNER, start_date=date(2025, 9, 1), end_date=None)
    as_of = date(2026, 9, 1)
    columns = ", ".join(n for n, _ in DECISION_COLUMNS)
    query = f"select {columns} from fct_premium_decisions order by school_year, learner_insz"

    build_models(con, rule_config(), as_of, targets=("fct_premium_decisions",))
    configured = con.execute(query).fetchall()
    without = parse_rule_config(rules_text_without_amounts("2026-2027"))
    build_models(con, without, as_of, targets=("fct_premium_decisions",))
    unset = con.execute(query).fetchall()

    shown = ("school_year", "learner_insz", "status", "eligible", "amount_eur", "premium_eur")
    shown += ("months_covered", "premiums_before", "reasons")
    short = [tuple(r[DECISION_KEYS.index(n)] for n in shown) for r in unset]
    assert short == [
        ("2025-2026", LEARNER, "final", True, 1000, 1000, 12.0, 0, ""),
        ("2025-2026", OTHER_LEARNER, "final", False, 0, 1000, 12.0, 0, "NO_CONSENT"),
        ("2026-2027", LEARNER, "provisional", True, 0, None, 10.0, 1, ""),
        ("2026-2027", OTHER_LEARNER, "provisional", False, 0, None, 10.0, 0, "NO_CONSENT"),
    ], "a refusal too has the premium it costs, unknown while the year has no amounts"
    amount, explanation = DECISION_KEYS.index("amount_eur"), DECISION_KEYS.index("explanation")
    assert unset[2][explanation] == (
        "Premie voorlopig toegekend voor 2026-2027 (bedrag nog niet vastgelegd: de "
        "regelconfiguratie heeft nog geen bedragen voor 2026-2027): 10,00 maanden opleiding "
        "volgens Dimona, zoals gepland, bij een tijdig geregistreerde overeenkomst (OVK-1); er "
        "was al 1 eerdere premie voor deze lerende bij deze onderneming (maximum 3)."
    )
    assert configured[2][amount] == 1000
    assert configured[2][explanation].startswith("Premie van EUR 1000 voorlopig toegekend voor")
    for with_amounts, without_amounts in zip(configured, unset, strict=True):
        differs = {
            DECISION_KEYS[i]
            for i, (a, b) in enumerate(zip(with_amounts, without_amounts, strict=True))
            if a != b
        }
        expected = set()
        if with_amounts[0] == "2026-2027":  # the year without amounts: no premium known
            expected = {"premium_eur"}
        if with_amounts[:3] == unset[2][:3]:
            expected |= {"amount_eur", "explanation"}
        assert differs == expected, f"{with_amounts[:3]} differs in {differs}"
    (rule,) = [r for r in contract("fct_premium_decisions").rules if r.name == AMOUNT_RULE]
    assert con.execute(rule.sql).fetchall() == [], "the contract accepts amount 0 without amounts"
    con.execute("update fct_premium_decisions set amount_eur = 700 where eligible")
    assert len(con.execute(rule.sql).fetchall()) == 2, "and no other amount than the table's"
