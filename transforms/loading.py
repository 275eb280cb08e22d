"""Load the exports under data/raw/ into DuckDB: one batch per file, one transaction per file.

Files are taken per source folder (sources.SOURCES order) in name order; the order they are
loaded in decides nothing (transforms/versions.py orders the versions by export date and
file name, from the export date and the file's modification time each batch records). A
file whose SHA-256 was loaded before is skipped and not recorded again (unless a file of its
name was loaded since with other bytes). A file the reader refuses is recorded as a
'refused' batch with its reason; the other files go on. Everything a file
writes (its batch row, its accepted rows, its quarantine) is committed together or not at
all, so a failure or a kill in the middle of a file leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa

from transforms.raw_folder import RawScan, Unread, scan_raw
from transforms.reading import (
    CSV_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    FileRefused,
    ReadResult,
    load_aliases,
    not_a_spreadsheet,
    read_file,
)
from transforms.schema import ensure_schema
from transforms.sources import Source
from transforms.transaction import transaction
from transforms.workers import die_with_parent, end_workers, forking

__all__ = ["FileOutcome", "RawScan", "Unread", "ingest", "load_aliases", "scan_raw"]

_view_ids = count(1)

READ_WORKERS = 2  # processes reading and parsing the next files while one is loaded
# a file larger than this is read in the loading process, alone: reading a sheet of a
# million rows takes over a gigabyte, and two of those at once would not fit in 2 GB
PREFETCH_MAX_BYTES = 16 << 20

FileStatus = Literal["loaded", "skipped", "refused"]
BatchStatus = Literal["loaded", "refused"]  # what load_batches records

Reader = Callable[[Path, Source, dict[str, list[str]], bytes], ReadResult]


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file: loaded, skipped (seen before) or refused, with counts."""

    source: str  # folder name
    file_name: str
    status: FileStatus
    reason: str | None
    batch_id: int | None  # the new batch; for 'skipped' the batch that loaded it before
    sheet_name: str | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    rows_blank: int = 0


def ingest(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    aliases_path: Path | None = None,
    *,
    now: datetime | None = None,
    workers: int | None = None,
    when_forked: Callable[[], object] | None = None,
    scan: RawScan | None = None,
) -> list[FileOutcome]:
    """Load every new export file under raw_dir/<source folder>/ and say what became of each.

    workers: processes reading files ahead (None: one per CPU, at most READ_WORKERS; 0 or 1:
    every file is read in this process). Files are loaded one by one, in order, either way.
    when_forked: called once no more processes will be forked (to start threads safely).
    scan: what `scan_raw(raw_dir)` found, when the caller has it already.
    """
    ensure_schema(con)
    aliases = load_aliases(aliases_path)
    files = (scan or scan_raw(raw_dir)).files
    outcomes = []
    with _ReadAhead(con, files, aliases, _read_workers(workers)) as ahead:
        if when_forked is not None:
            when_forked()
        for source, path in files:
            loaded_at = now or datetime.now()
            outcomes.append(
                ingest_file(
                    con, source, path, aliases.get(source.folder, {}), loaded_at, ahead.read
                )
            )
            ahead.forget(path)
    return outcomes


def _read_workers(workers: int | None) -> int:
    """Processes to read ahead with: 0 without fork or with a single CPU."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if workers is None:
        workers = min(READ_WORKERS, len(os.sched_getaffinity(0)))
    return workers if workers > 1 else 0


def _read_ahead(
    path: Path, source: Source, aliases: dict[str, list[str]]
) -> tuple[str, ReadResult | FileRefused]:
    """In a worker: a file's SHA-256 and what the reader makes of its bytes."""
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return sha256, read_file(path, source, aliases, data=data)
    except FileRefused as exc:
        return sha256, exc


