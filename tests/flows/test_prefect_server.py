"""Integration: a real Prefect server on loopback, `duaal run` against it, `duaal serve`
registering the scheduled deployments; checked through the Prefect client."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from uuid import UUID

import duckdb
import pytest

from sample.generate import generate

pytestmark = pytest.mark.prefect

BIN = Path(sys.executable).parent
AS_OF = date(2026, 11, 28)


def test_run_against_the_server_completes_with_artifacts(server, tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    api, env = server
    generate(tmp_path / "raw", agreements=80, seed=5, as_of=AS_OF)
    out = subprocess.run(
        [
            str(BIN / "duaal"),
            "run",
            "--raw",
            str(tmp_path / "raw"),
            "--db",
            str(tmp_path / "duaal.duckdb"),
            "--reports",
            str(tmp_path / "reports"),
            "--as-of",
            AS_OF.isoformat(),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # the sample is broken on purpose: some of its small files are over 5 % quarantined
    assert out.returncode == 4, out.stderr[-3000:]
    assert "completed with warnings" in out.stdout and "QUARANTINE_SHARE" in out.stdout
    assert "decisions:" in out.stdout and "reports:" in out.stdout
    assert out.stderr == "", "no Prefect log lines or tracebacks on the terminal"

    con = duckdb.connect(str(tmp_path / "duaal.duckdb"), read_only=True)
    ((flow_run_id,),) = con.execute("SELECT flow_run_id FROM runs").fetchall()
    con.close()
    with SyncPrefectClient(api) as client:
        # the server is shared by the session's server tests: this run is found by its id
        run = client.read_flow_run(UUID(flow_run_id))
        assert run.flow_id == client.read_flow_by_name("duaal-pipeline").id
        assert run.state.is_completed() and run.state.name == "Completed with warnings"
        artifacts = client.read_artifacts()
    mine = [a for a in artifacts if a.flow_run_id == run.id]
    keys = {a.key for a in mine if a.key}
    assert {"duaal-summary", "duaal-amounts-per-office"} <= keys
    (summary,) = [a.data for a in mine if a.key == "duaal-summary"]
    assert "completed with warnings" in summary and "QUARANTINE_SHARE" in summary


def test_serve_registers_the_scheduled_deployments(server, tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    api, env = server
    proc = subprocess.Popen(
        [str(BIN / "duaal"), "serve", "--db", str(tmp_path / "duaal.duckdb")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        deployments = []
        with SyncPrefectClient(api) as client:
            while time.monotonic() < deadline and len(deployments) < 2:
                assert proc.poll() is None, "duaal serve exited early"
                deployments = client.read_deployments()
                time.sleep(1)
            schedules = {
                d.name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]
                for d in deployments
            }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert schedules == {
        "duaal-ingest-validate": [("0 6 * * 1-5", "Europe/Brussels")],
        "duaal-monthly-reports": [("0 7 1 * *", "Europe/Brussels")],
    }
