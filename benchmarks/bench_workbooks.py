"""Time the premies workbook (and every workbook of a year) on a large run.

    .venv/bin/python -m benchmarks.bench_workbooks [--rows 50000] [--runs 3]

On a shared machine the wall-clock time depends on the load; the CPU time does less.
The decisions are generated in an in-memory DuckDB (deterministic, spread over the six
offices, a third refused); the timing covers reading them and writing the .xlsx files.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import duckdb

from duaal.outputs.workbooks import write_reports
from duaal.outputs.workbooks.data import (
    PLACE_MARTS,
    load_brussels_mentors,
    load_decisions,
    load_input_files,
    load_run,
)
from duaal.outputs.workbooks.labels import ordered_offices
from duaal.outputs.workbooks.premies import PremiesInputs, write_premies
from transforms.models import build_models
from transforms.rule_config import load_into, load_rule_config
from transforms.schema import ensure_schema

ROOT = Path(__file__).resolve().parents[1]

RUN = "bench"
YEAR = "2024-2025"
AS_OF = date(2025, 9, 1)

DECISIONS_SQL = """
INSERT INTO run_decisions
SELECT
    'bench', '2024-2025',
    lpad(CAST(100000000 + i // 7 AS VARCHAR), 10, '0'),
    lpad(CAST(6051200000 + i AS VARCHAR), 11, '0'),
    ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'West-Vlaanderen', 'Vlaams-Brabant', 'Luik'][i % 6 + 1],
    ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'West-Vlaanderen',
     'Vlaams-Brabant & Brussel', 'Wallonië'][i % 6 + 1],
    CASE WHEN i % 5 = 0 THEN 'provisional' ELSE 'final' END,
    i % 3 <> 0,
    CASE WHEN i % 3 = 0 THEN 0 WHEN i % 4 = 0 THEN 600 ELSE 1000 END,
    i % 4 <> 0,
    CASE WHEN i % 4 = 0 THEN 600 ELSE 1000 END,
    (i % 120) / 10.0,
    i % 4,
    CASE WHEN i % 3 = 0 THEN 'REGISTRATION_LATE;NO_DIMONA' ELSE '' END,
    'Subsidiabel: ' || (i % 120) / 10.0 || ' maanden opleiding, ' || i % 4 || ' premies eerder.',
    'Onderneming ' || i // 7 || ' NV',
    lpad(CAST(2000000000 + i // 7 AS VARCHAR), 10, '0'),
    2000 + i % 7000,
    'Gemeente ' || i % 300,
    'Lerende ' || i,
    'Opleiding ' || i % 40,
    'OAO',
    'OVK-' || i
FROM range(?) t(i)
"""


def make_db(rows: int) -> duckdb.DuckDBPyConnection:
    """An in-memory database with one run of `rows` decisions."""
    con = duckdb.connect()
    ensure_schema(con)
    config = load_rule_config(ROOT / "transforms" / "rules.toml")
    load_into(con, config, AS_OF)
    con.execute("CREATE TABLE stg_werkplekduaal__agreements AS SELECT * FROM ingest_overeenkomsten")
    con.execute("CREATE TABLE stg_werkplekduaal__recognitions AS SELECT * FROM ingest_erkenningen")
    build_models(con, config, AS_OF, targets=("fct_actiris_mentor_premiums", *PLACE_MARTS))
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, as_of, rule_config, "
        "rule_config_hash) VALUES (?, ?, ?, 'completed', ?, ?, ?)",
        [RUN, datetime(2025, 9, 1, 6), datetime(2025, 9, 1, 7), AS_OF, config.text, config.sha256],
    )
    con.execute(DECISIONS_SQL, [rows])
    return con


def time_premies(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds to read the decisions and write premies_<Y>.xlsx."""
    start, cpu = time.perf_counter(), time.process_time()
    run = load_run(con, RUN)
    decisions = load_decisions(con, RUN, YEAR)
    offices = ordered_offices({d["office"] for d in decisions})
    brussels = load_brussels_mentors(con, YEAR)
    files = load_input_files(con, RUN)
    inputs = PremiesInputs(YEAR, offices, decisions, brussels, files)
    write_premies(out / f"premies_{YEAR}.xlsx", run, inputs)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    """Print the median time of the premies workbook and of all workbooks of one year."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    con = make_db(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timings = [time_premies(con, out) for _ in range(args.runs)]
        size = (out / f"premies_{YEAR}.xlsx").stat().st_size
        start = time.perf_counter()
        written = write_reports(con, RUN, out / "all")
        everything = time.perf_counter() - start
    print(f"{args.rows:,} decisions")
    print(
        f"premies_{YEAR}.xlsx: median {statistics.median(t[0] for t in timings):.2f} s "
        f"(CPU {statistics.median(t[1] for t in timings):.2f} s) over {args.runs} runs "
        f"({size / 1e6:.1f} MB)"
    )
    print(f"all {len(written)} workbooks of the run (write_reports): {everything:.2f} s")


if __name__ == "__main__":
    main()