class _ReadAhead:
    """Reads and parses the next files in worker processes while this one loads.

    Only what `ingest_file` would read anyway is read ahead: a readable suffix, not too
    large, and bytes not loaded before. At most `workers` files are in flight. A result is
    used only for the very bytes `ingest_file` hashed; otherwise the file is read again here.
    Left by an exception (an interrupt), it kills its workers instead of waiting for them.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        files: list[tuple[Source, Path]],
        aliases: dict[str, dict[str, list[str]]],
        workers: int,
    ) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[Path, Future] = {}
        self.queue: list[tuple[Source, Path]] = []
        self.aliases = aliases
        self.workers = workers
        if workers < 2:
            return
        loaded = {
            sha
            for (sha,) in con.execute(
                "SELECT sha256 FROM load_batches WHERE status = 'loaded'"
            ).fetchall()
        }
        queued: set[str] = set()
        for source, path in files:
            if path.suffix.lower() not in SPREADSHEET_SUFFIXES + CSV_SUFFIXES:
                continue
            try:
                if path.stat().st_size > PREFETCH_MAX_BYTES:
                    continue
                # a re-run finds every file loaded before: hashing is cheap, reading is not
                sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
                if sha256 in loaded:
                    continue
            except OSError:
                continue
            # the same bytes twice: the second file is skipped once the first is loaded
            if sha256 not in queued:
                queued.add(sha256)
                self.queue.append((source, path))
        if len(self.queue) > 1:
            self.pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
            )
            self._fill()

    def _fill(self) -> None:
        """Keep up to `workers` files in flight."""
        while self.pool is not None and self.queue and len(self.futures) < self.workers:
            source, path = self.queue.pop(0)
            aliases = self.aliases.get(source.folder, {})
            try:
                with forking():  # the first submit forks the workers
                    self.futures[path] = self.pool.submit(_read_ahead, path, source, aliases)
            except BrokenProcessPool:
                self.close()  # the files not handed out are read by the caller

    def read(
        self, path: Path, source: Source, aliases: dict[str, list[str]], data: bytes
    ) -> ReadResult:
        """The file's read result: from a worker if it read these bytes, else read here."""
        future = self.futures.pop(path, None)
        if future is None:
            return read_file(path, source, aliases, data=data)
        try:
            sha256, result = future.result()
        except BrokenProcessPool:
            # reading ahead only saves time: if a worker died, read here from now on
            self.close()
            return read_file(path, source, aliases, data=data)
        self._fill()
        if sha256 != hashlib.sha256(data).hexdigest():
            return read_file(path, source, aliases, data=data)
        if isinstance(result, FileRefused):
            raise result
        return result

    def forget(self, path: Path) -> None:
        """Drop what was read ahead for a file that is done (skipped: never asked for)."""
        future = self.futures.pop(path, None)
        if future is not None:
            future.cancel()
        self._fill()

    def __enter__(self) -> _ReadAhead:
        return self

    def close(self) -> None:
        """Stop reading ahead; what is still queued is read by the caller."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.futures.clear()

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None and self.pool is not None:
            end_workers()  # interrupted or failed: what they read is of no use now
        self.close()


def _previous_load(
    con: duckdb.DuckDBPyConnection, sha256: str, source: str, path: Path
) -> tuple[int, datetime] | None:
    """The batch that loaded a file with these bytes before, if any; None as well when a
    file of this name was loaded into this source since with other bytes and now holds these
    again (saved back): that latest load is in effect (transforms/versions.py), so these
    bytes must be loaded again."""
    earlier = con.execute(
        "SELECT batch_id, loaded_at FROM load_batches WHERE sha256 = ? AND status = 'loaded' "
        "ORDER BY batch_id LIMIT 1",
        [sha256],
    ).fetchone()
    if earlier is None:
        return None
    latest = con.execute(
        "SELECT sha256 FROM load_batches WHERE source = ? AND file_name = ? "
        "AND status = 'loaded' ORDER BY batch_id DESC LIMIT 1",
        [source, path.name],
    ).fetchone()
    return None if latest is not None and latest[0] != sha256 else earlier


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    aliases: dict[str, list[str]],
    loaded_at: datetime,
    read: Reader | None = None,
) -> FileOutcome:
    """Load one file of a source in its own transaction (or skip or refuse it).

    read: how to read the file's bytes (default `read_file`; `ingest` passes its read-ahead).
    """
    data, mtime = _read_bytes(path)
    sha256 = hashlib.sha256(data).hexdigest()
    previous = _previous_load(con, sha256, source.folder, path)
    if previous is not None:
        batch_id, when = previous
        return FileOutcome(
            source.folder,
            path.name,
            "skipped",
            f"loaded before as batch {batch_id} on {when:%Y-%m-%d %H:%M}; not recorded again",
            batch_id,
            None,
        )
    stamp = _Stamp(sha256, mtime, loaded_at)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES + CSV_SUFFIXES:
        return _record(con, source, path, stamp, not_a_spreadsheet(path))
    try:
        if read is None:
            result = read_file(path, source, aliases, data=data)
        else:
            result = read(path, source, aliases, data)
    except FileRefused as exc:
        return _record(con, source, path, stamp, exc)
    return _record(con, source, path, stamp, result)


def _read_bytes(path: Path) -> tuple[bytes, datetime]:
    """A file's bytes and its modification time (to the second, as a copy keeps it)."""
    with path.open("rb") as fh:
        data = fh.read()
        mtime = os.fstat(fh.fileno()).st_mtime
    return data, datetime.fromtimestamp(int(mtime))


