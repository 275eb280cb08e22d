"""The sample generator: reproducible bytes, contract headers, valid identifiers, the
intended variety, and about 1% of rows broken on purpose (each for the reason it names)."""

from __future__ import annotations

import csv
import hashlib
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from sample.generate import generate
from sample.model import SampleFile, SampleRow, add_months, province_of
from sample.places import EXCEL_MAX_DATA_ROWS
from sample.rows import build_sample
from transforms.identifiers import InvalidIdentifier, normalise_iban, normalise_insz, normalise_kbo
from transforms.sources import SOURCES_BY_FOLDER, Source

AS_OF = date(2025, 3, 15)
QUARANTINE_REASONS = {
    "INVALID_INSZ",
    "INVALID_KBO",
    "INVALID_IBAN",
    "INVALID_DATE",
    "END_BEFORE_START",
    "MISSING_VALUE",
    "INVALID_VALUE",
    "INVALID_POSTCODE",
    "DUPLICATE_KEY",
}
YES_NO = {"Ja", "Nee", "J", "N", "1", "0"}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Path]]]:
    """200 agreements written once for the module."""
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out, agreements=200, seed=1, as_of=AS_OF)


@pytest.fixture(scope="module")
def sample() -> list[SampleFile]:
    """The rows behind the written files (same arguments)."""
    return build_sample(200, seed=1, as_of=AS_OF)


@pytest.fixture(scope="module")
def large_sample() -> list[SampleFile]:
    """3,000 agreements, enough for every kind of broken row to occur."""
    return build_sample(3000, seed=7, as_of=date(2026, 11, 28))


def _digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under root, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _rows(files: list[SampleFile], folder: str) -> list[SampleRow]:
    """Every row of one source, over its files."""
    return [row for f in files if f.folder == folder for row in f.rows]


def _column(source: Source, name: str) -> int:
    """Position of a column in the source's rows."""
    return [c.name for c in source.columns].index(name)


def _calamine_value(value: object) -> object:
    """A written cell value as python-calamine reads it back."""
    if value is None:
        return ""
    if isinstance(value, bool | str | date):
        return value
    return float(value)  # numbers come back as floats


# --- reproducibility ----------------------------------------------------------------


def test_same_seed_gives_identical_bytes(written, tmp_path: Path) -> None:
    out, _ = written
    generate(tmp_path, agreements=200, seed=1, as_of=AS_OF)
    assert _digests(tmp_path) == _digests(out), "a second run with seed 1 wrote other bytes"


def test_different_seed_gives_different_bytes(written, tmp_path: Path) -> None:
    out, _ = written
    generate(tmp_path, agreements=200, seed=2, as_of=AS_OF)
    first, second = _digests(out), _digests(tmp_path)
    same = [name for name in first.keys() & second.keys() if first[name] == second[name]]
    assert same == [], "files identical across seeds 1 and 2"


def test_zip_entries_and_properties_carry_fixed_dates(written) -> None:
    _, paths = written
    workbook_path = paths["overeenkomsten"][0]
    with zipfile.ZipFile(workbook_path) as archive:
        stamps = {info.date_time for info in archive.infolist()}
    assert stamps == {(1980, 1, 1, 0, 0, 0)}
    properties = openpyxl.load_workbook(workbook_path, read_only=True).properties
    assert (properties.created, properties.modified) == (datetime(2025, 3, 15, 6, 0),) * 2


# --- files and headers --------------------------------------------------------------


def test_returns_the_written_files_per_source(written) -> None:
    out, paths = written
    names = {folder: [p.name for p in ps] for folder, ps in paths.items()}
    years = ["2022-2023", "2023-2024", "2024-2025"]
    assert names["overeenkomsten"] == [f"overeenkomsten_{y}.xlsx" for y in years]
    assert names["dimona"] == [f"dimona_{y}.xlsx" for y in years]
    assert names["erkenningen"] == ["erkenningen_register.xlsx"]
    assert {"premies_2022-2023.csv", "premies_2023-2024.csv"} <= set(names["premies"])
    assert all(p.parent == out / folder and p.is_file() for folder, ps in paths.items() for p in ps)


def test_every_workbook_has_the_contract_headers_and_the_rows_built(written, sample) -> None:
    out, _ = written
    for f in sample:
        if not f.name.endswith(".xlsx"):
            continue
        book = CalamineWorkbook.from_path(str(out / f.folder / f.name))
        cells = book.get_sheet_by_index(0).to_python()
        headers = [c.header for c in SOURCES_BY_FOLDER[f.folder].columns]
        above = [row[0] for row in cells[: len(f.preamble)]]
        assert above == list(f.preamble), f"lines above the header of {f.name}"
        assert cells[len(f.preamble)] == headers, f"headers of {f.name}"
        expected = [[_calamine_value(v) for v in row.values] for row in f.rows]
        assert cells[len(f.preamble) + 1 :] == expected, f"data rows of {f.name}"


