"""The day after: one new CSV of corrected agreements of the running school year.

    .venv/bin/python -m benchmarks.daily RAW [--as-of 2025-11-28] [--agreements 300]

An analyst's daily run (issue 23) finds the exports of the day before and one new file: the
portal's export of the agreements corrected since, as `;`-separated CSV. This writes that
file into RAW/overeenkomsten/: `--agreements` rows of the running school year's workbook
(`overeenkomsten_<year>.xlsx`, as `duaal generate` writes it), every n-th row that the
reader accepts, each with one correction in turn: a registration date filled in or moved, the hours
per week changed, or the agreement ended a week before the day of the export. Same input,
same bytes. The file has no `Exportdatum`: its version is its modification time, the
moment it is written, so it is newer than the workbooks of the day before (the workbooks
`duaal generate` writes have none either).
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

from benchmarks.datasets import AS_OF

DAILY_AGREEMENTS = 300
DATE_COLUMNS = ("start_date", "end_date", "termination_date", "registration_date")


def school_year_label(day: date) -> str:
    """The school year a day falls in (1 September to 31 August): '2025-2026'."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{first + 1}"


def daily_file(raw: Path, as_of: date) -> Path:
    """Where the corrections exported on the day after as_of go."""
    day = as_of + timedelta(days=1)
    return raw / "overeenkomsten" / f"overeenkomsten_correcties_{day:%Y%m%d}.csv"


def _as_typed(value: object) -> object:
    """A cell as the portal types it: a whole number read as a float (a postcode) as an int."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _clean(row: dict[str, object]) -> bool:
    """A row a correction keeps readable: an agreement id, real dates, numeric hours."""
    dates_ok = all(isinstance(row[c], date) or row[c] in ("", None) for c in DATE_COLUMNS)
    return (
        str(row["agreement_id"]).startswith("OVK")
        and isinstance(row["start_date"], date)
        and isinstance(row["end_date"], date)
        and isinstance(row["hours_per_week"], int | float)
        and dates_ok
    )


def corrected(row: dict[str, object], turn: int, exported: date) -> dict[str, object]:
    """One correction of an agreement, the kind chosen by turn (0, 1, 2, 0, ...)."""
    out = dict(row)
    start = row["start_date"]
    assert isinstance(start, date)
    if turn % 3 == 0:  # the registration filled in, or corrected, ten days after the start
        out["registration_date"] = start + timedelta(days=10)
    elif turn % 3 == 1:  # hours per week corrected
        hours = float(row["hours_per_week"])  # type: ignore[arg-type]
        out["hours_per_week"] = hours - 4 if hours >= 24 else hours + 4
    else:  # the agreement ended a week before the export (never before its start)
        out["termination_date"] = max(start, exported - timedelta(days=7))
    return out


def write_daily_csv(
    raw: Path,
    as_of: date = AS_OF,
    agreements: int = DAILY_AGREEMENTS,
    started_from: date | None = None,
) -> tuple[Path, int]:
    """Write the day after's CSV of corrected agreements under raw; its path and rows.
    started_from: only agreements that started on or after this day (the running school
    year's workbook also holds agreements that started in earlier years and still run)."""
    from python_calamine import CalamineWorkbook

    from sample.writing import write_csv
    from transforms.reading import read_file
    from transforms.sources import AGREEMENTS

    source = raw / "overeenkomsten" / f"overeenkomsten_{school_year_label(as_of)}.xlsx"
    grid = CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python()
    headers = [c.header for c in AGREEMENTS.columns]
    names = [c.name for c in AGREEMENTS.columns]
    if list(grid[0][: len(headers)]) != headers:
        raise ValueError(f"{source}: its first row is not the agreements' header row")
    refused = {q.row_number for q in read_file(source, AGREEMENTS).quarantine}
    rows = [
        dict(zip(names, map(_as_typed, values), strict=False))
        for number, values in enumerate(grid[1:], start=2)  # as a spreadsheet numbers rows
        if number not in refused
    ]
    clean = [
        r
        for r in rows
        if _clean(r) and (started_from is None or r["start_date"] >= started_from)  # type: ignore[operator]
    ]
    step = max(len(clean) // agreements, 1)
    chosen = clean[::step][:agreements]
    exported = as_of + timedelta(days=1)
    out = [corrected(r, i, exported) for i, r in enumerate(chosen)]
    path = daily_file(raw, as_of)
    written = write_csv(path, headers, ([r[n] for n in names] for r in out))
    return path, written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="a raw folder `duaal generate` wrote")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--agreements", type=int, default=DAILY_AGREEMENTS)
    parser.add_argument(
        "--started-from",
        type=date.fromisoformat,
        help="only agreements that started on or after this day (e.g. the school year's 1 September)",
    )
    args = parser.parse_args(argv)
    path, rows = write_daily_csv(args.raw, args.as_of, args.agreements, args.started_from)
    print(f"{path}: {rows} corrected agreements")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
