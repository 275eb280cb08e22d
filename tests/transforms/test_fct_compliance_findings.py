"""Golden tests of the compliance findings (RULES.md, Compliance findings): for every finding,
the day it flips, with the exact rows the mart holds.

The defaults of tests/builders.py make one clean agreement (OVK-1, OAO from 01/09/2024,
registered on time, Dimona declared before the start, trained mentor aged 44), so each
test changes one thing and expects exactly the findings that change causes.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

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
)
from transforms.identifiers import make_insz
from transforms.models import build_models
from transforms.schema import FINDING_COLUMNS

MART = "fct_compliance_findings"


def build_findings(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Build the findings mart and what it reads (not the premium models built beside it)."""
    build_models(con, rule_config(), as_of, targets=(MART,))


def findings(con: duckdb.DuckDBPyConnection, as_of: date, *codes: str) -> list[tuple]:
    """(code, severity, agreement_id, mentor_insz, detail, due_date) rows, optionally of some codes."""
    build_findings(con, as_of)
    rows = con.execute(
        f"SELECT code, severity, agreement_id, mentor_insz, detail, due_date FROM {MART} "
        "ORDER BY code, agreement_id, mentor_insz"
    ).fetchall()
    return [r for r in rows if not codes or r[0] in codes]


def paid_as_decided(con: duckdb.DuckDBPyConnection) -> None:
    """The premium of 2024-2025 (EUR 1000) paid to the default pair, as decided: past its
    expected payment date the pair stays clean."""
    add_premium_paid(
        con, school_year="2024-2025", kind="premie", amount_eur=1000, paid_on=date(2025, 12, 15)
    )


def of_agreement(rows: list[tuple], agreement_id: str) -> list[tuple]:
    """The findings of one agreement."""
    return [r for r in rows if r[2] == agreement_id]


def of_mentor(rows: list[tuple], mentor_insz: str) -> list[tuple]:
    """The mentor findings (no agreement) of one mentor."""
    return [r for r in rows if r[2] is None and r[3] == mentor_insz]


def learner(n: int) -> str:
    """The n-th extra learner (1-99)."""
    return make_insz(f"06{n:02d}01", 100 + n, born_2000_or_later=True)


def mentor(n: int) -> str:
    """The n-th extra mentor (1-99)."""
    return make_insz(f"79{n:02d}01", 300 + n, born_2000_or_later=False)


def clean_db(**agreement: object) -> duckdb.DuckDBPyConnection:
    """One agreement with its Dimona and its mentor's recognition; agreement values overridable."""
    con = rules_db()
    add_agreement(con, **agreement)
    add_dimona(con)
    add_recognition(con)
    return con


def test_mart_has_the_contract_columns_in_order() -> None:
    con = clean_db()
    build_findings(con, date(2025, 3, 1))
    described = con.execute(f"DESCRIBE {MART}").fetchall()
    assert [(r[0], r[1]) for r in described] == list(FINDING_COLUMNS), "columns of FINDING_COLUMNS"


def test_clean_agreement_has_no_findings() -> None:
    assert findings(clean_db(), date(2025, 3, 1)) == []


# --- registration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 10, 31), []),  # 31 days away: not yet
        (
            date(2024, 11, 1),
            [
                (
                    "REGISTRATION_DUE",
                    "info",
                    "OVK-1",
                    MENTOR,
                    "nog niet geregistreerd; deadline 01/12/2024, over 30 dagen",
                    date(2024, 12, 1),
                )
            ],
        ),
        (
            date(2024, 11, 30),
            [
                (
                    "REGISTRATION_DUE",
                    "info",
                    "OVK-1",
                    MENTOR,
                    "nog niet geregistreerd; deadline 01/12/2024, over 1 dag",
                    date(2024, 12, 1),
                )
            ],
        ),
        (
            date(2024, 12, 1),  # the deadline day itself has not passed
            [
                (
                    "REGISTRATION_DUE",
                    "info",
                    "OVK-1",
                    MENTOR,
                    "nog niet geregistreerd; deadline 01/12/2024, vandaag",
                    date(2024, 12, 1),
                )
            ],
        ),
        (
            date(2024, 12, 2),
            [
                (
                    "REGISTRATION_MISSING",
                    "warning",
                    "OVK-1",
                    MENTOR,
                    "niet geregistreerd; deadline 01/12/2024 is 1 dag verstreken",
                    None,
                )
            ],
        ),
        (
            date(2025, 1, 15),
            [
                (
                    "REGISTRATION_MISSING",
                    "warning",
                    "OVK-1",
                    MENTOR,
                    "niet geregistreerd; deadline 01/12/2024 is 45 dagen verstreken",
                    None,
                )
            ],
        ),
    ],
)
def test_unregistered_agreement_around_its_deadline(as_of: date, expected: list) -> None:
    assert findings(clean_db(registration_date=None), as_of) == expected


