"""Where a purge reaches: every base table and its INSZ columns, the runs whose inputs or
outputs name a purged person, and INSZ numbers written inside free text."""

from __future__ import annotations

import re

import duckdb

from duaal.history.purge.quarantine import quarantine_rows
from transforms.sources import INSZ_COLUMNS, SOURCES

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


def base_tables(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
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


def person_filter(columns: dict[str, str], alias: str = "") -> str:
    """SQL that is true for a row of a purged person (needs table purge_map)."""
    prefix = f"{alias}." if alias else ""
    return " OR ".join(
        f"{prefix}{c} IN (SELECT insz FROM purge_map)" for c in INSZ_COLUMNS if c in columns
    )


def affected_runs(
    con: duckdb.DuckDBPyConnection, tables: dict[str, dict[str, str]], people: set[str]
) -> list[str]:
    """Runs that read a batch with a purged person's rows, or whose outputs name one."""
    parts = []
    for source in SOURCES:
        cond = person_filter(tables.get(source.table, {}))
        if cond:
            parts.append(
                "SELECT run_id FROM run_batches WHERE batch_id IN "
                f"(SELECT batch_id FROM {source.table} WHERE {cond})"
            )
    for table in ("run_decisions", "run_findings", "run_payments"):
        cond = person_filter(tables.get(table, {}))
        if cond:
            parts.append(f"SELECT run_id FROM {table} WHERE {cond}")
    quarantined = quarantine_rows(con, people)
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


def replace_in_text(text: str, mapping: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        digits = re.sub(r"[^0-9]", "", match.group(0))
        return mapping.get(digits, match.group(0))

    return INSZ_IN_TEXT.sub(swap, text)


def purge_free_text(
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
                new = replace_in_text(text, mapping)
                if new != text:
                    updates.append([new, rowid])
            if updates:
                con.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", updates)
                changed[table] = changed.get(table, 0) + len(updates)
    return changed
