"""Quarantine details are Dutch sentences naming the column and the value found (CONTRACTS.md,
Quarantine), as the readers of the compliance workbook need them; refusals carry both."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    PREMIUM_HEADERS,
    RECOGNITION_HEADERS,
    agreement_row,
    dimona_row,
    premium_row,
    recognition_row,
    write_csv,
    write_xlsx,
)
from transforms.loading import ingest
from transforms.reading import FileRefused, read_file
from transforms.schema import ensure_schema
from transforms.sources import AGREEMENTS, DIMONA, PREMIUMS, RECOGNITIONS
from transforms.values import (
    DUPLICATE_KEY,
    END_BEFORE_START,
    INVALID_DATE,
    INVALID_IBAN,
    INVALID_INSZ,
    INVALID_KBO,
    INVALID_POSTCODE,
    INVALID_VALUE,
    MISSING_VALUE,
)


def details(result) -> list[tuple[int, str, str]]:
    return [(e.row_number, e.reason, e.detail) for e in result.quarantine]


def test_the_examples_of_the_contract(tmp_path: Path) -> None:
    rows = [
        AGREEMENT_HEADERS,
        agreement_row(agreement_id="A-1", start_date="31/02/2024"),  # row 2
        agreement_row(agreement_id="A-2", learner_insz="12345"),  # row 3
        agreement_row(
            agreement_id="A-3", start_date=date(2026, 2, 20), end_date=date(2026, 1, 31)
        ),  # row 4
        agreement_row(agreement_id="X", hours_per_week=30),  # row 5
        agreement_row(agreement_id="A-5", joint_committee=""),  # row 6
        agreement_row(agreement_id="X", hours_per_week=32),  # row 7
    ]
    result = read_file(write_xlsx(tmp_path / "ovk.xlsx", rows), AGREEMENTS, {})
    assert details(result) == [
        (2, INVALID_DATE, "Startdatum 31/02/2024 bestaat niet"),
        (
            3,
            INVALID_INSZ,
            "INSZ lerende '12345': controlecijfer klopt niet, ook niet aangevuld tot 00000012345",
        ),
        (4, END_BEFORE_START, "Einddatum 31/01/2026 ligt voor Startdatum 20/02/2026"),
        (5, DUPLICATE_KEY, "Overeenkomst-ID 'X' staat ook op rij 7 met andere waarden"),
        (6, MISSING_VALUE, "Paritair comité: leeg, een waarde is verplicht"),
        (7, DUPLICATE_KEY, "Overeenkomst-ID 'X' staat ook op rij 5 met andere waarden"),
    ]


def test_end_and_termination_before_the_start_are_one_entry_naming_both(tmp_path: Path) -> None:
    rows = [
        AGREEMENT_HEADERS,
        agreement_row(
            agreement_id="A-1", end_date=date(2024, 8, 1), termination_date=date(2024, 8, 15)
        ),
        agreement_row(agreement_id="A-2", termination_date=date(2024, 8, 15)),  # only one
        agreement_row(agreement_id="A-3", start_date="", end_date=date(2024, 8, 1)),
    ]
    result = read_file(write_xlsx(tmp_path / "ovk.xlsx", rows), AGREEMENTS, {})
    assert details(result) == [
        (
            2,
            END_BEFORE_START,
            "Einddatum 01/08/2024 en Datum beëindiging 15/08/2024 liggen voor "
            "Startdatum 01/09/2024",
        ),
        (3, END_BEFORE_START, "Datum beëindiging 15/08/2024 ligt voor Startdatum 01/09/2024"),
        (4, MISSING_VALUE, "Startdatum: leeg, een waarde is verplicht"),  # no start: no order
    ]
    assert result.rows_quarantined == 3


# Words of the English details that the Dutch ones replaced.
ENGLISH = re.compile(
    r"\b(is not|not a|before|empty|required|checksum|digits|contains|too large|"
    r"negative|longer|characters|decimals|whole|number|also on|row|with other|values|"
    r"outside|plausible|typo|valid|has no|country|formula|value|existing|date|yes or no)\b",
    re.IGNORECASE,
)


def _broken_rows(tmp_path: Path) -> list:
    """Quarantine entries of every reason and every way a value can fail, from all sources."""
    agreements = [
        AGREEMENT_HEADERS,
        agreement_row(agreement_id="A-1", start_date="31/02/2024"),
        agreement_row(agreement_id="A-2", start_date="gisteren"),
        agreement_row(agreement_id="A-3", start_date=date(1900, 1, 1)),
        agreement_row(agreement_id="A-4", start_date=60),
        agreement_row(agreement_id="A-5", learner_insz="12345"),
        agreement_row(agreement_id="A-6", learner_insz="8507300332A"),
        agreement_row(agreement_id="A-7", mentor_insz="850730033281"),
        agreement_row(agreement_id="A-8", company_kbo="0403.170.702"),
        agreement_row(agreement_id="A-9", company_kbo="04031707011"),
        agreement_row(agreement_id="A-10", company_iban="BE68 5390 0754 7035"),
        agreement_row(agreement_id="A-11", company_iban="NL91ABNA0417164300"),
        agreement_row(agreement_id="A-12", company_iban="68539007547034"),
        agreement_row(agreement_id="A-13", establishment_postcode="B-2800"),
        agreement_row(agreement_id="A-14", agreement_type="IBO"),
        agreement_row(agreement_id="A-15", learning_allowance="misschien"),
        agreement_row(agreement_id="A-16", hours_per_week="veel"),
        agreement_row(agreement_id="A-17", hours_per_week="-5"),
        agreement_row(agreement_id="A-18", hours_per_week="19,9999999"),
        agreement_row(agreement_id="A-19", hours_per_week="1000000000000"),
        agreement_row(agreement_id="A-20", learner_name="A" * 1001),
        agreement_row(agreement_id="A-21", training=""),
        agreement_row(
            agreement_id="A-22", end_date=date(2024, 8, 1), termination_date=date(2024, 8, 2)
        ),
        agreement_row(agreement_id="A-23", hours_per_week=30),
        agreement_row(agreement_id="A-23", hours_per_week=31),
        agreement_row(agreement_id="A-24", learner_insz=True),
    ]
    recognitions = [
        RECOGNITION_HEADERS,
        recognition_row(recognition_id="E-1", years_experience="7,5"),
        recognition_row(recognition_id="E-2", years_experience=2**31),
        recognition_row(recognition_id="E-3", years_experience=True),
    ]
    premiums = [
        PREMIUM_HEADERS,
        premium_row(school_year="2023-2025"),
        premium_row(school_year="2022-2023", kind="bonus"),
    ]
    dimona = [DIMONA_HEADERS, dimona_row(status="Actif", end_date="31/12/9998")]
    entries = []
    for source, rows in (
        (AGREEMENTS, agreements),
        (RECOGNITIONS, recognitions),
        (PREMIUMS, premiums),
        (DIMONA, dimona),
    ):
        entries.append(read_file(write_xlsx(tmp_path / f"{source.folder}.xlsx", rows), source, {}))
        entries.append(read_file(write_csv(tmp_path / f"{source.folder}.csv", rows), source, {}))
    return entries


def test_no_english_is_left_in_any_detail(tmp_path: Path) -> None:
    entries = [e for result in _broken_rows(tmp_path) for e in result.quarantine]
    reasons = {e.reason for e in entries}
    assert reasons == {
        MISSING_VALUE,
        INVALID_DATE,
        INVALID_INSZ,
        INVALID_KBO,
        INVALID_IBAN,
        INVALID_POSTCODE,
        INVALID_VALUE,
        END_BEFORE_START,
        DUPLICATE_KEY,
    }, "every quarantine reason is scanned"
    english = [e.detail for e in entries if ENGLISH.search(e.detail.replace("A" * 60, ""))]
    assert english == []


def test_the_scan_would_find_english() -> None:
    assert ENGLISH.search("Startdatum '31/02/2024' is not an existing date")
    assert not ENGLISH.search("Startdatum 31/02/2024 bestaat niet")


# (file name, bytes, English reason, Dutch reason)
REFUSALS = [
    (
        "kapot.xlsx",
        b"PK\x03\x04 not really a zip",
        "kapot.xlsx: not a readable .xlsx workbook (damaged or truncated?): ",
        "kapot.xlsx: geen leesbare .xlsx-werkmap (beschadigd of afgebroken?)",
    ),
    (
        "binair.csv",
        b"Dimona-nummer;\x00\x01",
        "binair.csv: not a text (CSV) file: it contains NUL bytes",
        "binair.csv: geen tekstbestand (CSV): het bevat NUL-tekens",
    ),
    (
        "leeg.csv",
        b"",
        "leeg.csv: no header row of a dimona export in the first 20 rows (expected headers "
        "such as 'Dimona-nummer', 'Ondernemingsnummer', 'RSZ-nummer', ...)",
        "leeg.csv: geen kopregel van een export dimona in de eerste 20 rijen (verwacht "
        "kolommen zoals 'Dimona-nummer', 'Ondernemingsnummer', 'RSZ-nummer', ...)",
    ),
    (
        "zonder_status.csv",
        ";".join(DIMONA_HEADERS[:-1]).encode(),
        "zonder_status.csv: missing column(s) 'Status' (header row 1)",
        "zonder_status.csv: kolom(men) 'Status' ontbreken (kopregel op rij 1)",
    ),
    (
        "dubbel.csv",
        ";".join([*DIMONA_HEADERS, "Status"]).encode(),
        "dubbel.csv: column(s) 'Status' appear more than once (header row 1)",
        "dubbel.csv: kolom(men) 'Status' komen meer dan eens voor (kopregel op rij 1)",
    ),
]


@pytest.mark.parametrize(("name", "data", "english", "dutch"), REFUSALS)
def test_a_refused_file_is_stored_with_its_english_and_dutch_reason(
    tmp_path: Path, name: str, data: bytes, english: str, dutch: str
) -> None:
    raw = tmp_path / "raw"
    (raw / "dimona").mkdir(parents=True)
    (raw / "dimona" / name).write_bytes(data)
    con = duckdb.connect()
    ensure_schema(con)
    (outcome,) = ingest(con, raw, workers=0)
    assert outcome.status == "refused" and outcome.reason.startswith(english)
    ((reason, reason_nl),) = con.execute("SELECT reason, reason_nl FROM load_batches").fetchall()
    assert reason.startswith(english) and reason_nl == dutch
    assert not ENGLISH.search(reason_nl.split(": ", 1)[1].replace("kopregel op rij", ""))


def test_a_file_of_another_type_is_refused_in_both_languages_when_loaded_directly(
    tmp_path: Path,
) -> None:
    # ingest passes such a file over (input check FILE_IGNORED); ingest_file still refuses it
    from datetime import datetime

    from transforms.loading import ingest_file
    from transforms.sources import DIMONA

    path = tmp_path / "export.txt"
    path.write_bytes(b"x")
    con = duckdb.connect()
    ensure_schema(con)
    outcome = ingest_file(con, DIMONA, path, {}, datetime(2025, 1, 1))
    assert (
        outcome.reason == "export.txt: not a spreadsheet (an export must be .xlsx, .xlsm or .csv)"
    )
    assert con.execute("SELECT reason_nl FROM load_batches").fetchall() == [
        ("export.txt: geen spreadsheet (een export is een .xlsx, .xlsm of .csv)",)
    ]


def test_a_refusal_read_ahead_keeps_its_dutch_reason(tmp_path: Path) -> None:
    import pickle

    refused = FileRefused("x.csv: english", "x.csv: Nederlands")
    copy = pickle.loads(pickle.dumps(refused))
    assert (str(copy), copy.message_nl) == ("x.csv: english", "x.csv: Nederlands")


def test_each_quarantined_row_carries_its_natural_key_when_it_could_be_read(
    tmp_path: Path,
) -> None:
    rows = [
        AGREEMENT_HEADERS,
        agreement_row(agreement_id=" A-0012 ", start_date="31/02/2024"),  # key read
        agreement_row(agreement_id="", start_date="31/02/2024"),  # key empty
    ]
    result = read_file(write_csv(tmp_path / "ovk.csv", rows), AGREEMENTS, {})
    assert [(e.row_number, e.reason, e.row_key) for e in result.quarantine] == [
        (2, INVALID_DATE, "A-0012"),
        (3, MISSING_VALUE, None),
        (3, INVALID_DATE, None),
    ]
    premiums = [
        PREMIUM_HEADERS,
        premium_row(company_kbo="BE 0403.170.701", learner_insz=85073003328, amount_eur="-1"),
        premium_row(company_kbo="0403.170.702", amount_eur="-1"),  # a key part failed
        premium_row(kind=" PREMIE ", paid_on="gisteren"),
    ]
    result = read_file(write_xlsx(tmp_path / "prem.xlsx", premiums), PREMIUMS, {})
    assert [(e.row_number, e.row_key) for e in result.quarantine] == [
        (2, "2023-2024|0403170701|85073003328|premie"),
        (3, None),
        (3, None),
        (4, f"2023-2024|0403170701|{premium_row()[2]}|premie"),
    ]


def test_the_stored_row_key_equals_the_key_text_of_the_ingest_table(tmp_path: Path) -> None:
    # the lead's ROW_SUPERSEDED check joins on it: concat_ws('|', key columns)
    raw = tmp_path / "raw"
    (raw / "erkenningen").mkdir(parents=True)
    good = recognition_row(recognition_id="ERK-7")
    write_xlsx(raw / "erkenningen" / "a.xlsx", [RECOGNITION_HEADERS, good])
    broken = recognition_row(recognition_id="ERK-7", recognition_date="31/02/2024")
    write_xlsx(raw / "erkenningen" / "b.xlsx", [RECOGNITION_HEADERS, broken])
    con = duckdb.connect()
    ensure_schema(con)
    ingest(con, raw, workers=0)
    assert con.execute(
        "SELECT q.file_name, q.row_number, q.row_key, i.file_name, i.row_number "
        "FROM quarantine q JOIN ingest_erkenningen i "
        "ON q.row_key = concat_ws('|', i.recognition_id, i.mentor_insz)"
    ).fetchall() == [("b.xlsx", 2, f"ERK-7|{good[5]}", "a.xlsx", 2)]


def test_a_row_appears_once_per_reason_naming_every_column(tmp_path: Path) -> None:
    rows = [AGREEMENT_HEADERS, agreement_row(start_date="31/02/2026", end_date="bad")]
    result = read_file(write_csv(tmp_path / "t.csv", rows), AGREEMENTS, {})
    assert details(result) == [
        (2, INVALID_DATE, "Startdatum 31/02/2026 bestaat niet; Einddatum 'bad' is geen datum")
    ]


def test_a_duplicate_key_names_the_rows_that_differ_and_those_that_agree(tmp_path: Path) -> None:
    rows = [
        DIMONA_HEADERS,
        dimona_row(dimona_id="D-1"),  # row 2
        dimona_row(dimona_id="D-1", worker_type="ALT"),  # row 3
        dimona_row(dimona_id="D-1"),  # row 4, as row 2
    ]
    result = read_file(write_csv(tmp_path / "d2.csv", rows), DIMONA, {})
    assert details(result) == [
        (
            2,
            DUPLICATE_KEY,
            "Dimona-nummer 'D-1' staat ook op rij 3 met andere waarden (en op rij 4 met dezelfde)",
        ),
        (3, DUPLICATE_KEY, "Dimona-nummer 'D-1' staat ook op rijen 2 en 4 met andere waarden"),
        (
            4,
            DUPLICATE_KEY,
            "Dimona-nummer 'D-1' staat ook op rij 3 met andere waarden (en op rij 2 met dezelfde)",
        ),
    ]


@pytest.mark.parametrize(
    "value, reasons",
    [
        # an INSZ may have lost every leading zero (RULES.md): 00.00.00-000.97 is valid
        ("97", [INVALID_KBO]),
        (97, [INVALID_KBO]),
        ("12345678", [INVALID_INSZ, INVALID_KBO]),  # 00012345678 fails the checksum
    ],
)
def test_a_short_number_is_no_kbo_and_an_insz_only_padded(tmp_path: Path, value, reasons) -> None:
    rows = [AGREEMENT_HEADERS, agreement_row(company_kbo=value, learner_insz=value)]
    result = read_file(write_xlsx(tmp_path / "k.xlsx", rows), AGREEMENTS, {})
    assert [r for _, r, _ in details(result)] == reasons
