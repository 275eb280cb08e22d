"""Issue 23's three goals in one sitting, each beside the floor it is judged against.

    .venv/bin/python -m benchmarks.goals              # ~10 minutes on 2 cores
    .venv/bin/python -m benchmarks.goals --server     # `duaal run` against a Prefect server
    .venv/bin/python -m benchmarks.goals --no-compare # without the cold run of the daily folder
    .venv/bin/python -m benchmarks.goals --daily-started-from 2025-09-01
                                                      # corrections of the running year's starts

Every run is `duaal run` as an analyst starts it, a fresh process (Prefect included: its
temporary server, or with --server a `prefect server start` kept running for the sitting
and PREFECT_API_URL set), on one Prefect home warmed by a trivial flow first. Measured, in
this order:

1. the read floor: pandas.read_excel(engine="calamine") of the large set's files (worker.py);
2. the cold run of the large set (100,000 agreements) on an empty database;
3. the writer floor: bare XlsxWriter writing the cold run's workbooks' cells (writer_floor.py);
4. the daily run: the day after, on the cold run's database and reports, with one new CSV of
   300 corrected agreements of the running year's export (daily.py; that export also
   holds agreements that started in earlier years and still run, and a correction of one
   changes what those years' workbooks show; --daily-started-from: only agreements that
   started on or after that day), `--as-of` one day later; and
   bare XlsxWriter writing the cells of the workbooks it wrote (not those it kept): the
   least that writing them can take, whatever the run does besides;
5. (unless --no-compare) a cold run of that same folder and day on an empty database: its
   decisions, findings, payments and quarantine (the digests a run records) and every
   workbook cell must equal the daily run's (run ids and clock times aside, and the
   "Wijzigingen" sheets and the line naming the run compared with: a cold run has no
   previous run to compare with);
6. the sample (3,000 agreements, seed 7) three runs in a row on one database;
7. the cold run of the quarter set (25,000 agreements): with the large set, 4x the data.

Per run: wall seconds, the peak memory (PSS) of its process tree, the stage seconds the run
prints, and from the moments its lines reach the terminal: start-up (process start to its
first progress line: imports, Prefect's server and flow run) and exit (its last line to the
end of the process). Results: stdout, benchmarks/out/goals.md and goals.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.compare import compare_reports, latest_digests
from benchmarks.daily import write_daily_csv
from benchmarks.datasets import AS_OF, DATASETS, OUT_DIR, Dataset, DatasetSpec, ensure_dataset
from benchmarks.measure import (
    BenchError,
    TreePeak,
    duaal_command,
    machine,
    parse_size,
    popen_text,
    prefect_env,
    stage_times_of,
    warm_prefect,
    worker,
)
from benchmarks.results import markdown_table
from benchmarks.server import start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = DatasetSpec("sample7", 3_000, seed=7)  # `duaal generate --seed 7`, mtech+'s size
DAILY_GOAL = 0.25  # daily run / cold run, at most
SAMPLE_GOAL_S = 4.0  # the sample's third run in a row, wall seconds, at most
FLOOR_GOAL = 1.4  # cold run / (read floor + writer floor), at most
PEAK_GOAL_MB = 1536  # peak memory of the cold run's process tree, at most
SCALING_GOAL = 4.4  # time for four times the data, at most
EXIT_WARNINGS = 4  # `duaal run` completed with input warnings (the sample has some)


def timed_run(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a command; wall seconds, the peak PSS of its process tree, its stdout, and when
    its first progress line ('duaal: ...') and its last line reached us."""
    started = time.perf_counter()
    proc = popen_text(command, env)
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    reader.start()
    lines: list[str] = []
    first = last = None
    assert proc.stdout is not None
    with TreePeak(proc.pid) as peak:
        for line in proc.stdout:
            now = time.perf_counter() - started
            if first is None and line.startswith("duaal: "):
                first = now
            last = now
            lines.append(line)
        code = proc.wait()
        seconds = time.perf_counter() - started
    reader.join()
    return {
        "seconds": seconds,
        "exit_code": code,
        "tree_peak_mb": peak.mb,
        "startup_s": first,
        "exit_s": None if last is None else seconds - last,
        "stdout": "".join(lines),
        "stderr": "".join(errors),
    }


