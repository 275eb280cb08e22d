"""How long `compute_changes` (`duaal diff`, `duaal export changes`) takes on two large runs
with a correction file between them.

    .venv/bin/duaal generate --out /tmp/h2/raw --agreements 30000 --seed 3
    .venv/bin/python -m benchmarks.bench_changes --raw /tmp/h2/raw --work /tmp/h2/work
    .venv/bin/python -m benchmarks.bench_changes --work /tmp/h2/work --module OLD.py

The first call copies the exports to WORK/raw and runs the pipeline twice (no reports):
once on the exports, once after two correction files: agreements of 2024-2025 registered
late (decisions and findings change), and premium history rows of 2024-2025 (premiums
that were missing now paid, paid premiums replaced by another amount). Later calls reuse
WORK/duaal.duckdb. Each call then times `compute_changes` on it, `--repeat` times on a
read-only connection, and prints the median and the fastest, in wall-clock and in CPU
seconds (all DuckDB threads; on a shared machine the CPU is the steadier figure), and the
changes per kind.
`--module FILE` times the `compute_changes` of another file (the single module duaal/changes.py was before it became a package),
so that two versions are measured on the same database in the same sitting.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import shutil
import statistics
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.run.pipeline import execute
from transforms.sources import AGREEMENTS, PREMIUMS, Source

AS_OF = date(2026, 12, 7)
CORRECTED = 300  # agreements registered late; premium rows added and replaced: as many each


def _cell(value: object) -> str:
    """A value as an export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value)


def _write(path: Path, source: Source, rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow([c.header for c in source.columns])
        out.writerows([_cell(v) for v in row] for row in rows)


def _corrections(db: Path, raw: Path) -> None:
    """The correction files: late registrations and premium history rows of 2024-2025."""
    con = connect(db, read_only=True)
    try:
        cols = ", ".join(c.name for c in AGREEMENTS.columns)
        late = con.execute(
            f"""SELECT {cols.replace("registration_date", "start_date + 150")}
            FROM stg_werkplekduaal__agreements
            WHERE start_date BETWEEN '2024-09-01' AND '2025-01-31'
              AND registration_date IS NOT NULL
            ORDER BY agreement_id LIMIT {CORRECTED}"""
        ).fetchall()
        paid = con.execute(
            f"""SELECT school_year, company_kbo, learner_insz, 'premie',
                   CASE WHEN status = 'missing' THEN decided_eur ELSE paid_eur + 100 END,
                   coalesce(paid_on, DATE '2026-03-15')
            FROM fct_payment_reconciliation
            WHERE school_year = '2024-2025' AND status IN ('missing', 'paid')
            QUALIFY row_number() OVER (PARTITION BY status ORDER BY company_kbo, learner_insz)
                    <= {CORRECTED // 2}
            ORDER BY ALL"""
        ).fetchall()
    finally:
        con.close()
    _write(raw / "overeenkomsten" / "zz_correctie.csv", AGREEMENTS, late)
    _write(raw / "premies" / "zz_correctie.csv", PREMIUMS, paid)


def prepare(raw: Path | None, work: Path) -> Path:
    """Two completed runs in WORK/duaal.duckdb, a correction between them."""
    db = work / "duaal.duckdb"
    if db.exists():
        return db
    if raw is None:
        raise SystemExit(f"{db} does not exist: give --raw")
    shutil.copytree(raw, work / "raw")
    settings = load_settings(raw=work / "raw", db=db, reports=work / "reports", as_of=AS_OF)
    t0 = time.perf_counter()
    execute(settings, with_reports=False)
    _corrections(db, work / "raw")
    execute(settings, with_reports=False)
    print(f"two runs in {time.perf_counter() - t0:.1f} s")
    return db


def _compute(module: Path | None):
    if module is None:
        from duaal.history.changes import compute_changes

        return compute_changes
    spec = importlib.util.spec_from_file_location("changes_under_test", module)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded  # dataclasses look their module up
    spec.loader.exec_module(loaded)
    return loaded.compute_changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, help="the generated exports (first call)")
    parser.add_argument("--work", type=Path, required=True, help="folder of the database")
    parser.add_argument("--module", type=Path, help="another changes module to time")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    db = prepare(args.raw, args.work)
    compute_changes = _compute(args.module)
    con = connect(db, read_only=True)
    try:
        wall, cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            changes = compute_changes(con)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    finally:
        con.close()
    kinds = Counter(c.kind for c in changes.items)
    print(f"{args.module or 'duaal.changes'}: {len(changes.items)} changes {dict(kinds)}")
    for name, times in (("wall", wall), ("CPU", cpu)):
        print(f"  {name}: median {statistics.median(times):.3f} s, fastest {min(times):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
