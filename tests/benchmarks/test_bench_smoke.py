"""The benchmark code runs end to end on a tiny dataset, and judges the goals correctly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import run
from benchmarks.datasets import DatasetSpec, ensure_dataset
from transforms.models import discover


def test_tiny_benchmark_writes_results(tmp_path: Path) -> None:
    """Ingest and rules in their own processes, pandas beside them, results on disk."""
    code = run.main(
        [
            "--sizes",
            "a60",
            "--stages",
            "ingest,rules",
            "--no-whole",
            "--no-cli",
            "--no-startup",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    report = json.loads((tmp_path / "results.json").read_text())
    (dataset,) = report["datasets"]
    ingest, rules = dataset["stages"]["ingest"], dataset["stages"]["rules"]
    assert list(dataset["stages"]) == ["ingest", "rules"]
    # every data row the dataset holds was read, and each was accepted or quarantined
    assert ingest["rows_read"] == dataset["dataset"]["data_rows"] == dataset["rows"]
    assert ingest["rows_accepted"] + ingest["rows_quarantined"] == ingest["rows_read"]
    assert ingest["files"] == dataset["dataset"]["files"]
    assert rules["models"] == len(discover()) and rules["run_id"].startswith("R")
    assert 0 < ingest["peak_mb"] < 2048 and ingest["read_s"] + ingest["load_s"] == pytest.approx(
        ingest["seconds"]
    )
    assert set(dataset["pandas"]["files"]) == {
        p.name for p in (tmp_path / "datasets").rglob("*") if p.suffix in {".xlsx", ".csv"}
    }
    text = (tmp_path / "results.md").read_text()
    stage_names = [line.split(" | ")[1] for line in text.splitlines() if line.startswith("| a60 |")]
    assert stage_names == [
        "60",  # the datasets table: agreements
        "ingest",
        "  read (calamine + parsing)",
        "  load (hash + DuckDB)",
        "rules",
        "pandas.read_excel openpyxl",
        "pandas.read_excel calamine (the read floor)",
    ]
    assert set(dataset["calamine"]["files"]) == set(dataset["pandas"]["files"])


def test_dataset_is_cached_by_parameters(tmp_path: Path) -> None:
    """A second request for the same parameters reuses the files; generate_s says so."""
    spec = DatasetSpec("tiny", 30)
    first = ensure_dataset(spec, tmp_path)
    again = ensure_dataset(spec, tmp_path)
    assert first.generate_s is not None and again.generate_s is None
    assert again.files == first.files and again.data_rows == first.data_rows
    assert first.raw == tmp_path / "datasets" / "a30_dnatural_s1_2025-11-28" / "raw"


def _result(name: str, rows: int, whole_s: float, peak: float, pandas_s: float):
    return run.DatasetResult(
        dataset={"name": name},
        rows=rows,
        stages={"ingest": {"seconds": 1.0, "peak_mb": peak, "rows_read": rows}},
        whole={"seconds": whole_s, "peak_mb": peak, "stages": {}},
        pandas={"seconds": pandas_s, "peak_mb": 100.0},
    )


def test_goals_are_judged_from_the_figures() -> None:
    """Each goal shows its figure and is met or missed exactly at its threshold."""
    results = [
        _result("quarter", 1000, 10.0, 300.0, 30.0),
        _result("large", 4000, 44.5, 2100.0, 89.0),
        _result("limit", 1_048_575, 60.0, 1500.0, 500.0),
    ]
    assert run.goals(results, {"median_s": 0.42, "runs": 7}) == [
        ["large: whole run <= 1/2 of pandas+openpyxl reading", "44.50 s vs 89.00 s (2.00x)", "met"],
        ["large: peak memory < 2 GB", "2,100 MB", "MISSED"],
        ["limit: peak memory < 2 GB", "1,500 MB", "met"],
        ["4x data in <= 4.4x time (quarter -> large, whole)", "4.00x rows, 4.45x time", "MISSED"],
        [
            "limit: 1,048,575-row Dimona sheet ingested",
            "1,048,575 rows in 1.00 s, peak 1,500 MB",
            "met",
        ],
        ["`duaal --help` < 1 s (median)", "0.420 s over 7 runs", "met"],
    ]


def test_sizes_by_name_or_agreements() -> None:
    """Known names map to their datasets; aN is N agreements; anything else is refused."""
    assert run.parse_size("limit").dimona_rows == 1_048_575
    assert run.parse_size("a250") == DatasetSpec("a250", 250)
    with pytest.raises(Exception, match="unknown size 'huge'"):
        run.parse_size("huge")


def test_duaal_run_goals_are_judged_against_the_reads_of_the_same_sitting() -> None:
    """Issue 13: `duaal run` at most 3x the calamine floor and 0.3x openpyxl, its process
    tree at most 1.5 GB, and 4x the data in at most 4.4x the time."""
    quarter = _result("quarter", 1000, 10.0, 300.0, 30.0)
    quarter.cli = {"seconds": 12.0, "peak_mb": 0.0, "tree_peak_mb": 700.0, "stages": {}}
    large = _result("large", 4000, 44.5, 900.0, 89.0)
    large.cli = {"seconds": 26.7, "peak_mb": 0.0, "tree_peak_mb": 1600.0, "stages": {}}
    large.calamine = {"seconds": 8.9, "peak_mb": 150.0}
    assert run.goals([quarter, large], None)[-4:] == [
        ["large: `duaal run` <= 3x the calamine read floor", "26.70 s vs 8.90 s (3.00x)", "met"],
        ["large: `duaal run` <= 0.3x the openpyxl read", "26.70 s vs 89.00 s (0.30x)", "met"],
        ["large: `duaal run` peak memory (process tree) <= 1.5 GB", "1,600 MB", "MISSED"],
        [
            "4x data in <= 4.4x time (quarter -> large, `duaal run`)",
            "4.00x rows, 2.23x time",
            "met",
        ],
    ]
    assert run.cli_ratios(large) == "3.00x floor, 0.30x openpyxl"
    x4 = _result("x4", 16000, 200.0, 3000.0, 356.0)
    for seconds, ratio, verdict in ((117.0, "4.38x", "met"), (118.0, "4.42x", "MISSED")):
        x4.cli = {"seconds": seconds, "peak_mb": 0.0, "tree_peak_mb": 3000.0, "stages": {}}
        assert run.goals([large, x4], None)[-1] == [
            "4x data in <= 4.4x time (large -> x4, `duaal run`)",
            f"4.00x rows, {ratio} time",
            verdict,
        ], "the four-times pair of issue 13: large and x4"


def test_stage_times_are_read_from_the_run_summary() -> None:
    stdout = (
        "decisions: 5\nwhere the time went (seconds):\n  open      0.03\n  ingest    5.61\n"
        "  prefect   8.20\n  total    13.84\nreports: 15 workbooks under r\n"
    )
    assert run.stage_times_of(stdout) == {
        "open": 0.03,
        "ingest": 5.61,
        "prefect": 8.2,
        "total": 13.84,
    }


def test_writer_floor_rewrites_every_cell_of_a_workbook(tmp_path: Path) -> None:
    """What the writer's floor writes is every value of the workbook it read, sheet by sheet."""
    import xlsxwriter

    from benchmarks import writer_floor

    source = tmp_path / "reports" / "a.xlsx"
    source.parent.mkdir()
    with xlsxwriter.Workbook(str(source)) as book:
        ws = book.add_worksheet("Blad")
        ws.write_row(0, 0, ["Naam", "Bedrag"])
        ws.write_row(1, 0, ["Jan", 1000])
        book.add_worksheet("Leeg")
    sheets = writer_floor.read_cells(source)
    assert sheets == [("Blad", [["Naam", "Bedrag"], ["Jan", 1000.0]]), ("Leeg", [])]
    copy = tmp_path / "copy.xlsx"
    assert writer_floor.write_cells(copy, sheets) == 4
    assert writer_floor.read_cells(copy) == sheets
    assert writer_floor.main([str(source.parent), "--runs", "1", "--workers", "1"]) == 0