def run_duaal(raw: Path, work: Path, as_of: date, env: dict[str, str]) -> dict[str, Any]:
    """`duaal run` on raw with the database and reports in work; its figures and stages."""
    command = [
        *duaal_command(),
        "run",
        "--raw",
        str(raw),
        "--db",
        str(work / "duaal.duckdb"),
        "--reports",
        str(work / "reports"),
        "--as-of",
        as_of.isoformat(),
    ]
    result = timed_run(command, env)
    if result["exit_code"] not in (0, EXIT_WARNINGS):
        raise BenchError(f"duaal run failed ({result['exit_code']}):\n{result['stderr'][-4000:]}")
    result["stages"] = stage_times_of(result.pop("stdout"))
    result.pop("stderr")
    return result


def fresh_copy(data: Dataset, work: Path) -> Path:
    """A copy of the dataset's raw folder under work (modification times kept: they order
    versions), so a run may add files to it."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw = work / "raw"
    shutil.copytree(data.raw, raw, copy_function=shutil.copy2)
    return raw


def writer_floor(reports: Path, *, latest_run_only: bool = False) -> dict[str, Any]:
    """benchmarks/writer_floor.py on a run's workbooks, once: wall and CPU seconds, cells
    (latest_run_only: the workbooks the folder's latest run wrote, not those it kept)."""
    only = ["--latest-run-only"] if latest_run_only else []
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.writer_floor", str(reports), "--runs", "1", *only],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise BenchError(f"writer_floor failed:\n{proc.stderr[-4000:]}")
    found = re.search(r"median wall ([\d.]+) s, CPU ([\d.]+) s", proc.stdout)
    counts = re.search(r"(\d+) workbooks, ([\d,]+) cells", proc.stdout)
    if not found or not counts:
        raise BenchError(f"writer_floor said nothing measurable:\n{proc.stdout}")
    return {
        "seconds": float(found.group(1)),
        "cpu_s": float(found.group(2)),
        "workbooks": int(counts.group(1)),
        "cells": int(counts.group(2).replace(",", "")),
    }


# --- the goals -------------------------------------------------------------------------------


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


def goals(report: dict[str, Any]) -> list[list[str]]:
    """Each goal of issue 23 with its figures and whether it is met."""
    out = []
    cold, daily = report.get("cold"), report.get("daily")
    if cold and daily:
        ratio = daily["seconds"] / cold["seconds"]
        out.append(
            [
                f"1. daily run <= {DAILY_GOAL:g} x the cold run (large)",
                f"{daily['seconds']:.2f} s vs {cold['seconds']:.2f} s ({ratio:.2f}x)",
                _ok(ratio <= DAILY_GOAL),
            ]
        )
        bound = report.get("daily_writer_floor")
        if bound:
            out.append(
                [
                    "1. (bound) bare XlsxWriter for the workbooks the daily run wrote",
                    f"{bound['seconds']:.2f} s ({bound['seconds'] / cold['seconds']:.2f}x the "
                    f"cold run): {bound['workbooks']} workbooks, {bound['cells']:,} cells",
                    "writing them alone misses goal 1"
                    if bound["seconds"] > DAILY_GOAL * cold["seconds"]
                    else "",
                ]
            )
    same = report.get("same")
    if same:
        equal = same["digests_equal"] and not same["differing"] and not same["only_daily"]
        equal = equal and not same["only_cold"]
        detail = "digests " + ("equal" if same["digests_equal"] else "DIFFER")
        detail += f", {same['workbooks']} workbooks: "
        detail += f"{len(same['differing'])} sheets differ" if same["differing"] else "cells equal"
        if same["differing_by_nature"]:
            detail += f" ({len(same['differing_by_nature'])} changes/loads sheets aside)"
        out.append(["1. daily run's outputs = a cold run's of the same folder", detail, _ok(equal)])
    sample = report.get("sample")
    if sample and len(sample) >= 3:
        third = sample[2]["seconds"]
        out.append(
            [
                f"2. sample, third run in a row <= {SAMPLE_GOAL_S:g} s",
                f"{third:.2f} s",
                _ok(third <= SAMPLE_GOAL_S),
            ]
        )
    floors = report.get("read_floor"), report.get("writer_floor")
    if cold and all(floors):
        floor = floors[0]["seconds"] + floors[1]["seconds"]
        ratio = cold["seconds"] / floor
        out.append(
            [
                f"3. cold run <= {FLOOR_GOAL:g} x (read floor + writer floor)",
                f"{cold['seconds']:.2f} s vs {floors[0]['seconds']:.2f} + "
                f"{floors[1]['seconds']:.2f} s ({ratio:.2f}x)",
                _ok(ratio <= FLOOR_GOAL),
            ]
        )
    if cold:
        out.append(
            [
                "3. cold run peak memory (process tree) <= 1.5 GB",
                f"{cold['tree_peak_mb']:,.0f} MB",
                _ok(cold["tree_peak_mb"] <= PEAK_GOAL_MB),
            ]
        )
    quarter = report.get("quarter")
    if cold and quarter:
        rows = report["rows"]["large"] / report["rows"]["quarter"]
        ratio = cold["seconds"] / quarter["seconds"]
        out.append(
            [
                f"3. 4x the data in <= {SCALING_GOAL:g}x the time (quarter -> large, cold)",
                f"{rows:.2f}x rows, {ratio:.2f}x time",
                _ok(ratio <= SCALING_GOAL),
            ]
        )
    return out


def run_rows(report: dict[str, Any]) -> list[list[str]]:
    """One row per measured run: wall, start-up, each stage, exit, peak."""
    runs = [("large cold", report.get("cold")), ("large daily", report.get("daily"))]
    runs.append(("large cold, daily folder", report.get("same_run")))
    runs += [(f"sample run {i + 1}", r) for i, r in enumerate(report.get("sample") or [])]
    runs.append(("quarter cold", report.get("quarter")))
    names = [n for _, r in runs if r for n in r["stages"] if n != "total"]
    stages = list(dict.fromkeys(names))
    rows = []
    for name, r in runs:
        if not r:
            continue
        cells = [name, f"{r['seconds']:.2f}", _opt(r["startup_s"])]
        cells += [_opt(r["stages"].get(s)) for s in stages]
        cells += [_opt(r["exit_s"]), f"{r['tree_peak_mb']:,.0f}"]
        rows.append(cells)
    return [["run", "wall s", "start-up", *stages, "exit", "peak MB"], *rows]


def _opt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}"


