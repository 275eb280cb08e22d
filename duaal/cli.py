"""The command line: `duaal run | demo | generate | export | audit | runs | serve | purge`.

Heavy libraries (Prefect, Great Expectations, pandas) are imported inside the commands
that use them, so `duaal --help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _school_year(text: str) -> str:
    first, _, second = text.partition("-")
    if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
        raise argparse.ArgumentTypeError(f"not a school year like 2024-2025: {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="duaal",
        description="Premium decisions, compliance findings and reports for duaal leren "
        "(premie kwalificerend werkplekleren).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def paths(p: argparse.ArgumentParser, *, run: bool = False) -> None:
        p.add_argument("--db", type=Path, help="DuckDB file (default data/processed/duaal.duckdb)")
        if run:
            p.add_argument("--raw", type=Path, help="folder of exports (default data/raw)")
            p.add_argument("--reports", type=Path, help="report folder (default reports)")
            p.add_argument("--as-of", type=_date, help="reference date (default today)")
            p.add_argument(
                "--school-year",
                type=_school_year,
                action="append",
                dest="school_years",
                help="report only this school year (repeatable)",
            )
            p.add_argument("--rules", type=Path, help="rule configuration file")

    run = sub.add_parser("run", help="the whole pipeline as one Prefect flow run")
    paths(run, run=True)
    run.add_argument("--no-reports", action="store_true", help="ingest, rules and validation only")

    demo = sub.add_parser("demo", help="generate sample exports when data/raw is empty, then run")
    paths(demo, run=True)
    demo.add_argument("--agreements", type=int, help="sample size (default 3000)")
    demo.add_argument("--seed", type=int, help="sample seed (default 1)")

    gen = sub.add_parser(
        "generate", help="realistic synthetic exports (same seed and as-of, same bytes)"
    )
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--agreements", type=int, help="number of agreements (default 3000)")
    gen.add_argument("--seed", type=int, help="random seed (default 1)")
    gen.add_argument("--as-of", type=_date, help="the current school year is the one of this date")
    gen.add_argument("--dimona-rows", type=int, help="make the Dimona export exactly this long")

    export = sub.add_parser("export", help="CSV exports: decisions, findings, quarantine")
    export.add_argument("what", choices=["decisions", "findings", "quarantine"])
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--school-year", type=_school_year)
    paths(export)

    audit = sub.add_parser("audit", help="recompute a past run and compare its digests")
    audit.add_argument("run_id")
    paths(audit)

    runs = sub.add_parser("runs", help="the runs, newest first")
    runs.add_argument("--limit", type=int, default=50)
    paths(runs)

    purge = sub.add_parser(
        "purge", help="pseudonymise the personal data of people done before a school year"
    )
    purge.add_argument(
        "--before",
        type=_school_year,
        help="school year, e.g. 2024-2025 (default: the current one minus retention_school_years)",
    )
    purge.add_argument("--dry-run", action="store_true", help="count what would be purged")
    paths(purge)

    serve = sub.add_parser("serve", help="serve the scheduled deployments with Prefect")
    paths(serve, run=True)
    return parser


def _settings(args: argparse.Namespace):  # -> Settings (imported lazily)
    from duaal.settings import load_settings

    return load_settings(
        raw=getattr(args, "raw", None),
        db=getattr(args, "db", None),
        reports=getattr(args, "reports", None),
        as_of=getattr(args, "as_of", None),
        school_years=getattr(args, "school_years", None),
        rules=getattr(args, "rules", None),
        sample_agreements=getattr(args, "agreements", None),
        sample_seed=getattr(args, "seed", None),
    )


def cmd_run(args: argparse.Namespace) -> int:
    """Run the pipeline as a Prefect flow and print its summary."""
    from flows.pipeline import run_pipeline_flow
    from flows.summary import format_summary

    settings = _settings(args)
    summary = run_pipeline_flow(settings, with_reports=not args.no_reports)
    print(format_summary(summary, settings))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate sample exports into an empty raw folder, then run."""
    settings = _settings(args)
    has_exports = settings.raw.is_dir() and any(
        p.is_file() and not p.name.startswith(".") for p in settings.raw.rglob("*")
    )
    if has_exports:
        print(f"demo: {settings.raw} holds exports already; running on them")
    else:
        from duaal.generate import generate

        print(
            f"demo: generating {settings.sample_agreements} sample agreements into {settings.raw}"
        )
        generate(
            settings.raw,
            agreements=settings.sample_agreements,
            seed=settings.sample_seed,
            as_of=settings.as_of,
        )
    args.no_reports = False
    return cmd_run(args)


