"""The tables that are not models: load batches, quarantine, ingest tables and the run
history, created by `ensure_schema`; and the column lists of the three marts a run records,
from their contracts (transforms/contracts.py)."""

from __future__ import annotations

import duckdb

from transforms.contracts import contract
from transforms.sources import SOURCES, ingest_table_ddl

# The columns of the marts a run records in order, with their types, from their contracts
# (transforms/marts/<mart>.toml, beside the model).
DECISION_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (c.name, c.type) for c in contract("fct_premium_decisions").columns
)
FINDING_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (c.name, c.type) for c in contract("fct_compliance_findings").columns
)
PAYMENT_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (c.name, c.type) for c in contract("fct_payment_reconciliation").columns
)
# the six payment statuses in the rule book's order: the value set its contract checks
PAYMENT_STATUSES: tuple[str, ...] = tuple(
    next(
        check.kwargs["value_set"]
        for check in contract("fct_payment_reconciliation").column("status").checks
        if check.type == "expect_column_values_to_be_in_set"
    )
)


def _cols(columns: tuple[tuple[str, str], ...]) -> str:
    return ",\n    ".join(f"{n} {t}" for n, t in columns)


# `duaal purge` records each purge, and the runs whose data it changed
PURGE_DDL = (
    """CREATE TABLE IF NOT EXISTS purges (
    purge_id VARCHAR PRIMARY KEY,
    purged_at TIMESTAMP NOT NULL,
    before_school_year VARCHAR NOT NULL,  -- personal data of people done before this year
    cutoff DATE NOT NULL,                 -- the first day of that school year
    persons INTEGER NOT NULL,             -- people purged now (learners and mentors)
    learners INTEGER NOT NULL,
    mentors INTEGER NOT NULL,
    row_counts VARCHAR NOT NULL,          -- JSON: rows changed per table
    code_version VARCHAR
)""",
    """CREATE TABLE IF NOT EXISTS purge_runs (
    purge_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL               -- a run whose inputs or outputs the purge changed
)""",
)

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
    # the file's modification time when it was loaded, to the second: with export_date, the
    # order of versions across files (transforms/versions.py); NULL for batches loaded
    # before it was recorded, which count from their loaded_at
    "ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS file_mtime TIMESTAMP",
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
    # runs recorded before payments were reconciled have NULL here (and no run_payments)
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS digest_payments VARCHAR",
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
    f"""CREATE TABLE IF NOT EXISTS run_payments (
    run_id VARCHAR NOT NULL,
    {_cols(PAYMENT_COLUMNS)}
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
    *PURGE_DDL,
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
    # a database of an older version: the decision columns added since, empty for its runs
    for name, sql_type in DECISION_COLUMNS:
        if ("run_decisions", name) not in current:
            con.execute(f"ALTER TABLE run_decisions ADD COLUMN {name} {sql_type}")
    for source in SOURCES:
        for col in source.columns:
            found = current.get((source.table, col.name))
            if found is not None and found.replace(" ", "") != col.sql_type.replace(" ", ""):
                # rewrites the table: only when an older database still has the old type
                con.execute(
                    f"ALTER TABLE {source.table} ALTER {col.name} SET DATA TYPE {col.sql_type}"
                )
