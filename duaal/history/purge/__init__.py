"""`duaal purge`: the personal data of closed school years is removed, the rest is kept.

A person (an INSZ) is purged before school year Y when
- every agreement in which they are the learner ended (effective end: the termination
  date when there is one and it is earlier, else the end date) before Y starts, and
- they guide, as mentor, no agreement whose effective end is on or after the start of Y,
  and hold no recognition dated on or after it (a mentor recognised recently is still
  needed, even before their first learner).
Someone who is still needed in one role keeps their data in every role.

For a purged person, in every table of the database (ingest tables, staging and the other
models, quarantine, run outputs, validation results, input checks): the INSZ is replaced by
a keyed pseudonym, their names and birth dates are removed, and so is the company IBAN of
their agreements (the IBAN becomes '[verwijderd]', so that the rules still see that there
was one and the purged years are decided as before). The pseudonym is "P" and 12 characters A-Z, 2-7: the first 60 bits of
HMAC-SHA-256(key, INSZ) in base32, with the key from the environment variable
DUAAL_PSEUDONYM_KEY, so that one person keeps one pseudonym across purges and the joins
between tables (agreements, Dimona, premiums paid) still hold. The premium cap therefore
still counts the purged years, and the decisions of later school years do not change.
Aggregates, digests and the run history stay as they were.

A purge is one transaction, recorded in `purges` (one row) and `purge_runs` (the runs whose
inputs or outputs it changed, so that `duaal audit` of such a run says which purge it was).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from duaal.history.purge.people import PersonToPurge, people_to_show, persons_to_purge
from duaal.history.purge.quarantine import REMOVED_TEXT, purge_quarantine, quarantine_rows
from duaal.history.purge.tables import affected_runs, base_tables, person_filter, purge_free_text
from transforms.schema import PURGE_DDL
from transforms.school_years import (
    school_year_label,
    school_year_start,
    start_year_of,
)
from transforms.sources import INSZ_COLUMNS, PERSONAL_COLUMNS
from transforms.transaction import transaction

__all__ = [
    "KEY_VARIABLE",
    "MissingKey",
    "PersonToPurge",
    "PurgeResult",
    "default_before",
    "persons_to_purge",
    "pseudonym",
    "pseudonym_key",
    "purge",
    "purged_run",
]

KEY_VARIABLE = "DUAAL_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
PSEUDONYM_PREFIX = "P"
# the columns holding an INSZ and, per column, the personal data that goes with that person
# are declared with the sources (Column.person): INSZ_COLUMNS, PERSONAL_COLUMNS

# The rules only ask whether an agreement has a company IBAN (consent with IBAN): a removed
# IBAN leaves this marker, so a rerun decides the purged school years as before.
REMOVED_AS = {
    "company_iban": f"CASE WHEN coalesce(trim(company_iban), '') <> '' THEN '{REMOVED_TEXT}' END"
}


class MissingKey(ValueError):
    """DUAAL_PSEUDONYM_KEY is not set (or too short to be a secret)."""


@dataclass
class PurgeResult:
    before: str
    cutoff: date
    learners: int
    mentors: int
    row_counts: dict[str, int] = field(default_factory=dict)  # rows (to be) changed per table
    runs: list[str] = field(default_factory=list)  # runs whose data is (to be) changed
    people: list[PersonToPurge] = field(default_factory=list)  # a dry run's people, else empty
    purge_id: str | None = None  # None for a dry run
    purged_at: datetime | None = None

    @property
    def persons(self) -> int:
        return self.learners + self.mentors


def default_before(as_of: date, retention_school_years: int) -> str:
    """The current school year minus the retention: 2026-2027 kept 7 years -> 2019-2020."""
    return school_year_label(start_year_of(as_of) - retention_school_years)


def pseudonym_key(environ: dict[str, str] | None = None) -> bytes:
    """The HMAC key from DUAAL_PSEUDONYM_KEY; MissingKey when unset or too short."""
    value = (os.environ if environ is None else environ).get(KEY_VARIABLE, "")
    if len(value) < MIN_KEY_LENGTH:
        state = "is not set" if not value else f"is shorter than {MIN_KEY_LENGTH} characters"
        raise MissingKey(
            f"{KEY_VARIABLE} {state}: purge replaces INSZ numbers by a keyed pseudonym and "
            f"needs that secret key (the same key every time, kept out of the database)"
        )
    return value.encode("utf-8")


def pseudonym(insz: str, key: bytes) -> str:
    """The pseudonym of an 11-digit INSZ: 'P' and 12 base32 characters of its HMAC."""
    digest = hmac.new(key, insz.encode("ascii"), hashlib.sha256).digest()
    return PSEUDONYM_PREFIX + base64.b32encode(digest).decode("ascii")[:12]


def ensure_purge_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create `purges` and `purge_runs` when missing (a database no run since has brought
    up to date: every run creates them, transforms/schema.py)."""
    for ddl in PURGE_DDL:
        con.execute(ddl)


