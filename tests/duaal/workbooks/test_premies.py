"""premies_<Y>.xlsx and premies_<Y>_<office>.xlsx: the overview against the mart, the refusal
reasons and the school years, the office sheets, the refusals in Dutch, the Brussels
(Actiris) sheet, an office's own workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from duaal.outputs.workbooks.overzicht import office_line, reason_lines
from duaal.outputs.workbooks.style import EURO_FORMAT
from tests.duaal.workbooks.one_run import (
    BRUSSELS_KBO,
    INJECTION,
    LEARNER_NAMES,
    OFFICE_SHEETS,
    PREMIES_SHEETS,
    RUN,
    YEAR,
    decision,
    learner,
    printed_columns,
    table,
    title_lines,
    values,
)
from transforms.identifiers import format_insz, format_kbo

ANTWERP_KBO_SHOWN = "4000.000.183"


def test_premies_overview_matches_the_mart(con, reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    assert load_workbook(path).sheetnames == PREMIES_SHEETS
    offices = values(path, "Overzicht")
    reasons = values(path, "Redenen van weigering")
    years = values(path, "Per schooljaar")
    assert offices[0] == (
        "Kantoor",
        "Lerenden beslist",
        "Subsidiabel",
        "Aandeel subsidiabel",
        "Premies zonder leervergoeding (€\u00a0600)",
        "Premies met leervergoeding (€\u00a01.000)",
        "Bedrag premies",
        "Niet-subsidiabel",
        "Bedrag geweigerd",
    )
    assert offices[1] == ("Antwerpen", 10, 5, 0.5, 0, 5, 5000, 5, 5000)
    assert offices[2] == ("Limburg", 0, 0, None, 0, 0, 0, 0, 0), "no share of no learners"
    assert offices[5] == ("Vlaams-Brabant & Brussel", 2, 0, 0, 0, 0, 0, 2, 2000)
    assert [r[0] for r in offices[1:]] == [*OFFICE_SHEETS, "Totaal"]
    total = con.execute(
        "SELECT count(*), count(*) FILTER (eligible), sum(amount_eur), "
        "sum(premium_eur) FILTER (NOT eligible) FROM run_decisions "
        "WHERE run_id = ? AND school_year = ?",
        [RUN, YEAR],
    ).fetchone()
    assert offices[-1][1:3] == total[:2] and offices[-1][6] == total[2] == 5000
    assert offices[-1][8] == total[3] == 7600, "what the 8 refusals cost"
    assert reasons == [
        ("Reden van weigering", "Lerenden", "Aandeel van de weigeringen", "Bedrag geweigerd"),
        ("Geen Dimona-periode die telt", 7, 7 / 8, 7000),
        ("Vestiging buiten het Vlaams Gewest", 3, 3 / 8, 2600),
        ("Te laat geregistreerd in werkplekduaal", 2, 2 / 8, 2000),
    ], "most refusals first, with what they cost"
    assert [r[:6] for r in years[1:]] == [
        ("2023-2024", "definitief", 1, 1, 1, 1000),
        ("2024-2025", "definitief", 13, 5, pytest.approx(5 / 13), 5000),
    ], "the share eligible of every school year of the run"
    wb = load_workbook(path)
    ws = wb["Overzicht"]
    assert ws["G5"].number_format == EURO_FORMAT, "below the title lines"
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref == "A4:I10", "totals outside the filter"
    assert [len(wb[s]._charts) for s in PREMIES_SHEETS[1:4]] == [1, 1, 1], (
        "which office lags, which reasons refuse most, whether the share rises"
    )


def test_overview_counts_premiums_by_the_marts_fact_not_by_their_amount():
    # a year whose two amounts are equal: only paid_learner tells them apart
    paid = decision(amount_eur=600, premium_eur=600, paid_learner=True)
    unpaid = decision(amount_eur=600, premium_eur=600, paid_learner=False)
    refused = decision(
        eligible=False, amount_eur=0, premium_eur=600, paid_learner=False, reasons="NO_CONSENT"
    )
    line = office_line("Antwerpen", [paid, unpaid, refused], amounts_set=True)
    assert (line["unpaid"], line["paid"], line["amount"], line["lost"]) == (1, 1, 1200, 600)


def test_refusal_reasons_are_sorted_by_how_many_then_what_they_cost(con):
    from duaal.outputs.workbooks.data import load_run

    labels = load_run(con, RUN).labels
    rows = [
        decision(eligible=False, premium_eur=600, reasons="NO_CONSENT"),
        decision(eligible=False, premium_eur=1000, reasons="NO_DIMONA"),
        decision(eligible=False, premium_eur=1000, reasons="NO_CONSENT;NO_DIMONA"),
    ]
    lines = reason_lines(rows, labels, amounts_set=True)
    assert [(r["reason"], r["refused"], r["lost"]) for r in lines] == [
        ("Geen Dimona-periode die telt", 2, 2000),
        ("Geen toestemming voor de premie of geen rekeningnummer", 2, 1600),
    ]


def test_office_sheet_lists_every_decision(con, reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    rows = values(path, "Antwerpen")
    assert rows[0] == (
        "Onderneming",
        "KBO-nummer",
        "Lerende",
        "INSZ lerende",
        "Maanden gedekt",
        "Bedrag",
        "Status",
        "Redenen",
        "Subsidiabel",
        "Vestiging",
        "Postcode",
        "Gemeente",
        "Opleiding",
        "Type overeenkomst",
        "Overeenkomsten",
        "Eerdere premies",
        "Met leervergoeding",
        "Uitleg",
    ), "what prints first, then what only the screen shows"
    assert len(rows) == 11
    by_learner = {r[2]: r for r in rows[1:]}
    assert by_learner["Vic Mertens"] == (
        "Metaalbouw Vermeulen NV",
        ANTWERP_KBO_SHOWN,
        "Vic Mertens",
        format_insz(learner(8)),
        2.5,
        None,
        "definitief",
        "Te laat geregistreerd in werkplekduaal; Geen Dimona-periode die telt",
        "Nee",
        "2123456789",
        "2800",
        "Mechelen",
        "Elektrotechnicus duaal",
        "OAO",
        "OVK-8",
        0,
        "Ja",
        "Niet subsidiabel.",
    ), "identifiers as readers write them, a postcode as text, no amount for a refusal"
    assert by_learner["Jens Peeters"][5:8] == (1000, "definitief", None)
    assert [r[2] for r in rows[1:]] == sorted(LEARNER_NAMES), "sorted by company, then learner"
    ws = load_workbook(path)["Antwerpen"]
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref == "A4:R14"
    assert printed_columns(ws) == 8 and ws.print_title_rows == "$4:$4"
    assert ws["E5"].number_format == "0.00_0" and ws["F5"].number_format == EURO_FORMAT
    limburg = load_workbook(path)["Limburg"]
    assert title_lines(limburg)[-1] == f"Geen beslissingen voor Limburg in {YEAR}."
    assert printed_columns(limburg) == 0, "an office without decisions prints no page"


def test_refusals_in_plain_dutch(con, reports):
    rows = values(reports / YEAR / f"premies_{YEAR}.xlsx", "Niet-subsidiabel")
    refused = con.execute(
        "SELECT count(*) FROM run_decisions WHERE run_id = ? AND school_year = ? AND NOT eligible",
        [RUN, YEAR],
    ).fetchone()[0]
    assert len(rows) - 1 == refused == 8
    assert rows[0][:8] == (
        "Kantoor",
        "Onderneming",
        "KBO-nummer",
        "Lerende",
        "INSZ lerende",
        "Maanden gedekt",
        "Redenen",
        "Bedrag geweigerd",
    )
    walloon = next(r for r in rows if r[0] == "Wallonië")
    assert walloon[:8] == (
        "Wallonië",
        "-Les Cuisines SA",
        "6000.000.326",
        "Chloé Lambert",
        format_insz(learner(12)),
        6,
        "Vestiging buiten het Vlaams Gewest",
        600,
    ), "the reasons in words and what the refusal costs"
    assert not any("OUTSIDE_FLANDERS" in str(v) for r in rows for v in r), "no raw codes"


def test_brussels_actiris_sheet(reports):
    rows = values(reports / YEAR / f"premies_{YEAR}.xlsx", "Brussel (Actiris)")
    assert rows == [
        (
            "Onderneming",
            "KBO-nummer",
            "Postcode",
            "Gemeente",
            "Mentor",
            "INSZ mentor",
            "Aantal lerenden",
            "Premie mogelijk",
            "Premie Actiris",
            "Vestiging",
            "Overeenkomsten",
        ),
        (
            INJECTION,
            format_kbo(BRUSSELS_KBO),
            "1000",
            "Brussel",
            "Marc Janssens",
            "80.01.01-077.28",
            2,
            "Ja",
            1750,
            "2999999999",
            "BXL-10, BXL-11",
        ),
    ]


def test_office_workbook_holds_one_office(reports):
    path = reports / YEAR / f"premies_{YEAR}_antwerpen.xlsx"
    antwerp = load_workbook(path)
    assert antwerp.sheetnames == [
        "Leeswijzer",
        "Overzicht",
        "Per schooljaar",
        "Antwerpen",
        "Niet-subsidiabel",
        "Uitbetalingen",
        "Wijzigingen",
        "Toelichting",
    ]
    overview = [r[:4] for r in table(antwerp["Overzicht"]) if r[0]]
    assert overview[:9] == [
        ("Kerncijfer", "Waarde", None, None),
        ("Lerenden beslist", 10, None, None),
        ("Subsidiabel", 5, None, None),
        ("Aandeel subsidiabel", 0.5, None, None),
        ("Premies zonder leervergoeding (€\u00a0600)", 0, None, None),
        ("Premies met leervergoeding (€\u00a01.000)", 5, None, None),
        ("Bedrag premies", 5000, None, None),
        ("Niet-subsidiabel", 5, None, None),
        ("Bedrag geweigerd", 5000, None, None),
    ], "one office's key figures as a list, not a table of one row"
    assert overview[10:] == [
        ("Reden van weigering", "Lerenden", "Aandeel van de weigeringen", "Bedrag geweigerd"),
        ("Geen Dimona-periode die telt", 5, 1, 5000),
        ("Te laat geregistreerd in werkplekduaal", 2, 0.4, 2000),
    ]
    years = table(antwerp["Per schooljaar"])
    assert [r[2] for r in years[1:]] == [1, 10], "the office's learners of every year"
    assert len(antwerp["Overzicht"]._charts) == 1, "the reasons; not the office against itself"
    assert {r[0] for r in table(antwerp["Niet-subsidiabel"])[1:]} == {"Antwerpen"}
    brussels = load_workbook(reports / YEAR / f"premies_{YEAR}_vlaams-brabant-brussel.xlsx")
    assert "Brussel (Actiris)" in brussels.sheetnames
    assert len(table(brussels["Brussel (Actiris)"])) == 2


@pytest.mark.parametrize("sheet", ["Wijzigingen"])
def test_an_empty_sheet_says_so_and_prints_no_page(reports, sheet):
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}_antwerpen.xlsx")[sheet]
    assert title_lines(ws)[-1] == (
        "Eerste voltooide run: er is nog geen eerdere run om mee te vergelijken."
    )
    assert printed_columns(ws) == 0 and not ws.auto_filter.ref
