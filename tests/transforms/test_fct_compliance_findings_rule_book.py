"""fct_compliance_findings against RULES.md: golden tests for the places where the
SQL and the rule book could part ways, including rule parameters that must follow the
configuration rather than a literal in the SQL.

The defaults of tests/builders.py make one clean agreement (OVK-1, OAO from 01/09/2024,
registered on time, Dimona declared before the start, trained mentor aged 44).
"""

from __future__ import annotations

from datetime import date

import duckdb

from tests.builders import (
    MENTOR,
    OTHER_COMPANY,
    add_agreement,
    add_dimona,
    add_recognition,
    rule_config,
    rules_db,
)
from transforms.models import build_models
from transforms.rule_config import RuleConfig, parse_rule_config

MART = "fct_compliance_findings"


def config_with(old: str, new: str) -> RuleConfig:
    """The repository's rule configuration with one line of text replaced."""
    text = rule_config().text
    assert old in text, f"{old!r} is not in rules.toml"
    return parse_rule_config(text.replace(old, new))


def findings(
    con: duckdb.DuckDBPyConnection, as_of: date, config: RuleConfig | None = None
) -> list[tuple]:
    """(code, severity, agreement_id, mentor_insz, detail, due_date) rows of the mart."""
    build_models(con, config or rule_config(), as_of, targets=(MART,))
    return con.execute(
        f"SELECT code, severity, agreement_id, mentor_insz, detail, due_date FROM {MART} "
        "ORDER BY code, agreement_id, mentor_insz"
    ).fetchall()


def _missing(types_text: str) -> tuple:
    return (
        "DIMONA_MISSING",
        "error",
        "OVK-1",
        MENTOR,
        f"geen Dimona-aangifte ({types_text}) voor de overeenkomst van 01/09/2024 "
        "tot 30/06/2025; gestart 30 dagen geleden",
        date(2024, 9, 1),
    )


# --- counted Dimona types come from the configuration -------------------------------------


def test_missing_dimona_detail_names_the_counted_types_of_the_default_configuration() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    assert findings(con, date(2024, 10, 1)) == [_missing("ALT, OTH of RTA")]


def test_missing_dimona_detail_follows_the_configured_counted_types() -> None:
    # with OTH no longer counted, an OTH period leaves the agreement without Dimona, and the
    # detail must not tell the reader that OTH would have counted
    config = config_with(
        'counted_dimona_types = ["ALT", "OTH", "RTA"]', 'counted_dimona_types = ["RTA", "ALT"]'
    )
    con = rules_db()
    add_agreement(con)
    add_dimona(con, worker_type="OTH")
    add_recognition(con)
    assert findings(con, date(2024, 10, 1), config) == [_missing("ALT of RTA")]


def test_missing_dimona_detail_with_a_single_counted_type() -> None:
    config = config_with(
        'counted_dimona_types = ["ALT", "OTH", "RTA"]', 'counted_dimona_types = ["ALT"]'
    )
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    assert findings(con, date(2024, 10, 1), config) == [_missing("ALT")]


# --- other parameters follow the configuration too -----------------------------------------


def test_compliance_parameters_come_from_the_configuration() -> None:
    # due window 10 days, training within 6 months, at most 1 agreement per mentor
    config = config_with("registration_due_days = 30", "registration_due_days = 10")
    config = parse_rule_config(
        config.text.replace("mentor_training_months = 12", "mentor_training_months = 6").replace(
            "mentor_max_agreements = 3", "mentor_max_agreements = 1"
        )
    )
    con = rules_db()
    add_agreement(con, registration_date=None)
    add_agreement(con, agreement_id="OVK-2", company_kbo=OTHER_COMPANY)
    add_dimona(con)
    add_dimona(con, company_kbo=OTHER_COMPANY)
    add_recognition(con, mentor_training_date=date(2024, 9, 2))
    assert findings(con, date(2024, 11, 20), config) == [
        (
            "MENTOR_OVERLOAD",
            "error",
            None,
            MENTOR,
            "begeleidt 2 overeenkomsten tegelijk (maximum 1), voor het eerst op 01/09/2024",
            None,
        ),
        (
            "MENTOR_TRAINING_LATE",
            "warning",
            None,
            MENTOR,
            "mentoropleiding gevolgd op 02/09/2024, 1 dag na de deadline van 01/09/2024 "
            "(erkenning van 01/03/2024 + 6 maanden)",
            None,
        ),
    ]
    due = [r for r in findings(con, date(2024, 11, 21), config) if r[0] == "REGISTRATION_DUE"]
    assert due == [
        (
            "REGISTRATION_DUE",
            "info",
            "OVK-1",
            MENTOR,
            "nog niet geregistreerd; deadline 01/12/2024, over 10 dagen",
            date(2024, 12, 1),
        )
    ], "REGISTRATION_DUE from 10 days before the deadline, not 30"