@dataclass(frozen=True)
class _Stamp:
    """What a batch records of the file besides its rows: its bytes' SHA-256, its
    modification time, and when it was loaded."""

    sha256: str
    mtime: datetime
    loaded_at: datetime


def _insert_batch(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    source: Source,
    path: Path,
    stamp: _Stamp,
    status: BatchStatus,
    refused: FileRefused | None,
    result: ReadResult | None,
) -> None:
    """One load_batches row; a refused file has its reasons (English and Dutch), no sheet
    and zero counts."""
    counts = (
        (result.rows_read, result.rows_accepted, result.rows_quarantined, result.rows_blank)
        if result is not None
        else (0, 0, 0, 0)
    )
    con.execute(
        "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, "
        "status, reason, reason_nl, rows_read, rows_accepted, rows_quarantined, rows_blank, "
        "loaded_at, file_mtime, export_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            source.folder,
            path.name,
            str(path),
            stamp.sha256,
            result.sheet_name if result is not None else None,
            status,
            None if refused is None else str(refused),
            None if refused is None else refused.message_nl,
            *counts,
            stamp.loaded_at,
            stamp.mtime,
            result.export_date if result is not None else None,
        ],
    )


def _insert_rows(
    con: duckdb.DuckDBPyConnection, source: Source, batch_id: int, path: Path, result: ReadResult
) -> None:
    """The accepted rows into the source's ingest table, with their lineage."""
    view = f"_accepted_{next(_view_ids)}"
    con.register(view, result.table)
    try:
        names = ", ".join(c.name for c in source.columns)
        con.execute(
            f"INSERT INTO {source.table} (batch_id, file_name, sheet_name, row_number, {names}) "
            f"SELECT ?, ?, ?, row_number, {names} FROM {view}",
            [batch_id, path.name, result.sheet_name],
        )
    finally:
        con.unregister(view)


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection, source: Source, batch_id: int, path: Path, result: ReadResult
) -> None:
    """One quarantine row per problem of a row."""
    if not result.quarantine:
        return
    entries = result.quarantine
    table = pa.table(
        {
            "row_number": pa.array([e.row_number for e in entries], pa.int32()),
            "reason": [e.reason for e in entries],
            "detail": [e.detail for e in entries],
            "raw_values": [e.raw_values for e in entries],
            "row_key": pa.array([e.row_key for e in entries], pa.string()),
        }
    )
    view = f"_quarantine_{next(_view_ids)}"
    con.register(view, table)
    try:
        con.execute(
            "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, "
            "reason, detail, raw_values, row_key) SELECT ?, ?, ?, ?, row_number, reason, "
            f"detail, raw_values, row_key FROM {view}",
            [batch_id, source.folder, path.name, result.sheet_name],
        )
    finally:
        con.unregister(view)


def _next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new batch id from the sequence."""
    return con.execute("SELECT nextval('batch_id_seq')").fetchone()[0]


def _record(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    stamp: _Stamp,
    read: ReadResult | FileRefused,
) -> FileOutcome:
    """Record the batch in one transaction: a file read with its rows and its quarantine, a
    refused file with its reasons and zero counts."""
    # a half-loaded file must leave no trace: batch, rows and quarantine go together
    with transaction(con):
        batch_id = _next_batch_id(con)
        if isinstance(read, FileRefused):
            _insert_batch(con, batch_id, source, path, stamp, "refused", read, None)
            return FileOutcome(source.folder, path.name, "refused", str(read), batch_id, None)
        _insert_batch(con, batch_id, source, path, stamp, "loaded", None, read)
        _insert_rows(con, source, batch_id, path, read)
        _insert_quarantine(con, source, batch_id, path, read)
    counts = (read.rows_read, read.rows_accepted, read.rows_quarantined, read.rows_blank)
    return FileOutcome(source.folder, path.name, "loaded", None, batch_id, read.sheet_name, *counts)
