"""The whole run without Prefect on a small generated sample: history, exports, audit."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date

import duckdb
import pytest

from cli.main import main
from duaal.common.db import DatabaseBusy, completed_run, connect
from duaal.common.settings import load_settings
from duaal.history.audit import audit
from duaal.outputs import exports
from duaal.run.pipeline import execute, show_outcome_in_docs
from expectations.docs import page_name, write_docs
from sample.generate import generate
from transforms.schema import ensure_schema

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """One run of the pipeline (reports included) on 300 generated agreements."""
    base = tmp_path_factory.mktemp("run")
    generate(base / "raw", agreements=300, seed=7, as_of=AS_OF)
    settings = load_settings(
        raw=base / "raw", db=base / "duaal.duckdb", reports=base / "reports", as_of=AS_OF
    )
    summary = execute(settings)
    return settings, summary


def test_run_completes_and_is_recorded(sample_run):
    settings, summary = sample_run
    assert summary.status == "completed"
    assert summary.decisions > 0 and 0 < summary.eligible < summary.decisions
    con = connect(settings.db, read_only=True)
    run = con.execute(
        "SELECT status, as_of, rule_config_hash, digest_decisions, row_counts, code_version "
        "FROM runs WHERE run_id = ?",
        [summary.run_id],
    ).fetchone()
    assert run[0] == "completed" and run[1] == AS_OF
    assert len(run[2]) == 64 and run[3] == summary.digests["decisions"]
    assert f'"fct_premium_decisions": {summary.decisions}' in run[4]
    batches = con.execute(
        "SELECT count(*) FROM run_batches WHERE run_id = ?", [summary.run_id]
    ).fetchone()[0]
    assert batches == len([f for f in summary.files if f.status != "skipped"])
    stored = con.execute(
        "SELECT count(*) FROM run_decisions WHERE run_id = ?", [summary.run_id]
    ).fetchone()[0]
    assert stored == summary.decisions


def test_every_file_balances(sample_run):
    settings, summary = sample_run
    for f in summary.files:
        assert f.status == "loaded", f"{f.source}/{f.file_name}: {f.reason}"
        assert f.rows_read == f.rows_accepted + f.rows_quarantined + f.rows_blank


def test_reports_and_data_docs_are_written(sample_run):
    settings, summary = sample_run
    names = {p.name for p in summary.reports}
    assert "premies_2025-2026.xlsx" in names and "federatie_2025-2026.xlsx" in names
    assert summary.docs_index and summary.docs_index.is_file()
    con = connect(settings.db, read_only=True)
    (refused,) = con.execute(
        "SELECT sum(rows_quarantined)::INTEGER FROM load_batches JOIN run_batches "
        "USING (batch_id) WHERE run_id = ?",
        [summary.run_id],
    ).fetchone()
    con.close()
    index = summary.docs_index.read_text(encoding="utf-8")
    assert f"{refused:,}".replace(",", ".") + " rijen geweigerd bij het inlezen" in index
    page = summary.docs_index.parent / "validations" / page_name(summary.run_id)
    text = page.read_text(encoding="utf-8")
    assert '<span class="ok">voltooid</span>' in text or "voltooid, " in text, "the run's outcome"
    assert "bezig" not in text, "the end of the run replaced 'bezig' by its outcome"


def test_a_failed_run_shows_on_the_data_quality_site(tmp_path):
    con = duckdb.connect()
    ensure_schema(con)
    con.execute(
        "INSERT INTO runs (run_id, started_at, status, as_of, rule_config, rule_config_hash) "
        "VALUES ('run-1', '2026-11-28 06:00', 'running', '2026-11-28', '', '')"
    )
    docs = tmp_path / "datakwaliteit"
    write_docs(con, "run-1", docs)
    page = docs / "validations" / "run-1.html"
    assert "bezig (of onderbroken)" in page.read_text(encoding="utf-8")
    con.execute("UPDATE runs SET status = 'failed'")
    failure = RuntimeError("the inputs cannot be used")
    show_outcome_in_docs(con, "run-1", docs, failure)
    assert "gestopt vóór de validatie" in page.read_text(encoding="utf-8")
    shutil.rmtree(docs / "validations")
    (docs / "validations").write_text("not a folder", encoding="utf-8")
    show_outcome_in_docs(con, "run-1", docs, failure)
    assert failure.__notes__[0].startswith("the data quality site was not updated: ")
    with pytest.raises(NotADirectoryError):
        show_outcome_in_docs(con, "run-1", docs)  # after a completed run the error is the run's


def test_exports_follow_the_contract(sample_run, tmp_path):
    settings, summary = sample_run
    con = connect(settings.db, read_only=True)
    out = tmp_path / "decisions.csv"
    n = exports.export_pairs(con, out, "decisions", "2024-2025")
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == list(exports.DECISION_EXPORT)
    assert len(rows) == n + 1 and n > 0
    assert all(r[0] == "2024-2025" for r in rows[1:])
    keys = [(r[0], r[1], r[2]) for r in rows[1:]]
    assert keys == sorted(keys), "decisions sorted by school_year, company_kbo, learner_insz"
    for r in rows[1:]:
        assert r[6] in ("true", "false")
        assert (r[10] == "") == (r[6] == "true"), "reasons empty exactly when eligible"
        assert len(r[8].split(".")[1]) == 2, "months with 2 decimals"

    out = tmp_path / "quarantine.csv"
    exports.export_quarantine(con, out)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["source", "file", "row_number", "reason", "detail"]
    assert len(rows) > 1


def test_payments_export_follows_the_contract(sample_run, tmp_path, capsys):
    settings, summary = sample_run
    out = tmp_path / "payments.csv"
    assert main(["export", "payments", "--out", str(out), "--db", str(settings.db)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert capsys.readouterr().out == f"payments: {len(rows) - 1} rows written to {out}\n"
    assert rows[0] == list(exports.PAYMENT_EXPORT)
    assert rows[0] == [
        "school_year",
        "company_kbo",
        "learner_insz",
        "office",
        "status",
        "decided_eur",
        "paid_eur",
        "paid_on",
        "expected_by",
    ]
    keys = [(r[0], r[1], r[2]) for r in rows[1:]]
    assert keys == sorted(keys), "payments sorted by school_year, company_kbo, learner_insz"
    assert summary.payments_by_status == dict(Counter(r[4] for r in rows[1:]))
    assert {"paid", "missing", "awaited"} <= set(summary.payments_by_status)
    for r in rows[1:]:
        assert r[5].isdigit() and (r[5] == "0") == (r[4] in ("not_due", "no_decision")), r
        assert (r[6] == "") == (r[4] in ("awaited", "missing")), "paid_eur empty when unpaid"
        assert r[6] == "" or re.fullmatch(r"\d+\.\d\d", r[6]), "paid_eur with 2 decimals"
        assert r[7] == "" or date.fromisoformat(r[7]), "paid_on ISO"
        assert date.fromisoformat(r[8]) == date(int(r[0][5:]) + 1, 2, 28), "expected_by ISO"
    con = connect(settings.db, read_only=True)
    differs = con.execute(
        "SELECT school_year, company_kbo, learner_insz, office, status, decided_eur::VARCHAR, "
        "printf('%.2f', paid_eur), paid_on::VARCHAR, expected_by::VARCHAR FROM run_payments "
        "WHERE run_id = ? AND status = 'amount_differs' ORDER BY ALL LIMIT 1",
        [summary.run_id],
    ).fetchone()
    assert list(differs) in rows[1:], "a known row of the run, as exported"

    only = tmp_path / "payments_2024.csv"
    n = exports.export_pairs(con, only, "payments", "2024-2025")
    con.close()
    year = list(csv.reader(only.open(encoding="utf-8")))
    assert len(year) == n + 1 and {r[0] for r in year[1:]} == {"2024-2025"}
    assert year[1:] == [r for r in rows[1:] if r[0] == "2024-2025"]


def test_audit_catches_an_edited_stored_payment(sample_run, tmp_path):
    settings, summary = sample_run
    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(settings.db, tampered)
    con = duckdb.connect(str(tampered))
    victim = con.execute(
        "SELECT school_year, company_kbo, learner_insz FROM run_payments "
        "WHERE run_id = ? AND status = 'missing' ORDER BY ALL LIMIT 1",
        [summary.run_id],
    ).fetchone()
    con.execute(
        "UPDATE run_payments SET status = 'paid' WHERE run_id = ? AND school_year = ? "
        "AND company_kbo = ? AND learner_insz = ?",
        [summary.run_id, *victim],
    )
    con.close()
    result = audit(tampered, summary.run_id, validate=False)
    assert (
        result.recorded["payments"] == result.recomputed["payments"] == summary.digests["payments"]
    )
    assert result.stored["payments"] != result.recorded["payments"]
    assert result.payment_differences == [
        f"{victim[0]} company {victim[1]} learner {victim[2]}: "
        "status recomputed 'missing', stored 'paid'"
    ]
    assert not result.identical


def test_second_run_skips_loaded_files_and_gives_the_same_digests(sample_run):
    settings, first = sample_run
    second = execute(settings, with_reports=False)
    assert {f.status for f in second.files} == {"skipped"}
    assert second.digests == first.digests


def test_audit_identical_then_tampered(sample_run, tmp_path, capsys):
    settings, summary = sample_run
    result = audit(settings.db, summary.run_id)
    assert result.identical, (result.decision_differences, result.validation_differences)

    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(settings.db, tampered)
    con = duckdb.connect(str(tampered))
    victim = con.execute(
        "SELECT school_year, company_kbo, learner_insz FROM run_decisions "
        "WHERE run_id = ? AND eligible ORDER BY ALL LIMIT 1",
        [summary.run_id],
    ).fetchone()
    con.execute(
        "UPDATE run_decisions SET amount_eur = amount_eur + 400 WHERE run_id = ? "
        "AND school_year = ? AND company_kbo = ? AND learner_insz = ?",
        [summary.run_id, *victim],
    )
    con.close()
    code = main(["audit", summary.run_id, "--db", str(tampered)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{victim[0]} company {victim[1]} learner {victim[2]}: amount_eur" in out


def test_audit_of_unknown_run_is_refused(sample_run, capsys):
    settings, _ = sample_run
    assert main(["audit", "R-nope", "--db", str(settings.db)]) == 1
    assert "no run 'R-nope'" in capsys.readouterr().err


def test_only_a_completed_run_is_read_back_as_one():
    con = duckdb.connect()
    ensure_schema(con)
    for run_id, status in (("R-done", "completed"), ("R-failed", "failed")):
        con.execute(
            "INSERT INTO runs (run_id, started_at, status, as_of, rule_config, rule_config_hash) "
            "VALUES (?, now(), ?, DATE '2026-11-28', 'x', 'h')",
            [run_id, status],
        )
    assert completed_run(con, "R-done", LookupError)["as_of"] == date(2026, 11, 28)
    with pytest.raises(LookupError, match=r"^no run 'R-nope' in the database$"):
        completed_run(con, "R-nope", LookupError)
    with pytest.raises(ValueError, match=r"^run R-failed did not complete \(status failed\)$"):
        completed_run(con, "R-failed", ValueError)
    with pytest.raises(
        LookupError, match=r"^run R-failed did not complete \(status failed\): nothing to audit$"
    ):
        completed_run(con, "R-failed", LookupError, otherwise="nothing to audit")


def test_busy_database_is_reported_not_corrupted(sample_run):
    settings, summary = sample_run
    # another process holds the file for writing (within one process DuckDB shares it)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "time.sleep(60)",
            str(settings.db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = settings.with_overrides(lock_timeout_s=0.5)
        with pytest.raises(
            DatabaseBusy, match=r"is in use by another process \(\d+\) \(waited 0.5 s\)"
        ):
            execute(busy, with_reports=False)
    finally:
        holder.kill()
        holder.wait()
    assert audit(settings.db, summary.run_id, validate=False).identical


def test_a_waiting_run_says_for_whom_and_waits_lock_timeout_s_in_all(sample_run):
    settings, _ = sample_run
    # a duaal run holds the database: it has said so beside the file
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; from pathlib import Path; from duaal.common.db import claim; "
            "c = duckdb.connect(sys.argv[1]); claim(Path(sys.argv[1]), 'R20261201T060000-abcdef'); "
            "print('held', flush=True); time.sleep(60)",
            str(settings.db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    told: list[str] = []
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as exc:
            execute(
                settings.with_overrides(lock_timeout_s=2), with_reports=False, progress=told.append
            )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    who = f"run R20261201T060000-abcdef (process {holder.pid})"
    assert told == [f"the database {settings.db} is in use by {who}; waiting up to 2 s"]
    assert f"is in use by {who} (waited 2 s)" in str(exc.value)
    assert 2 <= waited < 4, f"waited {waited:.1f} s for a lock_timeout_s of 2"


def test_summary_says_where_the_time_went(sample_run):
    from flows.summary import TIME_TITLE, format_summary

    settings, summary = sample_run
    stages = ["open", "ingest", "checks", "rules", "validate", "record", "changes", "reports"]
    assert list(summary.stage_seconds) == stages
    lines = format_summary(summary, settings).splitlines()
    start = lines.index(TIME_TITLE)
    shown = [line.split() for line in lines[start + 1 : start + 2 + len(stages)]]
    assert [name for name, _ in shown] == [*stages, "total"]
    seconds = {name: float(value) for name, value in shown}
    for name in stages:
        assert seconds[name] == round(summary.stage_seconds[name], 2) >= 0
    assert seconds["total"] == round(sum(summary.stage_seconds.values()), 2) > 0


def test_the_reports_folder_lists_each_workbook_with_the_run_that_wrote_it(sample_run):
    settings, summary = sample_run
    manifest = json.loads((settings.reports / "inhoud.json").read_text("utf-8"))
    listed = {(w["werkmap"], w["run"], w["peildatum"]) for w in manifest["werkmappen"]}
    assert listed == {
        (p.relative_to(settings.reports).as_posix(), summary.run_id, AS_OF.isoformat())
        for p in summary.reports
    }
    assert summary.other_reports == [], "one run wrote the folder"


def test_a_run_without_reports_writes_no_data_docs_but_keeps_its_validation(sample_run, tmp_path):
    settings, _ = sample_run
    reports = tmp_path / "reports"
    summary = execute(replace(settings, reports=reports), with_reports=False)
    assert summary.status == "completed"
    assert summary.docs_index is None and not reports.exists(), "no Data Docs, no folder"
    con = connect(settings.db, read_only=True)
    stored = con.execute(
        "SELECT count(*) FROM validation_results WHERE run_id = ?", [summary.run_id]
    ).fetchone()[0]
    con.close()
    assert stored > 0, "the validation ran and is stored"
