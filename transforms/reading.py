"""One export file in, typed accepted rows + quarantine entries + counts out (CONTRACTS.md).

The reader is forgiving about layout and strict about meaning: it finds the header row in
the first 20 rows of the first sheet that holds it (or of a CSV), matches headers loosely
(case, accents, spaces and punctuation ignored; aliases from header_aliases.toml), parses
every value by its column kind, and sends every row it cannot trust to quarantine, once
per problem, with a Dutch detail and the row's natural key when it could be read. A
formula cell that was never calculated is no value to trust (transforms/formulas.py). A
file it cannot use at all raises `FileRefused`, in English and in Dutch.

The cells found are parsed by transforms/parsing.py.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import python_calamine

from transforms.export_date import export_date
from transforms.formulas import uncalculated_formulas
from transforms.parsing import (
    Grid,
    Header,
    ReadResult,
    Uncalculated,
    parse_grid,
)
from transforms.sources import SOURCES_BY_FOLDER, Column, Source
from transforms.values import (
    is_empty,
)

DEFAULT_ALIASES_PATH = Path(__file__).with_name("header_aliases.toml")
HEADER_SEARCH_ROWS = 20
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)


class FileRefused(Exception):
    """A file that cannot be read as the export it should be: the message says why in
    English (the terminal), `message_nl` in Dutch (the workbooks, load_batches.reason_nl)."""

    def __init__(self, message: str, message_nl: str) -> None:
        super().__init__(message)
        self.message_nl = message_nl

    def __reduce__(self) -> tuple:
        # read-ahead workers hand a refusal back to the loading process by pickling it
        return (self.__class__, (str(self), self.message_nl))


_NON_ALNUM = re.compile(r"[^a-z0-9]")


def normalise_header(text: object) -> str:
    """Header compared loosely: accents stripped (NFKD), lower case, only [a-z0-9] kept."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", stripped.lower())


