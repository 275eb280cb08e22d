"""Hostile input among good exports: the run completes and nothing is lost (issue 6).

One generated sample is run twice on fresh databases: once as generated (the `clean_run`
of conftest.py) and once with broken files added beside the good ones. The broken files
only carry keys that appear nowhere else, or rows that end in quarantine, so every
decision and finding must be the same in both runs; every refused file and row must be
named with its reason in the run summary, the database and the compliance workbook.

Decisions taken here (and asserted below):
- an `.xlsm` is read like an `.xlsx`: calamine reads cell values and never runs macros;
- a CSV in UTF-16 with a byte-order mark (Excel's "Unicode" text) is read; UTF-16
  without one is refused (it contains NUL bytes);
- a header-only file is a valid, empty export: loaded with 0 rows;
- a text over values.MAX_TEXT_LENGTH characters (the 10 MB cell) is INVALID_VALUE;
- a date outside values.EARLIEST/LATEST_PLAUSIBLE_DATE (1900, 2200) is INVALID_DATE;
- a negative decimal (hours a week, an amount paid) is INVALID_VALUE.
"""

from __future__ import annotations

import codecs
import io
import random
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import msoffcrypto.format.ooxml
import pytest
import python_calamine
from openpyxl import Workbook, load_workbook

from duaal.outputs.workbooks.labels import code_labels
from duaal.run.pipeline import RunSummary, execute
from sample.writing import write_xlsx as write_big_xlsx
from tests.duaal.workbooks.one_run import table
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    agreement_row,
    dimona_row,
    write_csv,
    write_xlsx,
)
from tests.hostile.sample import CleanRun, settings_for
from transforms.identifiers import make_insz, make_kbo
from transforms.reading import FileRefused, read_file
from transforms.rule_config import load_rule_config
from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS
from transforms.sources import DIMONA
from transforms.values import (
    EARLIEST_PLAUSIBLE_DATE,
    INVALID_DATE,
    INVALID_VALUE,
    LATEST_PLAUSIBLE_DATE,
    MAX_TEXT_LENGTH,
    ValueProblem,
    parse_decimal,
    parse_plausible_date,
    parse_text,
    show,
)

REPORT_YEAR = "2025-2026"
# A company and a worker that appear in no generated export: their Dimona rows touch no
# decision and no finding.
STRANGER_KBO = make_kbo(9876543)
STRANGER_INSZ = make_insz("991231", 998, born_2000_or_later=False)
TEN_MB = 10 * 1024 * 1024
NOT_XLSX = "not a readable .xlsx workbook (damaged or truncated?): Cannot detect file format"
PLAUSIBLE = "ligt buiten de aannemelijke datums 01/01/1920 tot 31/12/2100 (een tikfout?)"

# (source, file) -> the reason it is refused, word for word
REFUSED: dict[tuple[str, str], str] = {
    ("overeenkomsten", "zz_afgebroken.xlsx"): f"zz_afgebroken.xlsx: {NOT_XLSX}",
    ("overeenkomsten", "zz_leeg.xlsx"): f"zz_leeg.xlsx: {NOT_XLSX}",
    ("overeenkomsten", "zz_ruis.xlsx"): f"zz_ruis.xlsx: {NOT_XLSX}",
    ("overeenkomsten", "zz_wachtwoord.xlsx"): (
        "zz_wachtwoord.xlsx: the workbook is protected by a password"
    ),
    ("dimona", "zz_dubbele_kop.xlsx"): (
        "zz_dubbele_kop.xlsx: missing column(s) 'Einddatum'; column(s) 'Begindatum' appear "
        "more than once in sheet 'Dimona' (header row 1)"
    ),
    ("dimona", "zz_utf16_zonder_bom.csv"): (
        "zz_utf16_zonder_bom.csv: not a text (CSV) file: it contains NUL bytes"
    ),
    ("premies", "zz_leeg.csv"): (
        "zz_leeg.csv: no header row of a premies export in the first 20 rows (expected headers "
        "such as 'Schooljaar', 'Ondernemingsnummer', 'INSZ lerende', ...)"
    ),
}
# (source, file) -> (sheet, rows read, accepted, quarantined, blank) of the loaded ones
LOADED: dict[tuple[str, str], tuple] = {
    ("overeenkomsten", "zz_foute_rijen.xlsx"): ("Overeenkomsten", 3, 0, 3, 0),
    ("overeenkomsten", "zz_grote_cel.xlsx"): ("Overeenkomsten", 1, 0, 1, 0),
    ("dimona", "zz_alleen_kopregel.xlsx"): ("Dimona", 0, 0, 0, 0),
    ("dimona", "zz_macro.xlsm"): ("Dimona", 2, 2, 0, 0),
    ("dimona", "zz_utf16.csv"): (None, 2, 2, 0, 0),
}
# (source, file) -> (status, reason, sheet, rows read, accepted, quarantined, blank)
EXPECTED_FILES: dict[tuple[str, str], tuple] = {
    **{key: ("refused", reason, None, 0, 0, 0, 0) for key, reason in REFUSED.items()},
    **{key: ("loaded", None, *counts) for key, counts in LOADED.items()},
}

