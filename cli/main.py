"""The command line: `duaal run | demo | generate | export | diff | explain | audit | verify |
runs | purge | serve | deploy`.

Heavy libraries (Prefect, Great Expectations, pandas) are imported inside the commands
that use them, so `duaal --help` answers at once.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from duaal.settings import PURGE_SETTINGS, RUN_SETTINGS, SAMPLE_SETTINGS, Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_WARNINGS = 0, 1, 2, 3, 4
# interrupted: 128 + the signal, as a shell reports it (duaal.interrupts.exit_code)
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM
FLOW_COMMANDS = frozenset({"run", "demo"})  # the commands that run a Prefect flow


def _whole_number(flag: str, text: str, what: str, low: int, high: int | None = None) -> int:
    """A flag's whole number from low (to high), else a usage error that names the flag, the
    value and what it counts: --limit -1: a number of runs of at least 1."""
    from duaal.settings import UsageError

    try:
        number: int | None = int(str(text).strip())
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        bound = f"of at least {low}" if high is None else f"from {low} to {high}"
        raise UsageError(f"{flag} {text}: a number of {what} {bound}")
    return number


def _school_year_arg(text: str) -> str:
    """An argparse type: a school year such as 2024-2025."""
    from duaal.settings import parse_school_year_setting

    try:
        return parse_school_year_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None


class _VersionAction(argparse.Action):
    """`--version`: the version as runs record it, computed only when asked for (it runs git)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from duaal.version import code_version

        print(f"duaal {code_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command. Values stay text here: `duaal.settings` reads
    them, so a flag, the environment and the settings file are checked alike."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="show the traceback of a failure on the terminal"
    )
    parser = argparse.ArgumentParser(
        prog="duaal",
        description="Premium decisions, compliance findings and reports for duaal leren "
        "(premie kwalificerend werkplekleren).",
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="print the version (and, in a git checkout, the commit) and exit",
    )
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="one of these (duaal COMMAND --help shows its flags)",
    )

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, parents=[common])

    def paths(
        p: argparse.ArgumentParser, *, run: bool = False, dated: bool = True, writes: bool = False
    ) -> None:
        p.add_argument("--db", help="DuckDB file (default data/processed/duaal.duckdb)")
        if not run:
            p.add_argument(
                "--lock-timeout-s", help="seconds to wait in all for a database in use (60)"
            )
        if writes:  # the command writes files with personal data
            p.add_argument(
                "--share-group", help="group that may read outputs with personal data (none)"
            )
        if run:
            p.add_argument("--raw", help="folder of exports (default data/raw)")
            p.add_argument("--reports", help="report folder (default reports)")
            if dated:  # a scheduled run judges as on the day it runs
                p.add_argument("--as-of", help="reference date YYYY-MM-DD (default today)")
            p.add_argument(
                "--school-year",
                action="append",
                dest="school_years",
                metavar="YYYY-YYYY",
                help="report only this school year (repeatable)",
            )
            p.add_argument(
                "--rules", help="rule configuration file (default transforms/rules.toml)"
            )
            p.add_argument("--aliases", help="header aliases file (other export variants)")
            p.add_argument(
                "--lock-timeout-s", help="seconds to wait in all for a database in use (60)"
            )
            p.add_argument(
                "--notify-block", help="Prefect notification block, e.g. slack-webhook/x"
            )
            p.add_argument("--max-export-age-days", help="EXPORT_STALE above this many days (35)")
            p.add_argument("--max-volume-drop", help="VOLUME_DROP above this share (0.1 or 10%%)")
            p.add_argument(
                "--max-quarantine-share", help="QUARANTINE_SHARE above this share (0.05 or 5%%)"
            )
            p.add_argument(
                "--share-group", help="group that may read outputs with personal data (none)"
            )

    run = command("run", "the whole pipeline as one Prefect flow run")
    paths(run, run=True)
    run.add_argument("--no-reports", action="store_true", help="ingest, rules and validation only")

    demo = command("demo", "generate sample exports when data/raw is empty, then run")
    paths(demo, run=True)
    demo.add_argument("--agreements", dest="sample_agreements", help="sample size (3000)")
    demo.add_argument("--seed", dest="sample_seed", help="sample seed (1)")

    gen = command("generate", "realistic synthetic exports (same seed and as-of, same bytes)")
    gen.add_argument(
        "--out", type=Path, required=True, help="folder to write into, a subfolder per source"
    )
    gen.add_argument("--agreements", dest="sample_agreements", help="number of agreements (3000)")
    gen.add_argument("--seed", dest="sample_seed", help="random seed (1)")
    gen.add_argument("--as-of", help="the current school year is the one of this date")
    gen.add_argument("--dimona-rows", help="make the Dimona export exactly this long")

    export = command("export", "CSV exports: decisions, findings, payments, quarantine, changes")
    export.add_argument(
        "what",
        choices=["decisions", "findings", "payments", "quarantine", "changes"],
        help="which export: the latest run's decisions, findings, payment reconciliation or "
        "quarantine, or the changes between two runs",
    )
    export.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    export.add_argument(
        "--school-year",
        dest="export_school_year",
        metavar="YYYY-YYYY",
        help="decisions and payments: only this school year (default: every school year)",
    )
    export.add_argument("--from", dest="from_run", help="changes: the earlier run")
    export.add_argument("--to", dest="to_run", help="changes: the later run")
    paths(export, writes=True)

    diff = command("diff", "what changed between two completed runs")
    diff.add_argument("--from", dest="from_run", help="the earlier run (default: the one before)")
    diff.add_argument("--to", dest="to_run", help="the later run (default: the latest)")
    paths(diff)

    audit = command("audit", "recompute a past run and compare its digests")
    audit.add_argument("run_id", help="the run to recompute (duaal runs lists them)")
    audit.add_argument("--bundle", type=Path, help="also write the run's evidence to FILE.zip")
    paths(audit, writes=True)

    verify = command("verify", "check an evidence bundle, without the database")
    verify.add_argument("bundle", type=Path, help="FILE.zip written by audit --bundle")

    explain = command("explain", "the whole story of a learner's (or mentor's) decisions")
    who = explain.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner", help="INSZ of the learner")
    who.add_argument("--mentor", help="INSZ of the mentor")
    explain.add_argument("--company", help="KBO of the company (default: every company)")
    explain.add_argument("--school-year", type=_school_year_arg, help="default: every school year")
    explain.add_argument("--run", dest="run_id", help="the run (default: the latest completed)")
    explain.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="text (default), markdown or json",
    )
    paths(explain)

    runs = command("runs", "the runs, newest first, with their outcome and warnings")
    runs.add_argument(
        "--limit", default="50", help="show the newest this many runs, and purges (50)"
    )
    paths(runs)

    purge = command("purge", "pseudonymise the personal data of people done before a school year")
    purge.add_argument(
        "--before",
        type=_school_year_arg,
        help="school year, e.g. 2024-2025 (default: the current one minus retention_school_years)",
    )
    purge.add_argument("--dry-run", action="store_true", help="count what would be purged")
    purge.add_argument(
        "--retention-school-years", help="school years personal data is kept (default 7)"
    )
    paths(purge, writes=True)

    serve = command("serve", "serve the scheduled deployments with Prefect")
    paths(serve, run=True, dated=False)

    deploy = command("deploy", "register the scheduled deployments on a Prefect work pool")
    deploy.add_argument(
        "--pool", required=True, help="work pool name (type process, created when absent)"
    )
    paths(deploy, run=True, dated=False)
    return parser