def test_deadline_is_clamped_to_the_end_of_the_month() -> None:
    # 30 November + 3 months = 28 February (RULES.md, add_months)
    con = rules_db()
    add_agreement(con, start_date=date(2024, 11, 30), registration_date=None)
    add_dimona(con, start_date=date(2024, 11, 30), declared_on=date(2024, 11, 29))
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == [
        (
            "REGISTRATION_MISSING",
            "warning",
            "OVK-1",
            MENTOR,
            "niet geregistreerd; deadline 28/02/2025 is 1 dag verstreken",
            None,
        )
    ]


@pytest.fixture(scope="module")
def late_registrations() -> list[tuple]:
    """One agreement per registration date, all starting 01/09/2024 (deadline 01/12/2024)."""
    con = rules_db()
    for agreement_id, registered in [
        ("OVK-DEADLINE", date(2024, 12, 1)),
        ("OVK-1DAY", date(2024, 12, 2)),
        ("OVK-12DAYS", date(2024, 12, 13)),
    ]:
        add_agreement(con, agreement_id=agreement_id, registration_date=registered)
    add_dimona(con)
    add_recognition(con)
    return findings(con, date(2025, 3, 1))


@pytest.mark.parametrize(
    ("agreement_id", "expected_detail"),
    [
        ("OVK-DEADLINE", None),
        ("OVK-1DAY", "geregistreerd 1 dag na de deadline van 01/12/2024"),
        ("OVK-12DAYS", "geregistreerd 12 dagen na de deadline van 01/12/2024"),
    ],
)
def test_registration_on_the_deadline_vs_after(
    late_registrations: list[tuple], agreement_id: str, expected_detail: str | None
) -> None:
    expected = [("REGISTRATION_LATE", "warning", agreement_id, MENTOR, expected_detail, None)]
    assert of_agreement(late_registrations, agreement_id) == (expected if expected_detail else [])


# --- Dimona ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def declarations() -> list[tuple]:
    """One learner per declaration date, each with an agreement starting 01/09/2024."""
    con = rules_db()
    add_recognition(con)
    for n, declared in enumerate([date(2024, 9, 1), date(2024, 9, 2), date(2024, 9, 5)], 1):
        add_agreement(con, agreement_id=f"OVK-{n}", learner_insz=learner(n))
        add_dimona(con, worker_insz=learner(n), declared_on=declared)
    return findings(con, date(2025, 3, 1))


@pytest.mark.parametrize(
    ("agreement_id", "expected_detail"),
    [
        ("OVK-1", None),  # declared on the start date
        ("OVK-2", "Dimona aangegeven op 02/09/2024, 1 dag na de start van 01/09/2024"),
        ("OVK-3", "Dimona aangegeven op 05/09/2024, 4 dagen na de start van 01/09/2024"),
    ],
)
def test_dimona_declared_on_the_start_vs_later(
    declarations: list[tuple], agreement_id: str, expected_detail: str | None
) -> None:
    expected = [("DIMONA_LATE", "error", agreement_id, MENTOR, expected_detail, None)]
    assert of_agreement(declarations, agreement_id) == (expected if expected_detail else [])


