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
    ]


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
