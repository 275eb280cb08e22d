"""One export file in, typed accepted rows + quarantine entries + counts out (CONTRACTS.md).

The reader is forgiving about layout and strict about meaning: it finds the header row in
the first 20 rows of the first sheet that holds it (or of a CSV), matches headers loosely
(case, accents, spaces and punctuation ignored; aliases from header_aliases.toml), parses
every value by its column kind, and sends every row it cannot trust to quarantine, once
per problem, with a Dutch detail and the row's natural key when it could be read. A
formula cell that was never calculated is no value to trust (transforms/formulas.py). A
file it cannot use at all raises `FileRefused`, in English and in Dutch.

Values are parsed column by column with a cache per column, since exports repeat the same
dates, companies and codes many times; this keeps a 200,000-row sheet within seconds.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import count
from operator import itemgetter
from pathlib import Path
from typing import NoReturn

import pyarrow as pa
import python_calamine

from transforms.export_date import export_date
from transforms.formulas import uncalculated_formulas
from transforms.sources import SOURCES_BY_FOLDER, Column, Source
from transforms.values import (
    DUPLICATE_KEY,
    EMPTY_VALUE,
    END_BEFORE_START,
    INVALID_VALUE,
    MAX_TEXT_LENGTH,
    MISSING_VALUE,
    PARSERS,
    ValueProblem,
    is_empty,
    parse_open_end_date,
    show,
)

DEFAULT_ALIASES_PATH = Path(__file__).with_name("header_aliases.toml")
HEADER_SEARCH_ROWS = 20
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "DECIMAL(18, 6)": pa.decimal128(18, 6),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
}


class FileRefused(Exception):
    """A file that cannot be read as the export it should be: the message says why in
    English (the terminal), `message_nl` in Dutch (the workbooks, load_batches.reason_nl)."""

    def __init__(self, message: str, message_nl: str) -> None:
        super().__init__(message)
        self.message_nl = message_nl

    def __reduce__(self) -> tuple:
        # read-ahead workers hand a refusal back to the loading process by pickling it
        return (self.__class__, (str(self), self.message_nl))


class ReadInvariantError(AssertionError):
    """Internal error: rows read != accepted + quarantined + blank."""


@dataclass(frozen=True)
class QuarantineEntry:
    """One problem of one row: the row is kept out of the rules and stored with its reason."""

    row_number: int
    reason: str
    detail: str
    raw_values: str  # JSON object: file header -> value as read
    # the row's natural key as parsed (Source.key order, joined by '|', as
    # concat_ws('|', key columns) of an ingest table writes it); None when a part of it
    # is empty or failed to parse
    row_key: str | None = None


@dataclass(frozen=True)
class ReadResult:
    """What a file yields: accepted typed rows, quarantine entries and the row counts."""

    sheet_name: str | None
    table: pa.Table  # source.columns (typed) + row_number
    quarantine: list[QuarantineEntry]
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_blank: int
    export_date: date | None = None  # the Exportdatum of the title rows, when stated


@dataclass(frozen=True)
class _Header:
    """A candidate header row: where each column is, and what is missing or doubled."""

    row_index: int
    positions: dict[str, int]  # column name -> cell index
    missing: tuple[str, ...]  # contract headers not found (those that may be absent aside)
    doubled: tuple[str, ...]  # contract headers found in more than one cell
    labels: dict[int, str]  # cell index -> header text as the file spells it

    @property
    def complete(self) -> bool:
        return not self.missing and not self.doubled


@dataclass(frozen=True)
class _Grid:
    """The cells of one sheet (or CSV), the header row found in it, and the row numbers."""

    sheet_name: str | None
    rows: list[list[object]]
    header: _Header
    row_numbers: list[int]  # row number (as a spreadsheet shows it) of each row in rows


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


def _match_header(row: list[object], row_index: int, source: Source, lookup: dict) -> _Header:
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
    return _Header(
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


def _find_header(rows: list[list[object]], source: Source, lookup: dict) -> _Header | None:
    """The first complete header row in the first 20 rows, else the best partial one."""
    best: _Header | None = None
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
    name: str, source: Source, best: _Header | None, sheet: str | None
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


def _read_workbook(path: Path, data: bytes | None, source: Source, lookup: dict) -> _Grid:
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
                return _Grid(sheet_name, rows, header, list(range(1, len(rows) + 1)))
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


@dataclass(frozen=True)
class _Uncalculated:
    """A formula cell whose value was never calculated: there is no value to trust."""

    formula: str

    def __str__(self) -> str:  # as raw_values keeps it
        return f"={self.formula}"


def _mark_uncalculated(
    rows: list[list[object]], header: _Header, formulas: dict[tuple[int, int], str]
) -> None:
    """Put an _Uncalculated in each cell below the header that calamine read as empty but
    holds a formula without a value (row numbers are 1-based, row 1 at index 0)."""
    for (row_number, column), formula in formulas.items():
        index = row_number - 1
        if index <= header.row_index or index >= len(rows):
            continue
        row = rows[index]
        if column >= len(row):
            row.extend([""] * (column + 1 - len(row)))
        if is_empty(row[column]):
            row[column] = _Uncalculated(formula)


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


def _read_csv(path: Path, data: bytes | None, source: Source, lookup: dict) -> _Grid:
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
    return _Grid(None, rows, best, lines)


def _better(header: _Header, than: _Header) -> bool:
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
    return replace(_parse_grid(source, grid), export_date=dated)


def not_a_spreadsheet(path: Path) -> FileRefused:
    """The refusal of a file whose name does not end in .xlsx, .xlsm or .csv."""
    return FileRefused(
        f"{path.name}: not a spreadsheet (an export must be .xlsx, .xlsm or .csv)",
        f"{path.name}: geen spreadsheet (een export is een .xlsx, .xlsm of .csv)",
    )


@dataclass(frozen=True)
class _Problem:
    """A cached parse failure of one value in one column."""

    reason: str
    detail: str


def _parse_column(column: Column, label: str, cells: list[object]) -> tuple[list[object], bool]:
    """Typed values of one column (a failed cell holds a _Problem), and whether any failed."""
    parser = parse_open_end_date if column.open_end else PARSERS[column.kind]
    if column.kind in EMPTY_VALUE:
        empty: object = EMPTY_VALUE[column.kind]
    elif column.required:
        empty = _Problem(MISSING_VALUE, f"{label}: leeg, een waarde is verplicht")
    else:
        empty = None

    def parse(cell: object) -> object:
        if cell.__class__ is _Uncalculated:
            shown = f" {cell}" if cell.formula else ""
            return _Problem(INVALID_VALUE, f"{label}{shown}: formule zonder berekende waarde")
        if is_empty(cell):
            return empty
        try:
            return parser(cell)
        except ValueProblem as exc:
            return _Problem(exc.reason, f"{label} {exc}")

    if column.kind == "text" and set(map(type, cells)) <= {str}:
        # the common case of a text column: stripping is all parsing does (C speed);
        # a text over the length limit takes the full path below, which refuses it
        stripped = list(map(str.strip, cells))
        if max(map(len, stripped), default=0) <= MAX_TEXT_LENGTH:
            if "" not in stripped:
                return stripped, False
            return [empty if v == "" else v for v in stripped], empty.__class__ is _Problem
    # exports repeat values (dates, companies, codes): parse each distinct value once
    distinct = dict.fromkeys(cells)
    if 0 in distinct or 1 in distinct:
        # True == 1 == 1.0 as dict keys, but a boolean cell parses differently from 1
        cache: dict[tuple[type, object], object] = {}
        out = []
        for cell in cells:
            key = (cell.__class__, cell)
            if key not in cache:
                cache[key] = parse(cell)
            out.append(cache[key])
        return out, any(v.__class__ is _Problem for v in cache.values())
    parsed = {cell: parse(cell) for cell in distinct}
    failed = any(v.__class__ is _Problem for v in parsed.values())
    return list(map(parsed.__getitem__, cells)), failed


def _json_value(value: object) -> object:
    """A cell value as JSON holds it in raw_values."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _raw_values(row: list[object], labels: dict[int, str]) -> str:
    """The row as read, as a JSON object keyed by the file's headers."""
    raw = {label: _json_value(row[i]) if i < len(row) else None for i, label in labels.items()}
    return json.dumps(raw, ensure_ascii=False)


