"""int_finding_mentor: MENTOR_UNKNOWN per agreement; MENTOR_TRAINING_OVERDUE,
MENTOR_TRAINING_LATE, MENTOR_PROFILE and MENTOR_OVERLOAD per mentor (RULES.md, Compliance
findings), around the training deadline: recognition date + 12 months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import MENTOR, OTHER_MENTOR, add_agreement, add_recognition, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows
from tests.transforms.test_fct_compliance_findings import learner

MODEL = "int_finding_mentor"
RECOGNISED = date(2024, 3, 1)
DEADLINE = date(2025, 3, 1)  # add_months(01/03/2024, 12)
DAY = timedelta(days=1)


def findings(con) -> list[tuple]:
    return model_rows(con, MODEL, "code, agreement_id, mentor_insz, detail, due_date")


def test_an_agreement_whose_mentor_is_not_in_the_register_names_an_unknown_mentor() -> None:
    con = rules_db()
    add_recognition(con, company_kbo="0987654321")  # another company: INSZ alone matches
    add_agreement(con, agreement_id="A-1")
    add_agreement(con, agreement_id="A-2", learner_insz=learner(2), mentor_insz=OTHER_MENTOR)
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert findings(con) == [
        (
            "MENTOR_UNKNOWN",
            "A-2",
            OTHER_MENTOR,
            "mentor van de overeenkomst staat niet in het erkenningsregister",
            None,
        )
    ]


@pytest.mark.parametrize(
    ("as_of", "days"),
    [(DEADLINE, None), (DEADLINE + DAY, "1 dag"), (DEADLINE + 10 * DAY, "10 dagen")],
)
def test_untrained_after_the_deadline_is_overdue(as_of: date, days: str | None) -> None:
    con = rules_db()
    add_recognition(con, recognition_date=RECOGNISED, mentor_training_date=None)
    build_model(con, MODEL, as_of)
    detail = (
        "geen mentoropleiding binnen 12 maanden na de erkenning van 01/03/2024; "
        f"deadline 01/03/2025 is {days} verstreken"
    )
    expected = [("MENTOR_TRAINING_OVERDUE", None, MENTOR, detail, DEADLINE)]
    assert findings(con) == (expected if days else [])


def test_an_exempt_mentor_is_never_overdue_nor_late() -> None:
    con = rules_db()
    add_recognition(
        con, recognition_date=RECOGNISED, mentor_training_date=None, mentor_training_exempt=True
    )
    add_recognition(
        con,
        recognition_id="ERK-2",
        mentor_insz=OTHER_MENTOR,
        recognition_date=RECOGNISED,
        mentor_training_date=DEADLINE + DAY,
        mentor_training_exempt=True,
    )
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert findings(con) == []


def test_trained_on_the_deadline_is_in_time_a_day_later_is_late() -> None:
    con = rules_db()
    add_recognition(con, recognition_date=RECOGNISED, mentor_training_date=DEADLINE)
    add_recognition(
        con,
        recognition_id="ERK-2",
        mentor_insz=OTHER_MENTOR,
        recognition_date=RECOGNISED,
        mentor_training_date=DEADLINE + DAY,
    )
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert cte_rows(con, MODEL, "mentors_judged", "mentor_insz, days_trained_late") == sorted(
        [(MENTOR, 0), (OTHER_MENTOR, 1)]
    )
    assert findings(con) == [
        (
            "MENTOR_TRAINING_LATE",
            None,
            OTHER_MENTOR,
            "mentoropleiding gevolgd op 02/03/2025, 1 dag na de deadline van 01/03/2025 "
            "(erkenning van 01/03/2024 + 12 maanden)",
            None,
        )
    ]


def test_the_profile_and_the_overload_of_a_mentor_carry_no_agreement() -> None:
    con = rules_db()
    add_recognition(con, years_experience=4)
    for n in range(1, 5):
        add_agreement(con, agreement_id=f"A-{n}", learner_insz=learner(n))
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert findings(con) == [
        (
            "MENTOR_OVERLOAD",
            None,
            MENTOR,
            "begeleidt 4 overeenkomsten tegelijk (maximum 3), voor het eerst op 01/09/2024",
            None,
        ),
        (
            "MENTOR_PROFILE",
            None,
            MENTOR,
            "erkenning ERK-1 van 01/03/2024: 4 jaar ervaring (minimum 5)",
            None,
        ),
    ]
