"""Rules in proportion to change: a run whose models would be built from exactly what the
models in the database were built from does not build them again.

The intermediate models and the marts are a function of their inputs only: the staging
models and `int_superseded_rows` (which every run's input checks build again first,
`CHECKED_MODELS`), the `cfg_*` tables (the rule configuration and as_of, loaded by that
same build), the SQL of the models and the code that builds them (every file under
transforms/) and DuckDB's version. `models_key` is the SHA-256 of all of them, each table's
rows hashed where they are (`expectations.reuse.table_digest`), and of the purges done (a
purge rewrites the models' rows in place).

The rules stage replaces the row of `model_state` in the very transaction that builds the
models, so the key there always describes the tables beside it: a build that fails or is
interrupted rolls both back. When the key a run computes is that row's, the models are
what a build would make again, row for row, and the stage builds nothing. Each run's
`model_builds` row says which key it had and which run built the models it used (itself,
or the earlier run). `duaal audit` never reuses: it builds the models from a run's stored
inputs in a database of its own.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb

from expectations.reuse import table_digest, table_names
from transforms.rule_config import RuleConfig

TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"
CODE_SUFFIXES = (".py", ".sql", ".toml")

MODEL_DDL = (
    """CREATE TABLE IF NOT EXISTS model_state (
    input_key VARCHAR NOT NULL,       -- SHA-256 of everything the models were built from
    built_by VARCHAR NOT NULL         -- the run that built the models now in the database
)""",
    """CREATE TABLE IF NOT EXISTS model_builds (
    run_id VARCHAR NOT NULL,
    input_key VARCHAR NOT NULL,
    built_by VARCHAR NOT NULL         -- the run whose build of the models it used (itself: built)
)""",
)


def code_key() -> str:
    """The digest of every file under transforms/ that the models' build reads or runs,
    and DuckDB's version."""
    h = hashlib.sha256(f"duckdb {duckdb.__version__}".encode())
    for path in sorted(TRANSFORMS.rglob("*")):
        if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            h.update(f"\n{path.relative_to(TRANSFORMS).as_posix()}\n".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def models_key(
    con: duckdb.DuckDBPyConnection,
    config: RuleConfig,
    as_of: date,
    inputs: tuple[str, ...],
) -> str:
    """The SHA-256 of what the models other than `inputs` are built from: the rows of the
    input models and of every cfg_* table, the configuration, as_of, the code, the purges."""
    h = hashlib.sha256(code_key().encode())
    h.update(f"\nas_of {as_of.isoformat()}\nconfig {config.text}\n".encode())
    configured = [name for name in table_names(con) if name.startswith("cfg_")]
    for table in (*inputs, *configured, "purges"):
        h.update(f"\n{table}:{table_digest(con, table)}".encode())
    return h.hexdigest()


def built_with(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """The run that built the models now in the database, when it built them from the
    inputs this key describes; else None (also when no run built them: a test, a benchmark)."""
    for ddl in MODEL_DDL:
        con.execute(ddl)
    row = con.execute("SELECT input_key, built_by FROM model_state").fetchone()
    return row[1] if row is not None and row[0] == key and row[1] else None


def record_build(
    con: duckdb.DuckDBPyConnection, run_id: str | None, key: str, built_by: str | None = None
) -> None:
    """After a build (built_by None: call it in the transaction that built the models), the
    models' state: their key and the run that built them; and a run's key and the run whose
    models it used (built_by, or itself when it built them)."""
    for ddl in MODEL_DDL:
        con.execute(ddl)
    if built_by is None:
        con.execute("DELETE FROM model_state")
        con.execute("INSERT INTO model_state VALUES (?, ?)", [key, run_id or ""])
    if run_id is not None:
        con.execute("DELETE FROM model_builds WHERE run_id = ?", [run_id])
        con.execute("INSERT INTO model_builds VALUES (?, ?, ?)", [run_id, key, built_by or run_id])


def models_built_by(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The run whose build of the models a run used (itself when it built them)."""
    row = con.execute("SELECT built_by FROM model_builds WHERE run_id = ?", [run_id]).fetchone()
    return None if row is None else row[0]
