"""`duaal diff` and `duaal export changes`: what changed between two runs, and why."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from cli.main import main
from duaal.changes import (
    CHANGE_EXPORT,
    CHANGE_HEADERS_NL,
    NotEnoughRuns,
    changes_markdown,
    changes_sheet,
    compute_changes,
)
from duaal.db import connect
from duaal.pipeline import execute
from duaal.settings import load_settings
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    KBO,
    PREMIUM_HEADERS,
    RECOGNITION_HEADERS,
    WORKER,
    WORKER_2,
    agreement_row,
    dimona_row,
    premium_row,
    recognition_row,
    write_csv,
)
from transforms.identifiers import make_insz

LEARNER_2 = make_insz("070203", 45, born_2000_or_later=True)
AS_OF = date(2025, 9, 15)


def _exports(raw):
    for folder in ("overeenkomsten", "dimona", "erkenningen", "premies"):
        (raw / folder).mkdir(parents=True, exist_ok=True)
    write_csv(
        raw / "overeenkomsten" / "a_export.csv",
        [
            AGREEMENT_HEADERS,
            agreement_row(agreement_id="OVK-1"),
            agreement_row(agreement_id="OVK-2", learner_insz=LEARNER_2, learner_name="Lotte Maes"),
        ],
    )
    write_csv(
        raw / "dimona" / "a_export.csv",
        [
            DIMONA_HEADERS,
            dimona_row(dimona_id="D-1", worker_type="ALT", start_date=date(2024, 9, 1)),
            dimona_row(
                dimona_id="D-2",
                worker_type="ALT",
                worker_insz=LEARNER_2,
                start_date=date(2024, 9, 1),
            ),
        ],
    )
    write_csv(
        raw / "erkenningen" / "a_export.csv",
        [RECOGNITION_HEADERS, recognition_row(mentor_training_date=date(2023, 10, 1))],
    )
    write_csv(
        raw / "premies" / "a_export.csv",
        [PREMIUM_HEADERS, premium_row(school_year="2022-2023", kind="stagebonus")],
    )


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A run, a correction that registers OVK-1 late, a second run."""
    base = tmp_path_factory.mktemp("changes")
    raw = base / "raw"
    _exports(raw)
    settings = load_settings(raw=raw, db=base / "duaal.duckdb", reports=base / "r", as_of=AS_OF)
    first = execute(settings, with_reports=False)
    write_csv(
        raw / "overeenkomsten" / "b_correctie.csv",
        [
            AGREEMENT_HEADERS,
            agreement_row(agreement_id="OVK-1", registration_date=date(2025, 1, 10)),
        ],
    )
    second = execute(settings, with_reports=False)
    return settings, first, second


