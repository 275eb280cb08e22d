"""The run summary says where the time went (each stage's seconds) and how much changed
since the previous completed run, on the terminal and in the Prefect summary artifact
(plain functions, no Prefect)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from duaal.common.settings import load_settings
from duaal.history.changes import ChangeCounts
from duaal.run.pipeline import RunSummary
from flows.summary import format_summary, stage_times, summary_markdown


def _summary() -> RunSummary:
    return RunSummary(
        run_id="R20261128T060000-abcdef",
        as_of=date(2026, 11, 28),
        status="completed",
        stage_seconds={
            "open": 0.031,
            "ingest": 5.614,
            "checks": 0.402,
            "rules": 3.981,
            "validate": 5.276,
            "record": 1.094,
            "reports": 7.705,
        },
        decisions=12,
        eligible=7,
        amount_per_office={"Gent": 3000},
    )


def test_terminal_summary_lists_each_stage_and_the_total(tmp_path: Path) -> None:
    settings = load_settings(raw=tmp_path / "raw", db=tmp_path / "d.duckdb", reports=tmp_path)
    lines = format_summary(_summary(), settings).splitlines()
    start = lines.index("where the time went (seconds):")
    assert lines[start + 1 : start + 9] == [
        "  open         0.03",
        "  ingest       5.61",
        "  checks       0.40",
        "  rules        3.98",
        "  validate     5.28",
        "  record       1.09",
        "  reports      7.71",
        "  total       24.10",
    ]
    assert lines[start + 9] == f"database: {settings.db}"


def test_markdown_artifact_has_a_table_of_stage_seconds() -> None:
    text = summary_markdown(_summary())
    table = text.split("## Where the time went\n\n", 1)[1].splitlines()
    assert table[:2] == ["| stage | seconds |", "| --- | ---: |"]
    rows = [line.strip("|").split("|") for line in table[2:]]
    assert [(name.strip(), float(s)) for name, s in rows] == [
        ("open", 0.03),
        ("ingest", 5.61),
        ("checks", 0.4),
        ("rules", 3.98),
        ("validate", 5.28),
        ("record", 1.09),
        ("reports", 7.71),
        ("total", 24.1),
    ]


def test_a_run_that_stopped_early_shows_the_stages_it_went_through() -> None:
    summary = _summary()
    summary.stage_seconds = {"open": 0.02, "ingest": 1.5}
    assert stage_times(summary) == [("open", 0.02), ("ingest", 1.5), ("total", 1.52)]


def test_the_summary_counts_what_changed_since_the_previous_run(tmp_path: Path) -> None:
    summary = _summary()
    summary.changes = ChangeCounts(
        "R20261127T060000-fedcba",
        decisions=18,
        became_eligible=3,
        no_longer_eligible=2,
        findings_appeared=5,
        findings_resolved=2,
        rows_quarantined=7,
    )
    line = (
        "changes since R20261127T060000-fedcba: 18 decisions changed (3 became eligible, "
        "2 no longer eligible), 5 findings appeared, 2 resolved, 7 rows newly quarantined"
    )
    settings = load_settings(raw=tmp_path / "raw", db=tmp_path / "d.duckdb", reports=tmp_path)
    assert line in format_summary(summary, settings).splitlines()
    assert f"- {line}" in summary_markdown(summary).splitlines()
    summary.changes = ChangeCounts(None)
    assert (
        "- changes since the previous run: none, this is the first completed run"
        in summary_markdown(summary).splitlines()
    )
    summary.changes = ChangeCounts("R20261127T060000-fedcba", decisions_new=4, files_refused=1)
    assert summary.changes.text() == (
        "changes since R20261127T060000-fedcba: 0 decisions changed (0 became eligible, "
        "0 no longer eligible), 4 new, 0 findings appeared, 0 resolved, 0 rows newly "
        "quarantined, 1 file refused"
    )


def test_terminal_summary_says_which_workbooks_it_wrote_and_which_other_runs_left(
    tmp_path: Path,
) -> None:
    from duaal.outputs.workbooks.manifest import Entry

    settings = load_settings(raw=tmp_path / "raw", db=tmp_path / "d.duckdb", reports=tmp_path)
    summary = _summary()
    summary.reports = [
        tmp_path / "2025-2026" / "premies_2025-2026.xlsx",
        tmp_path / "2025-2026" / "federatie_2025-2026.xlsx",
        tmp_path / "conformiteit" / "conformiteit_2026-11-28.xlsx",
    ]
    earlier = "R20261101T060000-aaaaaa"
    summary.other_reports = [
        Entry("2024-2025/premies_2024-2025.xlsx", earlier, date(2026, 11, 1), None, "x"),
        Entry("2024-2025/federatie_2024-2025.xlsx", earlier, date(2026, 11, 1), None, "y"),
        Entry("2022-2023/premies_2022-2023.xlsx", None, None, None, None),
    ]
    lines = format_summary(summary, settings).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("reports: "))
    assert lines[start : start + 4] == [
        f"reports: 3 workbooks written under {tmp_path} (listed in inhoud.json): "
        "2025-2026/ 2, conformiteit/ 1",
        "  the folder mixes runs: 3 workbooks there were written by other runs:",
        f"    2024-2025/ 2 by run {earlier} (as_of 2026-11-01)",
        "    2022-2023/ 1 by an unknown run (before inhoud.json)",
    ]
