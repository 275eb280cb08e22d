"""The loader: one batch per file, SHA-256 skip, refused files recorded, all-or-nothing files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.fixtures.exports.writers import (
    DIMONA_HEADERS,
    KBO,
    PREMIUM_HEADERS,
    TITLE,
    WORKER,
    dimona_row,
    premium_row,
    write_csv,
    write_xlsx,
)
from transforms import loading
from transforms.loading import FileOutcome, ingest, load_aliases, scan_raw
from transforms.schema import ensure_schema

NOW = datetime(2025, 1, 2, 3, 4, 5)
TABLES = ("load_batches", "quarantine", "ingest_dimona", "ingest_premies", "ingest_overeenkomsten")


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    return con


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of the tables a load writes to, sorted."""
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def dimona_file(folder: Path, name: str, *rows: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_xlsx(folder / name, [TITLE, DIMONA_HEADERS, *rows], "Dimona")


def test_loads_each_file_with_lineage_and_quarantine(tmp_path: Path, con) -> None:
    raw = tmp_path / "raw"
    dimona_file(
        raw / "dimona",
        "dimona_2024.xlsx",
        dimona_row(dimona_id="D-1"),
        [],
        dimona_row(dimona_id="D-2", start_date="31/02/2024", status="?"),
    )
    (raw / "premies").mkdir()
    write_csv(raw / "premies" / "premies.csv", [PREMIUM_HEADERS, premium_row()], delimiter=",")

    outcomes = ingest(con, raw, now=NOW)

    assert outcomes == [
        FileOutcome("dimona", "dimona_2024.xlsx", "loaded", None, 1, "Dimona", 3, 1, 1, 1),
        FileOutcome("premies", "premies.csv", "loaded", None, 2, None, 1, 1, 0, 0),
    ]
    assert con.execute(
        "SELECT batch_id, source, file_name, sheet_name, status, reason, rows_read, "
        "rows_accepted, rows_quarantined, rows_blank, loaded_at FROM load_batches ORDER BY 1"
    ).fetchall() == [
        (1, "dimona", "dimona_2024.xlsx", "Dimona", "loaded", None, 3, 1, 1, 1, NOW),
        (2, "premies", "premies.csv", None, "loaded", None, 1, 1, 0, 0, NOW),
    ]
    assert con.execute(
        "SELECT batch_id, file_name, sheet_name, row_number, dimona_id, company_kbo, "
        "worker_insz, start_date, declared_on, status FROM ingest_dimona"
    ).fetchall() == [
        (1, "dimona_2024.xlsx", "Dimona", 3, "D-1", KBO, WORKER, date(2024, 9, 2),
         date(2024, 8, 30), "Actief"),
    ]  # fmt: skip
    assert con.execute(
        "SELECT batch_id, source, file_name, sheet_name, row_number, reason, detail "
        "FROM quarantine ORDER BY reason"
    ).fetchall() == [
        (1, "dimona", "dimona_2024.xlsx", "Dimona", 5, "INVALID_DATE",
         "Begindatum 31/02/2024 bestaat niet"),
        (1, "dimona", "dimona_2024.xlsx", "Dimona", 5, "INVALID_VALUE",
         "Status '?' is geen Actief of Geannuleerd"),
    ]  # fmt: skip
    assert con.execute(
        "SELECT batch_id, row_number, school_year, amount_eur::VARCHAR FROM ingest_premies"
    ).fetchall() == [(2, 2, "2023-2024", "750.000000")]  # DECIMAL(18, 6): kept exactly


def test_a_file_loaded_before_is_skipped_and_not_recorded_again(tmp_path: Path, con) -> None:
    raw = tmp_path / "raw"
    dimona_file(raw / "dimona", "a.xlsx", dimona_row())
    ingest(con, raw, now=NOW)
    before = snapshot(con)

    # the same bytes under another name are the same export
    (raw / "dimona" / "a.xlsx").rename(raw / "dimona" / "b.xlsx")
    outcomes = ingest(con, raw, now=datetime(2025, 2, 1))

    assert outcomes == [
        FileOutcome(
            "dimona",
            "b.xlsx",
            "skipped",
            "loaded before as batch 1 on 2025-01-02 03:04; not recorded again",
            1,
            None,
        )
    ]
    assert snapshot(con) == before


def test_a_refused_file_is_recorded_and_the_others_go_on(tmp_path: Path, con) -> None:
    raw = tmp_path / "raw"
    folder = raw / "dimona"
    dimona_file(folder, "1_goed.xlsx", dimona_row(dimona_id="D-1"))
    write_xlsx(folder / "2_zonder_status.xlsx", [[h for h in DIMONA_HEADERS if h != "Status"]])
    (folder / "3_notities.txt").write_text("geen export")
    dimona_file(folder, "4_goed.xlsx", dimona_row(dimona_id="D-4"))
    (folder / ".verborgen.xlsx").write_bytes(b"hidden")
    (folder / "~$1_goed.xlsx").write_bytes(b"lock file of an open workbook")

    outcomes = ingest(con, raw, now=NOW)

    assert [(o.file_name, o.status, o.batch_id, o.reason) for o in outcomes] == [
        ("1_goed.xlsx", "loaded", 1, None),
        (
            "2_zonder_status.xlsx",
            "refused",
            2,
            "2_zonder_status.xlsx: missing column(s) 'Status' in sheet 'Blad1' (header row 1)",
        ),
        ("4_goed.xlsx", "loaded", 3, None),
    ]
    assert [(u.path.name, u.why) for u in scan_raw(raw).unread] == [
        (".verborgen.xlsx", ".verborgen.xlsx is a hidden file: not read"),
        (
            "3_notities.txt",
            "3_notities.txt is not an export (an export is .xlsx, .xlsm or .csv): not read",
        ),
        (
            "~$1_goed.xlsx",
            "~$1_goed.xlsx is the lock file of a workbook open in Excel or LibreOffice: not read",
        ),
    ], "what is not read is said, not dropped"
    assert con.execute(
        "SELECT batch_id, status, sheet_name, rows_read, rows_accepted, rows_quarantined, "
        "rows_blank FROM load_batches WHERE status = 'refused' ORDER BY 1"
    ).fetchall() == [(2, "refused", None, 0, 0, 0, 0)]
    assert con.execute("SELECT batch_id, dimona_id FROM ingest_dimona ORDER BY 1").fetchall() == [
        (1, "D-1"),
        (3, "D-4"),
    ]


def test_a_refused_file_changes_nothing_but_its_batch_row(tmp_path: Path, con) -> None:
    raw = tmp_path / "raw"
    dimona_file(raw / "dimona", "a.xlsx", dimona_row())
    ingest(con, raw, now=NOW)
    before = snapshot(con)
    (raw / "dimona" / "b.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")

    (outcome,) = [o for o in ingest(con, raw, now=NOW) if o.status != "skipped"]

    assert outcome.status == "refused"
    after = snapshot(con)
    assert [row[:2] for row in after.pop("load_batches")] == [(1, "dimona"), (2, "dimona")]
    before.pop("load_batches")
    assert after == before, "a refused file must add no rows and no quarantine"


def test_a_refused_file_is_tried_again_on_the_next_run(tmp_path: Path, con) -> None:
    raw = tmp_path / "raw"
    (raw / "dimona").mkdir(parents=True)
    (raw / "dimona" / "kapot.xlsx").write_bytes(b"not a workbook")
    first = ingest(con, raw, now=NOW)
    second = ingest(con, raw, now=NOW)
    assert [(o.status, o.batch_id) for o in first + second] == [("refused", 1), ("refused", 2)]


def test_a_failure_mid_file_leaves_every_table_as_it_was(
    tmp_path: Path, con, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    dimona_file(raw / "dimona", "a.xlsx", dimona_row(dimona_id="D-1"))
    ingest(con, raw, now=NOW)
    before = snapshot(con)
    dimona_file(
        raw / "dimona",
        "b.xlsx",
        dimona_row(dimona_id="D-2"),
        dimona_row(dimona_id="D-3", status="?"),
    )

    def broken_insert(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "_insert_quarantine", broken_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(con, raw, now=NOW)

    assert snapshot(con) == before, "the batch row and the accepted rows must be rolled back"
    # the connection is usable and the file loads once the failure is gone
    monkeypatch.undo()
    outcomes = ingest(con, raw, now=NOW)
    assert [(o.file_name, o.status, o.rows_accepted, o.rows_quarantined) for o in outcomes] == [
        ("a.xlsx", "skipped", 0, 0),
        ("b.xlsx", "loaded", 1, 1),
    ]


def test_counts_add_up_for_every_loaded_batch(tmp_path: Path, con) -> None:
    raw = tmp_path / "raw"
    dimona_file(
        raw / "dimona",
        "a.xlsx",
        dimona_row(dimona_id="D-1"),
        [],
        dimona_row(dimona_id="D-1", status="Geannuleerd"),
        dimona_row(dimona_id="D-3", end_date=date(2020, 1, 1)),
        [],
        dimona_row(dimona_id="D-4"),
    )
    ingest(con, raw, now=NOW)
    assert con.execute(
        "SELECT rows_read, rows_accepted, rows_quarantined, rows_blank, "
        "(SELECT count(*) FROM ingest_dimona), "
        "(SELECT count(DISTINCT row_number) FROM quarantine) FROM load_batches"
    ).fetchall() == [(6, 1, 3, 2, 1, 3)]


def test_aliases_file_is_used_and_checked(tmp_path: Path, con) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[dimona]\n"Status" = ["Toestand"]\n')
    assert load_aliases(aliases) == {"dimona": {"Status": ["Toestand"]}}
    raw = tmp_path / "raw"
    renamed = [*DIMONA_HEADERS[:-1], "Toestand"]
    (raw / "dimona").mkdir(parents=True)
    write_xlsx(raw / "dimona" / "a.xlsx", [renamed, dimona_row()])
    (outcome,) = ingest(con, raw, aliases, now=NOW)
    assert (outcome.status, outcome.rows_accepted) == ("loaded", 1)

    aliases.write_text('[dimona]\n"Status" = ["Begindatum"]\n')
    with pytest.raises(ValueError, match="would match both 'Begindatum' and 'Status'"):
        load_aliases(aliases)
    aliases.write_text('[dimona]\n"Toestand" = ["Status"]\n')
    with pytest.raises(ValueError, match=r"\[dimona\] has no column 'Toestand'"):
        load_aliases(aliases)


def test_the_default_aliases_file_is_valid() -> None:
    aliases = load_aliases(None)
    assert aliases["dimona"]["Begindatum"] == ["Begin", "Datum in dienst"]
    assert "Ondernemingsnr" in aliases["premies"]["Ondernemingsnummer"]