# --- the purge ----------------------------------------------------------------------------


def purge(
    con: duckdb.DuckDBPyConnection,
    before: str,
    *,
    key: bytes | None,
    dry_run: bool = False,
    now: datetime | None = None,
    code_version: str | None = None,
) -> PurgeResult:
    """Purge (or, with dry_run, count) the personal data of people done before `before`."""
    cutoff = school_year_start(before)
    persons = persons_to_purge(con, cutoff)
    if not dry_run and key is None:
        raise MissingKey(f"{KEY_VARIABLE} is needed to purge")
    mapping = {insz: (pseudonym(insz, key) if key is not None else "") for insz in sorted(persons)}
    result = PurgeResult(
        before=before,
        cutoff=cutoff,
        learners=sum(1 for r in persons.values() if r == "learner"),
        mentors=sum(1 for r in persons.values() if r == "mentor"),
    )
    with transaction(con):
        con.execute("CREATE OR REPLACE TEMP TABLE purge_map (insz VARCHAR, pseudonym VARCHAR)")
        if mapping:
            con.executemany(
                "INSERT INTO purge_map VALUES (?, ?)", [list(i) for i in mapping.items()]
            )
        tables = base_tables(con)
        result.runs = affected_runs(con, tables, set(mapping))
        for table, columns in tables.items():
            cond = person_filter(columns)
            if cond:
                n = con.execute(f"SELECT count(*) FROM {table} WHERE {cond}").fetchone()[0]
                if n:
                    result.row_counts[table] = n
        quarantined = len(quarantine_rows(con, set(mapping)))
        if quarantined:
            result.row_counts["quarantine"] = quarantined
        if dry_run:
            result.people = people_to_show(con, persons)
            con.execute("DROP TABLE purge_map")
            return result
        handled = _purge_columns(con, tables)
        purge_quarantine(con, mapping)
        handled |= {("quarantine", "raw_values"), ("quarantine", "detail")}
        for table, n in purge_free_text(con, tables, mapping, handled).items():
            result.row_counts[table] = max(result.row_counts.get(table, 0), n)
        ensure_purge_tables(con)
        result.purged_at = now or datetime.now()
        result.purge_id = f"PURGE{result.purged_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        con.execute(
            "INSERT INTO purges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                result.purge_id,
                result.purged_at,
                before,
                cutoff,
                result.persons,
                result.learners,
                result.mentors,
                json.dumps(result.row_counts, sort_keys=True),
                code_version,
            ],
        )
        if result.runs:
            con.executemany(
                "INSERT INTO purge_runs VALUES (?, ?)", [[result.purge_id, r] for r in result.runs]
            )
        con.execute("DROP TABLE purge_map")
    return result


def _purge_columns(
    con: duckdb.DuckDBPyConnection, tables: dict[str, dict[str, str]]
) -> set[tuple[str, str]]:
    """Remove names, birth dates and IBANs of purged people, then swap their INSZ."""
    handled: set[tuple[str, str]] = set()
    for table, columns in tables.items():
        for insz_column in INSZ_COLUMNS:
            if insz_column not in columns:
                continue
            removed = [c for c in PERSONAL_COLUMNS[insz_column] if c in columns]
            if removed:
                sets = ", ".join(f"{c} = {REMOVED_AS.get(c, 'NULL')}" for c in removed)
                con.execute(
                    f"UPDATE {table} SET {sets} WHERE {insz_column} IN (SELECT insz FROM purge_map)"
                )
            con.execute(
                f"UPDATE {table} SET {insz_column} = m.pseudonym FROM purge_map m "
                f"WHERE {table}.{insz_column} = m.insz"
            )
            handled |= {(table, insz_column), *((table, c) for c in removed)}
    return handled


def purged_run(con: duckdb.DuckDBPyConnection, run_id: str, schema: str = "") -> tuple | None:
    """(purge_id, purged_at, before_school_year) of the first purge that changed the run's
    data, or None (also when the database was never purged)."""
    catalog = schema or None
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'purge_runs' "
        "AND database_name = coalesce(?, current_database())",
        [catalog],
    ).fetchone()[0]
    if not exists:
        return None
    prefix = f"{schema}." if schema else ""
    return con.execute(
        f"SELECT p.purge_id, p.purged_at, p.before_school_year FROM {prefix}purges p "
        f"JOIN {prefix}purge_runs r USING (purge_id) WHERE r.run_id = ? "
        "ORDER BY p.purged_at LIMIT 1",
        [run_id],
    ).fetchone()