# (source, file, row, reason, detail) of every row the broken files send to quarantine
EXPECTED_QUARANTINE = [
    (
        "overeenkomsten",
        "zz_foute_rijen.xlsx",
        2,
        INVALID_DATE,
        f"Startdatum 01/01/1900 {PLAUSIBLE}",
    ),
    (
        "overeenkomsten",
        "zz_foute_rijen.xlsx",
        3,
        INVALID_DATE,
        f"Einddatum 30/06/2200 {PLAUSIBLE}",
    ),
    ("overeenkomsten", "zz_foute_rijen.xlsx", 4, INVALID_VALUE, "Uren per week -5 is negatief"),
    (
        "overeenkomsten",
        "zz_grote_cel.xlsx",
        2,
        INVALID_VALUE,
        f"Naam lerende {'A' * 60!r}... ({TEN_MB} tekens) is langer dan 1000 tekens",
    ),
]

# The stranger's Dimona periods as they must land in ingest_dimona, per file.
STRANGER_DIMONA = {
    "zz_macro.xlsm": [
        (
            "D-VREEMD-1",
            STRANGER_KBO,
            None,
            STRANGER_INSZ,
            "ALT",
            date(2025, 9, 1),
            date(2026, 6, 30),
            date(2025, 8, 29),
            "111",
            "Actief",
            2,
        ),
        (
            "D-VREEMD-2",
            STRANGER_KBO,
            None,
            STRANGER_INSZ,
            "OTH",
            date(2025, 9, 1),
            None,
            date(2025, 9, 3),
            "111",
            "Geannuleerd",
            3,
        ),
    ],
    "zz_utf16.csv": [
        (
            "D-VREEMD-3",
            STRANGER_KBO,
            "123456-78",
            STRANGER_INSZ,
            "ALT",
            date(2024, 9, 2),
            date(2025, 6, 30),
            date(2024, 8, 30),
            "124",
            "Actief",
            2,
        ),
        (
            "D-VREEMD-4",
            STRANGER_KBO,
            None,
            STRANGER_INSZ,
            "STU",
            date(2025, 7, 1),
            date(2025, 8, 31),
            date(2025, 6, 30),
            "124",
            "Actief",
            3,
        ),
    ],
}


# --- the broken files -------------------------------------------------------------------


def _stranger_dimona_rows(file_name: str) -> list[list]:
    """The stranger's Dimona rows of a file, as cells in header order."""
    rows = []
    for d_id, kbo, rsz, insz, kind, start, end, declared, pc, status, _ in STRANGER_DIMONA[
        file_name
    ]:
        rows.append(
            dimona_row(
                dimona_id=d_id,
                company_kbo=kbo,
                rsz_number=rsz or "",
                worker_insz=insz,
                worker_type=kind,
                start_date=start,
                end_date=end or "",
                declared_on=datetime.combine(declared, datetime.min.time()).replace(hour=9),
                joint_committee=pc,
                status=status,
            )
        )
    return rows