# --- boundaries checked against the rule text ----------------------------------------------


def test_cancelled_oth_does_not_make_a_wrong_type() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_dimona(con, worker_type="OTH", status="Geannuleerd")
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == []


def test_oth_beside_alt_on_part_of_the_agreement_is_a_wrong_type() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con, end_date=date(2024, 12, 31))
    add_dimona(con, dimona_id="DIM-OTH", worker_type="OTH", start_date=date(2025, 1, 1))
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == [
        (
            "DIMONA_TYPE",
            "warning",
            "OVK-1",
            MENTOR,
            "Dimona van het type OTH (DIM-OTH) voor een OAO die start op 01/09/2024; "
            "verwacht ALT (of RTA in paritair comité 124)",
            None,
        )
    ]


def test_an_early_student_declaration_does_not_make_a_late_dimona_on_time() -> None:
    # only counted periods overlapping the agreement give the earliest declaration date
    con = rules_db()
    add_agreement(con)
    add_dimona(con, worker_type="STU", declared_on=date(2024, 6, 1))
    add_dimona(con, declared_on=date(2024, 9, 3))
    add_dimona(
        con, start_date=date(2023, 9, 1), end_date=date(2024, 6, 30), declared_on=date(2023, 8, 1)
    )
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == [
        (
            "DIMONA_LATE",
            "error",
            "OVK-1",
            MENTOR,
            "Dimona aangegeven op 03/09/2024, 2 dagen na de start van 01/09/2024",
            None,
        )
    ]


def test_training_deadline_of_a_leap_day_recognition_is_clamped() -> None:
    # 29/02/2024 + 12 months = 28/02/2025 (RULES.md, add_months)
    con = rules_db()
    add_recognition(con, recognition_date=date(2024, 2, 29), mentor_training_date=None)
    assert findings(con, date(2025, 2, 28)) == []
    assert findings(con, date(2025, 3, 1)) == [
        (
            "MENTOR_TRAINING_OVERDUE",
            "error",
            None,
            MENTOR,
            "geen mentoropleiding binnen 12 maanden na de erkenning van 29/02/2024; "
            "deadline 28/02/2025 is 1 dag verstreken",
            date(2025, 2, 28),
        )
    ]


def test_earliest_training_date_may_come_from_a_later_recognition() -> None:
    # judged on the earliest recognition (10/01/2023) and the earliest training date, here
    # the one recorded on the later recognition: trained, but late
    con = rules_db()
    add_recognition(
        con, recognition_id="ERK-1", recognition_date=date(2023, 1, 10), mentor_training_date=None
    )
    add_recognition(
        con,
        recognition_id="ERK-2",
        recognition_date=date(2024, 3, 1),
        mentor_training_date=date(2024, 1, 11),
    )
    assert findings(con, date(2025, 3, 1)) == [
        (
            "MENTOR_TRAINING_LATE",
            "warning",
            None,
            MENTOR,
            "mentoropleiding gevolgd op 11/01/2024, 1 dag na de deadline van 10/01/2024 "
            "(erkenning van 10/01/2023 + 12 maanden)",
            None,
        )
    ]
