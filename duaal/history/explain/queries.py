"""What a story tells, read from the models rebuilt on the run's rows (duaal/history/explain/run.py)
and from what the run stored: the rows and columns the decision itself was built from, never
a rule worked out again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from duaal.history.audit import stored_tables
from duaal.history.explain.run import Run, one, rows
from transforms.sources import PREMIUMS, RECOGNITIONS

PAIR_YEAR = "school_year = ? AND company_kbo = ? AND learner_insz = ?"

# the models a learner's story reads (the models they read are built too)
LEARNER_MODELS = (
    "int_agreement_conditions",
    "int_pair_school_years",
    "int_dimona_counted",
    "int_training_pieces",
    "int_training_intervals",
    "int_covered_months",
    "int_premiums_before",
    PREMIUMS.staging,
    "fct_premium_decisions",
    "fct_payment_reconciliation",
)
# the models a mentor's story reads
MENTOR_MODELS = (
    RECOGNITIONS.staging,
    "int_mentors",
    "int_agreements",
    "int_mentor_load",
)

# every Dimona period of the learner in the pair's school year, each with its pieces (one
# per basis agreement it was cut to, or one without an agreement) and the period itself
PERIODS = """
SELECT pieces.*, periods.worker_type, periods.start_date, periods.end_date,
    periods.company_kbo AS dimona_company_kbo, periods.status, periods.file_name,
    periods.row_number
