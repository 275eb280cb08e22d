"""A run killed in the middle of a file, and two runs at once on one database (issue 6).

Both need other processes: a SIGKILL must hit a real process (tests/hostile/worker.py),
and DuckDB's lock is per process (connections within one process share the file), so the
two runs are forked children.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb

from duaal.common.db import DatabaseBusy, connect
from duaal.history.audit import audit
from duaal.run.pipeline import execute
from tests.hostile.sample import CleanRun, settings_for
from transforms.loading import ingest
from transforms.raw_folder import export_files
from transforms.sources import SOURCES

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT_S = 120  # a worker still alive by then is killed and the test fails


def start_worker(raw: Path, db: Path, log: Path) -> subprocess.Popen:
    """Start tests/hostile/worker.py in its own process; stderr goes to a log file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile.worker", str(raw), str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    timer = threading.Timer(WORKER_TIMEOUT_S, proc.kill)
    timer.daemon = True
    timer.start()
    return proc


def table_contents(db: Path) -> dict[str, list[tuple]]:
    """Every row of the tables a file writes to (without paths and load times)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        contents = {
            "load_batches": con.execute(
                "SELECT batch_id, source, file_name, sha256, sheet_name, status, reason, "
                "rows_read, rows_accepted, rows_quarantined, rows_blank FROM load_batches "
                "ORDER BY ALL"
            ).fetchall(),
            "quarantine": con.execute("SELECT * FROM quarantine ORDER BY ALL").fetchall(),
        }
        for source in SOURCES:
            contents[source.table] = con.execute(
                f"SELECT * FROM {source.table} ORDER BY ALL"
            ).fetchall()
        return contents
    finally:
        con.close()


def test_a_kill_in_the_middle_of_a_file_leaves_the_database_as_before_it(
    clean_run: CleanRun, tmp_path: Path
):
    first, second = export_files(clean_run.raw / SOURCES[0].folder)[:2]
    db = tmp_path / "killed.duckdb"
    worker = start_worker(clean_run.raw, db, tmp_path / "hang.log")
    try:
        line = worker.stdout.readline()
        assert line == f"HANGING {second.name}\n", (tmp_path / "hang.log").read_text()
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    assert worker.returncode == -signal.SIGKILL

    # what the database held after the first file and before the second
    before_raw = tmp_path / "only_first" / SOURCES[0].folder
    before_raw.mkdir(parents=True)
    shutil.copy(first, before_raw / first.name)
    before_db = tmp_path / "before.duckdb"
    con = connect(before_db)
    (outcome,) = ingest(con, before_raw.parent)
    con.close()
    assert (outcome.file_name, outcome.status, outcome.batch_id) == (first.name, "loaded", 1)

    after_kill = table_contents(db)
    assert after_kill == table_contents(before_db)
    assert len(after_kill[SOURCES[0].table]) == outcome.rows_accepted > 0

    resumed = execute(settings_for(clean_run.raw, db), with_reports=False)
    assert resumed.status == "completed"
    statuses = [(f.file_name, f.status) for f in resumed.files]
    assert statuses == [
        (f.file_name, "skipped" if f.file_name == first.name else "loaded")
        for f in clean_run.summary.files
    ]
    assert resumed.digests == clean_run.summary.digests, "same outputs as without the kill"


def run_in_child(raw: Path, db: Path, out: Path) -> None:
    """One whole run in a forked child; writes COMPLETED <json> or BUSY <message> to out."""
    try:
        summary = execute(settings_for(raw, db), with_reports=False)
    except DatabaseBusy as exc:
        out.write_text(f"BUSY {exc}")
        sys.exit(3)
    result = {"status": summary.status, "run_id": summary.run_id, "digests": summary.digests}
    out.write_text(f"COMPLETED {json.dumps(result)}")


def test_two_runs_at_once_both_end_well_or_the_second_is_told_it_is_busy(
    clean_run: CleanRun, tmp_path: Path
):
    # forked children inherit the libraries the clean run imported (Great Expectations
    # alone takes seconds); each opens the database itself, so DuckDB's file lock is real
    db = tmp_path / "shared.duckdb"
    fork = multiprocessing.get_context("fork")
    outs = [tmp_path / f"run{i}.txt" for i in (1, 2)]
    children = [fork.Process(target=run_in_child, args=(clean_run.raw, db, o)) for o in outs]
    for child in children:
        child.start()
    for child in children:
        child.join(WORKER_TIMEOUT_S)
        if child.is_alive():
            child.kill()
    lines = [
        o.read_text() if o.exists() else f"no result, exit {c.exitcode}"
        for o, c in zip(outs, children, strict=True)
    ]
    codes = [c.exitcode for c in children]

    completed = [
        json.loads(line.removeprefix("COMPLETED "))
        for line in lines
        if line.startswith("COMPLETED ")
    ]
    busy = [line for line in lines if line.startswith("BUSY ")]
    assert (len(completed), len(busy)) in ((2, 0), (1, 1)), lines
    assert sorted(codes) == sorted([0] * len(completed) + [3] * len(busy))
    assert busy in (
        [],
        [
            f"BUSY the database {db} is in use by another duaal run (waited 60 s); "
            "try again when it has finished"
        ],
    )
    for result in completed:
        assert result["status"] == "completed"
        assert result["digests"] == clean_run.summary.digests

    # intact: each file loaded once, the runs one after the other, each audit identical
    con = duckdb.connect(str(db), read_only=True)
    loaded = con.execute(
        "SELECT file_name, count(*) FROM load_batches WHERE status = 'loaded' "
        "GROUP BY file_name ORDER BY file_name"
    ).fetchall()
    runs = con.execute(
        "SELECT run_id, status, started_at, finished_at FROM runs ORDER BY started_at"
    ).fetchall()
    con.close()
    assert loaded == sorted((f.file_name, 1) for f in clean_run.summary.files)
    assert sorted(r[0] for r in runs) == sorted(r["run_id"] for r in completed)
    assert {r[1] for r in runs} == {"completed"}
    if len(runs) == 2:
        assert runs[1][2] >= runs[0][3], "the second run started after the first had finished"
    for run_id, *_ in runs:
        result = audit(db, run_id, validate=False)
        assert result.identical, (run_id, result.decision_differences)
