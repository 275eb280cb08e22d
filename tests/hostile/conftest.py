"""One small generated sample and one clean run of it, shared by the hostile-input tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from duaal.run.pipeline import execute
from sample.generate import generate
from tests.hostile.sample import AGREEMENTS, AS_OF, SEED, CleanRun, settings_for


@pytest.fixture(scope="session")
def sample_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated exports of 150 agreements (17 files over the four sources)."""
    raw = tmp_path_factory.mktemp("sample") / "raw"
    generate(raw, agreements=AGREEMENTS, seed=SEED, as_of=AS_OF)
    return raw


@pytest.fixture(scope="session")
def clean_run(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    """One uninterrupted run of the sample on a fresh database, without reports."""
    db = tmp_path_factory.mktemp("clean") / "duaal.duckdb"
    settings = settings_for(sample_raw, db)
    summary = execute(settings, with_reports=False)
    assert summary.status == "completed", "the clean run must complete"
    return CleanRun(sample_raw, settings, summary)
