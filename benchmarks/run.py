"""duaal at scale: per-stage time, peak memory and rows per second, against pandas + openpyxl.

    .venv/bin/python -m benchmarks.run                      # sample, quarter, large, limit
    .venv/bin/python -m benchmarks.run --quick              # the sample only
    .venv/bin/python -m benchmarks.run --sizes large,limit --no-pandas

Datasets come from `duaal.generate` and are cached under benchmarks/out/datasets/. Every
measurement runs in a fresh Python process (benchmarks/worker.py), so a peak memory is that
process's own. Results: a table on stdout, benchmarks/out/results.md and results.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks.datasets import DATASETS, OUT_DIR, Dataset, DatasetSpec, ensure_dataset
from benchmarks.measure import (  # noqa: F401 - parse_size, stage_times_of: the CLI's
    BenchError,
    duaal_run,
    machine,
    measure_help,
    measure_prefect,
    parse_size,
    prefect_env,
    sampled,
    stage_times_of,
    warm_prefect,
    worker,
)
from benchmarks.results import DatasetResult, cli_ratios, goals, render  # noqa: F401

STAGES = ("ingest", "rules", "validate", "reports")


def measure_cli(data: Dataset, workdir: Path, env: dict[str, str]) -> dict[str, Any]:
    """`duaal run` as a user starts it: a fresh process, Prefect's temporary server included,
    on a new database; wall seconds, peak memory of the process tree, the run's stage times."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    proc, seconds, tree_peak = sampled(duaal_run(data, workdir), env)
    if proc.returncode not in (0, 4):  # 4: completed with input warnings
        raise BenchError(f"duaal run failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return {
        "seconds": seconds,
        "peak_mb": 0.0,
        "tree_peak_mb": tree_peak,
        "exit_code": proc.returncode,
        "stages": stage_times_of(proc.stdout),
    }


def measure_stages(data: Dataset, workdir: Path, stages: tuple[str, ...]) -> dict[str, Any]:
    """Each stage in its own process, one after the other on one database."""
    shutil.rmtree(workdir, ignore_errors=True)
    out: dict[str, Any] = {}
    run_id = None
    for stage in stages:
        extra = [run_id] if stage in {"validate", "reports"} else []
        if extra and run_id is None:
            raise BenchError(f"stage {stage} needs the rules stage before it")
        out[stage] = worker(stage, data.raw, workdir, *extra)
        run_id = out[stage].get("run_id", run_id)
    return out


def measure_dataset(
    spec: DatasetSpec,
    out_dir: Path,
    stages: tuple[str, ...],
    whole: bool,
    pandas: bool,
    cli: bool = False,
) -> DatasetResult:
    """Generate (or reuse) a dataset and measure the stages, the whole run (`execute`, and
    `duaal run` with Prefect) and pandas reading the files with openpyxl and calamine."""
    data = ensure_dataset(spec, out_dir)
    result = DatasetResult(dataset=data.describe(), rows=data.data_rows)
    work = out_dir / "work" / spec.key
    print(f"[{spec.name}] {data.data_rows:,} rows in {len(data.files)} files", file=sys.stderr)
    result.stages = measure_stages(data, work / "stages", stages)
    if "ingest" in result.stages:
        result.rows = result.stages["ingest"]["rows_read"]
    if whole:
        result.whole = worker("whole", data.raw, work / "whole")
    if cli:
        result.cli = measure_cli(data, work / "cli", prefect_env(out_dir))
    if pandas:
        result.pandas = worker("pandas", *data.files)
        result.calamine = worker("calamine", *data.files)
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure the chosen datasets and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the sample dataset only")
    parser.add_argument("--sizes", help="comma-separated: sample, quarter, large, x4, limit, aN")
    parser.add_argument("--stages", default=",".join(STAGES), help="stages in their own process")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole run")
    parser.add_argument("--no-pandas", action="store_true", help="skip pandas.read_excel")
    parser.add_argument("--no-cli", action="store_true", help="skip `duaal run` (Prefect)")
    parser.add_argument("--no-startup", action="store_true", help="skip --help and Prefect")
    parser.add_argument("--help-runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    names = args.sizes or ("sample" if args.quick else "sample,quarter,large,limit")
    specs = [parse_size(n.strip()) for n in names.split(",") if n.strip()]
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)

    if not args.no_cli:
        warm_prefect(args.out)
    results = [
        measure_dataset(
            spec, args.out, stages, not args.no_whole, not args.no_pandas, not args.no_cli
        )
        for spec in specs
    ]
    report: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join(
            ["python -m benchmarks.run", *(argv if argv is not None else sys.argv[1:])]
        ),
        "datasets": [r.__dict__ for r in results],
    }
    if not args.no_startup:
        report["help"] = measure_help(args.help_runs)
        sample = next((r for r in results if r.dataset["name"] == "sample"), None)
        data = ensure_dataset(DATASETS["sample"], args.out) if sample else None
        report["prefect"] = measure_prefect(args.out, data)
    report["goals"] = goals(results, report.get("help"))
    text = render(report, results)
    print(text)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
