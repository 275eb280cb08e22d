"""What the workbooks read from the database: a run, its decisions, findings, inputs and quarantine.

Every query sorts on a full key, so two writes of one run give the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from duaal.common.db import run_record
from duaal.outputs.workbooks.labels import CodeLabels, code_labels
from transforms.contracts import contract
from transforms.rule_config import RuleConfig, parse_rule_config
from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS, PAYMENT_COLUMNS
from transforms.school_years import school_year_end
from transforms.sources import AGREEMENTS, DIMONA, PREMIUMS, RECOGNITIONS, Source
from transforms.versions import batch_versions, run_quarantine

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

    @property
    def labels(self) -> CodeLabels:
        """The Dutch labels of the codes, filled from the run's rule configuration."""
        return code_labels(self.config)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[Row]:
    """The result of a query as dicts keyed by column name."""
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def load_run(con: duckdb.DuckDBPyConnection, run_id: str) -> RunInfo:
    """The recorded run; ValueError when the database has no such run."""
    run = run_record(con, run_id)
    if run is None:
        raise ValueError(f"run {run_id!r} is not in the database")
    return RunInfo(
        run_id,
        run["as_of"],
        run["started_at"],
        run["finished_at"],
        parse_rule_config(run["rule_config"]),
        run["rule_config_hash"],
        run["code_version"],
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


# Where a finding or a quarantined row belongs is the models' rule (transforms/marts/dim_*):
# an establishment's office is the office its agreements' postcodes give it, a company's when
# all its agreements lie in one office, a mentor's place that of the first recognition.
PLACE_MARTS = (
    "dim_agreement_places",
    "dim_establishment_offices",
    "dim_company_offices",
    "dim_mentor_places",
)


def load_findings(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The run's compliance findings, sorted as the findings export (code, agreement, mentor).

    A finding about a mentor (no agreement, no company) gets the company and establishment
    of the mentor's first recognition, and the office of that establishment; `establishment_id`
    is the agreement's establishment for the others, where the agreement is known."""
    _require(con, *PLACE_MARTS)
    cols = ", ".join(f"f.{name}" for name, _ in FINDING_COLUMNS if name not in _MENTOR_FILLED)
    return _rows(
        con,
        f"""
        SELECT {cols},
            coalesce(f.company_kbo, r.company_kbo) AS company_kbo,
            coalesce(f.company_name, co.company_name) AS company_name,
            coalesce(f.office, eo.office, co.office) AS office,
            coalesce(a.establishment_id, r.establishment_id) AS establishment_id
        FROM run_findings f
        LEFT JOIN dim_mentor_places r
          ON f.agreement_id IS NULL AND f.company_kbo IS NULL AND r.mentor_insz = f.mentor_insz
        LEFT JOIN dim_establishment_offices eo ON eo.establishment_id = r.establishment_id
        LEFT JOIN dim_company_offices co ON co.company_kbo = r.company_kbo
        LEFT JOIN dim_agreement_places a ON a.agreement_id = f.agreement_id
        WHERE f.run_id = ?
        ORDER BY f.code, f.agreement_id NULLS FIRST, f.mentor_insz NULLS FIRST, f.company_kbo,
            f.learner_insz, f.office, f.detail
        """,
        [run_id],
    )


_MENTOR_FILLED = ("company_kbo", "company_name", "office")


def load_input_files(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The batches the run used: file, hash, row counts and the refusal reason in Dutch.
    A load that a later load of the same file replaced is not used (transforms/versions.py)."""
    return _input_files(con, run_id)


def _input_files(
    con: duckdb.DuckDBPyConnection, run_id: str, where: str = "", params: Sequence[object] = ()
) -> list[Row]:
    """load_input_files, with a further condition on the batch `b`."""
    in_effect = batch_versions("SELECT batch_id FROM run_batches WHERE run_id = ?")
    return _rows(
        con,
        "SELECT b.source, b.file_name, b.sheet_name, b.sha256, b.status, b.rows_read, "
        "b.rows_accepted, b.rows_quarantined, b.rows_blank, "
        "coalesce(b.reason_nl, b.reason) AS reason "
        "FROM run_batches r JOIN load_batches b USING (batch_id) WHERE r.run_id = ? "
        f"AND (b.status <> 'loaded' OR b.batch_id IN (SELECT batch_id FROM {in_effect})) "
        f"{where} ORDER BY b.source, b.file_name, b.batch_id",
        [run_id, run_id, *params],
    )


# Per source with a school year of its own, the batches whose rows in effect (its staging
# table, the newest version of each row) hold for a school year or an earlier one: a
# decision counts the premiums of the earlier years (its cap, int_premiums_before), so the
# rows of those years go into it too. An agreement and a Dimona period from their start (by
# the year's 31 August), a premium by its school year: the condition and its parameter.
YEAR_ROWS: dict[Source, tuple[str, Callable[[str], object]]] = {
    AGREEMENTS: ("start_date <= ?", school_year_end),
    DIMONA: ("start_date <= ?", school_year_end),
    PREMIUMS: ("school_year <= ?", str),
}


def load_year_files(con: duckdb.DuckDBPyConnection, run_id: str, school_year: str) -> list[Row]:
    """The run's input files (as load_input_files) that hold a row in effect for the school
    year or a year before it (YEAR_ROWS, from the lineage of the staging tables); of a source
    without a school year of its own (the recognitions register) every file. A refused file,
    or one whose every row was quarantined or replaced by a newer export, holds none."""
    _require(con, *(source.staging for source in YEAR_ROWS))
    folders = ", ".join(f"'{source.folder}'" for source in YEAR_ROWS)
    rows = " UNION ".join(
        f"SELECT batch_id FROM {source.staging} WHERE {held}"
        for source, (held, _) in YEAR_ROWS.items()
    )
    params = [parameter(school_year) for _, parameter in YEAR_ROWS.values()]
    return _input_files(
        con, run_id, f"AND (b.source NOT IN ({folders}) OR b.batch_id IN ({rows}))", params
    )


def _raw(source: Source, name: str) -> str:
    """The value of a column in a quarantined row's raw_values (keyed by the file's header)."""
    header = next(c.header for c in source.columns if c.name == name)
    return f"""json_extract_string(q.raw_values, '$."{header}"')"""


def load_quarantine(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The refused rows of the run's batches in effect (a file loaded again under its name
    replaced its earlier load), sorted as the quarantine export, with the office
    each belongs to where the row tells: the postcode of its establishment, else its
    agreement, else its establishment, else its company (when that company is in one office)."""
    _require(con, *PLACE_MARTS)
    return _rows(
        con,
        f"""
        WITH refused AS (
            SELECT q.source, q.file_name, q.sheet_name, q.row_number, q.reason, q.detail,
                try_cast({_raw(AGREEMENTS, "establishment_postcode")} AS INTEGER) AS postcode,
                {_raw(AGREEMENTS, "agreement_id")} AS agreement_id,
                {_raw(RECOGNITIONS, "establishment_id")} AS establishment_id,
                lpad(regexp_replace(coalesce({_raw(AGREEMENTS, "company_kbo")}, ''),
                    '[^0-9]', '', 'g'), 10, '0') AS company_kbo
            FROM {run_quarantine()} q
        )
        SELECT q.source, q.file_name, q.sheet_name, q.row_number, q.reason, q.detail,
            coalesce(g.office, a.office, eo.office, co.office) AS office
        FROM refused q
        LEFT JOIN cfg_geography g ON q.postcode BETWEEN g.postcode_from AND g.postcode_to
        LEFT JOIN dim_agreement_places a ON a.agreement_id = q.agreement_id
        LEFT JOIN dim_establishment_offices eo ON eo.establishment_id = q.establishment_id
        LEFT JOIN dim_company_offices co ON co.company_kbo = q.company_kbo
        ORDER BY q.source, q.file_name, q.row_number, q.reason, q.detail
        """,
        [run_id],
    )


def load_run_checks(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Row]:
    """The run's input checks in the order the terminal lists them, with the Dutch message."""
    return _rows(
        con,
        "SELECT code, severity, source, file_name, row_number, message_nl FROM run_checks "
        "WHERE run_id = ? ORDER BY check_seq",
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


def _require(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    """ValueError unless the tables (and cfg_geography) exist: the models must be built."""
    names = [*tables, "cfg_geography"]
    if not _has_tables(con, *names):
        raise ValueError(
            f"the workbooks need the tables {', '.join(names)}: "
            "build the models before writing the reports"
        )


ACTIONS = "fct_action_items"


def load_action_items(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Row]:
    """The Actielijst (the mart fct_action_items) in its order (action_rank): what can still
    be saved first. The mart counts its days from the as_of it was built at: ValueError when
    that is not the run's, rather than a list whose days are another day's."""
    _require(con, ACTIONS, "cfg_parameters")
    built = con.execute("SELECT as_of FROM cfg_parameters").fetchone()
    if built is None or built[0] != as_of:
        raise ValueError(
            f"{ACTIONS} was built for as_of {built[0] if built else None}, the run's is "
            f"{as_of}: build the models of this run before writing its reports"
        )
    cols = ", ".join(contract(ACTIONS).names)
    return _rows(con, f"SELECT {cols} FROM {ACTIONS} ORDER BY action_rank", [])


def load_brussels_mentors(con: duckdb.DuckDBPyConnection, school_year: str) -> list[Row]:
    """Brussels establishments and their mentors with agreements active in the school year,
    with the Actiris mentor premium they may ask (the mart fct_actiris_mentor_premiums)."""
    _require(con, "fct_actiris_mentor_premiums")
    return _rows(
        con,
        """
        SELECT office, company_name, company_kbo, establishment_id, establishment_postcode,
            establishment_municipality, mentor_name, mentor_insz, learners, agreement_ids,
            premium_possible, premium_eur
        FROM fct_actiris_mentor_premiums
        WHERE school_year = ?
        ORDER BY company_name, company_kbo, establishment_id, mentor_name, mentor_insz
        """,
        [school_year],
    )


def load_payments(
    con: duckdb.DuckDBPyConnection, run: RunInfo, school_year: str
) -> list[Row] | None:
    """The run's payment reconciliation of one school year (run_payments; none for a
    school year still running), sorted as the payments export, with the learner's name
    from the run's decisions (the pair's that year; without one, the learner's latest).
    None when the run reconciled no payments: its rule configuration has no
    payment_expected_months (a run recorded before payments were reconciled)."""
    if run.config.premium.payment_expected_months is None:
        return None
    cols = ", ".join(f"p.{name}" for name, _ in PAYMENT_COLUMNS)
    return _rows(
        con,
        f"""
        WITH names AS (
            SELECT learner_insz,
                first(learner_name ORDER BY school_year DESC, learner_name) AS learner_name
            FROM run_decisions
            WHERE run_id = ? AND learner_name IS NOT NULL
            GROUP BY learner_insz
        )
        SELECT {cols}, coalesce(d.learner_name, n.learner_name) AS learner_name
        FROM run_payments p
        LEFT JOIN run_decisions d
          ON d.run_id = p.run_id AND d.school_year = p.school_year
          AND d.company_kbo = p.company_kbo AND d.learner_insz = p.learner_insz
        LEFT JOIN names n ON n.learner_insz = p.learner_insz
        WHERE p.run_id = ? AND p.school_year = ?
        ORDER BY p.school_year, p.company_kbo, p.learner_insz
        """,
        [run.run_id, run.run_id, school_year],
    )
