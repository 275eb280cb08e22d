"""Formats and sheet writing shared by every workbook (openpyxl write-only mode).

A sheet is one or more blocks: a header row and a list of rows, with a kind per column
that fixes the number format. Every value that is text is written as text, never as a
formula or an error code, because names and details come from exports that anyone can
type into (`=HYPERLINK(...)`, `+32...`, `@...`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml import LXML

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
MAX_TEXT = 32_767  # Excel's limit for one cell
# "\r" too: the rows are written as raw XML, where a bare carriage return would be read back
# as a line feed (lxml escaped it when it serialised the rows)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ROWS_MARK = "duaal:rows"  # a comment in <sheetData> that save_workbook replaces by the rows
LETTERS = [get_column_letter(i) for i in range(1, 703)]  # A .. ZZ

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
BOLD = Font(bold=True)
TABLE_STYLE = "TableStyleMedium2"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | int | eur | date | datetime | months | pct


@dataclass(frozen=True)
class Typed:
    """A value whose kind differs from its column's (a key/value list mixes kinds)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Block:
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    table: str | None = None  # Excel table name (unique in the workbook); None: autofilter
    totals: Sequence[object] | None = None  # a bold row below the list, outside filter/table
    heading: str | None = None  # a bold line above the block's header (not on the first block)


@dataclass(frozen=True)
class Placed:
    """Where a block's header and rows landed, for charts that refer to them."""

    header_row: int
    first_row: int
    last_row: int  # equal to header_row when there are no rows


def xml_escape(text: str) -> str:
    """Text as XML character data."""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.translate(_XML_ESCAPES)
    return text


