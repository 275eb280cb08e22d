"""Settings: defaults under the project folder, then file, environment and flags."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from duaal.settings import load_settings


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DUAAL_HOME", str(tmp_path))
    for name in ("DUAAL_DB", "DUAAL_RAW", "DUAAL_AS_OF", "DUAAL_SETTINGS", "DUAAL_SCHOOL_YEARS"):
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

    monkeypatch.setenv("DUAAL_DB", "from-env.duckdb")
    monkeypatch.setenv("DUAAL_SCHOOL_YEARS", "2023-2024,2024-2025")
    s = load_settings()
    assert s.db == home / "from-env.duckdb"
    assert s.school_years == ("2023-2024", "2024-2025")
    assert s.raw == Path("/exports"), "the environment must not reset what it does not name"

    s = load_settings(db=Path("/tmp/flag.duckdb"), as_of=date(2026, 9, 1), raw=None)
    assert (s.db, s.as_of, s.raw) == (Path("/tmp/flag.duckdb"), date(2026, 9, 1), Path("/exports"))


def test_unknown_setting_in_file_is_refused_by_name(home: Path):
    (home / "duaal.toml").write_text('databse = "typo.duckdb"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown settings databse"):
        load_settings()
