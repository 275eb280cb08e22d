"""`duaal purge`: pseudonymise the personal data of people done before a school year."""

from __future__ import annotations

import argparse
import sys

from cli.exits import EXIT_OK, EXIT_USAGE
from cli.options import database_flags, given, school_year_arg, settings_of

NAME = "purge"
HELP = "pseudonymise the personal data of people done before a school year"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--before",
        type=school_year_arg,
        help="school year, e.g. 2024-2025 (default: the current one minus retention_school_years)",
    )
    p.add_argument("--dry-run", action="store_true", help="count what would be purged")
    p.add_argument(
        "--retention-school-years", help="school years personal data is kept (default 7)"
    )
    database_flags(p, writes=True)


def run(args: argparse.Namespace) -> int:
    """Purge (or count, with --dry-run) the personal data of closed school years."""
    from duaal.common.db import connect
    from duaal.common.settings import UsageError
    from duaal.common.version import code_version
    from duaal.history.purge import MissingKey, default_before, pseudonym_key, purge
    from transforms.school_years import school_year_of

    settings = settings_of(args)
    current = school_year_of(settings.as_of)
    years = settings.retention_school_years
    if args.before is None and years >= int(current[:4]):  # no school year before year 1
        raise UsageError(
            f"{given(args, 'retention_school_years', 'DUAAL_RETENTION_SCHOOL_YEARS')} {years}: "
            f"a number of school years from 0 to {int(current[:4]) - 1}"
        )
    before = args.before or default_before(settings.as_of, years)
    if before > current:
        raise UsageError(
            f"--before {before}: later than the current school year {current}; people whose "
            "agreements run now would be purged"
        )
    try:
        key: bytes | None = pseudonym_key()
    except MissingKey as exc:
        if not args.dry_run:
            print(f"duaal purge: {exc}", file=sys.stderr)
            return EXIT_USAGE
        key = None
    if not settings.db.exists():
        raise FileNotFoundError(f"no database at {settings.db}: nothing to purge")
    con = connect(settings.db, timeout_s=settings.lock_timeout_s, share_group=settings.share_group)
    try:
        result = purge(con, before, key=key, dry_run=args.dry_run, code_version=code_version())
    finally:
        con.close()
    done = "would be purged (dry run)" if args.dry_run else f"purged by {result.purge_id}"
    print(
        f"purge before {before} (people done before {result.cutoff.isoformat()}): "
        f"{result.persons} people {done}: {result.learners} learners, {result.mentors} mentors"
    )
    if result.people:  # a dry run: whose data, on the analyst's terminal (never in Prefect)
        from transforms.identifiers import format_insz

        names = [p.name or "(name unknown)" for p in result.people]
        width = max(len(n) for n in names)
        print("  whose (role, INSZ, name, last school year):")
        for person, name in zip(result.people, names, strict=True):
            print(
                f"    {person.role:<7}  {format_insz(person.insz)}  {name:<{width}}  "
                f"{person.last_school_year or 'unknown'}"
            )
    for table, n in sorted(result.row_counts.items()):
        print(f"  {table:<34} {n} rows")
    print(f"  runs whose data {'would change' if args.dry_run else 'changed'}: {len(result.runs)}")
    if args.dry_run:
        print("purge: dry run, nothing changed")
    return EXIT_OK