def load_aliases(path: Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Other spellings of headers per source folder: folder -> contract header -> aliases."""
    path = DEFAULT_ALIASES_PATH if path is None else path
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    aliases: dict[str, dict[str, list[str]]] = {}
    for folder, mapping in data.items():
        source = SOURCES_BY_FOLDER.get(folder)
        if source is None or not isinstance(mapping, dict):
            raise ValueError(f"{path}: [{folder}] is not a source folder")
        headers = {c.header for c in source.columns}
        for header, spellings in mapping.items():
            if header not in headers:
                raise ValueError(f"{path}: [{folder}] has no column {header!r}")
            if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
                raise ValueError(f"{path}: [{folder}] {header!r} needs a list of strings")
        aliases[folder] = {h: list(s) for h, s in mapping.items()}
        _header_lookup(source, aliases[folder], str(path))  # raises on clashing aliases
    return aliases


def _header_lookup(source: Source, aliases: dict[str, list[str]], where: str) -> dict[str, Column]:
    """Normalised header or alias -> column; an alias that names two columns is an error."""
    lookup: dict[str, Column] = {}
    for column in source.columns:
        for spelling in (column.header, *aliases.get(column.header, ())):
            key = normalise_header(spelling)
            other = lookup.get(key)
            if other is not None and other is not column:
                raise ValueError(
                    f"{where}: header {spelling!r} would match both "
                    f"{other.header!r} and {column.header!r} ({source.folder})"
                )
            lookup[key] = column
    return lookup


def _match_header(row: list[object], row_index: int, source: Source, lookup: dict) -> Header:
    """Match one row's cells against the contract headers."""
    found: dict[str, list[int]] = defaultdict(list)
    labels: dict[int, str] = {}
    for index, cell in enumerate(row):
        if is_empty(cell):
            continue
        labels[index] = str(cell).strip()
        column = lookup.get(normalise_header(cell))
        if column is not None:
            found[column.name].append(index)
    return Header(
        row_index=row_index,
        positions={name: cells[0] for name, cells in found.items()},
        # every column must be there, optional or not: a missing column would replace that
        # value of every row it holds by nothing (only a column no rule reads may be absent)
        missing=tuple(
            c.header for c in source.columns if not c.may_be_absent and c.name not in found
        ),
        doubled=tuple(c.header for c in source.columns if len(found.get(c.name, ())) > 1),
        labels=labels,
    )


def _find_header(rows: list[list[object]], source: Source, lookup: dict) -> Header | None:
    """The first complete header row in the first 20 rows, else the best partial one."""
    best: Header | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        header = _match_header(row, index, source, lookup)
        if header.complete:
            return header
        if header.positions and (best is None or len(header.positions) > len(best.positions)):
            best = header
    return best


def _quoted(headers: tuple[str, ...]) -> str:
    return ", ".join(f"'{h}'" for h in headers)


def _refuse_incomplete(
    name: str, source: Source, best: Header | None, sheet: str | None
) -> NoReturn:
    """Raise FileRefused for a file whose best header row is missing or doubles columns."""
    where, where_nl = (f" in sheet '{sheet}'", f" in blad '{sheet}'") if sheet else ("", "")
    # a row that matches fewer than half of the headers is not this export's header row
    if best is None or len(best.positions) * 2 < len(source.columns):
        expected = _quoted(tuple(c.header for c in source.columns[:3]))
        raise FileRefused(
            f"{name}: no header row of a {source.folder} export in the first "
            f"{HEADER_SEARCH_ROWS} rows{where} (expected headers such as {expected}, ...)",
            f"{name}: geen kopregel van een export {source.folder} in de eerste "
            f"{HEADER_SEARCH_ROWS} rijen{where_nl} (verwacht kolommen zoals {expected}, ...)",
        )
    row = best.row_index + 1
    # every problem of the header row at once: a column renamed to another one's header is
    # both missing and doubled, and the person who fixes the file wants to hear both
    problems, problems_nl = [], []
    if best.missing:
        problems.append(f"missing column(s) {_quoted(best.missing)}")
        problems_nl.append(f"kolom(men) {_quoted(best.missing)} ontbreken")
    if best.doubled:
        problems.append(f"column(s) {_quoted(best.doubled)} appear more than once")
        problems_nl.append(f"kolom(men) {_quoted(best.doubled)} komen meer dan eens voor")
    raise FileRefused(
        f"{name}: {'; '.join(problems)}{where} (header row {row})",
        f"{name}: {'; '.join(problems_nl)}{where_nl} (kopregel op rij {row})",
    )


# A password-protected .xlsx is an OLE compound file holding an "EncryptionInfo" stream;
# calamine reports it as a PasswordError when opened by path, but not from bytes.
_COMPOUND_FILE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def _read_workbook(path: Path, data: bytes | None, source: Source, lookup: dict) -> Grid:
    """The first sheet of an .xlsx/.xlsm that holds the headers, read with calamine."""
    if data is not None and data.startswith(_COMPOUND_FILE_MAGIC) and _ENCRYPTION_INFO in data:
        _refuse_protected(path)
    try:
        if data is None:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        else:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for index, sheet_name in enumerate(workbook.sheet_names):
            # skip_empty_area=False keeps row 1 at index 0 whatever the used range is
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            sheets.append((sheet_name, rows))
            header = _find_header(rows, source, lookup)
            if header is not None and header.complete:
                _mark_uncalculated(rows, header, uncalculated_formulas(path, data, sheet_name))
                return Grid(sheet_name, rows, header, list(range(1, len(rows) + 1)))
    except python_calamine.PasswordError:
        _refuse_protected(path)
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise FileRefused(
            f"{path.name}: not a readable .xlsx workbook (damaged or truncated?): {exc}",
            f"{path.name}: geen leesbare .xlsx-werkmap (beschadigd of afgebroken?)",
        ) from None
    if not sheets:
        raise FileRefused(
            f"{path.name}: the workbook has no sheets", f"{path.name}: de werkmap heeft geen bladen"
        )
    candidates = [(name, _find_header(rows, source, lookup)) for name, rows in sheets]
    name, best = max(candidates, key=lambda c: len(c[1].positions) if c[1] else -1)
    _refuse_incomplete(
        path.name, source, best, name if best is not None and len(best.positions) else None
    )


def _refuse_protected(path: Path) -> NoReturn:
    raise FileRefused(
        f"{path.name}: the workbook is protected by a password",
        f"{path.name}: de werkmap is beveiligd met een wachtwoord",
    ) from None


def _mark_uncalculated(
    rows: list[list[object]], header: Header, formulas: dict[tuple[int, int], str]
) -> None:
    """Put an Uncalculated in each cell below the header that calamine read as empty but
    holds a formula without a value (row numbers are 1-based, row 1 at index 0)."""
    for (row_number, column), formula in formulas.items():
        index = row_number - 1
        if index <= header.row_index or index >= len(rows):
            continue
        row = rows[index]
        if column >= len(row):
            row.extend([""] * (column + 1 - len(row)))
        if is_empty(row[column]):
            row[column] = Uncalculated(formula)


def _decode(path: Path, data: bytes) -> str:
    """CSV text: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252."""
    # Excel's "Unicode" text is UTF-16 with a BOM; a UTF-32 BOM starts with the same bytes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(
        codecs.BOM_UTF32_LE
    ):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused(
                f"{path.name}: text starts with a UTF-16 byte-order mark but is not UTF-16",
                f"{path.name}: de tekst begint met het UTF-16-merkteken maar is geen UTF-16",
            ) from None
    if b"\x00" in data:
        raise FileRefused(
            f"{path.name}: not a text (CSV) file: it contains NUL bytes",
            f"{path.name}: geen tekstbestand (CSV): het bevat NUL-tekens",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            f"{path.name}: text is neither UTF-8 nor Windows-1252",
            f"{path.name}: de tekst is noch UTF-8 noch Windows-1252",
        ) from None


