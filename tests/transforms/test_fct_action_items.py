"""Golden tests of the Actielijst (RULES.md, "Actielijst"): which findings become an action,
in which urgency group, by when, with what premium at stake, in which order, and which
findings do not because their action can no longer change a premium.

Every agreement here runs in school year 2025-2026, provisional on the as_of of each test,
unless a test says otherwise; the defaults of tests/builders.py make it qualify (registered
on time, in Mechelen, consent with IBAN, a trained mentor) with a leervergoeding (EUR 1000).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb

from tests.builders import (
    COMPANY,
    LEARNER,
    MENTOR,
    OTHER_COMPANY,
    OTHER_LEARNER,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
    rules_db,
    rules_text_without_amounts,
)
from tests.transforms.cte import cte_rows
from tests.transforms.test_fct_compliance_findings import learner, mentor
from tests.transforms.test_int_covered_months import add_months
from transforms.codes import load_codes
from transforms.models import MODELS_DIR, build_models
from transforms.rule_config import RuleConfig, parse_rule_config

MART = "fct_action_items"
AS_OF = date(2025, 11, 28)
YEAR_END = date(2026, 8, 31)  # the last day 2025-2026 is open
DAY = timedelta(days=1)


def build(con: duckdb.DuckDBPyConnection, as_of: date, config: RuleConfig | None = None) -> None:
    """Build the Actielijst and what it reads."""
    build_models(con, config or rule_config(), as_of, targets=(MART,))


def actions(con: duckdb.DuckDBPyConnection, columns: str) -> list[tuple]:
    """The given columns of every action, in the Actielijst's order."""
    return con.execute(f"SELECT {columns} FROM {MART} ORDER BY action_rank").fetchall()


