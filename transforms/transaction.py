"""One transaction around a block of writes to the DuckDB database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb


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