def clean_text(value: str) -> str:
    """Text Excel can hold: no control characters, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]


class _RowWriter:
    """Writes rows of plain values straight into a write-only sheet's XML stream.

    openpyxl builds a Cell object per value and decides its type from the value, which
    costs most of the time of a large sheet and turns a string starting with '=' into a
    formula. Here every str becomes an inline string (never a formula or an error value),
    numbers and dates get the style of their column kind, and a row is one XML element.
    It hooks into openpyxl 3.1's write-only internals (`_get_writer`, `_values_to_row`,
    `_writer.write_row`, `_writer.out`); the tests read every workbook back, so a change
    there shows. The rows go as text to a file of their own, and only a marker into the
    sheet's XML stream: parsing each row into an lxml element to have it serialised again
    took half the time of a 100,000-agreement run's reports. `save_workbook` splices them.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.epoch = ws.parent.epoch
        self.styles = {kind: self._style_id(fmt, None) for kind, fmt in NUMBER_FORMATS.items()}
        self.bold = {kind: self._style_id(fmt, BOLD) for kind, fmt in NUMBER_FORMATS.items()}
        self.bold["text"] = self._style_id(None, BOLD)
        header = WriteOnlyCell(ws)
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        self.header = str(header.style_id)
        # rows are appended as ready lists and written by `write_row` below
        ws._get_writer()
        ws._values_to_row = lambda values, row_idx: values
        ws._writer.write_row = self.write_row
        self.rows_file: Path | None = None
        self._rows_out: IO[str] | None = None
        self._keep = False  # the rows file belongs to a sheet cache, which removes it
        self._source: _RowWriter | None = None  # the writer whose rows this sheet repeats
        cache = _CACHE[-1] if _CACHE else None
        # text value -> its <is> element (values repeat, also across the sheets of a cache)
        self._cells: dict[str, str] = cache.cells if cache else {}
        self._dates: dict[date, str] = cache.dates if cache else {}
        self._attrs: dict[tuple[tuple[str, ...], str, int], list[str]] = {}
        _ROW_FILES[ws._writer.out] = self

    def _style_id(self, fmt: str | None, font: Font | None) -> str:
        """Register a cell style with the workbook; its index as the XML attribute."""
        cell = WriteOnlyCell(self.ws)
        if fmt:
            cell.number_format = fmt
        if font:
            cell.font = font
        return str(cell.style_id)

    def style_key(self) -> tuple[object, ...]:
        """What the XML of a row depends on besides its values: style indexes and epoch."""
        return (
            tuple(sorted(self.styles.items())),
            tuple(sorted(self.bold.items())),
            self.header,
            self.epoch,
        )

    def append(self, values: Sequence[object], kinds: Sequence[str], style: str = "") -> None:
        """Queue one row: style '' (by kind), 'bold' or 'header'."""
        self.ws.append((values, kinds, style))

    def keep(self) -> None:
        """Leave the rows file to the sheet cache: a later sheet may repeat it."""
        self._keep = True

    def repeat(self, source: _RowWriter) -> None:
        """Write the rows another sheet of the same cache wrote, instead of new ones."""
        self._source = source
        self.ws.append((_REPEAT, (), ""))

    def _cell_attrs(self, kinds: Sequence[str], style: str, n: int) -> list[str]:
        """The style attribute of every column of a row (' s="3"' or '')."""
        key = (tuple(kinds), style, n)
        attrs = self._attrs.get(key)
        if attrs is None:
            ids = [self._style_for(kinds[i] if i < len(kinds) else "text", style) for i in range(n)]
            attrs = self._attrs[key] = [f' s="{s}"' if s else "" for s in ids]
        return attrs

    def _open_rows(self, xf: object) -> None:
        """Put the marker in the sheet's XML and open the file the rows go to."""
        xf.write(Comment(_ROWS_MARK))
        fd, name = tempfile.mkstemp(prefix="duaal-rows-", suffix=".xml")
        self.rows_file = Path(name)
        # ASCII with character references, as lxml's xmlfile writes the rest of the sheet
        self._rows_out = os.fdopen(
            fd, "w", encoding="ascii", errors="xmlcharrefreplace", newline=""
        )

    def write_row(
        self, xf: object, row: tuple[Sequence[object], Sequence[str], str], row_idx: int
    ) -> None:
        """Serialise one row of values as <row><c .../>...</row>."""
        values, kinds, style = row
        if values is _REPEAT:
            xf.write(Comment(_ROWS_MARK))
            return
        if self._rows_out is None:
            self._open_rows(xf)
        r = str(row_idx)
        attrs = self._cell_attrs(kinds, style, len(values))
        cells, dates = self._cells, self._dates
        parts = ['<row r="', r, '">']
        for col, value in enumerate(values):
            cls = value.__class__
            if cls is str:
                inline = cells.get(value)
                if inline is None:
                    inline = cells[value] = _inline_string(value)
                parts += ('<c r="', LETTERS[col], r, '"', attrs[col], ' t="inlineStr">', inline)
                parts.append("</c>")
            elif value is None:
                continue
            elif cls is int:
                parts += ('<c r="', LETTERS[col], r, '"', attrs[col], ' t="n"><v>', str(value))
                parts.append("</v></c>")
            elif cls is float:
                parts += ('<c r="', LETTERS[col], r, '"', attrs[col], ' t="n"><v>', repr(value))
                parts.append("</v></c>")
            elif cls is date:
                number = dates.get(value)
                if number is None:
                    number = dates[value] = str(to_excel(value, self.epoch))
                parts += ('<c r="', LETTERS[col], r, '"', attrs[col], ' t="n"><v>', number)
                parts.append("</v></c>")
            else:
                kind = kinds[col] if col < len(kinds) else "text"
                parts.append(self._other_cell(value, kind, style, LETTERS[col] + r))
        if len(parts) == 3:
            self._rows_out.write(f'<row r="{r}"/>')
            return
        parts.append("</row>")
        self._rows_out.write("".join(parts))

    def _other_cell(self, value: object, kind: str, style: str, ref: str) -> str:
        """A cell of a less common type: Typed, bool, datetime, Decimal and the like."""
        if isinstance(value, Typed):
            value, kind = value.value, value.kind
        if value is None:
            return ""
        style_id = self._style_for(kind, style)
        ref = f'r="{ref}"' + (f' s="{style_id}"' if style_id else "")
        if isinstance(value, str):
            inline = self._cells.get(value)
            if inline is None:
                inline = self._cells[value] = _inline_string(value)
            return f'<c {ref} t="inlineStr">{inline}</c>'
        if isinstance(value, bool):
            return f'<c {ref} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, date):
            return f'<c {ref} t="n"><v>{to_excel(value, self.epoch)}</v></c>'
        number = repr(value) if isinstance(value, float) else str(value)
        return f'<c {ref} t="n"><v>{number}</v></c>'

    def close_rows(self) -> None:
        """Finish the rows file (it may be read again for a sheet that repeats it)."""
        if self._rows_out is not None and not self._rows_out.closed:
            self._rows_out.close()

    def splice(self, sheet_xml: bytes, out: IO[bytes]) -> None:
        """Write the sheet's XML with the rows in place of their marker, then drop the rows."""
        source = self._source or self
        if source._rows_out is None:
            out.write(sheet_xml)
            return
        source.close_rows()
        head, tail = sheet_xml.split(f"<!--{_ROWS_MARK}-->".encode(), 1)
        out.write(head)
        with source.rows_file.open("rb") as rows:
            shutil.copyfileobj(rows, out, 1 << 20)
        out.write(tail)
        if not self._keep and self._source is None:
            self.rows_file.unlink(missing_ok=True)

    def discard(self) -> None:
        """Drop the rows file of a sheet that is not saved."""
        self.close_rows()
        if self._rows_out is not None and not self._keep:
            self.rows_file.unlink(missing_ok=True)

    def _style_for(self, kind: str, style: str) -> str | None:
        """The style index of a cell."""
        if style == "header":
            return self.header
        if style == "bold":
            return self.bold.get(kind, self.bold["text"])
        return self.styles.get(kind)


