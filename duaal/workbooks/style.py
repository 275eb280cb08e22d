"""Formats, print layout and sheet writing shared by every workbook (XlsxWriter, public API).

A sheet is one or more blocks: a header row and a list of rows, with a kind per column
that fixes the number format. Workbooks are written in XlsxWriter's constant_memory mode:
each row goes to disk once it is complete, so a sheet of 100,000 decisions costs no
memory. (Built in memory, with shared strings, the report stage of the large set took a
fifth less time but its peak of memory grew by 600 MB, over the goal of a whole run.)
Every value that is text is written with `write_string`, never as a formula or an error
code, because names and details come from exports that anyone can type into
(`=HYPERLINK(...)`, `+32...`, `@...`). A text cell has no format of its own (only a
wrapped one has its wrap): a format on every text cell costs a fifth of the writing.

Every sheet prints the same way: landscape A4, one page wide, the header row repeated on
every page, a page header (report, school year or reference date, office) and a footer
(run id, page N of M).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

EURO_FORMAT = '"€" #,##0'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
MONTHS_FORMAT = "0.00"
PERCENT_FORMAT = "0.0%"
INT_FORMAT = "#,##0"

NUMBER_FORMATS: dict[str, str] = {
    "eur": EURO_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "months": MONTHS_FORMAT,
    "pct": PERCENT_FORMAT,
    "int": INT_FORMAT,
}
# Shown width of a formatted value, where it does not depend on the value's text.
FIXED_WIDTHS: dict[str, int] = {"date": 10, "datetime": 19, "months": 6, "pct": 6}
MIN_WIDTH, MAX_WIDTH = 6, 70
WRAP_WIDTH = 40  # a long text (an explanation, a detail) wraps onto lines this wide
HEADER_WIDTH = 18  # a longer header wraps onto more lines instead of widening its column
LINE_HEIGHT = 15  # points, one line of the default font
TITLE_HEIGHT = 20  # points, the title line of a title block (14 points bold)
MAX_TEXT = 32_767  # Excel's limit for one cell
A4 = 9  # the paper size code of A4 in the OOXML page setup
HEADER_COLOR, HEADER_FILL = "#FFFFFF", "#1F4E78"
CHART_MAX_WIDTH, CHART_MIN_WIDTH = 1000, 480  # pixels; a landscape A4 page is about 1000 wide
EXCEL_EPOCH = date(1899, 12, 30)
# characters XML 1.0 cannot hold (as openpyxl refuses them): dropped from every text
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
WORKBOOK_OPTIONS: dict[str, object] = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | wrap (long text, wrapped) | int | eur | date | months | pct


@dataclass(frozen=True)
class Typed:
    """A value whose kind differs from its column's (a key/value list mixes kinds)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Block:
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    totals: Sequence[object] | None = None  # a bold row below the list, outside the filter
    heading: str | None = None  # a bold line above the block's header (not on the first block)


@dataclass(frozen=True)
class Placed:
    """Where a block's header and rows landed (1-based rows), for charts that refer to them."""

    header_row: int
    first_row: int
    last_row: int  # equal to header_row when there are no rows


@dataclass(frozen=True)
class Page:
    """What the page header and footer of every sheet of a workbook say."""

    title: str  # the report: "Premies kwalificerend werkplekleren"
    period: str  # "Schooljaar 2024-2025" or "Peildatum 01/09/2025"
    office: str  # "Alle kantoren" or the office
    run_id: str


def clean_text(value: str) -> str:
    """Text Excel can hold: no control characters, at most 32,767 characters."""
    return _ILLEGAL.sub("", value)[:MAX_TEXT]


def _header_text(text: str) -> str:
    """Text inside a page header or footer: '&' is a control character there."""
    return clean_text(text).replace("&", "&&")


def page_header(page: Page) -> str:
    """Left: report and sheet; centre: school year or reference date; right: office."""
    return (
        f"&L{_header_text(page.title)}: &A"
        f"&C{_header_text(page.period)}&R{_header_text(page.office)}"
    )


def page_footer(page: Page) -> str:
    """Left: the run; right: page N of M."""
    return f"&LRun {_header_text(page.run_id)}&RPagina &P van &N"


