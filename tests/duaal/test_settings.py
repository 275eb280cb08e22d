"""Settings: defaults under the project folder, then file, environment and flags."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from duaal.common.settings import load_settings


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DUAAL_HOME", str(tmp_path))
    for name in [n for n in os.environ if n.startswith("DUAAL_") and n != "DUAAL_HOME"]:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_defaults_live_under_the_project_folder(home: Path):
    s = load_settings()
    assert s.db == home / "data" / "processed" / "duaal.duckdb"
    assert s.raw == home / "data" / "raw"
    assert s.reports == home / "reports"
    assert s.as_of == date.today()
    assert s.rules.name == "rules.toml" and s.rules.is_file()


def test_file_then_environment_then_flags_override(home: Path, monkeypatch):
    (home / "duaal.toml").write_text(
        'db = "from-file.duckdb"\nraw = "/exports"\nas_of = "2025-01-31"\n', encoding="utf-8"
    )
    s = load_settings()
    assert (s.db, s.raw, s.as_of) == (
        home / "from-file.duckdb",
        Path("/exports"),
        date(2025, 1, 31),
    )

    here = home / "elsewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("DUAAL_DB", "from-env.duckdb")
    monkeypatch.setenv("DUAAL_SCHOOL_YEARS", "2023-2024,2024-2025")
    s = load_settings()
    assert s.db == here / "from-env.duckdb", "the environment's relative path: the current folder"
    assert s.school_years == ("2023-2024", "2024-2025")
    assert s.raw == Path("/exports"), "the environment must not reset what it does not name"

    s = load_settings(db=Path("/tmp/flag.duckdb"), as_of=date(2026, 9, 1), raw=None)
    assert (s.db, s.as_of, s.raw) == (Path("/tmp/flag.duckdb"), date(2026, 9, 1), Path("/exports"))


def test_unknown_setting_in_file_is_refused_by_name(home: Path):
    (home / "duaal.toml").write_text('databse = "typo.duckdb"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown settings databse"):
        load_settings()


def test_relative_paths_are_where_their_writer_stood(home: Path, monkeypatch):
    conf = home / "conf"
    conf.mkdir()
    (conf / "team.toml").write_text('db = "db/duaal.duckdb"\nrules = "rules.toml"\n', "utf-8")
    cwd = home / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("DUAAL_SETTINGS", "../conf/team.toml")
    s = load_settings()
    assert s.db == conf / "db" / "duaal.duckdb", "a key of the settings file: its folder"
    assert s.rules == conf / "rules.toml"
    monkeypatch.setenv("DUAAL_REPORTS", "out")
    s = load_settings(raw="exports")
    assert s.reports == cwd / "out", "an environment variable: the current folder"
    assert s.raw == cwd / "exports", "a flag: the current folder"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DUAAL_LOCK_TIMEOUT_S", "soon", "DUAAL_LOCK_TIMEOUT_S='soon' is not a number of seconds"),
        (
            "DUAAL_MAX_EXPORT_AGE_DAYS",
            "1.5",
            "DUAAL_MAX_EXPORT_AGE_DAYS='1.5' is not a whole number",
        ),
        ("DUAAL_MAX_QUARANTINE_SHARE", "150%", "DUAAL_MAX_QUARANTINE_SHARE='150%' is not a share"),
        ("DUAAL_TIMEZONE", "Mars/Olympus", "DUAAL_TIMEZONE='Mars/Olympus' is not a time zone"),
        ("DUAAL_INGEST_CRON", "elke dag", "DUAAL_INGEST_CRON='elke dag' is not a cron expression"),
        ("DUAAL_SETTINGS", "geen.toml", "no such settings file"),
    ],
)
def test_a_wrong_environment_value_is_a_usage_error_naming_it(
    home: Path, monkeypatch, name, value, message
):
    from duaal.common.settings import UsageError

    monkeypatch.setenv(name, value)
    with pytest.raises(UsageError, match=re.escape(message)):
        load_settings()


def test_shares_read_as_fractions_or_percentages(home: Path):
    assert load_settings(max_volume_drop="10%").max_volume_drop == pytest.approx(0.10)
    assert load_settings(max_quarantine_share="0.2").max_quarantine_share == pytest.approx(0.2)


def test_a_what_if_run_reports_beside_the_current_reports_unless_told_where(
    home: Path, monkeypatch
):
    today = load_settings(as_of=date.today())
    assert today.reports == home / "reports", "as_of today: the current reports"
    what_if = load_settings(as_of=date(2025, 8, 31))
    assert what_if.reports == home / "reports" / "peildatum-2025-08-31"
    assert load_settings(as_of=date(2025, 8, 31), reports=home / "elders").reports == (
        home / "elders"
    ), "a flag says where"
    monkeypatch.setenv("DUAAL_REPORTS", str(home / "env"))
    assert load_settings(as_of=date(2025, 8, 31)).reports == home / "env", "so does the env"
    monkeypatch.delenv("DUAAL_REPORTS")
    (home / "duaal.toml").write_text('reports = "uit-bestand"\nas_of = "2025-08-31"\n', "utf-8")
    assert load_settings().reports == home / "uit-bestand", "and the settings file"
