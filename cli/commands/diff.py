"""`duaal diff`: what changed between two completed runs."""

from __future__ import annotations

import argparse
import sys

from cli.exits import EXIT_OK
from cli.options import database_flags, settings_of

NAME = "diff"
HELP = "what changed between two completed runs"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="from_run", help="the earlier run (default: the one before)")
    p.add_argument("--to", dest="to_run", help="the later run (default: the latest)")
    database_flags(p)


def run(args: argparse.Namespace) -> int:
    """Print what changed between two completed runs, grouped per decision and agreement."""
    from duaal.common.db import connect
    from duaal.history.changes import NotEnoughRuns, compute_changes, format_changes

    settings = settings_of(args)
    con = connect(settings.db, read_only=True, timeout_s=settings.lock_timeout_s)
    try:
        changes = compute_changes(con, args.from_run, args.to_run)
    except NotEnoughRuns as exc:
        if args.from_run or args.to_run:
            raise
        print(f"diff: nothing to compare yet: {exc}")
        return EXIT_OK
    finally:
        con.close()
    sys.stdout.write(format_changes(changes))
    return EXIT_OK
