"""Golden tests of the payment reconciliation (RULES.md, "Payment reconciliation"): for each
status the day or the cent it flips, with the exact rows of fct_payment_reconciliation and
the payment findings of fct_compliance_findings.

The defaults of tests/builders.py make one pair eligible in 2024-2025 (EUR 1000, an OAO with
a leervergoeding in Mechelen); that year ends on 31/08/2025 and its premium is expected by
28/02/2026 (payment_expected_months = 6).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from tests.builders import (
    COMPANY,
    LEARNER,
    OTHER_COMPANY,
    RULES_FILE,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    build,
    rules_db,
)
from tests.transforms.cte import build_model, cte_rows
from transforms.rule_config import parse_rule_config

MART = "fct_payment_reconciliation"
RULES_TEXT = RULES_FILE.read_text(encoding="utf-8")
EXPECTED = date(2026, 2, 28)  # 31/08/2025 + 6 months
PAID_ON = date(2025, 12, 15)


def eligible_pair(con: duckdb.DuckDBPyConnection) -> None:
    """The default pair, eligible in 2024-2025 for EUR 1000."""
    add_agreement(con)
    add_dimona(con)
    add_recognition(con)


def paid(con: duckdb.DuckDBPyConnection, amount: object = 1000, **values: object) -> dict:
    """A premie of 2024-2025 paid to the default pair on 15/12/2025."""
    row = {"school_year": "2024-2025", "kind": "premie", "amount_eur": amount, "paid_on": PAID_ON}
    return add_premium_paid(con, **(row | values))


def reconciled(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(school_year, company, learner, office, status, decided, paid, paid_on, expected_by,
    eligible, reasons, detail) of every row of the mart."""
    return con.execute(
        f"SELECT school_year, company_kbo, learner_insz, office, status, decided_eur, paid_eur, "
        f"paid_on, expected_by, eligible, reasons, detail FROM {MART} ORDER BY ALL"
    ).fetchall()