def _workbook_bytes(rows: list[list], sheet: str) -> bytes:
    """An .xlsx workbook in memory with rows from A1."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_MACRO = b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n  Kill "C:\\*.*"\r\nEnd Sub\r\n'


def write_xlsm(path: Path, rows: list[list], sheet: str) -> None:
    """A macro-enabled workbook: the xlsm content type, a vbaProject part and its relation."""
    with (
        zipfile.ZipFile(io.BytesIO(_workbook_bytes(rows, sheet))) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(_XLSX_MAIN, _XLSM_MAIN).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                    b'vbaProject"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/'
                    b'2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            dst.writestr(info, data)
        dst.writestr("xl/vbaProject.bin", _MACRO)


def write_encrypted_xlsx(path: Path, rows: list[list], sheet: str, password: str) -> None:
    """A workbook protected by a password (Office agile encryption, as Excel writes it)."""
    encrypted = io.BytesIO()
    plain = msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(_workbook_bytes(rows, sheet)))
    plain.encrypt(password, encrypted)
    path.write_bytes(encrypted.getvalue())


def write_hostile_files(raw: Path, sample_raw: Path) -> None:
    """Add every broken file of EXPECTED_FILES beside the good exports under raw."""
    agreements, dimona, premiums = raw / "overeenkomsten", raw / "dimona", raw / "premies"
    good = (sample_raw / "overeenkomsten" / "overeenkomsten_2025-2026.xlsx").read_bytes()
    (agreements / "zz_afgebroken.xlsx").write_bytes(good[: len(good) // 2])
    (agreements / "zz_leeg.xlsx").write_bytes(b"")
    (agreements / "zz_ruis.xlsx").write_bytes(random.Random(6).randbytes(8192))
    write_encrypted_xlsx(
        agreements / "zz_wachtwoord.xlsx",
        [AGREEMENT_HEADERS, agreement_row(agreement_id="OVK-GEHEIM-1")],
        "Overeenkomsten",
        "geheim",
    )
    write_xlsx(
        agreements / "zz_foute_rijen.xlsx",
        [
            AGREEMENT_HEADERS,
            agreement_row(agreement_id="OVK-VREEMD-1900", start_date=date(1900, 1, 1)),
            agreement_row(agreement_id="OVK-VREEMD-2200", end_date=date(2200, 6, 30)),
            agreement_row(agreement_id="OVK-VREEMD-NEG", hours_per_week=-5),
        ],
        "Overeenkomsten",
    )
    # openpyxl cuts a text at Excel's 32,767 characters; the generator's writer does not
    big = agreement_row(agreement_id="OVK-VREEMD-10MB", learner_name="A" * TEN_MB)
    stamp = datetime(2026, 11, 28, 6, 0)
    write_big_xlsx(
        agreements / "zz_grote_cel.xlsx",
        AGREEMENT_HEADERS,
        [[None if v == "" else v for v in big]],
        stamp,
        "Overeenkomsten",
    )
    write_xlsm(
        dimona / "zz_macro.xlsm",
        [DIMONA_HEADERS, *_stranger_dimona_rows("zz_macro.xlsm")],
        "Dimona",
    )
    doubled = ["Begindatum" if h == "Einddatum" else h for h in DIMONA_HEADERS]
    write_xlsx(
        dimona / "zz_dubbele_kop.xlsx", [doubled, dimona_row(dimona_id="D-VREEMD-9")], "Dimona"
    )
    write_xlsx(dimona / "zz_alleen_kopregel.xlsx", [DIMONA_HEADERS], "Dimona")
    utf16_rows = [DIMONA_HEADERS, *_stranger_dimona_rows("zz_utf16.csv")]
    write_csv(dimona / "zz_utf16.csv", utf16_rows, encoding="utf-16")  # Python writes the BOM
    write_csv(dimona / "zz_utf16_zonder_bom.csv", utf16_rows, encoding="utf-16-le")
    (premiums / "zz_leeg.csv").write_bytes(b"")


# --- the runs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_run(clean_run: CleanRun, tmp_path_factory: pytest.TempPathFactory):
    """The sample plus the broken files, run on a fresh database with the reports of one year."""
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    shutil.copytree(clean_run.raw, raw)
    write_hostile_files(raw, clean_run.raw)
    settings = settings_for(raw, base / "duaal.duckdb", base / "reports").with_overrides(
        school_years=(REPORT_YEAR,)
    )
    summary = execute(settings)
    return settings, summary


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on a database file, opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _stored(db: Path, table: str, columns: tuple[tuple[str, str], ...], run_id: str) -> list:
    """Every stored row of a run in run_decisions or run_findings, in one order."""
    names = ", ".join(n for n, _ in columns)
    return _rows(db, f"SELECT {names} FROM {table} WHERE run_id = ? ORDER BY ALL", [run_id])


def _outcome(f) -> tuple:
    """What the summary says about one file, in the order of EXPECTED_FILES' values."""
    return (
        f.status,
        f.reason,
        f.sheet_name,
        f.rows_read,
        f.rows_accepted,
        f.rows_quarantined,
        f.rows_blank,
    )