def test_the_daily_floor_writes_only_what_the_latest_run_wrote(tmp_path: Path) -> None:
    """A workbook the latest run kept is not part of what that run had to write."""
    import json

    from benchmarks import writer_floor

    reports = tmp_path / "reports"
    (reports / "2023-2024").mkdir(parents=True)
    entries = [
        ("2023-2024/premies_2023-2024.xlsx", "R1", "R2"),  # written by R1, kept by R2
        ("premies_2025-2026.xlsx", "R2", None),
        ("conformiteit_2025-11-29.xlsx", "R2", None),
        ("conformiteit_2025-11-28.xlsx", "R1", None),  # an earlier run's, still in the folder
    ]
    manifest = {
        "laatste_run": "R2",
        "werkmappen": [{"werkmap": w, "run": r, "behouden_door": k} for w, r, k in entries],
    }
    (reports / "inhoud.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert writer_floor.written_by_latest_run(reports) == [
        reports / "conformiteit_2025-11-29.xlsx",
        reports / "premies_2025-2026.xlsx",
    ]


def test_the_daily_bound_says_when_writing_alone_misses_the_goal() -> None:
    from benchmarks import goals

    report = {
        "cold": {"seconds": 40.0, "tree_peak_mb": 1200.0},
        "daily": {"seconds": 30.0},
        "daily_writer_floor": {"seconds": 12.5, "workbooks": 14, "cells": 3_300_000},
    }
    assert goals.goals(report)[:2] == [
        ["1. daily run <= 0.25 x the cold run (large)", "30.00 s vs 40.00 s (0.75x)", "MISSED"],
        [
            "1. (bound) bare XlsxWriter for the workbooks the daily run wrote",
            "12.50 s (0.31x the cold run): 14 workbooks, 3,300,000 cells",
            "writing them alone misses goal 1",
        ],
    ]


def test_the_comparison_masks_what_differs_from_run_to_run_by_nature() -> None:
    from datetime import date, datetime

    from benchmarks.compare import masked

    source = "Bron: berekening duaal, gepubliceerd 08/12/2026. Aantallen in lerenden."
    assert masked(source) == "Bron: berekening duaal, gepubliceerd <day>. Aantallen in lerenden."
    assert masked("Run R20261207T185455-3dc2ec van 07/12/2026 18:54") == "Run <run> van <time>"
    assert masked(datetime(2026, 12, 7, 18, 54, 56)) == "<time>"
    assert masked(date(2026, 12, 7)) == date(2026, 12, 7)  # a day of the data stays
    assert masked("deadline 07/12/2026") == "deadline 07/12/2026"
