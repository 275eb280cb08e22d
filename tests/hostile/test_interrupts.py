"""Ctrl-C and SIGTERM in every stage of a run (issue 19): the run ends within seconds with
one line and exit 130 or 143, is recorded as interrupted, leaves no worker, no claim, no
open transaction and no half-written workbook, and the next run gives the same digests.

The runs are tests/hostile/interrupted_run.py in a process group of their own, signalled
as a terminal signals its foreground group: every process of it (workers included) gets
the signal. They run one after the other on one database, each stopping in a later stage.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from duaal.common.db import owner_file
from duaal.run.pipeline import execute
from tests.hostile.processes import END_S, Group, interrupted_line, query
from tests.hostile.sample import CleanRun, settings_for

OLD_WORKBOOK = "2025-2026/premies_2025-2026.xlsx"  # one a report stage writes again


def interrupted_run(raw: Path, db: Path, reports: Path, stage: str, how: str = "") -> Group:
    """tests/hostile/interrupted_run.py, to stop for good in `stage`."""
    driver = [sys.executable, "-m", "tests.hostile.interrupted_run"]
    return Group([*driver, str(raw), str(db), str(reports), stage, how])


def hold(db: Path) -> subprocess.Popen:
    """Another process that holds the database (DuckDB's lock is per process)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True)"
            "; time.sleep(600)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def assert_whole(db: Path, reports: Path, old: bytes) -> None:
    """Nothing half-written: no claim, no temporary workbook, the old workbook untouched,
    every workbook a whole zip; the database opens for writing."""
    assert not owner_file(db).exists(), "the claim is released"
    assert not list(reports.rglob("*.tmp")), "no temporary file is left"
    assert (reports / OLD_WORKBOOK).read_bytes() == old, "the old workbook stays as it was"
    for path in reports.rglob("*.xlsx"):
        assert zipfile.ZipFile(path).testzip() is None, f"{path} is whole"
    duckdb.connect(str(db)).close()


# stage, signal, what is there to see of it: the run stops in each, one after the other
STAGES = [
    ("open", signal.SIGINT),
    ("ingest", signal.SIGTERM),
    ("checks", signal.SIGINT),
    ("rules", signal.SIGTERM),
    ("validate", signal.SIGINT),
    ("record", signal.SIGTERM),
    ("reports", signal.SIGINT),
]


def test_a_signal_in_each_stage_ends_the_run_whole_and_the_next_run_is_the_same(
    clean_run: CleanRun, tmp_path: Path
):
    db, reports = tmp_path / "duaal.duckdb", tmp_path / "reports"
    (reports / OLD_WORKBOOK).parent.mkdir(parents=True)
    old = b"PK\x05\x06" + bytes(18)  # an empty zip: the workbook of an earlier run
    (reports / OLD_WORKBOOK).write_bytes(old)
    duckdb.connect(str(db)).close()
    for stage, signum in STAGES:
        holder = hold(db) if stage == "open" else None
        run = interrupted_run(clean_run.raw, db, reports, stage)
        try:
            run.wait_for("is in use by" if stage == "open" else f"IN {stage}")
            ended = run.ended(run.signal(signum))
        finally:
            run.kill()
            if holder is not None:
                holder.kill()
                holder.wait()
        where = f"{stage} ({signal.Signals(signum).name})"
        assert ended.code == 128 + signum, f"{where}: exit {ended.code}, {ended.stderr}"
        assert ended.stderr == [interrupted_line(stage)], f"{where}: one line on stderr"
        assert ended.seconds < END_S, f"{where}: ended {ended.seconds:.1f} s after the signal"
        assert not run.group_left(), f"{where}: no process of the run is left"
        assert_whole(db, reports, old)
        if stage == "open":
            continue  # a run waiting for the database has not begun
        run_id, status, error = query(
            db, "SELECT run_id, status, error FROM runs ORDER BY started_at DESC LIMIT 1"
        )[0]
        assert (status, error) == ("interrupted", f"interrupted in stage {where}"), where
        if stage == "record":
            recorded = f"SELECT count(*) FROM run_decisions WHERE run_id = '{run_id}'"
            assert query(db, recorded) == [(0,)], "the record stage's transaction rolled back"
    assert query(db, "SELECT count(*) FROM load_batches WHERE status = 'loaded'") == [
        (len(clean_run.summary.files),)
    ], "every file loaded once: the one interrupted in ingest was rolled back, then loaded"

    after = execute(settings_for(clean_run.raw, db, reports))
    assert after.status == "completed"
    assert after.digests == clean_run.summary.digests, "the same outputs as without signals"
    assert len(query(db, "SELECT * FROM runs WHERE status = 'interrupted'")) == 6


@pytest.mark.parametrize("how", ["second", "deadline"])
def test_a_run_slow_to_end_ends_at_a_second_ctrl_c_or_by_itself(
    clean_run: CleanRun, tmp_path: Path, how: str
):
    """The end of the report stage stops for good before its workers are killed: a second
    Ctrl-C ends the process at once, or else the deadline does; the workers die, their
    temporary files go, the claim is released. The run could not be recorded: the next run
    records it as interrupted."""
    db, reports = tmp_path / "duaal.duckdb", tmp_path / "reports"
    run = interrupted_run(clean_run.raw, db, reports, "reports", how)
    try:
        run.wait_for("IN reports")
        first = run.signal(signal.SIGINT if how == "second" else signal.SIGTERM)
        run.wait_for("IN cleanup")
        assert list(reports.rglob("*.tmp")), "the workers are writing when the cleanup stops"
        ended = run.ended(run.signal(signal.SIGINT) if how == "second" else first)
    finally:
        run.kill()
    code = 130 if how == "second" else 143
    assert (ended.code, ended.stderr) == (code, [interrupted_line("reports")])
    assert ended.seconds < (1.5 if how == "second" else 4.0), f"{ended.seconds:.1f} s"
    assert not run.group_left(), "no worker is left"
    assert not owner_file(db).exists() and not list(reports.rglob("*.tmp"))
    assert query(db, "SELECT status FROM runs") == [("running",)], "ended before recording"

    after = execute(settings_for(clean_run.raw, db, reports), with_reports=False)
    assert after.digests == clean_run.summary.digests
    assert query(db, "SELECT status, error FROM runs ORDER BY started_at") == [
        ("interrupted", "the process ended before the run did (killed, or a second Ctrl-C)"),
        ("completed", None),
    ]
