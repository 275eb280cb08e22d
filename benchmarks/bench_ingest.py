"""Time duaal's ingest of a large Dimona export against pandas.read_excel (openpyxl).

    .venv/bin/python -m benchmarks.bench_ingest [--rows 200000] [--runs 3] [--pandas-runs 1]

The workbook is written once with openpyxl (write-only) and cached under benchmarks/out/,
keyed by its row count, so later runs time the reading only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook

from transforms.identifiers import make_insz, make_kbo
from transforms.loading import ingest
from transforms.schema import ensure_schema
from transforms.sources import DIMONA

ROOT = Path(__file__).resolve().parents[1]

OUT_DIR = ROOT / "benchmarks" / "out"
WORKER_TYPES = ("STU", "STU", "ALT", "OTH", "RTA", "FLX")


def _insz_text(insz: str) -> str:
    """An INSZ as the portal prints it: 85.07.30-033.28."""
    return f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"


def _kbo_text(kbo: str) -> str:
    """A KBO number as the portal prints it: 0403.170.701."""
    return f"{kbo[:4]}.{kbo[4:7]}.{kbo[7:]}"


def write_dimona_export(path: Path, rows: int, seed: int = 7) -> None:
    """Write a realistic Dimona export: title rows, headers, typed cells, mixed formats."""
    rnd = random.Random(seed)
    companies = [make_kbo(rnd.randrange(2_000_000, 20_000_000)) for _ in range(max(rows // 40, 10))]
    workers = [
        make_insz(
            f"{rnd.randrange(0, 9):02d}{rnd.randrange(1, 13):02d}{rnd.randrange(1, 29):02d}",
            rnd.randrange(1, 999),
            born_2000_or_later=True,
        )
        for _ in range(max(rows // 4, 10))
    ]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Dimona")
    ws.append(["Export Dimona-aangiften"])
    ws.append([f"Exportdatum: {date(2025, 9, 1):%d/%m/%Y}"])
    ws.append([])
    ws.append([c.header for c in DIMONA.columns] + ["Opmerking"])
    first = date(2022, 9, 1)
    for i in range(rows):
        kbo = rnd.choice(companies)
        insz = rnd.choice(workers)
        start = first + timedelta(days=rnd.randrange(0, 1000))
        end = start + timedelta(days=rnd.randrange(0, 300)) if rnd.random() < 0.8 else None
        declared = datetime.combine(start, datetime.min.time()) - timedelta(
            days=rnd.randrange(0, 5), minutes=rnd.randrange(0, 600)
        )
        ws.append(
            [
                f"{100_000_000_000 + i}",
                int(kbo) if rnd.random() < 0.2 else _kbo_text(kbo),  # a number loses its zero
                f"{rnd.randrange(100_000, 999_999)}-{rnd.randrange(10, 99)}"
                if rnd.random() < 0.7
                else None,
                _insz_text(insz) if rnd.random() < 0.5 else insz,
                rnd.choice(WORKER_TYPES),
                start,
                end,
                declared,
                rnd.choice((111, 124, 200, 302)),
                "Actief" if rnd.random() < 0.93 else "Geannuleerd",
                None,
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.replace(path)


def time_duaal(workbook: Path) -> tuple[float, int]:
    """Seconds to ingest the workbook into a fresh DuckDB (read + load), and rows accepted."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        (raw / DIMONA.folder).mkdir(parents=True)
        (raw / DIMONA.folder / workbook.name).symlink_to(workbook)
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        ensure_schema(con)
        started = time.perf_counter()
        outcomes = ingest(con, raw)
        elapsed = time.perf_counter() - started
        con.close()
    (outcome,) = outcomes
    if outcome.status != "loaded":
        raise SystemExit(f"ingest did not load the workbook: {outcome.reason}")
    return elapsed, outcome.rows_accepted


def time_pandas(workbook: Path) -> float:
    """Seconds pandas.read_excel(engine='openpyxl') takes to read the same workbook."""
    started = time.perf_counter()
    pd.read_excel(workbook, engine="openpyxl", header=3)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Write (or reuse) the workbook, time both readers, print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of duaal's ingest")
    parser.add_argument("--pandas-runs", type=int, default=1, help="runs of pandas.read_excel")
    args = parser.parse_args(argv)

    workbook = OUT_DIR / f"dimona_{args.rows}.xlsx"
    if not workbook.exists():
        started = time.perf_counter()
        write_dimona_export(workbook, args.rows)
        print(f"wrote {workbook} in {time.perf_counter() - started:.1f} s")

    duaal_times = []
    for _ in range(args.runs):
        elapsed, accepted = time_duaal(workbook)
        duaal_times.append(elapsed)
    pandas_times = [time_pandas(workbook) for _ in range(args.pandas_runs)]

    duaal_s = statistics.median(duaal_times)
    pandas_s = statistics.median(pandas_times)
    print(f"rows: {args.rows} ({accepted} accepted)")
    print(f"duaal ingest (read + load), median of {args.runs}: {duaal_s:.2f} s")
    print(f"pandas.read_excel openpyxl, median of {args.pandas_runs}: {pandas_s:.2f} s")
    print(f"ratio: {pandas_s / duaal_s:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
