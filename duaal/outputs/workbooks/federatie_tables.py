"""The tables of the federation workbook as declared blocks: the figures per office or
training with their change against the previous final school year, the share eligible per
office and per school year, the refusals per reason, the school years side by side, and
decided against paid. Every cell is a published one (`federatie_figures.published`): a
change or a chart row never shows what a hidden cell hides."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter

from duaal.outputs.workbooks.federatie_figures import (
    HIDDEN_TEXT,
    OFFICE,
    SMALL_TEXT,
    PaidYear,
    YearFigures,
    published,
    rate,
)
from duaal.outputs.workbooks.labels import CodeLabels, ordered_offices
from duaal.outputs.workbooks.style import Block, Field
from duaal.outputs.workbooks.suppression import AMOUNT, CONFORM, ELIGIBLE, LEARNERS, REFUSED, TOTAL


def _change(now: object, before: object) -> object:
    """The change of a count or amount in percent (as a fraction): '—' where either is not
    published (a change of a hidden value would give it away), empty where there is no
    comparison (no such group then, or 0)."""
    if now == HIDDEN_TEXT or before in (HIDDEN_TEXT, SMALL_TEXT) or now == SMALL_TEXT:
        return HIDDEN_TEXT
    if isinstance(now, int) and isinstance(before, int) and before:
        return now / before - 1
    return None


def _points(now: object, before: object) -> object:
    """The change of a share in percentage points: '—' where either share is hidden."""
    if now == HIDDEN_TEXT or before == HIDDEN_TEXT:
        return HIDDEN_TEXT
    if isinstance(now, float | int) and isinstance(before, float | int):
        return 100 * (now - before)
    return None


def group_row(
    figures: YearFigures, partition: str, group: str, before: YearFigures | None = None
) -> list[object]:
    """One group (or the total, group TOTAL) as published; with `before`, its change
    against that school year."""
    row = [
        group,
        published(figures, partition, group, LEARNERS),
        published(figures, partition, group, ELIGIBLE),
        published(figures, partition, group, REFUSED),
        rate(figures, partition, group, ELIGIBLE),
        published(figures, partition, group, AMOUNT),
        rate(figures, partition, group, CONFORM),
    ]
    if before is not None:
        known = group == TOTAL or group in before.groups[partition]
        if known:
            row += [
                _change(row[1], published(before, partition, group, LEARNERS)),
                _points(row[4], rate(before, partition, group, ELIGIBLE)),
                _change(row[5], published(before, partition, group, AMOUNT)),
            ]
        else:
            row += [None, None, None]
    return row + [published(figures, partition, group, f"R:{c}") for c in figures.codes]


def change_fields(before: YearFigures | None, first: int) -> list[Field]:
    """The change columns against the previous final school year (none without one)."""
    if before is None:
        return []
    since = f"t.o.v. {before.school_year}"
    return [
        Field(
            "d_learners", f"Verschil lerenden {since}", "change", width=11, value=itemgetter(first)
        ),
        Field(
            "d_share",
            f"Verschil subsidiabel (%) {since}",
            "pp",
            width=11,
            value=itemgetter(first + 1),
        ),
        Field(
            "d_amount", f"Verschil bedrag {since}", "change", width=11, value=itemgetter(first + 2)
        ),
    ]


def fields_for(
    group: str, codes: Sequence[str], labels: CodeLabels, before: YearFigures | None = None
) -> list[Field]:
    """An aggregate sheet's fields: the figures (and their change) on paper, one count per
    refusal reason on the screen only (rows are positional, as group_row gives them)."""
    changes = change_fields(before, 7)
    reasons = 7 + len(changes)
    return [
        Field("group", group, width=24, value=itemgetter(0)),
        Field("learners", "Lerenden", "int", width=10, value=itemgetter(1)),
        Field("eligible", "Subsidiabel", "int", width=11, value=itemgetter(2)),
        Field("refused", "Niet-subsidiabel", "int", width=11, value=itemgetter(3)),
        Field("share", "Subsidiabel (%)", "pct", width=11, value=itemgetter(4)),
        Field("amount", "Bedrag premies", "eur", width=13, value=itemgetter(5)),
        Field("conform", "Conform (%)", "pct", width=11, value=itemgetter(6)),
        *changes,
        *(
            Field(
                f"R:{c}",
                f"Reden: {labels.reason(c)}",
                "int",
                paper=False,
                value=itemgetter(reasons + i),
            )
            for i, c in enumerate(codes)
        ),
    ]


def aggregate_block(
    figures: YearFigures,
    partition: str,
    labels: CodeLabels,
    before: YearFigures | None = None,
    heading: str | None = None,
    notes: Sequence[str] = (),
) -> Block:
    """One row per group of a partition, and the year's real totals."""
    rows = [group_row(figures, partition, g, before) for g in figures.groups[partition]]
    totals = group_row(figures, partition, TOTAL, before)
    return Block(
        fields_for(partition, figures.codes, labels, before),
        rows,
        totals=totals,
        heading=heading,
        notes=notes,
    )