def test_dimona_late_uses_the_earliest_declaration_among_overlapping_periods() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con, end_date=date(2024, 12, 31), declared_on=date(2024, 8, 30))
    add_dimona(con, start_date=date(2025, 1, 1), declared_on=date(2025, 1, 10))
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == []


def _missing(agreement_id: str = "OVK-1", when: str = "vandaag") -> tuple:
    return (
        "DIMONA_MISSING",
        "error",
        agreement_id,
        MENTOR,
        "geen Dimona-aangifte (ALT, OTH of RTA) voor de overeenkomst van 01/09/2024 "
        f"tot 30/06/2025; gestart {when}",
        date(2024, 9, 1),
    )


def test_dimona_missing_only_once_the_agreement_has_started() -> None:
    con = rules_db()
    add_agreement(con, registration_date=date(2024, 8, 15))
    add_recognition(con)
    assert findings(con, date(2024, 8, 31)) == []
    assert findings(con, date(2024, 9, 1)) == [_missing()]
    assert findings(con, date(2024, 9, 2)) == [_missing(when="1 dag geleden")]
    assert findings(con, date(2024, 10, 1)) == [_missing(when="30 dagen geleden")]


UNCOUNTED_DIMONA = {
    "cancelled": {"status": "Geannuleerd"},
    "student": {"worker_type": "STU"},
    "flexi": {"worker_type": "FLX"},
    "other-company": {"company_kbo": OTHER_COMPANY},
    "ends-the-day-before": {"start_date": date(2024, 6, 1), "end_date": date(2024, 8, 31)},
    "starts-after-the-end": {"start_date": date(2025, 7, 1), "end_date": None},
}


@pytest.fixture(scope="module")
def uncounted_dimona() -> list[tuple]:
    """One learner per kind of Dimona that does not count for an agreement from 01/09/2024."""
    con = rules_db()
    add_recognition(con)
    for n, (case, dimona) in enumerate(UNCOUNTED_DIMONA.items(), 1):
        add_agreement(con, agreement_id=case, learner_insz=learner(n))
        add_dimona(con, **({"worker_insz": learner(n)} | dimona))
    # another learner's Dimona at the same company does not count either
    add_agreement(con, agreement_id="other-learner", learner_insz=learner(99))
    add_dimona(con, worker_insz=learner(98))
    return findings(con, date(2024, 10, 1))


@pytest.mark.parametrize("case", [*UNCOUNTED_DIMONA, "other-learner"])
def test_dimona_that_does_not_count_leaves_the_agreement_without(
    uncounted_dimona: list[tuple], case: str
) -> None:
    assert of_agreement(uncounted_dimona, case) == [
        _missing(agreement_id=case, when="30 dagen geleden")
    ]


def test_open_ended_dimona_started_before_counts() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con, start_date=date(2023, 9, 1), end_date=None, declared_on=date(2023, 8, 1))
    add_recognition(con)
    assert findings(con, date(2024, 10, 1)) == []


def test_dimona_overlapping_only_the_terminated_part_does_not_count() -> None:
    con = rules_db()
    add_agreement(con, termination_date=date(2024, 12, 31))
    add_dimona(con, start_date=date(2025, 1, 1), declared_on=date(2024, 8, 1))
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == [
        (
            "DIMONA_MISSING",
            "error",
            "OVK-1",
            MENTOR,
            "geen Dimona-aangifte (ALT, OTH of RTA) voor de overeenkomst van 01/09/2024 "
            "tot 31/12/2024; gestart 181 dagen geleden",
            date(2024, 9, 1),
        )
    ]


