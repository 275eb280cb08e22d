"""The comparison of two runs in SQL: the files under `sql/`, run in order on what the runs
recorded (`run_decisions`, `run_findings`, `run_payments`, `run_batches`, the lineage of the
ingest tables); no rule is run again.

A file is one statement with named parameters `$before` and `$after` (the run ids) and
`{{ name }}` slots filled here: the temporary tables of the steps before it, the step
decisions, findings and payments share (`compare`), and what depends on a source's columns
(transforms/sources.py). `versions`, `inputs` and `links` become temporary tables (the three
kinds of change read them); `decisions`, `findings`, `payments`, `quarantine` and `refused`
give the rows `duaal.history.changes.assemble` turns into changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import count
from pathlib import Path

import duckdb

from duaal.history.changes.causes import PERSONAL_COLUMNS
from duaal.history.changes.model import DECISION_FIELDS, PAYMENT_FIELDS, ComparedRun
from transforms.models import COUNTDOWN
from transforms.sources import SOURCES, Source
from transforms.versions import batch_versions

SQL_DIR = Path(__file__).resolve().parent / "sql"
_SLOT = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_PARAMETER = re.compile(r"\$([a-z_]+)")
_COMMENT = re.compile(r"--[^\n]*")
# the input rows of a change, aggregated over the joined `inputs` (links.sql)
INPUT_ROWS = """list(distinct struct_pack(
            source := inputs.source, file_name := inputs.file_name,
            row_number := inputs.row_number, key_text := inputs.key_text,
            version := inputs.version, changed := inputs.changed
        )) filter (where inputs.source is not null)"""


@cache
def _text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def render(name: str, **slots: str) -> str:
    """The statement of `sql/<name>.sql` with its slots filled (a missing one: KeyError)."""
    return _SLOT.sub(lambda m: slots[m[1]], _text(name))


@dataclass(frozen=True)
class Compared:
    """The raw rows of a comparison, as the SQL files give them."""

    decisions: list[tuple]
    findings: list[tuple]
    payments: list[tuple]
    quarantine: list[tuple]
    refused: list[tuple]


class _Runner:
    """Runs the files for two runs on one connection, with their temporary tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, before: ComparedRun, after: ComparedRun):
        self.con = con
        self.ids = {"before": before.run_id, "after": after.run_id}

    def execute(self, statement: str) -> duckdb.DuckDBPyConnection:
        used = {p: self.ids[p] for p in _PARAMETER.findall(_COMMENT.sub("", statement))}
        return self.con.execute(statement, used)

    def fetch(self, name: str, **slots: str) -> list[tuple]:
        return self.execute(render(name, **slots)).fetchall()


_temp_ids = count(1)


@contextmanager
def _temp_tables(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """A prefix for temporary tables, dropped afterwards (works on read-only connections)."""
    prefix = f"_chg{next(_temp_ids)}_"
    try:
        yield prefix
    finally:
        names = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)",
            [prefix],
        ).fetchall()
        for (name,) in names:
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _source_slots(source: Source, versions: str) -> dict[str, str]:
    """The slots of inputs.sql for one source: its key and its columns."""
    names = {c.name for c in source.columns}
    cols = [c.name for c in source.columns if c.name not in source.key]

    def both(name: str) -> str:  # a column of both versions, or none
        if name not in names:
            return "[NULL::VARCHAR, NULL::VARCHAR]"
        return f"[a.{name}, b.{name}]"

    def one(name: str) -> str:  # a column of the version that has it
        return f"coalesce(a.{name}, b.{name})" if name in names else "NULL::VARCHAR"

    def changed(c: str) -> str:
        values = (
            "before := NULL::VARCHAR, after := NULL::VARCHAR, personal := true"
            if c in PERSONAL_COLUMNS
            else f"before := CAST(b.{c} AS VARCHAR), after := CAST(a.{c} AS VARCHAR), "
            "personal := false"
        )
        return (
            f"CASE WHEN a.{c} IS DISTINCT FROM b.{c} THEN struct_pack(col := '{c}', {values}) END"
        )

    return {
        "versions": versions,
        "source": source.folder,
        "table": source.table,
        "key": ", ".join(source.key),
        "key_match": " AND ".join(f"a.{k} = b.{k}" for k in source.key),
        "key_text": " || '/' || ".join(
            f"CAST(coalesce(a.{k}, b.{k}) AS VARCHAR)" for k in source.key
        ),
        "differs": " OR ".join(f"a.{c} IS DISTINCT FROM b.{c}" for c in cols),
        "changed": ", ".join(changed(c) for c in cols),
        "companies": both("company_kbo"),
        "learners": both("learner_insz" if "learner_insz" in names else "worker_insz"),
        "agreements": both("agreement_id"),
        "mentors": both("mentor_insz"),
        "paid_year": one("school_year"),
        "premium_kind": one("kind"),
    }


