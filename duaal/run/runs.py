"""A run's row in `runs`, from its start to its end (completed, failed, interrupted, or
abandoned by a process that was killed), and the summary of what it did."""

from __future__ import annotations

import signal
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import duckdb

from duaal.common.db import run_record
from duaal.common.version import code_version
from duaal.history.changes import ChangeCounts
from duaal.outputs.workbooks.manifest import Entry
from duaal.run.check_results import InputCheck
from transforms.loading import FileOutcome
from transforms.rule_config import RuleConfig
from transforms.schema import PAYMENT_STATUSES
from transforms.versions import run_quarantine

RunStatus = Literal["running", "completed", "failed", "interrupted"]


@dataclass
class RunSummary:
    """What a run did, for the command line, the artifacts and the tests."""

    run_id: str
    as_of: date
    status: RunStatus = "running"
    files: list[FileOutcome] = field(default_factory=list)
    checks: list[InputCheck] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    decisions: int = 0
    eligible: int = 0
    amount_per_office: dict[str, int] = field(default_factory=dict)
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    payments_by_status: dict[str, int] = field(default_factory=dict)  # the rule book's order
    quarantined_rows: int = 0
    staging_warnings: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    # the workbooks in the reports folder that other runs wrote (duaal/outputs/workbooks/manifest.py)
    other_reports: list[Entry] = field(default_factory=list)
    # the workbooks of the run it found as an earlier run wrote them, and kept
    kept_reports: list[Entry] = field(default_factory=list)
    docs_index: Path | None = None
    digests: dict[str, str] = field(default_factory=dict)
    changes: ChangeCounts | None = None  # since the previous completed run

    @property
    def warnings(self) -> int:
        """Input checks of severity warning: a run with any completes with warnings (exit
        4); one with an error fails."""
        return sum(c.severity == "warning" for c in self.checks)

    @property
    def outcome(self) -> str:
        """completed, completed with warnings, failed, interrupted or running."""
        if self.status == "completed" and self.warnings:
            return "completed with warnings"
        return self.status


def new_run_id(now: datetime) -> str:
    """A sortable, unique run id: R20261128T063000-1a2b3c."""
    return f"R{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def start_run(
    con: duckdb.DuckDBPyConnection,
    config: RuleConfig,
    as_of: date,
    flow_run_id: str | None = None,
    now: datetime | None = None,
    run_id: str | None = None,
    *,
    with_batches: bool = True,
) -> str:
    """Record a new run and the batches it reads (with_batches=False: a run interrupted
    before it was recorded, which read none); returns its id."""
    now = now or datetime.now()
    run_id = run_id or new_run_id(now)
    con.execute(
        "INSERT INTO runs (run_id, flow_run_id, started_at, status, as_of, rule_config, "
        "rule_config_hash, code_version) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
        [run_id, flow_run_id, now, as_of, config.text, config.sha256, code_version()],
    )
    if with_batches:
        con.execute(
            "INSERT INTO run_batches SELECT ?, batch_id FROM load_batches ORDER BY batch_id",
            [run_id],
        )
    return run_id


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: RunStatus,
    *,
    error: str | None = None,
    warnings: int | None = None,
) -> None:
    """Mark a run completed, failed or interrupted, with the count of its input warnings."""
    con.execute(
        "UPDATE runs SET status = ?, finished_at = ?, error = ?, warnings = ? WHERE run_id = ?",
        [status, datetime.now(), error, warnings, run_id],
    )


def summarise(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    """Fill the summary's figures from the run's recorded outputs."""
    run_id = summary.run_id
    summary.decisions, summary.eligible = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE eligible) FROM run_decisions WHERE run_id = ?",
        [run_id],
    ).fetchone()
    summary.amount_per_office = dict(
        con.execute(
            "SELECT office, sum(amount_eur)::BIGINT FROM run_decisions WHERE run_id = ? "
            "GROUP BY office ORDER BY office",
            [run_id],
        ).fetchall()
    )
    summary.findings_by_severity = dict(
        con.execute(
            "SELECT severity, count(*) FROM run_findings WHERE run_id = ? "
            "GROUP BY severity ORDER BY severity",
            [run_id],
        ).fetchall()
    )
    counted = dict(
        con.execute(
            "SELECT status, count(*) FROM run_payments WHERE run_id = ? GROUP BY status",
            [run_id],
        ).fetchall()
    )
    summary.payments_by_status = {s: counted[s] for s in PAYMENT_STATUSES if s in counted}
    summary.quarantined_rows = con.execute(
        f"SELECT count(*) FROM {run_quarantine()}", [run_id]
    ).fetchone()[0]


def close_abandoned_runs(con: duckdb.DuckDBPyConnection) -> None:
    """Runs still 'running' when a run opens the database for writing were ended without
    a word (killed, or ended at once by a second Ctrl-C): DuckDB lets one process write,
    and this one does now. They are recorded as interrupted."""
    con.execute(
        "UPDATE runs SET status = 'interrupted', finished_at = coalesce(finished_at, ?), "
        "error = coalesce(error, ?) WHERE status = 'running'",
        [datetime.now(), "the process ended before the run did (killed, or a second Ctrl-C)"],
    )


def record_interrupted(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stage: str,
    signum: int,
    *,
    config: RuleConfig,
    as_of: date,
    flow_run_id: str | None = None,
    warnings: int | None = None,
) -> None:
    """Record the run as interrupted, in which stage and by which signal, after rolling back
    what its stage had not committed; a run interrupted before it was recorded (in ingest)
    gets its row now."""
    with suppress(duckdb.Error):  # no transaction open: nothing to roll back
        con.execute("ROLLBACK")
    error = f"interrupted in stage {stage} ({signal.Signals(signum).name})"
    if run_record(con, run_id) is None:
        start_run(con, config, as_of, flow_run_id, run_id=run_id, with_batches=False)
    finish_run(con, run_id, "interrupted", error=error, warnings=warnings)
