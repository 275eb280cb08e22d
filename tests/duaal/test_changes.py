"""`duaal diff`, `duaal export changes` and the run's own comparison: what changed between
two runs, and why."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from cli.main import main
from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.history.changes import (
    CHANGE_EXPORT,
    DUTCH,
    ENGLISH,
    ChangeCounts,
    NotEnoughRuns,
    compute_changes,
    markdown_of,
    since_previous,
)
from duaal.history.changes.causes import AsOfCause, ColumnChange, DecisionCause, InputRowCause
from duaal.run.pipeline import execute
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
from transforms.identifiers import format_insz, format_kbo, make_insz

LEARNER_2 = make_insz("070203", 45, born_2000_or_later=True)
LEARNER_3 = make_insz("070910", 61, born_2000_or_later=True)
AS_OF = date(2025, 9, 15)
CAUSE = (
    "overeenkomsten/b_correctie.csv row 2 "
    "(newer version of OVK-1: registration date 2024-09-15 -> 2025-01-10)"
)
# the payment of 2024-2025 (awaited: due by 28/02/2026) follows the decision
UNDECIDED = "decision for 2024-2025 changed: eligible yes -> no; amount EUR 1000 -> EUR 0"
# OVK-2 is in Gent (office Oost-Vlaanderen), with too few hours for an OAO (a finding there)
GENT = dict(
    establishment_id="2987654321", establishment_postcode=9000, establishment_municipality="Gent"
)


def _exports(raw, *agreements: list) -> None:
    for folder in ("overeenkomsten", "dimona", "erkenningen", "premies"):
        (raw / folder).mkdir(parents=True, exist_ok=True)
    write_csv(
        raw / "overeenkomsten" / "a_export.csv",
        [
            AGREEMENT_HEADERS,
            agreement_row(agreement_id="OVK-1"),
            agreement_row(
                agreement_id="OVK-2",
                learner_insz=LEARNER_2,
                learner_name="Lotte Maes",
                hours_per_week=15,
                **GENT,
            ),
            *agreements,
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


def _connect(settings):
    return connect(settings.db, read_only=True)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A run, a correction that registers OVK-1 late, a second run; each writes its
    workbooks (under r1/ and r2/) while it is still running, as `duaal run` does."""
    base = tmp_path_factory.mktemp("changes")
    raw = base / "raw"
    _exports(raw)
    settings = load_settings(raw=raw, db=base / "duaal.duckdb", reports=base / "r1", as_of=AS_OF)
    first = execute(settings)
    write_csv(
        raw / "overeenkomsten" / "b_correctie.csv",
        [
            AGREEMENT_HEADERS,
            agreement_row(agreement_id="OVK-1", registration_date=date(2025, 1, 10)),
        ],
    )
    second = execute(settings.with_overrides(reports=base / "r2"))
    return settings, first, second


def _late_detail(settings, run_id: str) -> str:
    con = _connect(settings)
    try:
        return con.execute(
            "SELECT detail FROM run_findings WHERE run_id = ? AND code = 'REGISTRATION_LATE'",
            [run_id],
        ).fetchone()[0]
    finally:
        con.close()


