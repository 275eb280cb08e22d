"""Fixtures shared by the tests of duaal/: one generated run and its workbooks, made once."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.outputs.workbooks.writer import write_reports
from duaal.run.pipeline import record_stage, rules_stage, start_run
from sample.generate import generate
from transforms.loading import ingest
from transforms.rule_config import load_rule_config

AS_OF = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 6, 0)


@pytest.fixture(scope="session")
def raw(tmp_path_factory) -> Path:
    """300 generated agreements' exports."""
    base = tmp_path_factory.mktemp("parallel")
    generate(base / "raw", agreements=300, seed=11, as_of=AS_OF)
    return base / "raw"


@pytest.fixture(scope="session")
def recorded(raw, tmp_path_factory) -> tuple[Path, str]:
    """A database with one recorded run (no validation: the workbooks do not need it)."""
    base = tmp_path_factory.mktemp("recorded")
    settings = load_settings(raw=raw, db=base / "duaal.duckdb", reports=base / "r", as_of=AS_OF)
    con = connect(settings.db)
    ingest(con, raw, now=NOW)
    config = load_rule_config(settings.rules)
    run_id = start_run(con, config, AS_OF, now=NOW)
    rules_stage(con, config, AS_OF)
    record_stage(con, run_id)
    con.close()
    return settings.db, run_id


@pytest.fixture(scope="session")
def serial(recorded, tmp_path_factory) -> tuple[Path, list[Path]]:
    """The run's workbooks written in this process, one after the other."""
    db, run_id = recorded
    folder = tmp_path_factory.mktemp("serial")
    con = duckdb.connect(str(db), read_only=True)
    try:
        return folder, write_reports(con, run_id, folder, workers=1)
    finally:
        con.close()
