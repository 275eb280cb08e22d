"""The stages of a run as plain functions: ingest, rules, validate, record, report.

Tests, `duaal audit` and the Prefect flows (flows/) all call these. `execute` runs the
stages in order; the flow passes a `stage` wrapper that turns each into a Prefect task,
so the order of the stages is written once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import duckdb
import pyarrow as pa

from duaal import interrupts
from duaal.changes import ChangeCounts, Changes, since_previous
from duaal.checks import (
    STAGING_TABLES,
    CheckResult,
    InputCheckFailed,
    Thresholds,
    run_input_checks,
    store_checks,
)
from duaal.db import claim, connect, release, run_record
from duaal.privacy import make_private_dir
from duaal.settings import Settings
from duaal.version import code_version
from duaal.workbooks.manifest import Entry, kept_by, other_runs
from expectations.docs import refresh_docs
from transforms.loading import FileOutcome, RawScan, scan_raw
from transforms.models import build_models
from transforms.rule_config import RuleConfig, load_rule_config
from transforms.schema import (
    DECISION_COLUMNS,
    FINDING_COLUMNS,
    PAYMENT_COLUMNS,
    PAYMENT_STATUSES,
)
from transforms.transaction import transaction
from transforms.versions import run_quarantine

if TYPE_CHECKING:  # imported by the validation stage only: it costs seconds
    from expectations.validate import ValidationOutcome

RunStatus = Literal["running", "completed", "failed", "interrupted"]
F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[str], None]

DECISION_KEY = ("school_year", "company_kbo", "learner_insz")
STAGE_NOTE = "duaal stage: "  # the note a failed stage adds to its exception
# (code, agreement, mentor) is unique for the findings about an agreement or a mentor; a
# pair's payment findings differ in company, learner and due date (the school year's)
FINDING_ORDER = (
    "code",
    "agreement_id",
    "mentor_insz",
    "company_kbo",
    "learner_insz",
    "due_date",
    "detail",
)


@dataclass(frozen=True)
class Output:
    """One output a run records: the mart that holds it, the run table it is copied into
    (with run_id), its columns (the mart's contract) and the order its digest reads it in."""

    mart: str
    run_table: str
    columns: tuple[tuple[str, str], ...]
    order: tuple[str, ...]

    @property
    def names(self) -> str:
        return ", ".join(n for n, _ in self.columns)

    @property
    def digested(self) -> str:
        """The columns its digest reads: all but a batch id of lineage, which numbers loads
        (an interrupted or a file-by-file load numbers them otherwise; the file and row it
        names stay in the digest), so the same inputs give the same digest."""
        return ", ".join(n for n, _ in self.columns if not n.endswith("batch_id"))


OUTPUTS: dict[str, Output] = {
    "decisions": Output("fct_premium_decisions", "run_decisions", DECISION_COLUMNS, DECISION_KEY),
    "findings": Output("fct_compliance_findings", "run_findings", FINDING_COLUMNS, FINDING_ORDER),
    "payments": Output("fct_payment_reconciliation", "run_payments", PAYMENT_COLUMNS, DECISION_KEY),
}
# every digest a run records (runs.digest_<kind>), in the order the command line lists them
DIGESTS = (*OUTPUTS, "quarantine")
DOCS_FOLDER = "datakwaliteit"  # the Data Docs, in the reports folder


@dataclass
class RunSummary:
    """What a run did, for the command line, the artifacts and the tests."""

    run_id: str
    as_of: date
    status: RunStatus = "running"
    files: list[FileOutcome] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    decisions: int = 0
    eligible: int = 0
    amount_per_office: dict[str, int] = field(default_factory=dict)
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    payments_by_status: dict[str, int] = field(default_factory=dict)  # the rule book's order
    quarantined_rows: int = 0
    staging_warnings: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    # the workbooks in the reports folder that other runs wrote (duaal/workbooks/manifest.py)
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


@dataclass(frozen=True)
class Ingested:
    """What ingest met under the raw folder and what became of each export file."""

    scan: RawScan
    files: list[FileOutcome]


def _identity(fn: F) -> F:
    return fn


def new_run_id(now: datetime) -> str:
    """A sortable, unique run id: R20261128T063000-1a2b3c."""
    return f"R{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


# --- stages -------------------------------------------------------------------------------


def open_database(
    settings: Settings, run_id: str, progress: Progress = lambda message: None
) -> duckdb.DuckDBPyConnection:
    """Open the database for writing, waiting (lock_timeout_s in all) while another run
    holds it, and say that this run holds it now."""
    con = connect(
        settings.db,
        timeout_s=settings.lock_timeout_s,
        on_wait=progress,
        share_group=settings.share_group,
    )
    try:
        claim(settings.db, run_id)
    except BaseException:  # interrupted between the two: the connection is nobody's
        con.close()
        raise
    return con


def ingest_stage(con: duckdb.DuckDBPyConnection, settings: Settings) -> Ingested:
    """Load every new export under the raw folder, one transaction per file."""
    from transforms.loading import ingest
    from transforms.sources import SOURCES

    if not settings.raw.is_dir():
        folders = ", ".join(f"{s.folder}/" for s in SOURCES)
        raise FileNotFoundError(
            f"no export folder at {settings.raw}: put the exports there, one folder per "
            f"source ({folders})"
        )
    scan = scan_raw(settings.raw)
    return Ingested(scan, ingest(con, settings.raw, settings.aliases, scan=scan))


# the models the input checks read, built by checks_stage; the rules stage reuses them
CHECKED_MODELS = (*STAGING_TABLES.values(), "int_superseded_rows")


def checks_stage(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    config: RuleConfig,
    run_id: str,
    ingested: Ingested,
) -> list[CheckResult]:
    """Check the inputs (CONTRACTS.md) on freshly built staging tables; keep the results."""
    with transaction(con):
        build_models(con, config, settings.as_of, targets=CHECKED_MODELS)
        results = run_input_checks(
            con,
            run_id=run_id,
            raw_dir=settings.raw,
            as_of=settings.as_of,
            files=ingested.files,
            scan=ingested.scan,
            thresholds=Thresholds(
                settings.max_export_age_days,
                settings.max_volume_drop,
                settings.max_quarantine_share,
            ),
            config=config,
            rules=settings.rules,
        )
        store_checks(con, run_id, results)
    return results


def start_run(
    con: duckdb.DuckDBPyConnection,
    config: RuleConfig,
    as_of: date,
    flow_run_id: str | None = None,
    now: datetime | None = None,
    run_id: str | None = None,
) -> str:
    """Record a new run and the batches it reads; returns its id."""
    now = now or datetime.now()
    run_id = run_id or new_run_id(now)
    con.execute(
        "INSERT INTO runs (run_id, flow_run_id, started_at, status, as_of, rule_config, "
        "rule_config_hash, code_version) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
        [run_id, flow_run_id, now, as_of, config.text, config.sha256, code_version()],
    )
    con.execute(
        "INSERT INTO run_batches SELECT ?, batch_id FROM load_batches ORDER BY batch_id",
        [run_id],
    )
    return run_id


def rules_stage(
    con: duckdb.DuckDBPyConnection,
    config: RuleConfig,
    as_of: date,
    built_already: tuple[str, ...] = (),
) -> list[str]:
    """Build staging, intermediate and mart models in one transaction; built_already: the
    models the input checks of this run built from the same inputs (CHECKED_MODELS)."""
    with transaction(con):
        return build_models(con, config, as_of, built_already=built_already)


def _import_validation() -> None:
    """Import the validation module (and Great Expectations, about 4 s) ahead of its stage."""
    try:
        import expectations.validate  # noqa: F401
    except Exception:  # noqa: BLE001 - validate_stage imports it again and reports the error
        return


def preload_validation() -> threading.Thread | None:
    """Start importing Great Expectations in the background: ingest mostly waits on files."""
    if "expectations.validate" in sys.modules:
        return None
    thread = threading.Thread(target=_import_validation, name="import-validation", daemon=True)
    thread.start()
    return thread


def validate_stage(
    con: duckdb.DuckDBPyConnection, run_id: str, docs_dir: Path | None
) -> ValidationOutcome:
    """Run the Great Expectations suites and keep their results; a failed mart expectation
    fails the run. docs_dir: where the Data Docs go (None: a run without reports, none).
    A suite whose inputs an earlier run validated takes that run's results."""
    from expectations.validate import validate

    outcome = validate(con, run_id, docs_dir, reuse=True)
    outcome.raise_for_marts()
    return outcome


def show_outcome_in_docs(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_dir: Path,
    failure: BaseException | None = None,
) -> None:
    """Put how the run ended on the data quality site (its validation wrote the site while the
    run was still going); after a failure, a site that cannot be written is a note on it."""
    try:
        refresh_docs(con, run_id, docs_dir)
    except Exception as exc:
        if failure is None:
            raise
        failure.add_note(f"the data quality site was not updated: {exc}")


def digest_rows(rows: list[tuple]) -> str:
    """SHA-256 of rows in a canonical text form (floats to 9 decimals, NULL as '\\N')."""
    h = hashlib.sha256()
    for row in rows:
        cells = []
        for v in row:
            if v is None:
                cells.append("\\N")
            elif isinstance(v, float):
                cells.append(f"{v:.9f}")
            else:
                cells.append(str(v))
        h.update(("\x1f".join(cells) + "\n").encode("utf-8"))
    return h.hexdigest()


DIGEST_BATCH_ROWS = 65_536  # rows per Arrow batch a query digest reads at a time


_NULL = "\\N"
_BOOLEAN_TEXT = {True: "True", False: "False", None: _NULL}


def _digest_cells(column: pa.Array) -> list[str]:
    """A column's cells in `digest_rows`' text form: NULL as '\\N', a float to 9 decimals,
    anything else as str() gives it; text, integers and booleans by C-level maps, the other
    types value by value, exactly as `digest_rows` does."""
    kind = column.type
    values = column.to_pylist()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return [_NULL if v is None else v for v in values] if column.null_count else values
    if pa.types.is_boolean(kind):
        return list(map(_BOOLEAN_TEXT.__getitem__, values))
    if pa.types.is_integer(kind) and not column.null_count:
        return list(map(str, values))
    return [_NULL if v is None else f"{v:.9f}" if isinstance(v, float) else str(v) for v in values]


def digest_query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> str:
    """`digest_rows` of a query's rows, the same SHA-256, read in Arrow batches and turned
    into text column by column (a run's decisions are read once, not as Python tuples)."""
    h = hashlib.sha256()
    reader = con.sql(sql, params=params or None).to_arrow_reader(DIGEST_BATCH_ROWS)
    for batch in reader:
        if batch.num_rows == 0:
            continue
        cells = [_digest_cells(column) for column in batch.columns]
        text = "\n".join(map("\x1f".join, zip(*cells, strict=True))) + "\n"
        h.update(text.encode("utf-8"))
    return h.hexdigest()


MARTS: dict[str, str] = {kind: output.mart for kind, output in OUTPUTS.items()}


def run_tables(schema: str = "") -> dict[str, str]:
    """The run tables of the outputs (kind -> table), in a schema (`src` of an attached
    database) or the current one."""
    prefix = f"{schema}." if schema else ""
    return {kind: prefix + output.run_table for kind, output in OUTPUTS.items()}


def output_digests(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, str] | None = None,
    run_filter: str = "",
    params: list[Any] | None = None,
) -> dict[str, str]:
    """Digests of the outputs (decisions, findings, payments) read from tables (kind ->
    table: the marts by default, or run tables with a run_filter)."""
    params = params or []
    return {
        kind: digest_query(
            con,
            f"SELECT {OUTPUTS[kind].digested} FROM {table} {run_filter} "
            f"ORDER BY {', '.join(OUTPUTS[kind].order)} NULLS FIRST",
            params,
        )
        for kind, table in (tables or MARTS).items()
    }


