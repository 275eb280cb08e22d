"""`duaal audit`: recompute a past run and compare its digests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.exits import EXIT_FAILED, EXIT_OK
from cli.options import database_flags, settings_of

NAME = "audit"
HELP = "recompute a past run and compare its digests"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_id", help="the run to recompute (duaal runs lists them)")
    p.add_argument("--bundle", type=Path, help="also write the run's evidence to FILE.zip")
    database_flags(p, writes=True)


def run(args: argparse.Namespace) -> int:
    """Recompute a run and compare; exit 1 when anything differs."""
    from duaal.common.digests import DIGESTS
    from duaal.history.audit import audit

    settings = settings_of(args)
    result = audit(settings.db, args.run_id, timeout_s=settings.lock_timeout_s)
    print(f"run {result.run_id} (as_of {result.as_of.isoformat()})")
    for name in DIGESTS:
        rec, new, sto = result.recorded[name], result.recomputed[name], result.stored[name]
        same = "identical" if rec == new == sto else "DIFFERENT"
        print(f"  {name:<11} {same}  recorded {rec}")
        if rec != new:
            print(f"  {'':<11} recomputed {new}")
        if rec != sto:
            print(f"  {'':<11} stored rows {sto}")
    for line in result.decision_differences:
        print(f"  decision differs: {line}")
    for line in result.payment_differences:
        print(f"  payment differs: {line}")
    for line in result.validation_differences:
        print(f"  validation differs: {line}")
    if result.validation_not_compared:
        print(
            f"  validation: {len(result.validation_not_compared)} checks not compared "
            "(this code and the run's code do not run them in the same form), e.g. "
            + "; ".join(result.validation_not_compared[:3])
        )
    if args.bundle:
        from duaal.history.bundle import write_bundle

        manifest = write_bundle(
            settings.db, args.run_id, args.bundle, share_group=settings.share_group
        )
        print(f"bundle: {args.bundle} ({len(manifest)} members and manifest.json)")
    if result.identical:
        print("audit: identical")
        return EXIT_OK
    print("audit: the run cannot be reproduced from its inputs", file=sys.stderr)
    return EXIT_FAILED
