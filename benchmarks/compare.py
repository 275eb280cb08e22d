"""A daily run against a cold run of the same folder: the digests the runs recorded and
every workbook cell, run ids and clock times masked (issue 23, goal 1)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RUN_ID = re.compile(r"R\d{8}T\d{6}-[0-9a-f]{6}")

CLOCK = re.compile(
    r"\d{1,2}[/-]\d{1,2}[/-]\d{4} \d{1,2}:\d{2}(:\d{2})?|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"
)

# the day a federatie workbook's run published it (its start): a time of the run
PUBLISHED = re.compile(r"gepubliceerd \d{2}/\d{2}/\d{4}")

CHANGES_SHEET = "Wijzigingen"  # the sheet of what changed since the previous completed run

COMPARED_WITH = "Wijzigingen sinds"  # the Toelichting's row naming that previous run


def latest_digests(db: Path) -> dict[str, str]:
    """The digests the newest completed run of a database recorded."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT digest_decisions, digest_findings, digest_payments, digest_quarantine "
            "FROM runs WHERE status = 'completed' ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return dict(zip(("decisions", "findings", "payments", "quarantine"), row, strict=True))


def masked(value: object) -> object:
    """A cell with what differs from run to run by nature masked: run ids, clock times and
    the day a run published a federatie workbook."""
    if isinstance(value, str):
        value = PUBLISHED.sub("gepubliceerd <day>", value)
        return CLOCK.sub("<time>", RUN_ID.sub("<run>", value))
    if hasattr(value, "hour") and (value.hour, value.minute, value.second) != (0, 0, 0):
        return "<time>"
    return value


def workbook_cells(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet of a workbook as rows of masked cells."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheets = {}
    for name in book.sheet_names:
        rows = [[masked(v) for v in row] for row in book.get_sheet_by_name(name).to_python()]
        # the previous run a run compares with: a cold run has none
        sheets[name] = [row[:1] if row[:1] == [COMPARED_WITH] else row for row in rows]
    return sheets


def written_by_last_run(reports: Path) -> set[Path]:
    """The workbooks the last run of a reports folder wrote or kept (its inhoud.json), not
    those an earlier run wrote for another as_of."""
    manifest = json.loads((reports / "inhoud.json").read_text(encoding="utf-8"))
    last = manifest["laatste_run"]
    return {
        Path(entry["werkmap"])
        for entry in manifest["werkmappen"]
        if last in (entry["run"], entry["behouden_door"])
    }


def compare_reports(daily: Path, cold: Path) -> dict[str, Any]:
    """Workbook by workbook, sheet by sheet: the cells that differ (masked), the
    'Wijzigingen' sheets counted apart."""
    daily_books = written_by_last_run(daily)
    cold_books = written_by_last_run(cold)
    differing: list[str] = []
    by_nature: list[str] = []
    for name in sorted(daily_books & cold_books):
        one, other = workbook_cells(daily / name), workbook_cells(cold / name)
        for sheet in sorted(set(one) | set(other)):
            a, b = one.get(sheet), other.get(sheet)
            if a == b:
                continue
            cells = _differing_cells(a or [], b or [])
            where = f"{name}:{sheet} ({cells} cells)"
            if sheet.startswith(CHANGES_SHEET):
                by_nature.append(where)
            else:
                differing.append(where)
    return {
        "workbooks": len(daily_books),
        "only_daily": sorted(map(str, daily_books - cold_books)),
        "only_cold": sorted(map(str, cold_books - daily_books)),
        "differing": differing,
        "differing_by_nature": by_nature,
    }


def _differing_cells(a: list[list[object]], b: list[list[object]]) -> int:
    count = 0
    for r in range(max(len(a), len(b))):
        x = a[r] if r < len(a) else []
        y = b[r] if r < len(b) else []
        count += sum(
            (x[c] if c < len(x) else "") != (y[c] if c < len(y) else "")
            for c in range(max(len(x), len(y)))
        )
    return count
