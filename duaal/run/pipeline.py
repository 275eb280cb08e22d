"""The stages of a run as plain functions: ingest, rules, validate, record, report.

Tests, `duaal audit` and the Prefect flows (flows/) all call these. `execute` runs the
stages in order; the flow passes a `stage` wrapper that turns each into a Prefect task,
so the order of the stages is written once.
"""

from __future__ import annotations

import functools
import json
import signal
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from duaal.common import interrupts
from duaal.common.db import claim, connect, release, run_record
from duaal.common.digests import DIGESTS, MARTS, OUTPUTS, output_digests, quarantine_digest
from duaal.common.privacy import make_private_dir
from duaal.common.settings import Settings
from duaal.history.changes import Changes, since_previous
from duaal.outputs.workbooks.manifest import kept_by, other_runs
from duaal.run.check_results import InputCheck, InputCheckFailed, Thresholds, store_checks
from duaal.run.checks import run_input_checks
from duaal.run.model_reuse import built_with, models_built_by, models_key, record_build
from duaal.run.runs import (
    RunSummary,
    close_abandoned_runs,
    finish_run,
    new_run_id,
    record_interrupted,
    start_run,
    summarise,
)
from expectations.docs import refresh_docs
from transforms.loading import FileOutcome, RawScan, scan_raw
from transforms.models import build_models
from transforms.rule_config import RuleConfig, load_rule_config
from transforms.sources import SOURCES
from transforms.transaction import transaction
from transforms.versions import run_quarantine

if TYPE_CHECKING:  # imported by the validation stage only: it costs seconds
    from expectations.validate import ValidationOutcome

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[str], None]

STAGE_NOTE = "duaal stage: "  # the note a failed stage adds to its exception
DOCS_FOLDER = "datakwaliteit"  # the Data Docs, in the reports folder


@dataclass(frozen=True)
class Ingested:
    """What ingest met under the raw folder and what became of each export file."""

    scan: RawScan
    files: list[FileOutcome]


def _identity(fn: F) -> F:
    return fn


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

    if not settings.raw.is_dir():
        folders = ", ".join(f"{s.folder}/" for s in SOURCES)
        raise FileNotFoundError(
            f"no export folder at {settings.raw}: put the exports there, one folder per "
            f"source ({folders})"
        )
    scan = scan_raw(settings.raw)
    return Ingested(scan, ingest(con, settings.raw, settings.aliases, scan=scan))


# the models the input checks read, built by checks_stage; the rules stage reuses them
CHECKED_MODELS = (*(s.staging for s in SOURCES), "int_superseded_rows")


def checks_stage(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    config: RuleConfig,
    run_id: str,
    ingested: Ingested,
) -> list[InputCheck]:
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


def rules_stage(
    con: duckdb.DuckDBPyConnection,
    config: RuleConfig,
    as_of: date,
    built_already: tuple[str, ...] = (),
    run_id: str | None = None,
) -> list[str]:
    """Build the intermediate models and marts in one transaction and return their names;
    built_already: the models the input checks of this run built from the same inputs
    (CHECKED_MODELS). A run (run_id) whose models in the database were built from exactly
    these inputs, configuration, as_of and code builds nothing (duaal/run/model_reuse.py):
    an empty list, and `model_builds` names the run that built them."""
    with transaction(con):
        if run_id is not None and set(CHECKED_MODELS) <= set(built_already):
            key = models_key(con, config, as_of, CHECKED_MODELS)
            built_by = built_with(con, key)
            if built_by is not None:
                record_build(con, run_id, key, built_by)
                return []
        built = build_models(con, config, as_of, built_already=built_already)
        # every build on a run's database says what it was built from (model_state)
        record_build(con, run_id, models_key(con, config, as_of, CHECKED_MODELS))
    return built


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
    tables = (*(s.staging for s in SOURCES), *MARTS.values())
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
    them in the folder's manifest (duaal/outputs/workbooks/manifest.py); compared: its changes since
    the previous completed run (None: compared here). A workbook whose content (its key,
    duaal/outputs/workbooks/content.py) is in the folder as an earlier run wrote it is kept, and
    recorded as kept. Returns the run's workbooks, written or kept."""
    from duaal.common.privacy import private_files
    from duaal.outputs.workbooks.manifest import in_place, update_manifest
    from duaal.outputs.workbooks.writer import write_planned

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


@dataclass
class _Stages:
    """Where a run is and how long each stage took; each stage called through `stage` (the
    flow makes it a Prefect task) and noted for an interrupt and a failure's message."""

    stage: Callable[[F], F]
    progress: Progress
    compared: Callable[[Changes], None]  # told the run's changes since the previous run
    seconds: dict[str, float] = field(default_factory=dict)
    where: str = "open"  # the stage the run is in

    def begin(self, name: str, message: str) -> None:
        """Say the stage that starts; an interrupt from now on is in it."""
        self.where = name
        interrupts.note_stage(name)
        self.progress(message)

    def timed(self, name: str, fn: F) -> F:
        def call(*args: Any) -> Any:
            self.where = name
            interrupts.note_stage(name)
            t0 = time.perf_counter()
            try:
                return self.stage(fn)(*args)
            except BaseException as exc:
                if not any(n.startswith(STAGE_NOTE) for n in getattr(exc, "__notes__", ())):
                    exc.add_note(f"{STAGE_NOTE}{name}")  # the command line says where
                raise
            finally:
                self.seconds[name] = time.perf_counter() - t0

        return call  # type: ignore[return-value]