@pytest.fixture(scope="module")
def oth_dimona() -> list[tuple]:
    """One learner per agreement, each declared as OTH from the agreement's start."""
    con = rules_db()
    add_recognition(con, recognition_date=date(2023, 3, 1), mentor_training_date=date(2023, 6, 1))
    cases = [("OAO-0901", "OAO", date(2023, 9, 1)), ("OAO-0831", "OAO", date(2023, 8, 31))]
    cases.append(("SAO-0901", "SAO", date(2023, 9, 1)))
    for n, (agreement_id, agreement_type, start) in enumerate(cases, 1):
        add_agreement(
            con,
            agreement_id=agreement_id,
            agreement_type=agreement_type,
            learner_insz=learner(n),
            start_date=start,
            end_date=date(2024, 6, 30),
            registration_date=start,
            hours_per_week=28 if agreement_type == "OAO" else 16,
            learning_allowance=agreement_type == "OAO",
        )
        add_dimona(
            con,
            dimona_id=f"DIM-{agreement_id}",
            worker_insz=learner(n),
            worker_type="OTH",
            start_date=start,
            declared_on=start,
        )
    return findings(con, date(2024, 3, 1))


@pytest.mark.parametrize(
    ("agreement_id", "expected_detail"),
    [
        (
            "OAO-0901",
            "Dimona van het type OTH (DIM-OAO-0901) voor een OAO die start op 01/09/2023; "
            "verwacht ALT (of RTA in paritair comité 124)",
        ),
        ("OAO-0831", None),  # before the check date
        ("SAO-0901", None),  # only an OAO is checked
    ],
)
def test_oth_dimona_on_an_oao_from_the_check_date(
    oth_dimona: list[tuple], agreement_id: str, expected_detail: str | None
) -> None:
    expected = [("DIMONA_TYPE", "warning", agreement_id, MENTOR, expected_detail, None)]
    assert of_agreement(oth_dimona, agreement_id) == (expected if expected_detail else [])


def test_only_oth_is_flagged_as_wrong_type() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con, worker_type="RTA")
    add_recognition(con)
    assert findings(con, date(2025, 3, 1)) == []


# --- mentors -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trainings() -> list[tuple]:
    """Mentors recognised on 01/03/2024 (deadline 01/03/2025), without agreements."""
    con = rules_db()
    for n, (trained, exempt) in enumerate(
        [(date(2025, 3, 1), False), (date(2025, 3, 2), False), (date(2025, 3, 2), True)], 1
    ):
        add_recognition(
            con, mentor_insz=mentor(n), mentor_training_date=trained, mentor_training_exempt=exempt
        )
    return findings(con, date(2025, 6, 1))


@pytest.mark.parametrize(
    ("n", "expected_detail"),
    [
        (1, None),  # trained on the deadline
        (
            2,
            "mentoropleiding gevolgd op 02/03/2025, 1 dag na de deadline van 01/03/2025 "
            "(erkenning van 01/03/2024 + 12 maanden)",
        ),
        (3, None),  # a day late, but exempt
    ],
)
def test_training_on_the_deadline_vs_a_day_later(
    trainings: list[tuple], n: int, expected_detail: str | None
) -> None:
    expected = [("MENTOR_TRAINING_LATE", "warning", None, mentor(n), expected_detail, None)]
    assert of_mentor(trainings, mentor(n)) == (expected if expected_detail else [])


def _overdue(days: str) -> tuple:
    return (
        "MENTOR_TRAINING_OVERDUE",
        "error",
        None,
        MENTOR,
        "geen mentoropleiding binnen 12 maanden na de erkenning van 01/03/2024; "
        f"deadline 01/03/2025 is {days} verstreken",
        date(2025, 3, 1),
    )


def test_training_overdue_the_day_after_the_deadline() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_recognition(con, mentor_training_date=None)
    assert findings(con, date(2025, 3, 1)) == []
    assert findings(con, date(2025, 3, 2)) == [_overdue("1 dag")]
    assert findings(con, date(2025, 3, 31)) == [_overdue("30 dagen")]


def test_exempt_mentor_without_training_is_never_overdue() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_recognition(con, mentor_training_date=None, mentor_training_exempt=True)
    paid_as_decided(con)  # on 01/03/2026 the premium of 2024-2025 is due: it was paid
    assert findings(con, date(2026, 3, 1)) == []


