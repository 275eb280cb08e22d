"""federatie_<Y>.xlsx: real totals with small counts hidden, and no personal data anywhere in
the file."""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.duaal.workbooks.one_run import YEAR, printed_columns, values


def test_federatie_publishes_real_totals_and_hides_small_counts(reports):
    path = reports / YEAR / f"federatie_{YEAR}.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Leeswijzer",
        "Per kantoor",
        "Per opleiding",
        "Schooljaren",
        "Toelichting",
    ]
    rows = values(path, "Per kantoor")
    assert rows[0][:7] == (
        "Kantoor",
        "Lerenden",
        "Subsidiabel",
        "Niet-subsidiabel",
        "Subsidiabel (%)",
        "Bedrag premies",
        "Conform (%)",
    )
    assert printed_columns(wb["Per kantoor"]) == 7, "the counts per reason on the screen only"
    no_dimona = rows[0].index("Reden: Geen Dimona-periode die telt")
    antwerp = rows[1]
    assert antwerp[:7] == ("Antwerpen", 10, 5, 5, 0.5, 5000, "—"), "1 of 10 not conform: hidden"
    assert rows[2][:7] == ("Limburg", 0, 0, 0, None, 0, None)
    assert rows[5][:2] == ("Vlaams-Brabant & Brussel", "< 5")
    assert rows[5][2:7] == (0, "< 5", "—", 0, "—"), (
        "a group of 2 shows only what the totals give away anyway: Antwerp holds all 5 premies"
    )
    assert rows[6][:2] == ("Wallonië", "< 5")
    assert rows[7][:4] == ("Totaal", 13, 5, 8), "the real totals, hidden groups included"
    assert rows[7][4] == pytest.approx(5 / 13)
    assert rows[7][no_dimona] == 7, "the 2 Brussels refusals for NO_DIMONA are in the total"
    trainings = values(path, "Per opleiding")
    assert trainings[-1][:4] == rows[7][:4], "the same totals on every sheet"
    assert [r[0] for r in trainings[1:]] == ["Elektrotechnicus duaal", "Kok duaal", "Totaal"]
    assert trainings[2][1] == "< 5"
    assert trainings[1][1] == "—", "10 of 13 would give the 3 cooks away"
    assert len(wb["Per kantoor"]._charts) == 1
    years = [r[:3] for r in values(path, "Schooljaren") if r[0] is not None]
    assert years[0] == ("Kantoor", "2023-2024", "2024-2025"), "one list per measure"
    learners, eligible, amounts = (
        years[i : i + 8] for i, r in enumerate(years) if r[0] == "Kantoor"
    )
    assert [b[-1] for b in (learners, eligible, amounts)] == [
        ("Totaal", "< 5", 13),
        ("Totaal", "< 5", 5),
        ("Totaal", "—", rows[7][5]),
    ], "the year's totals as on Per kantoor"
    assert (learners[1][2], eligible[1][2]) == antwerp[1:3], "the same cells as Per kantoor"
    assert (learners[1][1], eligible[1][1]) == ("< 5", "< 5"), "one Antwerp learner in 2023-2024"
    assert len(wb["Schooljaren"]._charts) == 1


def test_federatie_carries_no_personal_data(con, reports):
    path = reports / YEAR / f"federatie_{YEAR}.xlsx"
    people = con.execute(
        "SELECT learner_name, learner_insz, company_name, company_kbo FROM run_decisions "
        "UNION ALL SELECT mentor_name, mentor_insz, company_iban, company_kbo "
        "FROM stg_werkplekduaal__agreements"
    ).fetchall()
    secrets = {str(v) for row in people for v in row if v}
    patterns = re.compile(r"(?<!\d)\d{10,11}(?!\d)|BE\d{14}|\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}")
    texts = [
        str(cell)
        for ws in load_workbook(path).worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert texts, "the federation workbook is not empty"
    leaks = [t for t in texts if patterns.search(t) or any(s in t for s in secrets)]
    assert leaks == []
    with zipfile.ZipFile(path) as archive:
        xml = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert [s for s in secrets if s in xml] == [], "not in shared strings or any other part"