def _csv_records(text: str, delimiter: str, limit: int | None = None) -> tuple[list, list[int]]:
    """CSV records and the line each starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[object]] = []
    lines: list[int] = []
    previous_line = 0
    for record in reader:
        records.append(record)
        lines.append(previous_line + 1)
        previous_line = reader.line_num
        if limit is not None and len(records) >= limit:
            break
    return records, lines


def _read_csv(path: Path, data: bytes | None, source: Source, lookup: dict) -> Grid:
    """A CSV export; the delimiter (';' or ',') is the one whose header row matches best."""
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        raise FileRefused(
            f"{path.name}: cannot be read: {exc}", f"{path.name}: kan niet gelezen worden"
        ) from None
    text = _decode(path, data)
    try:
        best_delimiter, best = ";", None
        for delimiter in (";", ","):
            head, _ = _csv_records(text, delimiter, HEADER_SEARCH_ROWS)
            header = _find_header(head, source, lookup)
            if header is not None and (best is None or _better(header, best)):
                best_delimiter, best = delimiter, header
        if best is None or not best.complete:
            _refuse_incomplete(path.name, source, best, None)
        rows, lines = _csv_records(text, best_delimiter)
    except csv.Error as exc:
        raise FileRefused(
            f"{path.name}: not a readable CSV file: {exc}",
            f"{path.name}: geen leesbaar CSV-bestand",
        ) from None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    return Grid(None, rows, best, lines)


def _better(header: Header, than: Header) -> bool:
    """A complete header beats an incomplete one; else more matched columns wins."""
    if header.complete != than.complete:
        return header.complete
    return len(header.positions) > len(than.positions)


def read_file(
    path: Path,
    source: Source,
    aliases: dict[str, list[str]] | None = None,
    *,
    data: bytes | None = None,
) -> ReadResult:
    """Read one export file of `source`; `data` are its bytes when the caller has them."""
    if aliases is None:
        aliases = load_aliases().get(source.folder, {})
    lookup = _header_lookup(source, aliases, "header aliases")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        grid = _read_workbook(path, data, source, lookup)
    elif suffix in CSV_SUFFIXES:
        grid = _read_csv(path, data, source, lookup)
    else:
        raise not_a_spreadsheet(path)
    dated = export_date(grid.rows[: grid.header.row_index])
    return replace(parse_grid(source, grid), export_date=dated)


def not_a_spreadsheet(path: Path) -> FileRefused:
    """The refusal of a file whose name does not end in .xlsx, .xlsm or .csv."""
    return FileRefused(
        f"{path.name}: not a spreadsheet (an export must be .xlsx, .xlsm or .csv)",
        f"{path.name}: geen spreadsheet (een export is een .xlsx, .xlsm of .csv)",
    )