# argparse destinations that are settings (duaal.settings.Settings fields): a command
# without one of these flags leaves it to the environment and the settings file
_SETTING_ARGS = (*RUN_SETTINGS, *PURGE_SETTINGS, *SAMPLE_SETTINGS)


def _settings(args: argparse.Namespace) -> Settings:
    from duaal.settings import load_settings

    return load_settings(**{name: getattr(args, name, None) for name in _SETTING_ARGS})


def _given(args: argparse.Namespace, name: str, env: str) -> str:
    """How a setting was given, for a usage error: the flag, else the variable, else the key."""
    from duaal.settings import flag_name

    if getattr(args, name, None) is not None:
        return flag_name(name)
    return env if env in os.environ else name


def _run_settings(args: argparse.Namespace) -> Settings:
    """The settings of a run, checked against its rule configuration before any work. A
    school year asked for by name needs its amounts; one that as_of reaches without them is
    decided all the same (the input check AMOUNTS_MISSING says so, exit 4)."""
    from duaal.settings import UsageError
    from transforms.rule_config import load_rule_config

    settings = _settings(args)
    try:
        config = load_rule_config(settings.rules)
    except OSError as exc:
        raise UsageError(
            f"{_given(args, 'rules', 'DUAAL_RULES')} {settings.rules}: {exc.strerror}"
        ) from None
    except ValueError as exc:
        raise UsageError(
            f"{_given(args, 'rules', 'DUAAL_RULES')} {settings.rules}: {exc}"
        ) from None
    configured = sorted(a.school_year for a in config.premium.amounts)
    span = f"{configured[0]} … {configured[-1]}" if configured else "none"
    for year in settings.school_years:
        if year not in configured:
            raise UsageError(
                f"{_given(args, 'school_years', 'DUAAL_SCHOOL_YEARS')} {year}: no premium amounts "
                f"for that year; configured: {span} (add that year's amounts to "
                f"{settings.rules})"
            )
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    """Run the pipeline as a Prefect flow and print its summary."""
    settings = _run_settings(args)
    from duaal import interrupts
    from flows.pipeline import run_pipeline_flow
    from flows.summary import format_summary, write_out

    interrupts.note_stage("start-up")
    started = time.perf_counter()
    summary = run_pipeline_flow(settings, with_reports=not args.no_reports)
    # what the stages do not account for: Prefect (its temporary server, the flow and its
    # tasks, the artifacts) and the run's bookkeeping
    elapsed = time.perf_counter() - started
    summary.stage_seconds["prefect"] = max(elapsed - sum(summary.stage_seconds.values()), 0.0)
    write_out(format_summary(summary, settings))
    return EXIT_WARNINGS if summary.warnings else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate sample exports into an empty raw folder, then run."""
    settings = _run_settings(args)
    has_exports = settings.raw.is_dir() and any(
        p.is_file() and not p.name.startswith(".") for p in settings.raw.rglob("*")
    )
    from duaal import interrupts
    from flows.summary import write_out

    if has_exports:
        write_out(f"demo: {settings.raw} holds exports already; running on them")
    else:
        from duaal.generate import generate

        write_out(
            f"demo: generating {settings.sample_agreements} sample agreements into {settings.raw}"
        )
        interrupts.note_stage("generate")
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
    from duaal.generate import EXCEL_MAX_DATA_ROWS, generate

    dimona_rows = (
        None
        if args.dimona_rows is None
        else _whole_number("--dimona-rows", args.dimona_rows, "rows", 0, EXCEL_MAX_DATA_ROWS)
    )
    settings = _settings(args)
    written = generate(
        args.out,
        agreements=settings.sample_agreements,
        seed=settings.sample_seed,
        as_of=settings.as_of,
        dimona_rows=dimona_rows,
    )
    for source, files in written.items():
        for path in files:
            print(f"{source}: {path}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write one of the CSV exports."""
    from duaal import exports
    from duaal.db import connect
    from duaal.settings import UsageError, parse_school_year_setting

    settings = _settings(args)
    if args.export_school_year is not None:
        try:
            parse_school_year_setting(args.export_school_year)
        except ValueError as exc:
            raise UsageError(f"--school-year {args.export_school_year}: {exc}") from None
    con = connect(settings.db, read_only=True, timeout_s=settings.lock_timeout_s)
    try:
        group = settings.share_group
        if args.what == "decisions":
            n = exports.export_decisions(con, args.out, args.export_school_year, share_group=group)
        elif args.what == "payments":
            n = exports.export_payments(con, args.out, args.export_school_year, share_group=group)
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


