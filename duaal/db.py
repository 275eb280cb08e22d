"""The DuckDB database: opening it safely and the tables that are not models.

DuckDB allows one writing process per file. `connect` waits a bounded time for a database
that another run holds and then stops with `DatabaseBusy`, a clear message; it never
opens a second writer.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import duckdb

from duaal.privacy import make_private_dir, restrict_existing, restrict_umask
from transforms.sources import SOURCES, ingest_table_ddl


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
    since DuckDB creates the WAL again at any later write (duaal.privacy)."""
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


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction around a block: committed when it ends, rolled back when it fails
    (interrupts included), so a half-done step leaves the database as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):  # a failed COMMIT may have ended the transaction already
            con.execute("ROLLBACK")
        raise


# Columns of the decision mart (transforms/marts/fct_premium_decisions.sql), in order.
DECISION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("school_year", "VARCHAR"),
    ("company_kbo", "VARCHAR"),
    ("learner_insz", "VARCHAR"),
    ("province", "VARCHAR"),
    ("office", "VARCHAR"),
    ("status", "VARCHAR"),  # final | provisional
    ("eligible", "BOOLEAN"),
    ("amount_eur", "INTEGER"),
    ("months_covered", "DOUBLE"),  # exact value; exports round to 2 decimals
    ("premiums_before", "INTEGER"),
    ("reasons", "VARCHAR"),  # codes joined by ';' in RULES.md order; '' when eligible
    ("explanation", "VARCHAR"),  # one Dutch sentence
    ("company_name", "VARCHAR"),
    ("establishment_id", "VARCHAR"),
    ("establishment_postcode", "INTEGER"),
    ("establishment_municipality", "VARCHAR"),
    ("learner_name", "VARCHAR"),
    ("training", "VARCHAR"),
    ("agreement_types", "VARCHAR"),  # e.g. 'OAO' or 'OAO;SAO', of the basis agreements
    ("agreement_ids", "VARCHAR"),  # basis agreements joined by ';'
)

# Columns of the findings mart (transforms/marts/fct_compliance_findings.sql), in order.
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "VARCHAR"),
    ("severity", "VARCHAR"),  # error | warning | info
    ("agreement_id", "VARCHAR"),  # NULL for mentor findings
    ("company_kbo", "VARCHAR"),
    ("learner_insz", "VARCHAR"),
    ("mentor_insz", "VARCHAR"),
    ("province", "VARCHAR"),
    ("office", "VARCHAR"),
    ("detail", "VARCHAR"),  # Dutch: what is wrong and by how much
    ("due_date", "DATE"),  # for what can still be fixed: the date it must be done by
    ("company_name", "VARCHAR"),
)


def _cols(columns: tuple[tuple[str, str], ...]) -> str:
    return ",\n    ".join(f"{n} {t}" for n, t in columns)


SCHEMA_DDL: tuple[str, ...] = (
    "CREATE SEQUENCE IF NOT EXISTS batch_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS load_batches (
    batch_id INTEGER PRIMARY KEY,
    source VARCHAR NOT NULL,          -- folder name under data/raw/
    file_name VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    sheet_name VARCHAR,               -- NULL for CSV and for files refused before a sheet was found
    status VARCHAR NOT NULL,          -- loaded | refused
    reason VARCHAR,                   -- why a file was refused
    rows_read INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    rows_blank INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
)""",
    # the reason in Dutch, for the workbooks (batches refused before it was kept: NULL)
    "ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS reason_nl VARCHAR",
    # the date in an export's title rows (Exportdatum), when it has one
    "ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS export_date DATE",
    """CREATE TABLE IF NOT EXISTS quarantine (
    batch_id INTEGER NOT NULL,
    source VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sheet_name VARCHAR,
    row_number INTEGER NOT NULL,      -- as a spreadsheet shows it; for CSV the line number
    reason VARCHAR NOT NULL,          -- MISSING_VALUE, INVALID_DATE, ... (CONTRACTS.md)
    detail VARCHAR NOT NULL,
    raw_values VARCHAR                -- the row as read, JSON
)""",
    # the row's natural key when it could be read: concat_ws('|', key columns) of the source
    "ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS row_key VARCHAR",
    *(ingest_table_ddl(s) for s in SOURCES),
    """CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    flow_run_id VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,          -- running | completed | failed
    as_of DATE NOT NULL,
    rule_config VARCHAR NOT NULL,     -- the configuration file's text
    rule_config_hash VARCHAR NOT NULL,
    code_version VARCHAR,
    row_counts VARCHAR,               -- JSON
    digest_decisions VARCHAR,
    digest_findings VARCHAR,
    digest_quarantine VARCHAR,
    error VARCHAR
)""",
    # runs written before a run counted its warnings have NULL here
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS warnings INTEGER",
    """CREATE TABLE IF NOT EXISTS run_checks (
    run_id VARCHAR NOT NULL,
    check_seq INTEGER NOT NULL,       -- the order the terminal lists them in
    code VARCHAR NOT NULL,            -- SOURCE_MISSING, FILE_REFUSED, ... (CONTRACTS.md)
    severity VARCHAR NOT NULL,        -- error | warning | info
    source VARCHAR,                   -- folder under data/raw/, when the check is about one
    file_name VARCHAR,                -- the file (or folder) it is about, when one
    row_number INTEGER,               -- the row it is about, when one
    message VARCHAR NOT NULL,         -- English, for the terminal
    message_nl VARCHAR NOT NULL       -- Dutch, for the workbooks
)""",
    """CREATE TABLE IF NOT EXISTS run_batches (
    run_id VARCHAR NOT NULL,
    batch_id INTEGER NOT NULL
)""",
    f"""CREATE TABLE IF NOT EXISTS run_decisions (
    run_id VARCHAR NOT NULL,
    {_cols(DECISION_COLUMNS)}
)""",
    f"""CREATE TABLE IF NOT EXISTS run_findings (
    run_id VARCHAR NOT NULL,
    {_cols(FINDING_COLUMNS)}
)""",
    """CREATE TABLE IF NOT EXISTS validation_results (
    run_id VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,           -- named after the table it guards
    table_name VARCHAR NOT NULL,
    layer VARCHAR NOT NULL,           -- staging | intermediate | mart
    expectation VARCHAR NOT NULL,     -- expectation type
    column_name VARCHAR,
    kwargs VARCHAR,                   -- JSON
    success BOOLEAN NOT NULL,
    element_count BIGINT,
    unexpected_count BIGINT,
    unexpected_examples VARCHAR       -- JSON list
)""",
)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables that are not models, when missing, and widen ingest columns whose
    type the contract changed (DECIMAL(12, 2) rounded 19.996 hours to 20.00)."""
    for ddl in SCHEMA_DDL:
        con.execute(ddl)
    current = dict(
        ((table, column), data_type)
        for table, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_catalog = current_database()"
        ).fetchall()
    )
    for source in SOURCES:
        for col in source.columns:
            found = current.get((source.table, col.name))
            if found is not None and found.replace(" ", "") != col.sql_type.replace(" ", ""):
                # rewrites the table: only when an older database still has the old type
                con.execute(
                    f"ALTER TABLE {source.table} ALTER {col.name} SET DATA TYPE {col.sql_type}"
                )