def test_register_has_a_title_and_an_export_date_above_its_headers(written) -> None:
    _, paths = written
    sheet = openpyxl.load_workbook(paths["erkenningen"][0], read_only=True).worksheets[0]
    first = [row[0] for row in sheet.iter_rows(max_row=3, values_only=True)]
    assert first == [
        "Register erkende werkplekken en mentoren",
        "Exportdatum: 15/03/2025",
        "Erkenningsnummer",
    ]
    assert sheet.title == "Erkenningen"


def test_premium_csv_is_semicolon_separated_utf8_with_bom(written, sample) -> None:
    _, paths = written
    path = next(p for p in paths["premies"] if p.name == "premies_2023-2024.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfSchooljaar;Ondernemingsnummer;")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert lines[0] == [c.header for c in SOURCES_BY_FOLDER["premies"].columns]
    built = next(f for f in sample if f.name == path.name).rows
    assert len(lines) - 1 == len(built)
    first = built[0].values
    assert lines[1][0] == "2023-2024" == first[0]
    assert lines[1][5] == (first[5].strftime("%d/%m/%Y") if first[5] else "")


# --- validity and variety -----------------------------------------------------------


def test_identifiers_in_unbroken_rows_are_valid(large_sample) -> None:
    checks = {"insz": normalise_insz, "kbo": normalise_kbo, "iban": normalise_iban}
    checked = Counter()
    for f in large_sample:
        source = SOURCES_BY_FOLDER[f.folder]
        for row in f.rows:
            if row.broken:
                continue
            for column, value in zip(source.columns, row.values, strict=True):
                if column.kind in checks and value is not None:
                    checks[column.kind](value)  # raises InvalidIdentifier when not valid
                    checked[column.kind] += 1
    assert min(checked.values()) > 1000, f"too few identifiers checked: {checked}"


def test_establishments_have_ten_digits_starting_with_2(sample) -> None:
    position = _column(SOURCES_BY_FOLDER["overeenkomsten"], "establishment_id")
    ids = {row.values[position] for row in _rows(sample, "overeenkomsten")}
    assert all(re.fullmatch(r"2\d{9}", str(i)) for i in ids), ids


