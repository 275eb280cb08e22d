"""The Prefect artifact "since the previous run" of a run, in Markdown (English, as the
run's other artifacts): the two runs, the counts and the first changes as the export's
rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from duaal.common.db import DatabaseBusy, connect
from duaal.history.changes.assemble import since_previous
from duaal.history.changes.model import CHANGE_EXPORT, Changes

TITLE = "# Since the previous run"


def changes_markdown(con: duckdb.DuckDBPyConnection, run_id: str, limit: int = 50) -> str:
    """Markdown "since the previous run" for a run: the counts and the first `limit`
    changes."""
    return markdown_of(since_previous(con, run_id), limit)


def markdown_of(changes: Changes, limit: int = 50) -> str:
    """Markdown "since the previous run" of a run's comparison (`since_previous`, which the
    run itself made in its changes stage): the counts and the first `limit` changes."""
    b, a = changes.before, changes.after
    if b is None:
        return f"{TITLE}\n\nRun {a.run_id} is the first completed run.\n"
    lines = [
        TITLE,
        "",
        f"From run {b.run_id} (as_of {b.as_of}) to run {a.run_id} (as_of {a.as_of}).",
        "",
    ]
    if not changes.items:
        lines.append("Nothing changed: the same decisions, findings, payments and quarantine.")
        return "\n".join(lines) + "\n"
    lines += [f"Changes: {changes.counts().parts()}.", ""]
    lines.append("| " + " | ".join(CHANGE_EXPORT) + " |")
    lines.append("| " + " | ".join("---" for _ in CHANGE_EXPORT) + " |")
    for row in changes.rows[:limit]:
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if len(changes.items) > limit:
        lines += ["", f"... and {len(changes.items) - limit} more: `duaal diff --to {a.run_id}`."]
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def since_previous_run(db: Path, run_id: str, *, timeout_s: float = 60.0) -> str:
    """The markdown "since the previous run" of a run, read from the database file (for
    the run's Prefect artifact); says why when it cannot be read."""
    try:
        con = connect(db, read_only=True, timeout_s=timeout_s)
        try:
            return changes_markdown(con, run_id)
        finally:
            con.close()
    except (DatabaseBusy, LookupError, OSError, duckdb.Error) as exc:
        # the run itself completed: an artifact that cannot be made must not fail it
        return f"{TITLE}\n\nNot available: {exc}\n"
