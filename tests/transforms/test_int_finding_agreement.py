"""int_finding_agreement: HOURS_TYPE_MISMATCH, PAY_TYPE_MISMATCH and AGREEMENT_TOO_LONG
(RULES.md, Compliance findings) at the value where each flips, with their Dutch details."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.builders import add_agreement, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows
from tests.transforms.test_fct_compliance_findings import learner

MODEL = "int_finding_agreement"
AS_OF = date(2025, 9, 1)


def findings(con) -> list[tuple]:
    return model_rows(con, MODEL, "code, agreement_id, detail, due_date")


def test_an_oao_has_at_least_20_hours_an_sao_fewer() -> None:
    con = rules_db()
    cases = [("OAO", Decimal("19.5"), True), ("OAO", 20, True), ("SAO", 20, False)]
    cases += [("SAO", Decimal("19.99"), False)]
    for n, (kind, hours, allowance) in enumerate(cases, 1):
        add_agreement(
            con,
            agreement_id=f"A-{n}",
            learner_insz=learner(n),
            agreement_type=kind,
            hours_per_week=hours,
            learning_allowance=allowance,
        )
    build_model(con, MODEL, AS_OF)
    assert findings(con) == [
        ("HOURS_TYPE_MISMATCH", "A-1", "OAO met 19,5 uur per week (minimum 20)", None),
        (
            "HOURS_TYPE_MISMATCH",
            "A-3",
            "SAO met 20 uur per week (een SAO heeft minder dan 20 uur)",
            None,
        ),
    ]


def test_an_oao_learner_is_paid_an_sao_learner_is_not() -> None:
    con = rules_db()
    cases = [("OAO", 28, True), ("OAO", 28, False), ("SAO", 12, False), ("SAO", 12, True)]
    for n, (kind, hours, allowance) in enumerate(cases, 1):
        add_agreement(
            con,
            agreement_id=f"A-{n}",
            learner_insz=learner(n),
            agreement_type=kind,
            hours_per_week=hours,
            learning_allowance=allowance,
        )
    build_model(con, MODEL, AS_OF)
    assert findings(con) == [
        ("PAY_TYPE_MISMATCH", "A-2", "OAO zonder leervergoeding", None),
        ("PAY_TYPE_MISMATCH", "A-4", "SAO met leervergoeding", None),
    ]


def test_an_agreement_may_run_36_months_less_a_day() -> None:
    con = rules_db()
    ends = [date(2027, 8, 31), date(2027, 9, 1), date(2027, 9, 10)]
    for n, end in enumerate(ends, 1):
        add_agreement(con, agreement_id=f"A-{n}", learner_insz=learner(n), end_date=end)
    # planned too long, terminated in time: the effective end counts
    add_agreement(
        con,
        agreement_id="A-4",
        learner_insz=learner(4),
        end_date=date(2028, 6, 30),
        termination_date=date(2027, 8, 31),
    )
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "lengths", "agreement_id, latest_end_date, days_too_long") == [
        ("A-1", date(2027, 8, 31), 0),
        ("A-2", date(2027, 8, 31), 1),
        ("A-3", date(2027, 8, 31), 10),
        ("A-4", date(2027, 8, 31), 0),
    ]
    assert findings(con) == [
        (
            "AGREEMENT_TOO_LONG",
            "A-2",
            "looptijd van 01/09/2024 tot 01/09/2027 is 1 dag langer dan 36 maanden "
            "(uiterlijk tot 31/08/2027)",
            None,
        ),
        (
            "AGREEMENT_TOO_LONG",
            "A-3",
            "looptijd van 01/09/2024 tot 10/09/2027 is 10 dagen langer dan 36 maanden "
            "(uiterlijk tot 31/08/2027)",
            None,
        ),
    ]