FROM int_training_pieces AS pieces
INNER JOIN int_dimona_counted AS periods USING (dimona_id)
WHERE pieces.school_year = ? AND pieces.company_kbo = ? AND pieces.learner_insz = ?
ORDER BY periods.start_date, pieces.dimona_id, pieces.piece_start, pieces.agreement_id
"""


@dataclass(frozen=True)
class Facts:
    """Everything the story of one decision tells."""

    stored: dict[str, Any]  # the decision as the run stored it (run_decisions)
    recomputed: dict[str, Any] | None  # the same decision rebuilt (fct_premium_decisions)
    amounts_configured: bool  # the configuration has the school year's amounts
    agreements: list[dict[str, Any]]  # int_agreement_conditions: the four conditions each
    pair: dict[str, Any] | None  # int_pair_school_years: what the decision aggregated
    periods: list[dict[str, Any]]  # int_training_pieces with the Dimona period of each
    intervals: list[dict[str, Any]]  # int_training_intervals: m, r, d and units each
    covered: dict[str, Any] | None  # int_covered_months: the sum, the threshold, as_of
    premiums: dict[str, Any] | None  # int_premiums_before: the years and where from
    paid: list[dict[str, Any]]  # the premium history rows of the years paid before
    payment: dict[str, Any] | None  # the reconciliation as the run stored it (run_payments)
    payment_recomputed: dict[str, Any] | None  # the same, rebuilt (fct_payment_reconciliation)

    @property
    def key(self) -> list[str]:
        return [self.stored["school_year"], self.stored["company_kbo"], self.stored["learner_insz"]]


def stored_decisions(
    con: duckdb.DuckDBPyConnection, run: Run, insz: str, kbo: str | None, school_year: str | None
) -> list[dict[str, Any]]:
    """The decisions of the learner the run stored, per company and school year."""
    return rows(
        con,
        "SELECT * EXCLUDE (run_id) FROM src.run_decisions WHERE run_id = ? AND learner_insz = ? "
        "AND (? IS NULL OR company_kbo = ?) AND (? IS NULL OR school_year = ?) "
        "ORDER BY company_kbo, school_year",
        [run.run_id, insz, kbo, kbo, school_year, school_year],
    )


def _of_pair(con: duckdb.DuckDBPyConnection, model: str, key: list[str], order: str) -> list:
    return rows(con, f"SELECT * FROM {model} WHERE {PAIR_YEAR} ORDER BY {order}", key)


def read_facts(con: duckdb.DuckDBPyConnection, run: Run, stored: dict[str, Any]) -> Facts:
    """The facts of one stored decision, from the rebuilt models of its pair and year."""
    key = [stored["school_year"], stored["company_kbo"], stored["learner_insz"]]
    premiums = one(con, f"SELECT * FROM int_premiums_before WHERE {PAIR_YEAR}", key)
    return Facts(
        stored=stored,
        recomputed=one(con, f"SELECT * FROM fct_premium_decisions WHERE {PAIR_YEAR}", key),
        amounts_configured=bool(
            con.execute(
                "SELECT count(*) FROM cfg_amounts WHERE school_year = ?", key[:1]
            ).fetchone()[0]
        ),
        agreements=_of_pair(con, "int_agreement_conditions", key, "start_date, agreement_id"),
        pair=one(con, f"SELECT * FROM int_pair_school_years WHERE {PAIR_YEAR}", key),
        periods=rows(con, PERIODS, key),
        intervals=_of_pair(con, "int_training_intervals", key, "interval_start"),
        covered=one(con, f"SELECT * FROM int_covered_months WHERE {PAIR_YEAR}", key),
        premiums=premiums,
        paid=_paid_rows(con, key, premiums["paid_years_before"] if premiums else []),
        payment=one(
            con,
            f"SELECT * EXCLUDE (run_id) FROM {_payments(con)} WHERE run_id = ? AND {PAIR_YEAR}",
            [run.run_id, *key],
        ),
        payment_recomputed=one(
            con, f"SELECT * FROM fct_payment_reconciliation WHERE {PAIR_YEAR}", key
        ),
    )


def _payments(con: duckdb.DuckDBPyConnection) -> str:
    """The run table of the payment reconciliation; a database last written before payments
    were reconciled has none (its runs stored no rows): the empty one of the rebuild."""
    return stored_tables(con)["payments"]


def _paid_rows(con: duckdb.DuckDBPyConnection, key: list[str], years: list[str]) -> list:
    """The premium history rows of the pair in the years the premiums before counted paid."""
    return rows(
        con,
        f"SELECT * FROM {PREMIUMS.staging} WHERE company_kbo = ? AND learner_insz = ? "
        "AND list_contains(?, school_year) ORDER BY school_year, kind",
        [key[1], key[2], years],
    )


def paid_without_decision(
    con: duckdb.DuckDBPyConnection, run: Run, insz: str, kbo: str | None, school_year: str | None
) -> bool:
    """Whether the run stored a premium paid to the learner in a year without a decision
    (before the rebuild; a database last written before payments were reconciled has none)."""
    if not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'src' "
        "AND table_name = 'run_payments'"
    ).fetchone()[0]:
        return False
    return bool(payments_without_decision(con, run, insz, kbo, school_year, "src.run_payments"))


def payments_without_decision(
    con: duckdb.DuckDBPyConnection,
    run: Run,
    insz: str,
    kbo: str | None,
    school_year: str | None,
    table: str | None = None,
) -> list[dict[str, Any]]:
    """The premiums the run found paid for the learner in a school year without a decision
    (status no_decision), as it stored them."""
    return rows(
        con,
        f"SELECT * EXCLUDE (run_id) FROM {table or _payments(con)} WHERE run_id = ? "
        "AND learner_insz = ? AND status = 'no_decision' AND (? IS NULL OR company_kbo = ?) "
        "AND (? IS NULL OR school_year = ?) ORDER BY company_kbo, school_year",
        [run.run_id, insz, kbo, kbo, school_year, school_year],
    )


@dataclass(frozen=True)
class MentorFacts:
    """Everything a mentor's story tells."""

    recognitions: list[dict[str, Any]]  # stg_werkplekduaal__recognitions
    mentor: dict[str, Any] | None  # int_mentors: the deadline and the training judged
    agreements: list[dict[str, Any]]  # int_agreements naming the mentor
    load: dict[str, Any] | None  # int_mentor_load: the peak, its day and agreements
    findings: list[dict[str, Any]]  # the run's stored findings about the mentor


def read_mentor_facts(con: duckdb.DuckDBPyConnection, run: Run, insz: str) -> MentorFacts:
    """The facts of a mentor's story, from the rebuilt models and the run's findings."""
    return MentorFacts(
        recognitions=rows(
            con,
            f"SELECT * FROM {RECOGNITIONS.staging} WHERE mentor_insz = ? "
            "ORDER BY recognition_date, recognition_id",
            [insz],
        ),
        mentor=one(con, "SELECT * FROM int_mentors WHERE mentor_insz = ?", [insz]),
        agreements=rows(
            con,
            "SELECT * FROM int_agreements WHERE mentor_insz = ? ORDER BY start_date, agreement_id",
            [insz],
        ),
        load=one(con, "SELECT * FROM int_mentor_load WHERE mentor_insz = ?", [insz]),
        findings=rows(
            con,
            "SELECT code, severity, agreement_id, detail FROM src.run_findings WHERE run_id = ? "
            "AND mentor_insz = ? ORDER BY code, agreement_id NULLS FIRST, detail",
            [run.run_id, insz],
        ),
    )
