"""transaction(): a block's writes are committed together or not at all."""

from __future__ import annotations

import duckdb
import pytest

from transforms.transaction import transaction


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple[int]]:
    return con.execute("select n from t order by n").fetchall()


def test_the_writes_of_a_block_are_committed_when_it_ends() -> None:
    con = duckdb.connect()
    con.execute("create table t (n integer)")
    with transaction(con):
        con.execute("insert into t values (1), (2)")
    assert rows(con) == [(1,), (2,)]


@pytest.mark.parametrize("failure", [RuntimeError("stage failed"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_block_leaves_the_database_as_it_was(failure) -> None:
    con = duckdb.connect()
    con.execute("create table t (n integer)")
    con.execute("insert into t values (1)")
    with pytest.raises(type(failure)), transaction(con):
        con.execute("insert into t values (2)")
        raise failure
    assert rows(con) == [(1,)]
    with transaction(con):  # and the connection takes the next transaction
        con.execute("insert into t values (3)")
    assert rows(con) == [(1,), (3,)]
