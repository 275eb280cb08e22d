"""The data quality site (reports/datakwaliteit/): static HTML, in Dutch, from the run history.

Great Expectations' own Data Docs load bootstrap, jQuery, vega and fonts from CDNs, so in
an auditor's archive or on a closed network the pages stay blank, and every build wiped
the earlier runs' pages. These pages need nothing but the files themselves: styles inline,
no script, no link off the site.

- `index.html`: every run the database holds, newest first, with its outcome, failed
  expectations and rows refused on reading, and their trend;
- `validations/<run>.html`: one run's validation, every run's page kept (a summary per table,
  the failures first, what reading refused per file and reason, every expectation in Dutch);
- `expectations/<table>.html`: what a table must satisfy, from its contract.

The pages quote failing values, which can be national numbers: the folder is private (the
run writes it under the umask of duaal.common.privacy). The rows refused on reading are named by
file and row number only; their values stay in the quarantine.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.docs.data import run_lines
from expectations.docs.index import index_page, page_name
from expectations.docs.run import run_page
from expectations.docs.suite import all_contracts, suite_page

__all__ = ["page_name", "refresh_docs", "write_docs"]


def write_docs(con: duckdb.DuckDBPyConnection, run_id: str, docs_dir: Path) -> Path:
    """Write this run's page, any run's page that is missing, the tables' pages and the index;
    returns the index."""
    for folder in ("validations", "expectations"):
        (docs_dir / folder).mkdir(parents=True, exist_ok=True)
    lines = run_lines(con)
    for line in lines:
        path = docs_dir / "validations" / page_name(line.run_id)
        if line.run_id == run_id or not path.exists():
            _write(path, run_page(con, line))
    contracts = all_contracts()
    for c in contracts:
        _write(docs_dir / "expectations" / f"{c.table}.html", suite_page(c))
    index = docs_dir / "index.html"
    _write(index, index_page(lines, contracts))
    return index


def refresh_docs(con: duckdb.DuckDBPyConnection, run_id: str, docs_dir: Path) -> Path | None:
    """After a run has ended: its outcome on its page and on the index (its validation wrote
    them while it was still going). Nothing when the site does not exist yet."""
    index = docs_dir / "index.html"
    if not index.exists():
        return None
    lines = run_lines(con)
    for line in lines:
        if line.run_id == run_id:
            _write(docs_dir / "validations" / page_name(run_id), run_page(con, line))
    _write(index, index_page(lines, all_contracts()))
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
