"""What the benchmarks share: fresh processes and their peak memory, the `duaal` command
and the stage times it prints, Prefect's home, and the machine measured on."""

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
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.datasets import DATASETS, Dataset, DatasetSpec

ROOT = Path(__file__).resolve().parents[1]

TIME_TITLE = "where the time went (seconds):"  # flows/summary.py, the run's own stage times


class BenchError(RuntimeError):
    """A measurement process failed; the message holds its stderr."""


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
    proc = popen_text(command, env)
    with TreePeak(proc.pid) as peak:
        stdout, stderr = proc.communicate()
        seconds = time.perf_counter() - started
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), seconds, peak.mb


def popen_text(command: list[str], env: dict[str, str] | None) -> subprocess.Popen:
    """Start a command in the project's root, its stdout and stderr piped as text."""
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )


class TreePeak:
    """The peak memory (PSS, MB) of a process tree, sampled every 0.2 s in a thread while
    the `with` block runs; `mb` holds it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.mb = max(self.mb, tree_pss_mb(self.pid))

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def worker(*args: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run benchmarks/worker.py in a fresh process and return its JSON result, with the
    peak memory of its whole process tree (its read-ahead and report workers included)."""
    proc, seconds, tree_peak = sampled(
        [sys.executable, "-m", "benchmarks.worker", *map(str, args)], env
    )
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


def measure_help(runs: int) -> dict[str, Any]:
    """Median wall time of `duaal --help` over several fresh processes."""
    command = duaal_command()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return {"median_s": statistics.median(times), "runs": runs, "all_s": times}


def prefect_env(out_dir: Path) -> dict[str, str]:
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
        env=prefect_env(out_dir),
    )
    if proc.returncode != 0:
        raise BenchError(f"a trivial Prefect flow failed:\n{proc.stderr[-4000:]}")


def measure_prefect(out_dir: Path, data: Dataset | None, runs: int = 3) -> dict[str, Any]:
    """Prefect's own start-up: a trivial flow, and `duaal run` minus `execute` on a dataset."""
    env = prefect_env(out_dir)
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