def cmd_audit(args: argparse.Namespace) -> int:
    """Recompute a run and compare; exit 1 when anything differs."""
    from duaal.audit import audit
    from duaal.pipeline import DIGESTS

    settings = _settings(args)
    result = audit(settings.db, args.run_id, timeout_s=settings.lock_timeout_s)
    print(f"run {result.run_id} (as_of {result.as_of.isoformat()})")
    for name in DIGESTS:
        rec, new, sto = result.recorded[name], result.recomputed[name], result.stored[name]
        same = "identical" if rec == new == sto else "DIFFERENT"
        print(f"  {name:<11} {same}  recorded {rec}")
        if rec != new:
            print(f"  {'':<11} recomputed {new}")
        if rec != sto:
            print(f"  {'':<11} stored rows {sto}")
    for line in result.decision_differences:
        print(f"  decision differs: {line}")
    for line in result.payment_differences:
        print(f"  payment differs: {line}")
    for line in result.validation_differences:
        print(f"  validation differs: {line}")
    if result.validation_not_compared:
        print(
            f"  validation: {len(result.validation_not_compared)} checks not compared "
            "(this code and the run's code do not run them in the same form), e.g. "
            + "; ".join(result.validation_not_compared[:3])
        )
    if args.bundle:
        from duaal.bundle import write_bundle

        manifest = write_bundle(
            settings.db, args.run_id, args.bundle, share_group=settings.share_group
        )
        print(f"bundle: {args.bundle} ({len(manifest)} members and manifest.json)")
    if result.identical:
        print("audit: identical")
        return EXIT_OK
    print("audit: the run cannot be reproduced from its inputs", file=sys.stderr)
    return EXIT_FAILED


