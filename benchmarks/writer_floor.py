"""The floor of the workbook writer: the report stage's own cells, written by bare XlsxWriter.

    .venv/bin/python -m benchmarks.writer_floor REPORTS_DIR [--runs 3] [--workers 2]
        [--latest-run-only]

REPORTS_DIR is a folder of workbooks the report stage wrote (for instance a benchmark run's
`reports/`). Every cell of every sheet is read back with python-calamine, then written again,
timed, with nothing but XlsxWriter's public API in constant_memory mode: `write_string` for
text, `write_number` for numbers, no format, no width, no print setup, no chart. The
workbooks are spread over `workers` forked processes, the one with most rows first (the
report stage also writes on two processes at a time, its largest workbooks first). What
that takes is the least any report stage built on XlsxWriter can take for these cells;
the report stage's own time, measured beside it, shows what duaal adds.

With --latest-run-only, only the workbooks the folder's manifest (`inhoud.json`) lists as
written by its latest run, not those it kept: after a daily run, what that run could not
avoid writing, whatever it did besides.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from datetime import time as clock
from multiprocessing import get_context
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

from duaal.outputs.workbooks.style import EXCEL_EPOCH

Sheet = tuple[str, list[list[object]]]

EPOCH = datetime.combine(EXCEL_EPOCH, clock())


def read_cells(path: Path) -> list[Sheet]:
    """Every sheet of a workbook, as its rows of values."""
    book = CalamineWorkbook.from_path(str(path))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def _serial(value: date | datetime) -> float:
    """A date as the number Excel stores."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, clock())
    return (moment - EPOCH).total_seconds() / 86400


def write_cells(path: Path, sheets: list[Sheet]) -> int:
    """Write the sheets to path with bare XlsxWriter; the number of cells written."""
    cells = 0
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        for name, rows in sheets:
            ws = book.add_worksheet(name)
            write_string, write_number = ws.write_string, ws.write_number
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    if value == "" or value is None:
                        continue
                    if isinstance(value, str):
                        write_string(r, c, value)
                    elif isinstance(value, bool):
                        ws.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        write_number(r, c, value)
                    elif isinstance(value, date):
                        write_number(r, c, _serial(value))
                    else:
                        write_string(r, c, str(value))
                    cells += 1
    return cells


# the workbooks' cells, read before the timing starts; forked workers read them by index
_LOADED: list[list[Sheet]] = []


def _write_at(index: int, folder: str) -> tuple[int, float]:
    """In a worker: write the loaded workbook at index; its cells and this process's CPU s."""
    started = time.process_time()
    cells = write_cells(Path(folder) / f"{index}.xlsx", _LOADED[index])
    return cells, time.process_time() - started


def measure(workers: int) -> tuple[float, float, int]:
    """One write of every loaded workbook: wall seconds, CPU seconds, cells."""
    order = sorted(range(len(_LOADED)), key=lambda i: -sum(len(r) for _, r in _LOADED[i]))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        if workers > 1:
            context = get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                done = list(pool.map(_write_at, order, [folder] * len(order)))
        else:
            done = [_write_at(i, folder) for i in order]
        wall = time.perf_counter() - started
    return wall, sum(cpu for _, cpu in done), sum(cells for cells, _ in done)


def written_by_latest_run(reports: Path) -> list[Path]:
    """The workbooks the manifest of a reports folder lists as written by its latest run."""
    manifest = json.loads((reports / "inhoud.json").read_text(encoding="utf-8"))
    latest = manifest["laatste_run"]
    return sorted(
        reports / entry["werkmap"]
        for entry in manifest["werkmappen"]
        if entry["run"] == latest and entry["behouden_door"] is None
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, help="a folder of workbooks the report stage wrote")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--latest-run-only",
        action="store_true",
        help="only the workbooks inhoud.json lists as written (not kept) by the latest run",
    )
    args = parser.parse_args(argv)
    if args.latest_run_only:
        paths = written_by_latest_run(args.reports)
    else:
        paths = sorted(args.reports.rglob("*.xlsx"))
    if not paths:
        which = "written by its latest run" if args.latest_run_only else "in this folder"
        print(f"{args.reports}: no .xlsx workbooks {which}", file=sys.stderr)
        return 2
    _LOADED[:] = [read_cells(p) for p in paths]
    runs = [measure(args.workers) for _ in range(args.runs)]
    walls, cpus = [w for w, _, _ in runs], [c for _, c, _ in runs]
    cells = runs[0][2]
    print(f"{len(paths)} workbooks, {cells:,} cells, {args.workers} worker(s), {args.runs} runs")
    print(f"bare XlsxWriter wall s: {', '.join(f'{w:.2f}' for w in walls)}")
    print(f"bare XlsxWriter CPU s:  {', '.join(f'{c:.2f}' for c in cpus)}")
    median_cpu = statistics.median(cpus)
    print(
        f"median wall {statistics.median(walls):.2f} s, CPU {median_cpu:.2f} s, "
        f"{median_cpu / cells * 1e6:.2f} µs CPU a cell"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
