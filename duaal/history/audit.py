"""`duaal audit RUN_ID`: recompute a past run from the inputs it used and compare.

The recomputation happens in a private in-memory database: the run's batches are copied
from the (read-only) database file, the rules are built with the run's own stored
configuration and as_of, and validation runs again. The digests of the recomputed
decisions, findings and payment reconciliation must equal those recorded with the run, and
so must the digests of the rows stored for the run: an edited stored decision is caught
either way.

A run recorded before payments were reconciled has no payments digest and no stored
payments: its configuration has no payment_expected_months, so its recomputation
reconciles nothing either, and both are the digest of no rows. A validation check that
the run's code did not run in the same form (a suite or check added or changed since, by
another code version) cannot be compared; the audit names those checks and does not count
them as differences.

A run whose inputs `duaal purge` pseudonymised cannot be recomputed to its recorded
digests; its audit says which purge it was and when (PurgedRun) instead of differences.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from duaal.common.db import attach_read_only, completed_run
from duaal.common.digests import (
    DECISION_KEY,
    DIGESTS,
    OUTPUTS,
    digest_rows,
    output_digests,
    quarantine_digest,
    run_tables,
)
from duaal.common.version import code_version
from duaal.history.purge import purged_run
from transforms.models import build_models
from transforms.rule_config import parse_rule_config
from transforms.schema import DECISION_COLUMNS, PAYMENT_COLUMNS, ensure_schema
from transforms.sources import SOURCES

# the digest of no rows: what a run recorded before payments were reconciled stands for
NO_ROWS = digest_rows([])


@dataclass
class AuditResult:
    run_id: str
    as_of: date
    recorded: dict[str, str]
    recomputed: dict[str, str]
    stored: dict[str, str]  # digests of the rows stored with the run
    decision_differences: list[str] = field(default_factory=list)
    payment_differences: list[str] = field(default_factory=list)
    validation_differences: list[str] = field(default_factory=list)
    # checks run in one form only, by the run's code or by this one: not compared
    validation_not_compared: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return (
            self.recorded == self.recomputed == self.stored
            and not self.decision_differences
            and not self.payment_differences
            and not self.validation_differences
        )


class UnknownRun(LookupError):
    """No run with that id in the database."""


class PurgedRun(LookupError):
    """A purge changed the run's inputs: its digests cannot be recomputed any more."""


def audit(db: Path, run_id: str, *, timeout_s: float = 60.0, validate: bool = True) -> AuditResult:
    """Recompute a run's rules (and validation) from its stored inputs and compare digests."""
    con = attach_read_only(db, timeout_s=timeout_s)
    try:
        run = completed_run(
            con, run_id, UnknownRun, table="src.runs", where=str(db), otherwise="nothing to audit"
        )
        as_of = run["as_of"]
        purged = purged_run(con, run_id, schema="src")
        if purged is not None:
            purge_id, purged_at, before = purged
            raise PurgedRun(
                f"run {run_id} cannot be recomputed: its inputs were purged by {purge_id} on "
                f"{purged_at:%Y-%m-%d %H:%M} (personal data of people done before school year "
                f"{before}); its recorded digests and outputs are kept as they were"
            )
        copy_run_inputs(con, run_id)
        recomputed = recompute(con, run["rule_config"], as_of)
        recomputed["quarantine"] = quarantine_digest(con, run_id, schema="src")
        stored = output_digests(con, stored_tables(con), "WHERE run_id = ?", [run_id])
        stored["quarantine"] = recomputed["quarantine"]
        result = AuditResult(
            run_id=run_id,
            as_of=as_of,
            recorded=recorded_digests(run),
            recomputed=recomputed,
            stored=stored,
            decision_differences=decision_differences(con, run_id),
            payment_differences=payment_differences(con, run_id),
        )
        if validate:
            same_code = run["code_version"] == code_version()
            differences, not_compared = validation_differences(con, run_id, same_code=same_code)
            result.validation_differences = differences
            result.validation_not_compared = not_compared
        return result
    finally:
        con.close()


def recorded_digests(run: dict) -> dict[str, str]:
    """The digests recorded with a run; a run recorded before payments were reconciled has
    none for payments: it recorded no rows."""
    recorded = {kind: run.get(f"digest_{kind}") for kind in DIGESTS}
    return recorded | {"payments": recorded["payments"] or NO_ROWS}


