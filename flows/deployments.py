"""The scheduled deployments: ingest and validation every working day, the full reports
monthly (cron and timezone from the settings). `duaal serve` runs them in its own process;
`duaal deploy --pool NAME` registers them on a Prefect work pool for workers elsewhere."""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from prefect import serve
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from duaal.common.settings import Settings
from flows.pipeline import flow_parameters, pipeline_flow

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.deployments.runner import RunnerDeployment

INGEST_DEPLOYMENT = "duaal-ingest-validate"
REPORTS_DEPLOYMENT = "duaal-monthly-reports"


def deployment_parameters(settings: Settings, *, with_reports: bool) -> dict[str, Any]:
    """The flow parameters of a scheduled run, the one place both `serve` and `deploy` take
    them from: every run setting, as JSON, except as_of (a scheduled run judges as on the
    day it runs)."""
    params = flow_parameters(settings, with_reports=with_reports)
    del params["as_of"]
    return {k: str(v) if isinstance(v, Path) else v for k, v in params.items()}


def build_deployments(
    settings: Settings, entrypoint_type: EntrypointType = EntrypointType.FILE_PATH
) -> list[RunnerDeployment]:
    """The two deployments, with their cron schedules and parameters."""
    kinds = (
        (INGEST_DEPLOYMENT, settings.ingest_cron, False, "ingest"),
        (REPORTS_DEPLOYMENT, settings.reports_cron, True, "reports"),
    )
    descriptions = {
        INGEST_DEPLOYMENT: "Ingest the new exports, decide, validate (working days).",
        REPORTS_DEPLOYMENT: "The whole pipeline with the Excel reports (monthly).",
    }
    return [
        pipeline_flow.to_deployment(
            name=name,
            schedules=[Cron(cron, timezone=settings.timezone)],
            parameters=deployment_parameters(settings, with_reports=with_reports),
            description=descriptions[name],
            tags=["duaal", tag],
            entrypoint_type=entrypoint_type,
        )
        for name, cron, with_reports, tag in kinds
    ]


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


def current_api_url() -> str | None:
    """The Prefect API this process talks to: PREFECT_API_URL from the Prefect profile or the
    environment (read again: Prefect reads its settings once, when it is imported)."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or os.environ.get("PREFECT_API_URL") or None


def warn_if_insecure_api() -> str | None:
    """Print insecure_api_warning for the API this process talks to (PREFECT_API_URL, from
    the environment or the Prefect profile); `duaal serve` and `duaal deploy` call it."""
    message = insecure_api_warning(current_api_url())
    if message:
        print(f"duaal: {message}", file=sys.stderr)
    return message


def temporary_server_notice(api_url: str | None, prefect_home: Path) -> str | None:
    """What `duaal serve` says before it serves without a Prefect server (no API URL): that
    Prefect serves on a temporary server no one can open, that the runs are recorded all the
    same, and how to get a UI. None when an API URL is set."""
    if api_url:
        return None
    return (
        "duaal serve: no Prefect server is set (PREFECT_API_URL), so Prefect serves the "
        "schedules on a temporary server inside this process, without a UI: no one can watch "
        "the runs while they happen, and the schedules stop when this command stops.\n"
        "Every run is still recorded in the database: `duaal runs` lists them (and a Prefect "
        f"server started later on the Prefect home {prefect_home} shows their flow runs).\n"
        "For the Prefect UI, start a server and serve against it:\n"
        "  .venv/bin/prefect server start --host 127.0.0.1   # another terminal; UI at "
        "http://127.0.0.1:4200\n"
        "  PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/duaal serve"
    )


def serve_deployments(settings: Settings) -> None:
    """Register the deployments with the Prefect API and run them on schedule; without a
    Prefect server, say first what that means (temporary_server_notice)."""
    from prefect.settings import get_current_settings

    warn_if_insecure_api()
    notice = temporary_server_notice(current_api_url(), get_current_settings().home)
    if notice:
        print(notice, file=sys.stderr, flush=True)
    serve(*build_deployments(settings))


POOL_TYPE = "process"


class DeployRefused(RuntimeError):
    """The deployments cannot be registered: no Prefect server, or a pool of another type."""


@dataclass(frozen=True)
class PoolDeployment:
    """What `deploy_to_pool` registered: the pool, whether it was created, the deployments."""

    api_url: str
    pool: str
    pool_created: bool
    deployments: list[RunnerDeployment]


def prefect_api_url() -> str:
    """The Prefect API that deployments are registered with; a server must answer there."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        raise DeployRefused(
            "PREFECT_API_URL is not set: a work pool lives on a Prefect server. Start one "
            "(`.venv/bin/prefect server start`) and set PREFECT_API_URL, e.g. "
            "export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    with get_client(sync_client=True) as client:
        error = client.api_healthcheck()
    if error is not None:
        raise DeployRefused(
            f"no Prefect server answers at PREFECT_API_URL={url} ({type(error).__name__}): "
            "start it (`.venv/bin/prefect server start`) or correct PREFECT_API_URL"
        )
    return url


def ensure_process_pool(client: SyncPrefectClient, name: str) -> bool:
    """Create the work pool `name` of type process when absent; True when it was created."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        pool = client.read_work_pool(name)
    except ObjectNotFound:
        client.create_work_pool(
            WorkPoolCreate(
                name=name,
                type=POOL_TYPE,
                base_job_template=ProcessWorker.get_default_base_job_template(),
                description="duaal: runs the scheduled pipeline on machines that have the project",
            )
        )
        return True
    if pool.type != POOL_TYPE:
        raise DeployRefused(
            f"work pool {name!r} is of type {pool.type!r}, not {POOL_TYPE!r}: its workers "
            "would not run the project's code; choose another pool name"
        )
    return False


def deploy_to_pool(settings: Settings, pool: str) -> PoolDeployment:
    """Register the scheduled deployments on a process work pool, creating it when absent.

    The entrypoint is the module path `flows.pipeline.pipeline_flow`, not a file path
    relative to the folder `deploy` ran in: a process worker runs each flow run in a fresh
    temporary folder with its own Python, so the flow is found wherever the project is
    installed (`make install`) and the worker started with the project's `.venv/bin/prefect`.
    """
    from prefect.client.orchestration import get_client

    url = prefect_api_url()
    warn_if_insecure_api()
    with get_client(sync_client=True) as client:
        created = ensure_process_pool(client, pool)
    deployments = build_deployments(settings, entrypoint_type=EntrypointType.MODULE_PATH)
    for deployment in deployments:
        deployment.apply(work_pool_name=pool)
    return PoolDeployment(api_url=url, pool=pool, pool_created=created, deployments=deployments)


def describe_pool_deployment(result: PoolDeployment) -> str:
    """The terminal report of `duaal deploy`: pool, deployments, schedules, worker command."""
    state = "created" if result.pool_created else "already present"
    lines = [f"work pool {result.pool!r} ({POOL_TYPE}, {state}) on {result.api_url}"]
    for d in result.deployments:
        lines.append(f"  deployment {d.flow_name}/{d.name}")
        for s in d.schedules:
            lines.append(f"    schedule  {s.schedule.cron} ({s.schedule.timezone})")
        params = ", ".join(f"{k}={v}" for k, v in d.parameters.items())
        lines.append(f"    parameters  {params}")
    lines += [
        "start a worker on any machine that has the project (make install):",
        f"  PREFECT_API_URL={result.api_url} .venv/bin/prefect worker start --pool {result.pool}",
    ]
    return "\n".join(lines)