def render(report: dict[str, Any]) -> str:
    """The sitting as Markdown."""
    m = report["machine"]
    header, *rows = run_rows(report)
    parts = [
        "# duaal: the goals of issue 23",
        "",
        f"Measured {m['date']} on {m['cpu']} ({m['cpus']} CPUs, {m['memory_gb']} GB), "
        f"Python {m['python']}, DuckDB {m['duckdb']}; load average before: "
        f"{report['load_before']}, after: {report['load_after']}.",
        f"Command: `{report['command']}`; Prefect: {report['prefect']}.",
        "",
        "## Runs (`duaal run`, seconds; start-up = to its first progress line, exit = after "
        "its last line; prefect = what the stages do not account for)",
        "",
        markdown_table(header, rows),
        "",
        "## Floors",
        "",
        markdown_table(
            ["floor", "seconds"],
            [
                ["read: pandas.read_excel(calamine), large", _opt(report["read_floor"]["seconds"])],
                [
                    f"writer: bare XlsxWriter, the cold run's "
                    f"{report['writer_floor']['cells']:,} cells",
                    _opt(report["writer_floor"]["seconds"]),
                ],
                *(
                    [
                        [
                            f"writer: bare XlsxWriter, the {daily['workbooks']} workbooks the "
                            f"daily run wrote, {daily['cells']:,} cells",
                            _opt(daily["seconds"]),
                        ]
                    ]
                    if (daily := report.get("daily_writer_floor"))
                    else []
                ),
            ],
        ),
        "",
        "## Goals",
        "",
        markdown_table(["goal", "measured", ""], report["goals"]),
    ]
    same = report.get("same")
    if same and (same["differing"] or same["only_daily"] or same["only_cold"]):
        parts += ["", "Sheets that differ between the daily and the cold run:", ""]
        parts += [f"- {d}" for d in same["differing"] + same["only_daily"] + same["only_cold"]]
    return "\n".join(parts) + "\n"


