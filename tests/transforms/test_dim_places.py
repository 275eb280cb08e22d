"""dim_agreement_places, dim_establishment_offices, dim_company_offices, dim_mentor_places:
where a finding or a quarantined row belongs, for the reports."""

from __future__ import annotations

from datetime import date

from tests.builders import COMPANY, add_agreement, add_recognition, build, rules_db
from tests.transforms.test_fct_compliance_findings import learner, mentor


def test_an_establishment_or_company_in_two_offices_has_no_office() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1")  # Mechelen: Antwerpen
    add_agreement(
        con,
        agreement_id="A-2",
        learner_insz=learner(2),
        establishment_id="2222222222",
        establishment_postcode=3500,  # Hasselt: Limburg
        establishment_municipality="Hasselt",
    )
    add_agreement(
        con,
        agreement_id="A-3",
        learner_insz=learner(3),
        company_kbo="0987654321",
        company_name="Elders BV",
        establishment_id="3333333333",
        establishment_postcode=99,  # in no office
    )
    add_recognition(con, mentor_insz=mentor(1), recognition_id="ERK-2", establishment_id="2")
    add_recognition(
        con,
        mentor_insz=mentor(1),
        recognition_id="ERK-1",
        establishment_id="1",
        recognition_date=date(2020, 1, 1),
    )
    build(con, as_of=date(2025, 9, 1))
    places = con.execute("SELECT * FROM dim_agreement_places ORDER BY 1").fetchall()
    assert [(p[0], p[4]) for p in places] == [("A-1", "Antwerpen"), ("A-2", "Limburg")]
    assert con.execute("SELECT * FROM dim_establishment_offices ORDER BY 1").fetchall() == [
        ("2123456789", "Antwerpen"),
        ("2222222222", "Limburg"),
    ]
    assert con.execute("SELECT * FROM dim_company_offices").fetchall() == [
        (COMPANY, "Metaalbouw Vermeulen NV", None)
    ]
    assert con.execute(
        "SELECT establishment_id FROM dim_mentor_places WHERE mentor_insz = ?", [mentor(1)]
    ).fetchall() == [("1",)], "the first recognition"