def _by_file(summary: RunSummary) -> dict[tuple[str, str], object]:
    return {(f.source, f.file_name): f for f in summary.files}


# --- the tests ----------------------------------------------------------------------------


def test_the_run_completes_with_every_broken_file_named(hostile_run, clean_run):
    settings, summary = hostile_run
    assert summary.status == "completed"
    files = _by_file(summary)
    good = _by_file(clean_run.summary)
    assert set(files) == set(good) | set(EXPECTED_FILES), "one outcome per file, none lost"
    for key, expected in EXPECTED_FILES.items():
        assert _outcome(files[key]) == expected, f"{key}"


def test_every_good_file_is_loaded_as_in_the_clean_run(hostile_run, clean_run):
    _, summary = hostile_run
    files = _by_file(summary)
    for key, clean in _by_file(clean_run.summary).items():
        assert clean.status == "loaded", f"{key}: {clean.reason}"
        assert _outcome(files[key]) == _outcome(clean), f"{key} loaded differently"


def test_refused_files_are_recorded_with_their_reason(hostile_run):
    settings, summary = hostile_run
    # the run lists its refused files among the batches it read
    rows = _rows(
        settings.db,
        "SELECT source, file_name, reason, rows_read FROM load_batches "
        "JOIN run_batches USING (batch_id) WHERE run_id = ? AND status = 'refused' "
        "ORDER BY source, file_name",
        [summary.run_id],
    )
    assert rows == sorted((s, f, reason, 0) for (s, f), reason in REFUSED.items())


def test_every_refused_row_is_in_quarantine_with_its_reason(hostile_run, clean_run):
    settings, summary = hostile_run
    query = (
        "SELECT source, file_name, row_number, reason, detail FROM quarantine "
        "ORDER BY source, file_name, row_number, reason"
    )
    hostile = _rows(settings.db, query)
    clean = _rows(clean_run.settings.db, query)
    assert len(clean) > 0, "the sample carries broken rows of its own"
    broken = {f for _, f in EXPECTED_FILES}
    assert [r for r in hostile if r[1] in broken] == EXPECTED_QUARANTINE
    assert [r for r in hostile if r[1] not in broken] == clean
    assert summary.quarantined_rows == len(clean) + len(EXPECTED_QUARANTINE)


def test_the_10_mb_cell_is_kept_whole_in_the_raw_values(hostile_run):
    settings, _ = hostile_run
    (length,) = _rows(
        settings.db,
        "SELECT length(json_extract_string(raw_values, '$.\"Naam lerende\"')) FROM quarantine "
        "WHERE file_name = 'zz_grote_cel.xlsx'",
    )
    assert length == (TEN_MB,), "nothing lost: the quarantined row is stored as read"


def test_xlsm_and_utf16_csv_are_read_like_any_export(hostile_run):
    settings, _ = hostile_run
    for file_name, expected in STRANGER_DIMONA.items():
        rows = _rows(
            settings.db,
            "SELECT dimona_id, company_kbo, rsz_number, worker_insz, worker_type, start_date, "
            "end_date, declared_on, joint_committee, status, row_number FROM ingest_dimona "
            "WHERE file_name = ? ORDER BY row_number",
            [file_name],
        )
        assert rows == expected, file_name


