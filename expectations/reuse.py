"""Validation in proportion to change: a suite whose inputs a run already validated reuses
that run's results instead of running again.

A suite's result is a function of its inputs only (validation sorts the rows before it takes
the first offending ones as examples): the rows of the table it guards, the rows of every
other table its rule queries read (cfg_*, another mart), the values it takes from the rule
configuration, the suite itself, the table's contract, and the code that validates
(expectations/validate.py, this module, transforms/identifiers.py, the Great Expectations
version). `input_key` is the SHA-256 of all of them; a table's rows enter it as a digest
DuckDB computes where they are (the count and two independent sums of 64-bit row hashes).
A run whose key for a suite equals one a run already validated stores that run's rows of
`validation_results` as its own, and `validation_reuse` records which run validated them,
so the run's Data Docs show every check; `duaal audit` validates everything again.

The staging tables change only with the batches in effect, so a daily run reuses their
results; the marts change with as_of and every input, and are validated again whenever
their rows changed (identical rows give the same results: reused as well).
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from expectations.validate import Suite

_HERE = Path(__file__).resolve().parent
# the code a suite's result depends on, besides the suite file itself
CODE_FILES = (
    _HERE / "validate.py",
    _HERE / "reuse.py",
    _HERE.parent / "transforms" / "identifiers.py",
)

REUSE_DDL = """CREATE TABLE IF NOT EXISTS validation_reuse (
    run_id VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    input_key VARCHAR NOT NULL,       -- SHA-256 of everything the suite's result depends on
    validated_by VARCHAR NOT NULL     -- the run whose validation gave the results (itself: ran)
)"""


def code_key() -> str:
    """The digest of the validating code and the Great Expectations version."""
    h = hashlib.sha256(metadata.version("great_expectations").encode())
    for path in CODE_FILES:
        h.update(path.read_bytes())
    return h.hexdigest()


def table_digest(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The columns and the rows (as a multiset) of a table, hashed where they are."""
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    ).fetchall()
    if not columns:
        return "absent"
    names = ", ".join(f'"{name}"' for name, _ in columns)
    # the rows as a multiset: validation sorts them before it takes examples, so the order
    # a parallel build left them in does not count (two independent sums of 64-bit hashes)
    count, first, second = con.execute(
        f"SELECT count(*), sum(hash({names})::HUGEINT), sum(hash('duaal', {names})::HUGEINT) "
        f'FROM "{table}"'
    ).fetchone()
    return f"{columns}|{count}|{first}|{second}"


def tables_read(
    con: duckdb.DuckDBPyConnection, suite: Suite, names: list[str] | None = None
) -> list[str]:
    """The guarded table and every table of the database (names: its tables, when known)
    its rule queries name."""
    text = " ".join(rule.sql for rule in suite.rules).lower()
    words = set(re.findall(r"[a-z_][a-z0-9_]*", text))
    if names is None:
        names = table_names(con)
    return [suite.table, *(n for n in names if n.lower() in words and n != suite.table)]


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the database, by name."""
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY table_name"
        ).fetchall()
    ]


class TableDigests:
    """`table_digest` of each table once, for the suites of one validation: several suites
    read the same cfg_* tables and marts, which do not change while it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.names = table_names(con)
        self.digests: dict[str, str] = {}

    def __call__(self, table: str) -> str:
        if table not in self.digests:
            self.digests[table] = table_digest(self.con, table)
        return self.digests[table]


def input_key(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    parameters: dict[str, Any],
    contract_columns: list[str],
    code: str,
    digests: TableDigests | None = None,
) -> str:
    """The SHA-256 of everything a suite's result depends on (digests: the tables' digests
    of this validation, each computed once)."""
    digests = digests or TableDigests(con)
    h = hashlib.sha256(code.encode())
    definition = {
        "name": suite.name,
        "table": suite.table,
        "layer": suite.layer,
        "notes": suite.notes,
        "expectations": suite.expectations,
        "rules": [rule.__dict__ for rule in suite.rules],
        "contract": contract_columns,
        "parameters": parameters,
    }
    h.update(json.dumps(definition, sort_keys=True, default=str).encode())
    for table in tables_read(con, suite, digests.names):
        h.update(f"\n{table}:{digests(table)}".encode())
    return h.hexdigest()


def validated_before(
    con: duckdb.DuckDBPyConnection, suite: str, key: str, run_id: str
) -> str | None:
    """The run that validated these very inputs of a suite, whose results are still there."""
    row = con.execute(
        "SELECT u.validated_by FROM validation_reuse u WHERE u.suite = ? AND u.input_key = ? "
        "AND u.run_id <> ? AND EXISTS (SELECT 1 FROM validation_results v "
        "WHERE v.run_id = u.validated_by AND v.suite = u.suite) "
        "ORDER BY u.run_id DESC LIMIT 1",
        [suite, key, run_id],
    ).fetchone()
    return None if row is None else row[0]


def record(con: duckdb.DuckDBPyConnection, run_id: str, keys: dict[str, tuple[str, str]]) -> None:
    """Each suite's input key for the run, and which run validated it (itself, or earlier)."""
    con.execute("DELETE FROM validation_reuse WHERE run_id = ?", [run_id])
    con.executemany(
        "INSERT INTO validation_reuse VALUES (?, ?, ?, ?)",
        [[run_id, suite, key, by] for suite, (key, by) in sorted(keys.items())],
    )
