"""The rows of one named CTE of a model, for tests that check a rule where the model computes
it (as sqlmesh's sushi tests do): the model's SQL as transforms/models.py renders it, with its
closing `select * from final` turned into a select from that CTE.

    build_model(con, "int_training_intervals", as_of)
    cte_rows(con, "int_training_intervals", "flagged", "piece_start, opens_interval")

The model's inputs must exist in con: build_model builds it and the models it reads.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import duckdb

from tests.builders import rule_config
from transforms.models import Model, build_models, discover

FINAL = re.compile(r"\bselect\s+\*\s+from\s+final\s*;?\s*$", re.IGNORECASE)


@cache
def _models() -> dict[str, Model]:
    return {m.name: m for m in discover()}


def cte_sql(model: str, cte: str, columns: str = "*") -> str:
    """The model's SQL selecting columns from one of its CTEs instead of from final."""
    sql = _models()[model].sql
    if not re.search(rf"\b{re.escape(cte)}\s+as\s*\(", sql, re.IGNORECASE):
        raise KeyError(f"{model} has no CTE {cte!r}")
    rendered, replaced = FINAL.subn(f"select {columns} from {cte}", sql.strip())
    if replaced != 1:
        raise ValueError(f"{model} does not end with `select * from final`")
    return rendered


def cte_rows(
    con: duckdb.DuckDBPyConnection,
    model: str,
    cte: str,
    columns: str = "*",
    order_by: str | None = None,
) -> list[tuple]:
    """The rows of a model's CTE, the given columns, in the given order (or 1, 2, ...)."""
    sql = cte_sql(model, cte, columns)
    order = order_by or "all"
    return con.execute(f"select * from ({sql}) order by {order}").fetchall()


def build_model(con: duckdb.DuckDBPyConnection, model: str, as_of: date) -> None:
    """Build one model and the models it reads (not the rest) on what was added."""
    build_models(con, rule_config(), as_of, targets=(model,))


def model_rows(
    con: duckdb.DuckDBPyConnection, model: str, columns: str, order_by: str | None = None
) -> list[tuple]:
    """The given columns of a built model, in the given order (or 1, 2, ...)."""
    return con.execute(f"select {columns} from {model} order by {order_by or 'all'}").fetchall()