def test_decisions_and_findings_are_the_same_as_without_the_broken_files(hostile_run, clean_run):
    settings, summary = hostile_run
    clean_db, clean_id = clean_run.settings.db, clean_run.summary.run_id
    strangers = _rows(
        clean_db,
        "SELECT count(*) FROM stg_dimona__periods WHERE company_kbo = ? OR worker_insz = ?",
        [STRANGER_KBO, STRANGER_INSZ],
    )
    assert strangers == [(0,)], "the stranger must be unknown to the sample"
    decisions = _stored(settings.db, "run_decisions", DECISION_COLUMNS, summary.run_id)
    assert len(decisions) > 0
    assert decisions == _stored(clean_db, "run_decisions", DECISION_COLUMNS, clean_id)
    findings = _stored(settings.db, "run_findings", FINDING_COLUMNS, summary.run_id)
    assert len(findings) > 0
    assert findings == _stored(clean_db, "run_findings", FINDING_COLUMNS, clean_id)
    assert summary.digests["decisions"] == clean_run.summary.digests["decisions"]
    assert summary.digests["findings"] == clean_run.summary.digests["findings"]


def test_the_compliance_workbook_names_refused_files_and_rows(hostile_run):
    settings, _ = hostile_run
    (path,) = (settings.reports / "conformiteit").glob("conformiteit_????-??-??.xlsx")
    wb = load_workbook(path)
    rows = table(wb["Afgekeurde rijen"])
    assert rows[0] == ("Bron", "Bestand", "Blad", "Rij", "Reden", "Detail")
    listed = {(r[1], r[3], r[4], r[5]) for r in rows[1:]}
    labels = code_labels(load_rule_config(settings.rules))
    for _, file_name, row, reason, detail in EXPECTED_QUARANTINE:
        assert (file_name, row, labels.quarantine_reason(reason), detail) in listed
    toelichting = [r for r in wb["Toelichting"].iter_rows(values_only=True)]
    dutch = dict(
        _rows(settings.db, "SELECT file_name, reason_nl FROM load_batches WHERE status = 'refused'")
    )
    for (_, file_name), _english in REFUSED.items():
        lines = [r for r in toelichting if file_name in r]
        assert len(lines) == 1, f"{file_name} listed once among the input files"
        assert dutch[file_name].startswith(f"{file_name}: "), "a Dutch reason was stored"
        assert "geweigerd" in lines[0] and dutch[file_name] in lines[0], "shown in Dutch"
    wb.close()


def test_reingesting_every_file_under_any_name_changes_nothing(clean_run, tmp_path):
    db = tmp_path / "duaal.duckdb"
    shutil.copy(clean_run.settings.db, db)
    raw = tmp_path / "raw"
    shutil.copytree(clean_run.raw, raw)
    originals = sorted(p for p in raw.rglob("*") if p.is_file())
    for path in originals:  # the same bytes under another name: recognised by SHA-256
        shutil.copy(path, path.with_name(f"kopie_{path.name}"))
    counts = "SELECT (SELECT count(*) FROM load_batches), (SELECT count(*) FROM quarantine), " + (
        ", ".join(f"(SELECT count(*) FROM ingest_{s})" for s in ("overeenkomsten", "dimona"))
    )
    before = _rows(db, counts)

    again = execute(settings_for(raw, db), with_reports=False)

    assert len(again.files) == 2 * len(originals)
    assert {f.status for f in again.files} == {"skipped"}
    first_batch = {f.file_name: f.batch_id for f in clean_run.summary.files}
    for f in again.files:
        assert f.batch_id == first_batch[f.file_name.removeprefix("kopie_")], f.file_name
    assert again.digests == clean_run.summary.digests
    assert _rows(db, counts) == before


