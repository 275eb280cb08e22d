"""The outcome of `duaal run` as an unattended 06:00 run reports it (CONTRACTS.md, "Input
checks and the outcome of a run"): the exit code, what the terminal names, what the run
history keeps. Through the real command line and the Prefect flow."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from sample.generate import generate
from tests.builders import RULES_FILE, rules_text_without_amounts
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    agreement_row,
    write_csv,
    write_xlsx,
)
from transforms.rule_config import load_rule_config

pytestmark = pytest.mark.prefect

AS_OF = date(2026, 11, 28)

# the version of the project's rule configuration, which the messages name
VERSION = load_rule_config(RULES_FILE).version


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("sample") / "raw"
    generate(raw, agreements=40, seed=3, as_of=AS_OF)
    return raw


@pytest.fixture(scope="module")
def clean(prefect_harness, sample, tmp_path_factory) -> Path:
    """The database of a run on the untouched sample: no input warnings, exit 0."""
    db = tmp_path_factory.mktemp("clean") / "duaal.duckdb"
    assert (
        main(
            [
                "run",
                "--raw",
                str(sample),
                "--db",
                str(db),
                "--as-of",
                AS_OF.isoformat(),
                "--no-reports",
            ]
        )
        == 0
    )
    return db


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def digests(db: Path) -> tuple:
    return query(
        db,
        "SELECT digest_decisions, digest_findings FROM runs WHERE status = 'completed' "
        "ORDER BY started_at DESC LIMIT 1",
    )[0]


def test_hostile_files_among_good_ones_are_each_named_and_change_no_decision(
    prefect_harness, sample, clean, tmp_path, capsys
):
    raw = tmp_path / "raw"
    shutil.copytree(sample, raw)
    (raw / "dimona" / "kapot.xlsx").write_bytes(b"\x00\x01 random bytes, not a workbook")
    write_xlsx(raw / "dimona" / "alleen_koppen.xlsx", [["Export Dimona"], DIMONA_HEADERS])
    (raw / "dimona" / "leesmij.txt").write_text("zie de map", encoding="utf-8")
    (raw / "dimona" / "~$dimona_2024-2025.xlsx").write_bytes(b"lock")
    (raw / "Dimona oud").mkdir()
    (raw / "Dimona oud" / "x.xlsx").write_bytes(b"old")
    db = tmp_path / "duaal.duckdb"
    code = main(
        ["run", "--raw", str(raw), "--db", str(db), "--as-of", AS_OF.isoformat(), "--no-reports"]
    )
    out = capsys.readouterr().out
    assert code == 4, out
    assert "completed with warnings" in out
    for line in [
        "FILE_IGNORED Dimona oud/: folder Dimona oud is not a source folder",
        "FILE_IGNORED dimona/leesmij.txt: leesmij.txt is not an export",
        "FILE_IGNORED dimona/~$dimona_2024-2025.xlsx: ~$dimona_2024-2025.xlsx is the lock file",
        "FILE_REFUSED dimona/kapot.xlsx: refused whole, none of its rows used",
        "FILE_EMPTY dimona/alleen_koppen.xlsx: read with its headers but no data rows",
    ]:
        assert f"  {line}" in out, f"the terminal names {line.split(':')[0]}"
    assert digests(db) == digests(clean), "decisions and findings as without the hostile files"
    assert query(db, "SELECT warnings FROM runs") == [(5,)]


@pytest.mark.parametrize(
    "as_of, code", [(date(2026, 8, 31), 0), (date(2026, 9, 1), 4)], ids=["31 August", "1 September"]
)
def test_the_first_day_of_a_year_without_amounts_completes_with_a_warning(
    prefect_harness, sample, tmp_path, capsys, as_of, code
):
    """The 06:00 run of 1 September, before anyone added the new year's amounts to the
    configuration: exit 4 naming the year and the file, not a usage error; the day before,
    exit 0."""
    rules = tmp_path / "rules.toml"
    rules.write_text(rules_text_without_amounts("2026-2027"), encoding="utf-8")
    db = tmp_path / "duaal.duckdb"
    args = ["run", "--raw", str(sample), "--db", str(db), "--rules", str(rules)]
    assert main([*args, "--as-of", as_of.isoformat(), "--no-reports"]) == code
    out = capsys.readouterr().out
    line = (
        f"  AMOUNTS_MISSING: no premium amounts for school year 2026-2027 in the rule "
        f"configuration {rules} (version {VERSION}): its decisions are made, every eligible one "
        f"with amount_eur 0, until that year's amounts are added to rules.toml"
    )
    assert (line in out) == (code == 4), out
    assert query(db, "SELECT status, warnings FROM runs") == [("completed", 1 if code else 0)]


def test_a_run_without_dimona_fails_naming_the_source_and_writes_no_report(
    prefect_harness, sample, tmp_path, capsys
):
    raw = tmp_path / "raw"
    shutil.copytree(sample, raw, ignore=shutil.ignore_patterns("dimona"))
    db, reports = tmp_path / "duaal.duckdb", tmp_path / "reports"
    code = main(
        [
            "run",
            "--raw",
            str(raw),
            "--db",
            str(db),
            "--reports",
            str(reports),
            "--as-of",
            AS_OF.isoformat(),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        "duaal run failed: the inputs cannot be used, no reports were written",
        f"  SOURCE_MISSING dimona: no rows of dimona were ever loaded: put its exports in "
        f"{raw}/dimona/",
        "fix the inputs named above and run again",
    ]
    assert not reports.exists() or not any(reports.rglob("*.xlsx")), "no reports"
    assert query(db, "SELECT status, warnings FROM runs") == [("failed", 0)], "an error, no warning"
    assert query(db, "SELECT count(*) FROM run_decisions") == [(0,)]


def test_a_newer_broken_row_and_a_stray_file_give_warnings_naming_them(
    prefect_harness, sample, tmp_path, capsys
):
    raw = tmp_path / "raw"
    shutil.copytree(sample, raw)
    db = tmp_path / "duaal.duckdb"
    args = ["run", "--raw", str(raw), "--db", str(db), "--as-of", AS_OF.isoformat(), "--no-reports"]
    assert main(args) == 0
    (agreement, kbo, insz, used_file, used_row) = query(
        db,
        # an agreement of a pair that has decisions (school years from 2023-2024 on)
        "SELECT agreement_id, company_kbo, learner_insz, file_name, row_number "
        "FROM stg_werkplekduaal__agreements a WHERE EXISTS (SELECT 1 FROM run_decisions d "
        "WHERE d.company_kbo = a.company_kbo AND d.learner_insz = a.learner_insz) "
        "ORDER BY agreement_id LIMIT 1",
    )[0]
    correction = agreement_row(
        agreement_id=agreement, company_kbo=kbo, learner_insz=insz, start_date="31/02/2026"
    )
    write_csv(raw / "overeenkomsten" / "correctie.csv", [AGREEMENT_HEADERS, correction])
    (raw / "export_van_vrijdag.xlsx").write_bytes(b"dropped in the wrong folder")
    capsys.readouterr()
    assert main(args) == 4
    out = capsys.readouterr().out
    assert (
        f"  ROW_SUPERSEDED overeenkomsten/correctie.csv row 2: the newest row of agreement "
        f"{agreement} is in quarantine (INVALID_DATE); the rules use the older row "
        f"overeenkomsten/{used_file} row {used_row}"
    ) in out
    assert (
        "  FILE_IGNORED export_van_vrijdag.xlsx: file export_van_vrijdag.xlsx lies beside the source folders, not in one"
        in out
    )
    explanations = query(
        db,
        "SELECT explanation FROM run_decisions WHERE company_kbo = ? AND learner_insz = ? AND "
        "run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)",
        [kbo, insz],
    )
    assert explanations and all(
        f"de nieuwste rij van overeenkomst {agreement} (correctie.csv, rij 2) staat in quarantaine"
        in e
        for (e,) in explanations
    ), "the decision that uses the older row says so"


def test_a_failure_is_one_message_and_debug_shows_the_traceback(
    prefect_harness, sample, tmp_path, capsys, monkeypatch
):
    import duaal.run.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom in the models")

    monkeypatch.setattr(duaal.run.pipeline, "rules_stage", broken)
    args = [
        "run",
        "--raw",
        str(sample),
        "--db",
        str(tmp_path / "d.duckdb"),
        "--as-of",
        AS_OF.isoformat(),
        "--no-reports",
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[0].startswith("duaal run failed in ")
    assert "RuntimeError: boom in the models" in err.splitlines()[0]
    assert (
        "the traceback is in the flow run's log in Prefect, and --debug shows the traceback here"
        in err
    )
    assert main([*args[:1], "--debug", *args[1:]]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_runs_lists_outcome_and_warnings(prefect_harness, clean, tmp_path, capsys):
    capsys.readouterr()
    assert main(["runs", "--db", str(clean)]) == 0
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert header.split()[:3] == ["run_id", "outcome", "warnings"]
    assert row.split()[1:3] == ["completed", "0"]


def test_diff_after_the_first_run_has_nothing_to_compare_yet(prefect_harness, clean, capsys):
    capsys.readouterr()
    assert main(["diff", "--db", str(clean)]) == 0
    assert capsys.readouterr().out.startswith("diff: nothing to compare yet: run ")
