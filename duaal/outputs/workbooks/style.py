"""What a sheet shows, declared by name: fields, blocks, charts, sheets; formats and paper.

A sheet is declared once (`Sheet`): its blocks of rows, each with its fields (`Field`: the
row's value by name, its Dutch header, its kind, its width, and whether it is printed or
only shown on the screen), its charts, and one line on what it is for, which the Leeswijzer
(the first sheet) lists. `duaal.outputs.workbooks.book.Book` turns the rows into cells by these
fields, in one place, so what a sheet shows, how, and what it prints cannot drift apart.

Paper: landscape A4, one page wide, only the paper fields (first, left of the screen-only
ones) in the print area. Their widths are declared, so a sheet's printed scale is known
before anything is written (`printed_points`): every sheet prints its 11 pt text at 8 pt or
more, most at 9 pt or more (`MIN_PRINTED_PT`; a declaration below it is refused).

Identifiers are written as their readers write them: a KBO number 0775.498.073, an INSZ
05.04.28-449.37 (a pseudonym P... as it is), a postcode as text. A number format keeps room
on its right, so a number never runs into the text of the next column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from transforms.identifiers import format_insz, format_kbo

# a space as wide as a digit on the right of every number: "864" and the next column's
# "Twee verschillende rijen" no longer touch
PAD = "_0"
EURO_FORMAT = f'"€" #,##0{PAD};-"€" #,##0{PAD}'
# an amount paid, to the cent: a payment one cent off shows it
CENTS_FORMAT = f'"€" #,##0.00{PAD};-"€" #,##0.00{PAD}'
DATE_FORMAT = f"dd/mm/yyyy{PAD}"
DATETIME_FORMAT = f"dd/mm/yyyy hh:mm{PAD}"
MONTHS_FORMAT = f"0.00{PAD}"
PERCENT_FORMAT = f"0.0%{PAD}"
INT_FORMAT = f"#,##0{PAD};-#,##0{PAD}"
# a change: signed, in percent (of a count or amount) or in percentage points (of a share,
# the cell holding the points: 3.2 for +3,2 pp)
CHANGE_FORMAT = f"+0.0%{PAD};-0.0%{PAD};0.0%{PAD}"
POINTS_FORMAT = f'+0.0" pp"{PAD};-0.0" pp"{PAD};0.0" pp"{PAD}'

NUMBER_FORMATS: dict[str, str] = {
    "eur": EURO_FORMAT,
    "cents": CENTS_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "months": MONTHS_FORMAT,
    "pct": PERCENT_FORMAT,
    "int": INT_FORMAT,
    "change": CHANGE_FORMAT,
    "pp": POINTS_FORMAT,
}
# the kinds a field can have: text that wraps at its width on paper, a long text that also
# wraps on the screen, numbers, identifiers (written as text in their usual form), Ja/Nee
# for a flag, and a sheet's name (a link to it)
TEXT_KINDS = frozenset({"text", "wrap", "kbo", "insz", "postcode", "yesno", "sheet"})
KINDS = TEXT_KINDS | NUMBER_FORMATS.keys()
# the widest a paper field of a kind is, in characters, unless it declares its own width
KIND_WIDTHS: dict[str, float] = {
    "text": 20,
    "wrap": 40,
    "int": 9,
    "eur": 11,
    "cents": 12.5,
    "date": 11.5,
    "datetime": 17,
    "months": 8,
    "pct": 8,
    "change": 9,
    "pp": 9,
    "kbo": 13.5,
    "insz": 16,
    "postcode": 8,
    "yesno": 6,
    "sheet": 24,
}
# Shown width of a formatted value, where it does not depend on the value's text.
FIXED_WIDTHS: dict[str, int] = {
    "date": 11,
    "datetime": 17,
    "months": 7,
    "pct": 7,
    "change": 8,
    "pp": 9,
}
MIN_WIDTH, MAX_WIDTH = 6, 70
WRAP_WIDTH = 40  # a long text (an explanation, a detail) wraps onto lines this wide
HEADER_WIDTH = 18  # a longer header wraps onto more lines instead of widening its column
LINE_HEIGHT = 15  # points, one line of the default font
TITLE_HEIGHT = 20  # points, the title line of a title block (14 points bold)
MAX_TEXT = 32_767  # Excel's limit for one cell
A4 = 9  # the paper size code of A4 in the OOXML page setup
FONT_PT = 11  # the default font's size: what a scale of 1 prints
MIN_PRINTED_PT = 8.0  # no sheet prints its text smaller
# A landscape A4 page between side margins of 0.4 inch is 784 points wide, 487 points high
# between margins of 0.75 inch. A column of width w takes w * 7 + 5 pixels in Excel (at 96
# dpi) but as many points in LibreOffice, a third more: the paper is planned for the wider,
# so a sheet prints at the same size or larger in Excel.
MARGIN_IN = 0.4
PAPER_UNITS = 784
PAGE_PT = 487
SCALE_SPARE = 0.98
HEADER_COLOR, HEADER_FILL = "#FFFFFF", "#1F4E78"
EXCEL_EPOCH = date(1899, 12, 30)
# characters XML 1.0 cannot hold (as openpyxl refuses them): dropped from every text
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

NOT_SET = "bedrag nog niet vastgelegd"  # an amount the rule configuration does not have yet


def clean_text(value: str) -> str:
    """Text Excel can hold: no control characters, at most 32,767 characters."""
    return _ILLEGAL.sub("", value)[:MAX_TEXT]


def column_px(width: float) -> int:
    """The pixels a column of `width` characters takes in Excel (Calibri 11, 96 dpi), and
    the points it takes in LibreOffice."""
    return int(width * 7 + 5)


def print_scale(widths: Sequence[float]) -> int:
    """The print scale (percent) at which columns of these widths fit one landscape A4
    page wide as LibreOffice measures them, with 2 % to spare; Excel, whose columns are
    narrower, prints them at that scale too, so both cut the same pages."""
    units = sum(column_px(w) for w in widths)
    return max(10, min(100, int(SCALE_SPARE * 100 * PAPER_UNITS / units))) if units else 100


def printed_points(widths: Sequence[float]) -> float:
    """The size 11 pt text prints at, in columns of these widths."""
    return FONT_PT * print_scale(widths) / 100


@dataclass(frozen=True)
class Typed:
    """A value whose kind differs from its field's (a key/value list mixes kinds)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Field:
    """One column of a block: the row's value called `name` (or `value(row)`), headed by
    `header`, formatted by `kind`; on paper (printed, at most `width` characters wide) or on
    the screen only (right of the paper fields, outside the print area)."""

    name: str
    header: str = ""  # Dutch; default: the name
    kind: str = "text"
    width: float | None = None  # at most this many characters; None: the kind's width
    paper: bool = True
    value: Callable[[Any], object] | None = None  # the cell from the row, else row[name]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if not self.header:
            object.__setattr__(self, "header", self.name)

    @property
    def limit(self) -> float:
        """The widest this field's column gets."""
        if self.width is not None:
            return self.width
        if self.paper:
            return KIND_WIDTHS[self.kind]
        return WRAP_WIDTH if self.kind == "wrap" else MAX_WIDTH

    @property
    def wraps(self) -> bool:
        """Text that wraps at the column's width: on paper. A screen-only text stays on one
        line (the row's height is the paper's), a long one best as the last column, where
        it runs on into the empty cells to its right."""
        return self.paper and self.kind in ("text", "wrap", "sheet")

    @property
    def paper_width(self) -> float:
        """The widest its printed column gets: its limit, or its header's longest word
        (a word is never broken)."""
        longest = max((len(w) for w in self.header.split()), default=0)
        return max(self.limit, longest + 2.0)


