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
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from transforms.identifiers import InvalidIdentifier, normalise_insz
from transforms.reading import load_aliases, normalise_header
from transforms.schema import PURGE_DDL
from transforms.school_years import (
    school_year_label,
    school_year_of,
    school_year_start,
    start_year_of,
)
from transforms.sources import AGREEMENTS, INSZ_COLUMNS, PERSONAL_COLUMNS, SOURCES
from transforms.transaction import transaction

KEY_VARIABLE = "DUAAL_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
PSEUDONYM_PREFIX = "P"

# the columns holding an INSZ and, per column, the personal data that goes with that person
# are declared with the sources (Column.person): INSZ_COLUMNS, PERSONAL_COLUMNS
REMOVED_TEXT = "[verwijderd]"
# The rules only ask whether an agreement has a company IBAN (consent with IBAN): a removed
# IBAN leaves this marker, so a rerun decides the purged school years as before.
REMOVED_AS = {
    "company_iban": f"CASE WHEN coalesce(trim(company_iban), '') <> '' THEN '{REMOVED_TEXT}' END"
}
# Text that stays as it was: the run history's digests and configuration.
KEPT_AS_IS = {
    ("runs", "rule_config"),
    ("runs", "rule_config_hash"),
    ("runs", "digest_decisions"),
    ("runs", "digest_findings"),
    ("runs", "digest_payments"),
    ("runs", "digest_quarantine"),
    ("runs", "row_counts"),
    ("load_batches", "sha256"),
}
# An INSZ as free text may carry '.' and '-' ('85.07.30-033.28').
INSZ_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}-?[0-9]{3}\.?[0-9]{2}(?![0-9])")


class MissingKey(ValueError):
    """DUAAL_PSEUDONYM_KEY is not set (or too short to be a secret)."""


@dataclass(frozen=True)
class PersonToPurge:
    """Whom a purge would reach, for the analyst's terminal (`duaal purge --dry-run`)."""

    insz: str
    role: str  # 'learner' (also when they were a mentor too) or 'mentor'
    name: str | None  # the newest name an export gave them
    last_school_year: str | None  # of their last agreement day or recognition (None: no date)


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


# --- who is purged ------------------------------------------------------------------------


def persons_to_purge(con: duckdb.DuckDBPyConnection, cutoff: date) -> dict[str, str]:
    """INSZ -> role ('learner' or 'mentor') of everyone done before the cutoff."""
    rows = con.execute(
        """
        WITH agreements AS (
            SELECT learner_insz, mentor_insz,
                   least(end_date, coalesce(termination_date, end_date)) AS effective_end
            FROM ingest_overeenkomsten
        ),
        still_needed AS (
            SELECT learner_insz AS insz FROM agreements WHERE effective_end >= $cutoff
            UNION SELECT mentor_insz FROM agreements WHERE effective_end >= $cutoff
            UNION SELECT mentor_insz FROM ingest_erkenningen WHERE recognition_date >= $cutoff
            -- an agreement without a readable end is not known to be over
            UNION SELECT learner_insz FROM agreements WHERE effective_end IS NULL
            UNION SELECT mentor_insz FROM agreements WHERE effective_end IS NULL
        ),
        known AS (
            SELECT learner_insz AS insz, 'learner' AS role FROM ingest_overeenkomsten
            UNION SELECT mentor_insz, 'mentor' FROM ingest_overeenkomsten
            UNION SELECT mentor_insz, 'mentor' FROM ingest_erkenningen
        )
        SELECT insz, min(role) FROM known  -- 'learner' < 'mentor': a learner first
        WHERE insz IS NOT NULL AND NOT regexp_full_match(insz, 'P[A-Z2-7]{12}')
          AND insz NOT IN (SELECT insz FROM still_needed WHERE insz IS NOT NULL)
        GROUP BY insz ORDER BY insz
        """,
        {"cutoff": cutoff},
    ).fetchall()
    persons = dict(rows)
    for insz in _needed_by_quarantined_agreements(con, cutoff):
        persons.pop(insz, None)
    return persons