def test_mentor_findings_carry_the_office_of_the_latest_agreement() -> None:
    con = rules_db()
    add_agreement(con)
    add_agreement(
        con,
        agreement_id="OVK-2",
        learner_insz=OTHER_LEARNER,
        start_date=date(2024, 10, 1),
        establishment_postcode=9000,
    )
    add_dimona(con)
    add_dimona(con, worker_insz=OTHER_LEARNER, start_date=date(2024, 10, 1))
    add_recognition(con, mentor_training_date=None)
    build_findings(con, date(2025, 3, 2))
    rows = con.execute(f"SELECT * FROM {MART}").fetchall()
    assert rows == [
        (
            "MENTOR_TRAINING_OVERDUE",
            "error",
            None,
            None,
            None,
            MENTOR,
            "Oost-Vlaanderen",
            "Oost-Vlaanderen",
            _overdue("1 dag")[4],
            date(2025, 3, 1),
            None,
        )
    ]


def test_mentor_in_the_register_without_agreement_is_judged_too() -> None:
    con = clean_db()
    add_recognition(
        con,
        recognition_id="ERK-9",
        mentor_insz=OTHER_MENTOR,
        recognition_date=date(2024, 1, 15),
        mentor_training_date=None,
        mentor_birth_date=date(2001, 6, 1),
    )
    build_findings(con, date(2025, 3, 1))
    rows = con.execute(f"SELECT * FROM {MART}").fetchall()
    assert rows == [
        (
            "MENTOR_PROFILE",
            "warning",
            None,
            None,
            None,
            OTHER_MENTOR,
            None,
            None,
            "erkenning ERK-9 van 15/01/2024: mentor 22 jaar oud (minimum 25)",
            None,
            None,
        ),
        (
            "MENTOR_TRAINING_OVERDUE",
            "error",
            None,
            None,
            None,
            OTHER_MENTOR,
            None,
            None,
            "geen mentoropleiding binnen 12 maanden na de erkenning van 15/01/2024; "
            "deadline 15/01/2025 is 45 dagen verstreken",
            date(2025, 1, 15),
            None,
        ),
    ]


PROFILES = [(date(1999, 3, 1), 5), (date(1999, 3, 2), 5), (date(1980, 1, 1), 4)]
PROFILES.append((date(2001, 3, 2), 2))


@pytest.fixture(scope="module")
def profiles() -> list[tuple]:
    """Mentors recognised on 01/03/2024 with a birth date and years of experience each."""
    con = rules_db()
    for n, (birth, experience) in enumerate(PROFILES, 1):
        add_recognition(
            con, mentor_insz=mentor(n), mentor_birth_date=birth, years_experience=experience
        )
    return findings(con, date(2025, 3, 1))


@pytest.mark.parametrize(
    ("n", "expected_detail"),
    [
        (1, None),  # 25 on the recognition date, 5 years
        (2, "erkenning ERK-1 van 01/03/2024: mentor 24 jaar oud (minimum 25)"),
        (3, "erkenning ERK-1 van 01/03/2024: 4 jaar ervaring (minimum 5)"),
        (
            4,
            "erkenning ERK-1 van 01/03/2024: mentor 22 jaar oud (minimum 25), "
            "2 jaar ervaring (minimum 5)",
        ),
    ],
)
def test_profile_at_the_25th_birthday_and_5_years(
    profiles: list[tuple], n: int, expected_detail: str | None
) -> None:
    expected = [("MENTOR_PROFILE", "warning", None, mentor(n), expected_detail, None)]
    assert of_mentor(profiles, mentor(n)) == (expected if expected_detail else [])