def cmd_diff(args: argparse.Namespace) -> int:
    """Print what changed between two completed runs, grouped per decision and agreement."""
    from duaal.changes import NotEnoughRuns, compute_changes, format_changes
    from duaal.db import connect

    settings = _settings(args)
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


def cmd_explain(args: argparse.Namespace) -> int:
    """Print the story of a learner's decisions, or of a mentor, as the run decided them."""
    from duaal.explain import explain_learner, explain_mentor
    from duaal.settings import UsageError
    from transforms.identifiers import (
        InvalidIdentifier,
        is_pseudonym,
        normalise_insz,
        normalise_kbo,
    )

    settings = _settings(args)
    for flag, value, check in (
        ("--learner", args.learner, normalise_insz),
        ("--mentor", args.mentor, normalise_insz),
        ("--company", args.company, normalise_kbo),
    ):
        if value is not None and not is_pseudonym(value.strip()):
            try:
                check(value)
            except InvalidIdentifier as exc:
                what = "an ondernemingsnummer (KBO)" if flag == "--company" else "an INSZ"
                raise UsageError(f"{flag} {value}: not {what} ({exc})") from None
    if args.mentor:
        story = explain_mentor(
            settings.db, args.mentor, run_id=args.run_id, timeout_s=settings.lock_timeout_s
        )
    else:
        story = explain_learner(
            settings.db,
            args.learner,
            company=args.company,
            school_year=args.school_year,
            run_id=args.run_id,
            timeout_s=settings.lock_timeout_s,
        )
    sys.stdout.write(story.render(args.format))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    """Check an evidence bundle; exit 1 naming each difference."""
    from duaal.bundle import this_code_version, verify_bundle
    from duaal.pipeline import DIGESTS

    result = verify_bundle(args.bundle)
    if result.run_id:
        print(f"run {result.run_id} (as_of {result.as_of.isoformat()})")
        print(f"  code        bundle {result.bundle_code_version}, here {this_code_version()}")
    for name in DIGESTS:
        if name in result.recorded and name in result.recomputed:
            rec = result.recorded[name]
            same = rec == result.recomputed[name] == result.bundled.get(name)
            print(f"  {name:<11} {'identical' if same else 'DIFFERENT'}  recorded {rec}")
    for line in result.differences:
        print(f"  differs: {line}")
    if result.ok:
        print("verify: identical")
        return EXIT_OK
    print(
        f"verify: the bundle does not hold up ({len(result.differences)} differences)",
        file=sys.stderr,
    )
    return EXIT_FAILED


