"""The report stage alone on a run's database: where its time goes, phase by phase.

    .venv/bin/python -m benchmarks.bench_reports DB OUT [--run RUN_ID] [--runs 3] [--workers 2]
    .venv/bin/python -m benchmarks.bench_reports DB OUT --profile [--top 40]

DB is the database of a `duaal run` (for instance benchmarks/out/work/goals/large/duaal.duckdb
after `benchmarks/goals.py`), opened read-only; RUN_ID its newest completed run by default
(its marts must be those of that run: the Actielijst is read from them). Each run writes
every workbook of the run into a fresh folder under OUT, as `duaal run` does (the changes
since the previous completed run compared first, content keys computed), and prints:
changes (the comparison, the changes stage of a run), plan (loading the rows, the
Wijzigingen blocks, the content keys, the federation's protection), write (the workbooks, in
`workers` forked processes) and, per workbook, the seconds its worker took. --profile runs
one pass with cProfile, in the parent (the plan) and in each job (merged), workers=1.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import os
import pstats
import resource
import shutil
import statistics
import time
from pathlib import Path

import duckdb

from duaal.history.changes import since_previous
from duaal.outputs.workbooks.manifest import in_place
from duaal.outputs.workbooks.writer import plan_reports, report_workers, write_groups


def latest_run(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT run_id FROM runs WHERE status = 'completed' ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise SystemExit("no completed run in this database")
    return str(row[0])


def _timed(job, times: list[tuple[str, float, float]]):  # type: ignore[no-untyped-def]
    """A job that notes its wall and CPU seconds (returned with its path)."""

    def run() -> tuple[Path, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        path = job()
        return path, time.perf_counter() - wall, time.process_time() - cpu

    return run


def _plan(con: duckdb.DuckDBPyConnection, run_id: str, out: Path, compared: object, workers: int):  # type: ignore[no-untyped-def]
    """The plan, as `duaal run` makes it (a checkout whose planner took `workers` gets them)."""
    if "workers" in inspect.signature(plan_reports).parameters:  # before d2e8b48
        return plan_reports(con, run_id, out, (), workers, compared, in_place(out))  # type: ignore[call-arg]
    return plan_reports(con, run_id, out, (), compared, in_place(out))  # type: ignore[arg-type]


def one_pass(con: duckdb.DuckDBPyConnection, run_id: str, out: Path, workers: int) -> dict:
    """Write every workbook of the run into `out` (emptied first); seconds per phase."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cpu0 = _cpu()
    t0 = time.perf_counter()
    compared = since_previous(con, run_id)
    t1 = time.perf_counter()
    plan = _plan(con, run_id, out, compared, workers)
    t2 = time.perf_counter()
    groups = [[_timed(job, []) for job in group] for group in plan.groups]
    done = write_groups(groups, workers)
    t3 = time.perf_counter()
    per_book = sorted(
        ((p.relative_to(out).as_posix(), w, c) for p, w, c in done), key=lambda x: -x[1]
    )
    return {
        "changes": t1 - t0,
        "plan": t2 - t1,
        "write": t3 - t2,
        "total": t3 - t0,
        "books": per_book,
        "cpu_books": sum(c for _, _, c in per_book),
        "cpu": _cpu() - cpu0,
    }


def _cpu() -> float:
    """CPU seconds (user and system) of this process and its ended children."""
    own, ended = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def profiled(con: duckdb.DuckDBPyConnection, run_id: str, out: Path, top: int) -> None:
    """One pass, workers=1: the plan's profile, then every job's merged."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    compared = since_previous(con, run_id)
    prof = cProfile.Profile()
    prof.enable()
    plan = _plan(con, run_id, out, compared, 1)
    prof.disable()
    _print("plan (parent)", prof, top)
    jobs = cProfile.Profile()
    for group in plan.groups:
        for job in group:
            jobs.enable()
            job()
            jobs.disable()
    _print("jobs (workers)", jobs, top)


def _print(title: str, prof: cProfile.Profile, top: int) -> None:
    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(top)
        print(f"===== {title}, by {order}")
        print(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=report_workers())
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--books", type=int, default=8, help="slowest workbooks to list")
    args = parser.parse_args(argv)
    con = duckdb.connect(str(args.db), read_only=True)
    run_id = args.run or latest_run(con)
    print(f"run {run_id}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        profiled(con, run_id, args.out, args.top)
        return 0
    passes = []
    for i in range(args.runs):
        p = one_pass(con, run_id, args.out, args.workers)
        passes.append(p)
        print(
            f"pass {i + 1}: total {p['total']:.2f} s = changes {p['changes']:.2f} + plan "
            f"{p['plan']:.2f} + write {p['write']:.2f} ({args.workers} workers; CPU {p['cpu']:.2f} s, "
            f"of which in jobs {p['cpu_books']:.2f} s)"
        )
        for name, wall, cpu in p["books"][: args.books]:
            print(f"    {wall:6.2f} s wall {cpu:6.2f} s CPU  {name}")
    for key in ("changes", "plan", "write", "total", "cpu", "cpu_books"):
        print(f"median {key}: {statistics.median(p[key] for p in passes):.2f}")
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