def year_header(y: YearFigures) -> str:
    return f"{y.school_year} (voorlopig)" if y.provisional else y.school_year


YEAR_MEASURES = (
    (LEARNERS, "Lerenden", "int"),
    (ELIGIBLE, "Subsidiabel", "int"),
    (AMOUNT, "Bedrag premies", "eur"),
)


def years_blocks(
    years: Sequence[YearFigures], numbers: Iterator[int], notes: Sequence[str]
) -> list[Block]:
    """Per office, one list per measure (learners, subsidiabel, amount) with every school
    year side by side: a row reads as the office's course over the years."""
    offices = ordered_offices({o for y in years for o in y.groups[OFFICE]})

    def row(office: str, measure: str) -> dict[str, object]:
        cells: dict[str, object] = {"office": office}
        for y in years:
            shown = office == TOTAL or office in y.groups[OFFICE]
            cells[y.school_year] = published(y, OFFICE, office, measure) if shown else 0
        return cells

    blocks = []
    for measure, title, kind in YEAR_MEASURES:
        fields = [Field("office", OFFICE, width=24)]
        fields += [Field(y.school_year, year_header(y), kind, width=12) for y in years]
        blocks.append(
            Block(
                fields,
                [row(o, measure) for o in offices],
                totals=row(TOTAL, measure),
                heading=f"Tabel {next(numbers)}. {title} per kantoor en schooljaar",
                notes=notes,
            )
        )
    return blocks


def share_block(figures: YearFigures, heading: str, notes: Sequence[str]) -> Block:
    """The share eligible of each office whose share is published, lowest first: which
    office lags; the year's share below (never a hidden share: the chart shows every row)."""
    rows = [
        (o, share)
        for o in figures.groups[OFFICE]
        if isinstance(share := rate(figures, OFFICE, o, ELIGIBLE), float | int)
    ]
    rows.sort(key=lambda r: (r[1], r[0]))
    fields = [
        Field("group", OFFICE, width=24, value=itemgetter(0)),
        Field("share", "Subsidiabel (%)", "pct", width=11, value=itemgetter(1)),
    ]
    total = (TOTAL, rate(figures, OFFICE, TOTAL, ELIGIBLE))
    return Block(fields, rows, totals=total, heading=heading, notes=notes)


def reasons_block(figures: YearFigures, labels: CodeLabels, notes: Sequence[str]) -> Block:
    """The year's refusals per reason, the most frequent first: only reasons whose count
    is published and not 0 (a '< 5' or '—' is no bar of a chart)."""
    counts = [
        (labels.reason(c), n)
        for c in figures.codes
        if isinstance(n := published(figures, OFFICE, TOTAL, f"R:{c}"), int) and n
    ]
    counts.sort(key=lambda r: (-r[1], r[0]))
    fields = [
        Field("reason", "Reden", "wrap", width=60, value=itemgetter(0)),
        Field("count", "Lerenden", "int", width=10, value=itemgetter(1)),
    ]
    return Block(fields, counts, notes=notes)


def trend_block(years: Sequence[YearFigures], heading: str, notes: Sequence[str]) -> Block:
    """The share eligible of every school year, all offices together (the real totals)."""
    rows = [
        (
            year_header(y),
            published(y, OFFICE, TOTAL, LEARNERS),
            published(y, OFFICE, TOTAL, ELIGIBLE),
            rate(y, OFFICE, TOTAL, ELIGIBLE),
        )
        for y in years
        if isinstance(rate(y, OFFICE, TOTAL, ELIGIBLE), float | int)
    ]
    fields = [
        Field("year", "Schooljaar", width=24, value=itemgetter(0)),
        Field("learners", "Lerenden", "int", width=12, value=itemgetter(1)),
        Field("eligible", "Subsidiabel", "int", width=12, value=itemgetter(2)),
        Field("share", "Subsidiabel (%)", "pct", width=12, value=itemgetter(3)),
    ]
    return Block(fields, rows, heading=heading, notes=notes)


def paid_blocks(
    paid: Sequence[PaidYear], numbers: Iterator[int], notes: Sequence[str]
) -> list[Block]:
    """Per final school year, the amounts decided and paid per office and in total."""
    fields = [
        Field("office", OFFICE, width=24),
        Field("school_year", "Schooljaar", width=12),
        Field("decided", "Beslist bedrag", "eur", width=14),
        Field("paid", "Uitbetaald bedrag", "eur", width=14),
    ]
    return [
        Block(
            fields,
            p.rows,
            totals=p.total,
            heading=f"Tabel {next(numbers)}. Beslist en uitbetaald per kantoor, schooljaar "
            f"{p.school_year}",
            notes=notes,
        )
        for p in paid
    ]