def test_the_expected_variety_is_present(sample) -> None:
    agreements, dimona = SOURCES_BY_FOLDER["overeenkomsten"], SOURCES_BY_FOLDER["dimona"]
    unbroken = [r.values for r in _rows(sample, "overeenkomsten") if not r.broken]
    postcodes = {int(v[_column(agreements, "establishment_postcode")]) for v in unbroken}
    provinces = {province_of(p) for p in postcodes}
    assert any(1000 <= p <= 1299 for p in postcodes), "no Brussels establishment"
    assert provinces & {"Waals-Brabant", "Luik", "Henegouwen", "Namen"}, "no Wallonia"
    assert {v[_column(agreements, "agreement_type")] for v in unbroken} == {"OAO", "SAO"}
    assert any(v[_column(agreements, "registration_date")] is None for v in unbroken)
    assert any(v[_column(agreements, "termination_date")] is not None for v in unbroken)
    periods = [r.values for r in _rows(sample, "dimona") if not r.broken]
    kinds = Counter(v[_column(dimona, "worker_type")] for v in periods)
    assert {"ALT", "OTH", "STU"} <= set(kinds), kinds
    assert "Geannuleerd" in {v[_column(dimona, "status")] for v in periods}
    assert any(v[_column(dimona, "end_date")] is None for v in periods), "no open-ended Dimona"
    declared = [v[_column(dimona, "declared_on")] for v in periods]
    assert any(isinstance(d, datetime) for d in declared), "no declaration date-time"
    insz = [v[_column(dimona, "worker_insz")] for v in periods]
    assert any(isinstance(i, str) and "." in i for i in insz), "no punctuated INSZ"
    kbo = [v[_column(dimona, "company_kbo")] for v in periods]
    assert any(isinstance(k, str) and k.startswith("BE ") for k in kbo), "no 'BE 0xxx' KBO"
    texts = [v[_column(dimona, "start_date")] for v in periods]
    assert any(isinstance(t, str) and re.fullmatch(r"\d\d/\d\d/\d{4}", t) for t in texts)
    assert any(isinstance(t, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", t) for t in texts)
    allowances = {v[_column(agreements, "learning_allowance")] for v in unbroken}
    assert {"Ja", "Nee"} < allowances <= YES_NO, allowances


def test_about_one_percent_of_rows_is_broken(large_sample) -> None:
    rows = [row for f in large_sample for row in f.rows]
    broken = Counter(row.broken for row in rows if row.broken)
    assert set(broken) == QUARANTINE_REASONS, broken
    share = sum(broken.values()) / len(rows)
    assert 0.003 <= share <= 0.03, f"{share:.4f} of rows broken"


def _parse_date(value: object) -> date | None:
    """A date cell as the reader accepts it, or None when it is not a date."""
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(str(value), pattern).date()
        except ValueError:
            pass
    return None


def _problems(source: Source, values: tuple[object, ...]) -> set[str]:
    """Reasons to quarantine one row, judged independently of the generator."""
    found = set()
    normalise = {"insz": normalise_insz, "kbo": normalise_kbo, "iban": normalise_iban}
    dates = {}
    for column, value in zip(source.columns, values, strict=True):
        if value is None:
            if column.required:
                found.add("MISSING_VALUE")
            continue
        if column.kind in normalise:
            try:
                normalise[column.kind](value)
            except InvalidIdentifier:
                found.add(f"INVALID_{column.kind.upper()}")
        elif column.kind in ("date", "datetime_date"):
            dates[column.name] = _parse_date(value)
            if dates[column.name] is None:
                found.add("INVALID_DATE")
        elif column.kind == "bool" and value not in YES_NO:
            found.add("INVALID_VALUE")
        elif column.kind == "dimona_status" and value not in ("Actief", "Geannuleerd"):
            found.add("INVALID_VALUE")
        elif column.kind == "postcode" and not 1000 <= int(value) <= 9999:
            found.add("INVALID_POSTCODE")
    for earlier, later in source.date_order:
        if dates.get(earlier) and dates.get(later) and dates[later] < dates[earlier]:
            found.add("END_BEFORE_START")
    return found


def _key(source: Source, values: tuple[object, ...]) -> tuple[object, ...]:
    """The natural key of a row, identifiers normalised (as the reader compares them)."""
    key = []
    for name in source.key:
        value = values[_column(source, name)]
        kind = source.column(name).kind
        try:
            key.append({"insz": normalise_insz, "kbo": normalise_kbo}[kind](value))
        except (KeyError, InvalidIdentifier):
            key.append(value)
    return tuple(key)


def test_each_broken_row_is_broken_for_its_reason_and_no_other_row_is(large_sample) -> None:
    for f in large_sample:
        source = SOURCES_BY_FOLDER[f.folder]
        keys = Counter()
        for row in f.rows:
            keys[_key(source, row.values)] += 1
            problems = _problems(source, row.values)
            if row.broken == "DUPLICATE_KEY":
                assert problems == set(), f"{f.name}: duplicate row with other problems {problems}"
            elif row.broken:
                assert problems == {row.broken}, f"{f.name}: {row.broken} row shows {problems}"
            else:
                assert problems == set(), f"{f.name}: unbroken row shows {problems}: {row.values}"
        duplicates = [row for row in f.rows if row.broken == "DUPLICATE_KEY"]
        assert len(duplicates) == 2 * sum(n - 1 for n in keys.values()), f"duplicates in {f.name}"


# --- the Dimona benchmark mode ------------------------------------------------------


def test_dimona_rows_makes_one_sheet_with_exactly_that_many_rows(tmp_path: Path) -> None:
    paths = generate(tmp_path, agreements=40, seed=3, as_of=AS_OF, dimona_rows=500)
    assert [p.name for p in paths["dimona"]] == ["dimona_export.xlsx"]
    book = CalamineWorkbook.from_path(str(paths["dimona"][0]))
    cells = book.get_sheet_by_index(0).to_python()
    assert cells[0] == [c.header for c in SOURCES_BY_FOLDER["dimona"].columns]
    assert len(cells) == 501
    assert len({row[0] for row in cells[1:]}) == 500, "Dimona numbers are not unique"


def test_dimona_rows_below_the_natural_count_truncates() -> None:
    dimona = [
        f for f in build_sample(40, seed=3, as_of=AS_OF, dimona_rows=7) if f.folder == "dimona"
    ]
    assert [(f.name, len(list(f.rows))) for f in dimona] == [("dimona_export.xlsx", 7)]


def test_dimona_rows_beyond_one_sheet_is_refused() -> None:
    with pytest.raises(ValueError, match="dimona_rows must be between 0 and 1048575"):
        build_sample(10, dimona_rows=EXCEL_MAX_DATA_ROWS + 1)


# --- date helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 9, 15), 12, date(2025, 9, 15)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