_REPEAT: list[object] = []  # the one "row" of a sheet that repeats a cached sheet's rows


class _SheetCache:
    """Sheets already written in this scope: their column widths and rows, by content."""

    def __init__(self) -> None:
        self.sheets: dict[tuple[object, ...], tuple[list[float], _RowWriter]] = {}
        self.cells: dict[str, str] = {}
        self.dates: dict[date, str] = {}

    def close(self) -> None:
        """Remove the rows files the cache kept."""
        for _, writer in self.sheets.values():
            writer.close_rows()
            if writer.rows_file is not None:
                writer.rows_file.unlink(missing_ok=True)
        self.sheets.clear()


_CACHE: list[_SheetCache] = []


@contextmanager
def sheet_cache() -> Iterator[None]:
    """Within it, a sheet whose blocks equal an earlier sheet's reuses that sheet's rows.

    The premies workbook of an office repeats the office's sheet of the premies workbook of
    all offices, and every year's conformiteit workbook repeats the same findings: their
    rows are serialised once and copied into each workbook.
    """
    cache = _SheetCache()
    _CACHE.append(cache)
    try:
        yield
    finally:
        _CACHE.remove(cache)
        cache.close()


def _sheet_key(blocks: Sequence[Block]) -> tuple[object, ...] | None:
    """What a sheet's widths and rows depend on (not its table names); None if unhashable."""
    key = tuple(
        (
            tuple(block.columns),
            tuple(map(tuple, block.rows)),
            None if block.totals is None else tuple(block.totals),
            block.heading,
        )
        for block in blocks
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


if LXML:  # the comment must be of the kind openpyxl's xmlfile writes
    from lxml.etree import Comment
else:  # pragma: no cover - openpyxl without lxml
    from xml.etree.ElementTree import Comment

# write-only sheet XML file (openpyxl's temporary file) -> the writer holding its rows
_ROW_FILES: dict[str, _RowWriter] = {}


def _inline_string(value: str) -> str:
    """The <is> element of a text cell; leading or trailing spaces kept."""
    text = clean_text(value)
    if not text:
        return "<is><t/></is>"
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{xml_escape(text)}</t></is>"


class _SplicingZipFile(ZipFile):
    """A zip archive that puts each write-only sheet's rows back into its XML as it stores it."""

    def write(self, filename: object, arcname: str | None = None, *args: object) -> None:
        writer = _ROW_FILES.pop(str(filename), None)
        if writer is None:
            super().write(filename, arcname, *args)  # type: ignore[arg-type]
            return
        sheet_xml = Path(str(filename)).read_bytes()
        with self.open(arcname or str(filename), "w", force_zip64=True) as out:
            writer.splice(sheet_xml, out)


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
            widths[i] = max(widths[i], len(col.header) + 3, _column_width(values, col.kind))
    for i, text in enumerate(extra[:n]):
        widths[i] = max(widths[i], len(text))
    return [min(w + 2, MAX_WIDTH) for w in widths]


def add_sheet(
    wb: Workbook, title: str, blocks: Sequence[Block]
) -> tuple[WriteOnlyWorksheet, list[Placed]]:
    """Write a sheet of blocks: header of the first block frozen, every list filterable."""
    ws = wb.create_sheet(title)
    cache = _CACHE[-1] if _CACHE else None
    key = _sheet_key(blocks) if cache is not None else None
    cached = cache.sheets.get(key) if cache is not None and key is not None else None
    if cached is not None:
        widths = cached[0]
    else:
        widths = column_widths(blocks, [b.heading for b in blocks if b.heading])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # write-only sheets take panes and filters when they are set before the first row
    ws.freeze_panes = "A2"
    writer = _RowWriter(ws)
    repeat = cached is not None and cached[1].style_key() == writer.style_key()
    if repeat:
        writer.repeat(cached[1])
    elif cache is not None and key is not None:
        writer.keep()
        cache.sheets[key] = (widths, writer)
    placed: list[Placed] = []
    row_no = 0
    for index, block in enumerate(blocks):
        if index > 0:
            if not repeat:
                writer.append([], [])
            row_no += 1
            if block.heading:
                if not repeat:
                    writer.append([block.heading], ["text"], "bold")
                row_no += 1
        if not repeat:
            writer.append([c.header for c in block.columns], [], "header")
        header_row = row_no = row_no + 1
        if not repeat:
            kinds = [c.kind for c in block.columns]
            for row in block.rows:
                writer.append(row, kinds)
        row_no += len(block.rows)
        placed.append(Placed(header_row, header_row + 1, row_no))
        _add_filter(ws, block, header_row, row_no, single=len(blocks) == 1)
        if block.totals is not None:
            if not repeat:
                writer.append(block.totals, kinds, "bold")
            row_no += 1
    return ws, placed


def _add_filter(ws: WriteOnlyWorksheet, block: Block, top: int, bottom: int, single: bool) -> None:
    """An Excel table over a list with rows, else a sheet autofilter over its header."""
    ref = f"A{top}:{get_column_letter(len(block.columns))}{bottom}"
    if block.table and bottom > top:
        table = Table(
            displayName=block.table,
            ref=ref,
            autoFilter=AutoFilter(ref=ref),
            tableColumns=[
                TableColumn(id=i, name=clean_text(c.header))
                for i, c in enumerate(block.columns, start=1)
            ],
            tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True),
        )
        with warnings.catch_warnings():
            # openpyxl warns on every write-only table; the columns are set above
            warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
            ws.add_table(table)
    elif single:
        ws.auto_filter.ref = ref


def add_bar_chart(ws: WriteOnlyWorksheet, title: str, value_col: int, placed: Placed) -> None:
    """A column chart of one column against the first (the labels), below the list."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = "Bedrag (EUR)"
    chart.y_axis.numFmt = "#,##0"
    chart.legend = None
    top, first, last = placed.header_row, placed.first_row, placed.last_row
    chart.add_data(
        Reference(ws, min_col=value_col, min_row=top, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"A{last + 4}")


def new_workbook() -> Workbook:
    """An empty write-only workbook."""
    return Workbook(write_only=True)


def save_workbook(wb: Workbook, path: Path, stamp: datetime) -> Path:
    """Save with created/modified set to the run's own time instead of the wall clock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "duaal"
    wb.properties.lastModifiedBy = "duaal"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    # openpyxl's save_workbook would overwrite `modified` with now(); ExcelWriter does not
    tmp = path.with_name(path.name + ".tmp")
    try:
        with _SplicingZipFile(tmp, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
    finally:
        for ws in wb.worksheets:
            writer = getattr(ws, "_writer", None)
            leftover = _ROW_FILES.pop(getattr(writer, "out", None), None)
            if leftover is not None:
                leftover.discard()
    tmp.replace(path)
    return path
