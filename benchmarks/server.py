"""A Prefect server kept running for a sitting (`prefect server start`), as an analyst who
runs often may keep one: `duaal run` then talks to it through PREFECT_API_URL."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.measure import BenchError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(out_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """`prefect server start` on loopback with a home of its own; the process and API URL."""
    home = out_dir / "prefect-server-home"
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    server_env = {**env, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false"}
    server_env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"prefect server exited with {proc.returncode}: see {log.name}")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as answer:
                if answer.status == 200:
                    return proc, api
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise BenchError(f"prefect server at {api} did not answer within 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server this benchmark started."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
