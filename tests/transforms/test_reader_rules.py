"""The reader rules of CONTRACTS.md ("What the reader must accept"), each at its boundary:
a tiny export file in, the exact stored rows (and, where a rule compares, the finding) out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from tests.builders import add_dimona, add_recognition, rules_db
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    agreement_row,
    dimona_row,
    write_csv,
    write_xlsx,
)
from transforms.loading import ingest
from transforms.reading import read_file
from transforms.sources import AGREEMENTS, DIMONA
from transforms.values import INVALID_DATE, INVALID_VALUE


def problems(result) -> list[tuple[int, str]]:
    return [(e.row_number, e.reason) for e in result.quarantine]


def test_csv_date_cells_of_at_most_5_digits_are_excel_serials(tmp_path: Path) -> None:
    rows = [
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1", start_date="45555", end_date="45838", declared_on="45554"),
        dimona_row(dimona_id="D-2", start_date="455550"),  # 6 digits: no serial, no date
    ]
    result = read_file(write_csv(tmp_path / "dimona.csv", rows), DIMONA, {})
    assert problems(result) == [(3, INVALID_DATE)]
    (row,) = result.table.to_pylist()
    assert (row["start_date"], row["end_date"], row["declared_on"]) == (
        date(2024, 9, 20),
        date(2025, 6, 30),
        date(2024, 9, 19),
    )


def test_dimona_end_date_in_the_year_9999_is_open_ended(tmp_path: Path) -> None:
    workbook = [
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1", end_date=date(9999, 12, 31)),  # a date cell
        dimona_row(dimona_id="D-2", end_date=2958465),  # its serial in a number cell
        dimona_row(dimona_id="D-3", end_date="31/12/9999"),  # text
        dimona_row(dimona_id="D-4", end_date="9999-12-31"),
        dimona_row(dimona_id="D-5", end_date=""),  # empty: open-ended as before
        dimona_row(dimona_id="D-6", end_date="31/12/9998"),  # not 9999: implausible
    ]
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", workbook), DIMONA, {})
    assert problems(result) == [(7, INVALID_DATE)]
    assert [(r["dimona_id"], r["end_date"]) for r in result.table.to_pylist()] == [
        ("D-1", None),
        ("D-2", None),
        ("D-3", None),
        ("D-4", None),
        ("D-5", None),
    ]
    csv = [DIMONA_HEADERS, dimona_row(end_date="31/12/9999")]
    result = read_file(write_csv(tmp_path / "dimona.csv", csv), DIMONA, {})
    assert result.table.column("end_date").to_pylist() == [None]


def test_9999_is_an_invalid_date_outside_dimona_end_dates(tmp_path: Path) -> None:
    rows = [AGREEMENT_HEADERS, agreement_row(end_date="31/12/9999")]
    result = read_file(write_csv(tmp_path / "ovk.csv", rows), AGREEMENTS, {})
    assert problems(result) == [(2, INVALID_DATE)]


def test_codes_match_ignoring_case_and_spaces_and_are_stored_as_the_contract_spells_them(
    tmp_path: Path,
) -> None:
    rows = [
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1", worker_type=" alt ", status=" ACTIEF "),
        dimona_row(dimona_id="D-2", worker_type="Oth", status="geannuleerd"),
        dimona_row(dimona_id="D-3", worker_type="nieuw", status="Actief"),  # unknown: kept
    ]
    result = read_file(write_csv(tmp_path / "dimona.csv", rows), DIMONA, {})
    assert problems(result) == []
    assert [(r["worker_type"], r["status"]) for r in result.table.to_pylist()] == [
        ("ALT", "Actief"),
        ("OTH", "Geannuleerd"),
        ("NIEUW", "Actief"),
    ]
    agreements = [AGREEMENT_HEADERS, agreement_row(agreement_type=" oao ")]
    result = read_file(write_csv(tmp_path / "ovk.csv", agreements), AGREEMENTS, {})
    assert result.table.column("agreement_type").to_pylist() == ["OAO"]


def test_a_lower_case_worker_type_counts_as_training(tmp_path: Path) -> None:
    con = rules_db()
    raw = tmp_path / "raw"
    (raw / "dimona").mkdir(parents=True)
    write_csv(raw / "dimona" / "d.csv", [DIMONA_HEADERS, dimona_row(worker_type="alt")])
    ingest(con, raw, workers=0)
    assert con.execute("SELECT worker_type FROM ingest_dimona").fetchall() == [("ALT",)]


def _hours_findings(tmp_path: Path, hours: object) -> list[tuple]:
    """HOURS_TYPE_MISMATCH of one OAO whose hours a week are written as `hours` in a CSV."""
    from tests.transforms.test_fct_compliance_findings import findings

    con: duckdb.DuckDBPyConnection = rules_db()
    raw = tmp_path / "raw"
    (raw / "overeenkomsten").mkdir(parents=True)
    row = agreement_row(agreement_id="OVK-1", hours_per_week=hours)
    write_csv(raw / "overeenkomsten" / "ovk.csv", [AGREEMENT_HEADERS, row])
    ingest(con, raw, workers=0)
    add_dimona(con, company_kbo=row[AGREEMENT_HEADERS.index("Ondernemingsnummer")])
    add_recognition(con)
    return [r[:5:4] for r in findings(con, date(2025, 1, 15), "HOURS_TYPE_MISMATCH")]


def test_19_996_hours_are_fewer_than_20(tmp_path: Path) -> None:
    assert _hours_findings(tmp_path, "19,996") == [
        ("HOURS_TYPE_MISMATCH", "OAO met 19,996 uur per week (minimum 20)")
    ]


def test_the_finding_shows_the_hours_exactly(tmp_path: Path) -> None:
    assert _hours_findings(tmp_path, "19,999999") == [
        ("HOURS_TYPE_MISMATCH", "OAO met 19,999999 uur per week (minimum 20)")
    ]


def test_20_hours_are_enough_for_an_oao(tmp_path: Path) -> None:
    assert _hours_findings(tmp_path, "20,000") == []


def test_hours_are_stored_exactly(tmp_path: Path) -> None:
    con = rules_db()
    raw = tmp_path / "raw"
    (raw / "overeenkomsten").mkdir(parents=True)
    rows = [
        AGREEMENT_HEADERS,
        agreement_row(agreement_id="A-1", hours_per_week="19,996"),
        agreement_row(agreement_id="A-2", hours_per_week="19,9999999"),  # 7 decimals
    ]
    write_csv(raw / "overeenkomsten" / "ovk.csv", rows)
    ingest(con, raw, workers=0)
    assert con.execute(
        "SELECT agreement_id, hours_per_week FROM ingest_overeenkomsten"
    ).fetchall() == [("A-1", Decimal("19.996000"))]
    assert con.execute("SELECT row_number, reason FROM quarantine").fetchall() == [
        (3, INVALID_VALUE)
    ]


def test_csv_row_number_of_a_record_spanning_lines_is_the_line_it_starts_on(
    tmp_path: Path,
) -> None:
    rows = [
        ["Export Dimona"],  # line 1: a title
        [],  # line 2: blank
        DIMONA_HEADERS,  # line 3
        dimona_row(dimona_id="D-1", rsz_number="a\r\nb\r\nc", status="?"),  # lines 4-6
        dimona_row(dimona_id="D-2", status="?"),  # line 7
        [],  # line 8: blank
        dimona_row(dimona_id="D-3", rsz_number="x\ny", status="?"),  # lines 9-10
        dimona_row(dimona_id="D-4"),  # line 11
    ]
    path = write_csv(tmp_path / "multi.csv", rows)
    assert path.read_bytes().count(b"\n") == 11, "11 physical lines"
    result = read_file(path, DIMONA, {})
    assert problems(result) == [(4, INVALID_VALUE), (7, INVALID_VALUE), (9, INVALID_VALUE)]
    assert result.table.column("row_number").to_pylist() == [11]
    assert (result.rows_read, result.rows_blank) == (5, 1)


def _with_cached_value(path: Path, formula: bytes, value: bytes) -> Path:
    """Give one formula cell a calculated value, as a spreadsheet saves it (openpyxl does not)."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    old = b"<f>" + formula + b"</f><v></v>"
    assert old in parts[sheet], "openpyxl writes a formula with an empty value"
    parts[sheet] = parts[sheet].replace(old, b"<f>" + formula + b"</f><v>" + value + b"</v>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def test_a_formula_cell_without_a_calculated_value_is_invalid_not_missing(
    tmp_path: Path,
) -> None:
    rows = [
        ["Export overeenkomsten"],
        AGREEMENT_HEADERS,
        agreement_row(agreement_id="A-1", end_date="=C3+300"),  # row 3: required column
        agreement_row(agreement_id="A-2", termination_date="=TODAY()"),  # row 4: optional
        agreement_row(agreement_id="A-3", learner_name='=""&"Jens"'),  # row 5: text
        agreement_row(agreement_id="A-4", end_date=""),  # row 6: really empty
        agreement_row(agreement_id="A-5", hours_per_week="=10*2"),  # row 7: calculated
    ]
    path = write_xlsx(tmp_path / "ovk.xlsx", rows)
    _with_cached_value(path, b"10*2", b"20")
    result = read_file(path, AGREEMENTS, {})
    assert [(e.row_number, e.reason, e.detail) for e in result.quarantine] == [
        (3, INVALID_VALUE, "Einddatum =C3+300: formule zonder berekende waarde"),
        (4, INVALID_VALUE, "Datum beëindiging =TODAY(): formule zonder berekende waarde"),
        (5, INVALID_VALUE, 'Naam lerende =""&"Jens": formule zonder berekende waarde'),
        (6, "MISSING_VALUE", "Einddatum: leeg, een waarde is verplicht"),
    ]
    assert json.loads(result.quarantine[0].raw_values)["Einddatum"] == "=C3+300"
    (accepted,) = result.table.to_pylist()
    assert (accepted["agreement_id"], accepted["hours_per_week"]) == ("A-5", Decimal("20"))


def test_a_formula_above_the_header_or_in_an_unread_column_changes_nothing(
    tmp_path: Path,
) -> None:
    rows = [["=1+1"], [*DIMONA_HEADERS, "Opmerking"], [*dimona_row(), "=A3"]]
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", rows), DIMONA, {})
    assert (result.rows_accepted, result.quarantine) == (1, [])
