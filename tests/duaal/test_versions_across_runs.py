"""The order of versions across files (transforms/versions.py) as runs see it: decisions,
the quarantine in effect, ROW_SUPERSEDED and `duaal diff` (issue 19: a re-saved old export
undid a later correction; issue 23: a daily run and a cold run disagreed).

The runs are the stages of `duaal.run.pipeline.execute` without validation and reports (what
they decide is the point here, not what the suites say of it).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from duaal.common.db import connect
from duaal.common.settings import Settings, load_settings
from duaal.history.audit import audit
from duaal.history.bundle import verify_bundle, write_bundle
from duaal.history.changes import compute_changes
from duaal.history.explain import explain_learner
from duaal.run.check_results import InputCheck
from duaal.run.pipeline import (
    CHECKED_MODELS,
    checks_stage,
    finish_run,
    ingest_stage,
    record_stage,
    rules_stage,
    start_run,
)
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    PREMIUM_HEADERS,
    RECOGNITION_HEADERS,
    agreement_row,
    dimona_row,
    premium_row,
    recognition_row,
    write_csv,
    write_xlsx,
)
from transforms.identifiers import make_insz
from transforms.rule_config import load_rule_config
from transforms.versions import run_quarantine

AS_OF = date(2025, 9, 15)
LEARNERS = {i: make_insz("060512", 100 + i, born_2000_or_later=True) for i in range(1, 6)}
OLD_EXPORT = "overeenkomsten_2024-2025.xlsx"


def dated(path: Path, when: datetime) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def agreement(i: int, **values: object) -> list:
    return agreement_row(agreement_id=f"A{i}", learner_insz=LEARNERS[i], **values)


def old_export(raw: Path, *, a2_registered: date) -> Path:
    """The export of 1 March: A3 has a start date that does not exist (quarantined; an older
    export holds A3), A5 an INSZ that is no INSZ (quarantined, nothing older)."""
    rows = [
        agreement(1),
        agreement(2, registration_date=a2_registered),
        agreement(3, start_date="31/02/2024"),
        agreement(4),
        agreement_row(agreement_id="A5", learner_insz="12345678901"),
    ]
    path = write_xlsx(raw / "overeenkomsten" / OLD_EXPORT, [AGREEMENT_HEADERS, *rows])
    return dated(path, datetime(2025, 3, 1, 8))


def first_exports(raw: Path) -> None:
    """An older export holding A3, the export of 1 March, Dimona, recognitions, premiums."""
    for folder in ("overeenkomsten", "dimona", "erkenningen", "premies"):
        (raw / folder).mkdir(parents=True, exist_ok=True)
    older = write_xlsx(
        raw / "overeenkomsten" / "overeenkomsten_2023-2024.xlsx", [AGREEMENT_HEADERS, agreement(3)]
    )
    dated(older, datetime(2024, 9, 15, 8))
    old_export(raw, a2_registered=date(2025, 1, 10))  # registered late
    dimona = [
        dimona_row(dimona_id=f"D{i}", worker_insz=insz, worker_type="ALT")
        for i, insz in LEARNERS.items()
    ]
    write_xlsx(raw / "dimona" / "dimona.xlsx", [DIMONA_HEADERS, *dimona])
    write_xlsx(
        raw / "erkenningen" / "erkenningen.xlsx",
        [RECOGNITION_HEADERS, recognition_row(mentor_training_exempt="Ja")],
    )
    write_csv(raw / "premies" / "premies.csv", [PREMIUM_HEADERS, premium_row()])


def correction(raw: Path) -> Path:
    """A correction of 1 April that sorts before the exports by name: A1 ended early."""
    path = raw / "overeenkomsten" / "correctie.csv"
    write_csv(path, [AGREEMENT_HEADERS, agreement(1, termination_date=date(2024, 11, 30))])
    return dated(path, datetime(2025, 4, 1, 8))


def run(settings: Settings) -> tuple[str, list[InputCheck]]:
    """One run as `execute` makes it (no validation, no reports): its id and checks."""
    con = connect(settings.db)
    try:
        ingested = ingest_stage(con, settings)
        config = load_rule_config(settings.rules)
        run_id = start_run(con, config, settings.as_of)
        checks = checks_stage(con, settings, config, run_id, ingested)
        rules_stage(con, config, settings.as_of, CHECKED_MODELS)
        record_stage(con, run_id)
        finish_run(con, run_id, "completed")
        return run_id, checks
    finally:
        con.close()


def settings_for(raw: Path, db: Path) -> Settings:
    return load_settings(raw=raw, db=db, reports=db.parent / "reports", as_of=AS_OF)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def decisions(db: Path, run_id: str) -> dict[str, tuple]:
    """learner -> (eligible, amount, reasons) of a run."""
    rows = query(
        db,
        "SELECT learner_insz, eligible, amount_eur, reasons FROM run_decisions WHERE run_id = ?",
        [run_id],
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def quarantine(db: Path, run_id: str) -> list[tuple]:
    return query(
        db,
        f"SELECT source, file_name, row_number, reason FROM {run_quarantine()} ORDER BY ALL",
        [run_id],
    )


def digests(db: Path, run_id: str) -> tuple[str, str, str]:
    (row,) = query(
        db,
        "SELECT digest_decisions, digest_findings, digest_quarantine FROM runs WHERE run_id = ?",
        [run_id],
    )
    return row


def lines(checks: list[InputCheck], code: str) -> list[str]:
    return [c.line() for c in checks if c.code == code]


SUPERSEDED = (
    f"ROW_SUPERSEDED overeenkomsten/{OLD_EXPORT} row 4: the newest row of agreement A3 is in "
    "quarantine (INVALID_DATE); the rules use the older row "
    "overeenkomsten/overeenkomsten_2023-2024.xlsx row 2: correct the row and export again"
)


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory):
    """Run 1 on the first exports; run 2 after a correction; run 3 after the export of 1
    March was corrected in one other row (A2's registration) and saved again today."""
    base = tmp_path_factory.mktemp("versions")
    raw, db = base / "raw", base / "duaal.duckdb"
    first_exports(raw)
    settings = settings_for(raw, db)
    first = run(settings)
    correction(raw)
    second = run(settings)
    resaved = old_export(raw, a2_registered=date(2024, 9, 20))
    dated(resaved, datetime(2025, 9, 14, 17))  # saved today: the newest file on disk
    third = run(settings)
    return raw, db, first, second, third


def test_the_correction_then_the_resaved_old_export_both_count(three_runs):
    _raw, db, (run_1, _), (run_2, _), (run_3, _) = three_runs
    eligible, late = (True, 1000, ""), (False, 0, "REGISTRATION_LATE")
    before, after_correction, after_resave = (decisions(db, r) for r in (run_1, run_2, run_3))
    short = after_correction[LEARNERS[1]]
    assert short[0] is False and "UNDER_4_MONTHS" in short[2], "the correction counts"
    assert before == {
        LEARNERS[1]: eligible,
        LEARNERS[2]: late,
        LEARNERS[3]: eligible,
        LEARNERS[4]: eligible,
    }
    assert after_resave == {
        LEARNERS[1]: short,  # the later correction is not undone by the re-saved old export
        LEARNERS[2]: eligible,  # the re-saved change counts
        LEARNERS[3]: eligible,
        LEARNERS[4]: eligible,
    }


def test_nothing_else_moves_when_the_old_export_is_saved_again(three_runs):
    _raw, db, _, (run_2, checks_2), (run_3, checks_3) = three_runs
    assert lines(checks_2, "ROW_SUPERSEDED") == lines(checks_3, "ROW_SUPERSEDED") == [SUPERSEDED]
    assert (
        quarantine(db, run_2)
        == quarantine(db, run_3)
        == [
            ("overeenkomsten", OLD_EXPORT, 4, "INVALID_DATE"),
            ("overeenkomsten", OLD_EXPORT, 6, "INVALID_INSZ"),
        ]
    ), "the quarantine in effect: the re-saved file's rows once, as before"
    assert digests(db, run_2)[2] == digests(db, run_3)[2], "the quarantine digest stays"
    con = connect(db, read_only=True)
    try:
        changes = compute_changes(con, run_2, run_3)
    finally:
        con.close()
    changed = sorted({(r[4], r[8]) for r in changes.rows if r[0] == "decision"})
    assert changed == [
        (LEARNERS[2], "amount_eur"),
        (LEARNERS[2], "eligible"),
        (LEARNERS[2], "reasons"),
    ], "only the pair of the changed row changes"
    causes = {r[11] for r in changes.rows if r[0] == "decision"}
    assert causes == {
        f"overeenkomsten/{OLD_EXPORT} row 3 (newer version of A2: registration date "
        "2025-01-10 -> 2024-09-20)"
    }


def test_the_explanation_of_an_unchanged_pair_names_the_same_file_and_row(three_runs):
    _raw, db, _, (run_2, _), (run_3, _) = three_runs
    stories = [explain_learner(db, LEARNERS[4], run_id=r).data for r in (run_2, run_3)]
    for story in stories:
        story.pop("run")
    assert stories[0] == stories[1]
    (decision,) = stories[1]["decisions"]
    assert [(a["file"], a["row"]) for a in decision["agreements"]] == [
        (f"overeenkomsten/{OLD_EXPORT}", 5)
    ]


def test_a_cold_load_of_the_folder_gives_the_decisions_of_the_runs_month_by_month(
    three_runs, tmp_path
):
    """The folder of run 2 (its files keep their dates) loaded at once into an empty
    database decides as run 2 did, although the correction sorts first by name."""
    raw, db, _, (run_2, _), _ = three_runs
    cold_raw = tmp_path / "raw"
    first_exports(cold_raw)
    correction(cold_raw)
    cold_db = tmp_path / "cold.duckdb"
    cold_run, _ = run(settings_for(cold_raw, cold_db))
    assert digests(cold_db, cold_run) == digests(db, run_2)


def test_audit_and_a_bundle_rebuild_the_versions_the_run_chose(three_runs, tmp_path):
    """The stored batches carry what orders the versions: `duaal audit` and `duaal verify`
    recompute run 3 (a re-saved file, a correction that sorts first) to its digests."""
    _raw, db, _, _, (run_3, _) = three_runs
    audited = audit(db, run_3, validate=False)
    assert audited.identical, (audited.recomputed, audited.recorded)
    write_bundle(db, run_3, tmp_path / "bundle.zip")
    verified = verify_bundle(tmp_path / "bundle.zip")
    assert verified.differences == []
    assert verified.recomputed == verified.recorded
