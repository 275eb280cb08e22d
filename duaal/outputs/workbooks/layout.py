"""Where a declared sheet's rows go and how wide its columns are, before anything is written.

A block's fields take columns in order, paper first (screen-only fields right of every
block's paper fields); a column is as wide as its widest header (wrapped within
HEADER_WIDTH on paper) or value, within its field's limit, and takes the kind of the field
of the longest list in it. `Book` (book.py) writes by this layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from duaal.outputs.workbooks.style import (
    FIXED_WIDTHS,
    HEADER_WIDTH,
    MIN_WIDTH,
    NUMBER_FORMATS,
    Block,
    Field,
    Sheet,
    Typed,
)


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


@dataclass
class Laid:
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


@dataclass(frozen=True)
class Columns:
    """Every column of a sheet: its width, whether it wraps, and its kind (that of the
    field of the longest list in it)."""

    widths: list[float]
    wraps: list[bool]
    kinds: list[str]


def lay_out(sheet: Sheet) -> list[Laid]:
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
        laid.append(Laid(block, fields, cells, totals, columns))
    return laid


def columns_of(laid: Sequence[Laid]) -> Columns:
    """Width, wrapping and kind of every column: the widest header (wrapped within
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
    kinds = [o[1].kind if o else "text" for o in owner]
    wraps = [o is not None and o[1].wraps for o in owner]
    for col, width in enumerate(widths):
        # a number column of the paper wraps a text that does not fit (the words of an
        # amount not set yet) rather than cut it
        wraps[col] = wraps[col] or texts_in_numbers[col] > max(1, int(width * 1.1) - 2)
    return Columns(widths, wraps, kinds)
