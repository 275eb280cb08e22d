"""Where each stage spends its time: cProfile per stage, DuckDB's EXPLAIN ANALYZE per model.

    .venv/bin/python -m benchmarks.profile_stages                    # large, every stage, top 12
    .venv/bin/python -m benchmarks.profile_stages --size quarter --top 20 --stages ingest,rules

Every stage runs in this process, one after the other, on a new database under
benchmarks/out/work/<dataset>/profile/. Ingest is profiled with its files read in this
process (no read-ahead workers, whose time cProfile cannot see), so its profile is the
reading and loading of every file. For rules, each model is built on its own and timed,
and the slowest ones are run again under EXPLAIN ANALYZE (DuckDB's profiler, JSON),
whose heaviest operators are listed. The output is Markdown (stdout and
benchmarks/out/profile-<dataset>.md), ready for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.datasets import OUT_DIR, ensure_dataset
from benchmarks.run import parse_size
from benchmarks.worker import bench_settings

ROOT = Path(__file__).resolve().parents[1]

STAGES = ("ingest", "rules", "validate", "record", "reports")


def profiled(fn: Callable[[], Any], top: int) -> tuple[Any, float, list[str]]:
    """fn's result, its wall seconds and the top lines of its profile (by own time)."""
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    try:
        result = fn()
    finally:
        profile.disable()
    seconds = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return result, seconds, _stat_lines(out.getvalue())


def _stat_lines(text: str) -> list[str]:
    """The table of a pstats printout, from its header line on, paths shortened."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    site = str(Path(sys.executable).resolve().parents[1])
    out = []
    for line in lines[start:]:
        if not line.strip():
            continue
        line = line.replace(str(ROOT) + "/", "").replace(site + "/", "")
        out.append(line.replace("lib/python3.11/site-packages/", ""))
    return out


def _operators(nodes: list[dict[str, Any]]) -> Iterator[tuple[str, float, int, str]]:
    """Every operator of a DuckDB JSON profile: name, own seconds, rows out, extra info."""
    for node in nodes:
        extra = node.get("extra_info") or {}
        detail = ""
        for key in ("Table", "Join Type", "Conditions", "Groups", "Aggregates", "Function"):
            if key in extra:
                value = extra[key]
                detail = value if isinstance(value, str) else " ".join(map(str, value))
                break
        yield (
            str(node.get("name", "?")).strip(),
            float(node.get("timing", 0.0)),
            int(node.get("intermediate_rows", 0)),
            " ".join(detail.split())[:70],
        )
        yield from _operators(node.get("children", []))


def explain_analyze(con: Any, name: str, sql: str, top: int) -> tuple[float, list[str]]:
    """Build one model under DuckDB's profiler; its total and its heaviest operators."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "profile.json"
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{output}'")
        try:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
        finally:
            con.execute("PRAGMA disable_profiling")
        tree = json.loads(output.read_text(encoding="utf-8"))
    total = float(tree.get("query", {}).get("total_time", 0.0))
    ops = sorted(_operators(tree.get("operator", [])), key=lambda o: -o[1])[:top]
    lines = [f"{op:<24} {s:7.3f} s {rows:>10,} rows  {detail}" for op, s, rows, detail in ops]
    return total, lines


# the recursive cap walk and the interval merging are analysed whatever their time
ALWAYS_EXPLAINED = ("int_premiums_before", "int_training_intervals")


def profile_rules(con: Any, settings: Any, top: int, explain: int) -> dict[str, Any]:
    """Each model built and timed on its own; the slowest under EXPLAIN ANALYZE."""
    from transforms.models import build_order, discover, install_macros
    from transforms.rule_config import load_into, load_rule_config

    config = load_rule_config(settings.rules)
    started = time.perf_counter()
    load_into(con, config, settings.as_of)
    install_macros(con)
    models = []
    for model in build_order(discover()):
        sql = model.sql.strip().rstrip(";")
        t0 = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TABLE {model.name} AS {sql}")
        rows = con.execute(f"SELECT count(*) FROM {model.name}").fetchone()[0]
        models.append((model.name, time.perf_counter() - t0, rows, sql))
    seconds = time.perf_counter() - started
    slowest = sorted(models, key=lambda m: -m[1])
    plans = {}
    chosen = [m for m in slowest[:explain]]
    chosen += [m for m in slowest if m[0] in ALWAYS_EXPLAINED and m not in chosen]
    for name, _, _, sql in chosen:
        plans[name] = explain_analyze(con, name, sql, top)
    return {
        "seconds": seconds,
        "models": [(n, s, r) for n, s, r, _ in slowest],
        "plans": plans,
    }


def main(argv: list[str] | None = None) -> int:
    """Profile the stages on one dataset and print the profile as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", help="sample, quarter, large, limit or aN")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--top", type=int, default=12, help="profile lines per stage")
    parser.add_argument("--explain", type=int, default=3, help="models under EXPLAIN ANALYZE")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]

    from duaal.run import pipeline
    from transforms.loading import ingest

    spec = parse_size(args.size)
    data = ensure_dataset(spec, args.out)
    workdir = args.out / "work" / spec.key / "profile"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    settings = bench_settings(data.raw, workdir)
    config = pipeline.load_rule_config(settings.rules)
    con = pipeline.open_database(settings, "profile")
    parts = [f"# Profile of {spec.name} ({data.data_rows:,} data rows, {len(data.files)} files)"]

    def section(title: str, seconds: float, lines: list[str]) -> None:
        parts.extend(["", f"### {title}: {seconds:.2f} s", "", "```", *lines, "```"])
        print(parts[-len(lines) - 4], file=sys.stderr)

    # ingest always runs: every later stage needs its tables
    _, seconds, lines = profiled(lambda: ingest(con, settings.raw, workers=0), args.top)
    if "ingest" in stages:
        section("ingest (files read in this process)", seconds, lines)
    run_id = pipeline.start_run(con, config, settings.as_of)
    if "rules" in stages:
        rules = profile_rules(con, settings, args.top, args.explain)
        lines = [f"{n:<34} {s:7.3f} s {r:>10,} rows" for n, s, r in rules["models"][: args.top]]
        section("rules (each model on its own, slowest first)", rules["seconds"], lines)
        for name, (total, ops) in rules["plans"].items():
            section(f"EXPLAIN ANALYZE {name} (operators by own time)", total, ops)
    else:
        pipeline.rules_stage(con, config, settings.as_of)
    later: dict[str, Callable[[], Any]] = {
        "validate": lambda: pipeline.validate_stage(
            con, run_id, settings.reports / "datakwaliteit"
        ),
        "record": lambda: pipeline.record_stage(con, run_id),
        "reports": lambda: pipeline.reports_stage(
            con, run_id, settings.reports, settings.school_years
        ),
    }
    if "validate" in stages:
        started = time.perf_counter()
        # the whole run imports these in a thread during ingest
        import great_expectations  # noqa: F401

        import expectations.validate  # noqa: F401

        section(
            "import expectations.validate (Great Expectations)", time.perf_counter() - started, []
        )
    for name, fn in later.items():
        if name in stages:
            _, seconds, lines = profiled(fn, args.top)
            section(name, seconds, lines)
        elif name != "reports":
            fn()
    con.close()
    text = "\n".join(parts) + "\n"
    print(text)
    (args.out / f"profile-{spec.name}.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