def test_export_changes_lists_exactly_the_changes_naming_the_correction(two_runs, tmp_path):
    settings, first, second = two_runs
    out = tmp_path / "changes.csv"
    assert main(["export", "changes", "--out", str(out), "--db", str(settings.db)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    con = connect(settings.db, read_only=True)
    detail = con.execute(
        "SELECT detail FROM run_findings WHERE run_id = ? AND code = 'REGISTRATION_LATE'",
        [second.run_id],
    ).fetchone()[0]
    con.close()
    cause = (
        "overeenkomsten/b_correctie.csv row 2 "
        "(newer version of OVK-1: registration_date 2024-09-15 -> 2025-01-10)"
    )
    decision = ["decision", "changed", "2024-2025", KBO, WORKER, "", "", ""]
    assert rows == [
        list(CHANGE_EXPORT),
        [*decision, "amount_eur", "1000", "0", cause],
        [*decision, "eligible", "true", "false", cause],
        [*decision, "reasons", "", "REGISTRATION_LATE", cause],
        [
            "finding",
            "appeared",
            "",
            KBO,
            WORKER,
            "OVK-1",
            WORKER_2,
            "REGISTRATION_LATE",
            "",
            "",
            f"warning: {detail}",
            cause,
        ],
    ]


def test_diff_prints_the_table_between_the_latest_two_runs(two_runs, capsys):
    settings, first, second = two_runs
    assert main(["diff", "--db", str(settings.db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"from {first.run_id} (as_of 2025-09-15) to {second.run_id} (as_of 2025-09-15)"
    )
    assert out[1] == "decision changed: 3, finding appeared: 1"
    assert out[3].split() == [
        "kind", "change", "school_year", "company_kbo", "learner_insz", "agreement_id",
        "mentor_insz", "code", "field", "before", "after", "cause",
    ]  # fmt: skip
    assert out[4].startswith("decision  changed   2024-2025")
    assert len(out) == 8


def test_diff_of_a_run_with_itself_is_empty_and_the_first_run_has_no_previous(two_runs, capsys):
    settings, first, second = two_runs
    con = connect(settings.db, read_only=True)
    try:
        assert compute_changes(con, first.run_id, first.run_id).rows == []
        with pytest.raises(NotEnoughRuns, match="is the first completed run"):
            compute_changes(con, to_run=first.run_id)
        assert "is the first completed run" in changes_markdown(con, first.run_id)
        assert changes_sheet(con, first.run_id) == (CHANGE_HEADERS_NL, [])
    finally:
        con.close()
    assert main(["diff", "--to", first.run_id, "--db", str(settings.db)]) == 1
    assert "is the first completed run" in capsys.readouterr().err


def test_reversed_diff_names_the_older_input_row(two_runs):
    settings, first, second = two_runs
    con = connect(settings.db, read_only=True)
    try:
        rows = compute_changes(con, second.run_id, first.run_id).rows
    finally:
        con.close()
    assert [(r[0], r[1], r[8], r[9], r[10]) for r in rows] == [
        ("decision", "changed", "amount_eur", "0", "1000"),
        ("decision", "changed", "eligible", "false", "true"),
        ("decision", "changed", "reasons", "REGISTRATION_LATE", ""),
        ("finding", "resolved", "", rows[3][9], ""),
    ]
    assert {r[11] for r in rows} == {
        "overeenkomsten/a_export.csv row 2 "
        "(older version of OVK-1: registration_date 2025-01-10 -> 2024-09-15)"
    }


def test_markdown_and_the_dutch_sheet(two_runs):
    settings, first, second = two_runs
    con = connect(settings.db, read_only=True)
    try:
        markdown = changes_markdown(con, second.run_id)
        headers, all_rows = changes_sheet(con, second.run_id)
        antwerpen = changes_sheet(con, second.run_id, "Antwerpen")[1]
        limburg = changes_sheet(con, second.run_id, "Limburg")[1]
    finally:
        con.close()
    assert markdown.startswith("# Since the previous run\n\nFrom run " + first.run_id)
    assert "| decision | changed | 3 |" in markdown and "| finding | appeared | 1 |" in markdown
    assert headers == CHANGE_HEADERS_NL
    assert [r[:2] + r[8:9] for r in all_rows] == [
        ("beslissing", "gewijzigd", "bedrag (EUR)"),
        ("beslissing", "gewijzigd", "komt in aanmerking"),
        ("beslissing", "gewijzigd", "redenen"),
        ("bevinding", "nieuw", ""),
    ]
    assert all_rows[0][11] == (
        "overeenkomsten/b_correctie.csv rij 2 (nieuwere versie van OVK-1: "
        "registration_date 2024-09-15 -> 2025-01-10)"
    )
    assert antwerpen == all_rows and limburg == []


def test_as_of_passing_31_august_is_the_cause(tmp_path):
    raw = tmp_path / "raw"
    _exports(raw)
    settings = load_settings(
        raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path / "r", as_of=date(2025, 8, 1)
    )
    execute(settings, with_reports=False)
    execute(settings.with_overrides(as_of=AS_OF), with_reports=False)
    con = connect(settings.db, read_only=True)
    try:
        changes = compute_changes(con)
    finally:
        con.close()
    status = [r for r in changes.rows if r[0] == "decision"]
    assert [(r[4], r[8], r[9], r[10]) for r in status] == [
        (WORKER, "status", "provisional", "final"),
        (LEARNER_2, "status", "provisional", "final"),
    ]
    assert {r[11] for r in status} == {
        "as_of 2025-08-01 -> 2025-09-15: past 31 August 2025, the decision is final"
    }


def test_a_premium_paid_in_the_history_is_the_cause(tmp_path):
    raw = tmp_path / "raw"
    _exports(raw)
    write_csv(
        raw / "premies" / "a_export.csv",
        [
            PREMIUM_HEADERS,
            premium_row(school_year="2020-2021", kind="stagebonus"),
            premium_row(school_year="2021-2022", kind="stagebonus"),
        ],
    )
    settings = load_settings(
        raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path / "r", as_of=AS_OF
    )
    execute(settings, with_reports=False)
    write_csv(
        raw / "premies" / "b_export.csv",
        [PREMIUM_HEADERS, premium_row(school_year="2022-2023", kind="stagebonus")],
    )
    execute(settings, with_reports=False)
    con = connect(settings.db, read_only=True)
    try:
        rows = compute_changes(con).rows
    finally:
        con.close()
    cause = f"premies/b_export.csv row 2 (new row 2022-2023/{KBO}/{WORKER}/stagebonus)"
    assert [r[:5] + r[8:] for r in rows] == [
        ("decision", "changed", "2024-2025", KBO, WORKER, "amount_eur", "1000", "0", cause),
        ("decision", "changed", "2024-2025", KBO, WORKER, "eligible", "true", "false", cause),
        ("decision", "changed", "2024-2025", KBO, WORKER, "reasons", "", "CAP_REACHED", cause),
    ]


def test_a_change_the_inputs_do_not_explain_names_the_code_or_rule_version(two_runs, tmp_path):
    import shutil

    settings, first, second = two_runs
    copy = tmp_path / "copy.duckdb"
    shutil.copy(settings.db, copy)
    con = connect(copy)
    before_version = con.execute(
        "SELECT code_version FROM runs WHERE run_id = ?", [first.run_id]
    ).fetchone()[0]
    con.execute("UPDATE runs SET code_version = '9.9.9' WHERE run_id = ?", [second.run_id])
    con.execute(
        "UPDATE run_decisions SET office = 'Limburg' WHERE run_id = ? AND learner_insz = ?",
        [second.run_id, LEARNER_2],
    )
    try:
        rows = [r for r in compute_changes(con).rows if r[4] == LEARNER_2]
        assert rows == [
            (
                "decision", "changed", "2024-2025", KBO, LEARNER_2, "", "", "", "office",
                "Antwerpen", "Limburg", f"code version changed ({before_version} -> 9.9.9)",
            )
        ]  # fmt: skip
        con.execute(
            "UPDATE runs SET rule_config_hash = 'other', "
            "rule_config = replace(rule_config, 'version = \"2026.2\"', 'version = \"2026.3\"') "
            "WHERE run_id = ?",
            [second.run_id],
        )
        rows = [r for r in compute_changes(con).rows if r[4] == LEARNER_2]
        assert rows[0][11] == "rule configuration changed (version 2026.2 -> 2026.3)"
    finally:
        con.close()


def test_the_artifact_text_says_why_when_the_database_cannot_be_read(tmp_path):
    from duaal.changes import since_previous_run

    text = since_previous_run(tmp_path / "none.duckdb", "R1")
    assert text.startswith("# Since the previous run\n\nNot available: no database at ")


def test_the_office_and_conformiteit_workbooks_show_the_changes(two_runs, tmp_path):
    from openpyxl import load_workbook

    from duaal.workbooks import write_reports

    settings, _first, second = two_runs
    con = connect(settings.db, read_only=True)
    try:
        paths = write_reports(con, second.run_id, tmp_path, workers=1)
        (office,) = {
            o
            for (o,) in con.execute(
                "SELECT office FROM run_decisions WHERE run_id = ? AND agreement_ids LIKE "
                "'%OVK-1%'",
                [second.run_id],
            ).fetchall()
        }
    finally:
        con.close()

    def sheet(path) -> list[tuple]:
        wb = load_workbook(path, read_only=True)
        try:
            return [r for r in wb["Wijzigingen"].iter_rows(values_only=True) if any(r)]
        finally:
            wb.close()

    run_book = [p for p in paths if p.name == f"conformiteit_{AS_OF.isoformat()}.xlsx"][0]
    rows = sheet(run_book)
    assert rows[0] == CHANGE_HEADERS_NL
    decision_rows = [r for r in rows[1:] if r[0] == "beslissing"]
    assert decision_rows and all("b_correctie.csv" in r[11] for r in decision_rows)
    slug = office.lower().replace(" & ", "_").replace(" ", "_").replace("-", "_")
    office_books = [p for p in paths if p.name.startswith("premies_") and p.stem.count("_") >= 2]
    mine = [p for p in office_books if sheet(p)[0] == CHANGE_HEADERS_NL and len(sheet(p)) > 1]
    assert mine, f"the office workbook of {office} ({slug}) lists its changed decisions"
    assert all(r[0] == "beslissing" for p in mine for r in sheet(p)[1:])
