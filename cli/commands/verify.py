"""`duaal verify`: check an evidence bundle, without the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.exits import EXIT_FAILED, EXIT_OK

NAME = "verify"
HELP = "check an evidence bundle, without the database"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", type=Path, help="FILE.zip written by audit --bundle")


def run(args: argparse.Namespace) -> int:
    """Check an evidence bundle; exit 1 naming each difference."""
    from duaal.common.digests import DIGESTS
    from duaal.history.bundle import this_code_version, verify_bundle

    result = verify_bundle(args.bundle)
    if result.run_id:
        print(f"run {result.run_id} (as_of {result.as_of.isoformat()})")
        print(f"  code        bundle {result.bundle_code_version}, here {this_code_version()}")
    for name in DIGESTS:
        if name in result.recorded and name in result.recomputed:
            rec = result.recorded[name]
            same = rec == result.recomputed[name] == result.bundled.get(name)
            print(f"  {name:<11} {'identical' if same else 'DIFFERENT'}  recorded {rec}")
    for line in result.differences:
        print(f"  differs: {line}")
    if result.ok:
        print("verify: identical")
        return EXIT_OK
    print(
        f"verify: the bundle does not hold up ({len(result.differences)} differences)",
        file=sys.stderr,
    )
    return EXIT_FAILED
