"""The order of versions across files (transforms/versions.py, CONTRACTS.md "Inputs"): the
version in use for a key is the newest export's, whatever the order of loading; a file
loaded again under its name replaces its earlier load.

Tiny agreement exports are loaded with `ingest` (cold: the whole folder at once; file by
file: the folder growing between loads, with another `now` each time) and staging is built.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.fixtures.exports.writers import AGREEMENT_HEADERS, agreement_row, write_xlsx
from tests.transforms.cte import build_model, model_rows
from transforms.loading import ingest
from transforms.schema import ensure_schema
from transforms.versions import batch_versions

AS_OF = date(2025, 9, 1)
STAGING = "stg_werkplekduaal__agreements"
MONTH_1, MONTH_2, MONTH_3 = datetime(2025, 3, 3, 6), datetime(2025, 4, 1, 6), datetime(2025, 5, 2)


def export(
    path: Path, hours: dict[str, float], *, dated: date | None = None, mtime: datetime
) -> Path:
    """An agreements export: one row per agreement id with its hours a week; `dated` puts an
    Exportdatum in its title rows; `mtime` is the file's modification time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    title = [["Export overeenkomsten"], [f"Exportdatum: {dated:%d/%m/%Y}"], []] if dated else []
    rows = [agreement_row(agreement_id=key, hours_per_week=h) for key, h in hours.items()]
    write_xlsx(path, [*title, AGREEMENT_HEADERS, *rows])
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def load(raw: Path, *files: Path, now: datetime, db: duckdb.DuckDBPyConnection) -> None:
    """Put files into raw (keeping their dates) and ingest the folder."""
    for path in files:
        folder = raw / path.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folder / path.name)
    ingest(db, raw, now=now, workers=0)


