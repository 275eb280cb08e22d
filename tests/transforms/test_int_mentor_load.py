"""int_mentor_load: the most agreements one mentor runs on one day, planned days and every
company included, and the first day above the maximum of 3 (RULES.md, MENTOR_OVERLOAD). The
sweep nets the changes of one day (the `daily` CTE), so an agreement ending the day before
another starts never overlaps it."""

from __future__ import annotations

from datetime import date, timedelta

from tests.builders import MENTOR, OTHER_COMPANY, add_agreement, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows
from tests.transforms.test_fct_compliance_findings import learner

MODEL = "int_mentor_load"
DAY = timedelta(days=1)
AS_OF = date(2024, 9, 1)  # before every start: planned days count too


def agreements(con, periods: list[tuple[date, date]], **values: object) -> None:
    for n, (start, end) in enumerate(periods, 1):
        add_agreement(
            con,
            agreement_id=f"A-{n}",
            learner_insz=learner(n),
            start_date=start,
            end_date=end,
            **values,
        )


def load(con) -> list[tuple]:
    return model_rows(
        con,
        MODEL,
        "mentor_insz, agreement_count, peak_agreements, is_overloaded, first_overload_date",
    )


def test_a_fourth_agreement_starting_the_day_after_one_ends_is_no_overload() -> None:
    con = rules_db()
    three = [(date(2024, 9, 1), date(2025, 6, 30))] * 3
    agreements(con, [*three, (date(2025, 7, 1), date(2025, 12, 31))])
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "daily", "event_date, delta") == [
        (date(2024, 9, 1), 3),
        (date(2025, 7, 1), -2),  # three end the day before, one starts: netted
        (date(2026, 1, 1), -1),
    ]
    assert cte_rows(con, MODEL, "running", "event_date, running_agreements") == [
        (date(2024, 9, 1), 3),
        (date(2025, 7, 1), 1),
        (date(2026, 1, 1), 0),
    ]
    assert load(con) == [(MENTOR, 4, 3, False, None)]


def test_a_fourth_agreement_on_the_last_day_of_three_is_an_overload_from_that_day() -> None:
    con = rules_db()
    three = [(date(2024, 9, 1), date(2025, 6, 30))] * 3
    agreements(con, [*three, (date(2025, 6, 30), date(2025, 12, 31))])
    build_model(con, MODEL, AS_OF)
    assert load(con) == [(MENTOR, 4, 4, True, date(2025, 6, 30))]


def test_agreements_of_every_company_count_and_a_termination_ends_one() -> None:
    con = rules_db()
    year = (date(2024, 9, 1), date(2025, 6, 30))
    agreements(con, [year, year])
    add_agreement(con, agreement_id="B-1", company_kbo=OTHER_COMPANY, learner_insz=learner(8))
    add_agreement(
        con,
        agreement_id="B-2",
        company_kbo=OTHER_COMPANY,
        learner_insz=learner(9),
        start_date=date(2025, 3, 1),
        termination_date=date(2025, 3, 10),
    )
    build_model(con, MODEL, AS_OF)
    assert load(con) == [(MENTOR, 4, 4, True, date(2025, 3, 1))]
    con.execute(
        "update ingest_overeenkomsten set termination_date = ? where agreement_id = 'B-1'",
        [date(2025, 3, 1) - DAY],
    )  # B-1 ends the day before B-2 starts: never more than 3 at once
    build_model(con, MODEL, AS_OF)
    assert load(con) == [(MENTOR, 4, 3, False, None)]


def test_the_office_is_that_of_the_mentors_latest_agreement() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1", learner_insz=learner(1), establishment_postcode=3500)
    add_agreement(
        con,
        agreement_id="A-2",
        learner_insz=learner(2),
        start_date=date(2024, 10, 1),
        establishment_postcode=9000,
    )
    # the same start as A-2: the highest id as text wins the tie
    add_agreement(
        con,
        agreement_id="A-10",
        learner_insz=learner(3),
        start_date=date(2024, 10, 1),
        establishment_postcode=8000,
    )
    build_model(con, MODEL, AS_OF)
    assert model_rows(con, MODEL, "mentor_insz, province, office") == [
        (MENTOR, "Oost-Vlaanderen", "Oost-Vlaanderen")
    ]


def test_the_peak_keeps_its_first_day_and_the_agreements_running_then() -> None:
    con = rules_db()
    agreements(
        con,
        [
            (date(2024, 9, 1), date(2024, 12, 31)),
            (date(2024, 10, 1), date(2025, 6, 30)),
            (date(2024, 11, 1), date(2025, 6, 30)),  # three from 01/11 to 31/12
            (date(2025, 3, 1), date(2025, 6, 30)),  # three again from 01/03: not the first
        ],
    )
    build_model(con, MODEL, AS_OF)
    assert model_rows(con, MODEL, "peak_agreements, peak_date, peak_agreement_ids") == [
        (3, date(2024, 11, 1), ["A-1", "A-2", "A-3"])
    ]
