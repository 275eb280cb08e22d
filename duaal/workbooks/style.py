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
from collections.abc import Sequence
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
        self._rows_out = None
        self._cells: dict[str, str] = {}  # text value -> its <is> element (values repeat)
        _ROW_FILES[ws._writer.out] = self

    def _style_id(self, fmt: str | None, font: Font | None) -> str:
        """Register a cell style with the workbook; its index as the XML attribute."""
        cell = WriteOnlyCell(self.ws)
        if fmt:
            cell.number_format = fmt
        if font:
            cell.font = font
        return str(cell.style_id)

    def append(self, values: Sequence[object], kinds: Sequence[str], style: str = "") -> None:
        """Queue one row: style '' (by kind), 'bold' or 'header'."""
        self.ws.append(
            [(v, kinds[i] if i < len(kinds) else "text", style) for i, v in enumerate(values)]
        )

    def write_row(self, xf: object, row: Sequence[tuple[object, str, str]], row_idx: int) -> None:
        """Serialise one row of (value, kind, style) as <row><c .../>...</row>."""
        if self._rows_out is None:
            xf.write(Comment(_ROWS_MARK))
            fd, name = tempfile.mkstemp(prefix="duaal-rows-", suffix=".xml")
            self.rows_file = Path(name)
            # ASCII with character references, as lxml's xmlfile writes the rest of the sheet
            self._rows_out = os.fdopen(
                fd, "w", encoding="ascii", errors="xmlcharrefreplace", newline=""
            )
        parts = [f'<row r="{row_idx}">']
        cells = self._cells
        for col, (value, kind, style) in enumerate(row):
            if isinstance(value, Typed):
                value, kind = value.value, value.kind
            if value is None:
                continue
            style_id = self._style_for(kind, style)
            ref = f'r="{LETTERS[col]}{row_idx}"' + (f' s="{style_id}"' if style_id else "")
            if isinstance(value, str):
                inline = cells.get(value)
                if inline is None:
                    inline = cells[value] = _inline_string(value)
                parts.append(f'<c {ref} t="inlineStr">{inline}</c>')
            elif isinstance(value, bool):
                parts.append(f'<c {ref} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, date):
                parts.append(f'<c {ref} t="n"><v>{to_excel(value, self.epoch)}</v></c>')
            else:
                number = repr(value) if isinstance(value, float) else str(value)
                parts.append(f'<c {ref} t="n"><v>{number}</v></c>')
        if len(parts) == 1:
            self._rows_out.write(f'<row r="{row_idx}"/>')
            return
        parts.append("</row>")
        self._rows_out.write("".join(parts))

    def splice(self, sheet_xml: bytes, out: IO[bytes]) -> None:
        """Write the sheet's XML with the rows in place of their marker, then drop the rows."""
        if self._rows_out is None:
            out.write(sheet_xml)
            return
        self._rows_out.close()
        head, tail = sheet_xml.split(f"<!--{_ROWS_MARK}-->".encode(), 1)
        out.write(head)
        with self.rows_file.open("rb") as rows:
            shutil.copyfileobj(rows, out, 1 << 20)
        out.write(tail)
        self.rows_file.unlink(missing_ok=True)

    def discard(self) -> None:
        """Drop the rows file of a sheet that is not saved."""
        if self._rows_out is not None:
            self._rows_out.close()
            self.rows_file.unlink(missing_ok=True)

    def _style_for(self, kind: str, style: str) -> str | None:
        """The style index of a cell."""
        if style == "header":
            return self.header
        if style == "bold":
            return self.bold.get(kind, self.bold["text"])
        return self.styles.get(kind)


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
    if kind in FIXED_WIDTHS and not any(isinstance(v, str | Typed) for v in values):
        return FIXED_WIDTHS[kind] if any(v is not None for v in values) else 0
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    others = [v for v in values if not isinstance(v, int | float) or isinstance(v, bool)]
    # a number's width grows with its magnitude: the extremes are the widest
    extremes = [min(numbers), max(numbers)] if numbers else []
    return max((_shown_width(v, kind) for v in [*extremes, *others]), default=0)


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
    headings = [b.heading for b in blocks if b.heading]
    for i, width in enumerate(column_widths(blocks, headings), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # write-only sheets take panes and filters when they are set before the first row
    ws.freeze_panes = "A2"
    writer = _RowWriter(ws)
    placed: list[Placed] = []
    row_no = 0
    for index, block in enumerate(blocks):
        if index > 0:
            writer.append([], [])
            row_no += 1
            if block.heading:
                writer.append([block.heading], ["text"], "bold")
                row_no += 1
        writer.append([c.header for c in block.columns], [], "header")
        header_row = row_no = row_no + 1
        kinds = [c.kind for c in block.columns]
        for row in block.rows:
            writer.append(row, kinds)
        row_no += len(block.rows)
        placed.append(Placed(header_row, header_row + 1, row_no))
        _add_filter(ws, block, header_row, row_no, single=len(blocks) == 1)
        if block.totals is not None:
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
