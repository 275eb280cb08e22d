"""`duaal run`: the whole pipeline as one Prefect flow run."""

from __future__ import annotations

import argparse
import time

from cli.exits import EXIT_OK, EXIT_WARNINGS
from cli.options import run_flags, run_settings

NAME = "run"
HELP = "the whole pipeline as one Prefect flow run"


def add_arguments(p: argparse.ArgumentParser) -> None:
    run_flags(p)
    p.add_argument("--no-reports", action="store_true", help="ingest, rules and validation only")


def run(args: argparse.Namespace) -> int:
    """Run the pipeline as a Prefect flow and print its summary."""
    settings = run_settings(args)
    from duaal.common import interrupts
    from flows.pipeline import run_pipeline_flow
    from flows.summary import format_summary, write_out

    interrupts.note_stage("start-up")
    started = time.perf_counter()
    summary = run_pipeline_flow(settings, with_reports=not args.no_reports)
    # what the stages do not account for: Prefect (its temporary server, the flow and its
    # tasks, the artifacts) and the run's bookkeeping
    elapsed = time.perf_counter() - started
    summary.stage_seconds["prefect"] = max(elapsed - sum(summary.stage_seconds.values()), 0.0)
    write_out(format_summary(summary, settings))
    return EXIT_WARNINGS if summary.warnings else EXIT_OK
