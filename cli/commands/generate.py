"""`duaal generate`: realistic synthetic exports (same seed and as-of, same bytes)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.exits import EXIT_OK
from cli.options import settings_of, whole_number

NAME = "generate"
HELP = "realistic synthetic exports (same seed and as-of, same bytes)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out", type=Path, required=True, help="folder to write into, a subfolder per source"
    )
    p.add_argument("--agreements", dest="sample_agreements", help="number of agreements (3000)")
    p.add_argument("--seed", dest="sample_seed", help="random seed (1)")
    p.add_argument("--as-of", help="the current school year is the one of this date")
    p.add_argument("--dimona-rows", help="make the Dimona export exactly this long")


def run(args: argparse.Namespace) -> int:
    """Write synthetic exports."""
    from sample.generate import generate
    from sample.places import EXCEL_MAX_DATA_ROWS

    dimona_rows = (
        None
        if args.dimona_rows is None
        else whole_number("--dimona-rows", args.dimona_rows, "rows", 0, EXCEL_MAX_DATA_ROWS)
    )
    settings = settings_of(args)
    written = generate(
        args.out,
        agreements=settings.sample_agreements,
        seed=settings.sample_seed,
        as_of=settings.as_of,
        dimona_rows=dimona_rows,
    )
    for source, files in written.items():
        for path in files:
            print(f"{source}: {path}")
    return EXIT_OK
