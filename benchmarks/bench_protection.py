"""Time the federation figures' protection (duaal.outputs.workbooks.suppression.protect) per school year.

    .venv/bin/python -m benchmarks.bench_protection [--agreements 3000] [--seed 1]
        [--as-of 2026-11-28] [--runs 5] [--module other_suppression.py]

Generates the sample (cached under benchmarks/out/ as every dataset), loads and decides it
without Prefect or validation, then runs `protect` on each school year's figures `--runs`
times and prints the median CPU and wall seconds, the hidden cells and the linear programs
solved. `--module` times another version of suppression.py on the same figures (e.g. one
from `git show <commit>:duaal/outputs/workbooks/suppression.py`), for a before and after.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import duaal.outputs.workbooks.federatie_figures as federatie
import duaal.outputs.workbooks.suppression as suppression
from benchmarks.datasets import DatasetSpec, ensure_dataset
from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.outputs.workbooks.data import decision_years, load_decisions, load_findings, load_run
from duaal.outputs.workbooks.suppression import complements, reader
from duaal.run.pipeline import record_stage, rules_stage, start_run
from transforms.loading import ingest
from transforms.rule_config import load_rule_config


def load_module(path: Path) -> ModuleType:
    """A suppression.py from elsewhere, as a module of its own."""
    spec = importlib.util.spec_from_file_location("other_suppression", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def year_arguments(agreements: int, seed: int, as_of: date, folder: Path) -> dict[str, tuple]:
    """The arguments federatie.year_figures passes to protect, per school year of the run."""
    raw = ensure_dataset(DatasetSpec(f"a{agreements}", agreements, seed=seed, as_of=as_of)).raw
    settings = load_settings(raw=raw, db=folder / "duaal.duckdb", reports=folder, as_of=as_of)
    now = datetime.combine(as_of, datetime.min.time())
    con = connect(settings.db)
    ingest(con, raw, now=now)
    config = load_rule_config(settings.rules)
    run_id = start_run(con, config, as_of, now=now)
    rules_stage(con, config, as_of)
    record_stage(con, run_id)
    run, findings = load_run(con, run_id), load_findings(con, run_id)
    captured: list[tuple] = []
    protect = federatie.protect

    def capture(*args: object) -> suppression.Protection:
        captured.append(args)
        return protect(*args)

    federatie.protect = capture
    try:
        years = decision_years(con, run_id)
        for year in years:
            federatie.year_figures(run, year, load_decisions(con, run_id, year), findings)
    finally:
        federatie.protect = protect
        con.close()
    return dict(zip(years, captured, strict=True))


def _arguments(year: suppression.YearGroups, takes: int) -> tuple:
    """protect's arguments for a suppression module taking `takes` of them: the year's
    groups (this one), or their parts (an older one: partitions, total, codes, amounts,
    exclusive)."""
    if takes == 1:
        return (year,)
    parts = (year.partitions, year.total, year.codes, year.amounts, year.exclusive)
    return parts[:takes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 28))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--module", type=Path, help="another suppression.py to time")
    args = parser.parse_args()
    module = load_module(args.module) if args.module else suppression
    takes = len(inspect.signature(module.protect).parameters)
    solved = [0]
    # where the solvers are called: the package's reader (every linear program) and
    # complements (the mixed-integer ones), or another suppression.py as one module
    for owner in [module] if args.module else [reader, complements]:
        for name in ("linprog", "milp"):
            if hasattr(owner, name):
                solve = getattr(owner, name)

                def counted(*a: object, solve=solve, **k: object) -> object:
                    solved[0] += 1
                    return solve(*a, **k)

                setattr(owner, name, counted)
    with tempfile.TemporaryDirectory() as folder:
        years = year_arguments(args.agreements, args.seed, args.as_of, Path(folder))
    for year, arguments in years.items():
        cpu, wall = [], []
        for _ in range(args.runs):
            solved[0] = 0
            started, started_cpu = time.perf_counter(), time.process_time()
            protection = module.protect(*_arguments(arguments[0], takes))
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        hidden = sum(
            s != "shown"
            for (_, _, m), s in protection.status.items()
            if m not in suppression.NEVER_SHOWN
        )
        learners = arguments[0].total.learners
        print(
            f"{year}: {learners} learners, CPU {statistics.median(cpu):.3f} s, wall "
            f"{statistics.median(wall):.3f} s (medians of {args.runs}), {hidden} cells hidden, "
            f"{solved[0]} programs solved"
        )


if __name__ == "__main__":
    main()