def Column(header: str, kind: str = "text", **options: Any) -> Field:  # noqa: N802
    """A field named by its header, for rows given as tuples (the cell at its position)."""
    return Field(header, header, kind, **options)


def _postcode(value: object) -> object:
    return str(value) if isinstance(value, int) else value


def _identifier(form: Callable[[str], str]) -> Callable[[object], object]:
    def written(value: object) -> object:
        return form(value) if value.__class__ is str else value

    return written


# What a kind does to a value before it is written (the others write the value as it is).
# Each is a cached lookup: a company, a postcode, a learner comes back on many rows and
# sheets, and a cache hit costs no Python call (a whole column is mapped at once).
CONVERT: dict[str, Callable[[object], object]] = {
    "kbo": cache(_identifier(format_kbo)),
    "insz": cache(_identifier(format_insz)),
    "postcode": cache(_postcode),
    "yesno": {True: "Ja", False: "Nee", None: None}.get,
}


def column_values(f: Field, rows: Sequence[Any], position: int | None) -> list[object]:
    """A field's cells, for every row: `value(row)`, the row's value by name (mappings) or
    by position (tuples); then what its kind does to it."""
    get = f.value or itemgetter(f.name if position is None else position)
    values = list(map(get, rows))
    convert = CONVERT.get(f.kind)
    return values if convert is None else list(map(convert, values))


