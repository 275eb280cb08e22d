"""A final school year's workbooks stay while their rows do (issue 23): they show no as_of,
only their own and earlier years' shares and the files with rows for those years, so a
daily run whose new file touches only the running year keeps them.

One generated sample (a few hundred agreements), run on day D and on D+1 after a CSV of
corrections of agreements that started in the running school year, into one folder as
`duaal run` does; a cold run of the same raw folder on D+1 into an empty database; and two
runs on the day before and the day a school year becomes final. No Prefect, no validation
(the workbooks do not need it).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from benchmarks.compare import PUBLISHED
from benchmarks.daily import write_daily_csv
from duaal.common.db import connect
from duaal.outputs.workbooks.labels import office_slug
from duaal.outputs.workbooks.manifest import kept_by
from duaal.outputs.workbooks.writer import plan_reports
from duaal.run.pipeline import record_stage, reports_stage, rules_stage
from duaal.run.runs import finish_run, start_run
from sample.generate import generate
from tests.duaal.workbooks.test_content import cells, manifest
from tests.duaal.workbooks.test_content import compared as agreed
from transforms.loading import ingest
from transforms.rule_config import load_rule_config

RULES = Path(__file__).resolve().parents[3] / "transforms" / "rules.toml"
D = date(2026, 12, 7)
NEXT = D + timedelta(days=1)
RUNNING = "2026-2027"
FINAL = ("2023-2024", "2024-2025", "2025-2026")
CORRECTIONS = "overeenkomsten_correcties_20261208.csv"


def run_day(con: duckdb.DuckDBPyConnection, raw: Path, reports: Path, as_of: date) -> str:
    """A day's run without Prefect or validation: ingest, rules, record, reports."""
    now = datetime.combine(as_of, datetime.min.time()) + timedelta(hours=6)
    latest = con.execute("SELECT max(started_at) FROM runs").fetchone()
    if latest and latest[0] and latest[0] >= now:  # runs of one day in the order made
        now = latest[0] + timedelta(minutes=1)
    ingest(con, raw, now=now)
    config = load_rule_config(RULES)
    run_id = start_run(con, config, as_of, now=now)
    rules_stage(con, config, as_of)
    record_stage(con, run_id)
    reports_stage(con, run_id, reports, ())
    finish_run(con, run_id, "completed")
    return run_id


@dataclass(frozen=True)
class Days:
    raw: Path
    db: Path
    reports: Path  # day D, then D+1
    cold: Path  # D+1 into an empty database
    day: str
    next_day: str


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Days:
    base = tmp_path_factory.mktemp("final_years")
    raw = base / "raw"
    generate(raw, agreements=300, seed=11, as_of=D)
    con = connect(base / "duaal.duckdb")
    try:
        day = run_day(con, raw, base / "reports", D)
        # the day after: corrections of agreements of the running year only
        path, rows = write_daily_csv(raw, D, 12, started_from=date(2026, 9, 1))
        assert path.name == CORRECTIONS and rows == 12
        next_day = run_day(con, raw, base / "reports", NEXT)
    finally:
        con.close()
    cold = connect(base / "cold.duckdb")
    try:
        run_day(cold, raw, base / "cold", NEXT)
    finally:
        cold.close()
    return Days(raw, base / "duaal.duckdb", base / "reports", base / "cold", day, next_day)


def compared(sheets: dict[str, list[list[object]]]) -> dict[str, list[list[object]]]:
    """What a daily and a cold run agree on (test_content.compared, as benchmarks/compare.py
    compares): nor the day the run that wrote a federatie workbook started (its
    "gepubliceerd": here the runs are made for other days, in one sitting they start on the
    same day)."""
    return {
        name: [
            [PUBLISHED.sub("gepubliceerd <day>", v) if isinstance(v, str) else v for v in row]
            for row in rows
        ]
        for name, rows in agreed(sheets).items()
    }


def facts(path: Path, sheet: str) -> dict[object, object]:
    """The first two cells of each row of a sheet: a Leeswijzer's or Toelichting's facts."""
    ws = load_workbook(path, read_only=True)[sheet]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}


