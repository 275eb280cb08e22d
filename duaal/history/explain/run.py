"""What every story starts from: the run, the person as its data holds them, and the models
rebuilt on that run's own rows of the person, configuration and as_of."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from duaal.common.db import attach_read_only, completed_run
from duaal.history.audit import copy_run_inputs
from transforms.identifiers import is_pseudonym, normalise_insz
from transforms.models import MODELS_DIR, build_models
from transforms.rule_config import parse_rule_config, rule_version

# whether a person is in a run's data (parameters: the run id, the INSZ or pseudonym)
LEARNER_IN_RUN = "SELECT count(*) FROM src.run_decisions WHERE run_id = ? AND learner_insz = ?"
MENTOR_IN_RUN = (
    "SELECT count(*) FROM src.ingest_erkenningen WHERE batch_id IN (SELECT batch_id "
    "FROM src.run_batches WHERE run_id = ?) AND mentor_insz = ?"
)


class NothingToExplain(LookupError):
    """No decision (or mentor) of that kind in the run."""


@dataclass(frozen=True)
class Run:
    """The run a story tells: its id, as_of, rule configuration text and code version."""

    run_id: str
    as_of: date
    config_text: str
    code_version: str | None
    rule_version: str  # the `version` of config_text


def open_run(con: duckdb.DuckDBPyConnection, run_id: str | None) -> Run:
    """The run (default: the latest completed) in the attached database `src`."""
    if run_id is None:
        row = con.execute(
            "SELECT run_id FROM src.runs WHERE status = 'completed' "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise NothingToExplain("no completed run in the database: run `duaal run` first")
        run_id = row[0]
    run = completed_run(con, run_id, NothingToExplain, table="src.runs")
    config_text = run["rule_config"]
    return Run(run_id, run["as_of"], config_text, run["code_version"], rule_version(config_text))


def find_person(con: duckdb.DuckDBPyConnection, given: str, count_sql: str, run_id: str) -> str:
    """The INSZ as the run's data holds it: the number itself, or, for a person purged since
    (duaal purge), the pseudonym: as given, or made from the INSZ with DUAAL_PSEUDONYM_KEY."""
    if is_pseudonym(given.strip()):
        return given.strip()
    insz = normalise_insz(given)
    if con.execute(count_sql, [run_id, insz]).fetchone()[0]:
        return insz
    from duaal.history.purge import MissingKey, pseudonym, pseudonym_key

    try:
        alias = pseudonym(insz, pseudonym_key())
    except MissingKey:
        return insz  # not purged, or no key to tell: the caller says nothing was found
    return alias if con.execute(count_sql, [run_id, alias]).fetchone()[0] else insz


@contextmanager
def person_in_run(
    db: Path, given: str, count_sql: str, run_id: str | None, timeout_s: float
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Run, str]]:
    """Where every story starts: the database attached read-only (closed after), the run
    (open_run) and the person as its data holds them (find_person)."""
    con = attach_read_only(db, timeout_s=timeout_s)
    try:
        run = open_run(con, run_id)
        yield con, run, find_person(con, given, count_sql, run.run_id)
    finally:
        con.close()


def agreements_naming(column: str, insz: str) -> str:
    """A filter on the agreements copied for a story: every version of every agreement
    that ever named the person in column (so the version the run chose is among them)."""
    return (
        "agreement_id IN (SELECT agreement_id FROM src.ingest_overeenkomsten "
        f"WHERE {column} = '{insz}')"
    )


def rebuild(
    con: duckdb.DuckDBPyConnection,
    run: Run,
    only: dict[str, str],
    models: tuple[str, ...],
    models_dir: Path = MODELS_DIR,
) -> None:
    """Copy the run's input rows that `only` selects (per ingest table) into con and build
    the models a story reads, and every model they read, on them with the run's
    configuration and as_of, as its audit does (duaal/history/audit.py): the rows every story reads
    are the rows the decision is built from."""
    copy_run_inputs(con, run.run_id, only=only)
    build_models(con, parse_rule_config(run.config_text), run.as_of, models_dir, targets=models)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The rows of a query, each a dict by column name."""
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    """The first row of a query by column name, or None."""
    found = rows(con, sql, params)
    return found[0] if found else None


def code_label(con: duckdb.DuckDBPyConnection, kind: str, code: str) -> str:
    """The Dutch label of a code, as the rebuilt run's code table (cfg_codes) fills it."""
    found = con.execute(
        "SELECT label FROM cfg_codes WHERE kind = ? AND code = ?", [kind, code]
    ).fetchone()
    return found[0] if found else code


def parameters(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The rule parameters of the rebuilt run (cfg_parameters), to name them in a story."""
    found = one(con, "SELECT * FROM cfg_parameters", [])
    assert found is not None, "build_models writes cfg_parameters"
    return found
