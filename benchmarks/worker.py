"""One measurement in this (fresh) process; prints one JSON object as its last stdout line.

    .venv/bin/python -m benchmarks.worker ingest   RAW WORKDIR
    .venv/bin/python -m benchmarks.worker rules    RAW WORKDIR
    .venv/bin/python -m benchmarks.worker validate RAW WORKDIR RUN_ID
    .venv/bin/python -m benchmarks.worker reports  RAW WORKDIR RUN_ID
    .venv/bin/python -m benchmarks.worker whole    RAW WORKDIR
    .venv/bin/python -m benchmarks.worker pandas   FILE [FILE ...]
    .venv/bin/python -m benchmarks.worker calamine FILE [FILE ...]

The stage modes share WORKDIR/duaal.duckdb, so ingest, rules, validate and reports run one
after the other, each in its own process: its peak memory (ru_maxrss) is that stage's alone.
`whole` runs `duaal.pipeline.execute` (no Prefect) with a stage wrapper that times every
stage and resets the kernel's RSS high-water mark before it, so it also gives per-stage peaks.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any

from benchmarks.datasets import AS_OF

_PROC_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (ru_maxrss is in kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hwm_mb() -> float | None:
    """The kernel's RSS high-water mark (VmHWM) in MB, resettable, or None off Linux."""
    try:
        match = re.search(r"VmHWM:\s+(\d+) kB", _PROC_STATUS.read_text())
    except OSError:
        return None
    return int(match.group(1)) / 1024 if match else None


def reset_hwm() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs); False if not possible."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def bench_settings(raw: Path, workdir: Path) -> Any:
    """Settings of a benchmark run: the dataset's raw folder, a database and reports in workdir."""
    from duaal.common.settings import defaults

    return replace(
        defaults(),
        raw=raw,
        db=workdir / "duaal.duckdb",
        reports=workdir / "reports",
        as_of=AS_OF,
        lock_timeout_s=5.0,
    )


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """fn's result and its wall time in seconds."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def run_ingest(raw: Path, workdir: Path) -> dict[str, Any]:
    """Ingest every export into a new database; read time (calamine + parsing) apart.

    The read time is what the loading process spends getting a file's rows: reading it
    itself, or waiting for the processes that read ahead."""
    import transforms.loading as loading
    from duaal.run import pipeline

    read_s = 0.0
    original = loading._ReadAhead.read

    @wraps(original)
    def timed_read(*args: Any, **kwargs: Any) -> Any:
        nonlocal read_s
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            read_s += time.perf_counter() - started

    settings = bench_settings(raw, workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    settings.db.unlink(missing_ok=True)
    loading._ReadAhead.read = timed_read  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        con = pipeline.open_database(settings, "benchmark")
        outcomes = pipeline.ingest_stage(con, settings).files
        con.close()
        seconds = time.perf_counter() - started
    finally:
        loading._ReadAhead.read = original  # type: ignore[method-assign]
    refused = [f"{o.file_name}: {o.reason}" for o in outcomes if o.status != "loaded"]
    if refused:
        raise SystemExit("ingest did not load every file: " + "; ".join(refused))
    return {
        "seconds": seconds,
        "read_s": read_s,
        "load_s": seconds - read_s,
        "files": len(outcomes),
        "rows_read": sum(o.rows_read for o in outcomes),
        "rows_accepted": sum(o.rows_accepted for o in outcomes),
        "rows_quarantined": sum(o.rows_quarantined for o in outcomes),
    }


def run_rules(raw: Path, workdir: Path) -> dict[str, Any]:
    """Record a run and build every model (staging, intermediate, marts)."""
    from duaal.run import pipeline
    from transforms.rule_config import load_rule_config

    settings = bench_settings(raw, workdir)
    config = load_rule_config(settings.rules)
    started = time.perf_counter()
    con = pipeline.open_database(settings, "benchmark")
    run_id = pipeline.start_run(con, config, settings.as_of)
    built = pipeline.rules_stage(con, config, settings.as_of)
    decisions = con.execute("SELECT count(*) FROM fct_premium_decisions").fetchone()[0]
    findings = con.execute("SELECT count(*) FROM fct_compliance_findings").fetchone()[0]
    con.close()
    return {
        "seconds": time.perf_counter() - started,
        "run_id": run_id,
        "models": len(built),
        "decisions": decisions,
        "findings": findings,
    }


def run_validate(raw: Path, workdir: Path, run_id: str) -> dict[str, Any]:
    """Run the expectation suites, then record the run's decisions and findings."""
    from duaal.run import pipeline

    settings = bench_settings(raw, workdir)
    started = time.perf_counter()
    con = pipeline.open_database(settings, "benchmark")
    outcome, validate_s = _timed(
        lambda: pipeline.validate_stage(con, run_id, settings.reports / "datakwaliteit")
    )
    _, record_s = _timed(lambda: pipeline.record_stage(con, run_id))
    con.close()
    return {
        "seconds": time.perf_counter() - started,
        "validate_s": validate_s,
        "record_s": record_s,
        "staging_warnings": len(outcome.failed_staging),
    }