def test_mentor_with_several_recognitions() -> None:
    # earliest recognition 10/01/2023 sets the deadline 10/01/2024; earliest training
    # 01/02/2024 is late; profile problems are listed per recognition, oldest first
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_recognition(
        con,
        recognition_id="ERK-2",
        recognition_date=date(2023, 1, 10),
        mentor_training_date=date(2024, 2, 1),
        years_experience=3,
    )
    add_recognition(
        con,
        recognition_id="ERK-1",
        company_kbo=OTHER_COMPANY,
        recognition_date=date(2024, 3, 1),
        mentor_training_date=None,
        years_experience=4,
    )
    assert findings(con, date(2025, 3, 1)) == [
        (
            "MENTOR_PROFILE",
            "warning",
            None,
            MENTOR,
            "erkenning ERK-2 van 10/01/2023: 3 jaar ervaring (minimum 5); "
            "erkenning ERK-1 van 01/03/2024: 4 jaar ervaring (minimum 5)",
            None,
        ),
        (
            "MENTOR_TRAINING_LATE",
            "warning",
            None,
            MENTOR,
            "mentoropleiding gevolgd op 01/02/2024, 22 dagen na de deadline van 10/01/2024 "
            "(erkenning van 10/01/2023 + 12 maanden)",
            None,
        ),
    ]


def test_int_mentors_golden() -> None:
    con = rules_db()
    add_agreement(con, establishment_postcode=3500)
    add_recognition(con, recognition_id="ERK-2", recognition_date=date(2023, 1, 10))
    add_recognition(
        con,
        recognition_id="ERK-1",
        mentor_name="Marc Janssens-Peeters",
        mentor_training_date=date(2023, 6, 1),
        mentor_training_exempt=True,
        years_experience=4,
    )
    add_recognition(con, recognition_id="ERK-9", mentor_insz=OTHER_MENTOR, years_experience=9)
    build_findings(con, date(2025, 3, 1))
    rows = con.execute("SELECT * FROM int_mentors ORDER BY mentor_insz").fetchall()
    assert rows == [
        (
            OTHER_MENTOR,
            "Marc Janssens",
            1,
            date(2024, 3, 1),
            date(2024, 6, 1),
            False,
            date(2025, 3, 1),
            None,
            None,
            None,
            False,  # training_planned
            False,  # trained_late
            False,  # training_overdue
        ),
        (
            MENTOR,
            "Marc Janssens",  # the name on the earliest recognition
            2,
            date(2023, 1, 10),
            date(2023, 6, 1),
            True,
            date(2024, 1, 10),
            "erkenning ERK-1 van 01/03/2024: 4 jaar ervaring (minimum 5)",
            "Limburg",
            "Limburg",
            False,
            False,  # exempt: never late
            False,
        ),
    ]


def test_an_exemption_in_any_recognition_exempts_the_mentor() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_recognition(con, recognition_id="ERK-1", mentor_training_date=None)
    add_recognition(
        con, recognition_id="ERK-2", recognition_date=date(2024, 9, 1), mentor_training_exempt=True
    )
    paid_as_decided(con)  # on 01/03/2026 the premium of 2024-2025 is due: it was paid
    assert findings(con, date(2026, 3, 1)) == []


def test_mentor_unknown_when_not_in_the_register() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_recognition(con, mentor_insz=OTHER_MENTOR)
    assert findings(con, date(2025, 3, 1), "MENTOR_UNKNOWN") == [
        (
            "MENTOR_UNKNOWN",
            "error",
            "OVK-1",
            MENTOR,
            "mentor van de overeenkomst staat niet in het erkenningsregister",
            None,
        )
    ]


def test_mentor_recognised_at_another_company_is_known() -> None:
    con = rules_db()
    add_agreement(con)
    add_dimona(con)
    add_recognition(con, company_kbo=OTHER_COMPANY)
    assert findings(con, date(2025, 3, 1)) == []


def _overload(peak: int, first: str) -> tuple:
    detail = f"begeleidt {peak} overeenkomsten tegelijk (maximum 3), voor het eerst op {first}"
    return ("MENTOR_OVERLOAD", "error", None, MENTOR, detail, None)


def _mentor_db(*periods: tuple[date, date, date | None]) -> duckdb.DuckDBPyConnection:
    """Agreements of MENTOR, each (start, end, termination), alternately at two companies."""
    con = rules_db()
    add_recognition(con)
    for i, (start, end, terminated) in enumerate(periods, start=1):
        add_agreement(
            con,
            agreement_id=f"OVK-{i}",
            company_kbo=COMPANY if i % 2 else OTHER_COMPANY,
            start_date=start,
            end_date=end,
            termination_date=terminated,
        )
    return con