def quarantine_digest(con: duckdb.DuckDBPyConnection, run_id: str, schema: str = "") -> str:
    """Digest of the quarantine in effect of a run: a file loaded again under its name
    leaves it as it was where its rows are the same."""
    return digest_query(
        con,
        f"""SELECT q.source, q.file_name, q.row_number, q.reason, q.detail
        FROM {run_quarantine(schema)} q ORDER BY ALL""",
        [run_id],
    )


def record_stage(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, str]:
    """Keep the run's decisions, findings and payment reconciliation, with the digests an
    audit compares."""
    with transaction(con):
        for output in OUTPUTS.values():
            con.execute(
                f"INSERT INTO {output.run_table} (run_id, {output.names}) "
                f"SELECT ?, {output.names} FROM {output.mart}",
                [run_id],
            )
        digests = output_digests(con)
        digests["quarantine"] = quarantine_digest(con, run_id)
        counts = row_counts(con, run_id)
        con.execute(
            f"UPDATE runs SET {', '.join(f'digest_{kind} = ?' for kind in DIGESTS)}, "
            "row_counts = ? WHERE run_id = ?",
            [*(digests[kind] for kind in DIGESTS), json.dumps(counts, sort_keys=True), run_id],
        )
    return digests


def row_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Rows in the staging tables and marts, and quarantined rows, as the run saw them."""
    tables = (
        "stg_werkplekduaal__agreements",
        "stg_dimona__periods",
        "stg_werkplekduaal__recognitions",
        "stg_mtech__premiums_paid",
        *MARTS.values(),
    )
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    counts["quarantine"] = con.execute(
        f"SELECT count(*) FROM {run_quarantine()}", [run_id]
    ).fetchone()[0]
    return counts


def changes_stage(con: duckdb.DuckDBPyConnection, run_id: str) -> Changes:
    """Compare the run's recorded outputs with the previous completed run's."""
    return since_previous(con, run_id)


def reports_stage(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    reports_dir: Path,
    school_years: tuple[str, ...],
    share_group: str = "",
    compared: Changes | None = None,
) -> list[Path]:
    """Write the Excel workbooks of the run (private, or for share_group only) and record
    them in the folder's manifest (duaal/workbooks/manifest.py); compared: its changes since
    the previous completed run (None: compared here). A workbook whose content (its key,
    duaal/workbooks/content.py) is in the folder as an earlier run wrote it is kept, and
    recorded as kept. Returns the run's workbooks, written or kept."""
    from duaal.privacy import private_files
    from duaal.workbooks.manifest import in_place, update_manifest
    from duaal.workbooks.writer import write_planned

    plan = write_planned(
        con,
        run_id,
        reports_dir,
        school_years,
        share_group=share_group,
        compared=compared,
        in_place=in_place(reports_dir),
    )
    written = [p for p in plan.paths if p not in plan.kept]
    run = run_record(con, run_id)
    as_of = run["as_of"] if run else date.today()
    with private_files(share_group):
        update_manifest(reports_dir, run_id, as_of, written, plan.kept, keys=plan.keys)
    return plan.paths


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: RunStatus,
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


