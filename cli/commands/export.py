"""`duaal export`: CSV exports: decisions, findings, payments, quarantine, changes."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.exits import EXIT_OK
from cli.options import database_flags, settings_of

NAME = "export"
HELP = "CSV exports: decisions, findings, payments, quarantine, changes"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "what",
        choices=["decisions", "findings", "payments", "quarantine", "changes"],
        help="which export: the latest run's decisions, findings, payment reconciliation or "
        "quarantine, or the changes between two runs",
    )
    p.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    p.add_argument(
        "--school-year",
        dest="export_school_year",
        metavar="YYYY-YYYY",
        help="decisions and payments: only this school year (default: every school year)",
    )
    p.add_argument("--from", dest="from_run", help="changes: the earlier run")
    p.add_argument("--to", dest="to_run", help="changes: the later run")
    database_flags(p, writes=True)


def run(args: argparse.Namespace) -> int:
    """Write one of the CSV exports."""
    from duaal.common.db import connect
    from duaal.common.settings import UsageError, parse_school_year_setting
    from duaal.outputs import exports

    settings = settings_of(args)
    if args.export_school_year is not None:
        try:
            parse_school_year_setting(args.export_school_year)
        except ValueError as exc:
            raise UsageError(f"--school-year {args.export_school_year}: {exc}") from None
    con = connect(settings.db, read_only=True, timeout_s=settings.lock_timeout_s)
    try:
        group = settings.share_group
        if args.what in exports.PAIR_EXPORTS:
            year = args.export_school_year
            n = exports.export_pairs(con, args.out, args.what, year, share_group=group)
        elif args.what == "findings":
            n = exports.export_findings(con, args.out, share_group=group)
        elif args.what == "changes":
            n = exports.export_changes(con, args.out, args.from_run, args.to_run, share_group=group)
        else:
            n = exports.export_quarantine(con, args.out, share_group=group)
    finally:
        con.close()
    print(f"{args.what}: {n} rows written to {args.out}")
    return EXIT_OK