def test_export_changes_lists_exactly_the_changes_naming_the_correction(two_runs, tmp_path):
    settings, first, second = two_runs
    out = tmp_path / "changes.csv"
    assert main(["export", "changes", "--out", str(out), "--db", str(settings.db)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    detail = _late_detail(settings, second.run_id)
    decision = ["decision", "changed", "2024-2025", KBO, WORKER, "", "", ""]
    assert rows == [
        list(CHANGE_EXPORT),
        [*decision, "amount_eur", "1000", "0", CAUSE],
        [*decision, "eligible", "true", "false", CAUSE],
        [*decision, "reasons", "", "REGISTRATION_LATE", CAUSE],
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
            CAUSE,
        ],
        [
            "payment",
            "disappeared",
            "2024-2025",
            KBO,
            WORKER,
            "",
            "",
            "",
            "status",
            "awaited",
            "",
            f"{UNDECIDED}; {CAUSE}",
        ],
    ], "the contract's columns, sorted in their order; the cause names the field in words"


def test_diff_prints_a_block_per_decision_and_agreement_in_words(two_runs, capsys):
    settings, first, second = two_runs
    assert main(["diff", "--db", str(settings.db)]) == 0
    out = capsys.readouterr().out
    detail = _late_detail(settings, second.run_id)
    assert out.splitlines() == [
        f"from {first.run_id} (as_of 2025-09-15) to {second.run_id} (as_of 2025-09-15)",
        "1 decision changed (0 became eligible, 1 no longer eligible), 1 finding appeared, 0 "
        "resolved, 1",
        "  payment changed, 0 rows newly quarantined",
        "",
        "decisions",
        f"  2024-2025  company {KBO}  learner {WORKER}",
        "    eligible: yes -> no",
        "    amount: EUR 1000 -> EUR 0",
        "    reasons: (none) -> REGISTRATION_LATE",
        "    because: overeenkomsten/b_correctie.csv row 2 (newer version of OVK-1: registration "
        "date",
        "        2024-09-15 -> 2025-01-10)",
        "",
        "findings",
        f"  agreement OVK-1  company {KBO}  learner {WORKER}  mentor {WORKER_2}",
        f"    REGISTRATION_LATE appeared: warning: {detail}",
        "      because: overeenkomsten/b_correctie.csv row 2 (newer version of OVK-1: "
        "registration date",
        "          2024-09-15 -> 2025-01-10)",
        "",
        "payments",
        f"  2024-2025  company {KBO}  learner {WORKER}",
        "    no longer reconciled; it was: awaited, decided EUR 1000, nothing paid",
        "    because:",
        "      - decision for 2024-2025 changed: eligible yes -> no; amount EUR 1000 -> EUR 0",
        "      - overeenkomsten/b_correctie.csv row 2 (newer version of OVK-1: registration date "
        "2024-09-15",
        "        -> 2025-01-10)",
    ]
    assert max(len(line) for line in out.splitlines()) <= 100


def test_the_run_counts_its_changes_in_its_summary(two_runs):
    _settings, first, second = two_runs
    assert first.changes == ChangeCounts(None)
    assert second.changes == ChangeCounts(
        first.run_id, decisions=1, no_longer_eligible=1, findings_appeared=1, payments=1
    )
    assert second.changes.text() == (
        f"changes since {first.run_id}: 1 decision changed (0 became eligible, 1 no longer "
        "eligible), 1 finding appeared, 0 resolved, 1 payment changed, 0 rows newly quarantined"
    )


def test_diff_of_a_run_with_itself_is_empty_and_the_first_run_has_no_previous(two_runs, capsys):
    settings, first, second = two_runs
    con = _connect(settings)
    try:
        assert compute_changes(con, first.run_id, first.run_id).rows == []
        with pytest.raises(NotEnoughRuns, match="is the first completed run"):
            compute_changes(con, to_run=first.run_id)
        assert "is the first completed run" in markdown_of(since_previous(con, first.run_id))
        assert since_previous(con, first.run_id).before is None
    finally:
        con.close()
    assert main(["diff", "--to", first.run_id, "--db", str(settings.db)]) == 1
    assert "is the first completed run" in capsys.readouterr().err


def test_reversed_diff_names_the_older_input_row(two_runs):
    settings, first, second = two_runs
    con = _connect(settings)
    try:
        rows = compute_changes(con, second.run_id, first.run_id).rows
    finally:
        con.close()
    assert [(r[0], r[1], r[8], r[9], r[10]) for r in rows] == [
        ("decision", "changed", "amount_eur", "0", "1000"),
        ("decision", "changed", "eligible", "false", "true"),
        ("decision", "changed", "reasons", "REGISTRATION_LATE", ""),
        ("finding", "resolved", "", rows[3][9], ""),
        ("payment", "appeared", "status", "", "awaited"),
    ]
    older = (
        "overeenkomsten/a_export.csv row 2 "
        "(older version of OVK-1: registration date 2025-01-10 -> 2024-09-15)"
    )
    assert {r[11] for r in rows[:4]} == {older}
    assert rows[4][11] == (
        f"decision for 2024-2025 changed: eligible no -> yes; amount EUR 0 -> EUR 1000; {older}"
    )


def test_markdown_counts_the_changes(two_runs):
    settings, first, second = two_runs
    con = _connect(settings)
    try:
        markdown = markdown_of(since_previous(con, second.run_id))
    finally:
        con.close()
    assert markdown.startswith("# Since the previous run\n\nFrom run " + first.run_id)
    assert "Changes: 1 decision changed (0 became eligible, 1 no longer eligible)" in markdown
    assert f"| decision | changed | 2024-2025 | {KBO} | {WORKER} |" in markdown


def test_a_cause_names_a_column_in_words_and_an_empty_value(two_runs):
    cause = InputRowCause(
        "erkenningen",
        "register.csv",
        3,
        "ERK-1",
        "newer",
        (
            ColumnChange("mentor_training_date", "2023-10-01", None),
            ColumnChange("mentor_training_exempt", "false", "true"),
            ColumnChange("mentor_name", None, None, personal=True),
        ),
    )
    assert cause.text(ENGLISH) == (
        "erkenningen/register.csv row 3 (newer version of ERK-1: mentor training date "
        "2023-10-01 -> (empty); mentor training exempt no -> yes; mentor name)"
    )
    assert cause.text(DUTCH) == (
        "erkenningen/register.csv rij 3 (nieuwere versie van ERK-1: Datum mentoropleiding "
        "01/10/2023 -> (leeg); Vrijstelling mentoropleiding nee -> ja; Naam mentor)"
    )


# --- the Wijzigingen sheets ---------------------------------------------------------------


def _sheet(path) -> list[tuple]:
    """The Wijzigingen sheet: its list, header first, in the export's column order (the
    sheet prints some columns and shows the rest on the screen only); without changes, the
    line that says why."""
    from openpyxl import load_workbook

    from duaal.outputs.workbooks.changes import CHANGE_HEADERS
    from tests.duaal.workbooks.one_run import table, title_lines

    ws = load_workbook(path)["Wijzigingen"]
    if not ws.freeze_panes:
        return [(title_lines(ws)[-1],)]
    header, *rows = table(ws)
    order = [header.index(h) for h in CHANGE_HEADERS]
    return [tuple(r[i] for i in order) for r in (header, *rows) if any(r)]


def _toelichting(path) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return {r[0]: r[1] for r in wb["Toelichting"].iter_rows(values_only=True) if r and r[0]}
    finally:
        wb.close()


def test_the_workbooks_written_by_the_run_show_its_changes_where_they_belong(two_runs):
    from duaal.outputs.workbooks.changes import CHANGE_HEADERS

    settings, first, second = two_runs
    r2 = settings.reports.parent / "r2"
    year, conformiteit = r2 / "2024-2025", r2 / "conformiteit"
    decided = (
        "overeenkomsten/b_correctie.csv rij 2 (nieuwere versie van OVK-1: "
        "Datum registratie 15/09/2024 -> 10/01/2025)"
    )
    kbo, worker = format_kbo(KBO), format_insz(WORKER)
    decision = ("beslissing", "gewijzigd", "2024-2025", kbo, worker, None, None, None)
    assert _sheet(year / "premies_2024-2025_antwerpen.xlsx") == [
        CHANGE_HEADERS,
        (*decision, "Bedrag", "1000", "0", decided),
        (*decision, "Subsidiabel", "Ja", "Nee", decided),
        (*decision, "Redenen", None, "Te laat geregistreerd in werkplekduaal", decided),
        (
            "uitbetaling",
            "verdwenen",
            "2024-2025",
            kbo,
            worker,
            None,
            None,
            None,
            "Betaalstatus",
            "Betaalstatus: nog te verwachten; Beslist bedrag: 1000",
            None,
            "beslissing voor 2024-2025 gewijzigd: Subsidiabel ja -> nee; Bedrag € 1000 -> € 0; "
            + decided,
        ),
    ], "the office of the pair: its changed decision and payment, in Dutch"
    detail = _late_detail(settings, second.run_id)
    finding = (
        "bevinding", "nieuw", None, kbo, worker, "OVK-1", format_insz(WORKER_2), "REGISTRATION_LATE"
    )  # fmt: skip
    finding_row = (*finding, None, None, f"waarschuwing: {detail}", decided)
    for book in ("conformiteit_2025-09-15.xlsx", "conformiteit_2025-09-15_antwerpen.xlsx"):
        assert _sheet(conformiteit / book) == [CHANGE_HEADERS, finding_row], book
    nothing = [
        (
            f"Geen wijzigingen sinds de vorige voltooide run, {first.run_id} met peildatum 15/09/2025.",
        )
    ]
    for path in (
        year / "premies_2024-2025_oost-vlaanderen.xlsx",
        conformiteit / "conformiteit_2025-09-15_oost-vlaanderen.xlsx",
    ):
        assert _sheet(path) == nothing, f"{path.name}: another office, nothing changed there"
    assert _toelichting(year / "premies_2024-2025_antwerpen.xlsx")["Wijzigingen sinds"] == (
        f"de vorige voltooide run, {first.run_id} met peildatum 15/09/2025"
    )


def test_the_first_runs_sheets_say_there_is_nothing_to_compare(two_runs):
    settings, _first, _second = two_runs
    r1 = settings.reports
    first_run = [("Eerste voltooide run: er is nog geen eerdere run om mee te vergelijken.",)]
    for path in (
        r1 / "2024-2025" / "premies_2024-2025_antwerpen.xlsx",
        r1 / "conformiteit" / "conformiteit_2025-09-15.xlsx",
    ):
        assert _sheet(path) == first_run, path.name
        assert _toelichting(path)["Wijzigingen sinds"] == (
            "geen eerdere run: dit is de eerste voltooide run"
        )


# --- as_of moving forwards and back -------------------------------------------------------

BEFORE_END, AFTER_END = date(2025, 8, 15), date(2025, 9, 15)


@pytest.fixture(scope="module")
def as_of_runs(tmp_path_factory):
    """The same inputs judged on 15 August, 15 September, then 15 August 2025 again; OVK-3
    (started 10 June 2025, not registered) has its registration deadline on 10 September."""
    base = tmp_path_factory.mktemp("as_of")
    raw = base / "raw"
    ovk3 = agreement_row(
        agreement_id="OVK-3",
        learner_insz=LEARNER_3,
        start_date=date(2025, 6, 10),
        end_date=date(2026, 6, 30),
        registration_date="",
    )
    _exports(raw, ovk3)
    settings = load_settings(
        raw=raw, db=base / "duaal.duckdb", reports=base / "r", as_of=BEFORE_END
    )
    runs = [
        execute(settings.with_overrides(as_of=day), with_reports=False)
        for day in (BEFORE_END, AFTER_END, BEFORE_END)
    ]
    return settings, runs


def _changes(settings, before, after, codes=("REGISTRATION_DUE", "REGISTRATION_MISSING")):
    con = _connect(settings)
    try:
        rows = compute_changes(con, before.run_id, after.run_id).rows
    finally:
        con.close()
    decisions = [
        (r[1], r[2], r[4], r[8], r[9] if r[8] else "", r[10] if r[8] else "", r[11])
        for r in rows
        if r[0] == "decision"
    ]
    findings = [(r[1], r[7], r[11]) for r in rows if r[0] == "finding" and r[7] in codes]
    return decisions, findings


def test_as_of_moving_past_31_august_and_a_due_date_is_the_cause(as_of_runs):
    settings, (a, b, _c) = as_of_runs
    decisions, findings = _changes(settings, a, b)
    moved = "as_of moved from 2025-08-15 to 2025-09-15"
    final = f"{moved}: 31 August 2025 reached, the decision is final"
    assert decisions == [
        ("appeared", "2025-2026", LEARNER_3, "", "", "",
         f"{moved}: school year 2025-2026 began on 2025-09-01"),
        ("changed", "2024-2025", WORKER, "status", "provisional", "final", final),
        ("changed", "2024-2025", LEARNER_2, "status", "provisional", "final", final),
        ("changed", "2024-2025", LEARNER_3, "status", "provisional", "final", final),
    ]  # fmt: skip
    assert findings == [
        ("appeared", "REGISTRATION_MISSING", moved),
        ("resolved", "REGISTRATION_DUE", f"{moved}: past the due date 2025-09-10"),
    ]


def test_as_of_moving_back_names_the_earlier_day_as_the_cause(as_of_runs, capsys):
    settings, (_a, b, c) = as_of_runs
    decisions, findings = _changes(settings, b, c)
    back = "as_of moved back from 2025-09-15 to 2025-08-15"
    provisional = f"{back}: before 31 August 2025 again, the decision is provisional"
    assert decisions == [
        ("changed", "2024-2025", WORKER, "status", "final", "provisional", provisional),
        ("changed", "2024-2025", LEARNER_2, "status", "final", "provisional", provisional),
        ("changed", "2024-2025", LEARNER_3, "status", "final", "provisional", provisional),
        ("disappeared", "2025-2026", LEARNER_3, "", "", "",
         f"{back}: school year 2025-2026 begins only on 2025-09-01"),
    ]  # fmt: skip
    assert findings == [
        ("appeared", "REGISTRATION_DUE", f"{back}: before the due date 2025-09-10 again"),
        ("resolved", "REGISTRATION_MISSING", back),
    ]
    assert main(["diff", "--db", str(settings.db)]) == 0
    out = capsys.readouterr().out
    assert "past" not in out and "reached" not in out, "no cause that only a later day gives"


def test_as_of_passing_31_august_reconciles_the_payments_of_the_year(as_of_runs):
    settings, (a, b, c) = as_of_runs
    con = _connect(settings)
    try:
        forwards, back = (
            [(r[1], r[4], r[8], r[9], r[10], r[11]) for r in compute_changes(con, x, y).rows
             if r[0] == "payment"]
            for x, y in ((a.run_id, b.run_id), (b.run_id, c.run_id))
        )  # fmt: skip
    finally:
        con.close()
    reconciled = (
        "as_of moved from 2025-08-15 to 2025-09-15: 31 August 2025 reached, the payments of "
        "2024-2025 are reconciled"
    )
    assert forwards == [
        ("appeared", WORKER, "status", "", "awaited", reconciled),
        ("appeared", LEARNER_2, "status", "", "awaited", reconciled),
    ], "the eligible pairs of the year that ended; nothing paid yet, nor expected"
    not_yet = (
        "as_of moved back from 2025-09-15 to 2025-08-15: before 31 August 2025 again, the "
        "payments of 2024-2025 are not reconciled yet"
    )
    assert back == [
        ("disappeared", WORKER, "status", "awaited", "", not_yet),
        ("disappeared", LEARNER_2, "status", "awaited", "", not_yet),
    ]


# --- a file loaded again under the same name ----------------------------------------------


def test_a_file_saved_again_brings_only_its_changed_row_as_news(tmp_path, capsys):
    raw = tmp_path / "raw"
    broken = [
        agreement_row(agreement_id="OVK-8", learner_insz="12345678901"),
        agreement_row(agreement_id="OVK-9", start_date="31/02/2025"),
    ]
    _exports(raw, *broken)
    settings = load_settings(raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path, as_of=AS_OF)
    execute(settings, with_reports=False)
    # one cell corrected: OVK-1 registered later; the two broken rows come again unchanged
    export = raw / "overeenkomsten" / "a_export.csv"
    rows = list(csv.reader(export.open(encoding="utf-8"), delimiter=";"))
    rows[1][AGREEMENT_HEADERS.index("Datum registratie")] = "10/01/2025"
    write_csv(export, rows)
    second = execute(settings, with_reports=False)
    con = _connect(settings)
    try:
        changes = compute_changes(con)
        assert {r[0] for r in changes.rows} == {"decision", "finding", "payment"}, "no row"
        assert {r[11].removeprefix(f"{UNDECIDED}; ") for r in changes.rows} == {
            "overeenkomsten/a_export.csv row 2 "
            "(newer version of OVK-1: registration date 2024-09-15 -> 2025-01-10)"
        }
        assert second.changes.rows_quarantined == 0
    finally:
        con.close()
    # saved once more, with one broken row broken otherwise: only that row is news
    rows[4][AGREEMENT_HEADERS.index("Startdatum")] = "30/02/2025"  # OVK-9, row 5
    write_csv(export, rows)
    third = execute(settings, with_reports=False)
    con = _connect(settings)
    try:
        (row,) = compute_changes(con).rows
        detail = con.execute(
            "SELECT detail FROM quarantine WHERE file_name = 'a_export.csv' AND row_number = 5 "
            "AND detail LIKE '%30/02/2025%'"
        ).fetchone()[0]
    finally:
        con.close()
    assert row == (
        "quarantine", "appeared", "", "", "", "", "", "INVALID_DATE", "", "", detail,
        "overeenkomsten/a_export.csv row 5",
    )  # fmt: skip
    assert third.changes.rows_quarantined == 1


# --- causes outside the inputs ------------------------------------------------------------


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
        ("payment", "disappeared", "2024-2025", KBO, WORKER, "status", "awaited", "",
         f"{UNDECIDED}; {cause}"),
    ]  # fmt: skip


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
                "Oost-Vlaanderen", "Limburg", f"code version changed ({before_version} -> 9.9.9)",
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


