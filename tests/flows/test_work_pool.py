"""Integration: `duaal deploy --pool NAME` on a real Prefect server on loopback, a worker
started as its own process in a folder of its own, a deployment run triggered and completed;
and the refusals of `duaal deploy` (no `--pool`, a flag it would drop, no server, a pool of
another type)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cli.main import EXIT_FAILED, EXIT_USAGE, main
from sample.generate import generate

pytestmark = pytest.mark.prefect

BIN = Path(sys.executable).parent
POOL = "duaal-test-pool"
INGEST, REPORTS = "duaal-ingest-validate", "duaal-monthly-reports"
PROJECT = Path(__file__).resolve().parents[2]
RULES = PROJECT / "transforms" / "rules.toml"
ALIASES = PROJECT / "transforms" / "header_aliases.toml"


def _deploy(env: dict[str, str], *flags: str) -> subprocess.CompletedProcess:
    """`duaal deploy --pool POOL FLAGS`, the real command line."""
    return subprocess.run(
        [str(BIN / "duaal"), "deploy", "--pool", POOL, *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _wait_final(client, flow_run_id, worker: subprocess.Popen, timeout_s: float = 180):
    """The flow run once it reached a final state; fails when the worker dies or time is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = client.read_flow_run(flow_run_id)
        if run.state is not None and run.state.is_final():
            return run
        assert worker.poll() is None, f"the worker exited early with {worker.returncode}"
        time.sleep(1)
    raise TimeoutError(f"flow run {flow_run_id} not finished after {timeout_s} s")


def test_a_worker_runs_the_deployment_registered_on_the_pool(server, spawn, tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    api, env = server
    raw, db, reports = tmp_path / "raw", tmp_path / "duaal.duckdb", tmp_path / "reports"
    generate(raw, agreements=30, seed=9, as_of=date.today())
    first = _deploy(env, "--raw", str(tmp_path / "old-raw"), "--db", str(db))
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"work pool '{POOL}' (process, created) on {api}" in first.stdout
    # Again after a change of settings: the pool is kept, the deployments are updated.
    out = _deploy(env, "--raw", str(raw), "--db", str(db), "--reports", str(reports))
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.splitlines()[:4] == [
        f"work pool '{POOL}' (process, already present) on {api}",
        f"  deployment duaal-pipeline/{INGEST}",
        "    schedule  0 6 * * 1-5 (Europe/Brussels)",
        f"    parameters  raw={raw}, db={db}, reports={reports}, rules={RULES}, "
        f"aliases={ALIASES}, school_years=[], lock_timeout_s=60.0, notify_block=, "
        "max_export_age_days=35, max_volume_drop=0.1, max_quarantine_share=0.05, "
        "share_group=, with_reports=False",
    ]
    assert f"deployment duaal-pipeline/{REPORTS}" in out.stdout
    assert out.stdout.splitlines()[-1] == (
        f"  PREFECT_API_URL={api} .venv/bin/prefect worker start --pool {POOL}"
    )

    with SyncPrefectClient(api) as client:
        assert client.read_work_pool(POOL).type == "process", "the pool is of type process"
        deployments = {d.name: d for d in client.read_deployments()}
        assert {
            name: (d.work_pool_name, [(s.schedule.cron, s.schedule.timezone) for s in d.schedules])
            for name, d in deployments.items()
        } == {
            INGEST: (POOL, [("0 6 * * 1-5", "Europe/Brussels")]),
            REPORTS: (POOL, [("0 7 1 * *", "Europe/Brussels")]),
        }
        ingest = deployments[INGEST]
        assert ingest.parameters == {
            "raw": str(raw),
            "db": str(db),
            "reports": str(reports),
            "rules": str(RULES),
            "aliases": str(ALIASES),
            "school_years": [],
            "lock_timeout_s": 60.0,
            "notify_block": "",
            "max_export_age_days": 35,
            "max_volume_drop": 0.1,
            "max_quarantine_share": 0.05,
            "share_group": "",
            "with_reports": False,
        }, "every run setting but as_of: a scheduled run judges as on the day it runs"
        flow_run = client.create_flow_run_from_deployment(ingest.id)

        # A worker as its own process, as on another machine: its own Prefect home, started
        # in a folder that is not the project's.
        elsewhere = tmp_path / "worker"
        elsewhere.mkdir()
        worker_env = {**env, "PREFECT_HOME": str(elsewhere), "PREFECT_WORKER_QUERY_SECONDS": "2"}
        worker = spawn(
            [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--limit", "1"],
            env=worker_env,
            cwd=elsewhere,
            log=tmp_path / "worker.log",
        )
        done = _wait_final(client, flow_run.id, worker)
    log = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert done.state.is_completed(), f"{done.state.type}: {log[-3000:]}"

    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.execute("SELECT flow_run_id, status FROM runs").fetchall()
    finally:
        con.close()
    assert runs == [(str(flow_run.id), "completed")], "one completed run, by that flow run"


def test_deploy_without_a_pool_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["deploy"])
    assert exited.value.code == EXIT_USAGE
    assert "the following arguments are required: --pool" in capsys.readouterr().err


def test_deploy_refuses_a_fixed_as_of(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["deploy", "--pool", POOL, "--as-of", "2025-01-31"])
    assert exited.value.code == EXIT_USAGE
    assert "unrecognized arguments: --as-of 2025-01-31" in capsys.readouterr().err


def _deploy_without_server(tmp_path: Path, api_url: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path)  # no profile that names a server
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return subprocess.run(
        [str(BIN / "duaal"), "deploy", "--pool", POOL, "--db", str(tmp_path / "duaal.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_without_prefect_api_url_says_a_server_is_needed(tmp_path):
    out = _deploy_without_server(tmp_path, None)
    assert out.returncode == EXIT_FAILED, out.stderr
    assert out.stderr == (
        "duaal deploy: PREFECT_API_URL is not set: a work pool lives on a Prefect server. "
        "Start one (`.venv/bin/prefect server start`) and set PREFECT_API_URL, e.g. "
        "export PREFECT_API_URL=http://127.0.0.1:4200/api\n"
    )


def test_deploy_to_a_server_that_does_not_answer_names_the_url(tmp_path):
    with socket.socket() as s:  # a port nobody listens on once it is closed
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/api"
    out = _deploy_without_server(tmp_path, url)
    assert out.returncode == EXIT_FAILED, out.stderr
    assert out.stderr == (
        f"duaal deploy: no Prefect server answers at PREFECT_API_URL={url} (ConnectError): "
        "start it (`.venv/bin/prefect server start`) or correct PREFECT_API_URL\n"
    )


def test_deploy_refuses_a_pool_of_another_type(server, tmp_path):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.actions import WorkPoolCreate

    api, env = server
    with SyncPrefectClient(api) as client:
        client.create_work_pool(WorkPoolCreate(name="duaal-docker", type="docker"))
    out = subprocess.run(
        [str(BIN / "duaal"), "deploy", "--pool", "duaal-docker"]
        + ["--db", str(tmp_path / "duaal.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == EXIT_FAILED, out.stderr
    assert out.stderr == (
        "duaal deploy: work pool 'duaal-docker' is of type 'docker', not 'process': its "
        "workers would not run the project's code; choose another pool name\n"
    )
