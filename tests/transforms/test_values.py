"""Value parsers: every accepted form gives the exact typed value; anything else its reason."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from transforms.sources import KIND_SQL_TYPE
from transforms.values import (
    INVALID_DATE,
    INVALID_IBAN,
    INVALID_INSZ,
    INVALID_KBO,
    INVALID_POSTCODE,
    INVALID_VALUE,
    PARSERS,
    ValueProblem,
    is_empty,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_open_end_date,
    parse_postcode,
    parse_text,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(2024, 9, 2), date(2024, 9, 2)),
        (datetime(2024, 9, 2, 8, 13), date(2024, 9, 2)),
        (45537, date(2024, 9, 2)),  # Excel serial number
        (45537.35, date(2024, 9, 2)),  # serial with a time of day
        (59, date(1900, 2, 28)),  # before Lotus' 29 February 1900
        (61, date(1900, 3, 1)),
        ("02/09/2024", date(2024, 9, 2)),
        ("2/9/2024", date(2024, 9, 2)),
        ("02-09-2024", date(2024, 9, 2)),
        ("02.09.2024", date(2024, 9, 2)),
        ("2024-09-02", date(2024, 9, 2)),
        (" 2024-09-02 ", date(2024, 9, 2)),
        ("2024-09-02 08:13:00", date(2024, 9, 2)),
        ("2024-09-02T08:13:00", date(2024, 9, 2)),
        ("02/09/2024 08:13", date(2024, 9, 2)),
        ("29/02/2024", date(2024, 2, 29)),
        ("45555", date(2024, 9, 20)),  # a CSV cell of at most 5 digits is a serial
        (" 45555 ", date(2024, 9, 20)),
        ("1", date(1900, 1, 1)),
        ("99999", date(2173, 10, 13)),  # 5 digits: the largest serial written as text
    ],
)
def test_dates_in_every_accepted_form(cell: object, expected: date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/02/2024", "31/02/2024 bestaat niet"),
        ("29/02/2023", "29/02/2023 bestaat niet"),
        ("2024-13-01", "2024-13-01 bestaat niet"),
        ("02/09-2024", "'02/09-2024' is geen datum"),  # mixed separators
        ("2 september 2024", "'2 september 2024' is geen datum"),
        ("02/09/24", "'02/09/24' is geen datum"),
        (60, "60 is geen Excel-datum (serieel getal)"),  # 29 February 1900 never was
        (0, "0 is geen Excel-datum (serieel getal)"),
        (True, "WAAR is geen datum"),
        ("100000", "'100000' is geen datum"),  # 6 digits are no serial
        ("45555.5", "'45555.5' is geen datum"),
        ("60", "60 is geen Excel-datum (serieel getal)"),
        ("0", "0 is geen Excel-datum (serieel getal)"),
    ],
)
def test_dates_that_do_not_exist_are_invalid(cell: object, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_date(cell)
    assert (caught.value.reason, str(caught.value)) == (INVALID_DATE, message)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Ja", True), ("ja", True), ("J", True), ("yes", True), ("TRUE", True), ("1", True),
        ("Nee", False), ("n", False), ("No", False), ("false", False), ("0", False),
        (True, True), (False, False), (1.0, True), (0, False),
    ],
)  # fmt: skip
def test_yes_no_forms(cell: object, expected: bool) -> None:
    assert parse_bool(cell) is expected


@pytest.mark.parametrize("cell", ["misschien", "2", 2, "ok"])
def test_yes_no_rejects_other_words(cell: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_bool(cell)
    assert caught.value.reason == INVALID_VALUE


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("38", Decimal("38")),
        ("38.5", Decimal("38.5")),
        ("38,5", Decimal("38.5")),
        (38, Decimal("38")),
        (38.5, Decimal("38.5")),
        ("1.234,50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
        ("€ 750", Decimal("750")),
        ("12.345", Decimal("12.345")),  # kept exactly, never rounded to cents
        ("19,996", Decimal("19.996")),  # fewer than 20 hours
        (19.996, Decimal("19.996")),
        ("19,999999", Decimal("19.999999")),  # 6 decimals: what DECIMAL(18, 6) holds
        ("19,9960000", Decimal("19.996")),  # trailing zeros are no extra decimals
        ("999999999999,999999", Decimal("999999999999.999999")),
    ],
)
def test_decimals_are_kept_exactly(cell: object, expected: Decimal) -> None:
    assert parse_decimal(cell) == expected


def test_decimal_19_996_hours_is_fewer_than_20() -> None:
    assert parse_decimal("19,996") < 20


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("19,9999999", "'19,9999999' heeft meer dan 6 decimalen"),  # refused, not rounded to 20
        (0.1 + 0.2, "0,30000000000000004 heeft meer dan 6 decimalen"),
        ("1000000000000", "'1000000000000' is te groot"),
        (float("inf"), "inf is geen getal"),
    ],
)
def test_decimal_that_the_column_cannot_hold_is_refused(cell: object, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_decimal(cell)
    assert (caught.value.reason, str(caught.value)) == (INVALID_VALUE, message)


@pytest.mark.parametrize("cell", ["38 uur", "1,2,3", "", "abc", True])
def test_decimal_rejects_text(cell: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_decimal(cell)
    assert caught.value.reason == INVALID_VALUE


@pytest.mark.parametrize(("cell", "expected"), [(7, 7), (7.0, 7), ("7", 7), (" 12 ", 12)])
def test_integers(cell: object, expected: int) -> None:
    assert parse_integer(cell) == expected


@pytest.mark.parametrize("cell", [7.5, "7,5", "zeven", True, 2**31])
def test_integer_rejects_fractions_and_words(cell: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_integer(cell)
    assert caught.value.reason == INVALID_VALUE


@pytest.mark.parametrize(("cell", "expected"), [(2800, 2800), (2800.0, 2800), ("1000", 1000)])
def test_postcodes(cell: object, expected: int) -> None:
    assert parse_postcode(cell) == expected


@pytest.mark.parametrize("cell", [999, "0999", "28000", "B-2800", 2800.5, "280O"])
def test_postcode_rejects_non_belgian_forms(cell: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_postcode(cell)
    assert caught.value.reason == INVALID_POSTCODE


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Metaalbouw NV ", "Metaalbouw NV"),
        (2123456789.0, "2123456789"),  # a number cell read as text loses '.0'
        (111.0, "111"),
        (111, "111"),
        (38.5, "38.5"),
        (date(2024, 9, 2), "2024-09-02"),
    ],
)
def test_text(cell: object, expected: str) -> None:
    assert parse_text(cell) == expected


@pytest.mark.parametrize(
    ("kind", "cell", "expected"),
    [
        ("agreement_type", "oao", "OAO"),
        ("agreement_type", " SAO ", "SAO"),
        ("agreement_type", " oAo\t", "OAO"),
        ("dimona_status", " actief ", "Actief"),
        ("premium_kind", " Premie ", "premie"),
        ("dimona_status", "ACTIEF", "Actief"),
        ("dimona_status", "geannuleerd", "Geannuleerd"),
        ("premium_kind", "Stagebonus", "stagebonus"),
        ("premium_kind", "PREMIE", "premie"),
        ("school_year", "2022-2023", "2022-2023"),
        ("school_year", "2022 - 2023", "2022-2023"),
        ("insz", "85.07.30-033.28", "85073003328"),
        ("insz", 6051212395, "06051212395"),  # a number cell that lost its leading zero
        ("insz", 6051212395.0, "06051212395"),
        ("kbo", "BE 0403.170.701", "0403170701"),
        ("kbo", 403170701, "0403170701"),
        ("kbo", 403170701.0, "0403170701"),
        ("iban", "be68 5390 0754 7034", "BE68539007547034"),
    ],
)
def test_codes_and_identifiers(kind: str, cell: object, expected: str) -> None:
    assert PARSERS[kind](cell) == expected


@pytest.mark.parametrize(
    ("kind", "cell", "reason"),
    [
        ("agreement_type", "IBO", INVALID_VALUE),
        ("dimona_status", "Actif", INVALID_VALUE),
        ("premium_kind", "bonus", INVALID_VALUE),
        ("school_year", "2022-2024", INVALID_VALUE),
        ("school_year", "2022", INVALID_VALUE),
        ("insz", "85.07.30-033.29", INVALID_INSZ),
        ("insz", "8507300332A", INVALID_INSZ),
        ("kbo", "0403.170.702", INVALID_KBO),
        ("kbo", "2403170701", INVALID_KBO),  # a KBO number starts with 0 or 1
        ("iban", "BE68 5390 0754 7035", INVALID_IBAN),
        ("iban", "68539007547034", INVALID_IBAN),
    ],
)
def test_codes_and_identifiers_invalid(kind: str, cell: object, reason: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        PARSERS[kind](cell)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(9999, 12, 31), None),  # open-ended, like an empty cell
        ("31/12/9999", None),
        ("9999-12-31", None),
        (2958465, None),  # the serial of 31/12/9999 in a number cell
        (datetime(9999, 12, 31, 0, 0), None),
        ("01/01/9999", None),  # any day in the year 9999
        ("30/06/2025", date(2025, 6, 30)),
        (date(2100, 12, 31), date(2100, 12, 31)),
    ],
)
def test_dimona_end_date_in_the_year_9999_is_open_ended(cell: object, expected: object) -> None:
    assert parse_open_end_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/12/9998", date(2101, 1, 1), "31/02/9999"])
def test_dimona_end_date_outside_the_window_is_still_invalid(cell: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_open_end_date(cell)
    assert caught.value.reason == INVALID_DATE


def test_the_year_9999_is_implausible_outside_dimona_end_dates() -> None:
    with pytest.raises(ValueProblem) as caught:
        PARSERS["date"]("31/12/9999")
    assert caught.value.reason == INVALID_DATE


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("alt", "ALT"), (" Alt ", "ALT"), ("OTH", "OTH"), ("rta", "RTA"), ("flx", "FLX"),
     ("xyz", "XYZ")],  # an unknown type stays accepted as given, upper-cased
)  # fmt: skip
def test_worker_type_is_a_code_in_upper_case(cell: str, expected: str) -> None:
    assert PARSERS["worker_type"](cell) == expected


def test_every_kind_has_a_parser() -> None:
    assert set(PARSERS) == set(KIND_SQL_TYPE), "a column kind without a parser"


@pytest.mark.parametrize(("cell", "empty"), [(None, True), ("", True), ("  ", True),
                                             (float("nan"), True), (0, False), ("0", False)])  # fmt: skip
def test_is_empty(cell: object, empty: bool) -> None:
    assert is_empty(cell) is empty