def test_a_payment_finding_is_matched_by_its_pair_not_by_its_place(tmp_path):
    """PAYMENT_* findings name a pair, no agreement and no mentor: two pairs with the same
    detail are two findings. When one pair is paid, only that pair's finding is resolved."""
    from datetime import datetime

    from tests.builders import COMPANY, LEARNER, OTHER_LEARNER
    from transforms.rule_config import load_rule_config
    from transforms.schema import ensure_schema

    config = load_rule_config(load_settings().rules)
    con = connect(tmp_path / "duaal.duckdb")
    ensure_schema(con)
    detail = "Premie 2023-2024 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk 28/02/2025"
    for n, learners in ((1, (LEARNER, OTHER_LEARNER)), (2, (OTHER_LEARNER,))):
        con.execute(
            "INSERT INTO runs (run_id, started_at, status, as_of, rule_config, "
            "rule_config_hash) VALUES (?, ?, 'completed', ?, ?, ?)",
            [f"R{n}", datetime(2025, 3, n, 6), date(2025, 3, n), config.text, config.sha256],
        )
        for learner in learners:
            con.execute(
                "INSERT INTO run_findings (run_id, code, severity, company_kbo, learner_insz, "
                "office, detail, due_date) VALUES (?, 'PAYMENT_MISSING', 'warning', ?, ?, "
                "'Antwerpen', ?, ?)",
                [f"R{n}", COMPANY, learner, detail, date(2025, 2, 28)],
            )
    changes = [r for r in compute_changes(con, "R1", "R2").rows if r[0] != "decision"]
    con.close()
    assert [(r[1], r[3], r[4], r[7]) for r in changes] == [
        ("resolved", COMPANY, LEARNER, "PAYMENT_MISSING")
    ], "the pair that was paid, not the other one"


