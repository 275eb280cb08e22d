"""int_agreement_conditions: the four premium conditions of every active agreement (RULES.md,
"Premium decision") at the day each flips, the Dutch list of unmet conditions, and the
coverage basis: the qualifying agreements of the pair, or all of them when none qualifies."""

from __future__ import annotations

from datetime import date, timedelta

from tests.builders import MENTOR, OTHER_MENTOR, add_agreement, add_recognition, rules_db
from tests.transforms.cte import build_model, model_rows
from tests.transforms.test_fct_compliance_findings import learner, mentor

MODEL = "int_agreement_conditions"
AS_OF = date(2025, 9, 1)
DEADLINE = date(2024, 12, 1)  # add_months(01/09/2024, 3)


def conditions(con) -> list[tuple]:
    return model_rows(
        con,
        MODEL,
        "agreement_id, registered_on_time, registered_late, in_flanders, consent_with_iban, "
        "mentor_trained, qualifies, unmet_conditions",
    )


def test_registered_on_the_deadline_is_on_time_a_day_later_is_late() -> None:
    con = rules_db()
    add_recognition(con)
    for n, registered in enumerate((DEADLINE, date(2024, 12, 2), None), 1):
        add_agreement(
            con, agreement_id=f"A-{n}", learner_insz=learner(n), registration_date=registered
        )
    build_model(con, MODEL, AS_OF)
    assert conditions(con) == [
        ("A-1", True, False, True, True, True, True, ""),
        ("A-2", False, True, True, True, True, False, "niet tijdig geregistreerd"),
        ("A-3", False, False, True, True, True, False, "niet tijdig geregistreerd"),
    ]


def test_consent_needs_a_bank_account() -> None:
    con = rules_db()
    add_recognition(con)
    cases = [(True, "BE71096123456769"), (True, "  "), (True, None), (False, "BE71096123456769")]
    for n, (consent, iban) in enumerate(cases, 1):
        add_agreement(
            con,
            agreement_id=f"A-{n}",
            learner_insz=learner(n),
            premium_consent=consent,
            company_iban=iban,
        )
    build_model(con, MODEL, AS_OF)
    unmet = "geen toestemming met IBAN"
    assert [(r[0], r[4], r[7]) for r in conditions(con)] == [
        ("A-1", True, ""),
        ("A-2", False, unmet),
        ("A-3", False, unmet),
        ("A-4", False, unmet),
    ]


def test_the_mentor_is_trained_by_31_august_of_the_year_or_exempt() -> None:
    con = rules_db()
    mentors = [
        (MENTOR, date(2025, 8, 31), False),
        (OTHER_MENTOR, date(2025, 9, 1), False),
        (mentor(3), None, True),
    ]
    for n, (insz, trained, exempt) in enumerate(mentors, 1):
        add_recognition(
            con,
            recognition_id=f"ERK-{n}",
            mentor_insz=insz,
            mentor_training_date=trained,
            mentor_training_exempt=exempt,
        )
        add_agreement(con, agreement_id=f"A-{n}", learner_insz=learner(n), mentor_insz=insz)
    add_agreement(con, agreement_id="A-4", learner_insz=learner(4), mentor_insz=mentor(4))
    build_model(con, MODEL, AS_OF)
    rows = model_rows(
        con, MODEL, "agreement_id, mentor_known, mentor_training_exempt, mentor_trained"
    )
    assert rows == [
        ("A-1", True, False, True),
        ("A-2", True, False, False),
        ("A-3", True, True, True),
        ("A-4", False, False, False),  # not in the register: not trained
    ]
    assert [r[7] for r in conditions(con)] == [
        "",
        "mentor niet opgeleid",
        "",
        "mentor niet opgeleid",
    ]


def test_every_unmet_condition_is_listed_in_order() -> None:
    con = rules_db()
    add_agreement(
        con,
        registration_date=None,
        establishment_postcode=1000,
        premium_consent=False,
        mentor_insz=OTHER_MENTOR,
    )
    build_model(con, MODEL, AS_OF)
    assert [r[7] for r in conditions(con)] == [
        "niet tijdig geregistreerd, buiten Vlaanderen, geen toestemming met IBAN, "
        "mentor niet opgeleid"
    ]


def test_the_basis_is_the_qualifying_agreements_or_all_when_none_qualifies() -> None:
    con = rules_db()
    add_recognition(con)
    # pair 1: one qualifies, one is late; pair 2: neither qualifies
    add_agreement(con, agreement_id="A-1", learner_insz=learner(1))
    add_agreement(
        con, agreement_id="A-2", learner_insz=learner(1), registration_date=date(2025, 1, 1)
    )
    add_agreement(
        con, agreement_id="B-1", learner_insz=learner(2), registration_date=date(2025, 1, 1)
    )
    add_agreement(con, agreement_id="B-2", learner_insz=learner(2), establishment_postcode=1000)
    build_model(con, MODEL, AS_OF)
    assert model_rows(con, MODEL, "agreement_id, qualifies, in_basis") == [
        ("A-1", True, True),
        ("A-2", False, False),
        ("B-1", False, True),
        ("B-2", False, True),
    ]


def test_what_is_still_ahead_of_as_of_is_kept_per_condition() -> None:
    """A provisional year (as_of 20/11/2024): a registration before its deadline (01/12/2024)
    and a mentor training before 31/08/2025 may still come; a training date to come is
    planned."""
    con = rules_db()
    mentors = [
        (MENTOR, None, False),
        (OTHER_MENTOR, date(2025, 5, 1), False),
        (mentor(3), None, True),
    ]
    for n, (insz, trained, exempt) in enumerate(mentors, 1):
        add_recognition(
            con,
            recognition_id=f"ERK-{n}",
            mentor_insz=insz,
            mentor_training_date=trained,
            mentor_training_exempt=exempt,
        )
        add_agreement(
            con,
            agreement_id=f"A-{n}",
            learner_insz=learner(n),
            mentor_insz=insz,
            registration_date=None if n == 1 else date(2024, 9, 15),
        )
    add_agreement(con, agreement_id="A-4", learner_insz=learner(4), mentor_insz=mentor(4))
    build_model(con, MODEL, date(2024, 11, 20))
    columns = (
        "agreement_id, registration_deadline, registration_pending, mentor_training_due, "
        "mentor_training_pending, mentor_training_planned, mentor_trained"
    )
    due = date(2025, 8, 31)
    assert model_rows(con, MODEL, columns) == [
        ("A-1", DEADLINE, True, due, True, False, False),
        ("A-2", DEADLINE, False, due, False, True, True),
        ("A-3", DEADLINE, False, due, False, False, True),  # exempt: nothing to come
        ("A-4", DEADLINE, False, due, False, False, False),  # unknown mentor: not to come
    ]
    build_model(con, MODEL, DEADLINE + timedelta(days=1))
    assert model_rows(con, MODEL, "agreement_id, registration_pending")[0] == ("A-1", False)
