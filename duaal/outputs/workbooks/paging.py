"""How a sheet starts and prints: its title lines, its page header and footer, its print area,
scale and page breaks.

Every sheet prints the same way: landscape A4, one page wide, the paper fields only (the
print area), the header row of its list repeated on every page, a page header (report,
sheet, school year or reference date, "voorlopig" for a running year, office) and a footer
(run id, page N of M). A list or chart that fits on a page starts on a new page rather than
be cut in two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from xlsxwriter.worksheet import Worksheet

from duaal.outputs.workbooks.style import (
    A4,
    LINE_HEIGHT,
    MARGIN_IN,
    PAGE_PT,
    TITLE_HEIGHT,
    Page,
    Sheet,
    clean_text,
    print_scale,
)

if TYPE_CHECKING:
    from duaal.outputs.workbooks.book import Book

DEFAULT_COLUMN_PX = 64  # a column nobody sized
PAGE_FILL = 0.97  # a page is cut a little before its edge: row heights are not exact
MAX_PAGE_BREAKS = 1023  # Excel keeps no more manual page breaks on a sheet


def _header_text(text: str) -> str:
    """Text inside a page header or footer: '&' is a control character there."""
    return clean_text(text).replace("&", "&&")


def page_header(page: Page, note: str | None = None) -> str:
    """Left: report, and the sheet below it; centre: school year or reference date, and
    below it "voorlopig" (or what else the sheet says of a running year); right: office.
    Two lines, so that a long sheet name never runs into the centre."""
    below = page.provisional or note
    period = _header_text(page.period) + (f"\n{_header_text(below)}" if below else "")
    return f"&L{_header_text(page.title)}\n&A&C{period}&R{_header_text(page.office)}"


def page_footer(page: Page) -> str:
    """Left: the run; right: page N of M."""
    return f"&LRun {_header_text(page.run_id)}&RPagina &P van &N"


def title_lines(book: Book, ws: Worksheet, sheet: Sheet, first: bool, heights: dict) -> int:
    """The report (first sheet) or the sheet's title, the period and office, whether it
    is provisional, then an empty line; the index of the row after them."""
    page = book.page
    ws.set_row(0, TITLE_HEIGHT)
    heights[0] = TITLE_HEIGHT
    if first:
        ws.write_string(0, 0, clean_text(page.title), book.title)
    else:
        ws.write_string(0, 0, clean_text(sheet.title or sheet.name), book.subtitle)
    ws.write_string(1, 0, clean_text(f"{page.period} · {page.office}"), book.strong)
    row = 2
    for note in (page.provisional, sheet.running):
        if note:
            text = note[0].upper() + note[1:]
            ws.write_string(row, 0, clean_text(text), book.running)
            row += 1
    return row + 1


def print_setup(ws: Worksheet, page: Page, sheet: Sheet) -> None:
    """Landscape A4, page header and footer (the scale: once the columns are known)."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.set_header(page_header(page, sheet.running))
    ws.set_footer(page_footer(page))
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.75, bottom=0.75)


def print_pages(
    ws: Worksheet,
    widths: Sequence[float],
    last_column: int,
    end: int,
    heights: dict[int, float],
    groups: Sequence[tuple[int, int]],
    repeat: int | None,
) -> None:
    """The print area (rows before `end`, columns up to `last_column`), the header row
    `repeat` on every page (None: none), one scale and the page breaks."""
    ws.print_area(0, 0, max(end - 1, 0), last_column)
    if repeat is not None:
        ws.repeat_rows(repeat)  # a list that runs over pages: its header on each one
    default = (DEFAULT_COLUMN_PX - 5) / 7  # a column nobody sized, under a chart
    printed = [widths[c] if c < len(widths) else default for c in range(last_column + 1)]
    # one scale for every application: the print area one page wide as LibreOffice
    # measures it (Excel's columns are narrower, so they fit too), a little to spare;
    # every page then holds the same rows in both, and is cut where it is full
    scale = print_scale(printed)
    ws.set_print_scale(scale)
    room = PAGE_PT * PAGE_FILL * 100 / scale
    ws.set_h_pagebreaks(page_breaks(heights, groups, end, room, repeat))


def page_breaks(
    heights: dict[int, float],
    groups: Sequence[tuple[int, int]],
    end: int,
    room: float,
    repeat: int | None,
) -> list[int]:
    """The rows that start a page: where a page of `room` points of rows (less the
    repeated header after the first page) is full, or earlier, so that no group of rows (a
    list, a chart) that fits on a page is cut in two. Every break is set by hand, so an
    application never has to find its own (LibreOffice then leaves an empty page after a
    list that ends on the page's edge); past Excel's limit of manual breaks, only those
    that keep a group whole."""
    header = heights.get(repeat, LINE_HEIGHT) if repeat is not None else 0.0
    starts = {start: stop for start, stop in groups}
    breaks: list[int] = []
    kept: list[int] = []  # the breaks that keep a group on one page
    used = 0.0
    for r in range(end):
        h = heights.get(r, LINE_HEIGHT)
        if r in starts and used > header:
            group = sum(heights.get(g, LINE_HEIGHT) for g in range(r, starts[r] + 1))
            if used + group > room and header + group <= room:
                breaks.append(r)
                kept.append(r)
                used = header
        if used + h > room and used > header:  # the page is full
            breaks.append(r)
            used = header
        used += h
    return breaks if len(breaks) <= MAX_PAGE_BREAKS else kept[:MAX_PAGE_BREAKS]