def _shown_width(value: object, kind: str) -> int:
    """How many characters a value takes once formatted."""
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    if value is None:
        return 0
    if isinstance(value, str):
        return max(map(len, value.split("\n"))) if "\n" in value else len(value)
    if kind in FIXED_WIDTHS:
        return FIXED_WIDTHS[kind]
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    if kind == "eur" and isinstance(value, int | float):
        return len(f"€ {value:,.0f}")
    if isinstance(value, int | float):
        return len(f"{value:,}")
    return len(str(value))


def _column_width(values: Sequence[object], kind: str) -> int:
    """The widest formatted value of one column."""
    texts = [v for v in values if v.__class__ is str]
    rest = [v for v in values if v.__class__ is not str and v is not None]
    if kind in FIXED_WIDTHS and not texts and not any(isinstance(v, str | Typed) for v in rest):
        return FIXED_WIDTHS[kind] if rest else 0
    widest = 0
    if texts:
        # one pass in C over every text; only a text with a line break needs its lines
        widest = max(map(len, texts))
        if "\n" in "".join(texts):
            widest = max(_shown_width(v, kind) for v in texts)
    numbers = [v for v in rest if isinstance(v, int | float) and not isinstance(v, bool)]
    others = [v for v in rest if not isinstance(v, int | float) or isinstance(v, bool)]
    # a number's width grows with its magnitude: the extremes are the widest
    extremes = [min(numbers), max(numbers)] if numbers else []
    return max(widest, max((_shown_width(v, kind) for v in [*extremes, *others]), default=0))


def column_widths(blocks: Sequence[Block], extra: Sequence[str] = ()) -> list[float]:
    """Width of every column: the widest header or formatted value, within bounds."""
    n = max((len(b.columns) for b in blocks), default=0)
    widths = [MIN_WIDTH] * n
    for block in blocks:
        rows = [*block.rows, *([block.totals] if block.totals else [])]
        for i, col in enumerate(block.columns):
            values = [row[i] for row in rows]
            # + 3: room for the filter button beside a header
            header = min(len(col.header) + 3, HEADER_WIDTH)
            width = _column_width(values, col.kind)
            if col.kind == "wrap":  # a longer text takes more lines, not more page
                width = min(width, WRAP_WIDTH)
            widths[i] = max(widths[i], header, width)
    for i, text in enumerate(extra[:n]):
        widths[i] = max(widths[i], len(text))
    return [min(w + 2, MAX_WIDTH) for w in widths]


def header_lines(columns: Sequence[Column], widths: Sequence[float]) -> int:
    """How many lines the longest wrapped header takes in its column."""
    lines = 1
    for column, width in zip(columns, widths, strict=False):
        room = max(1, int(width) - 3)  # the filter button takes the rest
        words, line, count = column.header.split(), 0, 1
        for word in words:
            if line and line + 1 + len(word) > room:
                count, line = count + 1, len(word)
            else:
                line += (1 if line else 0) + len(word)
        lines = max(lines, count)
    return lines


def partial_path(path: Path) -> Path:
    """Where a workbook is written until it is complete: `<name>.tmp` beside it."""
    return path.with_name(path.name + ".tmp")