def payment_findings(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(code, severity, agreement, company, learner, mentor, office, detail, due_date) of the
    payment findings."""
    return con.execute(
        "SELECT code, severity, agreement_id, company_kbo, learner_insz, mentor_insz, office, "
        "detail, due_date FROM fct_compliance_findings WHERE code LIKE 'PAYMENT_%' ORDER BY ALL"
    ).fetchall()


def statuses(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(school_year, company, learner, status) of every row."""
    return con.execute(
        f"SELECT school_year, company_kbo, learner_insz, status FROM {MART} ORDER BY ALL"
    ).fetchall()


def with_amounts_until(last_year: int) -> str:
    """The repository's configuration with amounts for every school year up to last_year."""
    extra = "".join(
        f'\n[[premium.amounts]]\nschool_year = "{y}-{y + 1}"\npaid_eur = 1000\nunpaid_eur = 600\n'
        for y in range(2027, last_year + 1)
    )
    return RULES_TEXT.replace("\n[compliance]", extra + "\n[compliance]", 1)


# --- awaited and missing: the expected payment date -----------------------------------


def test_awaited_on_the_expected_date_and_missing_the_day_after() -> None:
    con = rules_db()
    eligible_pair(con)
    build(con, as_of=EXPECTED)
    awaited = (
        "Premie 2024-2025 beslist: € 1.000; nog niets uitbetaald, verwacht uiterlijk 28/02/2026"
    )
    assert reconciled(con) == [
        ("2024-2025", COMPANY, LEARNER, "Antwerpen", "awaited", 1000, None, None, EXPECTED)
        + (True, "", awaited)
    ]
    assert payment_findings(con) == [], "an awaited premium is no finding"

    build(con, as_of=date(2026, 3, 1))
    missing = "Premie 2024-2025 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk 28/02/2026"
    assert reconciled(con) == [
        ("2024-2025", COMPANY, LEARNER, "Antwerpen", "missing", 1000, None, None, EXPECTED)
        + (True, "", missing)
    ]
    assert payment_findings(con) == [
        ("PAYMENT_MISSING", "warning", None, COMPANY, LEARNER, None, "Antwerpen", missing)
        + (EXPECTED,)
    ]


def test_the_expected_date_of_a_leap_year_is_29_february() -> None:
    con = rules_db()
    add_agreement(
        con,
        start_date=date(2026, 9, 1),
        end_date=date(2027, 6, 30),
        registration_date=date(2026, 9, 15),
    )
    add_dimona(con, start_date=date(2026, 9, 1), end_date=date(2027, 6, 30))
    add_recognition(con)
    config = parse_rule_config(with_amounts_until(2027))
    build(con, as_of=date(2028, 2, 29), config=config)
    assert statuses(con) == [("2026-2027", COMPANY, LEARNER, "awaited")]
    build(con, as_of=date(2028, 3, 1), config=config)
    assert reconciled(con)[0][4:9] == ("missing", 1000, None, None, date(2028, 2, 29))
    assert payment_findings(con)[0][7:] == (
        "Premie 2026-2027 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk 29/02/2028",
        date(2028, 2, 29),
    )


def test_every_final_year_gets_its_own_expected_date() -> None:
    """The final_years CTE: from the first premium year, 31 August + 6 months, clamped."""
    con = rules_db()
    build_model(con, "int_payment_reconciliation", date(2026, 9, 1))
    assert cte_rows(
        con, "int_payment_reconciliation", "final_years", "school_year, expected_by"
    ) == [
        ("2023-2024", date(2025, 2, 28)),
        ("2024-2025", date(2026, 2, 28)),
        ("2025-2026", date(2027, 2, 28)),
    ]


def test_the_expected_date_follows_payment_expected_months() -> None:
    con = rules_db()
    eligible_pair(con)
    text = RULES_TEXT.replace("payment_expected_months = 6 ", "payment_expected_months = 3 ")
    build(con, as_of=date(2025, 12, 1), config=parse_rule_config(text))
    assert reconciled(con)[0][4:9] == ("missing", 1000, None, None, date(2025, 11, 30))


# --- paid and amount_differs: to the cent ---------------------------------------------


@pytest.mark.parametrize(
    ("amount", "status", "detail"),
    [
        (1000, "paid", "Premie 2024-2025 beslist: € 1.000; uitbetaald op 15/12/2025"),
        (
            Decimal("999.99"),
            "amount_differs",
            "Premie 2024-2025 beslist: € 1.000; uitbetaald € 999,99 op 15/12/2025, "
            "€ 0,01 te weinig",
        ),
        (
            Decimal("1000.01"),
            "amount_differs",
            "Premie 2024-2025 beslist: € 1.000; uitbetaald € 1.000,01 op 15/12/2025, € 0,01 te veel",
        ),
        (
            600,
            "amount_differs",
            "Premie 2024-2025 beslist: € 1.000; uitbetaald € 600 op 15/12/2025, € 400 te weinig",
        ),
    ],
)
def test_the_amount_paid_is_compared_to_the_cent(amount, status, detail) -> None:
    con = rules_db()
    eligible_pair(con)
    paid(con, amount)
    build(con, as_of=date(2026, 3, 1))
    assert reconciled(con) == [
        ("2024-2025", COMPANY, LEARNER, "Antwerpen", status, 1000, Decimal(amount), PAID_ON)
        + (EXPECTED, True, "", detail)
    ]
    expected = [] if status == "paid" else [("PAYMENT_AMOUNT_DIFFERS", detail, EXPECTED)]
    assert [(f[0], f[7], f[8]) for f in payment_findings(con)] == expected


def test_a_premium_paid_before_its_expected_date_is_paid() -> None:
    con = rules_db()
    eligible_pair(con)
    paid(con)
    build(con, as_of=date(2025, 12, 31))
    assert statuses(con) == [("2024-2025", COMPANY, LEARNER, "paid")]


# --- not_due and no_decision: paid against the rules ------------------------------------


def test_paid_against_a_decision_without_a_right_is_not_due() -> None:
    con = rules_db()
    add_agreement(con, registration_date=date(2024, 12, 2))  # deadline 01/12/2024
    add_dimona(con)
    add_recognition(con)
    paid(con)
    build(con, as_of=date(2025, 9, 1))
    detail = (
        "Premie 2024-2025 uitbetaald: € 1.000 op 15/12/2025, maar beslist zonder recht op de "
        "premie (Te laat geregistreerd in werkplekduaal)"
    )
    assert reconciled(con) == [
        ("2024-2025", COMPANY, LEARNER, "Antwerpen", "not_due", 0, Decimal(1000), PAID_ON)
        + (EXPECTED, False, "REGISTRATION_LATE", detail)
    ]
    assert payment_findings(con) == [
        ("PAYMENT_NOT_DUE", "warning", None, COMPANY, LEARNER, None, "Antwerpen", detail, EXPECTED)
    ]


def test_paid_for_a_year_without_a_decision() -> None:
    con = rules_db()
    eligible_pair(con)  # active in 2024-2025 only
    paid(con)  # as decided
    paid(con, school_year="2023-2024", paid_on=date(2024, 12, 1))  # before its agreement
    paid(con, 600, company_kbo=OTHER_COMPANY)  # a company the learner has no agreement with
    build(con, as_of=date(2025, 9, 1))
    before = (
        "Premie 2023-2024 uitbetaald: € 1.000 op 01/12/2024, maar zonder beslissing: geen "
        "actieve overeenkomst van het paar in 2023-2024 gevonden"
    )
    other = (
        "Premie 2024-2025 uitbetaald: € 600 op 15/12/2025, maar zonder beslissing: geen "
        "actieve overeenkomst van het paar in 2024-2025 gevonden"
    )
    assert reconciled(con) == [
        # placed by the pair's agreement of another year
        ("2023-2024", COMPANY, LEARNER, "Antwerpen", "no_decision", 0, Decimal(1000))
        + (date(2024, 12, 1), date(2025, 2, 28), None, None, before),
        ("2024-2025", COMPANY, LEARNER, "Antwerpen", "paid", 1000, Decimal(1000), PAID_ON)
        + (EXPECTED, True, "", "Premie 2024-2025 beslist: € 1.000; uitbetaald op 15/12/2025"),
        # a pair that never had an agreement has no place
        ("2024-2025", OTHER_COMPANY, LEARNER, None, "no_decision", 0, Decimal(600))
        + (PAID_ON, EXPECTED, None, None, other),
    ]
    assert payment_findings(con) == [
        ("PAYMENT_WITHOUT_DECISION", "warning", None, COMPANY, LEARNER, None, "Antwerpen")
        + (before, date(2025, 2, 28)),
        ("PAYMENT_WITHOUT_DECISION", "warning", None, OTHER_COMPANY, LEARNER, None, None)
        + (other, EXPECTED),
    ]


# --- which pairs and years are reconciled ------------------------------------------------


def test_a_later_export_of_the_same_history_key_replaces_the_earlier_one() -> None:
    """Batch 3 is the later export by every order of versions: a later load, a later file
    name (premies_3.xlsx after premies_2.xlsx) and a later export date (batch 1 holds the
    pair's other inputs)."""
    con = rules_db()
    eligible_pair(con)
    for batch, exported in ((2, date(2025, 12, 20)), (3, date(2026, 1, 20))):
        con.execute(
            "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, "
            "sheet_name, status, rows_read, rows_accepted, rows_quarantined, rows_blank, "
            "loaded_at, export_date) VALUES (?, 'premies', ?, ?, ?, 'Blad1', 'loaded', 1, 1, 0, "
            "0, ?, ?)",
            [batch, f"premies_{batch}.xlsx", f"premies_{batch}.xlsx", f"sha{batch}"]
            + [exported, exported],
        )
    paid(con, 600, batch_id=2)
    paid(con, 1000, batch_id=3, paid_on=date(2026, 1, 10))
    build(con, as_of=date(2026, 3, 1))
    assert con.execute(
        f"SELECT status, paid_eur, paid_on, payment_batch_id, payment_file_name FROM {MART}"
    ).fetchall() == [("paid", Decimal(1000), date(2026, 1, 10), 3, "premies_3.xlsx")]
    assert payment_findings(con) == [], "the corrected amount replaced the one of batch 2"


def test_the_cap_counts_a_premium_the_rules_did_not_grant() -> None:
    con = rules_db()
    add_recognition(con, mentor_training_date=date(2023, 6, 1))
    add_agreement(  # registered late in 2023-2024: no right to that year's premium
        con,
        agreement_id="OVK-0",
        start_date=date(2023, 9, 1),
        end_date=date(2024, 6, 30),
        registration_date=date(2024, 1, 15),
    )
    add_dimona(con, start_date=date(2023, 9, 1), end_date=date(2024, 6, 30))
    add_agreement(con)  # eligible in 2024-2025, but for the cap
    add_dimona(con)
    for year in ("2021-2022", "2022-2023"):
        add_premium_paid(con, school_year=year)  # two stagebonuses
    paid(con, school_year="2023-2024", paid_on=date(2024, 12, 1))
    build(con, as_of=date(2025, 9, 1))
    assert statuses(con) == [("2023-2024", COMPANY, LEARNER, "not_due")]
    assert con.execute(
        "SELECT school_year, eligible, premiums_before, reasons FROM fct_premium_decisions "
        "ORDER BY school_year"
    ).fetchall() == [
        ("2023-2024", False, 2, "REGISTRATION_LATE"),
        ("2024-2025", False, 3, "CAP_REACHED"),
    ], "the premium paid without a right is the third premium before 2024-2025"


def test_a_premie_before_the_first_premium_year_is_not_reconciled_but_counts() -> None:
    con = rules_db()
    eligible_pair(con)
    paid(con, school_year="2022-2023", paid_on=date(2023, 12, 1))  # the stagebonus regime
    build(con, as_of=date(2025, 9, 1))
    assert statuses(con) == [("2024-2025", COMPANY, LEARNER, "awaited")]
    assert con.execute("SELECT premiums_before FROM fct_premium_decisions").fetchall() == [(1,)]


def test_the_first_premium_year_itself_is_reconciled() -> None:
    con = rules_db()
    add_agreement(
        con,
        start_date=date(2023, 9, 1),
        end_date=date(2024, 6, 30),
        registration_date=date(2023, 9, 15),
    )
    add_dimona(con, start_date=date(2023, 9, 1), end_date=date(2024, 6, 30))
    add_recognition(con, mentor_training_date=date(2023, 6, 1))
    build(con, as_of=date(2025, 3, 1))
    assert reconciled(con)[0][:9] == (
        "2023-2024",
        COMPANY,
        LEARNER,
        "Antwerpen",
        "missing",
        1000,
        None,
        None,
        date(2025, 2, 28),
    )


def test_a_provisional_year_is_not_reconciled() -> None:
    con = rules_db()
    eligible_pair(con)
    paid(con, paid_on=date(2025, 8, 1))  # paid before the year is over
    build(con, as_of=date(2025, 8, 31))
    assert statuses(con) == [("2024-2025", COMPANY, LEARNER, "paid")], "final on 31 August"
    build(con, as_of=date(2025, 8, 30))
    assert con.execute("SELECT status FROM fct_premium_decisions").fetchall() == [("provisional",)]
    assert statuses(con) == []
    assert payment_findings(con) == []


def test_a_pair_neither_eligible_nor_paid_is_not_reconciled() -> None:
    con = rules_db()
    add_agreement(con, premium_consent=False)
    add_dimona(con)
    add_recognition(con)
    build(con, as_of=date(2026, 3, 1))
    assert con.execute("SELECT eligible FROM fct_premium_decisions").fetchall() == [(False,)]
    assert statuses(con) == []


def test_a_configuration_recorded_before_payments_were_reconciled_reconciles_nothing() -> None:
    """A run's stored configuration without payment_expected_months (recorded before it
    existed): its audit must find what it found, no reconciliation and no payment finding."""
    con = rules_db()
    eligible_pair(con)
    paid(con, 600)
    text = RULES_TEXT.replace("payment_expected_months = 6 ", "# (not yet) ")
    config = parse_rule_config(text)
    assert config.premium.payment_expected_months is None
    build(con, as_of=date(2026, 3, 1), config=config)
    assert statuses(con) == []
    assert payment_findings(con) == []
