"""One settings object: defaults under the project folder, then the settings file, the
environment, and command-line flags, each overriding the one before.

Settings file: `duaal.toml` in the project folder (or the file named by `DUAAL_SETTINGS`),
with the same keys as the fields below, e.g. `db = "data/processed/duaal.duckdb"`.
Environment: `DUAAL_<FIELD>` in upper case, e.g. `DUAAL_DB`, `DUAAL_AS_OF`.
Relative paths are resolved against the project folder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent  # the repository (editable install)


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
    lock_timeout_s: float = 60.0  # how long a run waits for a database another run holds
    sample_agreements: int = 3000  # `duaal generate` and `duaal demo`
    sample_seed: int = 1
    notify_block: str = ""  # Prefect notification block told of failed runs, e.g. "slack-webhook/x"
    share_group: str = ""  # group that may read the files with personal data (empty: owner only)
    retention_school_years: int = 7  # `duaal purge`: school years personal data is kept

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given fields replaced; None values are ignored."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **_coerce(given, project_dir()))


def _coerce(values: dict[str, object], base: Path) -> dict[str, object]:
    """Convert strings from a file, the environment or flags into the fields' types."""
    out: dict[str, object] = {}
    for key, value in values.items():
        if key in {"raw", "db", "reports", "rules", "aliases"}:
            path = Path(str(value)).expanduser()
            out[key] = path if path.is_absolute() else (base / path)
        elif key == "as_of":
            out[key] = value if isinstance(value, date) else date.fromisoformat(str(value))
        elif key == "school_years":
            if isinstance(value, str):
                value = [v for v in value.replace(";", ",").split(",") if v.strip()]
            out[key] = tuple(str(v).strip() for v in value)  # type: ignore[union-attr]
        elif key == "lock_timeout_s":
            out[key] = float(value)  # type: ignore[arg-type]
        elif key in {"sample_agreements", "sample_seed", "retention_school_years"}:
            out[key] = int(value)  # type: ignore[arg-type]
        else:
            out[key] = str(value)
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


def load_settings(**flags: object) -> Settings:
    """Defaults < settings file < environment < flags (None flags are ignored)."""
    settings = defaults()
    base = project_dir()
    settings_file = Path(os.environ.get("DUAAL_SETTINGS", base / "duaal.toml"))
    known = {f.name for f in fields(Settings)}
    if settings_file.is_file():
        with settings_file.open("rb") as fh:
            from_file = tomllib.load(fh)
        unknown = set(from_file) - known
        if unknown:
            raise ValueError(f"{settings_file}: unknown settings {', '.join(sorted(unknown))}")
        settings = replace(settings, **_coerce(from_file, base))
    from_env = {
        name: os.environ[f"DUAAL_{name.upper()}"]
        for name in known
        if f"DUAAL_{name.upper()}" in os.environ
    }
    settings = replace(settings, **_coerce(from_env, base))
    return settings.with_overrides(**flags)