def _date_order_problems(
    source: Source, values: dict[str, list[object]], labels: dict[str, str]
) -> list[tuple[int, _Problem]]:
    """One END_BEFORE_START per row whose end (or termination) dates lie before the start;
    its detail names every such date."""
    wrong: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for earlier, later in source.date_order:
        starts, ends = values[earlier], values[later]
        # parse_date returns plain dates; None and _Problem cells are left alone
        for i, start, end in zip(count(), starts, ends, strict=False):
            if end.__class__ is date and start.__class__ is date and end < start:
                wrong[i][earlier].append(f"{labels[later]} {show(end)}")
    problems = []
    for i in sorted(wrong):
        parts = []
        for earlier, ends in wrong[i].items():
            verb = "ligt" if len(ends) == 1 else "liggen"
            start = f"{labels[earlier]} {show(values[earlier][i])}"
            parts.append(f"{' en '.join(ends)} {verb} voor {start}")
        problems.append((i, _Problem(END_BEFORE_START, "; ".join(parts))))
    return problems


def _duplicate_key_problems(
    source: Source,
    values: dict[str, list[object]],
    labels: dict[str, str],
    data_rows: list[list[object]],
    row_numbers: list[int],
    positions: list[int],
) -> list[tuple[int, _Problem]]:
    """DUPLICATE_KEY for every row of a key that has rows with different values."""
    if len(source.key) == 1:
        keys: list = values[source.key[0]]  # plain values hash faster than 1-tuples
    else:
        keys = list(zip(*(values[name] for name in source.key), strict=True))
    repeated = {k for k, n in Counter(keys).items() if n > 1}
    groups: dict[tuple, list[int]] = defaultdict(list)
    if repeated:
        for index, key in enumerate(keys):
            if key in repeated:
                group = (key,) if len(source.key) == 1 else key
                if not any(v is None or isinstance(v, _Problem) for v in group):
                    groups[group].append(index)
    names = [c.name for c in source.columns]
    problems = []
    for key, indexes in groups.items():
        if len(indexes) < 2:
            continue

        def signature(i: int) -> tuple:
            # a value that failed to parse is compared as read
            return tuple(
                ("raw", data_rows[i][p]) if isinstance(values[n][i], _Problem) else values[n][i]
                for n, p in zip(names, positions, strict=True)
            )

        if len({signature(i) for i in indexes}) < 2:
            continue  # exact duplicates: all accepted, staging keeps one
        shown = ", ".join(f"{labels[n]} {show(v)}" for n, v in zip(source.key, key, strict=True))
        signatures = {i: signature(i) for i in indexes}
        for i in indexes:
            # the rows that say otherwise, and apart from them those that say the same
            other = [row_numbers[j] for j in indexes if signatures[j] != signatures[i]]
            same = [row_numbers[j] for j in indexes if j != i and signatures[j] == signatures[i]]
            detail = f"{shown} staat ook op {_rows_nl(other)} met andere waarden"
            if same:
                detail += f" (en op {_rows_nl(same)} met dezelfde)"
            problems.append((i, _Problem(DUPLICATE_KEY, detail)))
    return problems


