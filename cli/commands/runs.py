"""`duaal runs`: the runs, newest first, with their outcome and warnings."""

from __future__ import annotations

import argparse

from cli.exits import EXIT_OK
from cli.options import database_flags, settings_of, whole_number

NAME = "runs"
HELP = "the runs, newest first, with their outcome and warnings"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", default="50", help="show the newest this many runs, and purges (50)")
    database_flags(p)


def run(args: argparse.Namespace) -> int:
    """List the runs, newest first, with their outcome and the count of input warnings."""
    import duckdb

    from duaal.common.db import connect

    # DuckDB takes a LIMIT up to 2**63 - 1: more runs than any database holds
    limit = min(whole_number("--limit", args.limit, "runs", 1), 2**63 - 1)
    settings = settings_of(args)
    con = connect(settings.db, read_only=True, timeout_s=settings.lock_timeout_s)
    try:
        rows = con.execute(
            """
            SELECT r.run_id,
                   CASE WHEN r.status = 'completed' AND coalesce(r.warnings, 0) > 0
                        THEN 'completed with warnings' ELSE r.status END,
                   coalesce(CAST(r.warnings AS VARCHAR), ''),
                   strftime(r.started_at, '%Y-%m-%d %H:%M:%S'),
                   strftime(r.finished_at, '%H:%M:%S'), r.as_of,
                   (SELECT count(*) FROM run_decisions d WHERE d.run_id = r.run_id),
                   (SELECT count(*) FROM run_findings f WHERE f.run_id = r.run_id),
                   left(r.rule_config_hash, 12), coalesce(r.error, '')
            FROM runs r ORDER BY r.started_at DESC, r.run_id DESC LIMIT ?
            """,
            [limit],
        ).fetchall()
        try:  # every run creates `purges` (transforms/schema.py)
            purges = con.execute(
                "SELECT purge_id, strftime(purged_at, '%Y-%m-%d %H:%M:%S'), before_school_year, "
                "persons FROM purges ORDER BY purged_at DESC LIMIT ?",
                [limit],
            ).fetchall()
        except duckdb.CatalogException:  # a database no run has opened since it had none
            purges = []
    finally:
        con.close()
    header = (
        "run_id",
        "outcome",
        "warnings",
        "started",
        "finished",
        "as_of",
        "decisions",
        "findings",
        "rules",
        "error",
    )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        print(
            "  ".join(
                str(v if v is not None else "").ljust(w) for v, w in zip(row, widths, strict=True)
            ).rstrip()
        )
    if purges:
        print("\npurges (personal data of closed school years removed; the runs above kept):")
        for purge_id, when, before, persons in purges:
            print(f"{purge_id}  {when}  before {before}: {persons} people pseudonymised")
    return EXIT_OK
