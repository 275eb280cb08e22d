"""A command run as a terminal runs it, for the tests of Ctrl-C, SIGTERM and closed pipes:
in a session of its own (its own process group, which a signal reaches whole, workers and
Prefect's temporary server included), its output read line by line as it comes."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGE_TIMEOUT_S = 240  # for a run to reach its stage on a busy machine
END_S = 10.0  # issue 19: from the signal to the end of the process


@dataclass
class Ended:
    """How a command ended."""

    code: int
    seconds: float  # from the signal (or the start) to the end of the process
    stdout: list[str]
    stderr: list[str]


class Group:
    """A command in a new session; stdout and stderr read as they come."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.started = time.monotonic()
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.errors), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, into: list[str]) -> None:  # noqa: ANN001
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait_for(self, text: str) -> None:
        """Until a line of stdout holds `text`."""
        deadline = time.monotonic() + STAGE_TIMEOUT_S
        while not any(text in line for line in self.lines):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"never printed {text!r}: {self.lines} {self.errors}")
            time.sleep(0.02)

    def signal(self, signum: int) -> float:
        """Signal the whole group, as a terminal does; returns when."""
        os.killpg(self.proc.pid, signum)
        return time.monotonic()

    def ended(self, since: float, timeout_s: float = END_S + 20) -> Ended:
        """Wait for the end; the seconds it took since `since`."""
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"still running {timeout_s} s on: {self.lines[-3:]} {self.errors}")
        seconds = time.monotonic() - since
        for reader in self._readers:
            reader.join(5)
        return Ended(self.proc.returncode, seconds, self.lines, self.errors)

    def group_left(self) -> bool:
        """Whether any process of the group is still there after a second or two."""
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return False
            time.sleep(0.05)
        return True

    def kill(self) -> None:
        """End whatever is left of the group."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def interrupted_line(stage: str) -> str:
    """The one line `duaal run` says when interrupted in a stage of its own."""
    return f"duaal run: interrupted in stage {stage}; nothing half-written; run again"


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
