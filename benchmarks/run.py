"""duaal at scale: per-stage time, peak memory and rows per second, against pandas + openpyxl.

    .venv/bin/python benchmarks/run.py                      # sample, quarter, large, limit
    .venv/bin/python benchmarks/run.py --quick              # the sample only
    .venv/bin/python benchmarks/run.py --sizes large,limit --no-pandas

Datasets come from `duaal.generate` and are cached under benchmarks/out/datasets/. Every
measurement runs in a fresh Python process (benchmarks/worker.py), so a peak memory is that
process's own. Results: a table on stdout, benchmarks/out/results.md and results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.datasets import DATASETS, OUT_DIR, Dataset, DatasetSpec, ensure_dataset  # noqa: E402

WORKER = ROOT / "benchmarks" / "worker.py"
STAGES = ("ingest", "rules", "validate", "reports")
MEMORY_GOAL_MB = 2048
SPEED_GOAL = 2.0  # pandas + openpyxl reading time / duaal whole time, at least
SCALING_GOAL = 4.4  # time ratio for four times the data, at most
HELP_GOAL_S = 1.0
# issue 13: the whole `duaal run` (Prefect's temporary server included) against the reads
FLOOR_GOAL = 3.0  # duaal run / pandas.read_excel(calamine), at most
OPENPYXL_GOAL = 0.3  # duaal run / pandas.read_excel(openpyxl), at most
TREE_MEMORY_GOAL_MB = 1536  # peak memory of the process tree, at most
TIME_TITLE = "where the time went (seconds):"  # flows/summary.py, the run's own stage times


class BenchError(RuntimeError):
    """A measurement process failed; the message holds its stderr."""


@dataclass
class DatasetResult:
    """Everything measured on one dataset."""

    dataset: dict[str, Any]
    rows: int = 0
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    whole: dict[str, Any] | None = None
    pandas: dict[str, Any] | None = None
    calamine: dict[str, Any] | None = None
    cli: dict[str, Any] | None = None


def parse_size(name: str) -> DatasetSpec:
    """A dataset by name (sample, quarter, large, limit) or as aN: N agreements."""
    if name in DATASETS:
        return DATASETS[name]
    if name.startswith("a") and name[1:].isdigit():
        return DatasetSpec(name, int(name[1:]))
    raise argparse.ArgumentTypeError(f"unknown size {name!r}: {', '.join(DATASETS)} or aN")


def tree_pss_mb(root: int) -> float:
    """Memory of a process and all its descendants (proportional set size: pages shared
    after a fork are counted once), in MB; 0 where /proc is not available."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    total_kb, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


def peak(figures: dict[str, Any]) -> float:
    """Peak memory of a measurement: the main process's own high-water mark or, when
    higher, the sampled memory of its whole process tree (workers included)."""
    return max(figures["peak_mb"], figures.get("tree_peak_mb", 0.0))


def sampled(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command; its result, wall seconds and the peak memory (PSS, sampled every
    0.2 s) of its whole process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_pss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), seconds, peak[0]


def worker(*args: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run benchmarks/worker.py in a fresh process and return its JSON result, with the
    peak memory of its whole process tree (its read-ahead and report workers included)."""
    proc, seconds, tree_peak = sampled([sys.executable, str(WORKER), *map(str, args)], env)
    if proc.returncode != 0:
        raise BenchError(f"worker {args[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = seconds
    result["tree_peak_mb"] = tree_peak
    return result


def duaal_command() -> list[str]:
    """The `duaal` script of this interpreter's environment."""
    exe = Path(sys.executable).with_name("duaal")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]


def stage_times_of(stdout: str) -> dict[str, float]:
    """The stage seconds `duaal run` prints under 'where the time went'."""
    lines = stdout.splitlines()
    if TIME_TITLE not in lines:
        return {}
    times = {}
    for line in lines[lines.index(TIME_TITLE) + 1 :]:
        parts = line.split()
        if not line.startswith("  ") or len(parts) != 2:
            break
        times[parts[0]] = float(parts[1])
    return times