def findings(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(code, agreement_id) of every finding the run has."""
    return con.execute(
        "SELECT code, agreement_id FROM fct_compliance_findings ORDER BY ALL"
    ).fetchall()


def agreement(con: duckdb.DuckDBPyConnection, n: int, start: date, **values: object) -> str:
    """Agreement A-n of learner(n) from start to 30/06/2026, with a counted Dimona that covers
    it (declared on its start), unless values say otherwise; its id."""
    agreement_id = f"A-{n}"
    defaults = {
        "learner_name": f"Lerende {n}",
        "end_date": date(2026, 6, 30),
        "registration_date": start,
    }
    row = add_agreement(
        con,
        agreement_id=agreement_id,
        learner_insz=learner(n),
        start_date=start,
        **(defaults | values),
    )
    add_dimona(
        con,
        company_kbo=row["company_kbo"],
        worker_insz=learner(n),
        start_date=start,
        end_date=None,
        declared_on=start,
    )
    return agreement_id


def unregistered_due_in(con: duckdb.DuckDBPyConnection, n: int, days: int, **values: object) -> str:
    """An unregistered agreement whose registration deadline is `days` after AS_OF."""
    start = add_months(AS_OF + days * DAY, -3)
    return agreement(con, n, start, registration_date=None, **values)


# --- registration ------------------------------------------------------------------------


def test_a_registration_due_is_grouped_by_the_days_left_company_first() -> None:
    con = rules_db()
    add_recognition(con)
    for n, days in enumerate((0, 1, 7, 8, 30, 31), start=1):
        unregistered_due_in(con, n, days)
    # a company whose name sorts first: its action comes first within its group
    unregistered_due_in(con, 7, 7, company_kbo=OTHER_COMPANY, company_name="Aannemer Claes BV")
    build(con, AS_OF)
    assert actions(
        con,
        "action_rank, urgency, urgency_label, agreement_id, company_name, due_date, days_left, "
        "overdue_since, premium_at_stake_eur, school_years",
    ) == [
        (1, "DUE_TODAY", "Vandaag", "A-1", "Metaalbouw Vermeulen NV", AS_OF, 0, None, 1000, "2025-2026"),
        (2, "DUE_SOON", "Binnen 7 dagen", "A-7", "Aannemer Claes BV", date(2025, 12, 5), 7, None, 1000, "2025-2026"),
        (3, "DUE_SOON", "Binnen 7 dagen", "A-2", "Metaalbouw Vermeulen NV", date(2025, 11, 29), 1, None, 1000, "2025-2026"),
        (4, "DUE_SOON", "Binnen 7 dagen", "A-3", "Metaalbouw Vermeulen NV", date(2025, 12, 5), 7, None, 1000, "2025-2026"),
        (5, "DUE_NEAR", "Binnen 30 dagen", "A-4", "Metaalbouw Vermeulen NV", date(2025, 12, 6), 8, None, 1000, "2025-2026"),
        (6, "DUE_NEAR", "Binnen 30 dagen", "A-5", "Metaalbouw Vermeulen NV", date(2025, 12, 28), 30, None, 1000, "2025-2026"),
    ], "31 days ahead is no REGISTRATION_DUE yet, so no action (A-6)"  # fmt: skip


def test_an_action_row_names_whom_to_call_and_what_to_do() -> None:
    con = rules_db()
    add_recognition(con, mentor_name="Marc Janssens (register)")
    unregistered_due_in(con, 1, 3, mentor_name="Marc Janssens")
    build(con, AS_OF)
    cursor = con.execute(f"SELECT * FROM {MART}")
    names = [d[0] for d in cursor.description]
    assert [dict(zip(names, row, strict=True)) for row in cursor.fetchall()] == [
        {
            "action_rank": 1,
            "urgency": "DUE_SOON",
            "urgency_label": "Binnen 7 dagen",
            "urgency_order": 2,
            "due_date": date(2025, 12, 1),
            "days_left": 3,
            "overdue_since": None,
            "days_overdue": None,
            "code": "REGISTRATION_DUE",
            "severity": "info",
            "action": "Registreer de overeenkomst in werkplekduaal, uiterlijk op de vermelde datum",
            "detail": "nog niet geregistreerd; deadline 01/12/2025, over 3 dagen",
            "premium_at_stake_eur": 1000,
            "school_years": "2025-2026",
            "office": "Antwerpen",
            "company_kbo": COMPANY,
            "company_name": "Metaalbouw Vermeulen NV",
            "establishment_id": "2123456789",
            "agreement_id": "A-1",
            "agreement_ids": "A-1",
            "learner_insz": learner(1),
            "learner_name": "Lerende 1",
            "mentor_insz": MENTOR,
            "mentor_name": "Marc Janssens (register)",
        }
    ]


def test_after_the_deadline_no_action_is_left_for_the_agreement() -> None:
    """A registration after the deadline loses the premium for the agreement (RULES.md): the
    day after the deadline no registration, and no Dimona either, can still save it."""
    con = rules_db()
    add_recognition(con)
    add_agreement(  # deadline 27/11/2025, the day before AS_OF; no Dimona
        con,
        agreement_id="A-1",
        learner_insz=learner(1),
        start_date=date(2025, 8, 27),
        end_date=date(2026, 6, 30),
        registration_date=None,
    )
    add_agreement(  # deadline 20/11/2025, registered a day later; no Dimona
        con,
        agreement_id="A-2",
        learner_insz=learner(2),
        start_date=date(2025, 8, 20),
        end_date=date(2026, 6, 30),
        registration_date=date(2025, 11, 21),
    )
    build(con, AS_OF - DAY)  # the deadline day of A-1
    assert actions(con, "urgency, code, agreement_id") == [
        ("DUE_TODAY", "REGISTRATION_DUE", "A-1"),
        ("PAST_DUE", "DIMONA_MISSING", "A-1"),
    ]
    build(con, AS_OF)
    assert findings(con) == [
        ("DIMONA_MISSING", "A-1"),
        ("DIMONA_MISSING", "A-2"),
        ("REGISTRATION_LATE", "A-2"),
        ("REGISTRATION_MISSING", "A-1"),
    ]
    assert actions(con, "code, agreement_id") == []


def test_nothing_to_save_is_no_action() -> None:
    """Outside the Flemish Region, with the cap reached, or for a pair whose premium another
    agreement already brings, a registration due saves no premium."""
    con = rules_db()
    add_recognition(con)
    unregistered_due_in(con, 1, 5, establishment_postcode=4000)  # Luik
    unregistered_due_in(con, 2, 5)
    for year in ("2020-2021", "2021-2022", "2022-2023"):
        add_premium_paid(con, learner_insz=learner(2), school_year=year)
    agreement(con, 3, date(2025, 9, 1))  # qualifies: the pair's premium of 2025-2026
    add_agreement(
        con,
        agreement_id="A-3b",
        learner_insz=learner(3),
        start_date=add_months(AS_OF + 5 * DAY, -3),
        end_date=date(2026, 6, 30),
        registration_date=None,
    )
    unregistered_due_in(con, 4, 5)  # the one that counts
    build(con, AS_OF)
    assert (
        sorted(c for c, _ in findings(con) if c == "REGISTRATION_DUE") == ["REGISTRATION_DUE"] * 4
    )
    assert cte_rows(con, MART, "open_premiums", "agreement_id, school_year, premium_eur") == [
        ("A-4", "2025-2026", 1000)
    ]
    assert actions(con, "code, agreement_id, premium_at_stake_eur") == [
        ("REGISTRATION_DUE", "A-4", 1000)
    ]


def test_a_school_year_without_amounts_keeps_its_actions_with_no_amount() -> None:
    con = rules_db()
    add_recognition(con)
    unregistered_due_in(con, 1, 5)
    build(con, AS_OF, parse_rule_config(rules_text_without_amounts("2025-2026")))
    assert actions(con, "code, agreement_id, premium_at_stake_eur, school_years") == [
        ("REGISTRATION_DUE", "A-1", None, "2025-2026")
    ]


# --- Dimona ------------------------------------------------------------------------------


def test_a_missing_dimona_is_an_action_while_its_school_year_is_open() -> None:
    as_of = date(2026, 3, 2)
    con = rules_db()
    add_recognition(con)
    # ended in 2024: every school year final, the premium cannot change any more
    add_agreement(
        con,
        agreement_id="A-1",
        learner_insz=learner(1),
        start_date=date(2023, 9, 1),
        end_date=date(2024, 6, 30),
        registration_date=date(2023, 9, 1),
    )
    # ended in January 2026, without a leervergoeding (an SAO): 2025-2026 is still open
    add_agreement(
        con,
        agreement_id="A-2",
        learner_insz=learner(2),
        learner_name="Lerende 2",
        agreement_type="SAO",
        hours_per_week=16,
        learning_allowance=False,
        start_date=date(2025, 9, 1),
        end_date=date(2026, 1, 31),
        registration_date=date(2025, 9, 1),
    )
    # starts today: the declaration is due today
    add_agreement(
        con,
        agreement_id="A-3",
        learner_insz=learner(3),
        start_date=as_of,
        end_date=date(2027, 6, 30),
        registration_date=None,
    )
    build(con, as_of)
    assert [f for f in findings(con) if f[0] == "DIMONA_MISSING"] == [
        ("DIMONA_MISSING", "A-1"),
        ("DIMONA_MISSING", "A-2"),
        ("DIMONA_MISSING", "A-3"),
    ]
    assert actions(
        con,
        "urgency, code, agreement_id, due_date, days_left, overdue_since, days_overdue, "
        "premium_at_stake_eur, school_years, learner_name",
    ) == [
        ("DUE_TODAY", "DIMONA_MISSING", "A-3", as_of, 0, None, None, 1000, "2025-2026", "Jens Peeters"),
        ("PAST_DUE", "DIMONA_MISSING", "A-2", YEAR_END, 182, date(2025, 9, 1), 182, 600, "2025-2026", "Lerende 2"),
    ]  # fmt: skip


def test_a_missing_dimona_whose_last_day_is_near_is_grouped_by_that_day() -> None:
    con = rules_db()
    add_recognition(con)
    add_agreement(con, start_date=date(2025, 9, 1), end_date=date(2026, 6, 30))
    build(con, YEAR_END - 7 * DAY)
    assert actions(con, "urgency, due_date, days_left, overdue_since") == [
        ("DUE_SOON", YEAR_END, 7, date(2025, 9, 1))
    ]
    build(con, YEAR_END)  # 31 August: 2025-2026 is final
    assert actions(con, "urgency") == []


# --- mentors -----------------------------------------------------------------------------


def test_a_mentor_overdue_puts_the_premiums_of_each_company_at_stake() -> None:
    con = rules_db()
    overdue = mentor(1)
    add_recognition(  # training due by 01/03/2025, none yet
        con,
        mentor_insz=overdue,
        mentor_name="Els Wouters",
        recognition_date=date(2024, 3, 1),
        mentor_training_date=None,
    )
    guided = dict(mentor_insz=overdue, mentor_name="E. Wouters")
    agreement(con, 1, date(2025, 9, 1), **guided)  # paid: EUR 1000
    agreement(  # unpaid: EUR 600
        con,
        2,
        date(2025, 9, 1),
        agreement_type="SAO",
        hours_per_week=16,
        learning_allowance=False,
        **guided,
    )
    add_agreement(  # the first learner again, unpaid: one premium per learner and year
        con,
        agreement_id="A-5",
        learner_insz=learner(1),
        agreement_type="SAO",
        hours_per_week=16,
        learning_allowance=False,
        start_date=date(2026, 2, 1),
        end_date=date(2026, 6, 30),
        **guided,
    )
    agreement(con, 3, date(2025, 9, 1), company_kbo=OTHER_COMPANY, company_name="Bouw Claes", **guided)  # fmt: skip
    # the same mentor in a final year only: nothing left to save there
    add_agreement(
        con,
        agreement_id="A-4",
        learner_insz=learner(4),
        start_date=date(2023, 9, 1),
        end_date=date(2024, 6, 30),
        **guided,
    )
    build(con, AS_OF)
    assert actions(
        con,
        "urgency, code, agreement_id, mentor_insz, mentor_name, company_name, agreement_ids, "
        "learner_insz, due_date, overdue_since, days_overdue, premium_at_stake_eur, school_years",
    ) == [
        ("PAST_DUE", "MENTOR_TRAINING_OVERDUE", None, overdue, "Els Wouters", "Bouw Claes", "A-3",
         learner(3), YEAR_END, date(2025, 3, 1), 272, 1000, "2025-2026"),
        ("PAST_DUE", "MENTOR_TRAINING_OVERDUE", None, overdue, "Els Wouters", "Metaalbouw Vermeulen NV",
         "A-1;A-2;A-5", None, YEAR_END, date(2025, 3, 1), 272, 1600, "2025-2026"),
    ]  # fmt: skip


def test_a_mentor_overdue_without_agreements_is_no_action() -> None:
    con = rules_db()
    add_recognition(con, mentor_insz=mentor(1), mentor_training_date=None)
    build(con, AS_OF)
    assert findings(con) == [("MENTOR_TRAINING_OVERDUE", None)]
    assert actions(con, "code") == []


# --- the registry and the mart -------------------------------------------------------------


def test_every_code_with_an_action_has_its_family_in_the_mart() -> None:
    """A code given an action in transforms/codes.toml needs its family in fct_action_items
    (what the action can still change); without it the code would never be an action."""
    sql = (MODELS_DIR / "marts" / f"{MART}.sql").read_text(encoding="utf-8")
    handled = re.findall(r"\('([A-Z_]+)', '(?:agreement|mentor)'", sql)
    for listed in re.findall(r"where findings\.code in \(([^)]*)\)", sql):
        handled += re.findall(r"'([A-Z_]+)'", listed)
    with_action = [c.code for c in load_codes().of("finding") if c.action]
    assert sorted(handled) == sorted(with_action)
    assert [c.code for c in load_codes().of("action_group")] == [
        "DUE_TODAY",
        "DUE_SOON",
        "DUE_NEAR",
        "PAST_DUE",
        "DUE_LATER",
    ], "the urgency groups in the order the Actielijst shows them"


def test_a_payment_that_is_not_what_was_decided_is_a_claim_past_its_date() -> None:
    """A premium decided for 2024-2025 (EUR 1000) and never paid, and one paid EUR 600 where
    EUR 1000 was decided: on 1 March 2026, the day after the expected payment date, both
    are actions without a term of their own, listed as past their date (the expected date),
    with the money in question and the learner's name."""
    from tests.transforms.test_fct_payment_reconciliation import eligible_pair, paid

    con = rules_db()
    eligible_pair(con)  # the default pair, eligible in 2024-2025 for EUR 1000, never paid
    add_agreement(
        con,
        agreement_id="OVK-2",
        learner_insz=OTHER_LEARNER,
        learner_name="Lotte Maes",
    )
    add_dimona(con, worker_insz=OTHER_LEARNER)
    paid(con, 600, learner_insz=OTHER_LEARNER)
    build(con, as_of=date(2026, 3, 1))
    assert actions(
        con,
        "code, urgency, due_date, days_left, overdue_since, days_overdue, "
        "premium_at_stake_eur, school_years, learner_insz, learner_name, agreement_id",
    ) == [
        ("PAYMENT_MISSING", "PAST_DUE", None, None, date(2026, 2, 28), 1, 1000, "2024-2025",
         LEARNER, "Jens Peeters", None),
        ("PAYMENT_AMOUNT_DIFFERS", "PAST_DUE", None, None, date(2026, 2, 28), 1, 400,
         "2024-2025", OTHER_LEARNER, "Lotte Maes", None),
    ]  # fmt: skip
