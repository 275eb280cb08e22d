"""One settings object: defaults under the project folder, then the settings file, the
environment, and command-line flags, each overriding the one before.

Settings file: `duaal.toml` in the project folder (or the file named by `DUAAL_SETTINGS`),
with the same keys as the fields below, e.g. `db = "data/processed/duaal.duckdb"`.
Environment: `DUAAL_<FIELD>` in upper case, e.g. `DUAAL_DB`, `DUAAL_AS_OF`.
Flags: `--<field>` with dashes, e.g. `--as-of`, `--lock-timeout-s`.

Relative paths are resolved where the person who wrote them stood: a flag or an
environment variable against the current folder, a key of the settings file against that
file's folder. A value that cannot be used is a `UsageError` that names where it came from
(`DUAAL_LOCK_TIMEOUT_S='soon' is not a number of seconds`), raised before any work starts.
"""

from __future__ import annotations

import calendar
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # duaal/
SOURCE_ROOT = PACKAGE_DIR.parent  # the repository (editable install)


class UsageError(ValueError):
    """A setting that cannot be used, named with where it came from: exit 2, before any work."""


def project_dir() -> Path:
    """The project folder: DUAAL_HOME, else the repository this package was installed from."""
    home = os.environ.get("DUAAL_HOME")
    return Path(home).resolve() if home else SOURCE_ROOT


@dataclass(frozen=True)
class Settings:
    raw: Path
    db: Path
    reports: Path
    rules: Path  # the versioned rule configuration
    aliases: Path  # header aliases for other export variants
    as_of: date = field(default_factory=date.today)
    school_years: tuple[str, ...] = ()  # empty: every school year that has decisions
    timezone: str = "Europe/Brussels"
    ingest_cron: str = "0 6 * * 1-5"  # ingest and validation, every working day at 06:00
    reports_cron: str = "0 7 1 * *"  # full reports, first day of each month at 07:00
    lock_timeout_s: float = 60.0  # how long a run waits in total for a database another holds
    sample_agreements: int = 3000  # `duaal generate` and `duaal demo`
    sample_seed: int = 1
    notify_block: str = ""  # Prefect notification block told of failed runs, e.g. "slack-webhook/x"
    # input checks (CONTRACTS.md, "Input checks and the outcome of a run")
    max_export_age_days: int = 35  # EXPORT_STALE: newest export of a source older than this
    max_volume_drop: float = 0.10  # VOLUME_DROP: a staging table shrank by more than this share
    max_quarantine_share: float = 0.05  # QUARANTINE_SHARE: more of a file's rows quarantined
    share_group: str = ""  # group that may read the files with personal data (empty: owner only)
    retention_school_years: int = 7  # `duaal purge`: school years personal data is kept

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given fields replaced (as flags: relative paths against the
        current folder); None values are ignored."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **_coerce(given, Path.cwd(), _flag))


# The settings a run uses: every one of them is a parameter of the Prefect flow, so that
# none can be dropped on the way from the command line to the run (tests/flows check it).
RUN_SETTINGS: tuple[str, ...] = (
    "raw",
    "db",
    "reports",
    "rules",
    "aliases",
    "as_of",
    "school_years",
    "lock_timeout_s",
    "notify_block",
    "max_export_age_days",
    "max_volume_drop",
    "max_quarantine_share",
    "share_group",
)
# The settings of the schedules (`duaal serve`, `duaal deploy`) and of the sample generator.
SCHEDULE_SETTINGS: tuple[str, ...] = ("timezone", "ingest_cron", "reports_cron")
SAMPLE_SETTINGS: tuple[str, ...] = ("sample_agreements", "sample_seed")
PURGE_SETTINGS: tuple[str, ...] = ("retention_school_years",)  # `duaal purge`

PATH_SETTINGS = frozenset({"raw", "db", "reports", "rules", "aliases"})

# --- where a value came from, for the message of a usage error -----------------------------

# (field name, value as given, problem) -> the message, naming where the value came from
Origin = Callable[[str, object, str], str]


# flags whose name is not the field's
FLAG_NAMES = {
    "school_years": "--school-year",
    "sample_agreements": "--agreements",
    "sample_seed": "--seed",
}


def flag_name(name: str) -> str:
    """The command-line flag of a setting: as_of -> --as-of."""
    return FLAG_NAMES.get(name, f"--{name.replace('_', '-')}")


def _flag(name: str, value: object, problem: str) -> str:
    shown = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
    return f"{flag_name(name)} {shown}: {problem.removeprefix('is ')}"


def _joined(where: str, problem: str) -> str:
    # "X='soon' is not a number of seconds"; "X='2025-02-30': February 2025 has 28 days"
    return f"{where} {problem}" if problem.startswith("is ") else f"{where}: {problem}"


def _env(name: str, value: object, problem: str) -> str:
    return _joined(f"DUAAL_{name.upper()}={str(value)!r}", problem)


def _in_file(path: Path) -> Origin:
    return lambda name, value, problem: _joined(f"{path}: {name} = {value!r}", problem)


# --- values -----------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


def parse_date_setting(text: str) -> date:
    """A date YYYY-MM-DD; a day that does not exist says why (February 2025 has 28 days)."""
    match = _ISO_DATE.fullmatch(text.strip())
    if not match:
        raise ValueError("not a date (YYYY-MM-DD)")
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"{calendar.month_name[month]} {year} has {days} days")
    return date(year, month, day)