def duaal_run(data: Dataset, workdir: Path) -> list[str]:
    """The `duaal run` command line of a dataset, on a database and reports in workdir."""
    return [
        *duaal_command(),
        "run",
        "--raw",
        str(data.raw),
        "--db",
        str(workdir / "duaal.duckdb"),
        "--reports",
        str(workdir / "reports"),
        "--as-of",
        data.spec.as_of.isoformat(),
    ]


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


def measure_help(runs: int) -> dict[str, Any]:
    """Median wall time of `duaal --help` over several fresh processes."""
    command = duaal_command()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return {"median_s": statistics.median(times), "runs": runs, "all_s": times}


def _prefect_env(out_dir: Path) -> dict[str, str]:
    """A Prefect home of its own under out_dir, quiet and without analytics."""
    env = dict(os.environ)
    env["PREFECT_HOME"] = str(out_dir / "prefect-home")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # on a busy shared machine the temporary API server can take longer than its 20 s
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    return env


TRIVIAL_FLOW = "from prefect import flow\n@flow\ndef f():\n    return 1\nassert f() == 1\n"


def warm_prefect(out_dir: Path) -> None:
    """One trivial flow first, so that no measured `duaal run` pays for creating Prefect's
    home and database (a user's machine has them after the first run)."""
    proc = subprocess.run(
        [sys.executable, "-c", TRIVIAL_FLOW],
        capture_output=True,
        text=True,
        env=_prefect_env(out_dir),
    )
    if proc.returncode != 0:
        raise BenchError(f"a trivial Prefect flow failed:\n{proc.stderr[-4000:]}")


def measure_prefect(out_dir: Path, data: Dataset | None, runs: int = 3) -> dict[str, Any]:
    """Prefect's own start-up: a trivial flow, and `duaal run` minus `execute` on a dataset."""
    env = _prefect_env(out_dir)
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        python_s = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", TRIVIAL_FLOW], check=True, capture_output=True, env=env
        )
        bare.append(time.perf_counter() - started - python_s)
    result: dict[str, Any] = {"trivial_flow_s": statistics.median(bare), "runs": runs}
    if data is not None:
        workdir = out_dir / "work" / f"{data.spec.key}-prefect"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        started = time.perf_counter()
        proc = subprocess.run(
            duaal_run(data, workdir), capture_output=True, text=True, env=env, cwd=ROOT
        )
        cli_s = time.perf_counter() - started
        if proc.returncode not in (0, 4):  # 4: completed with input warnings
            raise BenchError(f"duaal run failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        plain = worker("whole", data.raw, out_dir / "work" / f"{data.spec.key}-plain")
        result |= {
            "dataset": data.spec.name,
            "duaal_run_s": cli_s,
            "execute_process_s": plain["process_s"],
            "overhead_s": cli_s - plain["process_s"],
        }
    return result


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory_gb = round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    import duckdb

    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "system": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def _measured(
    name: str, what: str, figures: dict[str, Any], rows: int, note: str = ""
) -> list[str]:
    """A table row of one measured command: seconds, peak memory, rows a second, a note."""
    seconds = figures["seconds"]
    return [name, what, _s(seconds), _mb(peak(figures)), _rate(rows, seconds), note]


def _rate(rows: int, seconds: float | None) -> str:
    return f"{rows / seconds:,.0f}" if seconds else "-"


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:,.2f}"


def _mb(mb: float | None) -> str:
    return "-" if mb is None else f"{mb:,.0f}"


def stage_rows(result: DatasetResult) -> list[list[str]]:
    """Table rows of one dataset: each stage, the whole run and pandas."""
    name, rows = result.dataset["name"], result.rows
    table = []
    ingest = result.stages.get("ingest")
    for stage, figures in result.stages.items():
        table.append(_measured(name, stage, figures, rows))
        if stage == "ingest":
            for part, key in (
                ("read (calamine + parsing)", "read_s"),
                ("load (hash + DuckDB)", "load_s"),
            ):
                table.append(
                    [name, f"  {part}", _s(figures[key]), "", _rate(rows, figures[key]), ""]
                )
        if stage == "validate":
            table.append([name, "  of which record", _s(figures["record_s"]), "", "", ""])
    if result.whole:
        pandas_s = result.pandas["seconds"] if result.pandas else None
        ratio = f"pandas/duaal {pandas_s / result.whole['seconds']:.2f}x" if pandas_s else ""
        table.append(_measured(name, "whole (execute, no Prefect)", result.whole, rows, ratio))
    if result.cli:
        what = "`duaal run` (whole process, Prefect included)"
        table.append(_measured(name, what, result.cli, rows, cli_ratios(result)))
    if result.pandas:
        note = ""
        if ingest:
            note = f"pandas/ingest {result.pandas['seconds'] / ingest['seconds']:.2f}x"
        table.append(_measured(name, "pandas.read_excel openpyxl", result.pandas, rows, note))
    if result.calamine:
        what = "pandas.read_excel calamine (the read floor)"
        table.append(_measured(name, what, result.calamine, rows))
    return table


