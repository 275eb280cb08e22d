"""Which two runs to compare: completed runs by default the latest and the one before it;
a run still writing its reports compares itself with the completed run before it."""

from __future__ import annotations

import duckdb

from duaal.common.db import completed_run, run_record
from duaal.history.changes.model import ComparedRun
from transforms.rule_config import rule_version


class NotEnoughRuns(LookupError):
    """Fewer than two completed runs, or a run that is unknown or did not complete."""


def run_info(con: duckdb.DuckDBPyConnection, run_id: str, *, recorded: bool = False) -> ComparedRun:
    """A completed run; with `recorded`, also a run that is still running (writing its
    reports) once it has recorded its decisions and findings."""
    run = run_record(con, run_id)
    if not (recorded and run is not None and run["status"] == "running"):
        run = completed_run(con, run_id, NotEnoughRuns, otherwise="nothing to compare")
    elif not run["digest_decisions"]:
        raise NotEnoughRuns(f"run {run_id} has not recorded its decisions yet: nothing to compare")
    return ComparedRun(
        run_id,
        run["as_of"],
        run["rule_config_hash"],
        rule_version(run["rule_config"]),
        run["code_version"] or "",
        # a run recorded before payments were reconciled has no payments digest (and a
        # database opened read-only that no later run brought up to date no such column)
        reconciled=run.get("digest_payments") is not None,
    )


def completed_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The completed runs, oldest first."""
    return [
        r[0]
        for r in con.execute(
            "SELECT run_id FROM runs WHERE status = 'completed' ORDER BY finished_at, run_id"
        ).fetchall()
    ]


def previous_run(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The completed run before `run_id` (a run still writing its reports comes after every
    completed run); None when there is none."""
    runs = completed_runs(con)
    earlier = runs[: runs.index(run_id)] if run_id in runs else runs
    return earlier[-1] if earlier else None


def resolve_runs(
    con: duckdb.DuckDBPyConnection, from_run: str | None = None, to_run: str | None = None
) -> tuple[ComparedRun, ComparedRun]:
    """The two completed runs to compare: by default the latest completed run and the one
    before it (with only `to` given: the completed run before it)."""
    if to_run is None:
        runs = completed_runs(con)
        if not runs:
            raise NotEnoughRuns("no completed run in the database: run `duaal run` first")
        to_run = runs[-1]
    after = run_info(con, to_run)
    if from_run is None:
        from_run = previous_run(con, to_run)
        if from_run is None:
            raise NotEnoughRuns(
                f"run {to_run} is the first completed run: there is no run before it to compare"
            )
    return run_info(con, from_run), after