# --- payments: a status that changed and the history row that caused it -----------------

BEFORE_EXPECTED, AFTER_EXPECTED = date(2026, 2, 15), date(2026, 3, 15)  # expected: 28/02/2026
PAID = f"2024-2025/{KBO}/{WORKER}/premie"


@pytest.fixture(scope="module")
def payment_runs(tmp_path_factory):
    """OVK-1's premium of 2024-2025 (EUR 1000, expected by 28 February 2026) judged before
    and after that day; then the history pays it (b_betaald.csv), then a later export
    replaces the amount paid (c_correctie.csv)."""
    base = tmp_path_factory.mktemp("payments")
    raw = base / "raw"
    _exports(raw)
    settings = load_settings(
        raw=raw, db=base / "duaal.duckdb", reports=base / "r", as_of=BEFORE_EXPECTED
    )
    runs = [execute(settings, with_reports=False)]
    settings = settings.with_overrides(as_of=AFTER_EXPECTED)
    runs.append(execute(settings, with_reports=False))
    for name, amount in (("b_betaald.csv", 1000), ("c_correctie.csv", 1100)):
        paid = premium_row(school_year="2024-2025", amount_eur=amount, paid_on=date(2026, 3, 2))
        write_csv(raw / "premies" / name, [PREMIUM_HEADERS, paid])
        runs.append(execute(settings, with_reports=False))
    return settings, runs


