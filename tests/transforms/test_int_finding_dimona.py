"""int_finding_dimona: DIMONA_MISSING, DIMONA_LATE and DIMONA_TYPE (RULES.md, Compliance
findings) at the day each flips: a Dimona belongs to an agreement when it overlaps its
[start, effective end], it is declared at the latest on the start date, and only OTH on an
OAO from 2023-09-01 is the wrong type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import add_agreement, add_dimona, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows
from tests.transforms.test_fct_compliance_findings import learner

MODEL = "int_finding_dimona"
START = date(2024, 9, 1)
DAY = timedelta(days=1)


def findings(con) -> list[tuple]:
    return model_rows(con, MODEL, "code, agreement_id, detail, due_date")


@pytest.mark.parametrize(
    ("as_of", "detail"),
    [
        (START - DAY, None),  # not started yet: no Dimona needed
        (START, "gestart vandaag"),
        (START + DAY, "gestart 1 dag geleden"),
        (START + 10 * DAY, "gestart 10 dagen geleden"),
    ],
)
def test_a_started_agreement_without_dimona_misses_it(as_of: date, detail: str | None) -> None:
    con = rules_db()
    add_agreement(con)
    build_model(con, MODEL, as_of)
    text = "geen Dimona-aangifte (ALT, OTH of RTA) voor de overeenkomst van 01/09/2024 tot "
    text += f"30/06/2025; {detail}"
    assert findings(con) == ([("DIMONA_MISSING", "OVK-1", text, START)] if detail else [])


def test_a_dimona_ending_the_day_before_the_start_does_not_belong_to_the_agreement() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1", end_date=date(2025, 6, 30))
    add_dimona(con, dimona_id="D-BEFORE", start_date=date(2024, 7, 1), end_date=START - DAY)
    add_dimona(con, dimona_id="D-AFTER", start_date=date(2025, 7, 1), end_date=None)
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert cte_rows(con, MODEL, "overlapping", "agreement_id, dimona_id") == []
    assert [r[0] for r in findings(con)] == ["DIMONA_MISSING"]
    con.execute("update ingest_dimona set end_date = ? where dimona_id = 'D-BEFORE'", [START])
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert cte_rows(con, MODEL, "overlapping", "agreement_id, dimona_id") == [("A-1", "D-BEFORE")]
    assert findings(con) == []


def test_declared_on_the_start_date_is_in_time_a_day_later_is_late() -> None:
    con = rules_db()
    add_agreement(con)
    # two periods: the earliest declaration of those overlapping the agreement counts
    add_dimona(con, declared_on=START + 2 * DAY, start_date=date(2025, 1, 1))
    add_dimona(con, declared_on=START + DAY)
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert cte_rows(con, MODEL, "dimona_per_agreement", "agreement_id, first_declared_on") == [
        ("OVK-1", START + DAY)
    ]
    assert findings(con) == [
        (
            "DIMONA_LATE",
            "OVK-1",
            "Dimona aangegeven op 02/09/2024, 1 dag na de start van 01/09/2024",
            None,
        )
    ]
    con.execute(
        "update ingest_dimona set declared_on = ? where declared_on = ?", [START, START + DAY]
    )
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert findings(con) == []


def test_only_oth_on_an_oao_from_september_2023_is_the_wrong_type() -> None:
    con = rules_db()
    september = date(2023, 9, 1)
    cases = [("A-1", "OAO", september), ("A-2", "OAO", september - DAY), ("A-3", "SAO", september)]
    for n, (agreement, kind, start) in enumerate(cases, 1):
        insz = learner(n)
        add_agreement(
            con,
            agreement_id=agreement,
            agreement_type=kind,
            start_date=start,
            registration_date=start,
            learner_insz=insz,
        )
        add_dimona(
            con,
            dimona_id=f"D-{n}",
            worker_insz=insz,
            worker_type="OTH",
            start_date=start,
            declared_on=start,
        )
        add_dimona(
            con,
            dimona_id=f"R-{n}",
            worker_insz=insz,
            worker_type="RTA",
            start_date=start,
            declared_on=start,
        )
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert cte_rows(con, MODEL, "counted_types_text") == [("ALT, OTH of RTA",)]
    assert findings(con) == [
        (
            "DIMONA_TYPE",
            "A-1",
            "Dimona van het type OTH (D-1) voor een OAO die start op 01/09/2023; "
            "verwacht ALT (of RTA in paritair comité 124)",
            None,
        )
    ]