def cmd_runs(args: argparse.Namespace) -> int:
    """List the runs, newest first, with their outcome and the count of input warnings."""
    from duaal.db import connect

    # DuckDB takes a LIMIT up to 2**63 - 1: more runs than any database holds
    limit = min(_whole_number("--limit", args.limit, "runs", 1), 2**63 - 1)
    settings = _settings(args)
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
        has_purges = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'purges'"
        ).fetchone()[0]
        purges = (
            con.execute(
                "SELECT purge_id, strftime(purged_at, '%Y-%m-%d %H:%M:%S'), before_school_year, "
                "persons FROM purges ORDER BY purged_at DESC LIMIT ?",
                [limit],
            ).fetchall()
            if has_purges
            else []
        )
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


def cmd_purge(args: argparse.Namespace) -> int:
    """Purge (or count, with --dry-run) the personal data of closed school years."""
    from duaal.db import connect
    from duaal.pipeline import code_version
    from duaal.purge import MissingKey, default_before, pseudonym_key, purge, school_year_of
    from duaal.settings import UsageError

    settings = _settings(args)
    current = school_year_of(settings.as_of)
    years = settings.retention_school_years
    if args.before is None and years >= int(current[:4]):  # no school year before year 1
        raise UsageError(
            f"{_given(args, 'retention_school_years', 'DUAAL_RETENTION_SCHOOL_YEARS')} {years}: "
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


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the scheduled deployments (blocks until interrupted)."""
    from flows.deployments import serve_deployments

    serve_deployments(_settings(args))
    return EXIT_OK


def cmd_deploy(args: argparse.Namespace) -> int:
    """Register the scheduled deployments on a work pool and say how to start a worker."""
    from flows.deployments import DeployRefused, deploy_to_pool, describe_pool_deployment

    try:
        result = deploy_to_pool(_settings(args), args.pool)
    except DeployRefused as exc:
        print(f"duaal deploy: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(describe_pool_deployment(result))
    return EXIT_OK


COMMANDS = {
    "run": cmd_run,
    "demo": cmd_demo,
    "generate": cmd_generate,
    "export": cmd_export,
    "audit": cmd_audit,
    "diff": cmd_diff,
    "explain": cmd_explain,
    "verify": cmd_verify,
    "runs": cmd_runs,
    "serve": cmd_serve,
    "deploy": cmd_deploy,
    "purge": cmd_purge,
}


def _failure(command: str, exc: BaseException) -> str:
    """One message for a failure: what failed, where, and what to do."""
    from duaal.checks import InputCheckFailed

    if isinstance(exc, InputCheckFailed):
        lines = [f"duaal {command} failed: the inputs cannot be used, no reports were written"]
        lines += [f"  {c.line()}" for c in exc.checks if c.severity != "info"]
        lines.append("fix the inputs named above and run again")
        return "\n".join(lines)
    if isinstance(exc, FileNotFoundError | LookupError | ValueError):
        return f"duaal {command}: {exc}"
    from duaal.pipeline import STAGE_NOTE

    stages = [
        n.removeprefix(STAGE_NOTE)
        for n in getattr(exc, "__notes__", ())
        if n.startswith(STAGE_NOTE)
    ]
    where = f" in stage {stages[0]}" if stages else ""
    tb = exc.__traceback__
    while tb is not None:  # the innermost frame of duaal's own code says where
        name = tb.tb_frame.f_code.co_filename
        if any(f"/{pkg}/" in name for pkg in ("duaal", "transforms", "expectations", "flows")):
            where = f"{where.split(' (')[0]} ({Path(name).parent.name}/{Path(name).name}:{tb.tb_lineno})"
        tb = tb.tb_next
    recorded = (
        "the run is recorded as failed (duaal runs); "
        if stages and stages[0] not in ("open", "ingest")
        else ""
    )
    log = (
        "the traceback is in the flow run's log in Prefect, and "
        if command in FLOW_COMMANDS
        else ""
    )
    return (
        f"duaal {command} failed{where}: {type(exc).__name__}: {exc}\n"
        f"{recorded}{log}--debug shows the traceback here"
    )


def interrupted_line(command: str) -> str:
    """The one line an interrupted run says: where it was, and what became of it."""
    from duaal import interrupts

    stage, completed = interrupts.where()
    if completed:
        return (
            f"duaal {command}: interrupted after run {completed} completed; its outputs are written"
        )
    if stage == "generate":
        return (
            f"duaal {command}: interrupted while generating the sample exports; empty the "
            "raw folder and run again"
        )
    if stage in (None, "start-up"):
        return (
            f"duaal {command}: interrupted in Prefect's start-up, before the run began; "
            "nothing written; run again"
        )
    return f"duaal {command}: interrupted in stage {stage}; nothing half-written; run again"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `duaal` command. argv None: this process's own command line (the
    script); a run then watches for Ctrl-C and SIGTERM until the process has exited."""
    args = build_parser().parse_args(argv)
    debug = args.debug or bool(os.environ.get("DUAAL_DEBUG"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the temporary API server's first start on a new Prefect home builds its database: on
    # a busy two-core machine that takes longer than Prefect's 20 s, and the run would fail
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # the flow run's log keeps every line (and a failure's traceback); the terminal shows
    # duaal's own lines and, with --debug, Prefect's too
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    if not debug:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    from duaal import interrupts
    from duaal.db import DatabaseBusy
    from duaal.settings import UsageError

    # Ctrl-C or SIGTERM during a run: one line, exit 130 or 143 (duaal/interrupts.py)
    watch = None
    if args.command in FLOW_COMMANDS:
        watch = interrupts.install(lambda: interrupted_line(args.command), quiet=not debug)
    try:
        return COMMANDS[args.command](args)
    except BaseException as exc:
        signum = interrupts.signal_of(exc) if watch is not None else None
        if signum is not None:
            if debug:
                traceback.print_exc()
            interrupts.say(interrupted_line(args.command))
            # the run has tidied up (or had nothing yet): end now, not after the seconds the
            # interpreter takes to exit; Prefect's server is told to stop as at its own exit
            interrupts.hard_exit(flush_logs_s=2.0)
        if isinstance(exc, UsageError | DatabaseBusy):
            print(f"duaal {args.command}: {exc}", file=sys.stderr)
            return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_BUSY
        if not isinstance(exc, Exception):
            raise
        # a failed run: the message, not a traceback
        if debug:
            traceback.print_exc()
        print(_failure(args.command, exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        if argv is None:
            # the process exits: its exit handlers still run (Prefect stops its server,
            # logging flushes), but the interpreter's last garbage collections no longer
            # walk every object of Great Expectations, Prefect and pandas (1-1.6 s of exit)
            gc.freeze()
        if watch is not None and argv is None:
            watch.ending()  # the process exits: a signal now ends it at once
        elif watch is not None:
            watch.close()  # called in-process (tests): put back what was there


if __name__ == "__main__":
    sys.exit(main())
