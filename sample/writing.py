"""Writing an export as the portals do: a workbook whose data rows are streamed into the
sheet XML (openpyxl scaffolds the rest), or a `;`-separated CSV with a byte-order mark.
Every zip entry gets a fixed timestamp, so the bytes depend on the seed and as_of only."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from sample.model import SampleFile
from sample.places import SHEET_NAMES
from transforms.sources import (
    SOURCES_BY_FOLDER,
)

# --- writing ------------------------------------------------------------------------------

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_EXCEL_EPOCH = date(1899, 12, 30)
_SHEET_ENTRY = "xl/worksheets/sheet1.xml"
_CHUNK_ROWS = 2000


def _style_id(sheet: WriteOnlyWorksheet, number_format: str) -> int:
    """Register a number format in the workbook and return its cell style id."""
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell.style_id


def _xml_text(text: str) -> str:
    """Text escaped for an XML element."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _row_xml(
    number: int, values: Sequence[object], letters: Sequence[str], styles: tuple[int, int]
) -> str:
    """One <row> of sheet XML: inline strings, numbers, dates as serials with a date style."""
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value is None:
            continue
        ref = f"{letter}{number}"
        if isinstance(value, str):
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>')
        elif isinstance(value, datetime):
            serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
            cells.append(f'<c r="{ref}" s="{styles[1]}"><v>{serial!r}</v></c>')
        elif isinstance(value, date):
            cells.append(f'<c r="{ref}" s="{styles[0]}"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    stamp: datetime,
    sheet_title: str = "Export",
    preamble: Sequence[str] = (),
) -> int:
    """Write one workbook (lines above the header, header, rows) reproducibly; return data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    styles = (_style_id(sheet, "DD/MM/YYYY"), _style_id(sheet, "DD/MM/YYYY HH:MM"))
    for line in preamble:
        sheet.append([line])
    sheet.append(list(headers))
    workbook.properties.creator = "werkplekduaal"
    workbook.properties.created = workbook.properties.modified = stamp
    scaffold = io.BytesIO()
    # ExcelWriter, not save(): save() stamps the wall clock into the properties
    ExcelWriter(workbook, zipfile.ZipFile(scaffold, "w", zipfile.ZIP_DEFLATED)).save()
    letters = [get_column_letter(i + 1) for i in range(len(headers))]
    first = len(preamble) + 2
    written = 0
    with zipfile.ZipFile(scaffold) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():  # openpyxl's order, itself fixed
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename != _SHEET_ENTRY:
                dst.writestr(entry, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with dst.open(entry, "w") as out:
                out.write(head)
                chunk: list[str] = []
                for written, values in enumerate(rows, start=1):
                    chunk.append(_row_xml(first + written - 1, values, letters, styles))
                    if len(chunk) == _CHUNK_ROWS:
                        out.write("".join(chunk).encode())
                        chunk.clear()
                out.write("".join(chunk).encode())
                out.write(b"</sheetData>" + tail)
    return written


def _csv_text(value: object) -> str:
    """A cell as CSV text: dates as dd/mm/yyyy, date-times with hours and minutes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a `;`-separated UTF-8 CSV with a byte-order mark, as Excel saves it; return data rows."""
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for values in rows:
            writer.writerow([_csv_text(v) for v in values])
            written += 1
    return written


def write_sample(out_dir: Path, sample: SampleFile, stamp: datetime) -> Path:
    """Write one export file under out_dir/<folder>/, CSV or workbook by its name."""
    folder = out_dir / sample.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / sample.name
    headers = [c.header for c in SOURCES_BY_FOLDER[sample.folder].columns]
    values = (row.values for row in sample.rows)
    if path.suffix == ".csv":
        write_csv(path, headers, values)
    else:
        write_xlsx(path, headers, values, stamp, SHEET_NAMES[sample.folder], sample.preamble)
    return path
