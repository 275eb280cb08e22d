"""The Prefect flow of a duaal run. It only wires: every stage is a plain function in
duaal/pipeline.py, made a task here; the order of the stages is `pipeline.execute`."""

from __future__ import annotations

import functools
import sys
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from duaal.db import DatabaseBusy
from duaal.pipeline import RunSummary, execute
from duaal.privacy import redact
from duaal.settings import Settings, load_settings
from flows.hooks import record_failure
from flows.summary import summary_markdown


def _retry_when_busy(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only a database that another run holds: that can pass, nothing else can."""
    try:
        state.result()
    except DatabaseBusy:
        return True
    except Exception:
        return False
    return False


def redacted_errors(fn: Any) -> Any:
    """The stage, its exceptions stripped of INSZ numbers and IBANs before Prefect stores
    their message in the task's state and logs (a failed mart check quotes rows)."""

    @functools.wraps(fn)
    def stage(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
            raise

    return stage


def as_task(fn: Any) -> Any:
    """A stage as a Prefect task: no caching (the inputs are a live database); retries
    only for opening the database; no personal data in its state (redacted_errors)."""
    name = fn.__name__.removesuffix("_stage")
    fn = redacted_errors(fn)
    if name == "open_database":
        return task(
            fn,
            name=name,
            cache_policy=NO_CACHE,
            retries=2,
            retry_delay_seconds=30,
            retry_condition_fn=_retry_when_busy,
        )
    return task(fn, name=name, cache_policy=NO_CACHE)


def progress(message: str) -> None:
    """A progress line on the terminal and in the flow run's log."""
    sys.stdout.write(f"duaal: {message}\n")
    sys.stdout.flush()
    get_run_logger().info(redact(message))


def publish(summary: RunSummary) -> None:
    """Artifacts of a run: a summary, the amounts per office, links to the outputs; counts,
    codes, offices, file names and run ids only (the warnings' examples are redacted)."""
    create_markdown_artifact(
        redact(summary_markdown(summary)), key="duaal-summary", description="duaal run summary"
    )
    create_table_artifact(
        [{"office": o, "amount_eur": a} for o, a in summary.amount_per_office.items()],
        key="duaal-amounts-per-office",
        description="premium amounts per office",
    )
    for path in summary.reports:
        create_link_artifact(path.resolve().as_uri(), link_text=path.name, description="workbook")
    if summary.docs_index:
        create_link_artifact(
            summary.docs_index.resolve().as_uri(),
            link_text="Data Docs",
            description="data quality report",
        )


@flow(name="duaal-pipeline", on_failure=[record_failure])
def pipeline_flow(
    raw: Path,
    db: Path,
    reports: Path,
    as_of: date | None = None,
    school_years: list[str] | None = None,
    with_reports: bool = True,
) -> dict[str, Any]:
    """Ingest, rules, validation and (optionally) reports, as one flow run."""
    settings = load_settings(
        raw=raw, db=db, reports=reports, as_of=as_of, school_years=school_years
    )
    summary = execute(
        settings,
        with_reports=with_reports,
        stage=as_task,
        progress=progress,
        flow_run_id=str(flow_run.get_id()),
    )
    publish(summary)
    return {"run_id": summary.run_id, "summary": summary}


def run_pipeline_flow(settings: Settings, with_reports: bool = True) -> RunSummary:
    """Run the flow for these settings (ephemeral API, or PREFECT_API_URL when set)."""
    result = pipeline_flow(
        raw=settings.raw,
        db=settings.db,
        reports=settings.reports,
        as_of=settings.as_of,
        school_years=list(settings.school_years),
        with_reports=with_reports,
    )
    return result["summary"]
