"""The flags several commands share, each defined once, and how a command turns its flags
into settings (`duaal.common.settings` checks a flag, the environment and the settings file
alike)."""

from __future__ import annotations

import argparse
import os

from duaal.common.settings import PURGE_SETTINGS, RUN_SETTINGS, SAMPLE_SETTINGS, Settings


def paths(p: argparse.ArgumentParser, *, inputs: bool = False) -> None:
    """The database, and for a run the folders it reads and writes."""
    p.add_argument("--db", help="DuckDB file (default data/processed/duaal.duckdb)")
    if inputs:
        p.add_argument("--raw", help="folder of exports (default data/raw)")
        p.add_argument("--reports", help="report folder (default reports)")


def lock_timeout(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lock-timeout-s", help="seconds to wait in all for a database in use (60)")


def share_group(p: argparse.ArgumentParser) -> None:
    """For a command that writes files with personal data."""
    p.add_argument("--share-group", help="group that may read outputs with personal data (none)")


def database_flags(p: argparse.ArgumentParser, *, writes: bool = False) -> None:
    """A command that reads (or, writes=True, also writes files from) the database."""
    paths(p)
    lock_timeout(p)
    if writes:
        share_group(p)


def run_flags(p: argparse.ArgumentParser, *, dated: bool = True) -> None:
    """A command that runs the pipeline (dated=False: a scheduled run, which judges as on
    the day it runs)."""
    paths(p, inputs=True)
    if dated:
        p.add_argument("--as-of", help="reference date YYYY-MM-DD (default today)")
    p.add_argument(
        "--school-year",
        action="append",
        dest="school_years",
        metavar="YYYY-YYYY",
        help="report only this school year (repeatable)",
    )
    p.add_argument("--rules", help="rule configuration file (default transforms/rules.toml)")
    p.add_argument("--aliases", help="header aliases file (other export variants)")
    lock_timeout(p)
    p.add_argument("--notify-block", help="Prefect notification block, e.g. slack-webhook/x")
    p.add_argument("--max-export-age-days", help="EXPORT_STALE above this many days (35)")
    p.add_argument("--max-volume-drop", help="VOLUME_DROP above this share (0.1 or 10%%)")
    p.add_argument("--max-quarantine-share", help="QUARANTINE_SHARE above this share (0.05 or 5%%)")
    share_group(p)


def whole_number(flag: str, text: str, what: str, low: int, high: int | None = None) -> int:
    """A flag's whole number from low (to high), else a usage error that names the flag, the
    value and what it counts: --limit -1: a number of runs of at least 1."""
    from duaal.common.settings import UsageError

    try:
        number: int | None = int(str(text).strip())
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        bound = f"of at least {low}" if high is None else f"from {low} to {high}"
        raise UsageError(f"{flag} {text}: a number of {what} {bound}")
    return number


def school_year_arg(text: str) -> str:
    """An argparse type: a school year such as 2024-2025."""
    from duaal.common.settings import parse_school_year_setting

    try:
        return parse_school_year_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None


# argparse destinations that are settings (duaal.common.settings.Settings fields): a command
# without one of these flags leaves it to the environment and the settings file
SETTING_ARGS = (*RUN_SETTINGS, *PURGE_SETTINGS, *SAMPLE_SETTINGS)


def settings_of(args: argparse.Namespace) -> Settings:
    from duaal.common.settings import load_settings

    return load_settings(**{name: getattr(args, name, None) for name in SETTING_ARGS})


def given(args: argparse.Namespace, name: str, env: str) -> str:
    """How a setting was given, for a usage error: the flag, else the variable, else the key."""
    from duaal.common.settings import flag_name

    if getattr(args, name, None) is not None:
        return flag_name(name)
    return env if env in os.environ else name


def run_settings(args: argparse.Namespace) -> Settings:
    """The settings of a run, checked against its rule configuration before any work. A
    school year asked for by name needs its amounts; one that as_of reaches without them is
    decided all the same (the input check AMOUNTS_MISSING says so, exit 4)."""
    from duaal.common.settings import UsageError
    from transforms.rule_config import load_rule_config

    settings = settings_of(args)
    try:
        config = load_rule_config(settings.rules)
    except OSError as exc:
        raise UsageError(
            f"{given(args, 'rules', 'DUAAL_RULES')} {settings.rules}: {exc.strerror}"
        ) from None
    except ValueError as exc:
        raise UsageError(f"{given(args, 'rules', 'DUAAL_RULES')} {settings.rules}: {exc}") from None
    configured = sorted(a.school_year for a in config.premium.amounts)
    span = f"{configured[0]} … {configured[-1]}" if configured else "none"
    for year in settings.school_years:
        if year not in configured:
            raise UsageError(
                f"{given(args, 'school_years', 'DUAAL_SCHOOL_YEARS')} {year}: no premium amounts "
                f"for that year; configured: {span} (add that year's amounts to "
                f"{settings.rules})"
            )
    return settings
