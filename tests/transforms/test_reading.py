"""The reader: one file in, exact accepted rows, exact quarantine, exact counts, or a refusal."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    IBAN,
    KBO,
    KBO_2,
    PREMIUM_HEADERS,
    RECOGNITION_HEADERS,
    TITLE,
    WORKER,
    WORKER_2,
    agreement_row,
    dimona_row,
    premium_row,
    recognition_row,
    write_csv,
    write_xlsx,
)
from transforms.reading import FileRefused, ReadResult, normalise_header, read_file
from transforms.sources import AGREEMENTS, DIMONA, PREMIUMS, RECOGNITIONS, SOURCES


def counts(result: ReadResult) -> tuple[int, int, int, int]:
    """(read, accepted, quarantined, blank), after checking they add up."""
    assert result.rows_read == result.rows_accepted + result.rows_quarantined + result.rows_blank
    assert result.rows_accepted == result.table.num_rows
    assert result.rows_quarantined == len({e.row_number for e in result.quarantine})
    return result.rows_read, result.rows_accepted, result.rows_quarantined, result.rows_blank


def problems(result: ReadResult) -> list[tuple[int, str]]:
    return [(e.row_number, e.reason) for e in result.quarantine]


def column(result: ReadResult, name: str) -> list:
    return result.table.column(name).to_pylist()


def test_workbook_with_title_rows_extra_column_and_mixed_forms(tmp_path: Path) -> None:
    rows = [
        TITLE,
        ["Exportdatum: 01/09/2025"],
        [],
        ["Opmerking", *DIMONA_HEADERS],  # an extra column in front
        ["", *dimona_row()],
        ["nvt", *dimona_row(
            dimona_id=100000000002.0,  # a number cell
            company_kbo=403170701,  # lost its leading zero
            worker_insz="06.05.12-123.95",
            rsz_number=" 123456-78 ",
            start_date=45537,  # Excel serial
            end_date="30/06/2025",
            declared_on="2024-08-30 14:05:00",
            joint_committee=111.0,
            status="ACTIEF",
        )],
        ["", *dimona_row(
            dimona_id="D-3",
            company_kbo="BE 1234.567.894",
            worker_insz=85073003328,
            start_date="2/9/2024",
            end_date="",
            declared_on=date(2024, 9, 1),
            joint_committee="200",
            status="geannuleerd",
        )],
    ]  # fmt: skip
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", rows), DIMONA, {})

    assert result.sheet_name == "Blad1"
    assert counts(result) == (3, 3, 0, 0)
    assert result.table.column_names == [c.name for c in DIMONA.columns] + ["row_number"]
    assert result.table.to_pylist() == [
        {
            "dimona_id": "D-1",
            "company_kbo": KBO,
            "rsz_number": None,
            "worker_insz": WORKER,
            "worker_type": "STU",
            "start_date": date(2024, 9, 2),
            "end_date": date(2025, 6, 30),
            "declared_on": date(2024, 8, 30),
            "joint_committee": "111",
            "status": "Actief",
            "row_number": 5,
        },
        {
            "dimona_id": "100000000002",
            "company_kbo": KBO,
            "rsz_number": "123456-78",
            "worker_insz": WORKER,
            "worker_type": "STU",
            "start_date": date(2024, 9, 2),
            "end_date": date(2025, 6, 30),
            "declared_on": date(2024, 8, 30),
            "joint_committee": "111",
            "status": "Actief",
            "row_number": 6,
        },
        {
            "dimona_id": "D-3",
            "company_kbo": KBO_2,
            "rsz_number": None,
            "worker_insz": WORKER_2,
            "worker_type": "STU",
            "start_date": date(2024, 9, 2),
            "end_date": None,
            "declared_on": date(2024, 9, 1),
            "joint_committee": "200",
            "status": "Geannuleerd",
            "row_number": 7,
        },
    ]


def test_blank_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    rows = [
        DIMONA_HEADERS,
        [],
        dimona_row(dimona_id="D-1"),
        ["", "   ", "", "", "", "", "", "", "", ""],  # whitespace only is blank too
        [],
        dimona_row(dimona_id="D-2"),
    ]
    path = write_xlsx(tmp_path / "dimona.xlsx", rows)
    result = read_file(path, DIMONA, {})
    assert counts(result) == (5, 2, 0, 3)
    assert column(result, "row_number") == [3, 6]


def test_each_quarantine_reason_on_its_exact_rows(tmp_path: Path) -> None:
    rows = [
        TITLE,
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1"),  # row 3: fine
        dimona_row(dimona_id="D-2", start_date="31/02/2024"),  # row 4
        dimona_row(dimona_id="D-3", worker_insz="85.07.30-033.29"),  # row 5
        dimona_row(dimona_id="D-4", company_kbo="0403.170.702"),  # row 6
        dimona_row(dimona_id="D-5", status="Actif"),  # row 7
        dimona_row(dimona_id="D-6", end_date=date(2024, 9, 1)),  # row 8: ends before start
        dimona_row(dimona_id="", worker_type=""),  # row 9: two missing values
        dimona_row(dimona_id="D-8", end_date=""),  # row 10: open-ended is fine
        dimona_row(dimona_id="D-9", declared_on="", start_date="gisteren"),  # row 11
        dimona_row(dimona_id="D-10", rsz_number="", joint_committee=124),  # row 12: fine
    ]
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", rows), DIMONA, {})

    assert problems(result) == [
        (4, "INVALID_DATE"),
        (5, "INVALID_INSZ"),
        (6, "INVALID_KBO"),
        (7, "INVALID_VALUE"),
        (8, "END_BEFORE_START"),
        (9, "MISSING_VALUE"),  # once per reason, naming both columns
        (11, "INVALID_DATE"),
        (11, "MISSING_VALUE"),
    ]
    assert [e.detail for e in result.quarantine] == [
        "Begindatum 31/02/2024 bestaat niet",
        "INSZ werknemer '85.07.30-033.29': controlecijfer klopt niet",
        "Ondernemingsnummer '0403.170.702': controlecijfer klopt niet",
        "Status 'Actif' is geen Actief of Geannuleerd",
        "Einddatum 01/09/2024 ligt voor Begindatum 02/09/2024",
        "Dimona-nummer: leeg, een waarde is verplicht; Type werknemer: leeg, een waarde is "
        "verplicht",
        "Begindatum 'gisteren' is geen datum",
        "Datum aangifte: leeg, een waarde is verplicht",
    ]
    assert column(result, "dimona_id") == ["D-1", "D-8", "D-10"]
    assert column(result, "joint_committee") == ["111", "111", "124"]
    assert counts(result) == (10, 3, 7, 0)


def test_quarantine_keeps_the_row_as_read(tmp_path: Path) -> None:
    rows = [DIMONA_HEADERS + ["Opmerking"], dimona_row(start_date="31/02/2024") + [12.0]]
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", rows), DIMONA, {})
    (entry,) = result.quarantine
    assert json.loads(entry.raw_values) == {
        "Dimona-nummer": "D-1",
        "Ondernemingsnummer": KBO,
        "RSZ-nummer": "",
        "INSZ werknemer": WORKER,
        "Type werknemer": "STU",
        "Begindatum": "31/02/2024",
        "Einddatum": "2025-06-30",
        "Datum aangifte": "2024-08-30 14:05:00",
        "Paritair comité": "111",
        "Status": "Actief",
        "Opmerking": 12,
    }


def test_agreement_values_and_their_reasons(tmp_path: Path) -> None:
    rows = [
        AGREEMENT_HEADERS,
        agreement_row(agreement_id="A-1", agreement_type="sao", hours_per_week="38,5",
                      learning_allowance="J", premium_consent="", company_iban="",
                      establishment_id=2123456789.0, establishment_postcode="2800",
                      termination_date="15.03.2025", registration_date=""),
        agreement_row(agreement_id="A-2", agreement_type="IBO"),
        agreement_row(agreement_id="A-3", establishment_postcode="B-2800"),
        agreement_row(agreement_id="A-4", company_iban="BE68 5390 0754 7035"),
        agreement_row(agreement_id="A-5", learning_allowance="misschien"),
        agreement_row(agreement_id="A-6", hours_per_week="veel"),
        agreement_row(agreement_id="A-7", termination_date="2024-08-31"),
        agreement_row(agreement_id="A-8", learner_insz=6051212395, company_iban=IBAN.lower()),
    ]  # fmt: skip
    result = read_file(write_xlsx(tmp_path / "ovk.xlsx", rows), AGREEMENTS, {})

    assert problems(result) == [
        (3, "INVALID_VALUE"),
        (4, "INVALID_POSTCODE"),
        (5, "INVALID_IBAN"),
        (6, "INVALID_VALUE"),
        (7, "INVALID_VALUE"),
        (8, "END_BEFORE_START"),
    ]
    assert result.quarantine[-1].detail == (
        "Datum beëindiging 31/08/2024 ligt voor Startdatum 01/09/2024"
    )
    first, last = result.table.to_pylist()
    assert {k: first[k] for k in (
        "agreement_type", "hours_per_week", "learning_allowance", "premium_consent",
        "company_iban", "establishment_id", "establishment_postcode", "termination_date",
        "registration_date", "row_number",
    )} == {
        "agreement_type": "SAO",
        "hours_per_week": Decimal("38.50"),
        "learning_allowance": True,
        "premium_consent": False,  # empty = no
        "company_iban": None,
        "establishment_id": "2123456789",
        "establishment_postcode": 2800,
        "termination_date": date(2025, 3, 15),
        "registration_date": None,
        "row_number": 2,
    }  # fmt: skip
    assert (last["agreement_id"], last["learner_insz"], last["company_iban"]) == (
        "A-8",
        WORKER,
        IBAN,
    )


def test_recognitions_and_premiums(tmp_path: Path) -> None:
    recognitions = [
        RECOGNITION_HEADERS,
        recognition_row(years_experience=7.0, mentor_training_exempt=True),
        recognition_row(recognition_id="ERK-2", years_experience="7,5"),
    ]
    result = read_file(write_xlsx(tmp_path / "erk.xlsx", recognitions), RECOGNITIONS, {})
    assert problems(result) == [(3, "INVALID_VALUE")]
    assert column(result, "years_experience") == [7]
    assert column(result, "mentor_training_exempt") == [True]

    premiums = [
        PREMIUM_HEADERS,
        premium_row(kind="Stagebonus", amount_eur="500,00"),
        premium_row(school_year="2023-2025", kind="premie"),
        premium_row(school_year="2022-2023", kind="bonus"),
    ]
    result = read_file(write_xlsx(tmp_path / "prem.xlsx", premiums), PREMIUMS, {})
    assert problems(result) == [(3, "INVALID_VALUE"), (4, "INVALID_VALUE")]
    assert result.table.to_pylist() == [
        {
            "school_year": "2023-2024",
            "company_kbo": KBO,
            "learner_insz": WORKER,
            "kind": "stagebonus",
            "amount_eur": Decimal("500.00"),
            "paid_on": date(2024, 11, 15),
            "row_number": 2,
        }
    ]


def test_duplicate_keys_with_different_values_are_all_quarantined(tmp_path: Path) -> None:
    rows = [
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1", status="Actief"),  # row 2
        dimona_row(dimona_id="D-2"),  # row 3
        dimona_row(dimona_id="D-1", status="Geannuleerd"),  # row 4
        dimona_row(dimona_id="D-2", start_date="02/09/2024"),  # row 5: same value, as text
        dimona_row(dimona_id="D-1", status="Actief"),  # row 6
    ]
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", rows), DIMONA, {})
    assert problems(result) == [(2, "DUPLICATE_KEY"), (4, "DUPLICATE_KEY"), (6, "DUPLICATE_KEY")]
    assert [e.detail for e in result.quarantine] == [
        "Dimona-nummer 'D-1' staat ook op rij 4 met andere waarden (en op rij 6 met dezelfde)",
        "Dimona-nummer 'D-1' staat ook op rijen 2 en 6 met andere waarden",
        "Dimona-nummer 'D-1' staat ook op rij 4 met andere waarden (en op rij 2 met dezelfde)",
    ]
    # exact duplicates (same parsed values) are both accepted; staging keeps one
    assert column(result, "row_number") == [3, 5]
    assert counts(result) == (5, 2, 3, 0)


def test_duplicate_composite_key(tmp_path: Path) -> None:
    rows = [
        RECOGNITION_HEADERS,
        recognition_row(recognition_id="ERK-1", mentor_insz=WORKER_2),
        recognition_row(recognition_id="ERK-1", mentor_insz=WORKER),  # another mentor: fine
        recognition_row(recognition_id="ERK-1", mentor_insz=WORKER_2, years_experience=3),
    ]
    result = read_file(write_xlsx(tmp_path / "erk.xlsx", rows), RECOGNITIONS, {})
    assert problems(result) == [(2, "DUPLICATE_KEY"), (4, "DUPLICATE_KEY")]
    assert result.quarantine[0].detail == (
        f"Erkenningsnummer 'ERK-1', INSZ mentor '{WORKER_2}' staat ook op rij 4 met andere waarden"
    )


def test_headers_match_loosely_and_through_aliases(tmp_path: Path) -> None:
    loose = [
        "DIMONA NUMMER", "KBO-nummer", "rsz nummer", "INSZ", "type_werknemer",
        "Begin", "einddatum ", "Datum van aangifte", "Paritair Comite", "STATUS",
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "dimona.xlsx", [loose, dimona_row()])
    result = read_file(path, DIMONA)  # default aliases from header_aliases.toml
    assert counts(result) == (1, 1, 0, 0)
    assert column(result, "worker_insz") == [WORKER]

    with pytest.raises(FileRefused) as caught:
        read_file(path, DIMONA, {})  # without aliases: four columns are missing
    assert str(caught.value) == (
        "dimona.xlsx: missing column(s) 'Ondernemingsnummer', 'INSZ werknemer', 'Begindatum', "
        "'Datum aangifte' in sheet 'Blad1' (header row 1)"
    )


def test_normalise_header() -> None:
    assert normalise_header(" Datum Beëindiging ") == "datumbeeindiging"
    assert normalise_header("Paritair comité") == normalise_header("PARITAIR-COMITE")


def test_the_first_sheet_holding_the_headers_is_read(tmp_path: Path) -> None:
    cover = [["Toelichting"], ["Deze export bevat Dimona-aangiften"]]
    path = write_xlsx(tmp_path / "d.xlsx", [DIMONA_HEADERS, dimona_row()], "Data", cover=cover)
    result = read_file(path, DIMONA, {})
    assert (result.sheet_name, column(result, "row_number")) == ("Data", [2])


def test_header_only_file(tmp_path: Path) -> None:
    result = read_file(write_xlsx(tmp_path / "d.xlsx", [TITLE, DIMONA_HEADERS]), DIMONA, {})
    assert counts(result) == (0, 0, 0, 0)
    assert result.table.column_names[-1] == "row_number"


def test_header_below_row_20_is_not_found(tmp_path: Path) -> None:
    rows = [[f"regel {i}"] for i in range(20)] + [DIMONA_HEADERS, dimona_row()]
    with pytest.raises(FileRefused) as caught:
        read_file(write_xlsx(tmp_path / "laat.xlsx", rows), DIMONA, {})
    assert str(caught.value) == (
        "laat.xlsx: no header row of a dimona export in the first 20 rows (expected headers "
        "such as 'Dimona-nummer', 'Ondernemingsnummer', 'RSZ-nummer', ...)"
    )


def test_missing_column_refuses_the_file(tmp_path: Path) -> None:
    rows = [[h for h in DIMONA_HEADERS if h != "Status"], dimona_row()[:-1]]
    with pytest.raises(FileRefused) as caught:
        read_file(write_xlsx(tmp_path / "zonder_status.xlsx", rows), DIMONA, {})
    assert str(caught.value) == (
        "zonder_status.xlsx: missing column(s) 'Status' in sheet 'Blad1' (header row 1)"
    )


def test_duplicated_header_refuses_the_file(tmp_path: Path) -> None:
    rows = [DIMONA_HEADERS + ["begindatum"], dimona_row() + [date(2024, 1, 1)]]
    with pytest.raises(FileRefused) as caught:
        read_file(write_xlsx(tmp_path / "dubbel.xlsx", rows), DIMONA, {})
    assert str(caught.value) == (
        "dubbel.xlsx: column(s) 'Begindatum' appear more than once in sheet 'Blad1' (header row 1)"
    )


def test_a_column_renamed_to_another_ones_header_is_both_missing_and_doubled(
    tmp_path: Path,
) -> None:
    renamed = ["Begindatum" if h == "Einddatum" else h for h in DIMONA_HEADERS]
    with pytest.raises(FileRefused) as caught:
        read_file(write_xlsx(tmp_path / "kop.xlsx", [renamed, dimona_row()]), DIMONA, {})
    assert str(caught.value) == (
        "kop.xlsx: missing column(s) 'Einddatum'; column(s) 'Begindatum' appear more than once "
        "in sheet 'Blad1' (header row 1)"
    )
    assert caught.value.message_nl == (
        "kop.xlsx: kolom(men) 'Einddatum' ontbreken; kolom(men) 'Begindatum' komen meer dan "
        "eens voor in blad 'Blad1' (kopregel op rij 1)"
    )


def test_truncated_workbook_is_refused(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "heel.xlsx", [DIMONA_HEADERS, dimona_row()]).read_bytes()
    path = tmp_path / "afgebroken.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(FileRefused) as caught:
        read_file(path, DIMONA, {})
    assert str(caught.value).startswith(
        "afgebroken.xlsx: not a readable .xlsx workbook (damaged or truncated?)"
    )


def test_random_bytes_named_xlsx_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "ruis.xlsx"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(FileRefused) as caught:
        read_file(path, DIMONA, {})
    assert str(caught.value).startswith("ruis.xlsx: not a readable .xlsx workbook")


@pytest.mark.parametrize("name", ["export.xls", "export.txt", "export.pdf", "export"])
def test_other_extensions_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(";".join(DIMONA_HEADERS))
    with pytest.raises(FileRefused) as caught:
        read_file(path, DIMONA, {})
    assert str(caught.value) == (
        f"{name}: not a spreadsheet (an export must be .xlsx, .xlsm or .csv)"
    )


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_either_delimiter(tmp_path: Path, delimiter: str) -> None:
    rows = [
        ["Export Dimona"],
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1", joint_committee="111"),
        [],
        dimona_row(dimona_id="D-2", start_date="31/02/2024"),
        dimona_row(dimona_id="D-3", company_kbo="0403.170.701", end_date=""),
    ]
    path = write_csv(tmp_path / "dimona.csv", rows, delimiter=delimiter)
    result = read_file(path, DIMONA, {})
    assert result.sheet_name is None
    assert counts(result) == (4, 2, 1, 1)
    assert problems(result) == [(5, "INVALID_DATE")]  # the line number, header line included
    assert column(result, "row_number") == [3, 6]
    assert column(result, "company_kbo") == [KBO, KBO]
    assert column(result, "declared_on") == [date(2024, 8, 30), date(2024, 8, 30)]


def test_csv_with_bom(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", [DIMONA_HEADERS, dimona_row()], bom=True)
    result = read_file(path, DIMONA, {})
    assert counts(result) == (1, 1, 0, 0)
    assert column(result, "dimona_id") == ["D-1"]


def test_csv_in_windows_1252(tmp_path: Path) -> None:
    rows = [DIMONA_HEADERS, dimona_row(worker_type="Élève")]  # 'Paritair comité' header too
    path = write_csv(tmp_path / "ansi.csv", rows, encoding="cp1252")
    assert "é".encode("cp1252") in path.read_bytes()
    result = read_file(path, DIMONA, {})
    assert column(result, "worker_type") == ["ÉLÈVE"]  # a code: upper case, accents kept


def test_csv_quoted_field_spanning_lines_keeps_line_numbers(tmp_path: Path) -> None:
    rows = [
        DIMONA_HEADERS,
        dimona_row(worker_type="STU\nALT"),
        dimona_row(dimona_id="D-2", status="?"),
    ]
    path = write_csv(tmp_path / "multi.csv", rows)
    result = read_file(path, DIMONA, {})
    assert problems(result) == [(4, "INVALID_VALUE")]  # the record starts on line 4


def test_csv_with_nul_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "binair.csv"
    path.write_bytes(b"Dimona-nummer;\x00\x01\x02")
    with pytest.raises(FileRefused) as caught:
        read_file(path, DIMONA, {})
    assert str(caught.value) == "binair.csv: not a text (CSV) file: it contains NUL bytes"


def test_empty_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    with pytest.raises(FileRefused) as caught:
        read_file(path, DIMONA, {})
    assert str(caught.value).startswith("leeg.csv: no header row of a dimona export")


def test_datetime_and_serial_in_csv(tmp_path: Path) -> None:
    rows = [
        DIMONA_HEADERS,
        dimona_row(start_date="2024-09-02", declared_on=datetime(2024, 9, 1, 8, 13)),
    ]
    result = read_file(write_csv(tmp_path / "d.csv", rows), DIMONA, {})
    assert (column(result, "start_date"), column(result, "declared_on")) == (
        [date(2024, 9, 2)],
        [date(2024, 9, 1)],
    )


def test_boolean_and_number_cells_are_not_confused(tmp_path: Path) -> None:
    rows = [
        RECOGNITION_HEADERS,
        recognition_row(recognition_id="ERK-1", years_experience=1, mentor_training_exempt=True),
        recognition_row(recognition_id="ERK-2", years_experience=True, mentor_training_exempt=1),
    ]
    result = read_file(write_xlsx(tmp_path / "erk.xlsx", rows), RECOGNITIONS, {})
    assert problems(result) == [(3, "INVALID_VALUE")]  # a yes/no cell is no number of years
    assert result.quarantine[0].detail == "Jaren ervaring WAAR is geen geheel getal"
    assert column(result, "years_experience") == [1]


def test_the_count_invariant_is_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transforms import parsing

    real = parsing.accepted_table
    monkeypatch.setattr(parsing, "accepted_table", lambda *a: real(*a).slice(0, 0))
    path = write_xlsx(tmp_path / "d.xlsx", [DIMONA_HEADERS, dimona_row()])
    with pytest.raises(parsing.ReadInvariantError, match="rows read 1 != accepted 0"):
        read_file(path, DIMONA, {})


def test_rsz_number_is_the_one_column_that_may_be_absent(tmp_path: Path) -> None:
    assert [c.header for s in SOURCES for c in s.columns if c.may_be_absent] == ["RSZ-nummer"]
    keep = [i for i, h in enumerate(DIMONA_HEADERS) if h != "RSZ-nummer"]
    rows = [[DIMONA_HEADERS[i] for i in keep], [dimona_row()[i] for i in keep]]
    result = read_file(write_xlsx(tmp_path / "dimona.xlsx", rows), DIMONA, {})
    assert counts(result) == (1, 1, 0, 0)
    assert column(result, "rsz_number") == [None]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_file_without_an_optional_column_is_refused_naming_every_missing_one(
    tmp_path: Path, suffix: str
) -> None:
    """Optional means a row's value may be empty, never that the column may be missing: a
    re-export without `IBAN onderneming` would replace every agreement's bank account."""
    gone = {"Datum beëindiging", "IBAN onderneming"}
    keep = [i for i, h in enumerate(AGREEMENT_HEADERS) if h not in gone]
    rows = [[AGREEMENT_HEADERS[i] for i in keep], [agreement_row()[i] for i in keep]]
    path = tmp_path / f"herexport{suffix}"
    if suffix == ".xlsx":
        write_xlsx(path, rows)
    else:
        write_csv(path, rows)
    with pytest.raises(FileRefused) as caught:
        read_file(path, AGREEMENTS, {})
    sheet, sheet_nl = (" in sheet 'Blad1'", " in blad 'Blad1'") if suffix == ".xlsx" else ("", "")
    assert str(caught.value) == (
        f"herexport{suffix}: missing column(s) 'Datum beëindiging', 'IBAN onderneming'{sheet} "
        "(header row 1)"
    )
    assert caught.value.message_nl == (
        f"herexport{suffix}: kolom(men) 'Datum beëindiging', 'IBAN onderneming' ontbreken"
        f"{sheet_nl} (kopregel op rij 1)"
    )