def _rows_nl(numbers: list[int]) -> str:
    """'rij 7' or 'rijen 3, 4 en 9'."""
    shown = [str(n) for n in numbers]
    if len(shown) == 1:
        return f"rij {shown[0]}"
    return f"rijen {', '.join(shown[:-1])} en {shown[-1]}"


def _parse_grid(source: Source, grid: _Grid) -> ReadResult:
    """Parse the rows below the header: blank rows counted, bad rows quarantined."""
    header = grid.header
    start = header.row_index + 1
    below = grid.rows[start:]
    numbers_below = grid.row_numbers[start:]
    data_rows: list[list[object]] = []
    row_numbers: list[int] = []
    for row, number in zip(below, numbers_below, strict=True):
        # a row is blank when all its cells are empty; the first truthy cell nearly always
        # settles it, and only rows without a plainly filled cell are checked cell by cell
        first = next(filter(None, row), None)
        if first is None or first.__class__ is str and not first.strip() or first != first:
            if all(map(is_empty, row)):
                continue
        data_rows.append(row)
        row_numbers.append(number)
    blank = len(below) - len(data_rows)

    positions = [header.positions.get(c.name) for c in source.columns]
    labels = {
        c.name: c.header if p is None else header.labels[p]
        for c, p in zip(source.columns, positions, strict=True)
    }
    values: dict[str, list[object]] = {}
    failed: set[str] = set()
    for column, position in zip(source.columns, positions, strict=True):
        if position is None:  # a column that may be absent (Column.may_be_absent) and is
            values[column.name] = [None] * len(data_rows)
            continue
        # one C-level pass per column; zip(*rows) over 200,000 rows is far slower
        cells = list(map(itemgetter(position), data_rows))
        values[column.name], column_failed = _parse_column(column, labels[column.name], cells)
        if column_failed:
            failed.add(column.name)

    problems: dict[int, list[_Problem]] = defaultdict(list)
    for column in source.columns:
        if column.name in failed:
            for index, value in enumerate(values[column.name]):
                if value.__class__ is _Problem:
                    problems[index].append(value)
    extra = _date_order_problems(source, values, labels)
    extra += _duplicate_key_problems(source, values, labels, data_rows, row_numbers, positions)
    for index, problem in extra:
        problems[index].append(problem)

    quarantine = []
    for i in sorted(problems):
        raw = _raw_values(data_rows[i], header.labels)
        key = _row_key(source, values, i)
        # a row appears once per reason: two bad dates are one INVALID_DATE naming both
        by_reason: dict[str, list[str]] = {}
        for p in problems[i]:
            by_reason.setdefault(p.reason, []).append(p.detail)
        quarantine += [
            QuarantineEntry(row_numbers[i], reason, "; ".join(details), raw, key)
            for reason, details in by_reason.items()
        ]
    table = _accepted_table(source, values, row_numbers, problems, failed)
    result = ReadResult(
        sheet_name=grid.sheet_name,
        table=table,
        quarantine=quarantine,
        rows_read=len(below),
        rows_accepted=table.num_rows,
        rows_quarantined=len(problems),
        rows_blank=blank,
    )
    if result.rows_read != result.rows_accepted + result.rows_quarantined + result.rows_blank:
        raise ReadInvariantError(
            f"{source.folder}: rows read {result.rows_read} != accepted {result.rows_accepted}"
            f" + quarantined {result.rows_quarantined} + blank {result.rows_blank}"
        )
    return result


def _row_key(source: Source, values: dict[str, list[object]], index: int) -> str | None:
    """The natural key of one row as parsed, joined by '|'; None unless every part was read."""
    parts = [values[name][index] for name in source.key]
    if any(part is None or part.__class__ is _Problem for part in parts):
        return None
    return "|".join(map(str, parts))


def _accepted_table(
    source: Source,
    values: dict[str, list[object]],
    row_numbers: list[int],
    problems: dict[int, list[_Problem]],
    failed: set[str],
) -> pa.Table:
    """The accepted rows as an Arrow table: typed columns of the source, then row_number."""
    keep = [i not in problems for i in range(len(row_numbers))]
    arrays, names = [], []
    for column in source.columns:
        column_values = values[column.name]
        if column.name in failed:
            # failed cells only occur in rows that are dropped; blank them for Arrow
            column_values = [None if v.__class__ is _Problem else v for v in column_values]
        arrays.append(pa.array(column_values, type=_ARROW_TYPES[column.sql_type]))
        names.append(column.name)
    arrays.append(pa.array(row_numbers, type=pa.int32()))
    names.append("row_number")
    table = pa.Table.from_arrays(arrays, names=names)
    return table.filter(pa.array(keep, type=pa.bool_())) if problems else table
