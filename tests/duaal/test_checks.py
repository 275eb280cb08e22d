"""The input checks of a run, each at the boundary where it flips, on tiny exports.

The stages are called as plain functions (no Prefect): ingest, start of the run, checks.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.run.check_results import InputCheck, stored_checks
from duaal.run.checks import check_quarantine_share, check_volume
from duaal.run.pipeline import checks_stage, ingest_stage, start_run
from tests.builders import RULES_FILE, rules_text_without_amounts
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    RECOGNITION_HEADERS,
    agreement_row,
    dimona_row,
    recognition_row,
    write_csv,
    write_xlsx,
)
from transforms.loading import FileOutcome
from transforms.rule_config import load_rule_config

AS_OF = date(2025, 3, 1)

# the version of the project's rule configuration, which the messages name
VERSION = load_rule_config(RULES_FILE).version


def good_inputs(raw: Path) -> Path:
    """One file of each required source, dated by an Exportdatum in its title rows."""
    for folder in ("overeenkomsten", "dimona", "erkenningen"):
        (raw / folder).mkdir(parents=True, exist_ok=True)
    title = [["Export werkplekduaal"], ["Exportdatum: 20/02/2025"], []]
    write_xlsx(raw / "overeenkomsten" / "a.xlsx", [*title, AGREEMENT_HEADERS, agreement_row()])
    write_xlsx(
        raw / "dimona" / "d.xlsx",
        [*title, DIMONA_HEADERS, dimona_row(worker_type="ALT")],
    )
    write_xlsx(raw / "erkenningen" / "e.xlsx", [*title, RECOGNITION_HEADERS, recognition_row()])
    return raw


def checks_of(raw: Path, db: Path, **overrides: object) -> list[InputCheck]:
    """Ingest raw into db and run the input checks as a run would."""
    settings = load_settings(raw=raw, db=db, reports=db.parent / "reports", as_of=AS_OF)
    settings = replace(settings, **overrides)
    con = connect(db)
    try:
        ingested = ingest_stage(con, settings)
        config = load_rule_config(settings.rules)
        run_id = start_run(con, config, settings.as_of)
        results = checks_stage(con, settings, config, run_id, ingested)
        assert stored_checks(con, run_id) == results, "every result is stored with the run"
        con.execute("UPDATE runs SET status = 'completed' WHERE run_id = ?", [run_id])
        return results
    finally:
        con.close()


def codes(results: list[InputCheck]) -> list[tuple[str, str, str]]:
    return [(r.code, r.severity, r.where) for r in results]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return good_inputs(tmp_path / "raw")


def test_good_inputs_raise_nothing(raw: Path, tmp_path: Path):
    assert codes(checks_of(raw, tmp_path / "duaal.duckdb")) == [
        ("SOURCE_MISSING", "warning", "premies")
    ], "a sector may have no premium history: a warning, not an error"


def test_a_missing_required_source_is_an_error_naming_it(raw: Path, tmp_path: Path):
    shutil.rmtree(raw / "dimona")
    (result, _premies) = checks_of(raw, tmp_path / "duaal.duckdb")
    assert (result.code, result.severity, result.source) == ("SOURCE_MISSING", "error", "dimona")
    assert result.message == f"no rows of dimona were ever loaded: put its exports in {raw}/dimona/"
    assert result.message_nl.startswith("er werden nooit rijen van dimona geladen")


def test_files_refused_empty_ignored_and_copied_are_named(raw: Path, tmp_path: Path):
    (raw / "dimona" / "kapot.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    write_xlsx(raw / "dimona" / "leeg.xlsx", [DIMONA_HEADERS])
    write_csv(raw / "dimona" / "alleen_koppen.csv", [DIMONA_HEADERS, ["", "", ""]])
    (raw / "dimona" / "notities.txt").write_text("geen export")
    (raw / "dimona" / "~$d.xlsx").write_bytes(b"lock")
    (raw / "Overeenkomsten").mkdir()
    (raw / "oud").mkdir()
    db = tmp_path / "duaal.duckdb"
    checks_of(raw, db)
    shutil.copy(raw / "dimona" / "d.xlsx", raw / "dimona" / "d_kopie.xlsx")
    results = checks_of(raw, db)
    assert codes(results) == [
        ("SOURCE_MISSING", "warning", "premies"),
        ("FILE_IGNORED", "warning", "Overeenkomsten/"),
        ("FILE_IGNORED", "warning", "oud/"),
        ("FILE_IGNORED", "warning", "dimona/notities.txt"),
        ("FILE_IGNORED", "warning", "dimona/~$d.xlsx"),
        ("FILE_REFUSED", "warning", "dimona/kapot.xlsx"),
        ("FILE_EMPTY", "warning", "dimona/alleen_koppen.csv"),
        ("FILE_EMPTY", "warning", "dimona/leeg.xlsx"),
        ("FILE_DUPLICATE", "info", "dimona/d_kopie.xlsx"),
    ], "the same raw folder says the same on every run, loaded now or before"
    copy = results[-1]
    assert copy.message.startswith("skipped: the same bytes were loaded before as dimona/d.xlsx")
    first = checks_of(raw, tmp_path / "fresh.duckdb")
    empty = [r for r in first if r.code == "FILE_EMPTY"]
    assert [r.where for r in empty] == ["dimona/alleen_koppen.csv", "dimona/leeg.xlsx"]
    assert empty[0].message == "read with its headers but no data rows: it changes nothing"


def test_a_misspelled_source_folder_is_read_as_that_source(tmp_path: Path):
    raw = good_inputs(tmp_path / "raw")
    (raw / "erkenningen").rename(raw / "Érkenningen")
    results = checks_of(raw, tmp_path / "duaal.duckdb")
    (ignored,) = [r for r in results if r.code == "FILE_IGNORED"]
    assert ignored.message == "folder Érkenningen/ is read as erkenningen/ (spelled differently)"
    assert "SOURCE_MISSING" not in {r.code for r in results if r.source == "erkenningen"}


@pytest.mark.parametrize("age_days, stale", [(35, False), (36, True)])
def test_an_export_is_stale_from_the_day_after_max_age(raw: Path, tmp_path: Path, age_days, stale):
    as_of = date(2025, 2, 20) + (date(2025, 1, 2) - date(2025, 1, 1)) * age_days
    results = checks_of(raw, tmp_path / "duaal.duckdb", as_of=as_of)
    found = [r for r in results if r.code == "EXPORT_STALE"]
    assert len(found) == (3 if stale else 0)
    if stale:
        assert found[0].message.startswith(
            "the newest dimona export (Exportdatum 2025-02-20) is 36 days old on as_of"
        )


def test_without_exportdatum_the_modification_time_dates_an_export(tmp_path: Path):
    raw = tmp_path / "raw"
    for folder in ("overeenkomsten", "dimona", "erkenningen"):
        (raw / folder).mkdir(parents=True)
    write_xlsx(raw / "overeenkomsten" / "a.xlsx", [AGREEMENT_HEADERS, agreement_row()])
    write_xlsx(raw / "dimona" / "d.xlsx", [DIMONA_HEADERS, dimona_row()])
    write_xlsx(raw / "erkenningen" / "e.xlsx", [RECOGNITION_HEADERS, recognition_row()])
    old = datetime(2024, 12, 1).timestamp()
    os.utime(raw / "dimona" / "d.xlsx", (old, old))
    results = checks_of(raw, tmp_path / "duaal.duckdb", max_export_age_days=60)
    (stale,) = [r for r in results if r.code == "EXPORT_STALE"]
    assert stale.where == "dimona/d.xlsx"
    assert "(modified 2024-12-01) is 90 days old" in stale.message


def test_a_resaved_old_export_stays_as_old_as_its_first_load(tmp_path: Path):
    """Saving an old export again (one cell corrected) gives it a new modification time,
    not newer data: its date is the one it had when it was first loaded."""
    raw = tmp_path / "raw"
    for folder in ("overeenkomsten", "dimona", "erkenningen"):
        (raw / folder).mkdir(parents=True)
    write_xlsx(raw / "overeenkomsten" / "a.xlsx", [AGREEMENT_HEADERS, agreement_row()])
    write_xlsx(raw / "dimona" / "d.xlsx", [DIMONA_HEADERS, dimona_row()])
    write_xlsx(raw / "erkenningen" / "e.xlsx", [RECOGNITION_HEADERS, recognition_row()])
    old = datetime(2024, 12, 1).timestamp()
    os.utime(raw / "dimona" / "d.xlsx", (old, old))
    db = tmp_path / "duaal.duckdb"
    checks_of(raw, db, max_export_age_days=60)
    write_xlsx(raw / "dimona" / "d.xlsx", [DIMONA_HEADERS, dimona_row(joint_committee="124")])
    (stale,) = [r for r in checks_of(raw, db, max_export_age_days=60) if r.code == "EXPORT_STALE"]
    assert stale.where == "dimona/d.xlsx"
    assert "(modified 2024-12-01) is 90 days old" in stale.message


def outcome(read: int, quarantined: int, blank: int = 0) -> FileOutcome:
    accepted = read - quarantined - blank
    return FileOutcome(
        "dimona", "d.xlsx", "loaded", None, 1, "Blad1", read, accepted, quarantined, blank
    )


@pytest.mark.parametrize(
    "read, quarantined, blank, flagged",
    [(100, 5, 0, False), (100, 6, 0, True), (105, 5, 5, False), (20, 2, 0, True)],
)
def test_quarantine_share_flips_above_the_threshold(read, quarantined, blank, flagged):
    found = check_quarantine_share([outcome(read, quarantined, blank)], 0.05)
    assert bool(found) == flagged
    if found:
        assert found[0].message.startswith(f"{quarantined} of its {read - blank} rows")


def test_volume_drop_flips_above_the_threshold():
    before = ("R-1", {"stg_dimona__periods": 100, "stg_werkplekduaal__agreements": 50})
    assert (
        check_volume({"stg_dimona__periods": 90, "stg_werkplekduaal__agreements": 50}, before, 0.10)
        == []
    )
    (drop,) = check_volume(
        {"stg_dimona__periods": 89, "stg_werkplekduaal__agreements": 50}, before, 0.10
    )
    assert drop.source == "dimona"
    assert drop.message.startswith(
        "stg_dimona__periods holds 89 rows, 11% fewer than the 100 of run R-1"
    )
    assert check_volume({"stg_dimona__periods": 0}, None, 0.10) == [], "no earlier run, no drop"


def test_volume_drop_compares_with_the_previous_completed_run(raw: Path, tmp_path: Path):
    db = tmp_path / "duaal.duckdb"
    checks_of(raw, db)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE runs SET row_counts = ?",
        [json.dumps({"stg_dimona__periods": 10, "stg_werkplekduaal__agreements": 1})],
    )
    con.close()
    found = [r for r in checks_of(raw, db) if r.code == "VOLUME_DROP"]
    assert [r.source for r in found] == ["dimona"]


def test_a_newer_broken_row_names_both_places_and_the_decision_says_so(raw: Path, tmp_path: Path):
    fix = raw / "overeenkomsten" / "b.csv"
    write_csv(fix, [AGREEMENT_HEADERS, agreement_row(start_date="31/02/2025")])
    db = tmp_path / "duaal.duckdb"
    results = checks_of(raw, db)
    (superseded,) = [r for r in results if r.code == "ROW_SUPERSEDED"]
    assert superseded.line() == (
        "ROW_SUPERSEDED overeenkomsten/b.csv row 2: the newest row of agreement OVK-1 is in "
        "quarantine (INVALID_DATE); the rules use the older row overeenkomsten/a.xlsx row 5: "
        "correct the row and export again"
    )
    from transforms.models import build_models

    con = duckdb.connect(str(db))
    build_models(con, load_rule_config(load_settings().rules), AS_OF)
    (explanation,) = con.execute("SELECT explanation FROM fct_premium_decisions").fetchone()
    con.close()
    assert explanation.endswith(
        "Let op: de nieuwste rij van overeenkomst OVK-1 (b.csv, rij 2) staat in quarantaine, "
        "dus geldt de oudere rij (a.xlsx, rij 5)."
    )


def test_a_newer_accepted_row_after_the_broken_one_supersedes_nothing(raw: Path, tmp_path: Path):
    write_csv(
        raw / "overeenkomsten" / "b.csv",
        [AGREEMENT_HEADERS, agreement_row(start_date="31/02/2025")],
    )
    write_csv(
        raw / "overeenkomsten" / "c.csv", [AGREEMENT_HEADERS, agreement_row(hours_per_week=30)]
    )
    assert "ROW_SUPERSEDED" not in {r.code for r in checks_of(raw, tmp_path / "duaal.duckdb")}


def test_quarantine_share_is_said_again_while_the_file_is_under_the_raw_folder(
    raw: Path, tmp_path: Path
):
    rows = [agreement_row(agreement_id=f"OVK-{i}") for i in range(1, 20)]
    rows.append(agreement_row(agreement_id="OVK-20", start_date="31/02/2025"))
    write_csv(
        raw / "overeenkomsten" / "b.csv",
        [
            AGREEMENT_HEADERS,
            *rows,
            agreement_row(agreement_id="OVK-21", registration_date="morgen"),
        ],
    )
    db = tmp_path / "duaal.duckdb"
    first = [r.where for r in checks_of(raw, db) if r.code == "QUARANTINE_SHARE"]
    again = [r.where for r in checks_of(raw, db) if r.code == "QUARANTINE_SHARE"]
    assert first == again == ["overeenkomsten/b.csv"], "2 of 21 rows, on every run"
    (raw / "overeenkomsten" / "b.csv").unlink()
    assert "QUARANTINE_SHARE" not in {r.code for r in checks_of(raw, db)}, "gone with the file"


def test_a_key_with_a_bar_and_a_premium_history_row_are_named_whole(raw: Path, tmp_path: Path):
    from duaal.run.checks import key_label

    assert key_label("overeenkomsten", "X|1") == ("agreement X|1", "overeenkomst X|1")
    assert key_label("premies", "2022-2023|0403170701|06051212345|stagebonus") == (
        "premium history of school year 2022-2023 (stagebonus) of company 0403170701",
        "premiehistoriek van schooljaar 2022-2023 (stagebonus) van onderneming 0403170701",
    ), "the learner is not named"
    assert key_label("erkenningen", "ERK|7|85073003328") == (
        "recognition ERK|7 (a mentor of it)",
        "erkenning ERK|7 (een mentor ervan)",
    )


def test_a_school_year_without_amounts_is_a_warning_from_its_first_day(raw: Path, tmp_path: Path):
    """31 August 2025 decides up to 2024-2025, configured; 1 September 2025 reaches 2025-2026,
    whose amounts this configuration lacks: a warning naming the year and the file."""
    rules = tmp_path / "rules_zonder_2025.toml"
    rules.write_text(rules_text_without_amounts("2025-2026"), encoding="utf-8")
    day_before = checks_of(raw, tmp_path / "a.duckdb", rules=rules, as_of=date(2025, 8, 31))
    assert [r for r in day_before if r.code == "AMOUNTS_MISSING"] == []
    first_day = checks_of(raw, tmp_path / "b.duckdb", rules=rules, as_of=date(2025, 9, 1))
    (missing,) = [r for r in first_day if r.code == "AMOUNTS_MISSING"]
    assert missing.line() == (
        f"AMOUNTS_MISSING: no premium amounts for school year 2025-2026 in the rule "
        f"configuration {rules} (version {VERSION}): its decisions are made, every eligible one "
        f"with amount_eur 0, until that year's amounts are added to rules_zonder_2025.toml"
    )
    assert missing.severity == "warning"
    assert missing.message_nl == (
        f"geen premiebedragen voor schooljaar 2025-2026 in de regelconfiguratie {rules} "
        f"(versie {VERSION}): de beslissingen van dat schooljaar zijn genomen, maar een toegekende "
        f"premie heeft nog geen bedrag (0) tot de bedragen van dat schooljaar in "
        f"rules_zonder_2025.toml staan"
    )


def test_files_from_another_raw_folder_in_the_database_are_named_with_their_folder(
    tmp_path: Path,
):
    db = tmp_path / "duaal.duckdb"
    here = good_inputs(tmp_path / "raw")
    elsewhere = tmp_path / "elders" / "raw"
    (elsewhere / "overeenkomsten").mkdir(parents=True)
    write_xlsx(
        elsewhere / "overeenkomsten" / "b.xlsx",
        [AGREEMENT_HEADERS, agreement_row(agreement_id="OVK-2")],
    )
    write_xlsx(
        elsewhere / "overeenkomsten" / "c.xlsx",
        [AGREEMENT_HEADERS, agreement_row(agreement_id="OVK-3")],
    )
    assert "FILES_ELSEWHERE" not in {r.code for r in checks_of(here, db)}
    (found,) = [r for r in checks_of(elsewhere, db) if r.code == "FILES_ELSEWHERE"]
    assert (found.severity, found.where) == ("warning", "")
    assert found.message == (
        f"the database holds 3 files loaded from another raw folder, {here}, than this run's "
        f"{elsewhere}: the decisions mix both (a separate data set needs a database of its "
        "own: --db)"
    )
    assert found.message_nl == (
        f"de databank bevat 3 bestanden geladen uit een andere map met exports, {here}, dan "
        f"die van deze run, {elsewhere}: de beslissingen mengen beide (een aparte gegevensset "
        "hoort in een eigen databank: --db)"
    )
    (back,) = [r for r in checks_of(here, db) if r.code == "FILES_ELSEWHERE"]
    assert back.message.startswith(
        f"the database holds 2 files loaded from another raw folder, {elsewhere},"
    )


def test_a_raw_folder_moved_elsewhere_is_no_other_folder(tmp_path: Path):
    """The analyst moves the exports to another disk and points --raw there: the files are
    the same (source and name), so nothing mixes and nothing is said, run after run."""
    import shutil

    db = tmp_path / "duaal.duckdb"
    first = good_inputs(tmp_path / "raw")
    assert "FILES_ELSEWHERE" not in {r.code for r in checks_of(first, db)}
    moved = tmp_path / "nieuwe_schijf" / "raw"
    shutil.copytree(first, moved)
    shutil.rmtree(first)
    for _ in range(2):
        assert "FILES_ELSEWHERE" not in {r.code for r in checks_of(moved, db)}