def test_a_final_years_workbooks_are_kept_the_day_after_as_a_cold_run_writes_them(days) -> None:
    entries = manifest(days.reports)
    final = {n: e for n, e in entries.items() if n.split("/")[0] in FINAL}
    assert len(final) == 3 * 8, "premies of all offices, six offices' and federatie, a year"
    assert {e["run"] for e in final.values()} == {days.day}, "written on day D"
    assert {e["behouden_door"] for e in final.values()} == {days.next_day}, "kept on D+1"
    assert {e["peildatum"] for e in final.values()} == {D.isoformat()}
    kept = {e.workbook for e in kept_by(days.reports, days.next_day)}
    assert set(final) <= kept, "the run says which it kept"
    running = {n: e for n, e in entries.items() if n.startswith(f"{RUNNING}/")}
    assert {e["run"] for e in running.values()} == {days.next_day}, "the running year's: new"
    cold = manifest(days.cold)
    assert set(cold) == {
        n for n, e in entries.items() if days.next_day in (e["run"], e["behouden_door"])
    }
    for name in sorted(final):
        one, other = cells(days.reports / name), cells(days.cold / name)
        assert compared(one) == compared(other), name


def test_the_leeswijzer_of_a_final_year_says_stand_and_of_the_running_year_peildatum(
    days,
) -> None:
    final = days.reports / "2024-2025" / "premies_2024-2025_limburg.xlsx"
    guide = facts(final, "Leeswijzer")
    assert guide["Stand"] == (
        "Definitief: het schooljaar eindigde op 31/08/2025. Deze map blijft ongewijzigd "
        "staan zolang haar inhoud niet wijzigt; inhoud.json in de rapportenmap zegt welke "
        "run haar schreef."
    )
    assert "Peildatum" not in guide
    run = facts(final, "Toelichting")
    assert run["Run"] == days.day and "Run gestart" in run and "Peildatum" not in run
    federatie = facts(days.reports / "2024-2025" / "federatie_2024-2025.xlsx", "Leeswijzer")
    assert federatie["Stand"].startswith("Definitief: het schooljaar eindigde op 31/08/2025.")
    assert "peildatum" not in federatie["Bron"]
    running = days.reports / RUNNING / f"premies_{RUNNING}_limburg.xlsx"
    assert facts(running, "Leeswijzer")["Peildatum"] == (
        "08/12/2026: de stand van de gegevens waarop de run besliste"
    )
    assert facts(running, "Toelichting")["Peildatum"] == datetime(2026, 12, 8)


@pytest.mark.parametrize("name", ["premies_2024-2025.xlsx", "federatie_2024-2025.xlsx"])
def test_no_cell_header_or_footer_of_a_final_year_names_an_as_of(days, name) -> None:
    path = days.reports / "2024-2025" / name
    wb = load_workbook(path)
    as_of = {"07/12/2026", "2026-12-07", "7/12/2026"}
    for ws in wb.worksheets:
        printed = [ws.oddHeader.center.text or "", ws.oddFooter.left.text or ""]
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, datetime):  # a time is the run's start; a date, as_of
                    assert value.date() != D or value.hour, f"{ws.title}: the as_of"
                    continue
                printed.append(str(value or ""))
        said = [t for t in printed if any(a in t for a in as_of) or "peildatum 0" in t]
        # the only date of D left: the Wijzigingen' line on the run compared with (none:
        # it is the first run) and when the run started ("gepubliceerd", "Run gestart")
        assert all("gepubliceerd 07/12/2026" in t for t in said), (ws.title, said)


