"""What the Data Docs read from the database: the runs, each run's validation results
(`validation_results`) and what its reader refused (`load_batches` and `quarantine` of the
batches the run used, `run_batches`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from transforms.codes import load_codes
from transforms.versions import batch_versions


@dataclass(frozen=True)
class RunLine:
    """One run as the index lists it; checks is None for a run that stopped before its
    validation."""

    run_id: str
    started_at: datetime | None
    as_of: date | None
    status: str | None  # running | completed | failed; None: no row in runs
    warnings: int | None
    checks: int | None
    failed: int
    failed_marts: int
    rows_refused: int
    files_refused: int


@dataclass(frozen=True)
class Result:
    """One row of validation_results."""

    table: str
    layer: str
    expectation: str
    column: str | None
    kwargs: dict[str, Any]
    success: bool
    element_count: int | None
    unexpected_count: int | None
    examples: list[Any]


@dataclass(frozen=True)
class Refusal:
    """The rows of one file refused for one reason."""

    reason: str  # the code, e.g. INVALID_INSZ
    label: str  # its Dutch label from the code registry
    row_numbers: tuple[int, ...]


@dataclass(frozen=True)
class InputFile:
    """One batch the run read: a file, its counts and why its rows (or itself) were refused."""

    source: str
    file_name: str
    sheet_name: str | None
    loaded_at: datetime
    new: bool  # first read for this run (no earlier run used the batch)
    status: str  # loaded | refused
    reason: str | None  # why the file was refused, in Dutch when the reader kept it
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_blank: int
    refusals: tuple[Refusal, ...]


def _json(text: str | None, empty: Any) -> Any:
    if not text:
        return empty
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_lines(con: duckdb.DuckDBPyConnection) -> list[RunLine]:
    """Every run the database holds (and any validated run it lost the row of), newest first."""
    rows = con.execute(
        """
        WITH checked AS (
            SELECT run_id, count(*) AS checks, count(*) FILTER (NOT success) AS failed,
                count(*) FILTER (NOT success AND layer = 'mart') AS failed_marts
            FROM validation_results GROUP BY run_id
        ), read AS (
            -- a file loaded again under its name replaced its earlier load in that run
            -- (transforms/versions.py): its refused rows count once
            SELECT rb.run_id,
                sum(b.rows_quarantined) FILTER (b.status = 'loaded' AND NOT EXISTS (
                    SELECT 1 FROM run_batches rb2 JOIN load_batches later USING (batch_id)
                    WHERE rb2.run_id = rb.run_id AND later.status = 'loaded'
                        AND later.source = b.source AND later.file_name = b.file_name
                        AND later.batch_id > b.batch_id
                )) AS rows_refused,
                count(*) FILTER (b.status = 'refused') AS files_refused
            FROM run_batches rb JOIN load_batches b USING (batch_id) GROUP BY rb.run_id
        ), ids AS (SELECT run_id FROM runs UNION SELECT run_id FROM checked)
        SELECT ids.run_id, r.started_at, r.as_of, r.status, r.warnings, c.checks,
            coalesce(c.failed, 0), coalesce(c.failed_marts, 0), coalesce(rd.rows_refused, 0),
            coalesce(rd.files_refused, 0)
        FROM ids LEFT JOIN runs r USING (run_id) LEFT JOIN checked c USING (run_id)
        LEFT JOIN read rd USING (run_id)
        ORDER BY r.started_at DESC NULLS FIRST, ids.run_id DESC
        """
    ).fetchall()
    return [RunLine(*row) for row in rows]


def results(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Result]:
    """The run's validation results, by layer (staging first) and table, failures first."""
    rows = con.execute(
        "SELECT table_name, layer, expectation, column_name, kwargs, success, element_count, "
        "unexpected_count, unexpected_examples FROM validation_results WHERE run_id = ? "
        "ORDER BY layer <> 'staging', table_name, success, expectation, column_name",  # the page
        # puts a table's checks in the order of its contract
        [run_id],
    ).fetchall()
    return [
        Result(t, layer, e, c, _json(k, {}), s, n, u, _json(x, []))
        for t, layer, e, c, k, s, n, u, x in rows
    ]


def input_files(con: duckdb.DuckDBPyConnection, run_id: str) -> list[InputFile]:
    """The batches the run read, with their refused rows counted per reason (row numbers, never
    the values: those may be national numbers, and the quarantine detail quotes them)."""
    # a load that a later load of the same file replaced is not used (transforms/versions.py)
    in_effect = batch_versions("SELECT batch_id FROM run_batches WHERE run_id = ?")
    numbers: dict[tuple[int, str], list[int]] = {}
    for batch_id, reason, row_number in con.execute(
        "SELECT batch_id, reason, row_number FROM quarantine WHERE batch_id IN "
        f"(SELECT batch_id FROM {in_effect})",
        [run_id],
    ).fetchall():
        numbers.setdefault((batch_id, reason), []).append(row_number)
    quarantine = quarantine_labels()
    refused: dict[int, list[Refusal]] = {}
    # per batch, the reason with the most rows first
    for (batch_id, reason), rows in sorted(
        numbers.items(), key=lambda i: (i[0][0], -len(i[1]), i[0][1])
    ):
        label = quarantine.get(reason, reason)
        refused.setdefault(batch_id, []).append(Refusal(reason, label, tuple(sorted(rows))))
    rows = con.execute(
        f"""
        WITH first_use AS (  -- the start of the first run that read each batch
            SELECT rb.batch_id, min(r.started_at) AS started_at
            FROM run_batches rb JOIN runs r USING (run_id) GROUP BY rb.batch_id
        )
        SELECT b.batch_id, b.source, b.file_name, b.sheet_name, b.loaded_at,
            coalesce(first_use.started_at >= this.started_at, true) AS new,
            b.status, coalesce(b.reason_nl, b.reason), b.rows_read, b.rows_accepted,
            b.rows_quarantined, b.rows_blank
        FROM run_batches rb JOIN load_batches b USING (batch_id)
        LEFT JOIN runs this ON this.run_id = rb.run_id
        LEFT JOIN first_use ON first_use.batch_id = rb.batch_id
        WHERE rb.run_id = ?
            AND (b.status <> 'loaded' OR b.batch_id IN (SELECT batch_id FROM {in_effect}))
        ORDER BY b.source, b.file_name, b.batch_id
        """,
        [run_id, run_id],
    ).fetchall()
    return [InputFile(*row[1:], refusals=tuple(refused.get(row[0], ()))) for row in rows]


def quarantine_labels() -> dict[str, str]:
    """The Dutch label of every quarantine reason (the code registry)."""
    return {c.code: c.label for c in load_codes().of("quarantine")}
