"""Write the validation suites expectations/<table>.json from the table contracts.

`python -m expectations.suites` (or `make suites`) after changing a contract
(transforms/staging/*.toml, transforms/marts/*.toml); `--check` only says which suites
differ from their contracts (exit 1), as the tests do. The suites stay files so that a
reviewer and an auditor read what a run validated.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from transforms.contracts import Check, Contract, load_contracts

SUITES_DIR = Path(__file__).resolve().parent


def _expectation(check: Check) -> dict[str, Any]:
    return {"type": check.type, "kwargs": check.kwargs, "meta": {"notes": check.notes}}


def suite_document(contract: Contract) -> dict[str, Any]:
    """The suite of a table as expectations/validate.py reads it."""
    return {
        "name": contract.table,
        "table": contract.table,
        "layer": contract.layer,
        "notes": contract.notes,
        "expectations": [_expectation(c) for c in contract.expectations()],
        "rules": [
            {"name": r.name, "column": r.column, "notes": r.notes, "sql": r.sql}
            for r in contract.rules
        ],
    }


def suite_text(contract: Contract) -> str:
    """The suite file's text: one expectation a line, so a diff shows the check that changed."""
    doc = suite_document(contract)

    def dumps(value: Any, indent: int | None = None) -> str:
        return json.dumps(value, ensure_ascii=False, indent=indent)

    head = {k: v for k, v in doc.items() if k not in ("expectations", "rules")}
    lines = ["{", *(f"  {dumps(k)}: {dumps(v)}," for k, v in head.items())]
    lines.append('  "expectations": [')
    lines.append(",\n".join(f"    {dumps(e)}" for e in doc["expectations"]))
    lines.append("  ],")
    lines.append('  "rules": [')
    rules = [dumps(r, indent=2).replace("\n", "\n    ") for r in doc["rules"]]
    lines.append(",\n".join(f"    {r}" for r in rules))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(line for line in lines if line) + "\n"


def stale_suites(suites_dir: Path = SUITES_DIR) -> list[Path]:
    """The suite files that are missing or differ from their contracts."""
    stale = []
    for contract in load_contracts().values():
        path = suites_dir / f"{contract.table}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != suite_text(contract):
            stale.append(path)
    return stale


def write_suites(suites_dir: Path = SUITES_DIR) -> list[Path]:
    """Write every suite from its contract; the suites that changed."""
    changed = stale_suites(suites_dir)
    for contract in load_contracts().values():
        path = suites_dir / f"{contract.table}.json"
        if path in changed:
            path.write_text(suite_text(contract), encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations.suites", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a suite is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_suites()
        for path in stale:
            print(f"{path} differs from its contract: run `make suites`", file=sys.stderr)
        return 1 if stale else 0
    for path in write_suites():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
