"""The charts of a sheet: each below its lists, as wide as the printed page, a running
school year's bars lighter and hatched; none of a single bar."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xlsxwriter.worksheet import Worksheet

from duaal.outputs.workbooks.layout import Laid, Placed
from duaal.outputs.workbooks.paging import DEFAULT_COLUMN_PX
from duaal.outputs.workbooks.style import (
    LINE_HEIGHT,
    PAPER_UNITS,
    Chart,
    Sheet,
    clean_text,
    column_px,
)

if TYPE_CHECKING:
    from duaal.outputs.workbooks.book import Book

CHART_COLORS = ("#1F4E78", "#C55A11", "#548235", "#7F6000")
# a running school year: the same hue, lighter and hatched
RUNNING_COLORS = ("#9DC3E6", "#F4B183", "#A9D18E", "#FFD966")
CHART_HEIGHT = 300  # pixels: two charts and their titles fit on a landscape page
BAR_CHART_BASE, BAR_HEIGHT = 120, 32  # pixels: a chart of horizontal bars, and each bar
CHART_MIN_WIDTH = 480
PX_PER_PT = 4 / 3


def write_charts(
    book: Book,
    ws: Worksheet,
    sheet: Sheet,
    laid: Sequence[Laid],
    placed: Sequence[Placed | None],
    widths: Sequence[float],
    columns: int,
    row: int,
    groups: list[tuple[int, int]],
) -> tuple[int, int]:
    """Each chart below the lists, as wide as the printed page (or, on a sheet with
    screen-only columns, as its paper columns: `widths` of the sheet's `columns`), its note
    below; none of a single bar. The row after them and the last column they cover."""
    columns_px = sum(column_px(w) for w in widths)
    scale = min(1.0, PAPER_UNITS / columns_px) if columns_px else 1.0
    width = max(CHART_MIN_WIDTH, int(PAPER_UNITS / scale) - 20)
    if len(widths) < columns:  # screen-only columns to the right
        width = max(CHART_MIN_WIDTH, min(width, columns_px - 10))
    right = 0
    for chart in sheet.charts:
        block, where = laid[chart.block], placed[chart.block]
        if where is None or where.last_row - where.first_row + 1 < 2:
            continue  # a chart of one bar answers no question
        start = row + 1
        # horizontal bars: room for every bar's label (LibreOffice drops labels that would
        # touch)
        bars = where.last_row - where.first_row + 1
        height = max(CHART_HEIGHT, BAR_CHART_BASE + BAR_HEIGHT * bars * len(chart.values))
        height = height if chart.kind == "bar" else CHART_HEIGHT
        _chart(book, ws, sheet, chart, block, where, start, width, height)
        rows = math.ceil(height / (LINE_HEIGHT * PX_PER_PT))
        end = start + rows
        if chart.note:
            ws.write_string(end, 0, clean_text(chart.note), book.quiet)
            end += 1
        groups.append((start, end - 1))
        row = end
        right = max(right, _columns_covering(widths, width))
    return row, right


def _series(
    sheet: Sheet, chart: Chart, block: Laid, where: Placed, running: Sequence[int], count: int
) -> list[dict[str, Any]]:
    """A series per value field of the chart, a running year's bars hatched."""
    names = [f.name for f in block.fields]
    category = block.columns[names.index(chart.category)]
    first, last = where.first_row, where.last_row
    out = []
    for n, name in enumerate(chart.values):
        col = block.columns[names.index(name)]
        color, light = CHART_COLORS[n % 4], RUNNING_COLORS[n % 4]
        series: dict[str, Any] = {
            "name": [sheet.name, where.header_row, col],
            "categories": [sheet.name, first, category, last, category],
            "values": [sheet.name, first, col, last, col],
            "fill": {"color": color},
            "border": {"color": color},
        }
        if len(chart.values) == 1:  # beside a bar of each series, labels overlap
            series["data_labels"] = {
                "value": True,
                "num_format": "0%" if chart.percent else "#,##0",
                "font": {"size": 11},
            }
        hatched = {
            "pattern": {
                "pattern": "wide_upward_diagonal",
                "fg_color": color,
                "bg_color": light,
            },
            "border": {"color": color},
        }
        if name in chart.running_series:
            del series["fill"]
            series |= hatched
        elif running:
            series["points"] = [hatched if i in running else None for i in range(count)]
        out.append(series)
    return out


def _chart(
    book: Book,
    ws: Worksheet,
    sheet: Sheet,
    chart: Chart,
    block: Laid,
    where: Placed,
    at_row: int,
    width: int,
    height: int = CHART_HEIGHT,
) -> None:
    """One chart of a block's rows, a running year's bars lighter and hatched."""
    names = [f.name for f in block.fields]
    labels = [r[names.index(chart.category)] for r in block.cells]
    running = [i for i, label in enumerate(labels) if label in set(chart.running)]
    if running and not [i for i in range(len(labels)) if i not in running]:
        running = []  # every bar is of the running year: the title says so
    xl = book.wb.add_chart({"type": chart.kind})
    for series in _series(sheet, chart, block, where, running, len(labels)):
        xl.add_series(series)
    title = chart.title
    if book.page.provisional:
        title += f" ({book.page.provisional})"
    xl.set_title({"name": title, "name_font": {"size": 13, "bold": True}})
    value_axis = {
        "name": chart.axis,
        "num_format": "0%" if chart.percent else "#,##0",
        "num_font": {"size": 11},
        "name_font": {"size": 11, "bold": False},
        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
    }
    if chart.percent:
        value_axis |= {"min": 0, "max": 1}
    category_axis: dict[str, Any] = {"num_font": {"size": 11}}
    if chart.kind == "bar":  # the first row on top
        category_axis["reverse"] = True
        xl.set_x_axis(value_axis)
        xl.set_y_axis(category_axis)
    else:
        xl.set_y_axis(value_axis)
        xl.set_x_axis(category_axis)
    if len(chart.values) == 1:
        xl.set_legend({"none": True})
    else:
        xl.set_legend({"position": "bottom", "font": {"size": 11}})
    xl.set_size({"width": width, "height": height})
    ws.insert_chart(at_row, 0, xl, {"object_position": 1})


def _columns_covering(widths: Sequence[float], px: int) -> int:
    """The last column a chart `px` wide, placed in column A, reaches."""
    total, col = 0, 0
    while True:
        total += column_px(widths[col]) if col < len(widths) else DEFAULT_COLUMN_PX
        if total >= px:
            return col
        col += 1
