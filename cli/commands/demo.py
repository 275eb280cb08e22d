"""`duaal demo`: generate sample exports when data/raw is empty, then run."""

from __future__ import annotations

import argparse

from cli.commands import run as run_command
from cli.options import run_flags, run_settings

NAME = "demo"
HELP = "generate sample exports when data/raw is empty, then run"


def add_arguments(p: argparse.ArgumentParser) -> None:
    run_flags(p)
    p.add_argument("--agreements", dest="sample_agreements", help="sample size (3000)")
    p.add_argument("--seed", dest="sample_seed", help="sample seed (1)")


def run(args: argparse.Namespace) -> int:
    """Generate sample exports into an empty raw folder, then run."""
    settings = run_settings(args)
    has_exports = settings.raw.is_dir() and any(
        p.is_file() and not p.name.startswith(".") for p in settings.raw.rglob("*")
    )
    from duaal.common import interrupts
    from flows.summary import write_out

    if has_exports:
        write_out(f"demo: {settings.raw} holds exports already; running on them")
    else:
        from sample.generate import generate

        write_out(
            f"demo: generating {settings.sample_agreements} sample agreements into {settings.raw}"
        )
        interrupts.note_stage("generate")
        generate(
            settings.raw,
            agreements=settings.sample_agreements,
            seed=settings.sample_seed,
            as_of=settings.as_of,
        )
    args.no_reports = False
    return run_command.run(args)