def stored_tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The run tables of the database `src`; a database last written before
    payments were reconciled has no run_payments, so the run stored none: the empty table
    of the in-memory database (ensure_schema) stands in for it."""
    present = {
        name
        for (name,) in con.execute(
            # attached (audit) or a schema of the in-memory database (verify)
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = 'src' OR schema_name = 'src'"
        ).fetchall()
    }
    return {
        kind: table if table.removeprefix("src.") in present else table.removeprefix("src.")
        for kind, table in run_tables("src").items()
    }


def copy_run_inputs(
    con: duckdb.DuckDBPyConnection, run_id: str, only: dict[str, str] | None = None
) -> None:
    """Copy the ingest rows of a run's batches from the attached database `src` into the
    in-memory one (with `only`, per ingest table an extra SQL condition on its rows), with
    the batches themselves: their export dates and files order the versions
    (transforms/versions.py)."""
    ensure_schema(con)
    con.execute(
        "INSERT INTO load_batches BY NAME SELECT * FROM src.load_batches "
        "WHERE batch_id IN (SELECT batch_id FROM src.run_batches WHERE run_id = ?)",
        [run_id],
    )
    for source in SOURCES:
        extra = f" AND ({only[source.table]})" if only and source.table in only else ""
        con.execute(
            f"INSERT INTO {source.table} BY NAME SELECT * FROM src.{source.table} "
            "WHERE batch_id IN (SELECT batch_id FROM src.run_batches WHERE run_id = ?)" + extra,
            [run_id],
        )
    # the quarantine too: a quarantined newer row is named in the decisions that use the
    # older one (int_superseded_rows)
    con.execute(
        "INSERT INTO quarantine BY NAME SELECT * FROM src.quarantine "
        "WHERE batch_id IN (SELECT batch_id FROM src.run_batches WHERE run_id = ?)",
        [run_id],
    )


def recompute(con: duckdb.DuckDBPyConnection, config_text: str, as_of: date) -> dict[str, str]:
    """Build the models on the ingest rows in con with a run's configuration and as_of, and
    return the digests of the recomputed decisions and findings. `duaal audit`, `duaal
    verify` (on a bundle's inputs) and `duaal explain` all recompute through here."""
    build_models(con, parse_rule_config(config_text), as_of)
    return output_digests(con)


def decision_differences(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Decisions that differ between the recomputation and the rows stored with the run."""
    return _row_differences(con, run_id, "decisions", DECISION_COLUMNS)


def payment_differences(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Payment reconciliation rows that differ between the recomputation and the rows
    stored with the run (none stored before payments were reconciled)."""
    return _row_differences(con, run_id, "payments", PAYMENT_COLUMNS)


def _row_differences(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    kind: str,
    columns: tuple[tuple[str, str], ...],
) -> list[str]:
    """Rows of one output, keyed by school year and pair, that differ between the
    recomputed mart and the run table of `src` (or its stand-in, stored_tables)."""
    names = [n for n, _ in columns]
    key = " AND ".join(f"r.{k} = s.{k}" for k in DECISION_KEY)
    compared = [n for n in names if n not in DECISION_KEY]
    differs = " OR ".join(f"r.{n} IS DISTINCT FROM s.{n}" for n in compared)
    rows = con.execute(
        f"""
        WITH stored AS (SELECT * FROM {stored_tables(con)[kind]} WHERE run_id = ?)
        SELECT coalesce(r.school_year, s.school_year), coalesce(r.company_kbo, s.company_kbo),
               coalesce(r.learner_insz, s.learner_insz),
               r.school_year IS NULL AS only_stored, s.school_year IS NULL AS only_recomputed,
               {", ".join(f"r.{n}, s.{n}" for n in compared)}
        FROM {OUTPUTS[kind].mart} r FULL OUTER JOIN stored s ON {key}
        WHERE r.school_year IS NULL OR s.school_year IS NULL OR {differs}
        ORDER BY 1, 2, 3
        """,
        [run_id],
    ).fetchall()
    out = []
    for row in rows:
        year, kbo, insz, only_stored, only_recomputed = row[:5]
        label = f"{year} company {kbo} learner {insz}"
        if only_stored:
            out.append(f"{label}: stored with the run but not recomputed")
            continue
        if only_recomputed:
            out.append(f"{label}: recomputed but missing from the stored {kind}")
            continue
        values = row[5:]
        changes = [
            f"{n} recomputed {values[2 * i]!r}, stored {values[2 * i + 1]!r}"
            for i, n in enumerate(compared)
            if values[2 * i] != values[2 * i + 1]
        ]
        out.append(f"{label}: " + "; ".join(changes))
    return out


def validation_differences(
    con: duckdb.DuckDBPyConnection, run_id: str, *, same_code: bool = True
) -> tuple[list[str], list[str]]:
    """Expectations whose outcome differs between the recomputation and the stored results,
    and the checks that cannot be compared. A check is compared with the stored check of the
    same definition (suite, expectation, column and kwargs, a value set from the registry
    included). Under the run's own code version (same_code) every check must be on both
    sides: a missing one is a difference. Under another code version a check on one side
    only was added, changed or removed since the run: it is not compared, only named."""
    from expectations.validate import validate

    audit_id = f"audit-{run_id}"
    with tempfile.TemporaryDirectory() as docs:
        validate(con, audit_id, Path(docs))
    rows = con.execute(
        """
        WITH stored AS (SELECT * FROM src.validation_results WHERE run_id = ?),
        recomputed AS (SELECT * FROM validation_results WHERE run_id = ?)
        SELECT coalesce(r.suite, s.suite), coalesce(r.expectation, s.expectation),
               coalesce(r.column_name, s.column_name), s.success, r.success,
               s.unexpected_count, r.unexpected_count,
               s.suite IS NULL OR r.suite IS NULL AS one_sided
        FROM recomputed r FULL OUTER JOIN stored s
          ON r.suite = s.suite AND r.expectation = s.expectation
         AND r.column_name IS NOT DISTINCT FROM s.column_name
         AND r.kwargs IS NOT DISTINCT FROM s.kwargs
        WHERE r.success IS DISTINCT FROM s.success
           OR r.unexpected_count IS DISTINCT FROM s.unexpected_count
        ORDER BY 1, 2, 3
        """,
        [run_id, audit_id],
    ).fetchall()
    differences, not_compared = [], []
    for suite, exp, col, s_ok, r_ok, s_n, r_n, one_sided in rows:
        check = f"{suite}: {exp}({col or ''})"
        if one_sided and not same_code:
            side = "the run's code only" if r_ok is None else "this code only"
            not_compared.append(f"{check} run by {side}")
            continue
        differences.append(
            f"{check} stored success={s_ok} unexpected={s_n}, "
            f"recomputed success={r_ok} unexpected={r_n}"
        )
    return differences, not_compared
