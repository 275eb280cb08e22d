"""The data quality site (reports/datakwaliteit/): static HTML from `validation_results`.

Great Expectations' own Data Docs load bootstrap, jQuery, vega and fonts from CDNs, so in
an auditor's archive or on a closed network the pages stay blank, and every build wiped
the earlier runs' pages. These pages need nothing but the files themselves: styles inline,
no script, no link off the site. Every run's validation page is kept
(validations/<run>.html) and the index lists all runs the database holds, newest first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # only for the annotations: validate.py imports this module
    from expectations.validate import Suite

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h1, h2 { color: #1F4E78; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #1F4E78; color: #fff; }
.ok { color: #1b7a2e; font-weight: bold; }
.fail { color: #b00020; font-weight: bold; }
code, pre { font-family: monospace; white-space: pre-wrap; }
"""
SITE_TITLE = "Datakwaliteit duaal"


def page_name(run_id: str) -> str:
    """A run's page, a file name whatever the run id holds."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", run_id) + ".html"


def _page(title: str, body: str, home: str) -> str:
    """A whole HTML page: inline style, no script, nothing loaded from elsewhere."""
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<p><a href="{home}">{escape(SITE_TITLE)}</a></p>\n<h1>{escape(title)}</h1>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; the cells are HTML already."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def _verdict(success: bool) -> str:
    return '<span class="ok">geslaagd</span>' if success else '<span class="fail">mislukt</span>'


def _json_text(text: str | None) -> str:
    """A JSON column shown compactly."""
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return escape(text)
    return f"<code>{escape(json.dumps(value, ensure_ascii=False))}</code>"


def _runs(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Every validated run, newest first: id, start, as_of, checks, failed."""
    return con.execute(
        """
        SELECT v.run_id, r.started_at, r.as_of, count(*) AS checks,
            count(*) FILTER (NOT v.success) AS failed
        FROM validation_results v LEFT JOIN runs r USING (run_id)
        GROUP BY ALL
        ORDER BY r.started_at DESC NULLS FIRST, v.run_id DESC
        """
    ).fetchall()


def run_page(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    """One run's validation: every check, by layer and table."""
    found = con.execute(
        "SELECT layer, table_name, suite, expectation, column_name, kwargs, success, "
        "element_count, unexpected_count, unexpected_examples FROM validation_results "
        "WHERE run_id = ? ORDER BY layer DESC, table_name, success, expectation, column_name",
        [run_id],
    ).fetchall()
    parts = []
    tables = list(dict.fromkeys((r[0], r[1], r[2]) for r in found))
    for layer, table, suite in tables:
        rows = [r for r in found if r[1] == table and r[0] == layer]
        failed = sum(1 for r in rows if not r[6])
        parts.append(
            f"<h2>{escape(table)} ({escape(layer)})</h2>\n"
            f'<p>Suite <a href="../expectations/{escape(suite)}.html">{escape(suite)}</a>: '
            f"{len(rows)} controles, {failed} mislukt.</p>"
        )
        parts.append(
            _table(
                [
                    "Controle",
                    "Kolom",
                    "Parameters",
                    "Resultaat",
                    "Rijen",
                    "Afwijkend",
                    "Voorbeelden",
                ],
                (
                    (
                        escape(r[3]),
                        escape(r[4] or ""),
                        _json_text(r[5]),
                        _verdict(r[6]),
                        "" if r[7] is None else str(r[7]),
                        "" if r[8] is None else str(r[8]),
                        _json_text(r[9]),
                    )
                    for r in rows
                ),
            )
        )
    total = len(found)
    failed = sum(1 for r in found if not r[6])
    summary = f"<p>{total} controles, {failed} mislukt.</p>\n"
    return _page(f"Validatie van run {run_id}", summary + "\n".join(parts), "../index.html")


def suite_page(suite: Suite, notes: Sequence[str]) -> str:
    """What one suite checks: its expectations (with their notes) and its rule queries."""
    body = [
        f"<p>Tabel <code>{escape(suite.table)}</code>, laag {escape(suite.layer)}.</p>",
        f"<p>{escape(suite.notes)}</p>" if suite.notes else "",
        _table(
            ["Verwachting", "Parameters", "Toelichting"],
            (
                (escape(e["type"]), _json_text(json.dumps(e["kwargs"])), escape(note))
                for e, note in zip(suite.expectations, notes, strict=True)
            ),
        ),
    ]
    if suite.rules:
        body.append("<h2>Regels (SQL)</h2>")
        body.append(
            _table(
                ["Regel", "Kolom", "Toelichting", "Query"],
                (
                    (
                        escape(r.name),
                        escape(r.column),
                        escape(r.notes),
                        f"<pre>{escape(r.sql)}</pre>",
                    )
                    for r in suite.rules
                ),
            )
        )
    return _page(f"Suite {suite.name}", "\n".join(body), "../index.html")


def index_page(con: duckdb.DuckDBPyConnection, suites: Sequence[Suite]) -> str:
    """Every run's validation, newest first, and every suite."""
    runs = _table(
        # no run status: a run is still going while its validation is written
        ["Run", "Gestart", "Peildatum", "Controles", "Mislukt"],
        (
            (
                f'<a href="validations/{escape(page_name(run_id))}">{escape(run_id)}</a>',
                escape(f"{started:%d/%m/%Y %H:%M:%S}" if started else ""),
                escape(f"{as_of:%d/%m/%Y}" if as_of else ""),
                str(checks),
                f'<span class="fail">{failed}</span>' if failed else "0",
            )
            for run_id, started, as_of, checks, failed in _runs(con)
        ),
    )
    listed = _table(
        ["Suite", "Tabel", "Laag"],
        (
            (
                f'<a href="expectations/{escape(s.name)}.html">{escape(s.name)}</a>',
                f"<code>{escape(s.table)}</code>",
                escape(s.layer),
            )
            for s in suites
        ),
    )
    body = f"<h2>Runs, nieuwste eerst</h2>\n{runs}\n<h2>Suites</h2>\n{listed}"
    return _page(SITE_TITLE, body, "index.html")


def write_docs(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_dir: Path,
    suites: Sequence[Suite],
    notes: dict[str, Sequence[str]],
) -> Path:
    """Write this run's page, any run's page that is missing, the suites and the index.

    notes: per suite, the note of each expectation (in the suite's order)."""
    for folder in ("validations", "expectations"):
        (docs_dir / folder).mkdir(parents=True, exist_ok=True)
    for other, *_ in _runs(con):
        path = docs_dir / "validations" / page_name(other)
        if other == run_id or not path.exists():
            _write(path, run_page(con, other))
    for suite in suites:
        _write(
            docs_dir / "expectations" / f"{suite.name}.html", suite_page(suite, notes[suite.name])
        )
    index = docs_dir / "index.html"
    _write(index, index_page(con, suites))
    return index


def _write(path: Path, text: str) -> None:
    """Write a page under a temporary name, then put it in place: an interrupted run leaves
    the page it had, never half of one."""
    partial = path.with_name(path.name + ".tmp")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