def cmd_generate(args: argparse.Namespace) -> int:
    """Write synthetic exports."""
    from duaal.generate import generate

    settings = _settings(args)
    written = generate(
        args.out,
        agreements=settings.sample_agreements,
        seed=settings.sample_seed,
        as_of=settings.as_of,
        dimona_rows=args.dimona_rows,
    )
    for source, files in written.items():
        for path in files:
            print(f"{source}: {path}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write one of the CSV exports."""
    from duaal import exports
    from duaal.db import connect

    settings = _settings(args)
    con = connect(settings.db, read_only=True, timeout_s=settings.lock_timeout_s)
    try:
        group = settings.share_group
        if args.what == "decisions":
            n = exports.export_decisions(con, args.out, args.school_year, share_group=group)
        elif args.what == "findings":
            n = exports.export_findings(con, args.out, share_group=group)
        else:
            n = exports.export_quarantine(con, args.out, share_group=group)
    finally:
        con.close()
    print(f"{args.what}: {n} rows written to {args.out}")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Recompute a run and compare; exit 1 when anything differs."""
    from duaal.audit import audit

    settings = _settings(args)
    result = audit(settings.db, args.run_id, timeout_s=settings.lock_timeout_s)
    print(f"run {result.run_id} (as_of {result.as_of.isoformat()})")
    for name in ("decisions", "findings", "quarantine"):
        rec, new, sto = result.recorded[name], result.recomputed[name], result.stored[name]
        same = "identical" if rec == new == sto else "DIFFERENT"
        print(f"  {name:<11} {same}  recorded {rec}")
        if rec != new:
            print(f"  {'':<11} recomputed {new}")
        if rec != sto:
            print(f"  {'':<11} stored rows {sto}")
    for line in result.decision_differences:
        print(f"  decision differs: {line}")
    for line in result.validation_differences:
        print(f"  validation differs: {line}")
    if result.identical:
        print("audit: identical")
        return EXIT_OK
    print("audit: the run cannot be reproduced from its inputs", file=sys.stderr)
    return EXIT_FAILED


def cmd_runs(args: argparse.Namespace) -> int:
    """List the runs, newest first."""
    from duaal.db import connect

    settings = _settings(args)
    con = connect(settings.db, read_only=True, timeout_s=settings.lock_timeout_s)
    try:
        rows = con.execute(
            """
            SELECT r.run_id, r.status, strftime(r.started_at, '%Y-%m-%d %H:%M:%S'),
                   strftime(r.finished_at, '%H:%M:%S'), r.as_of,
                   (SELECT count(*) FROM run_decisions d WHERE d.run_id = r.run_id),
                   (SELECT count(*) FROM run_findings f WHERE f.run_id = r.run_id),
                   left(r.rule_config_hash, 12), coalesce(r.error, '')
            FROM runs r ORDER BY r.started_at DESC, r.run_id DESC LIMIT ?
            """,
            [args.limit],
        ).fetchall()
    finally:
        con.close()
    header = (
        "run_id",
        "status",
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
            )
        )
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    """Purge (or count, with --dry-run) the personal data of closed school years."""
    from duaal.db import connect
    from duaal.pipeline import code_version
    from duaal.purge import MissingKey, default_before, pseudonym_key, purge

    settings = _settings(args)
    before = args.before or default_before(settings.as_of, settings.retention_school_years)
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
    for table, n in sorted(result.row_counts.items()):
        print(f"  {table:<34} {n} rows")
    print(f"  runs whose data {'would change' if args.dry_run else 'changed'}: {len(result.runs)}")
    if args.dry_run:
        print("purge: dry run, nothing changed")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the scheduled deployments (blocks until interrupted)."""
    from flows.deployments import serve_deployments

    serve_deployments(_settings(args))
    return EXIT_OK


COMMANDS = {
    "run": cmd_run,
    "demo": cmd_demo,
    "generate": cmd_generate,
    "export": cmd_export,
    "audit": cmd_audit,
    "runs": cmd_runs,
    "serve": cmd_serve,
    "purge": cmd_purge,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `duaal` command."""
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from duaal.db import DatabaseBusy

    try:
        return COMMANDS[args.command](args)
    except DatabaseBusy as exc:
        print(f"duaal: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except (FileNotFoundError, LookupError, ValueError) as exc:
        print(f"duaal {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a failed run: the message, not a traceback
        if os.environ.get("DUAAL_DEBUG"):
            raise
        print(f"duaal {args.command} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
