"""int_finding_registration: REGISTRATION_LATE, REGISTRATION_MISSING and REGISTRATION_DUE
(RULES.md, Compliance findings) around the deadline add_months(start, 3) and the 30 days
before it, judged at as_of."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import add_agreement, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows

MODEL = "int_finding_registration"
DEADLINE = date(2024, 12, 1)  # add_months(01/09/2024, 3)
DAY = timedelta(days=1)


def findings(con) -> list[tuple]:
    return model_rows(con, MODEL, "code, agreement_id, detail, due_date")


def test_registered_on_the_deadline_is_in_time_a_day_later_is_late() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1", registration_date=DEADLINE)
    add_agreement(con, agreement_id="A-2", registration_date=DEADLINE + DAY)
    add_agreement(con, agreement_id="A-3", registration_date=DEADLINE + 2 * DAY)
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert findings(con) == [
        ("REGISTRATION_LATE", "A-2", "geregistreerd 1 dag na de deadline van 01/12/2024", None),
        ("REGISTRATION_LATE", "A-3", "geregistreerd 2 dagen na de deadline van 01/12/2024", None),
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (DEADLINE - 31 * DAY, []),
        (
            DEADLINE - 30 * DAY,
            [("REGISTRATION_DUE", "nog niet geregistreerd; deadline 01/12/2024, over 30 dagen")],
        ),
        (
            DEADLINE - DAY,
            [("REGISTRATION_DUE", "nog niet geregistreerd; deadline 01/12/2024, over 1 dag")],
        ),
        (DEADLINE, [("REGISTRATION_DUE", "nog niet geregistreerd; deadline 01/12/2024, vandaag")]),
        (
            DEADLINE + DAY,
            [
                (
                    "REGISTRATION_MISSING",
                    "niet geregistreerd; deadline 01/12/2024 is 1 dag verstreken",
                )
            ],
        ),
    ],
)
def test_unregistered_due_within_30_days_missing_once_the_deadline_passed(
    as_of: date, expected: list[tuple]
) -> None:
    con = rules_db()
    add_agreement(con, registration_date=None)
    build_model(con, MODEL, as_of)
    due = DEADLINE if expected and expected[0][0] == "REGISTRATION_DUE" else None
    assert findings(con) == [(code, "OVK-1", detail, due) for code, detail in expected]
    assert cte_rows(con, MODEL, "judged", "days_to_deadline") == [((DEADLINE - as_of).days,)]
