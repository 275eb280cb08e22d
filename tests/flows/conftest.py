"""A real Prefect server on loopback for the integration tests of this folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server at {url} not healthy after {timeout_s} s")


def _stop(proc: subprocess.Popen, timeout_s: float = 20) -> None:
    """Terminate a process a test started; kill it when it does not stop in time."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A Prefect server on 127.0.0.1 with its own home, one for the session (a start costs
    seconds): the tests that use it find their own runs by id, never by counting them;
    yields (api_url, env)."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(api, proc)
        yield api, {**env, "PREFECT_API_URL": api}
    finally:
        _stop(proc)
        log.close()


@pytest.fixture
def spawn():
    """Start a command as its own process, output to a log file; every process started
    this way is stopped when the test ends, whatever its outcome."""
    started: list[tuple[subprocess.Popen, object]] = []

    def start(args: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
        out = log.open("w")
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        started.append((proc, out))
        return proc

    try:
        yield start
    finally:
        for proc, out in started:
            _stop(proc)
            out.close()
