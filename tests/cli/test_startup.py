"""Start-up: a command imports only what it uses. `duaal --help`, `duaal export` and `duaal
explain` never import Prefect or Great Expectations, nor the workbook writer's XlsxWriter
and SciPy (each costs seconds to import)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from duaal.common.db import connect
from transforms.identifiers import make_insz
from transforms.schema import ensure_schema

HEAVY = ("prefect", "great_expectations", "xlsxwriter", "scipy")

# Runs the command's function in this fresh interpreter, then prints which of HEAVY it
# imported and the command's exit code, as one JSON line.
PROBE = """
import json, sys
from cli.main import main
try:
    rc = main(sys.argv[1:])
except SystemExit as exc:
    rc = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
print(json.dumps({{"rc": rc, "heavy": sorted({{m.split(".")[0] for m in heavy}})}}))
"""


def probe(*argv: str, heavy: tuple[str, ...] = HEAVY) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=set(heavy)), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """A database with one completed run and nothing in it."""
    path = tmp_path_factory.mktemp("startup") / "duaal.duckdb"
    con = connect(path)
    ensure_schema(con)
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, as_of, rule_config, "
        "rule_config_hash) VALUES ('R1', ?, ?, 'completed', ?, '', '')",
        [datetime(2026, 11, 28, 6), datetime(2026, 11, 28, 6, 1), date(2026, 11, 28)],
    )
    con.close()
    return path


def test_help_imports_neither_prefect_nor_great_expectations():
    assert probe("--help") == {"rc": 0, "heavy": []}


def test_export_imports_neither_prefect_nor_great_expectations(db, tmp_path):
    out = tmp_path / "decisions.csv"
    assert probe("export", "decisions", "--db", str(db), "--out", str(out)) == {
        "rc": 0,
        "heavy": [],
    }
    assert out.read_text(encoding="utf-8").startswith("school_year,company_kbo,learner_insz,")


def test_explain_without_a_decision_imports_neither(db):
    # the whole story on a real run is tests/duaal/test_explain.py; this one is the import
    # side of the command, fast: the learner has no decision, so it ends with exit 1
    result = probe(
        "explain", "--learner", make_insz("060101", 101, born_2000_or_later=True), "--db", str(db)
    )
    assert result["heavy"] == []
    assert result["rc"] == 1


def test_run_help_imports_neither():
    # argparse answers before the command runs: Prefect is imported by `run` itself only
    assert probe("run", "--help") == {"rc": 0, "heavy": []}


def test_version_imports_not_even_duckdb():
    # `duaal --version` reads the package version and asks git, nothing more
    assert probe("--version", heavy=(*HEAVY, "duckdb", "pyarrow", "pandas")) == {
        "rc": 0,
        "heavy": [],
    }
