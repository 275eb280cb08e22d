"""The one place where declared sheets become cells, formats, print setup and charts.

Workbooks are written in XlsxWriter's constant_memory mode: each row goes to disk once it
is complete, so a sheet of 100,000 decisions costs no memory. (Built in memory, with shared
strings, the report stage of the large set took a fifth less time but its peak of memory
grew by 600 MB, over the goal of a whole run.) Every value that is text is written with
`write_string`, never as a formula or an error code, because names and details come from
exports that anyone can type into (`=HYPERLINK(...)`, `+32...`, `@...`).

A cell gets its format from its column (`set_column` with a format: top-aligned, wrapped
where its field wraps, the number format of its kind), not one of its own: a format on every
cell costs a fifth of the writing. Only a cell whose kind differs from its column's (a
second list on the sheet, a totals row) carries its own.

Every sheet prints the same way: landscape A4, one page wide, the paper fields only (the
print area), the header row of its list repeated on every page, a page header (report,
sheet, school year or reference date, "voorlopig" for a running year, office) and a footer
(run id, page N of M). A list or chart that fits on a page starts on a new page rather than
be cut in two. A sheet without rows says so on the screen and prints no page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from duaal.workbooks.style import (
    A4,
    EXCEL_EPOCH,
    FIXED_WIDTHS,
    HEADER_COLOR,
    HEADER_FILL,
    HEADER_WIDTH,
    LINE_HEIGHT,
    MARGIN_IN,
    MAX_TEXT,
    MIN_PRINTED_PT,
    MIN_WIDTH,
    NUMBER_FORMATS,
    PAGE_PT,
    PAPER_UNITS,
    TITLE_HEIGHT,
    About,
    Block,
    Chart,
    Field,
    Page,
    Sheet,
    Typed,
    clean_text,
    column_px,
    partial_path,
    print_scale,
)

WORKBOOK_OPTIONS: dict[str, object] = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
PROVISIONAL_COLOR = "#9C5700"
CHART_COLORS = ("#1F4E78", "#C55A11", "#548235", "#7F6000")
# a running school year: the same hue, lighter and hatched
RUNNING_COLORS = ("#9DC3E6", "#F4B183", "#A9D18E", "#FFD966")
CHART_HEIGHT = 300  # pixels: two charts and their titles fit on a landscape page
BAR_CHART_BASE, BAR_HEIGHT = 120, 32  # pixels: a chart of horizontal bars, and each bar
CHART_MIN_WIDTH = 480
DEFAULT_COLUMN_PX = 64  # a column nobody sized
PX_PER_PT = 4 / 3
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
        return 17
    if isinstance(value, date):
        return 11
    if kind == "eur" and isinstance(value, int | float):
        return len(f"€ {value:,.0f}") + 1
    if kind == "cents" and isinstance(value, int | float | Decimal):
        return len(f"€ {value:,.2f}") + 1
    if isinstance(value, int | float):
        return len(f"{value:,}") + 1
    return len(str(value))


def column_width(values: Sequence[object], kind: str) -> int:
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


def header_lines(headers: Sequence[str], widths: Sequence[float]) -> int:
    """How many lines the longest wrapped header takes in its column."""
    lines = 1
    for header, width in zip(headers, widths, strict=False):
        room = max(1, int(width) - 3)  # the filter button takes the rest
        line, count = 0, 1
        for word in header.split():
            if line and line + 1 + len(word) > room:
                count, line = count + 1, len(word)
            else:
                line += (1 if line else 0) + len(word)
        lines = max(lines, count)
    return lines


def text_lines(text: str, width: float) -> int:
    """How many lines a text takes wrapped in a column `width` characters wide (a line of
    text holds about 1.1 letters per width unit, which counts digits; word breaks lose a
    little)."""
    room = max(1, int(width * 1.1) - 2)
    if len(text) <= room and "\n" not in text:
        return 1
    return sum(-(-len(part) // room) or 1 for part in text.split("\n"))


def _create(path: Path) -> IO[bytes]:
    """Open a new file for writing: every workbook file is created here, and only here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


@dataclass
class _Laid:
    """A block as the sheet lays it out: its fields in column order, its cells, columns."""

    block: Block
    fields: list[Field]
    cells: list[list[object]]
    totals: list[object] | None
    columns: list[int]  # the sheet column of each field


