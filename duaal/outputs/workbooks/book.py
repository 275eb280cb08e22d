"""The one place where declared sheets become cells: the workbook, its formats, its rows.

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

Where the rows go and how wide the columns are: layout.py; the title lines, the page
header and footer, print area, scale and page breaks: paging.py; the charts: charts.py.
A sheet without rows says so on the screen and prints no page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from duaal.outputs.workbooks.charts import write_charts
from duaal.outputs.workbooks.layout import (
    Laid,
    Placed,
    columns_of,
    header_lines,
    lay_out,
    text_lines,
)
from duaal.outputs.workbooks.paging import print_pages, print_setup, title_lines
from duaal.outputs.workbooks.style import (
    EXCEL_EPOCH,
    HEADER_COLOR,
    HEADER_FILL,
    LINE_HEIGHT,
    MAX_TEXT,
    MIN_PRINTED_PT,
    NUMBER_FORMATS,
    PAGE_PT,
    About,
    Page,
    Sheet,
    Typed,
    clean_text,
    partial_path,
)

WORKBOOK_OPTIONS: dict[str, object] = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
PROVISIONAL_COLOR = "#9C5700"


def _create(path: Path) -> IO[bytes]:
    """Open a new file for writing: every workbook file is created here, and only here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


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
        from duaal.outputs.workbooks.leeswijzer import leeswijzer  # it declares a Sheet from ours

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
        laid = lay_out(sheet)
        widths, wraps = self._columns(ws, laid)
        heights: dict[int, float] = {}
        self._heights = heights  # the rows taller than a line: their cells at the top
        row = title_lines(self, ws, sheet, first, heights)
        paper = max((sum(1 for f in b.fields if f.paper) for b in sheet.blocks), default=1)
        print_setup(ws, self.page, sheet)
        if not sheet.has_rows and sheet.empty:
            ws.write_string(row, 0, clean_text(sheet.empty), self.quiet)
            # a print area of an empty cell: LibreOffice and Excel print no page of it
            ws.print_area(row + 2, 0, row + 2, 0)
            return
        groups: list[tuple[int, int]] = []  # rows that stay on one page when they fit
        row, placed, repeat = self._write_blocks(ws, sheet, laid, widths, wraps, row, groups)
        last_column = max(paper - 1, 0)
        if sheet.charts:
            screen = any(not f.paper for b in sheet.blocks for f in b.fields)
            room = widths[:paper] if screen else widths  # never over screen-only columns
            row, right = write_charts(
                self, ws, sheet, laid, placed, room, len(self._owners), row, groups
            )
            last_column = max(last_column, right if not screen else last_column)
        if not (len(laid) == 1 or sheet.grouped or self._runs_over_pages(placed, heights)):
            # several short lists: each keeps its header on the page it starts on; a first
            # list that runs over pages repeats its header (a later list that starts a page
            # then has it above its own)
            repeat = None
        print_pages(ws, widths, last_column, row, heights, groups, repeat)

    def _write_blocks(
        self,
        ws: Worksheet,
        sheet: Sheet,
        laid: Sequence[Laid],
        widths: Sequence[float],
        wraps: Sequence[bool],
        row: int,
        groups: list[tuple[int, int]],
    ) -> tuple[int, list[Placed | None], int | None]:
        """Each block from `row`, an empty line between them, each a group of `groups`: the
        row after them, where each block landed, and the header row to repeat on paper."""
        placed: list[Placed | None] = []
        filtered = False
        repeat: int | None = None
        for index, block in enumerate(laid):
            if index > 0:
                row += 1  # an empty line between blocks
            start = row
            # a list in groups: its header once, above the first group's heading
            shared = sheet.grouped and index == 0 and bool(block.cells)
            if shared:
                row = self._write_header(ws, row, block, widths)
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
                row = self._write_header(ws, row, block, widths)
            first_row = row
            self._set_heights(ws, row, block, widths, wraps)
            row = self._write_rows(ws, row, block, wraps)
            placed.append(Placed(header, first_row, row - 1))
            if not filtered and block.cells and not sheet.grouped:
                # one filter a sheet: over the first list, without its totals
                ws.autofilter(header, 0, row - 1, max(block.columns))
                filtered = True
            if block.totals is not None:
                row = self._write_rows(ws, row, block, wraps, totals=True)
            row = self._write_notes(ws, row, block, widths)
            groups.append((start, row - 1))
        if sheet.grouped and repeat is not None:  # one filter over every group
            ws.autofilter(repeat, 0, row - 1, max(max(b.columns) for b in laid if b.columns))
        return row, placed, repeat

    @staticmethod
    def _runs_over_pages(placed: Sequence[Placed | None], heights: dict[int, float]) -> bool:
        """Whether the first list takes more than a page at full size."""
        first = placed[0] if placed else None
        if first is None:
            return False
        rows = range(first.first_row, first.last_row + 1)
        return sum(heights.get(r, LINE_HEIGHT) for r in rows) > PAGE_PT

    def _write_notes(self, ws: Worksheet, row: int, block: Laid, widths: Sequence[float]) -> int:
        """A list's notes under it, on its page (one group with it), each wrapped across
        the paper columns; the row after them."""
        paper = sum(1 for f in block.block.fields if f.paper)
        room = sum(widths[:paper])
        for note in block.block.notes:
            lines = text_lines(note, room)
            if lines > 1 and paper > 1:
                self._tall(ws, row, lines)
                ws.merge_range(row, 0, row, paper - 1, clean_text(note), self.quiet_wrap)
            else:
                ws.write_string(row, 0, clean_text(note), self.quiet)
            row += 1
        return row

    def _write_header(self, ws: Worksheet, row: int, block: Laid, widths: Sequence[float]) -> int:
        """A list's header row (as tall as its wrapped headers); the index of the next row."""
        lines = header_lines([f.header for f in block.fields], [widths[c] for c in block.columns])
        if lines > 1:
            self._tall(ws, row, lines)
        for f, col in zip(block.fields, block.columns, strict=True):
            ws.write_string(row, col, clean_text(f.header), self.header)
        return row + 1

    def _columns(self, ws: Worksheet, laid: Sequence[Laid]) -> tuple[list[float], list[bool]]:
        """Width, wrapping and format of every column (layout.columns_of): a number
        column's format holds its number format; a text column has none: its cells need no
        format in a row of one line, and one of their own only in a taller row (at the top,
        wrapped): a format on every text cell costs time."""
        columns = columns_of(laid)
        for col, (width, kind) in enumerate(zip(columns.widths, columns.kinds, strict=True)):
            fmt = self.format(kind, columns.wraps[col]) if kind in NUMBER_FORMATS else None
            ws.set_column(col, col, width, fmt)
        self._owners = columns.kinds
        return columns.widths, columns.wraps

    def _set_heights(
        self, ws: Worksheet, first: int, block: Laid, widths: Sequence[float], wraps: Sequence[bool]
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
                self._tall(ws, r, lines)

    def _tall(self, ws: Worksheet, row: int, lines: int) -> None:
        """Make a row as tall as `lines` lines (and note it: its cells go at the top)."""
        self._heights[row] = LINE_HEIGHT * lines
        ws.set_row(row, self._heights[row])

    def _write_rows(
        self, ws: Worksheet, first: int, block: Laid, wraps: Sequence[bool], totals: bool = False
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