SEP, JUN = date(2024, 9, 1), date(2025, 6, 30)


def test_three_concurrent_agreements_are_allowed() -> None:
    con = _mentor_db((SEP, JUN, None), (SEP, JUN, None), (SEP, JUN, None))
    assert findings(con, date(2024, 8, 1), "MENTOR_OVERLOAD") == []


def test_four_concurrent_agreements_across_companies_overload_the_mentor() -> None:
    con = _mentor_db(
        (SEP, JUN, None), (SEP, JUN, None), (SEP, JUN, None), (date(2024, 11, 4), JUN, None)
    )
    # planned days count: judged before any of them has started
    assert findings(con, date(2024, 8, 1), "MENTOR_OVERLOAD") == [_overload(4, "04/11/2024")]


def test_peak_above_the_first_overload_day_is_reported() -> None:
    con = _mentor_db(
        (SEP, JUN, None),
        (SEP, JUN, None),
        (SEP, JUN, None),
        (date(2024, 10, 1), JUN, None),
        (date(2025, 1, 6), JUN, None),
    )
    assert findings(con, date(2024, 8, 1), "MENTOR_OVERLOAD") == [_overload(5, "01/10/2024")]


def test_agreement_ending_the_day_before_another_starts_does_not_overlap() -> None:
    con = _mentor_db(
        (SEP, JUN, None),
        (SEP, JUN, None),
        (SEP, JUN, None),
        (date(2025, 7, 1), JUN.replace(2026), None),
    )
    assert findings(con, date(2024, 8, 1), "MENTOR_OVERLOAD") == []


@pytest.mark.parametrize(
    ("terminated", "expected"),
    [
        (date(2024, 12, 31), []),
        (date(2025, 1, 1), [_overload(4, "01/01/2025")]),
    ],
)
def test_terminated_agreement_stops_counting_at_its_termination(
    terminated: date, expected: list
) -> None:
    con = _mentor_db(
        (SEP, JUN, terminated), (SEP, JUN, None), (SEP, JUN, None), (date(2025, 1, 1), JUN, None)
    )
    assert findings(con, date(2024, 8, 1), "MENTOR_OVERLOAD") == expected


def test_overloaded_mentor_missing_from_the_register_is_still_overloaded() -> None:
    con = _mentor_db(*[(SEP, JUN, None)] * 4)
    con.execute("DELETE FROM ingest_erkenningen")
    rows = findings(con, date(2024, 8, 1), "MENTOR_OVERLOAD", "MENTOR_UNKNOWN")
    assert [r[:3] for r in rows] == [("MENTOR_OVERLOAD", "error", None)] + [
        ("MENTOR_UNKNOWN", "error", f"OVK-{i}") for i in range(1, 5)
    ]


def test_mentor_load_golden() -> None:
    con = _mentor_db(
        (SEP, JUN, None), (SEP, JUN, date(2024, 12, 31)), (date(2025, 1, 1), JUN, None)
    )
    build_findings(con, date(2024, 8, 1))
    rows = con.execute("SELECT * FROM int_mentor_load").fetchall()
    assert rows == [
        (MENTOR, 3, 2, False, None, SEP, ["OVK-1", "OVK-2"], "Antwerpen", "Antwerpen")
    ], "the peak of 2 first on 1 September, with the two agreements running then"


# --- the agreement's own terms -----------------------------------------------------------


TERMS = {
    "OAO-20": ("OAO", 20, True),
    "OAO-19.5": ("OAO", 19.5, True),
    "OAO-16-UNPAID": ("OAO", 16, False),
    "SAO-19.5": ("SAO", 19.5, False),
    "SAO-20": ("SAO", 20, False),
    "SAO-12-PAID": ("SAO", 12, True),
}


