"""`duaal audit` of a run recorded before payments were reconciled: its configuration has no
payment_expected_months, its database no run_payments and no payments digest, its code was
another version whose validation had no payments suite. It must still reproduce; and under
the run's own code version a missing stored check is still a difference."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from duaal.common.db import connect
from duaal.common.version import code_version
from duaal.history.audit import NO_ROWS, audit
from duaal.run.pipeline import finish_run, record_stage, rules_stage, start_run
from expectations.validate import validate
from tests.builders import RULES_FILE
from tests.duaal.conftest import AS_OF, NOW
from transforms.loading import ingest
from transforms.rule_config import parse_rule_config

OLDER_CODE = "0.9.0+older"


@pytest.fixture(scope="module")
def older(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The generated sample, run and validated as a duaal without payment reconciliation
    left it in its database."""
    base = tmp_path_factory.mktemp("older")
    db = base / "duaal.duckdb"
    con = connect(db)
    ingest(con, raw, now=NOW)
    text = RULES_FILE.read_text(encoding="utf-8").replace("payment_expected_months = 6 ", "# ")
    config = parse_rule_config(text)  # as stored with the run
    run_id = start_run(con, config, AS_OF, now=NOW)
    rules_stage(con, config, AS_OF)
    validate(con, run_id, base / "docs")
    record_stage(con, run_id)
    finish_run(con, run_id, "completed")
    # what that duaal did not write
    con.execute(
        "DELETE FROM validation_results WHERE suite = 'fct_payment_reconciliation' "
        "OR expectation = 'rule:finding_payment_matches_reconciliation'"
    )
    con.execute("DROP TABLE run_payments")
    con.execute("ALTER TABLE runs DROP COLUMN digest_payments")
    con.execute("UPDATE runs SET code_version = ?", [OLDER_CODE])
    con.close()
    return db, run_id


def _copy(db: Path, folder: Path) -> Path:
    copy = folder / db.name
    shutil.copy(db, copy)
    return copy


def test_a_run_recorded_before_payments_were_reconciled_audits_identical(older, capsys):
    db, run_id = older
    assert main(["audit", run_id, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    # recorded (none: no rows), recomputed (no payment_expected_months) and stored (no table)
    assert f"  payments    identical  recorded {NO_ROWS}\n" in out
    assert "differs" not in out and out.endswith("audit: identical\n")
    # the checks added since are named, not compared
    assert "  validation: " in out and " checks not compared " in out
    assert "e.g. fct_compliance_findings: rule:finding_payment_matches_reconciliation" in out


def test_it_still_audits_identical_once_a_newer_duaal_opened_its_database(older, tmp_path):
    db, run_id = older
    copy = _copy(db, tmp_path)
    connect(copy).close()  # brings the database up to the current schema
    con = duckdb.connect(str(copy), read_only=True)
    assert con.execute(
        "SELECT digest_payments, (SELECT count(*) FROM run_payments) FROM runs"
    ).fetchall() == [(None, 0)]
    con.close()
    assert audit(copy, run_id, validate=False).identical


def test_under_the_runs_own_code_a_missing_stored_check_is_a_difference(older, tmp_path):
    db, run_id = older
    copy = _copy(db, tmp_path)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE runs SET code_version = ?", [code_version()])
    con.close()
    result = audit(copy, run_id)
    assert not result.identical
    assert result.validation_not_compared == []
    assert any(
        d.startswith("fct_payment_reconciliation: rule:payment_status_follows_the_rule_book")
        for d in result.validation_differences
    )


def test_its_payments_cannot_be_exported(older, tmp_path, capsys):
    db, run_id = older
    code = main(["export", "payments", "--out", str(tmp_path / "p.csv"), "--db", str(db)])
    assert code == 1
    assert capsys.readouterr().err == (
        f"duaal export: the latest completed run {run_id} reconciled no payments (it ran "
        "before duaal reconciled them): run `duaal run` again\n"
    )
    assert not (tmp_path / "p.csv").exists()
