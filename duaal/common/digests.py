"""The digests of a run's outputs: what a run records (`runs.digest_<kind>`) and what
`duaal audit`, `duaal verify` and the bundle recompute and compare. One canonical text form
of rows (`digest_rows`), read fast from a query (`digest_query`); the three outputs a run
records (`OUTPUTS`: mart, run table, columns, digest order) and the quarantine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS, PAYMENT_COLUMNS
from transforms.versions import run_quarantine

DECISION_KEY = ("school_year", "company_kbo", "learner_insz")
# (code, agreement, mentor) is unique for the findings about an agreement or a mentor; a
# pair's payment findings differ in company, learner and due date (the school year's)
FINDING_ORDER = (
    "code",
    "agreement_id",
    "mentor_insz",
    "company_kbo",
    "learner_insz",
    "due_date",
    "detail",
)


@dataclass(frozen=True)
class Output:
    """One output a run records: the mart that holds it, the run table it is copied into
    (with run_id), its columns (the mart's contract) and the order its digest reads it in."""

    mart: str
    run_table: str
    columns: tuple[tuple[str, str], ...]
    order: tuple[str, ...]

    @property
    def names(self) -> str:
        return ", ".join(n for n, _ in self.columns)

    @property
    def digested(self) -> str:
        """The columns its digest reads: all but a batch id of lineage, which numbers loads
        (an interrupted or a file-by-file load numbers them otherwise; the file and row it
        names stay in the digest), so the same inputs give the same digest."""
        return ", ".join(n for n, _ in self.columns if not n.endswith("batch_id"))


OUTPUTS: dict[str, Output] = {
    "decisions": Output("fct_premium_decisions", "run_decisions", DECISION_COLUMNS, DECISION_KEY),
    "findings": Output("fct_compliance_findings", "run_findings", FINDING_COLUMNS, FINDING_ORDER),
    "payments": Output("fct_payment_reconciliation", "run_payments", PAYMENT_COLUMNS, DECISION_KEY),
}
# every digest a run records (runs.digest_<kind>), in the order the command line lists them
DIGESTS = (*OUTPUTS, "quarantine")


def digest_rows(rows: list[tuple]) -> str:
    """SHA-256 of rows in a canonical text form (floats to 9 decimals, NULL as '\\N')."""
    h = hashlib.sha256()
    for row in rows:
        cells = []
        for v in row:
            if v is None:
                cells.append("\\N")
            elif isinstance(v, float):
                cells.append(f"{v:.9f}")
            else:
                cells.append(str(v))
        h.update(("\x1f".join(cells) + "\n").encode("utf-8"))
    return h.hexdigest()


DIGEST_BATCH_ROWS = 65_536  # rows per Arrow batch a query digest reads at a time


_NULL = "\\N"
_BOOLEAN_TEXT = {True: "True", False: "False", None: _NULL}


def _digest_cells(column: pa.Array) -> list[str]:
    """A column's cells in `digest_rows`' text form: NULL as '\\N', a float to 9 decimals,
    anything else as str() gives it; text, integers and booleans by C-level maps, the other
    types value by value, exactly as `digest_rows` does."""
    kind = column.type
    values = column.to_pylist()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return [_NULL if v is None else v for v in values] if column.null_count else values
    if pa.types.is_boolean(kind):
        return list(map(_BOOLEAN_TEXT.__getitem__, values))
    if pa.types.is_integer(kind) and not column.null_count:
        return list(map(str, values))
    return [_NULL if v is None else f"{v:.9f}" if isinstance(v, float) else str(v) for v in values]


def digest_query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> str:
    """`digest_rows` of a query's rows, the same SHA-256, read in Arrow batches and turned
    into text column by column (a run's decisions are read once, not as Python tuples)."""
    h = hashlib.sha256()
    reader = con.sql(sql, params=params or None).to_arrow_reader(DIGEST_BATCH_ROWS)
    for batch in reader:
        if batch.num_rows == 0:
            continue
        cells = [_digest_cells(column) for column in batch.columns]
        text = "\n".join(map("\x1f".join, zip(*cells, strict=True))) + "\n"
        h.update(text.encode("utf-8"))
    return h.hexdigest()


MARTS: dict[str, str] = {kind: output.mart for kind, output in OUTPUTS.items()}


def run_tables(schema: str = "") -> dict[str, str]:
    """The run tables of the outputs (kind -> table), in a schema (`src` of an attached
    database) or the current one."""
    prefix = f"{schema}." if schema else ""
    return {kind: prefix + output.run_table for kind, output in OUTPUTS.items()}


def output_digests(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, str] | None = None,
    run_filter: str = "",
    params: list[Any] | None = None,
) -> dict[str, str]:
    """Digests of the outputs (decisions, findings, payments) read from tables (kind ->
    table: the marts by default, or run tables with a run_filter)."""
    params = params or []
    return {
        kind: digest_query(
            con,
            f"SELECT {OUTPUTS[kind].digested} FROM {table} {run_filter} "
            f"ORDER BY {', '.join(OUTPUTS[kind].order)} NULLS FIRST",
            params,
        )
        for kind, table in (tables or MARTS).items()
    }


def quarantine_digest(con: duckdb.DuckDBPyConnection, run_id: str, schema: str = "") -> str:
    """Digest of the quarantine in effect of a run: a file loaded again under its name
    leaves it as it was where its rows are the same."""
    return digest_query(
        con,
        f"""SELECT q.source, q.file_name, q.row_number, q.reason, q.detail
        FROM {run_quarantine(schema)} q ORDER BY ALL""",
        [run_id],
    )
