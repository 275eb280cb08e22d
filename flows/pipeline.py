"""The Prefect flow of a duaal run. It only wires: every stage is a plain function in
duaal/run/pipeline.py, made a task here; the order of the stages is `pipeline.execute`.

Every setting a run uses (`duaal.settings.RUN_SETTINGS`) is a parameter of the flow, so
what the command line, the environment or the settings file said reaches the run whether
it runs in this process, under `duaal serve` or on a worker of a work pool.
"""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypedDict, TypeVar

from prefect import State, Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed

from duaal.common import interrupts
from duaal.common.privacy import redact
from duaal.common.settings import RUN_SETTINGS, Settings, load_settings
from duaal.history.changes import Changes, markdown_of
from duaal.run.pipeline import RunSummary, execute
from flows.hooks import notify, record_failure
from flows.summary import summary_markdown, warnings_message, write_out

WARNINGS_STATE = "Completed with warnings"

P = ParamSpec("P")
R = TypeVar("R")


class FlowResult(TypedDict):
    """What a flow run returns (as its state's data when it completed with warnings)."""

    run_id: str
    summary: RunSummary


def redacted_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """The stage, its exceptions stripped of INSZ numbers and IBANs before Prefect stores
    their message in the task's state and logs (a failed mart check quotes rows)."""

    @functools.wraps(fn)
    def stage(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
            raise

    return stage


def as_task(fn: Callable[P, R]) -> Task[P, R]:
    """A stage as a Prefect task: no caching (the inputs are a live database), no personal
    data in its state (redacted_errors) and no retries: a busy database is waited for inside
    `open_database`, lock_timeout_s in all."""
    return task(redacted_errors(fn), name=fn.__name__.removesuffix("_stage"), cache_policy=NO_CACHE)


def progress(message: str) -> None:
    """A progress line on the terminal (unless it is a closed pipe) and in the flow run's log."""
    write_out(f"duaal: {message}")
    get_run_logger().info(redact(message))


def publish(summary: RunSummary, changes: str | None = None, reports: Path | None = None) -> None:
    """Artifacts of a run: a summary, what changed since the previous run (changes: its
    markdown, redacted), the amounts per office, one table of the outputs; counts, codes,
    offices, file names and run ids only (INSZ numbers and IBANs are redacted)."""
    create_markdown_artifact(
        redact(summary_markdown(summary)), key="duaal-summary", description="duaal run summary"
    )
    if changes is not None:
        create_markdown_artifact(changes, key="duaal-changes", description="since the previous run")
    create_table_artifact(
        [{"office": o, "amount_eur": a} for o, a in summary.amount_per_office.items()],
        key="duaal-amounts-per-office",
        description="premium amounts per office",
    )
    create_table_artifact(
        output_rows(summary, reports),
        key="duaal-outputs",
        description="the run's workbooks and Data Docs",
    )


def output_rows(summary: RunSummary, reports: Path | None = None) -> list[dict[str, str]]:
    """One row per output of the run: what it is, the run whose bytes it holds (a workbook
    kept unchanged is an earlier run's), and where. One artifact, one API call: a link
    artifact per workbook cost some 40 calls a run (15 ms each on a warm server)."""
    writers = {e.workbook: e.run_id or "" for e in summary.kept_reports}
    rows = []
    for path in summary.reports:
        name = path.relative_to(reports).as_posix() if reports else path.name
        rows.append(
            {
                "output": name,
                "kind": "workbook",
                "written_by": writers.get(name, summary.run_id),
                "kept": "yes" if name in writers else "no",
                "uri": path.resolve().as_uri(),
            }
        )
    if summary.docs_index:
        rows.append(
            {
                "output": "Data Docs",
                "kind": "data quality report",
                "written_by": summary.run_id,
                "kept": "no",
                "uri": summary.docs_index.resolve().as_uri(),
            }
        )
    return rows


@flow(name="duaal-pipeline", on_failure=[record_failure])
def pipeline_flow(
    raw: Path,
    db: Path,
    reports: Path,
    rules: Path | None = None,
    aliases: Path | None = None,
    as_of: date | None = None,
    school_years: list[str] | None = None,
    lock_timeout_s: float | None = None,
    notify_block: str | None = None,
    max_export_age_days: int | None = None,
    max_volume_drop: float | None = None,
    max_quarantine_share: float | None = None,
    share_group: str | None = None,
    with_reports: bool = True,
) -> FlowResult | State:
    """Ingest, input checks, rules, validation and (optionally) reports, as one flow run.
    A parameter left out takes the settings file, the environment, then the default."""
    given = {name: value for name, value in locals().items() if name in RUN_SETTINGS}
    settings = load_settings(**{**given, "school_years": school_years or None})
    # Prefect's SIGTERM handler raises its TerminationSignal; DuckDB would turn that into an
    # error of its own during a query, so the run must see the signal first (it then
    # raises Prefect's exception all the same)
    changes: list[str] = []  # the run's own comparison, as the artifact shows it

    def compared(since_previous: Changes) -> None:
        changes.append(redact(markdown_of(since_previous)))

    with interrupts.in_front():
        summary = execute(
            settings,
            with_reports=with_reports,
            stage=as_task,
            progress=progress,
            flow_run_id=str(flow_run.get_id()),
            compared=compared,
        )
    publish(summary, changes[-1] if changes else None, settings.reports)
    result: FlowResult = {"run_id": summary.run_id, "summary": summary}
    if summary.warnings:
        message = redact(warnings_message(summary))
        get_run_logger().warning(message)
        notify(message, settings.notify_block, subject="duaal: run completed with warnings")
        return Completed(name=WARNINGS_STATE, message=message, data=result)
    return result


def flow_parameters(settings: Settings, *, with_reports: bool = True) -> dict[str, Any]:
    """The flow's parameters for these settings: every setting a run uses, as given."""
    params: dict[str, Any] = {name: getattr(settings, name) for name in RUN_SETTINGS}
    params["school_years"] = list(settings.school_years)
    params["with_reports"] = with_reports
    return params


def start_temporary_server() -> None:
    """Without PREFECT_API_URL, start Prefect's temporary API server now, from a thread that
    holds SIGINT back: the server is born with it held back too. A Ctrl-C in the terminal
    goes to every process of the foreground group; the server would stop under the flow
    run, whose last states and logs then wait on a closed port (retried for minutes). So it
    stays up until Prefect stops it at exit (with SIGTERM); the main thread waits for it
    with SIGINT open, so a Ctrl-C meanwhile still interrupts the run."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    failed: list[Exception] = []

    def start() -> None:
        try:
            with get_client(sync_client=True):  # starts the server, once for the process
                pass
        except Exception as exc:  # noqa: BLE001 - raised again in the main thread
            failed.append(exc)

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        thread = threading.Thread(target=start, name="prefect-server", daemon=True)
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    thread.join()
    if failed:
        raise failed[0]


def heartbeats_unless_configured() -> dict[str, Any]:
    """The settings a flow run in this process (`duaal run`, `duaal demo`) runs with: no
    flow run heartbeats unless the Prefect profile or environment sets their frequency.

    Prefect's heartbeat thread sleeps in whole seconds and the flow run waits for it at its
    end: 0 to 1 s (0.5 s on average) added to every run, a tenth of a run with nothing to
    do. A heartbeat lets an automation mark a flow run that stopped beating as crashed;
    duaal configures none, and a run killed at the terminal is closed by the next run
    (`close_abandoned_runs`). Who has such an automation sets
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY (`prefect config set`), and the runs beat again;
    deployments (`duaal serve`, workers) are not changed."""
    from prefect.settings import get_current_settings

    if "heartbeat_frequency" in get_current_settings().flows.model_fields_set:
        return {}
    return {"flows.heartbeat_frequency": None}


def run_pipeline_flow(settings: Settings, with_reports: bool = True) -> RunSummary:
    """Run the flow for these settings (ephemeral API, or PREFECT_API_URL when set)."""
    from prefect.settings import temporary_settings

    start_temporary_server()
    with temporary_settings(updates=heartbeats_unless_configured()):
        result = pipeline_flow(**flow_parameters(settings, with_reports=with_reports))
    return result["summary"]