def _load() -> str:
    return (
        " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if os.path.exists("/proc/loadavg")
        else "?"
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", action="store_true", help="against a running Prefect server")
    parser.add_argument("--no-compare", action="store_true", help="skip the cold daily folder")
    parser.add_argument(
        "--sizes",
        type=lambda text: [SAMPLE if n == SAMPLE.name else parse_size(n) for n in text.split(",")],
        default=[DATASETS["large"], DATASETS["quarter"], SAMPLE],
        help="the large, quarter and sample sets (default large,quarter,sample7; aN: N agreements)",
    )
    parser.add_argument(
        "--daily-started-from",
        type=date.fromisoformat,
        default=None,
        help="the daily CSV corrects only agreements that started on or after this day",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    if len(args.sizes) != 3:
        parser.error("--sizes: three datasets, the large, the quarter and the sample")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    env = prefect_env(out)
    server = None
    report: dict[str, Any] = {
        "command": " ".join(
            ["python -m benchmarks.goals", *(argv if argv is not None else sys.argv[1:])]
        ),
        "load_before": _load(),
        "daily_started_from": args.daily_started_from,
    }
    try:
        if args.server:
            server, api = start_server(out, env)
            env["PREFECT_API_URL"] = api
            report["prefect"] = "a running server (`prefect server start`, PREFECT_API_URL)"
        else:
            report["prefect"] = "its temporary server, started by each run"
        large, quarter, sample = (ensure_dataset(spec, out) for spec in args.sizes)
        report["rows"] = {"large": large.data_rows, "quarter": quarter.data_rows}
        warm_prefect(out)
        work = out / "work" / "goals"
        day = AS_OF + timedelta(days=1)

        def step(what: str) -> None:
            print(f"[goals] {what}", file=sys.stderr)

        step("read floor (calamine)")
        report["read_floor"] = worker("calamine", *large.files)
        report["read_floor"].pop("files", None)
        step("large, cold")
        raw = fresh_copy(large, work / "large")
        report["cold"] = run_duaal(raw, work / "large", AS_OF, env)
        step("writer floor")
        report["writer_floor"] = writer_floor(work / "large" / "reports")
        step("large, the day after")
        write_daily_csv(raw, AS_OF, started_from=args.daily_started_from)
        report["daily"] = run_duaal(raw, work / "large", day, env)
        step("writer floor of the daily run's workbooks")
        report["daily_writer_floor"] = writer_floor(
            work / "large" / "reports", latest_run_only=True
        )
        if not args.no_compare:
            step("large, cold, on the daily folder")
            same = work / "large-same"
            shutil.rmtree(same, ignore_errors=True)
            same.mkdir(parents=True)
            report["same_run"] = run_duaal(raw, same, day, env)
            digests = latest_digests(work / "large" / "duaal.duckdb")
            report["same"] = compare_reports(work / "large" / "reports", same / "reports")
            report["same"]["digests"] = digests
            report["same"]["digests_equal"] = digests == latest_digests(same / "duaal.duckdb")
        step("sample, three runs in a row")
        raw = fresh_copy(sample, work / "sample")
        report["sample"] = [run_duaal(raw, work / "sample", AS_OF, env) for _ in range(3)]
        step("quarter, cold")
        raw = fresh_copy(quarter, work / "quarter")
        report["quarter"] = run_duaal(raw, work / "quarter", AS_OF, env)
    finally:
        if server is not None:
            stop_server(server)
    report["load_after"] = _load()
    report["machine"] = machine()
    report["goals"] = goals(report)
    text = render(report)
    print(text)
    (out / "goals.md").write_text(text, encoding="utf-8")
    (out / "goals.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
