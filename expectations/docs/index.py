"""The index of the site: the latest run in one sentence, the trend, every run newest first,
and per table what it must satisfy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from expectations.docs.data import RunLine
from expectations.docs.html import SITE_TITLE, Col, page, span, table, tech
from expectations.docs.run import LAYERS
from expectations.docs.suite import checks_of
from expectations.docs.trend import MAX_RUNS, trend_svg
from expectations.docs.wording import count_nl, headline, outcome, value_nl, when
from transforms.contracts import Contract


def page_name(run_id: str) -> str:
    """A run's page, a file name whatever the run id holds."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", run_id) + ".html"


def _link(line: RunLine) -> str:
    return f"validations/{page_name(line.run_id)}"


def _run_row(line: RunLine) -> tuple[str, ...]:
    text, css = outcome(line)
    if line.checks is None:
        failed = span("niet gevalideerd", "muted")
    else:
        failed = (span(count_nl(line.failed), "fail") if line.failed else "0") + (
            f" van {count_nl(line.checks)}"
        )
    return (
        f'<a class="nowrap" href="{escape(_link(line))}">{escape(line.run_id)}</a>',
        f'<span class="nowrap">{escape(when(line.started_at))}</span>',
        escape(value_nl(line.as_of) if line.as_of else "onbekend"),
        span(text, css),
        failed,
        span(count_nl(line.rows_refused), "warn") if line.rows_refused else "0",
        span(count_nl(line.files_refused), "fail") if line.files_refused else "0",
    )


def _tables(contracts: Sequence[Contract]) -> str:
    parts = ["<h2>Verwachtingen per tabel</h2>"]
    columns = (Col("Tabel"), Col("Wat de tabel bevat"), Col("Verwachtingen", True))
    for layer, heading in LAYERS:
        rows = (
            (
                f'<a href="expectations/{escape(c.table)}.html">{escape(c.title)}</a>'
                + tech(c.table),
                escape(c.notes),
                count_nl(checks_of(c)),
            )
            for c in contracts
            if c.layer == layer
        )
        parts += [f"<h3>{escape(heading)}</h3>", table(columns, rows)]
    return "\n".join(parts)


def index_page(lines: Sequence[RunLine], contracts: Sequence[Contract]) -> str:
    """Every run (lines: newest first) with the trend, and per table what it must satisfy."""
    parts = [
        "<p>Elke run controleert de ingelezen gegevens (staging) en de uitkomsten van de regels "
        "(marts) tegen de verwachtingen uit hun contract, en houdt bij welke rijen en bestanden "
        "het inlezen weigerde. Een mislukte verwachting op een uitkomst stopt de run.</p>"
    ]
    if lines:
        latest = lines[0]
        parts.append(
            f'<p class="headline">Laatste run, <a href="{escape(_link(latest))}">'
            f"{escape(latest.run_id)}</a> van {escape(when(latest.started_at))}: "
            f"{escape(headline(latest))}.</p>"
        )
    parts.append("<h2>Verloop</h2>")
    trend = trend_svg(lines, _link)
    stopped = any(line.checks is None for line in lines[:MAX_RUNS])
    legend = (
        '<p class="muted">Per run, de oudste links: de mislukte verwachtingen en de rijen die het '
        "inlezen weigerde, uit alle bestanden die de run gebruikte."
        + (" Een streepje: de run stopte vóór de validatie." if stopped else "")
        + "</p>"
    )
    parts.append(trend + legend if trend else "<p>Het verloop verschijnt vanaf de tweede run.</p>")
    columns = (
        Col("Run"),
        Col("Gestart"),
        Col("Peildatum"),
        Col("Uitkomst"),
        Col("Verwachtingen mislukt", True),
        Col("Rijen geweigerd bij het inlezen", True),
        Col("Bestanden geweigerd", True),
    )
    parts += ["<h2>Runs, nieuwste eerst</h2>", table(columns, map(_run_row, lines))]
    parts.append(_tables(contracts))
    return page(SITE_TITLE, "\n".join(parts), "index.html")
