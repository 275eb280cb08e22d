"""The DuckDB database: opening it safely (the tables that are not models: transforms.schema).

DuckDB allows one writing process per file. `connect` waits a bounded time for a database
that another run holds and then stops with `DatabaseBusy`, a clear message; it never
opens a second writer.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from duaal.common.privacy import make_private_dir, restrict_existing, restrict_umask
from transforms.schema import ensure_schema


class DatabaseBusy(RuntimeError):
    """Another process holds the database file."""


T = TypeVar("T")


Waiting = Callable[[str], None]  # told once, when a run starts to wait for the database


def owner_file(path: Path) -> Path:
    """The file beside the database that names the run holding it for writing."""
    return path.with_name(path.name + ".owner")


def claim(path: Path, run_id: str) -> None:
    """Say which run holds the database (read by a run that has to wait for it)."""
    owner_file(path).write_text(
        json.dumps({"run_id": run_id, "pid": os.getpid()}), encoding="utf-8"
    )


def release(path: Path, run_id: str) -> None:
    """Take back the claim of a run, if it is still that run's."""
    with suppress(OSError, ValueError):
        if json.loads(owner_file(path).read_text(encoding="utf-8")).get("run_id") == run_id:
            owner_file(path).unlink()


_LOCK_PID = re.compile(r"PID (\d+)")


def holder(path: Path, error: str) -> str:
    """Who holds the database, as far as can be told: the run id (from the claim) and the
    process id (from DuckDB's message)."""
    pid = _LOCK_PID.search(error)
    run_id = None
    with suppress(OSError, ValueError):
        owner = json.loads(owner_file(path).read_text(encoding="utf-8"))
        if pid is None or str(owner.get("pid")) == pid[1]:
            run_id = owner.get("run_id")
    if run_id and pid:
        return f"run {run_id} (process {pid[1]})"
    if pid:
        return f"another process ({pid[1]})"
    return "another duaal run"


def retry_locked(
    action: Callable[[], T], path: Path, timeout_s: float, on_wait: Waiting | None = None
) -> T:
    """Run action (which opens the database file), retrying while another process holds
    its lock; after timeout_s in total raise DatabaseBusy."""
    deadline = time.monotonic() + timeout_s
    delay = 0.1
    told = False
    while True:
        try:
            return action()
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            who = holder(path, str(exc))
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"the database {path} is in use by {who} (waited {timeout_s:g} s); "
                    "try again when it has finished, or raise lock_timeout_s"
                ) from exc
            if on_wait is not None and not told:
                on_wait(f"the database {path} is in use by {who}; waiting up to {timeout_s:g} s")
                told = True
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.01)))
            delay = min(delay * 2, 2.0)


def connect(
    path: Path,
    *,
    read_only: bool = False,
    timeout_s: float = 60.0,
    on_wait: Waiting | None = None,
    share_group: str = "",
) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting up to timeout_s while another process holds its lock.

    Opened for writing, the database holds personal data: the process umask becomes
    private (or shared with `share_group`) before DuckDB creates the file, and stays so,
    since DuckDB creates the WAL again at any later write (duaal.common.privacy)."""
    if not read_only:
        restrict_umask(share_group)
        make_private_dir(path.parent, share_group)
        for existing in (path, path.with_name(path.name + ".wal")):
            restrict_existing(existing, share_group)
    elif not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `duaal run` first")
    con = retry_locked(
        lambda: duckdb.connect(str(path), read_only=read_only), path, timeout_s, on_wait
    )
    if not read_only:
        ensure_schema(con)
    return con


def attach_read_only(path: Path, *, timeout_s: float = 60.0) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the file attached read-only as `src`."""
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `duaal run` first")
    con = duckdb.connect()
    literal = str(path).replace("'", "''")
    retry_locked(lambda: con.execute(f"ATTACH '{literal}' AS src (READ_ONLY)"), path, timeout_s)
    return con


def run_record(
    con: duckdb.DuckDBPyConnection, run_id: str, *, table: str = "runs"
) -> dict[str, Any] | None:
    """A run's row of the run history by column name (table `runs`, or `src.runs` of a
    database attached read-only); None when there is no such run."""
    cursor = con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def completed_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    error: type[Exception],
    *,
    table: str = "runs",
    where: str = "the database",
    otherwise: str = "",
) -> dict[str, Any]:
    """The row of a run that completed (run_record); `error` when there is no such run in
    `where`, or it did not complete (the message then ends with `otherwise`)."""
    run = run_record(con, run_id, table=table)
    if run is None:
        raise error(f"no run {run_id!r} in {where}")
    if run["status"] != "completed":
        suffix = f": {otherwise}" if otherwise else ""
        raise error(f"run {run_id} did not complete (status {run['status']}){suffix}")
    return run