def _people(con: duckdb.DuckDBPyConnection, roles: dict[str, str]) -> list[PersonToPurge]:
    """The people of purge_map with their newest name (their learner name first) and the
    school year of their last day: the latest effective end of their agreements in either
    role, or recognition date; by role, last school year and INSZ."""
    rows = con.execute(
        """
        WITH days AS (
            SELECT learner_insz AS insz,
                   least(end_date, coalesce(termination_date, end_date)) AS last_day
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, least(end_date, coalesce(termination_date, end_date))
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, recognition_date FROM ingest_erkenningen
        ),
        names AS (
            SELECT learner_insz AS insz, learner_name AS name, 0 AS as_mentor, batch_id,
                   row_number
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, mentor_name, 1, batch_id, row_number
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, mentor_name, 1, batch_id, row_number
            FROM ingest_erkenningen
        ),
        last_days AS (
            SELECT insz, max(last_day) AS last_day FROM days
            WHERE insz IN (SELECT insz FROM purge_map) GROUP BY insz
        ),
        newest_names AS (
            SELECT insz,
                   first(trim(name) ORDER BY as_mentor, batch_id DESC, row_number DESC)
                       FILTER (WHERE nullif(trim(name), '') IS NOT NULL) AS name
            FROM names WHERE insz IN (SELECT insz FROM purge_map) GROUP BY insz
        )
        SELECT m.insz, n.name, d.last_day
        FROM purge_map m
        LEFT JOIN newest_names n USING (insz)
        LEFT JOIN last_days d USING (insz)
        """
    ).fetchall()
    people = [
        PersonToPurge(insz, roles[insz], name, school_year_of(last_day) if last_day else None)
        for insz, name, last_day in rows
    ]
    return sorted(people, key=lambda p: (p.role, p.last_school_year or "", p.insz))


def _needed_by_quarantined_agreements(con: duckdb.DuckDBPyConnection, cutoff: date) -> set[str]:
    """Learners and mentors of quarantined agreement rows that may still run on or after
    the cutoff (an end that cannot be read counts as not over): the corrected row will
    come back, and its people with it."""
    aliases = load_aliases().get(AGREEMENTS.folder, {})
    spellings = {
        name: {
            normalise_header(h)
            for h in (
                AGREEMENTS.column(name).header,
                *aliases.get(AGREEMENTS.column(name).header, ()),
            )
        }
        for name in ("end_date", "termination_date")
    }
    needed: set[str] = set()
    for (raw,) in con.execute(
        "SELECT raw_values FROM quarantine WHERE source = ? AND raw_values IS NOT NULL",
        [AGREEMENTS.folder],
    ).fetchall():
        values = _json_object(raw)
        if values is None:
            continue
        by_key = {normalise_header(h): v for h, v in values.items()}
        end, termination = (
            next((by_key[k] for k in spellings[name] if k in by_key), None)
            for name in ("end_date", "termination_date")
        )
        end_date, termination_date = _date_or_none(end), _date_or_none(termination)
        effective = end_date
        if termination not in (None, ""):
            effective = (
                None
                if termination_date is None or end_date is None
                else min(end_date, termination_date)
            )
        if effective is None or effective >= cutoff:
            for header, value in values.items():
                if _classify(header) is not None and _classify(header)[0] == "insz":
                    insz = _insz_or_none(value)
                    if insz:
                        needed.add(insz)
    return needed


def _json_object(raw: str) -> dict | None:
    try:
        values = json.loads(raw)
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