def run_reports(raw: Path, workdir: Path, run_id: str) -> dict[str, Any]:
    """Write the Excel workbooks of the run, then mark it completed."""
    from duaal.run import pipeline

    settings = bench_settings(raw, workdir)
    started = time.perf_counter()
    con = pipeline.open_database(settings, "benchmark")
    written = pipeline.reports_stage(con, run_id, settings.reports, settings.school_years)
    pipeline.finish_run(con, run_id, "completed")
    con.close()
    return {
        "seconds": time.perf_counter() - started,
        "workbooks": len(written),
        "megabytes": round(sum(p.stat().st_size for p in written) / 1e6, 1),
    }


def run_whole(raw: Path, workdir: Path) -> dict[str, Any]:
    """`execute` on a new database, timing each stage and its own peak memory."""
    from duaal.run.pipeline import execute

    stages: dict[str, dict[str, float | None]] = {}

    def stage(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            resettable = reset_hwm()
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[fn.__name__] = {
                    "seconds": time.perf_counter() - started,
                    "peak_mb": hwm_mb() if resettable else None,
                }

        return timed

    settings = bench_settings(raw, workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    settings.db.unlink(missing_ok=True)
    started = time.perf_counter()
    summary = execute(settings, stage=stage)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "stages": stages,
        "status": summary.status,
        "decisions": summary.decisions,
        "rows_read": sum(o.rows_read for o in summary.files),
    }


def run_pandas(files: list[Path], engine: str = "openpyxl") -> dict[str, Any]:
    """pandas merely reading the files: read_excel(engine) for workbooks, read_csv for CSV.
    With engine="calamine" (the reader duaal uses) this is the read floor of the files."""
    import pandas as pd

    per_file = {}
    started = time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        if path.suffix == ".csv":
            frame = pd.read_csv(path, sep=";", encoding="utf-8-sig")
        else:
            frame = pd.read_excel(path, engine=engine)
        per_file[path.name] = {"seconds": time.perf_counter() - t0, "rows": len(frame)}
        del frame
    return {"seconds": time.perf_counter() - started, "files": per_file}


def main(argv: list[str]) -> int:
    """Dispatch one mode and print its result, with this process's peak memory, as JSON."""
    mode, *args = argv
    if mode in {"pandas", "calamine"}:
        engine = "openpyxl" if mode == "pandas" else "calamine"
        result = run_pandas([Path(a) for a in args], engine)
    else:
        raw, workdir = Path(args[0]), Path(args[1])
        runners: dict[str, Callable[..., dict[str, Any]]] = {
            "ingest": run_ingest,
            "rules": run_rules,
            "validate": run_validate,
            "reports": run_reports,
            "whole": run_whole,
        }
        result = runners[mode](raw, workdir, *args[2:])
    result["peak_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