def execute(
    settings: Settings,
    *,
    with_reports: bool = True,
    stage: Callable[[F], F] = _identity,
    progress: Progress = lambda message: None,
    flow_run_id: str | None = None,
    compared: Callable[[Changes], None] = lambda changes: None,
) -> RunSummary:
    """Run the pipeline: ingest, input checks, rules, validation, record, reports. Raises on
    failure (InputCheckFailed when the inputs cannot be used), after recording the failed run.
    compared: told the run's changes since the previous completed run (the flow's artifact).
    Interrupted (Ctrl-C, or SIGTERM under duaal.common.interrupts), it rolls back what the stage had
    not committed, records the run as interrupted and raises the interrupt."""
    config = load_rule_config(settings.rules)
    run_id = new_run_id(datetime.now())  # known before the database: a waiting run is named
    stages = _Stages(stage, progress, compared)
    con: duckdb.DuckDBPyConnection | None = None
    summary: RunSummary | None = None
    # a hard exit (a second Ctrl-C) happens in another thread: it takes the claim back too
    with interrupts.on_hard_exit(functools.partial(release, settings.db, run_id)):
        try:
            con = stages.timed("open", open_database)(settings, run_id, progress)
            with interrupts.on_interrupt(con.interrupt):  # a query stops at the signal
                close_abandoned_runs(con)
                stages.begin("ingest", "ingest: reading exports from " + str(settings.raw))
                ingested = stages.timed("ingest", ingest_stage)(con, settings)
                start_run(con, config, settings.as_of, flow_run_id, run_id=run_id)
                summary = RunSummary(
                    run_id=run_id,
                    as_of=settings.as_of,
                    files=ingested.files,
                    stage_seconds=stages.seconds,
                )
                # the Data Docs (none with --no-reports), written by the validation
                docs_dir = settings.reports / DOCS_FOLDER if with_reports else None
                going = _Recorded(con, settings, config, ingested, summary, stages, docs_dir)
                return _after_ingest(going)
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
                    stages.where,
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


@dataclass(frozen=True)
class _Recorded:
    """A run under way, recorded in `runs` once its inputs are ingested."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    config: RuleConfig
    ingested: Ingested
    summary: RunSummary
    stages: _Stages
    docs_dir: Path | None  # the Data Docs; None: no reports


def _after_ingest(run: _Recorded) -> RunSummary:
    """The stages of a recorded run, then its end: failed (recorded, and raised) or completed."""
    con, summary, docs_dir = run.con, run.summary, run.docs_dir
    try:
        _decide_and_report(run)
    except Exception as exc:
        if interrupts.signal_of(exc) is not None:
            raise  # DuckDB's word for an interrupt: recorded by execute
        error = f"{type(exc).__name__}: {exc}"
        finish_run(con, summary.run_id, "failed", error=error, warnings=summary.warnings)
        summary.status = "failed"
        if docs_dir is not None:
            show_outcome_in_docs(con, summary.run_id, docs_dir, exc)
        raise
    finish_run(con, summary.run_id, "completed", warnings=summary.warnings)
    summary.status = "completed"
    interrupts.note_completed(summary.run_id)
    if docs_dir is not None:
        show_outcome_in_docs(con, summary.run_id, docs_dir)
    summarise(con, summary)
    return summary


def _decide_and_report(run: _Recorded) -> None:
    """Checks, rules, validation, record, changes and (docs_dir set) the reports."""
    con, settings, config, summary, docs_dir = (
        run.con,
        run.settings,
        run.config,
        run.summary,
        run.docs_dir,
    )
    run_id, timed, begin = summary.run_id, run.stages.timed, run.stages.begin
    begin("checks", "checks: checking the inputs")
    summary.checks = timed("checks", checks_stage)(con, settings, config, run_id, run.ingested)
    if any(c.severity == "error" for c in summary.checks):
        raise InputCheckFailed(summary.checks)
    begin("rules", "rules: building models")
    # nothing changes the ingest tables between the checks and the rules
    if not timed("rules", rules_stage)(con, config, settings.as_of, CHECKED_MODELS, run_id):
        run.stages.progress(
            f"rules: the models run {models_built_by(con, run_id)} built are current (the "
            "same inputs, configuration, as_of and code): not built again"
        )
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
    run.stages.compared(compared)
    if docs_dir is None:
        return
    begin("reports", "reports: writing workbooks to " + str(settings.reports))
    summary.reports = timed("reports", reports_stage)(
        con, run_id, settings.reports, settings.school_years, settings.share_group, compared
    )
    summary.other_reports = other_runs(settings.reports, run_id)
    summary.kept_reports = kept_by(settings.reports, run_id)