def _create(path: Path) -> IO[bytes]:
    """Open a new file for writing: every workbook file is created here, and only here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


class Sheet:
    """A worksheet being written, row by row, and the widths of its columns."""

    def __init__(self, book: Book, ws: Worksheet, widths: Sequence[float]) -> None:
        self.book, self.ws, self.widths = book, ws, list(widths)
        self.name = ws.get_name()


class Book:
    """One workbook being written to `path`; `close` (or leaving the `with`) finishes it.

    The file is written under a temporary name and renamed when complete, so a reader never
    opens half a workbook; a failed write leaves no file behind."""

    def __init__(self, path: Path, page: Page, stamp: datetime) -> None:
        self.path, self.page = path, page
        self._tmp = partial_path(path)
        self._out = _create(self._tmp)
        self.wb = xlsxwriter.Workbook(self._out, WORKBOOK_OPTIONS)
        # created (and modified) are the run's own time, so a rewrite gives the same file
        self.wb.set_properties({"author": "duaal", "created": stamp})
        add = self.wb.add_format
        # right-aligned: a '< 5' or '—' in a column of numbers lines up with the numbers
        self.plain = {
            kind: add({"num_format": fmt, "align": "right"}) for kind, fmt in NUMBER_FORMATS.items()
        }
        self.bold = {
            k: add({"num_format": f, "bold": True, "align": "right"})
            for k, f in NUMBER_FORMATS.items()
        }
        self.bold["text"] = add({"bold": True})
        self.title = add({"bold": True, "font_size": 14})
        self.plain["wrap"] = add({"text_wrap": True})
        self.bold["wrap"] = add({"text_wrap": True, "bold": True})
        self.header = add(
            {
                "bold": True,
                "font_color": HEADER_COLOR,
                "bg_color": HEADER_FILL,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self._dates: dict[date, int] = {}

    def __enter__(self) -> Book:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    def close(self) -> Path:
        """Finish the workbook and put it in place."""
        try:
            self.wb.close()
        finally:
            self._out.close()
        self._tmp.replace(self.path)
        return self.path

    def discard(self) -> None:
        """Drop a workbook that could not be finished."""
        self._out.close()
        self._tmp.unlink(missing_ok=True)

    def add_sheet(
        self, title: str, blocks: Sequence[Block], title_block: bool = False
    ) -> tuple[Sheet, list[Placed]]:
        """Write a sheet of blocks: header of the first block frozen and printed on every
        page, the first list filtered; with title_block, the report, its period and office,
        and the run above it (the first sheet a reader opens)."""
        ws = self.wb.add_worksheet(title)
        widths = column_widths(blocks, [b.heading for b in blocks if b.heading])
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        row = self._write_title_block(ws) if title_block else 0  # the next row to write
        ws.freeze_panes(row + 1, 0)
        self._print_setup(ws, row)
        placed: list[Placed] = []
        for index, block in enumerate(blocks):
            if index > 0:
                row += 1  # an empty line between blocks
                if block.heading:
                    ws.write_string(row, 0, clean_text(block.heading), self.bold["text"])
                    row += 1
            header = row
            lines = header_lines(block.columns, widths)
            if lines > 1:
                ws.set_row(row, LINE_HEIGHT * lines)
            for col, column in enumerate(block.columns):
                ws.write_string(row, col, clean_text(column.header), self.header)
            kinds = [c.kind for c in block.columns]
            self._set_heights(ws, row + 1, block.rows, kinds, widths)
            row = self._write_rows(ws, row + 1, block.rows, kinds)
            placed.append(Placed(header + 1, header + 2, row))
            if index == 0:
                # one filter a sheet: over the first list, without its totals
                ws.autofilter(header, 0, max(row - 1, header), len(block.columns) - 1)
            if block.totals is not None:
                row = self._write_rows(ws, row, [block.totals], kinds, self.bold)
        return Sheet(self, ws, widths), placed

    def _write_title_block(self, ws: Worksheet) -> int:
        """The report's title, its period and office, and the run, then an empty line;
        the index of the row after them."""
        page = self.page
        ws.set_row(0, TITLE_HEIGHT)
        ws.write_string(0, 0, clean_text(page.title), self.title)
        ws.write_string(1, 0, clean_text(f"{page.period} · {page.office}"), self.bold["text"])
        ws.write_string(2, 0, clean_text(f"Run {page.run_id}"))
        return 4

    def _print_setup(self, ws: Worksheet, header_row: int = 0) -> None:
        """Landscape A4, one page wide, header row on every page, page header and footer."""
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.set_header(page_header(self.page))
        ws.set_footer(page_footer(self.page))
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)

    @staticmethod
    def _set_heights(
        ws: Worksheet,
        first: int,
        rows: Sequence[Sequence[object]],
        kinds: Sequence[str],
        widths: Sequence[float],
    ) -> None:
        """Give a row with a wrapped text the height of its lines (neither Excel nor
        LibreOffice measures them when it opens the file). Set before the row is written:
        a streamed row is final once the next one starts."""
        # a column's width counts digits; a line of text holds about 1.15 as many letters
        wrapped = [(i, int(widths[i] * 1.15) - 3) for i, k in enumerate(kinds) if k == "wrap"]
        if not wrapped:
            return
        for r, values in enumerate(rows, first):
            lines = 1
            for i, room in wrapped:
                text = values[i] if i < len(values) else None
                if text.__class__ is str and (len(text) > room or "\n" in text):
                    parts = text.split("\n")
                    lines = max(lines, sum(-(-len(p) // room) or 1 for p in parts))
            if lines > 1:
                ws.set_row(r, LINE_HEIGHT * lines)

    def _write_rows(
        self,
        ws: Worksheet,
        first: int,
        rows: Sequence[Sequence[object]],
        kinds: Sequence[str],
        formats: dict[str, Any] | None = None,
    ) -> int:
        """Write rows from row index `first`; the index after the last one written."""
        formats = formats or self.plain
        text_format = formats.get("text")
        # a format per column, and None past the typed columns: one lookup a cell
        widest = max(map(len, rows), default=0)
        cell_formats = [formats.get(k, text_format) for k in kinds]
        cell_formats += [None] * (widest - len(cell_formats))
        write_string, write_number = ws.write_string, ws.write_number
        dates = self._dates
        r = first
        for values in rows:
            for col, (value, fmt) in enumerate(zip(values, cell_formats, strict=False)):
                cls = value.__class__
                if cls is str:
                    if not value.isprintable():
                        value = clean_text(value)
                    elif len(value) > MAX_TEXT:
                        value = value[:MAX_TEXT]
                    write_string(r, col, value, fmt)
                elif value is None:
                    continue
                elif cls is int or cls is float:
                    write_number(r, col, value, fmt)
                elif cls is date:
                    serial = dates.get(value)
                    if serial is None:
                        serial = dates[value] = (value - EXCEL_EPOCH).days
                    write_number(r, col, serial, fmt)
                else:
                    kind = kinds[col] if col < len(kinds) else "text"
                    self._write_other(ws, r, col, value, kind, formats)
            r += 1
        return r

    def _write_other(
        self, ws: Worksheet, r: int, col: int, value: object, kind: str, formats: dict[str, Any]
    ) -> None:
        """A cell of a less common type: Typed, bool, datetime, Decimal and the like."""
        if isinstance(value, Typed):
            value, kind = value.value, value.kind
        fmt = formats.get(kind, formats.get("text"))
        if value is None:
            return
        if isinstance(value, str):
            ws.write_string(r, col, clean_text(value), fmt)
        elif isinstance(value, bool):
            ws.write_boolean(r, col, value, fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(r, col, value, fmt)
        elif isinstance(value, date):
            ws.write_number(r, col, (value - EXCEL_EPOCH).days, fmt)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(r, col, float(value) if isinstance(value, Decimal) else value, fmt)
        else:
            ws.write_string(r, col, clean_text(str(value)), fmt)

    def add_bar_chart(
        self,
        sheet: Sheet,
        title: str,
        placed: Placed,
        categories: int,
        values: Sequence[int],
        y_title: str = "Bedrag (EUR)",
        at_row: int | None = None,
    ) -> None:
        """A column chart of one or more columns (1-based) against a label column.

        Placed below the list (or at `at_row`), as wide as the sheet's columns print, within
        a landscape page; no chart for a list without rows."""
        if placed.last_row < placed.first_row:
            return
        chart = self.wb.add_chart({"type": "column"})
        first, last = placed.first_row - 1, placed.last_row - 1
        for col in values:
            chart.add_series(
                {
                    "name": [sheet.name, placed.header_row - 1, col - 1],
                    "categories": [sheet.name, first, categories - 1, last, categories - 1],
                    "values": [sheet.name, first, col - 1, last, col - 1],
                }
            )
        chart.set_title({"name": title})
        chart.set_y_axis({"name": y_title, "num_format": "#,##0"})
        if len(values) == 1:
            chart.set_legend({"none": True})
        else:
            chart.set_legend({"position": "bottom"})
        # the sheet prints one page wide: a chart no wider than its columns keeps the scale
        columns_px = sum(int(w * 7 + 5) for w in sheet.widths)
        width = max(CHART_MIN_WIDTH, min(CHART_MAX_WIDTH, columns_px))
        chart.set_size({"width": width, "height": int(width * 0.45)})
        row = placed.last_row + 3 if at_row is None else at_row
        sheet.ws.insert_chart(row, 0, chart)
