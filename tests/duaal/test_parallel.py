"""Reading ahead in worker processes and writing workbooks in parallel change no output."""

from __future__ import annotations

import os
import signal
import zipfile
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date, datetime
from functools import partial
from pathlib import Path

import duckdb

from duaal.common.db import connect
from duaal.outputs.workbooks.writer import plan_reports, write_reports
from transforms.loading import ingest

AS_OF = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 6, 0)
BATCH_COLUMNS = (
    "batch_id, source, file_name, sha256, sheet_name, status, reason, rows_read, "
    "rows_accepted, rows_quarantined, rows_blank"
)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every batch, ingested row and quarantined row, in a fixed order."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'ingest_%' OR table_name = 'quarantine' ORDER BY 1"
        ).fetchall()
    ]
    tables = {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for n in names}
    tables["load_batches"] = con.execute(
        f"SELECT {BATCH_COLUMNS} FROM load_batches ORDER BY batch_id"
    ).fetchall()
    return tables


def test_read_ahead_loads_exactly_what_reading_in_turn_loads(raw, tmp_path):
    serial = connect(tmp_path / "serial.duckdb")
    ahead = connect(tmp_path / "ahead.duckdb")
    one = ingest(serial, raw, now=NOW, workers=0)
    two = ingest(ahead, raw, now=NOW, workers=2)
    assert two == one
    assert [o.status for o in two] == ["loaded"] * len(two)
    assert _tables(ahead) == _tables(serial)
    # a second ingest reads nothing ahead and skips every file, naming its first batch
    again = ingest(ahead, raw, now=NOW, workers=2)
    assert [(o.status, o.batch_id) for o in again] == [("skipped", o.batch_id) for o in one]


def _die(*args: object) -> None:
    """A read-ahead worker that is killed (out of memory, a crash) before it answers."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_dead_read_ahead_worker_costs_time_not_data(raw, tmp_path, monkeypatch):
    import transforms.loading

    serial = connect(tmp_path / "serial.duckdb")
    one = ingest(serial, raw, now=NOW, workers=0)
    monkeypatch.setattr(transforms.loading, "_read_ahead", _die)
    ahead = connect(tmp_path / "ahead.duckdb")
    assert ingest(ahead, raw, now=NOW, workers=2) == one
    assert _tables(ahead) == _tables(serial)


def test_a_file_twice_in_one_ingest_is_loaded_once(raw, tmp_path):
    copy = tmp_path / "raw"
    for path in raw.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    first = sorted((copy / "dimona").iterdir())[0]
    (copy / "dimona" / ("zz_" + first.name)).write_bytes(first.read_bytes())
    con = connect(tmp_path / "twice.duckdb")
    outcomes = ingest(con, copy, now=NOW, workers=2)
    by_name = {o.file_name: o for o in outcomes}
    twin = by_name["zz_" + first.name]
    assert twin.status == "skipped"
    assert twin.batch_id == by_name[first.name].batch_id
    assert twin.reason.startswith(f"loaded before as batch {twin.batch_id} on ")


def _entries(folder: Path) -> dict[str, bytes]:
    """Every XML part of every workbook under a folder."""
    parts = {}
    for path in sorted(folder.rglob("*.xlsx")):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                parts[f"{path.relative_to(folder)}!{name}"] = z.read(name)
    return parts


def test_parallel_workbooks_equal_serial_ones(recorded, serial, tmp_path):
    db, run_id = recorded
    folder, written = serial
    con = duckdb.connect(str(db), read_only=True)
    plan = plan_reports(con, run_id, tmp_path / "planned", ())
    parallel = write_reports(con, run_id, tmp_path / "parallel", workers=2)
    planned = [p.relative_to(tmp_path / "planned") for p in plan.paths]
    assert [p.relative_to(folder) for p in written] == planned
    assert [p.relative_to(tmp_path / "parallel") for p in parallel] == planned
    year = planned[0].parent.name
    assert [p.name for p in planned if p.parent.name == year][:1] == [f"premies_{year}.xlsx"]
    assert [p.name for p in planned if p.parent.name == year][-1:] == [f"federatie_{year}.xlsx"]
    assert [p.parent.name for p in planned if p.name.startswith("conformiteit_")] == [
        "conformiteit"
    ] * 7, "the run's conformiteit and one per office"
    expected = _entries(folder)
    assert len(expected) > 100
    assert _entries(tmp_path / "parallel") == expected


def test_a_dead_report_worker_costs_time_not_workbooks(recorded, serial, tmp_path, monkeypatch):
    import duaal.outputs.workbooks.writer

    db, run_id = recorded
    folder, written = serial
    con = duckdb.connect(str(db), read_only=True)
    monkeypatch.setattr(duaal.outputs.workbooks.writer, "_job_at", _die)
    parallel = write_reports(con, run_id, tmp_path / "parallel", workers=2)
    assert [p.relative_to(tmp_path / "parallel") for p in parallel] == [
        p.relative_to(folder) for p in written
    ]
    assert _entries(tmp_path / "parallel") == _entries(folder)


def test_every_report_job_gets_a_fresh_process_and_comes_back_in_order():
    from duaal.outputs.workbooks.writer import in_workers

    assert in_workers([partial(int, str(i)) for i in range(5)], 2) == [0, 1, 2, 3, 4]
    pids = in_workers([os.getpid] * 4, 2)
    assert len(set(pids)) == 4 and os.getpid() not in pids


def test_a_report_job_that_cannot_be_forked_runs_here(monkeypatch):
    import duaal.outputs.workbooks.writer as writer

    class NoProcessLeft(ProcessPoolExecutor):
        def submit(self, *args: object, **kwargs: object) -> Future:
            raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(writer, "ProcessPoolExecutor", NoProcessLeft)
    assert writer.in_workers([os.getpid] * 3, 2) == [os.getpid()] * 3