PAIR = ("school_year", "company_kbo", "learner_insz")
# a finding's key: several findings may share one, told apart by their place `n` (findings.sql)
FINDING_MATCH = (
    "a.code = b.code and a.agreement_id is not distinct from b.agreement_id "
    "and a.mentor_insz is not distinct from b.mentor_insz "
    "and a.pair_key is not distinct from b.pair_key and a.n = b.n"
)


def _compare(
    columns: tuple[str, ...],
    fields: tuple[str, ...],
    *,
    match: str = " and ".join(f"a.{c} = b.{c}" for c in PAIR),
    gone: str = "disappeared",
    whole_field: str = "",
) -> str:
    """compare.sql for one kind of row: the columns a change keeps, the fields compared,
    how a row of one run is matched with the other's (default: its pair and school year),
    what a row that went is called and the field name of a row that appeared or went."""
    return render(
        "compare",
        kept=", ".join(f"coalesce(a.{c}, b.{c}) as {c}" for c in columns),
        columns=", ".join(columns),
        match=match,
        fields=", ".join(f"'{f}'" for f in fields),
        gone=f"'{gone}'",
        whole_field=f"'{whole_field}'",
    )


def compare_runs(
    con: duckdb.DuckDBPyConnection, before: ComparedRun, after: ComparedRun
) -> Compared:
    """The rows of every change from run `before` to run `after`. Payments are compared
    only when both runs reconciled them (a run recorded before that has none)."""
    run = _Runner(con, before, after)
    with _temp_tables(con) as p:
        versions, inputs, links = f"{p}versions", f"{p}inputs", f"{p}links"
        of_run = "SELECT batch_id FROM run_batches WHERE run_id = ${}"
        run.execute(
            f"CREATE TEMP TABLE {versions} AS "
            + render(
                "versions",
                before_versions=batch_versions(of_run.format("before")),
                after_versions=batch_versions(of_run.format("after")),
            )
        )
        run.execute(
            f"CREATE TEMP TABLE {inputs} AS "
            + " UNION ALL ".join(
                f"({render('inputs', **_source_slots(s, versions))})" for s in SOURCES
            )
        )
        run.execute(f"CREATE TEMP TABLE {links} AS " + render("links", inputs=inputs))
        shared = {"links": links, "input_rows": INPUT_ROWS}
        decisions = run.fetch("decisions", compare=_compare(PAIR, DECISION_FIELDS), **shared)
        finding = ("code", "agreement_id", "mentor_insz", "company_kbo", "learner_insz", "due_date")
        findings = run.fetch(
            "findings",
            compare=_compare(finding, ("severity", "detail"), match=FINDING_MATCH, gone="resolved"),
            countdown=COUNTDOWN,
            **shared,
        )
        payments = (
            run.fetch(
                "payments",
                compare=_compare((*PAIR, "expected_by"), PAYMENT_FIELDS, whole_field="status"),
                **shared,
            )
            if before.reconciled and after.reconciled
            else []
        )
    return Compared(decisions, findings, payments, run.fetch("quarantine"), run.fetch("refused"))