def test_per_schooljaar_and_invoerbestanden_of_a_final_year(days) -> None:
    path = days.reports / "2024-2025" / "premies_2024-2025.xlsx"
    wb = load_workbook(path, read_only=True)
    rows = [r for r in wb["Per schooljaar"].iter_rows(values_only=True) if r and r[0]]
    years = [r for r in rows if str(r[0])[:2] == "20"]
    con = duckdb.connect(str(days.db), read_only=True)
    try:
        learners, eligible = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE eligible) FROM run_decisions "
            "WHERE run_id = ? AND school_year = '2023-2024'",
            [days.day],
        ).fetchone()
        batch = con.execute(
            "SELECT rows_read, rows_accepted, rows_quarantined, rows_blank, sha256 "
            "FROM load_batches WHERE file_name = 'overeenkomsten_2024-2025.xlsx'"
        ).fetchone()
    finally:
        con.close()
    assert [r[0] for r in years] == ["2023-2024", "2024-2025"], "the year and those before"
    assert years[0][:4] == ("2023-2024", "definitief", learners, eligible)
    assert years[0][4] == pytest.approx(eligible / learners)
    assert "dit schooljaar en de schooljaren ervoor" in str(
        next(r for r in wb["Leeswijzer"].iter_rows(values_only=True) if r[0] == "Per schooljaar")
    )
    files = [r for r in wb["Toelichting"].iter_rows(values_only=True) if r and r[3:4]]
    names = [r[3] for r in files if r[2] and r[0] != "Bestand"]
    read, accepted, quarantined, blank, sha = batch
    assert (
        "Overeenkomsten (werkplekduaal): overeenkomsten_2024-2025.xlsx, blad Overeenkomsten",
        f"ingelezen: {read} rijen gelezen, {accepted} aanvaard, {quarantined} in quarantaine, "
        f"{blank} leeg; SHA-256 {sha}",
    ) in [r[:2] for r in files]
    assert CORRECTIONS not in names, "the running year's corrections: no row of 2024-2025"
    assert "overeenkomsten_2024-2025.xlsx" in names and "erkenningen_register.xlsx" in names
    running = load_workbook(days.reports / RUNNING / f"premies_{RUNNING}.xlsx", read_only=True)
    every = [r[3] for r in running["Toelichting"].iter_rows(values_only=True) if r and r[3:4]]
    assert CORRECTIONS in every, "the running year's workbook lists every file"
    per_year = [r[0] for r in running["Per schooljaar"].iter_rows(values_only=True) if r]
    assert f"{RUNNING} (voorlopig)" in per_year and "2023-2024" in per_year


@pytest.fixture(scope="module")
def september(days, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, Path]:
    """Runs the day before and the day 2025-2026 becomes final (its 31 August), and a copy
    of the day before's premies workbook of 2025-2026."""
    base = tmp_path_factory.mktemp("september")
    con = connect(base / "duaal.duckdb")
    try:
        before = run_day(con, days.raw, base / "reports", date(2026, 8, 30))
        shutil.copy(
            base / "reports" / "2025-2026" / "premies_2025-2026.xlsx", base / "day_before.xlsx"
        )
        on = run_day(con, days.raw, base / "reports", date(2026, 8, 31))
    finally:
        con.close()
    return base / "reports", before, on, base / "day_before.xlsx"


def test_on_the_day_a_year_becomes_final_its_workbooks_are_written_without_the_as_of(
    september,
) -> None:
    reports, before, on, day_before = september
    guide = facts(day_before, "Leeswijzer")
    assert guide["Peildatum"].startswith("30/08/2026: ") and "Stand" not in guide
    assert facts(day_before, "Toelichting")["Peildatum"] == datetime(2026, 8, 30)
    entries = manifest(reports)
    year = "2025-2026"
    books = sorted(n for n in entries if n.startswith(f"{year}/"))
    assert len(books) == 8
    assert {entries[n]["run"] for n in books} == {on}, "written again: the key changed"
    path = reports / year / f"premies_{year}.xlsx"
    guide = facts(path, "Leeswijzer")
    assert guide["Stand"].startswith("Definitief: het schooljaar eindigde op 31/08/2026.")
    assert "Peildatum" not in guide and "Peildatum" not in facts(path, "Toelichting")
    # an earlier final year shows what it showed the day before: kept
    assert {entries[n]["run"] for n in entries if n.startswith("2024-2025/")} == {before}


def keys_of(con: duckdb.DuckDBPyConnection, run_id: str, folder: Path) -> dict[str, str]:
    """The content key of every workbook of a run, by its path in the folder."""
    plan = plan_reports(con, run_id, folder, (), in_place=lambda path, key: False)
    return {p.relative_to(folder).as_posix(): k for p, k in plan.keys.items()}


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {n for n in before if before[n] != after[n]}


