"""inhoud.json: which run wrote each workbook of a reports folder (plain files, no run)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

from duaal.outputs.workbooks.manifest import (
    MANIFEST,
    Entry,
    other_runs,
    read_manifest,
    update_manifest,
)

FIRST, SECOND = "R20261101T060000-aaaaaa", "R20261201T060000-bbbbbb"


def _workbook(reports: Path, name: str, content: bytes) -> Path:
    path = reports / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_each_workbook_keeps_the_run_that_wrote_it_and_the_summary_names_the_others(
    tmp_path: Path,
):
    reports = tmp_path / "reports"
    old = [
        _workbook(reports, f"{y}/premies_{y}.xlsx", y.encode()) for y in ("2024-2025", "2025-2026")
    ]
    update_manifest(reports, FIRST, date(2026, 11, 1), old, now=datetime(2026, 11, 1, 6, 5))
    # the second run reports 2025-2026 only (--school-year) and judges on another day
    again = _workbook(reports, "2025-2026/premies_2025-2026.xlsx", b"new")
    mine = _workbook(reports, "conformiteit/conformiteit_2026-12-01.xlsx", b"c")
    _workbook(reports, "peildatum-2025-08-31/2024-2025/premies_2024-2025.xlsx", b"what-if")
    contents = update_manifest(
        reports, SECOND, date(2026, 12, 1), [again, mine], now=datetime(2026, 12, 1, 6, 5, 7, 9)
    )

    data = json.loads((reports / MANIFEST).read_text("utf-8"))
    assert (data["laatste_run"], data["bijgewerkt_op"]) == (SECOND, "2026-12-01T06:05:07")
    assert data["werkmappen"] == [
        {
            "werkmap": "2024-2025/premies_2024-2025.xlsx",
            "run": FIRST,
            "peildatum": "2026-11-01",
            "geschreven_op": "2026-11-01T06:05:00",
            "sha256": hashlib.sha256(b"2024-2025").hexdigest(),
            "behouden_door": None,
            "inhoudssleutel": None,
        },
        {
            "werkmap": "2025-2026/premies_2025-2026.xlsx",
            "run": SECOND,
            "peildatum": "2026-12-01",
            "geschreven_op": "2026-12-01T06:05:07",
            "sha256": hashlib.sha256(b"new").hexdigest(),
            "behouden_door": None,
            "inhoudssleutel": None,
        },
        {
            "werkmap": "conformiteit/conformiteit_2026-12-01.xlsx",
            "run": SECOND,
            "peildatum": "2026-12-01",
            "geschreven_op": "2026-12-01T06:05:07",
            "sha256": hashlib.sha256(b"c").hexdigest(),
            "behouden_door": None,
            "inhoudssleutel": None,
        },
    ], "the what-if folder has its own manifest"
    others = contents.others()
    assert [(e.workbook, e.run_id) for e in others] == [("2024-2025/premies_2024-2025.xlsx", FIRST)]
    assert other_runs(reports, SECOND) == others, "read back from the file"


def test_a_kept_workbook_names_its_writer_and_the_run_that_kept_it(tmp_path: Path):
    reports = tmp_path / "reports"
    path = _workbook(reports, "2024-2025/federatie_2024-2025.xlsx", b"f")
    update_manifest(reports, FIRST, date(2026, 11, 1), [path])
    contents = update_manifest(reports, SECOND, date(2026, 12, 1), [], kept=[path])
    (entry,) = contents.entries
    assert (entry.run_id, entry.as_of, entry.kept_by) == (FIRST, date(2026, 11, 1), SECOND)
    assert contents.others() == [], "what the run kept is the run's"


def test_workbooks_the_manifest_does_not_know_have_no_run_and_gone_ones_go(tmp_path: Path):
    reports = tmp_path / "reports"
    gone = _workbook(reports, "2023-2024/premies_2023-2024.xlsx", b"x")
    update_manifest(reports, FIRST, date(2026, 11, 1), [gone])
    gone.unlink()
    stranger = _workbook(reports, "2022-2023/premies_2022-2023.xlsx", b"before manifests")
    (reports / MANIFEST).write_text("{not json", "utf-8")  # damaged: made again from the folder
    assert read_manifest(reports) == {}
    contents = update_manifest(reports, SECOND, date(2026, 12, 1), [])
    (entry,) = contents.entries
    assert entry == Entry(
        "2022-2023/premies_2022-2023.xlsx",
        None,
        None,
        datetime.fromtimestamp(stranger.stat().st_mtime).replace(microsecond=0),
        None,
    )
    assert not list(reports.rglob("*.tmp"))
