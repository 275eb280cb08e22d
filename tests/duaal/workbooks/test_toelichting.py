"""The Toelichting sheet: the run, its parameters and files, and a glossary of the headers the
other sheets show."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from duaal.workbooks.style import DATE_FORMAT
from tests.builders import rule_config
from tests.duaal.workbooks.one_run import AS_OF, RUN, SHA, STARTED, YEAR, values
from transforms.contracts import contract


def test_toelichting_names_run_parameters_and_files(reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    rows = values(path, "Toelichting")
    facts = {r[0]: r[1] for r in rows if r[0] and r[1] is not None}
    assert facts["Run-ID"] == RUN
    assert facts["Peildatum (as_of)"] == datetime(2025, 9, 1)
    assert facts["Run gestart"] == STARTED
    assert facts["SHA-256 regelconfiguratie"] == rule_config().sha256
    assert facts["Premie 2024-2025 met leervergoeding"] == 1000
    assert facts["Minimum gedekte maanden opleiding"] == 4
    assert facts["Actiris-mentorpremie per jaar (Brussel)"] == 1750
    file_header = ("Bron", "Bestand", "Blad", "SHA-256", "Status", "Rijen gelezen")
    file_header += ("Aanvaard", "In quarantaine", "Lege rijen", "Reden weigering")
    header = rows.index(file_header)
    assert rows[header + 1] == (
        "Dimona",
        "dimona_2025.csv",
        "Blad1",
        SHA,
        "ingelezen",
        20,
        19,
        0,
        1,
        None,
    )
    ws = load_workbook(path)["Toelichting"]
    assert ws["B4"].value == datetime(2025, 9, 1) and ws["B4"].number_format == DATE_FORMAT
    assert ws.auto_filter.ref.startswith("A1:B"), "the run's facts can be filtered"
    assert (
        "Maanden gedekt",
        "Maanden met Dimona binnen de basisovereenkomsten en het schooljaar (0 tot 12).",
    ) in [r[:2] for r in rows[header:]], "the meaning of a column comes from its contract"


@pytest.mark.parametrize(
    ("workbook", "mart"),
    [
        (f"{YEAR}/premies_{YEAR}.xlsx", "fct_premium_decisions"),
        (f"conformiteit/conformiteit_{AS_OF}.xlsx", "fct_compliance_findings"),
    ],
)
def test_the_glossary_describes_the_headers_the_sheets_show(reports, workbook, mart):
    wb = load_workbook(reports / workbook, read_only=True)
    headers = set()
    for name in wb.sheetnames:
        if name != "Toelichting":
            headers |= {h for row in wb[name].iter_rows(values_only=True) for h in row}
    rows = values(reports / workbook, "Toelichting")
    start = next(i for i, r in enumerate(rows) if r[:2] == ("Gegeven", "Betekenis"))
    glossary = [r[0] for r in rows[start + 1 :] if r[0]]
    labels = {c.label for c in contract(mart).columns}
    assert glossary, "the Toelichting has a glossary"
    assert set(glossary) <= headers, "every column the glossary describes is shown"
    assert labels & headers <= set(glossary), "every mart column shown is described"
