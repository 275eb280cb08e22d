"""The house style every sheet shares (duaal/workbooks/style.py): frozen, filterable and sized
headers, landscape A4 one page wide, page headers and footers, wrapping headers."""

from __future__ import annotations

from datetime import datetime

from openpyxl import load_workbook

from duaal.workbooks.style import (
    LINE_HEIGHT,
    WRAP_WIDTH,
    Block,
    Book,
    Column,
    Page,
)
from tests.duaal.workbooks.one_run import RUN, YEAR


def header_row(ws) -> int:
    """The first sheet of a workbook has a title block of 4 rows above its header."""
    return 5 if ws.parent.worksheets[0] is ws else 1


def test_every_sheet_frozen_and_filterable(reports):
    for path in sorted((reports / YEAR).glob("*.xlsx")):
        for ws in load_workbook(path).worksheets:
            frozen = f"A{header_row(ws) + 1}"
            assert ws.freeze_panes == frozen, f"{path.name}/{ws.title}: header frozen"
            assert ws.auto_filter.ref, f"{path.name}/{ws.title}: filter"
            assert ws.column_dimensions["A"].width > 6, f"{path.name}/{ws.title}: sized"


def test_every_sheet_prints_landscape_a4_one_page_wide(reports):
    workbooks = sorted(reports.rglob("*.xlsx"))
    assert len(workbooks) > 10
    for path in workbooks:
        for ws in load_workbook(path).worksheets:
            where = f"{path.name}/{ws.title}"
            setup = ws.page_setup
            assert setup.orientation == "landscape", f"{where}: landscape"
            assert int(setup.paperSize) == 9, f"{where}: A4"
            assert ws.sheet_properties.pageSetUpPr.fitToPage, f"{where}: fit to page"
            assert int(setup.fitToWidth or 1) == 1, f"{where}: one page wide"
            assert int(setup.fitToHeight) == 0, f"{where}: as many pages tall as needed"
            header = header_row(ws)
            assert ws.print_title_rows == f"${header}:${header}", f"{where}: header every page"
            assert ws.oddHeader.left.text.endswith(": &A"), f"{where}: report and sheet name"
            assert ws.oddFooter.left.text == f"Run {RUN}", f"{where}: run id in the footer"
            assert ws.oddFooter.right.text == "Pagina &P van &N", f"{where}: page N of M"


def test_page_header_names_report_period_and_office(reports):
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}_vlaams-brabant-brussel.xlsx")["Overzicht"]
    assert ws.oddHeader.left.text == "Premies kwalificerend werkplekleren: &A"
    assert ws.oddHeader.center.text == f"Schooljaar {YEAR}"
    assert ws.oddHeader.right.text == "Vlaams-Brabant && Brussel", "'&' escaped in a header"
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}.xlsx")["Limburg"]
    assert ws.oddHeader.right.text == "Alle kantoren"


def test_long_headers_wrap_instead_of_widening_the_page(reports):
    ws = load_workbook(reports / YEAR / f"federatie_{YEAR}.xlsx")["Per kantoor"]
    reason = next(c for c in ws[5] if str(c.value).startswith("Reden: Geen toestemming"))
    assert ws.column_dimensions[reason.column_letter].width <= 20, "a reason column stays narrow"
    assert reason.alignment.wrap_text and ws.row_dimensions[5].height >= 45, "its header wraps"
    assert ws["B11"].value == "< 5" and ws["B11"].alignment.horizontal == "right", "lines up"


def test_long_texts_wrap_in_rows_as_tall_as_their_lines(tmp_path):
    columns = [Column("Onderneming"), Column("Uitleg", "wrap"), Column("Bedrag", "eur")]
    long = "Geen premie voor 2024-2025: " + "de overeenkomst telt niet mee, " * 6
    rows = [("Acme", long, 1000), ("Acme", "Subsidiabel.", 600), ("Acme", "a\nb\nc", 0)]
    page = Page("Titel", "Schooljaar 2024-2025", "Alle kantoren", "R1")
    with Book(tmp_path / "w.xlsx", page, datetime(2025, 9, 1, 6)) as book:
        book.add_sheet("Blad", [Block(columns, rows)])
    ws = load_workbook(tmp_path / "w.xlsx")["Blad"]
    assert ws.column_dimensions["B"].width < WRAP_WIDTH + 3, "a long text stays narrow"
    assert ws["B2"].alignment.wrap_text
    assert ws.row_dimensions[2].height >= 4 * LINE_HEIGHT, "as tall as its lines"
    assert ws.row_dimensions[3].height in (None, LINE_HEIGHT), "one line stays one line"
    assert ws.row_dimensions[4].height == 3 * LINE_HEIGHT, "a line break starts a line"


def test_the_first_sheet_opens_with_a_title_block(reports):
    workbooks = sorted(reports.rglob("*.xlsx"))
    for path in workbooks:
        ws = load_workbook(path).worksheets[0]
        lines = [ws.cell(r, 1).value for r in range(1, 5)]
        assert lines[0] == ws.oddHeader.left.text.removesuffix(": &A"), path.name
        period, office = ws.oddHeader.center.text, ws.oddHeader.right.text.replace("&&", "&")
        assert lines[1:] == [f"{period} · {office}", f"Run {RUN}", None], path.name
        assert ws["A1"].font.b and ws["A1"].font.sz == 14
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}_limburg.xlsx")["Overzicht"]
    assert [ws.cell(r, 1).value for r in range(1, 4)] == [
        "Premies kwalificerend werkplekleren",
        f"Schooljaar {YEAR} · Limburg",
        f"Run {RUN}",
    ]
    assert ws["A5"].value == "Kantoor", "the table's header below the title block"