@dataclass(frozen=True)
class Placed:
    """Where a block's header and rows landed (0-based rows)."""

    header_row: int
    first_row: int
    last_row: int  # the header row when there are no rows


class Book:
    """One workbook being written to `path`; `write` (or `close`, or leaving the `with`)
    finishes it.

    The file is written under a temporary name and renamed when complete, so a reader never
    opens half a workbook; a failed write leaves no file behind."""

    def __init__(self, path: Path, page: Page, stamp: datetime) -> None:
        self.path, self.page = path, page
        self._tmp = partial_path(path)
        self._out = _create(self._tmp)
        self.wb = xlsxwriter.Workbook(self._out, WORKBOOK_OPTIONS)
        # created (and modified) are the run's own time, so a rewrite gives the same file
        self.wb.set_properties({"author": "duaal", "created": stamp})
        self._formats: dict[tuple[str, bool, bool], Any] = {}
        self._by_props: dict[tuple[tuple[str, object], ...], Any] = {}
        add = self.wb.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.subtitle = add({"bold": True, "font_size": 12})
        self.strong = add({"bold": True, "valign": "top"})
        self.running = add({"bold": True, "font_color": PROVISIONAL_COLOR})
        self.quiet = add({"italic": True})
        self.quiet_wrap = add({"italic": True, "text_wrap": True, "valign": "top"})
        self.link = add({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.line = self.format("text")
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

    def write(self, about: About, sheets: Sequence[Sheet]) -> None:
        """The Leeswijzer (from `about` and the sheets' own purposes), then every sheet."""
        from duaal.workbooks.leeswijzer import leeswijzer  # it declares a Sheet from ours

        self.add_sheet(leeswijzer(self.page, about, sheets), first=True)
        for sheet in sheets:
            self.add_sheet(sheet)

    # --- formats ---------------------------------------------------------------------

    def format(self, kind: str, wrap: bool = False, bold: bool = False) -> Any:
        """The format of a kind: its number format (room on the right), top-aligned,
        wrapped or not, bold or not (one Format object per combination)."""
        key = (kind, wrap, bold)
        fmt = self._formats.get(key)
        if fmt is None:
            props: dict[str, object] = {"valign": "top"}
            if kind in NUMBER_FORMATS:
                # right-aligned: a '< 5' or '—' in a column of numbers lines up with them
                props |= {"num_format": NUMBER_FORMATS[kind], "align": "right"}
            if wrap:
                props["text_wrap"] = True
            if bold:
                props["bold"] = True
            # one Format object per set of properties: XlsxWriter numbers only the first of
            # two equal ones, and recomputes the other's key on every cell written with it
            same = tuple(sorted(props.items()))
            fmt = self._by_props.get(same)
            if fmt is None:
                fmt = self._by_props[same] = self.wb.add_format(props)
            self._formats[key] = fmt
        return fmt

    # --- a sheet ---------------------------------------------------------------------

    def add_sheet(self, sheet: Sheet, first: bool = False) -> None:
        """Write one declared sheet: its title lines, its blocks, its charts, its print."""
        points = sheet.printed_points()
        if points < MIN_PRINTED_PT:
            raise ValueError(
                f"sheet {sheet.name!r}: its paper columns would print at {points:.1f} pt, "
                f"under {MIN_PRINTED_PT:g} pt: declare fewer or narrower paper fields"
            )
        ws = self.wb.add_worksheet(sheet.name)
        ws.set_default_row(LINE_HEIGHT)  # what every application then shows, and the pages count
        laid = self._lay_out(sheet)
        widths, wraps = self._columns(ws, laid)
        heights: dict[int, float] = {}
        self._heights = heights  # the rows taller than a line: their cells at the top
        row = self._title_lines(ws, sheet, first, heights)
        paper = max((sum(1 for f in b.fields if f.paper) for b in sheet.blocks), default=1)
        self._print_setup(ws, sheet)
        if not sheet.has_rows and sheet.empty:
            ws.write_string(row, 0, clean_text(sheet.empty), self.quiet)
            # a print area of an empty cell: LibreOffice and Excel print no page of it
            ws.print_area(row + 2, 0, row + 2, 0)
            return
        placed: list[Placed | None] = []
        groups: list[tuple[int, int]] = []  # rows that stay on one page when they fit
        filtered = False
        repeat: int | None = None
        for index, block in enumerate(laid):
            if index > 0:
                row += 1  # an empty line between blocks
            start = row
            # a list in groups: its header once, above the first group's heading
            shared = sheet.grouped and index == 0 and bool(block.cells)
            if shared:
                row = self._write_header(ws, row, block, widths, heights)
            if block.block.heading:
                ws.write_string(row, 0, clean_text(block.block.heading), self.strong)
                row += 1
            if not block.cells and block.block.empty:
                ws.write_string(row, 0, clean_text(block.block.empty), self.quiet)
                placed.append(None)
                groups.append((start, row))
                row += 1
                continue
            # a group's header is the shared one
            header = (start if repeat is None else repeat) if sheet.grouped else row
            if index == 0:
                ws.freeze_panes(header + 1, 0)
                repeat = header
            if not sheet.grouped:
                row = self._write_header(ws, row, block, widths, heights)
            first_row = row
            self._set_heights(ws, row, block, widths, wraps, heights)
            row = self._write_rows(ws, row, block, wraps)
            placed.append(Placed(header, first_row, row - 1))
            if not filtered and block.cells and not sheet.grouped:
                # one filter a sheet: over the first list, without its totals
                ws.autofilter(header, 0, row - 1, max(block.columns))
                filtered = True
            if block.totals is not None:
                row = self._write_rows(ws, row, block, wraps, totals=True)
            # on the page of the list (one group with it), wrapped across the paper columns
            room = sum(widths[:paper])
            for note in block.block.notes:
                lines = text_lines(note, room)
                if lines > 1 and paper > 1:
                    heights[row] = LINE_HEIGHT * lines
                    ws.set_row(row, heights[row])
                    ws.merge_range(row, 0, row, paper - 1, clean_text(note), self.quiet_wrap)
                else:
                    ws.write_string(row, 0, clean_text(note), self.quiet)
                row += 1
            groups.append((start, row - 1))
        if sheet.grouped and repeat is not None:  # one filter over every group
            ws.autofilter(repeat, 0, row - 1, max(max(b.columns) for b in laid if b.columns))
        last_column = max(paper - 1, 0)
        if sheet.charts:
            screen = any(not f.paper for b in sheet.blocks for f in b.fields)
            room = widths[:paper] if screen else widths  # never over screen-only columns
            row, right = self._charts(ws, sheet, laid, placed, room, row, heights, groups)
            last_column = max(last_column, right if not screen else last_column)
        ws.print_area(0, 0, max(row - 1, 0), last_column)
        if repeat is not None and (len(laid) == 1 or sheet.grouped):
            ws.repeat_rows(repeat)  # a list that runs over pages: its header on each one
        else:
            repeat = None  # several lists: each keeps its header on the page it starts on
        default = (DEFAULT_COLUMN_PX - 5) / 7  # a column nobody sized, under a chart
        printed = [widths[c] if c < len(widths) else default for c in range(last_column + 1)]
        # one scale for every application: the print area one page wide as LibreOffice
        # measures it (Excel's columns are narrower, so they fit too), a little to spare;
        # every page then holds the same rows in both, and is cut where it is full
        scale = print_scale(printed)
        ws.set_print_scale(scale)
        room = PAGE_PT * PAGE_FILL * 100 / scale
        ws.set_h_pagebreaks(_page_breaks(heights, groups, row, room, repeat))

    def _write_header(
        self,
        ws: Worksheet,
        row: int,
        block: _Laid,
        widths: Sequence[float],
        heights: dict[int, float],
    ) -> int:
        """A list's header row (as tall as its wrapped headers); the index of the next row."""
        lines = header_lines([f.header for f in block.fields], [widths[c] for c in block.columns])
        if lines > 1:
            heights[row] = LINE_HEIGHT * lines
            ws.set_row(row, heights[row])
        for f, col in zip(block.fields, block.columns, strict=True):
            ws.write_string(row, col, clean_text(f.header), self.header)
        return row + 1

    def _lay_out(self, sheet: Sheet) -> list[_Laid]:
        """Each block's fields in column order (paper first; screen-only fields right of
        every block's paper fields) and its cells."""
        paper = max((sum(1 for f in b.fields if f.paper) for b in sheet.blocks), default=0)
        laid = []
        for block in sheet.blocks:
            fields = block.ordered()
            on_paper = sum(1 for f in fields if f.paper)
            columns = list(range(on_paper)) + list(range(paper, paper + len(fields) - on_paper))
            cells = block.cells(block.rows)
            totals = block.cells([block.totals])[0] if block.totals is not None else None
            laid.append(_Laid(block, fields, cells, totals, columns))
        return laid

    def _columns(self, ws: Worksheet, laid: Sequence[_Laid]) -> tuple[list[float], list[bool]]:
        """Width, wrapping and format of every column: the widest header (wrapped within
        HEADER_WIDTH on paper) or value, within its field's limit; the kind of the field of
        the longest list in that column."""
        count = max((max(b.columns) + 1 for b in laid if b.columns), default=1)
        widths = [float(MIN_WIDTH)] * count
        owner: list[tuple[int, Field] | None] = [None] * count
        texts_in_numbers = [0] * count  # the longest text in a number column of the paper
        for block in laid:
            rows = [*block.cells, *([block.totals] if block.totals else [])]
            for i, (f, col) in enumerate(zip(block.fields, block.columns, strict=True)):
                values = [r[i] for r in rows]
                # a header wraps within HEADER_WIDTH on paper; on the screen its column
                # takes it whole, so the printed header row stays low
                header = len(f.header) + 3 if not f.paper else min(len(f.header) + 3, HEADER_WIDTH)
                header = header if block.cells else 0
                longest = max((len(w) for w in f.header.split()), default=0) + 2
                needed = max(header, column_width(values, f.kind)) + 2
                widths[col] = max(widths[col], min(needed, f.limit), longest)
                if owner[col] is None or len(block.cells) > owner[col][0]:
                    owner[col] = (len(block.cells), f)
                if f.paper and f.kind in NUMBER_FORMATS:
                    texts = [len(v) for v in values if v.__class__ is str]
                    texts_in_numbers[col] = max([texts_in_numbers[col], *texts])
        wraps = [o is not None and o[1].wraps for o in owner]
        for col, (width, who) in enumerate(zip(widths, owner, strict=True)):
            kind = who[1].kind if who else "text"
            # a number column of the paper wraps a text that does not fit (the words of an
            # amount not set yet) rather than cut it
            wraps[col] = wraps[col] or texts_in_numbers[col] > max(1, int(width * 1.1) - 2)
            # a number column's format holds its number format; a text column has none:
            # its cells need no format in a row of one line, and one of their own only in
            # a taller row (at the top, wrapped): a format on every text cell costs time
            fmt = self.format(kind, wraps[col]) if kind in NUMBER_FORMATS else None
            ws.set_column(col, col, width, fmt)
        self._owners = [o[1].kind if o else "text" for o in owner]
        return widths, wraps

    def _title_lines(self, ws: Worksheet, sheet: Sheet, first: bool, heights: dict) -> int:
        """The report (first sheet) or the sheet's title, the period and office, whether it
        is provisional, then an empty line; the index of the row after them."""
        page = self.page
        ws.set_row(0, TITLE_HEIGHT)
        heights[0] = TITLE_HEIGHT
        if first:
            ws.write_string(0, 0, clean_text(page.title), self.title)
        else:
            ws.write_string(0, 0, clean_text(sheet.title or sheet.name), self.subtitle)
        ws.write_string(1, 0, clean_text(f"{page.period} · {page.office}"), self.strong)
        row = 2
        for note in (page.provisional, sheet.running):
            if note:
                text = note[0].upper() + note[1:]
                ws.write_string(row, 0, clean_text(text), self.running)
                row += 1
        return row + 1

    def _print_setup(self, ws: Worksheet, sheet: Sheet) -> None:
        """Landscape A4, page header and footer (the scale: once the columns are known)."""
        ws.set_landscape()
        ws.set_paper(A4)
        ws.set_header(page_header(self.page, sheet.running))
        ws.set_footer(page_footer(self.page))
        ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.75, bottom=0.75)

    @staticmethod
    def _set_heights(
        ws: Worksheet,
        first: int,
        block: _Laid,
        widths: Sequence[float],
        wraps: Sequence[bool],
        heights: dict[int, float],
    ) -> None:
        """Give a row with a wrapped text the height of its lines (neither Excel nor
        LibreOffice measures them when it opens the file). Set before the row is written:
        a streamed row is final once the next one starts."""
        wrapped = [(i, widths[col]) for i, col in enumerate(block.columns) if wraps[col]]
        if not wrapped:
            return
        rooms = [(i, max(1, int(w * 1.1) - 2)) for i, w in wrapped]
        for r, values in enumerate(block.cells, first):
            lines = 1
            for i, room in rooms:
                text = values[i]
                if text.__class__ is str and (len(text) > room or "\n" in text):
                    if "\n" in text:
                        lines = max(lines, text_lines(text, widths[block.columns[i]]))
                    else:  # as text_lines, without splitting lines
                        lines = max(lines, -(-len(text) // room))
            if lines > 1:
                heights[r] = LINE_HEIGHT * lines
                ws.set_row(r, heights[r])

    def _write_rows(
        self, ws: Worksheet, first: int, block: _Laid, wraps: Sequence[bool], totals: bool = False
    ) -> int:
        """Write a block's rows (or its totals row, bold) from row index `first`; the index
        after the last one written. A cell of the column's own kind takes the column's
        format; another (a second list's, a totals row's) its own."""
        rows = [block.totals] if totals else block.cells
        # per column the format of a cell in a row of one line, and in a taller row
        short, tall = [], []
        for f, col in zip(block.fields, block.columns, strict=True):
            own = self.format(f.kind, wraps[col], bold=totals)
            if totals:
                short.append(own)
                tall.append(own)
            elif f.kind in NUMBER_FORMATS:
                fmt = None if self._owners[col] == f.kind else own  # the column's, or its own
                short.append(fmt)
                tall.append(fmt)
            elif self._owners[col] in NUMBER_FORMATS:  # a text under a number column's format
                short.append(own)
                tall.append(own)
            else:
                short.append(None)
                tall.append(own)
        kinds = [f.kind for f in block.fields]
        short_places = list(zip(block.columns, short, kinds, strict=True))
        tall_places = list(zip(block.columns, tall, kinds, strict=True))
        heights = self._heights
        write_string, write_number = ws.write_string, ws.write_number
        dates = self._dates
        r = first
        for values in rows:
            places = tall_places if r in heights else short_places
            for value, (col, fmt, kind) in zip(values, places, strict=True):
                cls = value.__class__
                if cls is str:
                    if not value.isprintable():
                        value = clean_text(value)
                    elif len(value) > MAX_TEXT:
                        value = value[:MAX_TEXT]
                    if kind == "sheet":
                        self._write_link(ws, r, col, value)
                    else:
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
                    self._write_other(ws, r, col, value, fmt, wraps[col], totals)
            r += 1
        return r

    def _write_link(self, ws: Worksheet, r: int, col: int, name: str) -> None:
        """A sheet's name as a link to it."""
        target = name.replace("'", "''")
        ws.write_url(r, col, f"internal:'{target}'!A1", self.link, name)

    def _write_other(
        self, ws: Worksheet, r: int, col: int, value: object, fmt: Any, wrap: bool, bold: bool
    ) -> None:
        """A cell of a less common type: Typed, bool, datetime, Decimal and the like."""
        if isinstance(value, Typed):
            value, fmt = value.value, self.format(value.kind, wrap, bold)
        if value is None:
            return
        if isinstance(value, str):
            ws.write_string(r, col, clean_text(value), fmt)
        elif isinstance(value, bool):  # a flag no field turned into words: still Dutch
            ws.write_string(r, col, "Ja" if value else "Nee", fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(r, col, value, fmt)
        elif isinstance(value, date):
            ws.write_number(r, col, (value - EXCEL_EPOCH).days, fmt)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(r, col, float(value) if isinstance(value, Decimal) else value, fmt)
        else:
            ws.write_string(r, col, clean_text(str(value)), fmt)

    # --- charts ----------------------------------------------------------------------

    def _charts(
        self,
        ws: Worksheet,
        sheet: Sheet,
        laid: Sequence[_Laid],
        placed: Sequence[Placed | None],
        widths: Sequence[float],
        row: int,
        heights: dict[int, float],
        groups: list[tuple[int, int]],
    ) -> tuple[int, int]:
        """Each chart below the lists, as wide as the printed page (or, on a sheet with
        screen-only columns, as its paper columns: `widths`), its note below; none of a
        single bar. The row after them and the last column they cover."""
        columns_px = sum(column_px(w) for w in widths)
        scale = min(1.0, PAPER_UNITS / columns_px) if columns_px else 1.0
        width = max(CHART_MIN_WIDTH, int(PAPER_UNITS / scale) - 20)
        if len(widths) < len(self._owners):  # screen-only columns to the right
            width = max(CHART_MIN_WIDTH, min(width, columns_px - 10))
        right = 0
        for chart in sheet.charts:
            block, where = laid[chart.block], placed[chart.block]
            if where is None or where.last_row - where.first_row + 1 < 2:
                continue  # a chart of one bar answers no question
            start = row + 1
            # horizontal bars: room for every bar's label (LibreOffice drops labels that
            # would touch)
            bars = where.last_row - where.first_row + 1
            height = max(CHART_HEIGHT, BAR_CHART_BASE + BAR_HEIGHT * bars * len(chart.values))
            height = height if chart.kind == "bar" else CHART_HEIGHT
            self._chart(ws, sheet, chart, block, where, start, width, height)
            rows = math.ceil(height / (LINE_HEIGHT * PX_PER_PT))
            end = start + rows
            if chart.note:
                ws.write_string(end, 0, clean_text(chart.note), self.quiet)
                end += 1
            groups.append((start, end - 1))
            row = end
            right = max(right, _columns_covering(widths, width))
        return row, right

    def _chart(
        self,
        ws: Worksheet,
        sheet: Sheet,
        chart: Chart,
        block: _Laid,
        where: Placed,
        at_row: int,
        width: int,
        height: int = CHART_HEIGHT,
    ) -> None:
        """One chart of a block's rows, a running year's bars lighter and hatched."""
        names = [f.name for f in block.fields]
        category = block.columns[names.index(chart.category)]
        labels = [r[names.index(chart.category)] for r in block.cells]
        running = [i for i, label in enumerate(labels) if label in set(chart.running)]
        if running and not [i for i in range(len(labels)) if i not in running]:
            running = []  # every bar is of the running year: the title says so
        xl = self.wb.add_chart({"type": chart.kind})
        first, last = where.first_row, where.last_row
        for n, name in enumerate(chart.values):
            col = block.columns[names.index(name)]
            color, light = CHART_COLORS[n % 4], RUNNING_COLORS[n % 4]
            series: dict[str, Any] = {
                "name": [sheet.name, where.header_row, col],
                "categories": [sheet.name, first, category, last, category],
                "values": [sheet.name, first, col, last, col],
                "fill": {"color": color},
                "border": {"color": color},
            }
            if len(chart.values) == 1:  # beside a bar of each series, labels overlap
                series["data_labels"] = {
                    "value": True,
                    "num_format": "0%" if chart.percent else "#,##0",
                    "font": {"size": 11},
                }
            hatched = {
                "pattern": {
                    "pattern": "wide_upward_diagonal",
                    "fg_color": color,
                    "bg_color": light,
                },
                "border": {"color": color},
            }
            if name in chart.running_series:
                del series["fill"]
                series |= hatched
            elif running:
                series["points"] = [hatched if i in running else None for i in range(len(labels))]
            xl.add_series(series)
        title = chart.title
        if self.page.provisional:
            title += f" ({self.page.provisional})"
        xl.set_title({"name": title, "name_font": {"size": 13, "bold": True}})
        value_axis = {
            "name": chart.axis,
            "num_format": "0%" if chart.percent else "#,##0",
            "num_font": {"size": 11},
            "name_font": {"size": 11, "bold": False},
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
        if chart.percent:
            value_axis |= {"min": 0, "max": 1}
        category_axis: dict[str, Any] = {"num_font": {"size": 11}}
        if chart.kind == "bar":  # the first row on top
            category_axis["reverse"] = True
            xl.set_x_axis(value_axis)
            xl.set_y_axis(category_axis)
        else:
            xl.set_y_axis(value_axis)
            xl.set_x_axis(category_axis)
        if len(chart.values) == 1:
            xl.set_legend({"none": True})
        else:
            xl.set_legend({"position": "bottom", "font": {"size": 11}})
        xl.set_size({"width": width, "height": height})
        ws.insert_chart(at_row, 0, xl, {"object_position": 1})


def _columns_covering(widths: Sequence[float], px: int) -> int:
    """The last column a chart `px` wide, placed in column A, reaches."""
    total, col = 0, 0
    while True:
        total += column_px(widths[col]) if col < len(widths) else DEFAULT_COLUMN_PX
        if total >= px:
            return col
        col += 1


def _page_breaks(
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
