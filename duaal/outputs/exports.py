"""The CSV exports of CONTRACTS.md: decisions, findings, payments, quarantine and changes.

UTF-8, comma-separated, a header row, sorted as the contract states. Decisions, findings
and the payment reconciliation come from the latest completed run; the quarantine lists
every refused row in effect (transforms/versions.py); changes are those of `duaal diff`
(duaal/history/changes/). Every CSV is written by `write_csv`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from duaal.common.export_columns import (
    DECISION_EXPORT,
    FINDING_EXPORT,
    PAYMENT_EXPORT,
    QUARANTINE_EXPORT,
)
from duaal.common.privacy import make_private_dir, open_private
from transforms.versions import quarantine_in_effect


class NoRun(LookupError):
    """The database holds no completed run to export from."""


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str:
    """The id of the most recent completed run."""
    row = con.execute(
        "SELECT run_id FROM runs WHERE status = 'completed' "
        "ORDER BY finished_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise NoRun("no completed run in the database: run `duaal run` first")
    return row[0]


def write_csv(out: Path, header: tuple[str, ...], rows: list[tuple], share_group: str = "") -> int:
    """Write one CSV export (the one place CSV files are written), readable by its owner
    (or share_group) only; returns the row count."""
    make_private_dir(out.parent, share_group)
    with open_private(out, "w", group=share_group, encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def export_findings(con: duckdb.DuckDBPyConnection, out: Path, *, share_group: str = "") -> int:
    """Write the latest run's compliance findings; returns the number of rows."""
    sql = """
        SELECT code, severity, agreement_id, company_kbo, learner_insz, mentor_insz,
               office, detail
        FROM run_findings
        WHERE run_id = ?
        ORDER BY code, agreement_id NULLS FIRST, mentor_insz NULLS FIRST,
                 company_kbo NULLS FIRST, learner_insz NULLS FIRST, due_date NULLS FIRST, detail
        """
    rows = con.execute(sql, [latest_run_id(con)]).fetchall()
    return write_csv(out, FINDING_EXPORT, rows, share_group)


@dataclass(frozen=True)
class PairExport:
    """An export with a row per pair and school year of a run's recorded table."""

    table: str  # the run's table
    header: tuple[str, ...]  # the contract's columns
    values: str  # the SELECT list: each column's value as the contract writes it


PAIR_EXPORTS: dict[str, PairExport] = {
    "decisions": PairExport(
        "run_decisions",
        DECISION_EXPORT,
        """school_year, company_kbo, learner_insz, province, office, status,
        CASE WHEN eligible THEN 'true' ELSE 'false' END, amount_eur,
        printf('%.2f', months_covered), premiums_before, coalesce(reasons, '')""",
    ),
    "payments": PairExport(
        "run_payments",
        PAYMENT_EXPORT,
        """school_year, company_kbo, learner_insz, office, status, decided_eur,
        CASE WHEN paid_eur IS NOT NULL THEN printf('%.2f', paid_eur) END,
        strftime(paid_on, '%Y-%m-%d'), strftime(expected_by, '%Y-%m-%d')""",
    ),
}


def export_pairs(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    what: str,
    school_year: str | None = None,
    *,
    share_group: str = "",
) -> int:
    """Write the latest run's decisions or payment reconciliation (a key of PAIR_EXPORTS)
    of one school year, or of all (None), in the pairs' order; returns the number of rows.
    A run recorded before payments were reconciled has none to export: NoRun says so."""
    export = PAIR_EXPORTS[what]
    run_id = latest_run_id(con)
    if what == "payments" and not _reconciled(con, run_id):
        raise NoRun(
            f"the latest completed run {run_id} reconciled no payments (it ran before duaal "
            "reconciled them): run `duaal run` again"
        )
    rows = con.execute(
        f"SELECT {export.values} FROM {export.table} "
        "WHERE run_id = ? AND (? IS NULL OR school_year = ?) "
        "ORDER BY school_year, company_kbo, learner_insz",
        [run_id, school_year, school_year],
    ).fetchall()
    return write_csv(out, export.header, rows, share_group)


def _reconciled(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    """Whether a run recorded a payment reconciliation: a run recorded before payments were
    reconciled has no payments digest (and a database opened read-only that no later run
    brought up to the current schema has no such column)."""
    (has_column,) = con.execute(
        "SELECT count(*) > 0 FROM duckdb_columns() "
        "WHERE table_name = 'runs' AND column_name = 'digest_payments'"
    ).fetchone()
    if not has_column:
        return False
    (recorded,) = con.execute(
        "SELECT digest_payments IS NOT NULL FROM runs WHERE run_id = ?", [run_id]
    ).fetchone()
    return bool(recorded)


def export_quarantine(con: duckdb.DuckDBPyConnection, out: Path, *, share_group: str = "") -> int:
    """Write every quarantined row in effect, once per reason (a file loaded again under its
    name replaced its earlier load's rows); returns the number of rows."""
    columns = "source, file_name, row_number, reason, detail"
    sql = f"SELECT {columns} FROM {quarantine_in_effect()} ORDER BY {columns}"
    return write_csv(out, QUARANTINE_EXPORT, con.execute(sql).fetchall(), share_group)


def export_changes(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    from_run: str | None = None,
    to_run: str | None = None,
    *,
    share_group: str = "",
) -> int:
    """Write what changed between two completed runs (default: the latest and the one
    before), as `duaal diff` shows it; returns the number of rows."""
    from duaal.history.changes import CHANGE_EXPORT, compute_changes

    changes = compute_changes(con, from_run, to_run)
    return write_csv(out, CHANGE_EXPORT, changes.rows, share_group)
