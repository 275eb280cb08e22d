"""The results of benchmarks/run.py (issues 6 and 13): tables, goals, Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.measure import peak

MEMORY_GOAL_MB = 2048
SPEED_GOAL = 2.0  # pandas + openpyxl reading time / duaal whole time, at least
SCALING_GOAL = 4.4  # time ratio for four times the data, at most
HELP_GOAL_S = 1.0
# issue 13: the whole `duaal run` (Prefect's temporary server included) against the reads
FLOOR_GOAL = 3.0  # duaal run / pandas.read_excel(calamine), at most
OPENPYXL_GOAL = 0.3  # duaal run / pandas.read_excel(openpyxl), at most
TREE_MEMORY_GOAL_MB = 1536  # peak memory of the process tree, at most


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
    """Each goal of issues 6 and 13 with its measured figure and whether it is met."""
    out = whole_goals(results) + cli_goals(results)
    if help_:
        out.append(
            [
                "`duaal --help` < 1 s (median)",
                f"{help_['median_s']:.3f} s over {help_['runs']} runs",
                _ok(help_["median_s"] < HELP_GOAL_S),
            ]
        )
    return out


def whole_goals(results: list[DatasetResult]) -> list[list[str]]:
    """Issue 6's goals: the whole run (`execute`) against pandas, its memory and scaling."""
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
    return out


def cli_goals(results: list[DatasetResult]) -> list[list[str]]:
    """Issue 13's goals: `duaal run` against the reads, its memory and scaling."""
    out = []
    by_name = {r.dataset["name"]: r for r in results}
    large, quarter = by_name.get("large"), by_name.get("quarter")
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
    return out


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _section(title: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    """A titled table of the results, as lines of Markdown; none without rows."""
    return ["", f"## {title}", "", markdown_table(headers, rows)] if rows else []


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
        dataset_table(results),
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
    parts += _section(
        "Inside `duaal run` (the stage times its summary prints; prefect = the rest)",
        ["dataset", "stage", "seconds"],
        cli_stages,
    )
    parts += _section(
        "Inside the whole run (one process; peak = high-water mark of the stage)",
        ["dataset", "stage", "seconds", "peak MB"],
        whole_stages,
    )
    parts += _section("Start-up", ["what", "seconds"], startup_rows(report))
    parts += _section(
        "Goals (issues 6 and 13)", ["goal", "measured", ""], goals(results, report.get("help"))
    )
    return "\n".join(parts) + "\n"


def dataset_table(results: list[DatasetResult]) -> str:
    """The datasets measured, as a Markdown table."""
    return markdown_table(
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
    )


def startup_rows(report: dict[str, Any]) -> list[list[str]]:
    """`duaal --help` and Prefect's own start-up, as table rows."""
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
    return startup
