"""`duaal serve`: serve the scheduled deployments with Prefect."""

from __future__ import annotations

import argparse

from cli.exits import EXIT_OK
from cli.options import run_flags, settings_of

NAME = "serve"
HELP = "serve the scheduled deployments with Prefect"


def add_arguments(p: argparse.ArgumentParser) -> None:
    run_flags(p, dated=False)


def run(args: argparse.Namespace) -> int:
    """Serve the scheduled deployments (blocks until interrupted)."""
    from flows.deployments import serve_deployments

    serve_deployments(settings_of(args))
    return EXIT_OK
