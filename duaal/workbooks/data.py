"""What the workbooks read from the database: a run, its decisions, findings, inputs and quarantine.

Every query sorts on a full key, so two writes of one run give the same rows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from duaal.db import DECISION_COLUMNS, FINDING_COLUMNS
from transforms.rule_config import RuleConfig, parse_rule_config

Row = dict[str, Any]


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    config: RuleConfig
    rule_config_hash: str
    code_version: str | None


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[Row]:
    """The result of a query as dicts keyed by column name."""
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def load_run(con: duckdb.DuckDBPyConnection, run_id: str) -> RunInfo:
    """The recorded run; ValueError when the database has no such run."""
    found = con.execute(
        "SELECT as_of, started_at, finished_at, rule_config, rule_config_hash, code_version "
        "FROM runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    if found is None:
        raise ValueError(f"run {run_id!r} is not in the database")
    as_of, started, finished, config_text, config_hash, code_version = found
    return RunInfo(
        run_id, as_of, started, finished, parse_rule_config(config_text), config_hash, code_version
    )


def decision_years(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The school years that have decisions in the run, oldest first."""
    sql = "SELECT DISTINCT school_year FROM run_decisions WHERE run_id = ? ORDER BY school_year"
    return [r[0] for r in con.execute(sql, [run_id]).fetchall()]


def load_decisions(con: duckdb.DuckDBPyConnection, run_id: str, school_year: str) -> list[Row]:
    """The run's decisions of one school year, by office, company and learner."""
    cols = ", ".join(name for name, _ in DECISION_COLUMNS)
    return _rows(
        con,
        f"SELECT {cols} FROM run_decisions WHERE run_id = ? AND school_year = ? "
        "ORDER BY office NULLS LAST, company_name, company_kbo, learner_name, learner_insz, "
        "agreement_ids",
        [run_id, school_year],
    )


def load_findings(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The run's compliance findings, sorted as the findings export (code, agreement, mentor)."""
    cols = ", ".join(name for name, _ in FINDING_COLUMNS)
    return _rows(
        con,
        f"SELECT {cols} FROM run_findings WHERE run_id = ? "
        "ORDER BY code, agreement_id NULLS FIRST, mentor_insz NULLS FIRST, company_kbo, "
        "learner_insz, office, detail",
        [run_id],
    )


def load_input_files(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The batches the run used: file, hash and row counts."""
    return _rows(
        con,
        "SELECT b.source, b.file_name, b.sheet_name, b.sha256, b.status, b.rows_read, "
        "b.rows_accepted, b.rows_quarantined, b.rows_blank, b.reason "
        "FROM run_batches r JOIN load_batches b USING (batch_id) WHERE r.run_id = ? "
        "ORDER BY b.source, b.file_name, b.batch_id",
        [run_id],
    )


def load_quarantine(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The refused rows of the run's batches, sorted as the quarantine export."""
    return _rows(
        con,
        "SELECT q.source, q.file_name, q.sheet_name, q.row_number, q.reason, q.detail "
        "FROM quarantine q WHERE q.batch_id IN "
        "(SELECT batch_id FROM run_batches WHERE run_id = ?) "
        "ORDER BY q.source, q.file_name, q.row_number, q.reason, q.detail",
        [run_id],
    )


def _has_tables(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    """Whether every named table or view exists in the current schema."""
    found = con.execute(
        "SELECT count(DISTINCT table_name) FROM information_schema.tables "
        "WHERE table_name IN (SELECT unnest(?::VARCHAR[]))",
        [list(names)],
    ).fetchone()
    return found is not None and found[0] == len(names)


def load_brussels_mentors(con: duckdb.DuckDBPyConnection, school_year: str) -> list[Row]:
    """Brussels establishments and their mentors with agreements active in the school year."""
    if not _has_tables(con, "stg_werkplekduaal__agreements", "cfg_geography"):
        raise ValueError(
            "the Brussels (Actiris) sheet needs the tables stg_werkplekduaal__agreements and "
            "cfg_geography: build the models before writing the reports"
        )
    year_start = date(int(school_year[:4]), 9, 1)
    year_end = date(int(school_year[5:9]), 8, 31)
    return _rows(
        con,
        """
        WITH agreements AS (
            SELECT a.*, g.office,
                -- an early termination ends the agreement before its planned end date
                least(a.end_date, coalesce(a.termination_date, a.end_date)) AS effective_end
            FROM stg_werkplekduaal__agreements a
            JOIN cfg_geography g
              ON a.establishment_postcode BETWEEN g.postcode_from AND g.postcode_to
            WHERE g.province = 'Brussel'
        )
        SELECT office, company_name, company_kbo, establishment_id, establishment_postcode,
            establishment_municipality, mentor_name, mentor_insz,
            count(DISTINCT learner_insz) AS learners,
            string_agg(DISTINCT agreement_id, ';' ORDER BY agreement_id) AS agreement_ids
        FROM agreements
        WHERE start_date <= ? AND effective_end >= ?
        GROUP BY ALL
        ORDER BY company_name, company_kbo, establishment_id, mentor_name, mentor_insz
        """,
        [year_end, year_start],
    )
