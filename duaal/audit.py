"""`duaal audit RUN_ID`: recompute a past run from the inputs it used and compare.

The recomputation happens in a private in-memory database: the run's batches are copied
from the (read-only) database file, the rules are built with the run's own stored
configuration and as_of, and validation runs again. The digests of the recomputed
decisions and findings must equal those recorded with the run, and so must the digests
of the rows stored for the run: an edited stored decision is caught either way.

A run whose inputs `duaal purge` pseudonymised cannot be recomputed to its recorded
digests; its audit says which purge it was and when (PurgedRun) instead of differences.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from duaal.db import attach_read_only, completed_run
from duaal.pipeline import DECISION_KEY, output_digests, quarantine_digest
from duaal.purge import purged_run
from transforms.models import build_models
from transforms.rule_config import parse_rule_config
from transforms.schema import DECISION_COLUMNS, ensure_schema
from transforms.sources import SOURCES


@dataclass
class AuditResult:
    run_id: str
    as_of: date
    recorded: dict[str, str]
    recomputed: dict[str, str]
    stored: dict[str, str]  # digests of the rows stored with the run
    decision_differences: list[str] = field(default_factory=list)
    validation_differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return (
            self.recorded == self.recomputed == self.stored
            and not self.decision_differences
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
        stored = output_digests(
            con, "src.run_decisions", "src.run_findings", "WHERE run_id = ?", [run_id]
        )
        stored["quarantine"] = recomputed["quarantine"]
        result = AuditResult(
            run_id=run_id,
            as_of=as_of,
            recorded={
                kind: run[f"digest_{kind}"] for kind in ("decisions", "findings", "quarantine")
            },
            recomputed=recomputed,
            stored=stored,
            decision_differences=decision_differences(con, run_id),
        )
        if validate:
            result.validation_differences = validation_differences(con, run_id)
        return result
    finally:
        con.close()


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
    return output_digests(con, "fct_premium_decisions", "fct_compliance_findings")


def decision_differences(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Decisions that differ between the recomputation and the rows stored with the run."""
    names = [n for n, _ in DECISION_COLUMNS]
    key = " AND ".join(f"r.{k} = s.{k}" for k in DECISION_KEY)
    compared = [n for n in names if n not in DECISION_KEY]
    differs = " OR ".join(f"r.{n} IS DISTINCT FROM s.{n}" for n in compared)
    rows = con.execute(
        f"""
        WITH stored AS (SELECT * FROM src.run_decisions WHERE run_id = ?)
        SELECT coalesce(r.school_year, s.school_year), coalesce(r.company_kbo, s.company_kbo),
               coalesce(r.learner_insz, s.learner_insz),
               r.school_year IS NULL AS only_stored, s.school_year IS NULL AS only_recomputed,
               {", ".join(f"r.{n}, s.{n}" for n in compared)}
        FROM fct_premium_decisions r FULL OUTER JOIN stored s ON {key}
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
            out.append(f"{label}: recomputed but missing from the stored decisions")
            continue
        values = row[5:]
        changes = [
            f"{n} recomputed {values[2 * i]!r}, stored {values[2 * i + 1]!r}"
            for i, n in enumerate(compared)
            if values[2 * i] != values[2 * i + 1]
        ]
        out.append(f"{label}: " + "; ".join(changes))
    return out


def validation_differences(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Expectations whose outcome differs between the recomputation and the stored results."""
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
               s.unexpected_count, r.unexpected_count
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
    return [
        f"{suite}: {exp}({col or ''}) stored success={s_ok} unexpected={s_n}, "
        f"recomputed success={r_ok} unexpected={r_n}"
        for suite, exp, col, s_ok, r_ok, s_n, r_n in rows
    ]
