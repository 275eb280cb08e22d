"""The trend on the index: per run (oldest left) a bar of failed expectations and a bar of
rows refused on reading, as inline SVG (no script, nothing loaded: it prints and opens
offline). Each bar links to its run's page and names its figure on hover."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from expectations.docs.data import RunLine
from expectations.docs.wording import count_nl

MAX_RUNS = 30  # the runs the trend shows; the table below it lists them all
LEFT = 190  # room for the row titles
STEP = 44  # one run
BAR = 26
ROW = 78  # height of one row of bars, with its figures
BARS = 52  # the tallest bar


def _row(
    runs: Sequence[RunLine],
    top: int,
    title: str,
    value: Callable[[RunLine], int | None],
    colour: str,
    link: Callable[[RunLine], str],
) -> list[str]:
    """One row of bars, scaled to its own largest figure."""
    values = [value(r) for r in runs]
    highest = max([v for v in values if v is not None] + [1])
    base = top + ROW - 8
    parts = [
        f'<text x="0" y="{base - BARS // 2}" font-size="13" fill="#222">{escape(title)}</text>',
        f'<line x1="{LEFT - 6}" y1="{base}" x2="{LEFT + STEP * len(runs)}" y2="{base}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    for i, (run, v) in enumerate(zip(runs, values, strict=True)):
        x = LEFT + i * STEP
        figure = "–" if v is None else count_nl(v)
        height = 0 if v is None else max(round(v / highest * BARS), 1 if v else 0)
        hover = f"{run.run_id}: {figure} {title.lower()}"
        parts.append(
            f'<a href="{escape(link(run))}"><title>{escape(hover)}</title>'
            f'<rect x="{x}" y="{base - height}" width="{BAR}" height="{height}" fill="{colour}"/>'
            f'<text x="{x + BAR / 2}" y="{base - height - 4}" font-size="11" text-anchor="middle" '
            f'fill="#222">{escape(figure)}</text></a>'
        )
    return parts


def trend_svg(newest_first: Sequence[RunLine], link: Callable[[RunLine], str]) -> str:
    """The trend of the last MAX_RUNS runs; empty for fewer than two (one bar compares
    nothing)."""
    runs = list(reversed(newest_first[:MAX_RUNS]))
    if len(runs) < 2:
        return ""
    width = LEFT + STEP * len(runs) + 10
    height = 2 * ROW + 40
    parts = [
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="trend-titel">',
        f'<title id="trend-titel">Verloop van de laatste {len(runs)} runs: mislukte '
        "verwachtingen en rijen geweigerd bij het inlezen, oudste links</title>",
        *_row(
            runs,
            0,
            "Verwachtingen mislukt",
            lambda r: None if r.checks is None else r.failed,
            "#b00020",
            link,
        ),
        *_row(runs, ROW, "Rijen geweigerd", lambda r: r.rows_refused, "#c77700", link),
    ]
    for i, run in enumerate(runs):
        x = LEFT + i * STEP + BAR / 2
        day = f"{run.started_at:%d/%m}" if run.started_at else ""
        hour = f"{run.started_at:%H:%M}" if run.started_at else ""
        parts.append(
            f'<text x="{x}" y="{2 * ROW + 12}" font-size="10" text-anchor="middle" fill="#555">'
            f'{day}<tspan x="{x}" dy="12">{hour}</tspan></text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