def _payment_rows(settings, before, after) -> list[tuple]:
    """The payment changes and the payment findings between two runs."""
    con = _connect(settings)
    try:
        rows = compute_changes(con, before.run_id, after.run_id).rows
    finally:
        con.close()
    return [
        (r[0], r[1], r[2], r[4], r[7], r[8], r[9], r[10], r[11])
        for r in rows
        if r[0] == "payment" or r[7].startswith("PAYMENT_")
    ]


def test_as_of_passing_the_expected_date_is_why_a_payment_is_missing(payment_runs, capsys):
    settings, (awaited, missing, _paid, _differs) = payment_runs
    cause = "as_of moved from 2026-02-15 to 2026-03-15: past the expected payment date 2026-02-28"
    detail = (
        "warning: Premie 2024-2025 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk "
        "28/02/2026"
    )
    assert _payment_rows(settings, awaited, missing) == [
        ("finding", "appeared", "", WORKER, "PAYMENT_MISSING", "", "", detail, cause),
        ("finding", "appeared", "", LEARNER_2, "PAYMENT_MISSING", "", "", detail, cause),
        ("payment", "changed", "2024-2025", WORKER, "", "status", "awaited", "missing", cause),
        ("payment", "changed", "2024-2025", LEARNER_2, "", "status", "awaited", "missing",
         cause),
    ], "both eligible pairs; the finding is due on the payment's expected date"  # fmt: skip
    assert main(["diff", "--from", awaited.run_id, "--to", missing.run_id,
                 "--db", str(settings.db)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    block = [
        "    status: awaited -> missing",
        f"    because: {cause}",
    ]
    told = [
        "    PAYMENT_MISSING appeared: warning: Premie 2024-2025 beslist: € 1.000; niets "
        "uitbetaald, verwacht",
        "      uiterlijk 28/02/2026",
        f"      because: {cause}",
    ]
    assert out.split("\nfindings\n", 1)[1].split("\n\n", 1)[0].splitlines() == [
        f"  company {KBO}  learner {WORKER}",
        *told,
        f"  company {KBO}  learner {LEARNER_2}",
        *told,
    ], "a block per pair"
    assert out.split("\npayments\n", 1)[1].splitlines() == [
        f"  2024-2025  company {KBO}  learner {WORKER}",
        *block,
        f"  2024-2025  company {KBO}  learner {LEARNER_2}",
        *block,
    ]


def test_a_premie_row_added_is_why_a_missing_payment_is_paid(payment_runs):
    settings, (_awaited, missing, paid, _differs) = payment_runs
    cause = f"premies/b_betaald.csv row 2 (new row {PAID})"
    assert _payment_rows(settings, missing, paid) == [
        ("finding", "resolved", "", WORKER, "PAYMENT_MISSING", "",
         "warning: Premie 2024-2025 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk "
         "28/02/2026", "", cause),
        ("payment", "changed", "2024-2025", WORKER, "", "paid_eur", "", "1000.00", cause),
        ("payment", "changed", "2024-2025", WORKER, "", "status", "missing", "paid", cause),
    ], "only the pair paid"  # fmt: skip


def test_a_later_export_replacing_the_amount_is_why_it_differs(payment_runs):
    settings, (_awaited, _missing, paid, differs) = payment_runs
    cause = f"premies/c_correctie.csv row 2 (newer version of {PAID}: amount EUR 1000 -> 1100)"
    rows = _payment_rows(settings, paid, differs)
    assert rows == [
        ("finding", "appeared", "", WORKER, "PAYMENT_AMOUNT_DIFFERS", "", "", rows[0][7], cause),
        ("payment", "changed", "2024-2025", WORKER, "", "paid_eur", "1000.00", "1100.00", cause),
        ("payment", "changed", "2024-2025", WORKER, "", "status", "paid", "amount_differs",
         cause),
    ]  # fmt: skip
    assert rows[0][7].startswith("warning: Premie 2024-2025 beslist: € 1.000; uitbetaald € 1.100")
    con = _connect(settings)
    try:
        counts = since_previous(con, differs.run_id).counts()
    finally:
        con.close()
    assert (counts.payments, counts.findings_appeared) == (1, 1), "one pair's payment changed"


def test_no_payment_changes_against_a_run_that_reconciled_none(payment_runs, tmp_path):
    """A run recorded before payments were reconciled has no payments digest and no rows:
    its pairs' payments did not all appear since."""
    import shutil

    settings, (_awaited, missing, paid, _differs) = payment_runs
    copy = tmp_path / "copy.duckdb"
    shutil.copy(settings.db, copy)
    con = connect(copy)
    try:
        con.execute("UPDATE runs SET digest_payments = NULL WHERE run_id = ?", [missing.run_id])
        con.execute("DELETE FROM run_payments WHERE run_id = ?", [missing.run_id])
        kinds = {r[0] for r in compute_changes(con, missing.run_id, paid.run_id).rows}
    finally:
        con.close()
    assert kinds == {"finding"}, "the PAYMENT_MISSING resolved, no payment compared"


def test_the_causes_of_a_payment_in_dutch():
    undecided = DecisionCause(
        "2024-2025", "changed", (("eligible", "true", "false"), ("amount_eur", "1000", "0"))
    )
    assert undecided.text(DUTCH) == (
        "beslissing voor 2024-2025 gewijzigd: Subsidiabel ja -> nee; Bedrag € 1000 -> € 0"
    )
    expected = AsOfCause(BEFORE_EXPECTED, AFTER_EXPECTED, "expected", date(2026, 2, 28))
    assert expected.text(DUTCH) == (
        "peildatum verschoven van 15/02/2026 naar 15/03/2026: voorbij de verwachte datum van "
        "uitbetaling 28/02/2026"
    )
    back = AsOfCause(AFTER_END, BEFORE_END, "reconciled", date(2025, 8, 31), "2024-2025")
    assert back.text(DUTCH) == (
        "peildatum teruggezet van 15/09/2025 naar 15/08/2025: opnieuw vóór 31/08/2025, de "
        "uitbetalingen van 2024-2025 worden nog niet afgestemd"
    )


def test_runs_with_the_same_outputs_and_batches_are_not_compared_row_by_row(tmp_path, monkeypatch):
    import duaal.history.changes.assemble as assemble
    from duaal.history.changes.queries import Compared, compare_runs
    from duaal.history.changes.runs import run_info

    raw = tmp_path / "raw"
    _exports(raw)
    settings = load_settings(raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path, as_of=AS_OF)
    first = execute(settings, with_reports=False)
    again = execute(settings, with_reports=False)  # the same batches and outputs
    write_csv(raw / "overeenkomsten" / "b_leeg.csv", [AGREEMENT_HEADERS])  # a new batch
    emptied = execute(settings, with_reports=False)
    assert first.digests == again.digests == emptied.digests
    con = _connect(settings)
    try:
        runs = [run_info(con, r.run_id) for r in (first, again, emptied)]
        # what the full comparison finds: nothing, between all three
        for before, after in zip(runs, runs[1:], strict=False):
            assert compare_runs(con, before, after) == Compared([], [], [], [], [])
        compared = []
        monkeypatch.setattr(
            assemble, "compare_runs", lambda *a: compared.append(a) or compare_runs(*a)
        )
        assert compute_changes(con, first.run_id, again.run_id).items == ()
        assert compared == [], "equal digests and no new batch: nothing to look for"
        assert compute_changes(con, again.run_id, emptied.run_id).items == ()
        assert len(compared) == 1, "a new batch: compared row by row"
    finally:
        con.close()