def parse_school_year_setting(text: str) -> str:
    """A school year such as 2024-2025 (the second year the first plus one)."""
    match = _SCHOOL_YEAR.fullmatch(text.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValueError("not a school year like 2024-2025")
    return text.strip()


def _seconds(value: object) -> float:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError("is not a number of seconds") from None
    if not seconds >= 0:
        raise ValueError("is not a number of seconds (0 or more)")
    return seconds


def _whole(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("is not a whole number")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError("is not a whole number") from None
    if number < 0:
        raise ValueError("is not a whole number (0 or more)")
    return number


def _share(value: object) -> float:
    """A share as 0.1 or 10%: between 0 and 1."""
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError("is not a share (such as 0.1 or 10%)") from None
    if not 0 <= share <= 1:
        raise ValueError("is not a share between 0 and 1 (such as 0.1 or 10%)")
    return share


def _timezone(value: object) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not a time zone (such as Europe/Brussels)") from None
    return str(value)


def _cron(value: object) -> str:
    if len(str(value).split()) != 5:
        raise ValueError("is not a cron expression of 5 fields (such as '0 6 * * 1-5')")
    return str(value)


def _group(value: object) -> str:
    import grp

    name = str(value).strip()
    if name:
        try:
            grp.getgrnam(name)
        except KeyError:
            raise ValueError("is not a group on this machine") from None
    return name


def _school_years(value: object) -> tuple[str, ...]:
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    return tuple(parse_school_year_setting(str(v)) for v in items if str(v).strip())  # type: ignore[union-attr]


def _as_of(value: object) -> date:
    return value if isinstance(value, date) else parse_date_setting(str(value))


_CONVERT: dict[str, Callable[[object], object]] = {
    "as_of": _as_of,
    "school_years": _school_years,
    "lock_timeout_s": _seconds,
    "sample_agreements": _whole,
    "sample_seed": _whole,
    "retention_school_years": _whole,
    "max_export_age_days": _whole,
    "max_volume_drop": _share,
    "max_quarantine_share": _share,
    "timezone": _timezone,
    "share_group": _group,
    "ingest_cron": _cron,
    "reports_cron": _cron,
}


def _coerce(values: dict[str, object], base: Path, origin: Origin) -> dict[str, object]:
    """Convert strings from a file, the environment or flags into the fields' types;
    relative paths against `base`. A value that does not fit is a UsageError."""
    out: dict[str, object] = {}
    for key, value in values.items():
        if key in PATH_SETTINGS:
            # abspath, not resolve: '..' is taken away, symbolic links are kept as given
            out[key] = Path(os.path.abspath(base / Path(str(value)).expanduser()))
            continue
        convert = _CONVERT.get(key, str)
        try:
            out[key] = convert(value)
        except ValueError as exc:
            raise UsageError(origin(key, value, str(exc))) from None
    return out


def defaults() -> Settings:
    """The built-in defaults, all under the project folder."""
    base = project_dir()
    return Settings(
        raw=base / "data" / "raw",
        db=base / "data" / "processed" / "duaal.duckdb",
        reports=base / "reports",
        rules=PACKAGE_DIR.parent / "transforms" / "rules.toml",
        aliases=PACKAGE_DIR.parent / "transforms" / "header_aliases.toml",
    )


def settings_file() -> Path:
    """The settings file: DUAAL_SETTINGS (relative to the current folder), else duaal.toml
    in the project folder."""
    named = os.environ.get("DUAAL_SETTINGS")
    return (
        Path(os.path.abspath(Path(named).expanduser())) if named else project_dir() / "duaal.toml"
    )


WHAT_IF_PREFIX = "peildatum-"  # the folder of a what-if run's reports: peildatum-<as_of>


def what_if_reports(reports: Path, as_of: date) -> Path:
    """Where a run judged as on another day than today writes its reports by default:
    beside the current ones, `<reports>/peildatum-<as_of>/`."""
    return reports / f"{WHAT_IF_PREFIX}{as_of.isoformat()}"


def load_settings(**flags: object) -> Settings:
    """Defaults < settings file < environment < flags (None flags are ignored).

    A run with an `as_of` other than today (a what-if run) writes its reports, unless
    `reports` is given, under `what_if_reports`: the current reports stay those of today."""
    settings = defaults()
    known = {f.name for f in fields(Settings)}
    given: set[str] = {name for name, value in flags.items() if value is not None}
    path = settings_file()
    if os.environ.get("DUAAL_SETTINGS") and not path.is_file():
        raise UsageError(f"DUAAL_SETTINGS={str(path)!r}: no such settings file")
    if path.is_file():
        try:
            with path.open("rb") as fh:
                from_file = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path}: not a valid TOML file: {exc}") from None
        unknown = set(from_file) - known
        if unknown:
            raise UsageError(f"{path}: unknown settings {', '.join(sorted(unknown))}")
        settings = replace(settings, **_coerce(from_file, path.parent, _in_file(path)))
        given |= set(from_file)
    from_env = {
        name: os.environ[f"DUAAL_{name.upper()}"]
        for name in known
        if f"DUAAL_{name.upper()}" in os.environ
    }
    settings = replace(settings, **_coerce(from_env, Path.cwd(), _env))
    given |= set(from_env)
    unknown = sorted(set(flags) - known)
    if unknown:
        raise TypeError(f"load_settings: unknown settings {', '.join(unknown)}")
    settings = settings.with_overrides(**flags)
    if "reports" not in given and settings.as_of != date.today():
        settings = replace(settings, reports=what_if_reports(settings.reports, settings.as_of))
    return settings