def _date_or_none(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _base_tables(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Table -> {column: type} of every table in the database (main schema)."""
    rows = con.execute(
        """
        SELECT c.table_name, c.column_name, c.data_type
        FROM information_schema.columns c JOIN information_schema.tables t
          ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema
         AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema = 'main'
          AND c.table_catalog = current_database() AND t.table_name NOT LIKE 'purge%'
        ORDER BY c.table_name, c.ordinal_position
        """
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, {})[column] = data_type
    return out


def _person_filter(columns: dict[str, str], alias: str = "") -> str:
    """SQL that is true for a row of a purged person (needs table purge_map)."""
    prefix = f"{alias}." if alias else ""
    return " OR ".join(
        f"{prefix}{c} IN (SELECT insz FROM purge_map)" for c in INSZ_COLUMNS if c in columns
    )


def _affected_runs(
    con: duckdb.DuckDBPyConnection, tables: dict[str, dict[str, str]], people: set[str]
) -> list[str]:
    """Runs that read a batch with a purged person's rows, or whose outputs name one."""
    parts = []
    for source in SOURCES:
        cond = _person_filter(tables.get(source.table, {}))
        if cond:
            parts.append(
                "SELECT run_id FROM run_batches WHERE batch_id IN "
                f"(SELECT batch_id FROM {source.table} WHERE {cond})"
            )
    for table in ("run_decisions", "run_findings", "run_payments"):
        cond = _person_filter(tables.get(table, {}))
        if cond:
            parts.append(f"SELECT run_id FROM {table} WHERE {cond}")
    quarantined = _quarantine_rows(con, people)
    if quarantined:
        batch_ids = sorted({batch for _, batch, _ in quarantined})
        parts.append(
            "SELECT run_id FROM run_batches WHERE batch_id IN "
            f"({', '.join(str(int(b)) for b in batch_ids)})"
        )
    if not parts:
        return []
    rows = con.execute(" UNION ".join(parts) + " ORDER BY 1").fetchall()
    return [r[0] for r in rows]


# --- the quarantine: rows as read, JSON -------------------------------------------------


def _classify(header: str) -> tuple[str, str] | None:
    """(kind, role) of a header as a file spells it: kind insz, name, birth or iban; role
    mentor or learner (the learner, worker or premium receiver). Words, not exact
    headers, so that other export variants ('Rijksregisternummer lerende') are caught."""
    key = normalise_header(header)
    role = "mentor" if "mentor" in key else "learner"
    if "insz" in key or "rijksregister" in key:
        return "insz", role
    if "geboorte" in key:
        return "birth", role
    if "iban" in key:
        return "iban", "learner"  # the company account of the learner's agreement
    if key.startswith("naam") and "onderneming" not in key and "vestiging" not in key:
        return "name", role
    return None


def _quarantine_rows(
    con: duckdb.DuckDBPyConnection, wanted: set[str]
) -> list[tuple[int, int, dict]]:
    """(rowid, batch_id, raw values) of quarantined rows that name a purged person."""
    out = []
    for rowid, batch_id, raw in con.execute(
        "SELECT rowid, batch_id, raw_values FROM quarantine WHERE raw_values IS NOT NULL"
    ).fetchall():
        values = _json_object(raw)
        if values is None:
            continue
        for header, value in values.items():
            kind = _classify(header)
            if kind is not None and kind[0] == "insz" and _insz_or_none(value) in wanted:
                out.append((rowid, batch_id, values))
                break
    return out


def _insz_or_none(value: object) -> str | None:
    if value in (None, ""):
        return None
    try:
        return normalise_insz(value)
    except (InvalidIdentifier, ValueError, TypeError):
        return None


def _purge_quarantine(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> int:
    """Pseudonymise the quarantined rows of purged people, and remove their other data."""
    changed = 0
    for rowid, _, values in _quarantine_rows(con, set(mapping)):
        (detail,) = con.execute("SELECT detail FROM quarantine WHERE rowid = ?", [rowid]).fetchone()
        replaced: dict[str, str] = {}
        roles = set()
        for header, value in values.items():
            kind = _classify(header)
            insz = _insz_or_none(value) if kind is not None and kind[0] == "insz" else None
            if insz in mapping:
                replaced[str(value)] = mapping[insz]
                values[header] = mapping[insz]
                roles.add(kind[1])
        for header, value in values.items():
            kind = _classify(header)
            if kind is None or kind[0] == "insz" or kind[1] not in roles:
                continue
            if value not in (None, ""):
                replaced[str(value)] = REMOVED_TEXT
                values[header] = None
        for old, new in sorted(replaced.items(), key=lambda kv: -len(kv[0])):
            detail = detail.replace(old, new)
        con.execute(
            "UPDATE quarantine SET raw_values = ?, detail = ? WHERE rowid = ?",
            [json.dumps(values, ensure_ascii=False), detail, rowid],
        )
        changed += 1
    return changed


# --- free text: details, explanations, messages, validation examples ---------------------


def _replace_in_text(text: str, mapping: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        digits = re.sub(r"[^0-9]", "", match.group(0))
        return mapping.get(digits, match.group(0))

    return INSZ_IN_TEXT.sub(swap, text)


def _purge_free_text(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, dict[str, str]],
    mapping: dict[str, str],
    handled: set[tuple[str, str]],
) -> dict[str, int]:
    """Replace purged INSZ numbers written inside any other text column."""
    changed: dict[str, int] = {}
    for table, columns in tables.items():
        for column, data_type in columns.items():
            if data_type != "VARCHAR" or (table, column) in handled | KEPT_AS_IS:
                continue
            rows = con.execute(
                f"SELECT rowid, {column} FROM {table} "
                f"WHERE regexp_matches({column}, '[0-9]{{2}}\\.?[0-9]{{2}}\\.?[0-9]{{2}}')"
            ).fetchall()
            updates = []
            for rowid, text in rows:
                new = _replace_in_text(text, mapping)
                if new != text:
                    updates.append([new, rowid])
            if updates:
                con.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", updates)
                changed[table] = changed.get(table, 0) + len(updates)
    return changed


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
        tables = _base_tables(con)
        result.runs = _affected_runs(con, tables, set(mapping))
        for table, columns in tables.items():
            cond = _person_filter(columns)
            if cond:
                n = con.execute(f"SELECT count(*) FROM {table} WHERE {cond}").fetchone()[0]
                if n:
                    result.row_counts[table] = n
        quarantined = len(_quarantine_rows(con, set(mapping)))
        if quarantined:
            result.row_counts["quarantine"] = quarantined
        if dry_run:
            result.people = _people(con, persons)
            con.execute("DROP TABLE purge_map")
            return result
        handled = _purge_columns(con, tables)
        _purge_quarantine(con, mapping)
        handled |= {("quarantine", "raw_values"), ("quarantine", "detail")}
        for table, n in _purge_free_text(con, tables, mapping, handled).items():
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