def test_a_final_years_key_changes_with_every_piece_it_shows(days, tmp_path) -> None:
    shutil.copy(days.db, tmp_path / "duaal.duckdb")
    con = duckdb.connect(str(tmp_path / "duaal.duckdb"))
    run, folder = days.next_day, tmp_path / "reports"
    try:
        keys = keys_of(con, run, folder)
        assert keys == keys_of(con, run, folder), "the same rows: the same keys"
        # a payment's status flips (its expected date passed): its year's Uitbetalingen,
        # of all offices and of its office, and the federatie's payments of that year
        # and the later final years
        kbo, learner, office, status = con.execute(
            "SELECT company_kbo, learner_insz, office, status FROM run_payments "
            "WHERE run_id = ? AND school_year = '2024-2025' AND office IS NOT NULL "
            "ORDER BY company_kbo, learner_insz LIMIT 1",
            [run],
        ).fetchone()
        con.execute(
            "UPDATE run_payments SET status = ? WHERE run_id = ? AND school_year = '2024-2025' "
            "AND company_kbo = ? AND learner_insz = ?",
            ["missing" if status != "missing" else "paid", run, kbo, learner],
        )
        after = keys_of(con, run, folder)
        slug = office_slug(office)
        assert changed(keys, after) == {
            "2024-2025/premies_2024-2025.xlsx",
            f"2024-2025/premies_2024-2025_{slug}.xlsx",
            "2024-2025/federatie_2024-2025.xlsx",
            "2025-2026/federatie_2025-2026.xlsx",
            f"{RUNNING}/federatie_{RUNNING}.xlsx",
        }
        # a decision of 2023-2024 flips: that year's workbooks, and the share of 2023-2024
        # that every later year's Per schooljaar and Schooljaren show
        keys = after
        kbo, learner, office = con.execute(
            "SELECT company_kbo, learner_insz, office FROM run_decisions WHERE run_id = ? "
            "AND school_year = '2023-2024' AND office IS NOT NULL AND NOT eligible "
            "ORDER BY company_kbo, learner_insz LIMIT 1",
            [run],
        ).fetchone()
        con.execute(
            "UPDATE run_decisions SET eligible = true WHERE run_id = ? "
            "AND school_year = '2023-2024' AND company_kbo = ? AND learner_insz = ?",
            [run, kbo, learner],
        )
        after = keys_of(con, run, folder)
        slug = office_slug(office)
        years = ("2023-2024", *FINAL[1:], RUNNING)
        assert {f"{y}/premies_{y}_{slug}.xlsx" for y in years} <= changed(keys, after)
        assert {f"{y}/federatie_{y}.xlsx" for y in years} <= changed(keys, after)
        assert not any("conformiteit" in n for n in changed(keys, after))
        # a new file with a row of an agreement that started in 2023-2024: the Toelichting
        # of every year from 2023-2024 on lists it
        keys = after
        con.execute(
            "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, "
            "sheet_name, status, reason, rows_read, rows_accepted, rows_quarantined, "
            "rows_blank, loaded_at) SELECT max(batch_id) + 1, 'overeenkomsten', 'nieuw.csv', "
            "'raw/overeenkomsten/nieuw.csv', 'ab', NULL, 'loaded', NULL, 1, 1, 0, 0, "
            "max(loaded_at) FROM load_batches"
        )
        con.execute("INSERT INTO run_batches SELECT ?, max(batch_id) FROM load_batches", [run])
        con.execute(
            "UPDATE stg_werkplekduaal__agreements SET batch_id = (SELECT max(batch_id) "
            "FROM load_batches) WHERE agreement_id = (SELECT min(agreement_id) FROM "
            "stg_werkplekduaal__agreements WHERE start_date BETWEEN '2023-09-01' AND '2024-08-31')"
        )
        after = keys_of(con, run, folder)
        premies = {n for n in keys if "/premies_" in n}
        assert changed(keys, after) == premies | {
            n for n in keys if n.startswith("conformiteit/")
        }, "every premies workbook lists it; the conformiteit too (all the run's files)"
    finally:
        con.close()