def cli_ratios(result: DatasetResult) -> str:
    """`duaal run` against the floor and against openpyxl, measured in the same sitting."""
    if not result.cli:
        return ""
    parts = []
    if result.calamine:
        parts.append(f"{result.cli['seconds'] / result.calamine['seconds']:.2f}x floor")
    if result.pandas:
        parts.append(f"{result.cli['seconds'] / result.pandas['seconds']:.2f}x openpyxl")
    return ", ".join(parts)


def goals(results: list[DatasetResult], help_: dict | None) -> list[list[str]]:
    """Each goal of issue 6 with its measured figure and whether it is met."""
    out = []
    by_name = {r.dataset["name"]: r for r in results}
    large = by_name.get("large")
    if large and large.whole and large.pandas:
        ratio = large.pandas["seconds"] / large.whole["seconds"]
        out.append(
            [
                "large: whole run <= 1/2 of pandas+openpyxl reading",
                f"{_s(large.whole['seconds'])} s vs {_s(large.pandas['seconds'])} s ({ratio:.2f}x)",
                _ok(ratio >= SPEED_GOAL),
            ]
        )
    for r in results:
        peaks = [peak(f) for f in r.stages.values()]
        if r.whole:
            peaks.append(peak(r.whole))
        if peaks and r.dataset["name"] in {"large", "limit"}:
            out.append(
                [
                    f"{r.dataset['name']}: peak memory < 2 GB",
                    f"{max(peaks):,.0f} MB",
                    _ok(max(peaks) < MEMORY_GOAL_MB),
                ]
            )
    quarter = by_name.get("quarter")
    if large and quarter and large.whole and quarter.whole:
        data = large.rows / quarter.rows
        time_ratio = large.whole["seconds"] / quarter.whole["seconds"]
        out.append(
            [
                "4x data in <= 4.4x time (quarter -> large, whole)",
                f"{data:.2f}x rows, {time_ratio:.2f}x time",
                _ok(time_ratio <= SCALING_GOAL),
            ]
        )
    limit = by_name.get("limit")
    if limit and "ingest" in limit.stages:
        ingest = limit.stages["ingest"]
        out.append(
            [
                "limit: 1,048,575-row Dimona sheet ingested",
                f"{ingest['rows_read']:,} rows in {_s(ingest['seconds'])} s, "
                f"peak {_mb(peak(ingest))} MB",
                _ok(peak(ingest) < MEMORY_GOAL_MB),
            ]
        )
    for r in results:
        if r.dataset["name"] != "large" or not r.cli:
            continue
        cli_s = r.cli["seconds"]
        for read, what, goal in (
            (r.calamine, "calamine read floor", FLOOR_GOAL),
            (r.pandas, "openpyxl read", OPENPYXL_GOAL),
        ):
            if read:
                ratio = cli_s / read["seconds"]
                out.append(
                    [
                        f"large: `duaal run` <= {goal:g}x the {what}",
                        f"{_s(cli_s)} s vs {_s(read['seconds'])} s ({ratio:.2f}x)",
                        _ok(ratio <= goal),
                    ]
                )
        out.append(
            [
                "large: `duaal run` peak memory (process tree) <= 1.5 GB",
                f"{_mb(peak(r.cli))} MB",
                _ok(peak(r.cli) <= TREE_MEMORY_GOAL_MB),
            ]
        )
    for small, big in ((quarter, large), (large, by_name.get("x4"))):
        if small and big and small.cli and big.cli:
            data = big.rows / small.rows
            time_ratio = big.cli["seconds"] / small.cli["seconds"]
            pair = f"{small.dataset['name']} -> {big.dataset['name']}"
            out.append(
                [
                    f"4x data in <= 4.4x time ({pair}, `duaal run`)",
                    f"{data:.2f}x rows, {time_ratio:.2f}x time",
                    _ok(time_ratio <= SCALING_GOAL),
                ]
            )
    if help_:
        out.append(
            [
                "`duaal --help` < 1 s (median)",
                f"{help_['median_s']:.3f} s over {help_['runs']} runs",
                _ok(help_["median_s"] < HELP_GOAL_S),
            ]
        )
    return out


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(report: dict[str, Any], results: list[DatasetResult]) -> str:
    """The results as Markdown (also printed to stdout)."""
    m = report["machine"]
    parts = [
        "# duaal benchmark results",
        "",
        f"Measured {m['date']} on {m['cpu']} ({m['cpus']} CPUs, {m['memory_gb']} GB), "
        f"{m['system']}, Python {m['python']}, DuckDB {m['duckdb']}.",
        f"Command: `{report['command']}`",
        "",
        "## Datasets",
        "",
        markdown_table(
            ["dataset", "agreements", "Dimona sheet", "files", "data rows", "MB", "generate s"],
            [
                [
                    d["name"],
                    f"{d['agreements']:,}",
                    "natural" if d["dimona_rows"] is None else f"{d['dimona_rows']:,} rows",
                    str(d["files"]),
                    f"{d['data_rows']:,}",
                    str(d["megabytes"]),
                    _s(d["generate_s"]) if d["generate_s"] is not None else "cached",
                ]
                for d in (r.dataset for r in results)
            ],
        ),
        "",
        "## Stages (each in a fresh process; peak MB includes its worker processes; "
        "rows/s = input data rows / seconds)",
        "",
        markdown_table(
            ["dataset", "stage", "seconds", "peak MB", "rows/s", "ratio"],
            [row for r in results for row in stage_rows(r)],
        ),
    ]
    whole_stages = [
        [r.dataset["name"], name.removesuffix("_stage"), _s(f["seconds"]), _mb(f["peak_mb"])]
        for r in results
        if r.whole
        for name, f in r.whole["stages"].items()
    ]
    cli_stages = [
        [r.dataset["name"], name, _s(seconds)]
        for r in results
        if r.cli
        for name, seconds in r.cli["stages"].items()
    ]
    if cli_stages:
        parts += [
            "",
            "## Inside `duaal run` (the stage times its summary prints; prefect = the rest)",
            "",
            markdown_table(["dataset", "stage", "seconds"], cli_stages),
        ]
    if whole_stages:
        parts += [
            "",
            "## Inside the whole run (one process; peak = high-water mark of the stage)",
            "",
            markdown_table(["dataset", "stage", "seconds", "peak MB"], whole_stages),
        ]
    startup = []
    if report.get("help"):
        startup.append(["duaal --help (median)", _s(report["help"]["median_s"])])
    prefect = report.get("prefect")
    if prefect:
        startup.append(
            [
                "Prefect: trivial flow, minus bare Python start (median)",
                _s(prefect["trivial_flow_s"]),
            ]
        )
        if "duaal_run_s" in prefect:
            startup.append(
                [f"`duaal run` on {prefect['dataset']} (Prefect flow)", _s(prefect["duaal_run_s"])]
            )
            startup.append(
                [
                    f"`execute` on {prefect['dataset']} in a fresh process",
                    _s(prefect["execute_process_s"]),
                ]
            )
            startup.append(["Prefect's overhead in `duaal run`", _s(prefect["overhead_s"])])
    if startup:
        parts += ["", "## Start-up", "", markdown_table(["what", "seconds"], startup)]
    goal_rows = goals(results, report.get("help"))
    if goal_rows:
        parts += [
            "",
            "## Goals (issues 6 and 13)",
            "",
            markdown_table(["goal", "measured", ""], goal_rows),
        ]
    return "\n".join(parts) + "\n"


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
        result.cli = measure_cli(data, work / "cli", _prefect_env(out_dir))
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
        "command": " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
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
