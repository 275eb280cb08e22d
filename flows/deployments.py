"""The scheduled deployments `duaal serve` registers: ingest and validation every working
day, the full reports monthly (cron and timezone from the settings)."""

from __future__ import annotations

from typing import Any

from prefect import serve
from prefect.schedules import Cron

from duaal.settings import Settings
from flows.pipeline import pipeline_flow

INGEST_DEPLOYMENT = "duaal-ingest-validate"
REPORTS_DEPLOYMENT = "duaal-monthly-reports"


def build_deployments(settings: Settings) -> list[Any]:
    """The two deployments, with their cron schedules and parameters."""
    common = {"raw": str(settings.raw), "db": str(settings.db), "reports": str(settings.reports)}
    ingest = pipeline_flow.to_deployment(
        name=INGEST_DEPLOYMENT,
        schedules=[Cron(settings.ingest_cron, timezone=settings.timezone)],
        parameters={**common, "with_reports": False},
        description="Ingest the new exports, decide, validate (working days).",
        tags=["duaal", "ingest"],
    )
    reports = pipeline_flow.to_deployment(
        name=REPORTS_DEPLOYMENT,
        schedules=[Cron(settings.reports_cron, timezone=settings.timezone)],
        parameters={**common, "with_reports": True},
        description="The whole pipeline with the Excel reports (monthly).",
        tags=["duaal", "reports"],
    )
    return [ingest, reports]


def serve_deployments(settings: Settings) -> None:
    """Register the deployments with the Prefect API and run them on schedule."""
    serve(*build_deployments(settings))