@dataclass(frozen=True)
class Block:
    """A list: its fields, its rows (mappings, cells by field name; or tuples, cells by
    position), an optional bold totals row, a bold heading above it (not on the first
    block), the line that replaces the list when it has no rows, and lines under it (a
    table's source and legend)."""

    fields: Sequence[Field]
    rows: Sequence[Any]
    totals: Any | None = None  # a bold row below the list, outside the filter
    heading: str | None = None
    empty: str | None = None  # without rows: this line instead of the header
    notes: Sequence[str] = ()  # lines under the list (and its totals), on its page

    def ordered(self) -> list[Field]:
        """Paper fields first, then the screen-only ones."""
        return [f for f in self.fields if f.paper] + [f for f in self.fields if not f.paper]

    def cells(self, rows: Sequence[Any]) -> list[tuple[object, ...]]:
        """The rows as cells, in the order of `ordered` (one place turns values into cells),
        built a column at a time."""
        if not rows:
            return []
        positional = not isinstance(rows[0], Mapping)
        index = {id(f): i for i, f in enumerate(self.fields)}
        columns = [
            column_values(f, rows, index[id(f)] if positional else None) for f in self.ordered()
        ]
        return list(zip(*columns, strict=True))


@dataclass(frozen=True)
class Chart:
    """A chart of a block's rows: one bar per row (labelled by the field `category`), a
    series per field of `values`; never of a single bar. `running` are the labels (and
    `running_series` the value fields) of a school year still running: drawn lighter and
    hatched, with `note` below the chart."""

    title: str
    block: int
    category: str
    values: Sequence[str]
    kind: str = "column"  # column (vertical bars) or bar (horizontal, for long labels)
    axis: str = ""  # the value axis's title
    percent: bool = False
    running: Sequence[str] = ()
    running_series: Sequence[str] = ()  # the value fields of a running school year
    note: str | None = None


@dataclass(frozen=True)
class Sheet:
    """A sheet as declared: its name, what it is for (one line on the Leeswijzer), its
    blocks and charts; `title` the line above its first list, `empty` what it says when it
    has no rows at all (it then prints no page), `running` a note when it shows a school
    year still running in a workbook of another year; `grouped`: its blocks are groups of
    one list (the same fields), each under its heading, with the header once, above the
    first, and on every printed page."""

    name: str
    purpose: str
    blocks: Sequence[Block]
    title: str = ""
    charts: Sequence[Chart] = ()
    empty: str = ""
    running: str | None = None
    grouped: bool = False

    @property
    def has_rows(self) -> bool:
        return any(b.rows for b in self.blocks)

    def paper_width(self) -> list[float]:
        """The widest each printed column can get, by the declaration."""
        widths: list[float] = []
        for block in self.blocks:
            for i, f in enumerate(f for f in block.fields if f.paper):
                if i == len(widths):
                    widths.append(0.0)
                widths[i] = max(widths[i], f.paper_width)
        return widths

    def printed_points(self) -> float:
        """The size its text prints at, at the widest its paper columns can get."""
        return printed_points(self.paper_width())


@dataclass(frozen=True)
class Page:
    """What the page header and footer of every sheet of a workbook say."""

    title: str  # the report: "Premies kwalificerend werkplekleren"
    period: str  # "Schooljaar 2024-2025" or "Peildatum 01/09/2025"
    office: str  # "Alle kantoren" or the office
    run_id: str
    provisional: str | None = None  # "voorlopig, peildatum 07/12/2026": a running year


@dataclass(frozen=True)
class About:
    """What the Leeswijzer says of its workbook, above the list of its sheets."""

    purpose: str  # what the workbook is for
    audience: str  # for whom
    facts: Sequence[tuple[str, object]] = ()  # e.g. the school year, the reference date
    legend: Sequence[tuple[str, str]] = ()  # signs and forms a reader meets
    notes: Sequence[tuple[str, str]] = ()  # how to read what the sheets show
    personal: bool = True  # it shows people and companies by their numbers


def provisional_text(as_of: date) -> str:
    """How every title of a running school year says so."""
    return f"voorlopig, peildatum {as_of:%d/%m/%Y}"


def running_note(years: Sequence[Any], as_of: date) -> str | None:
    """What a sheet showing a running school year among others says of it; `years` have a
    `school_year` and whether it is `provisional` (a premies YearLine, a federation
    YearFigures)."""
    running = [y.school_year for y in years if y.provisional]
    if not running:
        return None
    return f"{', '.join(running)}: {provisional_text(as_of)}, het schooljaar loopt nog"


def partial_path(path: Path) -> Path:
    """Where a workbook is written until it is complete: `<name>.tmp` beside it."""
    return path.with_name(path.name + ".tmp")
