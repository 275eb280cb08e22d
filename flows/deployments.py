"""The scheduled deployments `duaal serve` registers: ingest and validation every working
day, the full reports monthly (cron and timezone from the settings)."""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any
from urllib.parse import urlsplit

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


def insecure_api_warning(api_url: str | None) -> str | None:
    """A warning when the Prefect API is reached over plain HTTP on a host other than this
    machine's loopback: run names, parameters, logs and the API auth string would cross
    the network unencrypted. None when the URL is https, loopback or unset (ephemeral)."""
    if not api_url:
        return None
    parts = urlsplit(api_url)
    if parts.scheme.lower() != "http":
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass  # a host name: not known to be this machine
    return (
        f"warning: the Prefect API {api_url} is plain HTTP to another host: flow runs, "
        "logs and the API auth string cross the network unencrypted. Put the server behind "
        "a reverse proxy with TLS and use its https:// URL (README, the Prefect server)."
    )


def warn_if_insecure_api() -> str | None:
    """Print insecure_api_warning for the API this process talks to (PREFECT_API_URL, from
    the environment or the Prefect profile); `duaal serve` and `duaal deploy` call it."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url or os.environ.get("PREFECT_API_URL")
    message = insecure_api_warning(url)
    if message:
        print(f"duaal: {message}", file=sys.stderr)
    return message


def serve_deployments(settings: Settings) -> None:
    """Register the deployments with the Prefect API and run them on schedule."""
    warn_if_insecure_api()
    serve(*build_deployments(settings))
