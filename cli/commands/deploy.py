"""`duaal deploy`: register the scheduled deployments on a Prefect work pool."""

from __future__ import annotations

import argparse
import sys

from cli.exits import EXIT_FAILED, EXIT_OK
from cli.options import run_flags, settings_of

NAME = "deploy"
HELP = "register the scheduled deployments on a Prefect work pool"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pool", required=True, help="work pool name (type process, created when absent)"
    )
    run_flags(p, dated=False)


def run(args: argparse.Namespace) -> int:
    """Register the scheduled deployments on a work pool and say how to start a worker."""
    from flows.deployments import DeployRefused, deploy_to_pool, describe_pool_deployment

    try:
        result = deploy_to_pool(settings_of(args), args.pool)
    except DeployRefused as exc:
        print(f"duaal deploy: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(describe_pool_deployment(result))
    return EXIT_OK
