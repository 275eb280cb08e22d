"""int_agreements: the effective end (the earlier of end and termination), the registration
deadline add_months(start, 3) clamped to the end of the month (RULES.md, "Date arithmetic")
and the province, region and office of the establishment's postal code (Geography)."""

from __future__ import annotations

from datetime import date

from tests.builders import add_agreement, rules_db
from tests.transforms.cte import build_model, cte_rows, model_rows

MODEL = "int_agreements"
AS_OF = date(2025, 9, 1)


def test_a_termination_before_the_end_date_ends_the_agreement() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1", termination_date=date(2025, 6, 29))
    add_agreement(con, agreement_id="A-2", termination_date=date(2025, 6, 30))
    add_agreement(con, agreement_id="A-3", termination_date=date(2025, 7, 1))  # after the end
    add_agreement(con, agreement_id="A-4", termination_date=None)
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "effective", "agreement_id, effective_end_date") == [
        ("A-1", date(2025, 6, 29)),
        ("A-2", date(2025, 6, 30)),
        ("A-3", date(2025, 6, 30)),
        ("A-4", date(2025, 6, 30)),
    ]


def test_the_registration_deadline_is_three_months_on_clamped_to_the_month_end() -> None:
    con = rules_db()
    for n, start in enumerate((date(2024, 9, 1), date(2024, 11, 30), date(2023, 11, 30)), 1):
        add_agreement(con, agreement_id=f"A-{n}", start_date=start)
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "effective", "agreement_id, start_date, registration_deadline") == [
        ("A-1", date(2024, 9, 1), date(2024, 12, 1)),
        ("A-2", date(2024, 11, 30), date(2025, 2, 28)),
        ("A-3", date(2023, 11, 30), date(2024, 2, 29)),  # 2024 is a leap year
    ]


def test_the_postal_code_gives_province_region_office_and_flanders() -> None:
    con = rules_db()
    for n, postcode in enumerate((2800, 1000, 1299, 1300, 3000, 99), 1):
        add_agreement(con, agreement_id=f"A-{n}", establishment_postcode=postcode)
    build_model(con, MODEL, AS_OF)
    columns = "agreement_id, province, region, office, in_flanders, in_brussels"
    assert model_rows(con, MODEL, columns) == [
        ("A-1", "Antwerpen", "Vlaanderen", "Antwerpen", True, False),
        ("A-2", "Brussel", "Brussels", "Vlaams-Brabant & Brussel", False, True),
        ("A-3", "Brussel", "Brussels", "Vlaams-Brabant & Brussel", False, True),
        ("A-4", "Waals-Brabant", "Wallonië", "Wallonië", False, False),
        ("A-5", "Vlaams-Brabant", "Vlaanderen", "Vlaams-Brabant & Brussel", True, False),
        ("A-6", None, None, None, False, False),  # in no range: not in Flanders, no office
    ]
