"""premies_<Y>.xlsx and premies_<Y>_<office>.xlsx: the overview against the mart, the office
sheets, the refusals in Dutch, the Brussels (Actiris) sheet, an office's own workbook."""

from __future__ import annotations

from openpyxl import load_workbook

from duaal.workbooks.style import EURO_FORMAT
from tests.duaal.workbooks.one_run import (
    ANTWERP_KBO,
    BRUSSELS_KBO,
    INJECTION,
    LEARNER_NAMES,
    MENTOR,
    PREMIES_SHEETS,
    RUN,
    WALLOON_KBO,
    YEAR,
    learner,
    table,
    values,
)


def test_premies_overview_matches_the_mart(con, reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    assert load_workbook(path).sheetnames == PREMIES_SHEETS
    rows = values(path, "Overzicht")
    assert rows[0][:8] == (
        "Kantoor",
        "Lerenden beslist",
        "Subsidiabel",
        "Premies van € 600",
        "Premies van € 1.000",
        "Totaal bedrag",
        "Niet subsidiabel",
        "Niet subsidiabel: Niet geregistreerd in werkplekduaal",
    )
    header = rows[0]
    assert header.index("Niet subsidiabel: Geen Dimona-periode die telt") == 13
    assert rows[1] == ("Antwerpen", 10, 5, 0, 5, 5000, 5, 0, 2, 0, 0, 0, 0, 5, 0, 0)
    assert rows[5] == ("Vlaams-Brabant & Brussel", 2, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 2, 0, 0)
    assert [r[0] for r in rows[1:8]] == [*PREMIES_SHEETS[1:7], "Totaal"]
    total = con.execute(
        "SELECT count(*), count(*) FILTER (eligible), sum(amount_eur) FROM run_decisions "
        "WHERE run_id = ? AND school_year = ?",
        [RUN, YEAR],
    ).fetchone()
    assert rows[7][1:3] == total[:2] and rows[7][5] == total[2] == 5000
    ws = load_workbook(path)["Overzicht"]
    assert ws["F6"].number_format == EURO_FORMAT, "below the title block"
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:P11"
    assert len(ws._charts) == 1, "a bar chart of the amount per office"


def test_office_sheet_lists_every_decision(con, reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    rows = values(path, "Antwerpen")
    assert rows[0] == (
        "Onderneming",
        "Ondernemingsnummer",
        "Vestiging",
        "Postcode",
        "Gemeente",
        "Lerende",
        "INSZ lerende",
        "Opleiding",
        "Type overeenkomst",
        "Overeenkomsten",
        "Maanden gedekt",
        "Eerdere premies",
        "Bedrag",
        "Status",
        "Subsidiabel",
        "Redenen",
        "Uitleg",
    )
    assert len(rows) == 11
    by_learner = {r[5]: r for r in rows[1:]}
    assert by_learner["Vic Mertens"] == (
        "Metaalbouw Vermeulen NV",
        ANTWERP_KBO,
        "2123456789",
        2800,
        "Mechelen",
        "Vic Mertens",
        learner(8),
        "Elektrotechnicus duaal",
        "OAO",
        "OVK-8",
        2.5,
        0,
        0,
        "definitief",
        "Nee",
        "Te laat geregistreerd in werkplekduaal; Geen Dimona-periode die telt",
        "Niet subsidiabel.",
    )
    assert [r[5] for r in rows[1:]] == sorted(LEARNER_NAMES), "sorted by company, then learner"
    ws = load_workbook(path)["Antwerpen"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:Q11"
    assert ws["K2"].number_format == "0.00" and ws["M2"].number_format == EURO_FORMAT
    assert values(path, "Limburg") == [rows[0]], "an office without decisions: headers only"


def test_refusals_in_plain_dutch(con, reports):
    rows = values(reports / YEAR / f"premies_{YEAR}.xlsx", "Niet-subsidiabel")
    refused = con.execute(
        "SELECT count(*) FROM run_decisions WHERE run_id = ? AND school_year = ? AND NOT eligible",
        [RUN, YEAR],
    ).fetchone()[0]
    assert len(rows) - 1 == refused == 8
    assert rows[0][10:12] == ("Redenen", "Redencodes")
    walloon = next(r for r in rows if r[0] == "Wallonië")
    assert walloon[:5] == (
        "Wallonië",
        "-Les Cuisines SA",
        WALLOON_KBO,
        "Chloé Lambert",
        learner(12),
    )
    assert walloon[10:12] == ("Vestiging buiten het Vlaams Gewest", "OUTSIDE_FLANDERS")


def test_brussels_actiris_sheet(reports):
    rows = values(reports / YEAR / f"premies_{YEAR}.xlsx", "Brussel (Actiris)")
    assert rows == [
        (
            "Onderneming",
            "Ondernemingsnummer",
            "Vestiging",
            "Postcode",
            "Gemeente",
            "Mentor",
            "INSZ mentor",
            "Aantal lerenden",
            "Overeenkomsten",
            "Actiris-mentorpremie mogelijk",
            "Actiris-mentorpremie",
        ),
        (
            INJECTION,
            BRUSSELS_KBO,
            "2999999999",
            1000,
            "Brussel",
            "Marc Janssens",
            MENTOR,
            2,
            "BXL-10, BXL-11",
            "Ja",
            1750,
        ),
    ]


def test_office_workbook_holds_one_office(reports):
    antwerp = load_workbook(reports / YEAR / f"premies_{YEAR}_antwerpen.xlsx")
    assert antwerp.sheetnames == [
        "Overzicht",
        "Antwerpen",
        "Niet-subsidiabel",
        "Wijzigingen",
        "Toelichting",
    ]
    overview = table(antwerp["Overzicht"])
    assert overview[1][:7] == ("Antwerpen", 10, 5, 0, 5, 5000, 5)
    assert overview[2][:7] == ("Totaal", 10, 5, 0, 5, 5000, 5)
    assert {r[0] for r in list(antwerp["Niet-subsidiabel"].iter_rows(values_only=True))[1:]} == {
        "Antwerpen"
    }
    brussels = load_workbook(reports / YEAR / f"premies_{YEAR}_vlaams-brabant-brussel.xlsx")
    assert "Brussel (Actiris)" in brussels.sheetnames
    assert brussels["Brussel (Actiris)"].max_row == 2
