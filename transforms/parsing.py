"""A sheet's cells under the header the reader found in them, parsed into typed accepted
rows (an Arrow table), quarantine entries (one per problem of a row, with a Dutch detail and
the row's natural key when it could be read) and the counts, which must add up.

Values are parsed column by column with a cache per column, since exports repeat the same
dates, companies and codes many times; this keeps a 200,000-row sheet within seconds.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from operator import itemgetter

import pyarrow as pa

from transforms.sources import Column, Source
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

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "DECIMAL(18, 6)": pa.decimal128(18, 6),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
}


class ReadInvariantError(AssertionError):
    """Internal error: rows read != accepted + quarantined + blank."""


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell whose value was never calculated: there is no value to trust."""

    formula: str

    def __str__(self) -> str:  # as raw_values keeps it
        return f"={self.formula}"


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
class Header:
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
class Grid:
    """The cells of one sheet (or CSV), the header row found in it, and the row numbers."""

    sheet_name: str | None
    rows: list[list[object]]
    header: Header
    row_numbers: list[int]  # row number (as a spreadsheet shows it) of each row in rows


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
        if cell.__class__ is Uncalculated:
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


def parse_grid(source: Source, grid: Grid) -> ReadResult:
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
    table = accepted_table(source, values, row_numbers, problems, failed)
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


def accepted_table(
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