# --- the whole run ------------------------------------------------------------------------


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
        con.execute(
            "INSERT INTO runs (run_id, flow_run_id, started_at, status, as_of, rule_config, "
            "rule_config_hash, code_version) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
            [
                run_id,
                flow_run_id,
                datetime.now(),
                as_of,
                config.text,
                config.sha256,
                code_version(),
            ],
        )
    finish_run(con, run_id, "interrupted", error, warnings)


def execute(
    settings: Settings,
    *,
    with_reports: bool = True,
    stage: Callable[[F], F] = _identity,
    progress: Progress = lambda message: None,
    flow_run_id: str | None = None,
) -> RunSummary:
    """Run the pipeline: ingest, input checks, rules, validation, record, reports. Raises on
    failure (InputCheckFailed when the inputs cannot be used), after recording the failed run.
    Interrupted (Ctrl-C, or SIGTERM under duaal.interrupts), it rolls back what the stage had
    not committed, records the run as interrupted and raises the interrupt."""
    config = load_rule_config(settings.rules)
    run_id = new_run_id(datetime.now())  # known before the database: a waiting run is named
    seconds: dict[str, float] = {}
    where = ["open"]  # the stage the run is in

    def begin(name: str, message: str) -> None:
        """Say the stage that starts; an interrupt from now on is in it."""
        where[0] = name
        interrupts.note_stage(name)
        progress(message)

    def timed(name: str, fn: F) -> F:
        def call(*args: Any) -> Any:
            where[0] = name
            interrupts.note_stage(name)
            t0 = time.perf_counter()
            try:
                return stage(fn)(*args)
            except BaseException as exc:
                if not any(n.startswith(STAGE_NOTE) for n in getattr(exc, "__notes__", ())):
                    exc.add_note(f"{STAGE_NOTE}{name}")  # the command line says where
                raise
            finally:
                seconds[name] = time.perf_counter() - t0

        return call  # type: ignore[return-value]

    con: duckdb.DuckDBPyConnection | None = None
    summary: RunSummary | None = None
    # a hard exit (a second Ctrl-C) happens in another thread: it takes the claim back too
    with interrupts.on_hard_exit(functools.partial(release, settings.db, run_id)):
        try:
            con = timed("open", open_database)(settings, run_id, progress)
            with interrupts.on_interrupt(con.interrupt):  # a query stops at the signal
                close_abandoned_runs(con)
                begin("ingest", "ingest: reading exports from " + str(settings.raw))
                ingested = timed("ingest", ingest_stage)(con, settings)
                start_run(con, config, settings.as_of, flow_run_id, run_id=run_id)
                summary = RunSummary(
                    run_id=run_id, as_of=settings.as_of, files=ingested.files, stage_seconds=seconds
                )
                # the Data Docs (none with --no-reports), written by the validation
                docs_dir = settings.reports / DOCS_FOLDER if with_reports else None
                try:
                    begin("checks", "checks: checking the inputs")
                    summary.checks = timed("checks", checks_stage)(
                        con, settings, config, run_id, ingested
                    )
                    if any(c.severity == "error" for c in summary.checks):
                        raise InputCheckFailed(summary.checks)
                    begin("rules", "rules: building models")
                    # nothing changes the ingest tables between the checks and the rules
                    timed("rules", rules_stage)(con, config, settings.as_of, CHECKED_MODELS)
                    begin("validate", "validate: running the expectation suites")
                    if docs_dir is not None:
                        # the Data Docs quote failing values: the folder is private or the group's
                        make_private_dir(settings.reports, settings.share_group)
                    outcome = timed("validate", validate_stage)(con, run_id, docs_dir)
                    summary.staging_warnings = list(outcome.failed_staging)
                    summary.docs_index = outcome.docs_index
                    begin("record", "record: keeping the decisions and findings")
                    summary.digests = timed("record", record_stage)(con, run_id)
                    begin("changes", "changes: comparing with the previous completed run")
                    compared = timed("changes", changes_stage)(con, run_id)
                    summary.changes = compared.counts()
                    if with_reports:
                        begin("reports", "reports: writing workbooks to " + str(settings.reports))
                        summary.reports = timed("reports", reports_stage)(
                            con,
                            run_id,
                            settings.reports,
                            settings.school_years,
                            settings.share_group,
                            compared,
                        )
                        summary.other_reports = other_runs(settings.reports, run_id)
                        summary.kept_reports = kept_by(settings.reports, run_id)
                except Exception as exc:
                    if interrupts.signal_of(exc) is not None:
                        raise  # DuckDB's word for an interrupt: recorded below
                    finish_run(
                        con, run_id, "failed", f"{type(exc).__name__}: {exc}", summary.warnings
                    )
                    summary.status = "failed"
                    if docs_dir is not None:
                        show_outcome_in_docs(con, run_id, docs_dir, exc)
                    raise
                finish_run(con, run_id, "completed", warnings=summary.warnings)
                summary.status = "completed"
                interrupts.note_completed(run_id)
                if docs_dir is not None:
                    show_outcome_in_docs(con, run_id, docs_dir)
                summarise(con, summary)
                return summary
        except BaseException as exc:
            if con is None or summary is not None and summary.status != "running":
                raise  # nothing recorded yet, or recorded already
            interrupt = interrupts.interruption(exc)
            if interrupt is None:
                raise
            with suppress(duckdb.Error):  # the process goes on ending; the next run tidies up
                record_interrupted(
                    con,
                    run_id,
                    where[0],
                    interrupts.signal_of(exc) or signal.SIGINT,
                    config=config,
                    as_of=settings.as_of,
                    flow_run_id=flow_run_id,
                    warnings=summary.warnings if summary is not None else None,
                )
            if summary is not None:
                summary.status = "interrupted"
            if interrupt is exc:
                raise
            raise interrupt from exc
        finally:
            if con is not None:
                con.close()
            release(settings.db, run_id)