def test_a_reexport_without_two_optional_columns_is_refused_and_changes_no_decision(
    clean_run, tmp_path
):
    """Among good exports, a newer re-export that lacks `IBAN onderneming` and `Datum
    beëindiging` (columns whose values may be empty, but not missing) is refused whole:
    one more warning (exit 4), and the decisions of the run without that file."""
    raw = tmp_path / "raw"
    shutil.copytree(clean_run.raw, raw)
    export = raw / "overeenkomsten" / "overeenkomsten_2025-2026.xlsx"
    rows = python_calamine.CalamineWorkbook.from_path(str(export)).get_sheet_by_index(0)
    cells = rows.to_python(skip_empty_area=False)
    keep = [i for i, h in enumerate(cells[0]) if h not in ("IBAN onderneming", "Datum beëindiging")]
    reexport = raw / "overeenkomsten" / "overeenkomsten_2025-2026_herexport.xlsx"
    write_xlsx(reexport, [[row[i] for i in keep] for row in cells], "Overeenkomsten")

    summary = execute(settings_for(raw, tmp_path / "duaal.duckdb"), with_reports=False)

    assert summary.outcome == "completed with warnings", "exit 4"
    new = [c.line() for c in summary.checks if c not in clean_run.summary.checks]
    assert new == [
        "FILE_REFUSED overeenkomsten/overeenkomsten_2025-2026_herexport.xlsx: refused whole, "
        "none of its rows used: overeenkomsten_2025-2026_herexport.xlsx: missing column(s) "
        "'Datum beëindiging', 'IBAN onderneming' in sheet 'Overeenkomsten' (header row 1)"
    ]
    assert summary.digests["decisions"] == clean_run.summary.digests["decisions"]
    assert summary.digests["findings"] == clean_run.summary.digests["findings"]


def test_rerunning_the_hostile_folder_refuses_again_and_changes_nothing(hostile_run):
    settings, first = hostile_run
    again = execute(settings, with_reports=False)
    for f in again.files:
        key = (f.source, f.file_name)
        if key in REFUSED:
            # a refused file is tried again: a fixed alias file may make it readable
            assert (f.status, f.reason) == ("refused", REFUSED[key])
        else:
            assert f.status == "skipped", key
    assert again.digests == first.digests


# --- the bounds behind the decisions above ------------------------------------------------


@pytest.mark.parametrize("day", [EARLIEST_PLAUSIBLE_DATE, LATEST_PLAUSIBLE_DATE])
def test_the_plausible_date_window_includes_its_bounds(day: date) -> None:
    assert parse_plausible_date(day) == day
    assert parse_plausible_date(day.strftime("%d/%m/%Y")) == day


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (date(1919, 12, 31), f"31/12/1919 {PLAUSIBLE}"),
        (date(2101, 1, 1), f"01/01/2101 {PLAUSIBLE}"),
        ("01/01/1900", f"01/01/1900 {PLAUSIBLE}"),
        (1.0, f"01/01/1900 {PLAUSIBLE}"),  # Excel serial 1 is 1900-01-01
        (datetime(2200, 6, 30, 8, 0), f"30/06/2200 {PLAUSIBLE}"),
    ],
)
def test_dates_outside_the_window_are_invalid(cell: object, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_plausible_date(cell)
    assert (caught.value.reason, str(caught.value)) == (INVALID_DATE, message)


def test_text_length_limit() -> None:
    assert MAX_TEXT_LENGTH == 1000
    assert parse_text(" " + "x" * MAX_TEXT_LENGTH + " ") == "x" * MAX_TEXT_LENGTH
    with pytest.raises(ValueProblem) as caught:
        parse_text("x" * (MAX_TEXT_LENGTH + 1))
    assert caught.value.reason == INVALID_VALUE
    assert str(caught.value) == f"{'x' * 60!r}... (1001 tekens) is langer dan 1000 tekens"
    assert show("x" * 60) == repr("x" * 60)


@pytest.mark.parametrize(("cell", "shown"), [(-5, "-5"), ("-0,01", "'-0,01'"), (-0.5, "-0,5")])
def test_negative_decimals_are_invalid(cell: object, shown: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_decimal(cell)
    assert (caught.value.reason, str(caught.value)) == (INVALID_VALUE, f"{shown} is negatief")
    assert parse_decimal(0) == Decimal("0")


def test_utf16_big_endian_is_read_and_utf32_refused(tmp_path: Path) -> None:
    rows = [DIMONA_HEADERS, dimona_row(dimona_id="D-É")]
    be = write_csv(tmp_path / "be.csv", rows, encoding="utf-16-be")
    be.write_bytes(codecs.BOM_UTF16_BE + be.read_bytes())
    result = read_file(be, DIMONA, {})
    assert result.table.column("dimona_id").to_pylist() == ["D-É"]
    utf32 = write_csv(tmp_path / "utf32.csv", rows, encoding="utf-32")  # BOM FF FE 00 00
    with pytest.raises(FileRefused, match=r"^utf32.csv: not a text \(CSV\) file: it contains NUL"):
        read_file(utf32, DIMONA, {})
