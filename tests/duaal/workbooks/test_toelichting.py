"""The Toelichting, the last sheet: what the headers and codes mean, then the run, its
parameters and its files; and the Leeswijzer, the first, that says what the workbook is for."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from duaal.outputs.workbooks.style import DATE_FORMAT
from tests.builders import rule_config
from tests.duaal.workbooks.one_run import (
    AS_OF,
    RUN,
    SHA,
    STARTED,
    YEAR,
    title_lines,
    values,
)
from transforms.contracts import contract

WORKBOOKS = [
    f"{YEAR}/premies_{YEAR}.xlsx",
    f"{YEAR}/premies_{YEAR}_antwerpen.xlsx",
    f"{YEAR}/federatie_{YEAR}.xlsx",
    f"conformiteit/conformiteit_{AS_OF}.xlsx",
]


def test_toelichting_names_run_parameters_and_files(reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    rows = values(path, "Toelichting")
    facts = {r[0]: r[1] for r in rows if r[0] and r[1] is not None}
    assert facts["Run"] == RUN
    assert "Peildatum" not in facts, "a final school year (2024-2025 at 01/09/2025): no as_of"
    assert facts["Run gestart"] == STARTED
    assert "Run beëindigd" not in facts, "the run ends after its reports: never filled in"
    assert facts["SHA-256 regelconfiguratie"] == rule_config().sha256
    assert facts["Premie 2024-2025 met leervergoeding"] == 1000
    assert facts["Minimum gedekte maanden opleiding"] == 4
    assert facts["Actiris-mentorpremie per jaar (Brussel)"] == 1750
    # every file the run read: in a workbook of the run (conformiteit) or of a running year
    compliance = reports / f"conformiteit/conformiteit_{AS_OF}.xlsx"
    every = values(compliance, "Toelichting")
    header = every.index(FILES_HEADER)
    assert every[header + 1] == (
        "Dimona: dimona_2025.csv, blad Blad1",
        f"ingelezen: 20 rijen gelezen, 19 aanvaard, 0 in quarantaine, 1 leeg; SHA-256 {SHA}",
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
    ), "on paper one sentence per file, on the screen its figures"
    assert [r[3] for r in every[header + 1 : header + 4]] == [
        "dimona_2025.csv",
        "kapot.xlsx",
        "overeenkomsten_2025.xlsx",
    ]
    # a final year's: the files with a row in effect for it (no Dimona period in this
    # database's staging; a refused file has none), in the same columns
    header = rows.index(FILES_HEADER)
    assert [r[3] for r in rows[header + 1 :] if r[0]] == ["overeenkomsten_2025.xlsx"]
    ws = load_workbook(compliance)["Toelichting"]
    peildatum = next(c for c in ws["B"] if c.value == datetime(2025, 9, 1))
    assert peildatum.number_format == DATE_FORMAT
    assert (
        "Maanden gedekt",
        "Maanden met Dimona binnen de basisovereenkomsten en het schooljaar (0 tot 12).",
    ) in [r[:2] for r in rows], "the meaning of a column comes from its contract"


FILES_HEADER = (
    "Bestand",
    "Wat de run las",
    "Bron",
    "Bestandsnaam",
    "Blad",
    "SHA-256",
    "Status",
    "Rijen gelezen",
    "Aanvaard",
    "In quarantaine",
    "Lege rijen",
    "Reden weigering",
)


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_the_leeswijzer_comes_first_and_the_technical_data_last(reports, workbook):
    wb = load_workbook(reports / workbook)
    assert wb.sheetnames[0] == "Leeswijzer" and wb.sheetnames[-1] == "Toelichting"
    guide = values(reports / workbook, "Leeswijzer")
    topics = {r[0]: r[1] for r in guide if r[0]}
    assert topics["Waarvoor"] and topics["Voor wie"], "what it is for and for whom, first"
    start = guide.index(("Blad", "Waarvoor"))
    listed = [r[0] for r in guide[start + 1 : start + len(wb.sheetnames)]]
    assert listed == wb.sheetnames[1:], "every sheet, in order, from the same declarations"
    assert all(r[1] for r in guide[start + 1 : start + len(wb.sheetnames)]), "each its purpose"
    last = wb["Toelichting"]
    assert title_lines(last)[0] == "Toelichting: begrippen, codes en technische gegevens"
    cells = [c for row in wb["Leeswijzer"].iter_rows(values_only=True) for c in row if c]
    assert RUN not in cells and SHA not in cells, "no run id or hash before what it is for"


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
        if name not in ("Toelichting", "Leeswijzer"):
            headers |= {h for row in wb[name].iter_rows(values_only=True) for h in row}
    rows = values(reports / workbook, "Toelichting")
    start = next(i for i, r in enumerate(rows) if r[:2] == ("Gegeven", "Betekenis"))
    end = next(i for i, r in enumerate(rows) if i > start and r[1] is None)
    glossary = dict(r[:2] for r in rows[start + 1 : end])
    meanings = {c.meaning for c in contract(mart).columns}
    assert glossary, "the Toelichting has a glossary"
    assert set(glossary) <= headers, "every header the glossary describes is shown"
    assert set(glossary.values()) <= meanings, "in the words of the mart's contract"
    shown_labels = {c.label for c in contract(mart).columns} & headers
    assert shown_labels <= set(glossary), "every mart column shown under its label is described"