def staged(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(agreement, file, row, hours) of every agreement staging holds."""
    build_model(con, STAGING, AS_OF)
    return model_rows(con, STAGING, "agreement_id, file_name, row_number, hours_per_week")


def database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    return con


# (a) a correction file whose name sorts before the full export, exported later


@pytest.fixture
def full_and_correction(tmp_path: Path) -> tuple[Path, Path]:
    """The full export of 1 March and a correction of one agreement of 5 March, named so
    that it sorts before the full export; dated by Exportdatum (a real export) while the
    files' modification times say the opposite (copied in the other order)."""
    exports = tmp_path / "exports" / "overeenkomsten"
    full = export(
        exports / "overeenkomsten_2024-2025.xlsx",
        {"OVK-1": 28, "OVK-2": 24},
        dated=date(2025, 3, 1),
        mtime=MONTH_2,
    )
    correction = export(
        exports / "correctie.xlsx", {"OVK-1": 30}, dated=date(2025, 3, 5), mtime=MONTH_1
    )
    return full, correction


WITH_CORRECTION = [
    ("OVK-1", "correctie.xlsx", 5, 30),
    ("OVK-2", "overeenkomsten_2024-2025.xlsx", 6, 24),
]


def test_a_later_correction_that_sorts_first_wins_in_a_cold_load(tmp_path, full_and_correction):
    con = database()
    load(tmp_path / "raw", *full_and_correction, now=MONTH_3, db=con)
    assert staged(con) == WITH_CORRECTION


@pytest.mark.parametrize("first", [0, 1], ids=["full export first", "correction first"])
def test_a_later_correction_that_sorts_first_wins_loaded_file_by_file(
    tmp_path, full_and_correction, first
):
    con = database()
    raw = tmp_path / "raw"
    load(raw, full_and_correction[first], now=MONTH_2, db=con)
    load(raw, full_and_correction[1 - first], now=MONTH_3, db=con)
    assert staged(con) == WITH_CORRECTION


def test_without_exportdatum_the_modification_time_at_the_first_load_dates_an_export(tmp_path):
    exports = tmp_path / "exports" / "overeenkomsten"
    full = export(exports / "overeenkomsten.xlsx", {"OVK-1": 28}, mtime=MONTH_1)
    correction = export(exports / "correctie.xlsx", {"OVK-1": 30}, mtime=MONTH_2)
    con = database()
    load(tmp_path / "raw", correction, now=MONTH_2, db=con)
    load(tmp_path / "raw", full, now=MONTH_3, db=con)  # copied in later, made earlier
    assert staged(con) == [("OVK-1", "correctie.xlsx", 2, 30)]
    assert con.execute(
        "SELECT file_name, file_mtime FROM load_batches ORDER BY ALL"
    ).fetchall() == [
        ("correctie.xlsx", MONTH_2),
        ("overeenkomsten.xlsx", MONTH_1),
    ]


# (d) equal export dates: the file name decides


@pytest.mark.parametrize("order", ["a then b", "b then a", "at once"])
def test_equal_export_dates_the_later_file_name_wins(tmp_path, order):
    exports = tmp_path / "exports" / "overeenkomsten"
    a = export(exports / "a.xlsx", {"OVK-1": 28}, dated=date(2025, 3, 1), mtime=MONTH_2)
    b = export(exports / "b.xlsx", {"OVK-1": 30}, dated=date(2025, 3, 1), mtime=MONTH_1)
    con, raw = database(), tmp_path / "raw"
    if order == "at once":
        load(raw, a, b, now=MONTH_3, db=con)
    else:
        first, second = (a, b) if order == "a then b" else (b, a)
        load(raw, first, now=MONTH_2, db=con)
        load(raw, second, now=MONTH_3, db=con)
    assert staged(con) == [("OVK-1", "b.xlsx", 5, 30)]


# a file loaded again under its name (re-saved with other bytes)


def test_a_resaved_file_replaces_its_earlier_load_at_its_own_place_in_the_order(tmp_path):
    """Its changed and new rows are newer than its earlier version, but not newer than a
    later export; its unchanged rows keep their file and row; a row no longer in it is
    gone, as in a cold load of the folder."""
    raw = tmp_path / "raw"
    old = raw / "overeenkomsten" / "overeenkomsten_2023-2024.xlsx"
    con = database()
    export(old, {"OVK-1": 28, "OVK-2": 24, "OVK-3": 20, "OVK-4": 32}, mtime=MONTH_1)
    ingest(con, raw, now=MONTH_1, workers=0)
    export(raw / "overeenkomsten" / "correctie.xlsx", {"OVK-1": 30}, mtime=MONTH_2)
    ingest(con, raw, now=MONTH_2, workers=0)
    # the analyst corrects OVK-2 in the old export, removes OVK-4 and saves it today
    export(old, {"OVK-1": 28, "OVK-2": 25, "OVK-3": 20, "OVK-5": 16}, mtime=MONTH_3)
    ingest(con, raw, now=MONTH_3, workers=0)
    assert staged(con) == [
        ("OVK-1", "correctie.xlsx", 2, 30),  # the later correction still counts
        ("OVK-2", "overeenkomsten_2023-2024.xlsx", 3, 25),  # the re-saved change counts
        ("OVK-3", "overeenkomsten_2023-2024.xlsx", 4, 20),  # unchanged: same file and row
        ("OVK-5", "overeenkomsten_2023-2024.xlsx", 5, 16),  # new in the re-saved file
    ]
    versions = con.execute(
        f"SELECT b.file_name, v.version_at FROM {batch_versions()} v "
        "JOIN load_batches b USING (batch_id) ORDER BY v.version"
    ).fetchall()
    assert versions == [
        ("overeenkomsten_2023-2024.xlsx", MONTH_1),  # the date of its first load
        ("correctie.xlsx", MONTH_2),
    ], "the first load of the re-saved file is no longer in effect"


def test_a_file_saved_back_to_bytes_loaded_before_is_loaded_again(tmp_path):
    """Its latest load had other bytes: skipping these (seen before) would leave the
    database on bytes no longer in the folder."""
    raw = tmp_path / "raw"
    path = export(raw / "overeenkomsten" / "o.xlsx", {"OVK-1": 28}, mtime=MONTH_1)
    first = path.read_bytes()
    con = database()
    ingest(con, raw, now=MONTH_1, workers=0)
    export(path, {"OVK-1": 30}, mtime=MONTH_2)
    ingest(con, raw, now=MONTH_2, workers=0)
    path.write_bytes(first)
    (outcome,) = ingest(con, raw, now=MONTH_3, workers=0)
    assert (outcome.status, outcome.batch_id) == ("loaded", 3)
    assert staged(con) == [("OVK-1", "o.xlsx", 2, 28)]
    (again,) = ingest(con, raw, now=MONTH_3, workers=0)
    assert (again.status, again.batch_id) == ("skipped", 1), "then met again: skipped"


def test_a_file_is_its_source_and_name_so_a_moved_raw_folder_keeps_its_files(tmp_path):
    raw, moved = tmp_path / "raw", tmp_path / "elders" / "raw"
    con = database()
    export(raw / "overeenkomsten" / "o.xlsx", {"OVK-1": 28, "OVK-2": 24}, mtime=MONTH_1)
    export(raw / "overeenkomsten" / "correctie.xlsx", {"OVK-1": 30}, mtime=MONTH_2)
    ingest(con, raw, now=MONTH_2, workers=0)
    shutil.copytree(raw, moved)  # the files keep their dates
    export(moved / "overeenkomsten" / "o.xlsx", {"OVK-1": 28, "OVK-2": 25}, mtime=MONTH_3)
    ingest(con, moved, now=MONTH_3, workers=0)
    assert staged(con) == [("OVK-1", "correctie.xlsx", 2, 30), ("OVK-2", "o.xlsx", 3, 25)]


def test_a_refused_reload_replaces_nothing(tmp_path):
    raw = tmp_path / "raw"
    path = export(raw / "overeenkomsten" / "o.xlsx", {"OVK-1": 28}, mtime=MONTH_1)
    con = database()
    ingest(con, raw, now=MONTH_1, workers=0)
    path.write_bytes(b"not a workbook")
    (outcome,) = ingest(con, raw, now=MONTH_2, workers=0)
    assert outcome.status == "refused"
    assert staged(con) == [("OVK-1", "o.xlsx", 2, 28)], "the database as it was for that file"


# (c) file by file over months or at once: the same versions


def test_the_same_folder_loaded_file_by_file_or_at_once_gives_the_same_rows(tmp_path):
    exports = tmp_path / "exports" / "overeenkomsten"
    files = [  # in the order they arrive; names, dates and arrival disagree on purpose
        export(exports / "z_2023.xlsx", {"OVK-1": 20, "OVK-2": 20}, mtime=datetime(2024, 9, 15)),
        export(exports / "b_correctie.xlsx", {"OVK-2": 21}, mtime=datetime(2025, 2, 1)),
        export(exports / "m_2024.xlsx", {"OVK-1": 22, "OVK-3": 22}, dated=date(2025, 1, 10),
               mtime=datetime(2025, 6, 1)),
        export(exports / "a_laat.xlsx", {"OVK-3": 23, "OVK-1": 23}, mtime=datetime(2025, 1, 20)),
    ]  # fmt: skip
    month_by_month = database()
    for month, path in enumerate(files, start=1):
        load(tmp_path / "monthly", path, now=datetime(2025, month, 28), db=month_by_month)
    at_once = database()
    load(tmp_path / "cold", *files, now=datetime(2025, 9, 1), db=at_once)
    expected = [
        ("OVK-1", "a_laat.xlsx", 3, 23),  # 20 January, after m_2024's Exportdatum 10 January
        ("OVK-2", "b_correctie.xlsx", 2, 21),
        ("OVK-3", "a_laat.xlsx", 2, 23),
    ]
    assert staged(month_by_month) == staged(at_once) == expected


# a database made before file_mtime was recorded


def test_batches_loaded_before_file_mtime_was_recorded_count_from_their_load(tmp_path):
    """The previous version ordered versions by load: for its batches (no file_mtime) that
    order stands, counted from loaded_at; a database or bundle without the column at all
    reads the same."""
    raw = tmp_path / "raw"
    con = database()
    export(raw / "overeenkomsten" / "b.xlsx", {"OVK-1": 28}, mtime=MONTH_2)
    ingest(con, raw, now=MONTH_1, workers=0)
    export(raw / "overeenkomsten" / "a.xlsx", {"OVK-1": 30}, mtime=MONTH_1)
    ingest(con, raw, now=MONTH_2, workers=0)
    con.execute("ALTER TABLE load_batches DROP COLUMN file_mtime")
    assert staged(con) == [("OVK-1", "a.xlsx", 2, 30)], "loaded later, so newer"
    ensure_schema(con)  # adds the column back, empty: the same order
    assert staged(con) == [("OVK-1", "a.xlsx", 2, 30)]
    # a later file with a recorded modification time compares with that load time
    export(raw / "overeenkomsten" / "c.xlsx", {"OVK-1": 32}, mtime=datetime(2025, 3, 15))
    ingest(con, raw, now=MONTH_3, workers=0)
    assert staged(con) == [("OVK-1", "a.xlsx", 2, 30)], "modified 15 March, before 1 April"