@pytest.fixture(scope="module")
def terms() -> list[tuple]:
    """One agreement per (type, hours per week, leervergoeding) of TERMS, one learner each."""
    con = rules_db()
    add_recognition(con)
    for n, (agreement_id, (agreement_type, hours, allowance)) in enumerate(TERMS.items(), 1):
        add_agreement(
            con,
            agreement_id=agreement_id,
            learner_insz=learner(n),
            agreement_type=agreement_type,
            hours_per_week=hours,
            learning_allowance=allowance,
        )
        add_dimona(con, worker_insz=learner(n))
    return findings(con, date(2025, 3, 1))


@pytest.mark.parametrize(
    ("agreement_id", "expected"),
    [
        ("OAO-20", []),
        ("OAO-19.5", [("HOURS_TYPE_MISMATCH", "OAO met 19,5 uur per week (minimum 20)")]),
        (
            "OAO-16-UNPAID",
            [
                ("HOURS_TYPE_MISMATCH", "OAO met 16 uur per week (minimum 20)"),
                ("PAY_TYPE_MISMATCH", "OAO zonder leervergoeding"),
            ],
        ),
        ("SAO-19.5", []),
        (
            "SAO-20",
            [("HOURS_TYPE_MISMATCH", "SAO met 20 uur per week (een SAO heeft minder dan 20 uur)")],
        ),
        ("SAO-12-PAID", [("PAY_TYPE_MISMATCH", "SAO met leervergoeding")]),
    ],
)
def test_hours_and_pay_against_the_agreement_type(
    terms: list[tuple], agreement_id: str, expected: list[tuple[str, str]]
) -> None:
    assert of_agreement(terms, agreement_id) == [
        (code, "error", agreement_id, MENTOR, detail, None) for code, detail in expected
    ]


LENGTHS = {
    "36-MONTHS": (date(2027, 8, 31), None),
    "1-DAY-MORE": (date(2027, 9, 1), None),
    "304-DAYS-MORE": (date(2028, 6, 30), None),
    "TERMINATED-IN-TIME": (date(2028, 6, 30), date(2027, 8, 31)),
}


@pytest.fixture(scope="module")
def lengths() -> list[tuple]:
    """Agreements from 01/09/2024 with an end and termination date of LENGTHS each."""
    con = rules_db()
    add_recognition(con)
    add_dimona(con, end_date=None)
    for agreement_id, (end, terminated) in LENGTHS.items():
        add_agreement(con, agreement_id=agreement_id, end_date=end, termination_date=terminated)
    return findings(con, date(2025, 3, 1))


@pytest.mark.parametrize(
    ("agreement_id", "expected_detail"),
    [
        ("36-MONTHS", None),
        (
            "1-DAY-MORE",
            "looptijd van 01/09/2024 tot 01/09/2027 is 1 dag langer dan 36 maanden "
            "(uiterlijk tot 31/08/2027)",
        ),
        (
            "304-DAYS-MORE",
            "looptijd van 01/09/2024 tot 30/06/2028 is 304 dagen langer dan 36 maanden "
            "(uiterlijk tot 31/08/2027)",
        ),
        ("TERMINATED-IN-TIME", None),
    ],
)
def test_agreement_too_long_at_36_months(
    lengths: list[tuple], agreement_id: str, expected_detail: str | None
) -> None:
    expected = [("AGREEMENT_TOO_LONG", "warning", agreement_id, MENTOR, expected_detail, None)]
    assert of_agreement(lengths, agreement_id) == (expected if expected_detail else [])


def test_agreement_findings_carry_the_agreement_fields() -> None:
    con = clean_db(agreement_type="SAO", hours_per_week=12, establishment_postcode=1000)
    build_findings(con, date(2025, 3, 1))
    rows = con.execute(f"SELECT * FROM {MART}").fetchall()
    assert rows == [
        (
            "PAY_TYPE_MISMATCH",
            "error",
            "OVK-1",
            COMPANY,
            LEARNER,
            MENTOR,
            "Brussel",
            "Vlaams-Brabant & Brussel",
            "SAO met leervergoeding",
            None,
            "Metaalbouw Vermeulen NV",
        )
    ]
