"""The foundation every sheet shares (duaal/outputs/workbooks/style.py, book.py, layout.py,
paging.py): sheets declared by named fields, paper fields first and only they printed, at a
size fixed by the declaration, column formats (top-aligned, numbers with room on their
right), identifiers as readers write them, empty sheets that print no page, wrapped rows as tall as their lines, lists and charts
kept whole on a page, charts of a running year hatched and none of a single bar."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from duaal.outputs.workbooks.book import Book
from duaal.outputs.workbooks.paging import page_breaks
from duaal.outputs.workbooks.style import (
    EURO_FORMAT,
    LINE_HEIGHT,
    MIN_PRINTED_PT,
    WRAP_WIDTH,
    About,
    Block,
    Chart,
    Field,
    Page,
    Sheet,
    print_scale,
    printed_points,
)
from tests.duaal.workbooks.one_run import (
    RUN,
    YEAR,
    printed_columns,
    printed_widths,
    table,
    title_lines,
)

PAGE = Page("Titel", "Schooljaar 2024-2025", "Alle kantoren", "R1")
STAMP = datetime(2025, 9, 1, 6)


def write(path: Path, *sheets: Sheet, page: Page = PAGE) -> Path:
    with Book(path, page, STAMP) as book:
        book.write(About("Waarvoor", "Voor wie"), sheets)
    return path


def test_fields_turn_named_rows_into_cells_paper_first(tmp_path):
    fields = (
        Field("uitleg", "Uitleg", "wrap", paper=False),
        Field("kbo", "KBO-nummer", "kbo"),
        Field("insz", "INSZ", "insz"),
        Field("postcode", "Postcode", "postcode"),
        Field("bedrag", "Bedrag", "eur"),
        Field("ok", "Subsidiabel", "yesno", value=lambda r: r["bedrag"] > 0),
    )
    rows = [
        {"uitleg": "Lang verhaal.", "kbo": "0775498073", "insz": "05042844937",
         "postcode": 3600, "bedrag": 1000},
        {"uitleg": None, "kbo": "0403170701", "insz": "PABCDEFGHIJKL",
         "postcode": 1000, "bedrag": 0},
    ]  # fmt: skip
    path = write(tmp_path / "w.xlsx", Sheet("Lijst", "Een lijst.", [Block(fields, rows)]))
    ws = load_workbook(path)["Lijst"]
    assert table(ws) == [
        ("KBO-nummer", "INSZ", "Postcode", "Bedrag", "Subsidiabel", "Uitleg"),
        ("0775.498.073", "05.04.28-449.37", "3600", 1000, "Ja", "Lang verhaal."),
        ("0403.170.701", "PABCDEFGHIJKL", "1000", 0, "Nee", None),
    ], "identifiers as readers write them (a pseudonym as it is), a postcode as text"
    assert printed_columns(ws) == 5, "the screen-only field is right of the print area"
    assert ws.column_dimensions["D"].number_format == EURO_FORMAT, "a column's own format"
    assert EURO_FORMAT.endswith("_0"), "a number keeps a digit's room on its right"


def test_a_declaration_that_prints_too_small_is_refused(tmp_path):
    wide = tuple(Field(f"f{i}", f"Kolom {i}", width=30) for i in range(6))
    sheet = Sheet("Breed", "Te breed.", [Block(wide, [])])
    assert sheet.printed_points() < MIN_PRINTED_PT
    with pytest.raises(ValueError, match="would print at .* pt"):
        write(tmp_path / "w.xlsx", sheet)
    assert not (tmp_path / "w.xlsx").exists(), "no half workbook left behind"


def test_printed_points_follow_the_widths():
    assert printed_points([50, 50]) == 11, "a page wide enough: full size"
    assert print_scale([80, 80]) == int(98 * 784 / 1130), "one page wide, 2 % to spare"
    assert printed_points([80, 80]) == pytest.approx(11 * 0.67)
    header_word = Field("x", "Ondernemingsnummer", width=8)
    assert header_word.paper_width == 20, "a header's word is never broken"


def test_an_empty_sheet_says_so_and_prints_no_page(tmp_path):
    fields = (Field("a", "A"),)
    empty = Sheet("Leeg", "Niets.", [Block(fields, [])], empty="Geen rijen.")
    path = write(tmp_path / "w.xlsx", empty)
    ws = load_workbook(path)["Leeg"]
    assert title_lines(ws)[-1] == "Geen rijen."
    assert printed_columns(ws) == 0, "a print area of one empty cell: no page"
    assert not ws.auto_filter.ref and ws.freeze_panes is None


def test_long_texts_wrap_in_rows_as_tall_as_their_lines(tmp_path):
    fields = (
        Field("naam", "Onderneming"),
        Field("uitleg", "Uitleg", "wrap"),
        Field("bedrag", "Bedrag", "eur"),
        Field("scherm", "Scherm", "wrap", paper=False),
    )
    long = "Geen premie voor 2024-2025: " + "de overeenkomst telt niet mee, " * 6
    rows = [
        {"naam": "Acme", "uitleg": long, "bedrag": 1000, "scherm": long},
        {"naam": "Acme", "uitleg": "Subsidiabel.", "bedrag": 600, "scherm": long * 3},
        {"naam": "Acme", "uitleg": "a\nb\nc", "bedrag": 0, "scherm": None},
    ]
    path = write(tmp_path / "w.xlsx", Sheet("Blad", "Een blad.", [Block(fields, rows)]))
    ws = load_workbook(path)["Blad"]
    header = 4
    assert ws.column_dimensions["B"].width < WRAP_WIDTH + 3, "a long text stays narrow"
    assert ws.cell(header + 1, 2).alignment.wrap_text, "a long text wraps"
    assert ws.row_dimensions[header + 1].height >= 4 * LINE_HEIGHT, "as tall as its lines"
    assert ws.row_dimensions[header + 2].height in (None, LINE_HEIGHT), (
        "a screen-only text does not wrap: it does not make the printed row tall"
    )
    assert ws.row_dimensions[header + 3].height == 3 * LINE_HEIGHT, "a line break starts a line"
    assert ws.cell(header + 1, 1).alignment.vertical == "top", "in a tall row, text at the top"
    assert ws.cell(header + 1, 3).alignment.vertical == "top", "and numbers too"
    assert not ws.cell(header + 2, 1).has_style, "a row of one line needs no format"


def test_every_sheet_has_title_lines_and_the_first_is_the_leeswijzer(tmp_path):
    fields = (Field("a", "A"),)
    sheets = [
        Sheet("Een", "Waar het eerste blad voor dient.", [Block(fields, [{"a": "x"}])]),
        Sheet("Twee", "Waar het tweede blad voor dient.", [Block(fields, [{"a": "y"}])]),
    ]
    page = Page("Titel", "Schooljaar 2026-2027", "Limburg", "R1", "voorlopig, peildatum 01/12/2026")
    path = write(tmp_path / "w.xlsx", *sheets, page=page)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Leeswijzer", "Een", "Twee"]
    listed = table(wb["Leeswijzer"])
    start = listed.index(("Blad", "Waarvoor"))
    assert listed[start + 1 : start + 3] == [
        ("Een", "Waar het eerste blad voor dient."),
        ("Twee", "Waar het tweede blad voor dient."),
    ], "each sheet with its purpose, from the sheets' own declarations"
    header = int(wb["Leeswijzer"].freeze_panes[1:]) - 1
    assert wb["Leeswijzer"].cell(header + start + 1, 1).hyperlink.location == "'Een'!A1"
    for ws in wb.worksheets:
        assert title_lines(ws)[1:] == [
            "Schooljaar 2026-2027 · Limburg",
            "Voorlopig, peildatum 01/12/2026",
        ], ws.title
        assert ws.oddHeader.center.text == "Schooljaar 2026-2027\nvoorlopig, peildatum 01/12/2026"
    assert title_lines(wb["Een"])[0] == "Een" and title_lines(wb["Leeswijzer"])[0] == "Titel"


def test_page_breaks_keep_a_list_or_chart_that_fits_on_one_page():
    heights = {0: 20.0}
    # rows 0-29 a first list, 31-40 a second: the second does not fit below the first
    breaks = page_breaks(heights, [(0, 29), (31, 40)], 41, room=487, repeat=None)
    assert breaks == [31], "the second list starts a page"
    # one long list with its header (row 3) repeated: cut where a page is full
    breaks = page_breaks({}, [(3, 99)], 100, room=300, repeat=3)
    assert breaks == [20, 39, 58, 77, 96], "20 rows, then 19 under the repeated header"


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/")]


def test_charts_hatch_a_running_year_and_draw_no_single_bar(tmp_path):
    fields = (Field("jaar", "Schooljaar"), Field("aandeel", "Aandeel", "pct"))
    years = [
        {"jaar": "2024-2025", "aandeel": 0.6},
        {"jaar": "2025-2026 (voorlopig)", "aandeel": 0.3},
    ]
    one = [{"jaar": "2024-2025", "aandeel": 0.6}]
    chart = Chart("Aandeel per schooljaar", 0, "jaar", ["aandeel"], percent=True,
                  running=["2025-2026 (voorlopig)"], note="Gearceerd: voorlopig.")  # fmt: skip
    path = write(
        tmp_path / "w.xlsx",
        Sheet("Jaren", "Jaren.", [Block(fields, years)], charts=[chart]),
        Sheet("Een", "Een jaar.", [Block(fields, one)], charts=[chart]),
    )
    (xml,) = chart_parts(path)
    assert "<a:pattFill" in xml and xml.count("<c:dPt>") == 1, "the running year hatched"
    wb = load_workbook(path)
    assert len(wb["Jaren"]._charts) == 1 and len(wb["Een"]._charts) == 0, "no chart of one bar"
    assert "Gearceerd: voorlopig." in [c.value for c in wb["Jaren"]["A"]]


def test_the_test_runs_sheets_print_landscape_a4_one_page_wide(reports):
    workbooks = sorted(reports.rglob("*.xlsx"))
    assert len(workbooks) > 10
    for path in workbooks:
        for ws in load_workbook(path).worksheets:
            where = f"{path.name}/{ws.title}"
            setup = ws.page_setup
            assert setup.orientation == "landscape", f"{where}: landscape"
            assert int(setup.paperSize) == 9, f"{where}: A4"
            widths = printed_widths(ws)
            scale = int(setup.scale or 100)
            assert abs(scale - print_scale(widths)) <= 1, f"{where}: one page wide"
            assert scale * 11 / 100 >= MIN_PRINTED_PT, f"{where}: 8 pt or more"
            assert ws.oddHeader.left.text.endswith("\n&A"), f"{where}: report, sheet below it"
            assert ws.oddFooter.left.text == f"Run {RUN}", f"{where}: run id in the footer"
            assert ws.oddFooter.right.text == "Pagina &P van &N", f"{where}: page N of M"
            if ws.freeze_panes:  # a sheet with a list: its header frozen and filtered
                assert ws.auto_filter.ref, f"{where}: filter"


def test_page_header_names_report_period_and_office(reports):
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}_vlaams-brabant-brussel.xlsx")["Overzicht"]
    assert ws.oddHeader.left.text == "Premies kwalificerend werkplekleren\n&A"
    assert ws.oddHeader.center.text == f"Schooljaar {YEAR}"
    assert ws.oddHeader.right.text == "Vlaams-Brabant && Brussel", "'&' escaped in a header"
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}.xlsx")["Limburg"]
    assert ws.oddHeader.right.text == "Alle kantoren"


def test_numbers_and_hidden_counts_line_up_on_the_right(reports):
    ws = load_workbook(reports / YEAR / f"federatie_{YEAR}.xlsx")["Per kantoor"]
    cell = next(c for c in ws["B"] if c.value == "< 5")
    assert ws.column_dimensions["B"].alignment.horizontal == "right", "'< 5' lines up"
    assert cell.number_format.endswith("_0")


def test_dates_keep_their_format(reports):
    path = reports / "conformiteit" / "conformiteit_2025-09-01.xlsx"
    ws = load_workbook(path)["Fouten"]
    assert table(ws)[2][7] == datetime(2025, 3, 1)
    assert ws.column_dimensions["H"].number_format.startswith("dd/mm/yyyy")
