"""Cell values as exports carry them, parsed into the typed value of a column kind.

Every `parse_*` takes one non-empty cell value (a str from a CSV; a str, float, int, bool,
date or datetime from a workbook) and returns the typed value, or raises `ValueProblem`
with the quarantine reason code (CONTRACTS.md, Quarantine) and a Dutch message that starts
with the value as `show` writes it; the reader puts the column's header in front of it:
"Startdatum 31/02/2024 bestaat niet". Emptiness is the reader's business: see `is_empty`
and `EMPTY_VALUE`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from transforms.identifiers import InvalidIdentifier, normalise_iban, normalise_insz, normalise_kbo

MISSING_VALUE = "MISSING_VALUE"
INVALID_DATE = "INVALID_DATE"
INVALID_INSZ = "INVALID_INSZ"
INVALID_KBO = "INVALID_KBO"
INVALID_IBAN = "INVALID_IBAN"
INVALID_POSTCODE = "INVALID_POSTCODE"
INVALID_VALUE = "INVALID_VALUE"
END_BEFORE_START = "END_BEFORE_START"
DUPLICATE_KEY = "DUPLICATE_KEY"


class ValueProblem(ValueError):
    """A cell value that does not fit its column: carries the quarantine reason code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def is_empty(value: object) -> bool:
    """True for a missing cell: None, an empty or all-blank string, or NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and value != value


# A quarantine detail quotes at most this many characters of a text value: a 10 MB cell
# must not become a 10 MB detail (the whole row stays in raw_values).
SHOWN_TEXT_LIMIT = 60


def show(value: object) -> str:
    """A cell value as a Dutch quarantine detail shows it: text quoted, dates dd/mm/yyyy,
    numbers with a decimal comma and without ',0', yes/no cells as Excel shows them."""
    if isinstance(value, str):
        if len(value) > SHOWN_TEXT_LIMIT:
            return f"{value[:SHOWN_TEXT_LIMIT]!r}... ({len(value)} tekens)"
        return repr(value)
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M:%S}" if value.second else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


# No field of an export is longer than this; a longer text is a broken export or an attack.
MAX_TEXT_LENGTH = 1000


def parse_text(value: object) -> str:
    """Text stripped; a number cell read as text loses its '.0' (111.0 -> '111')."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueProblem(
                INVALID_VALUE, f"{show(text)} is langer dan {MAX_TEXT_LENGTH} tekens"
            )
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the 29 February 1900
# that Lotus invented; from serial 61 on, day 0 is 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)


def excel_serial_to_date(serial: float) -> date:
    """The date of an Excel serial number (1900 system); a fraction (time of day) is dropped."""
    days = int(serial)
    if serial < 1 or days > _MAX_SERIAL or days == 60:
        raise ValueProblem(INVALID_DATE, f"{show(serial)} is geen Excel-datum (serieel getal)")
    if days < 60:
        return date(1899, 12, 31) + timedelta(days=days)
    return _EXCEL_EPOCH + timedelta(days=days)


# A CSV cell of at most 5 digits in a date column is an Excel serial number (CONTRACTS.md):
# 5 digits reach 2173, well past the plausible window, and no written date is that short.
_SERIAL_TEXT = re.compile(r"\d{1,5}")


def parse_date(value: object) -> date:
    """A date from an Excel date/datetime, a serial number (also as text of at most 5
    digits) or dd/mm/yyyy, yyyy-mm-dd, ... text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(INVALID_DATE, f"{show(value)} is geen datum")
    if isinstance(value, int | float):
        return excel_serial_to_date(value)
    text = str(value).strip()
    if _SERIAL_TEXT.fullmatch(text):
        return excel_serial_to_date(int(text))
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        match = _YMD.fullmatch(text)
        if not match:
            raise ValueProblem(INVALID_DATE, f"{show(value)} is geen datum")
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(INVALID_DATE, f"{text} bestaat niet") from None


# Dates outside this window are typos, not facts: 1900 is what an Excel serial of 0 or 1
# becomes, 2200 a slip of the finger. Both bounds are valid dates themselves.
EARLIEST_PLAUSIBLE_DATE = date(1920, 1, 1)
LATEST_PLAUSIBLE_DATE = date(2100, 12, 31)


def _plausible(day: date) -> date:
    """The date, refused when it lies outside the plausible window (shown as a date, however
    the cell wrote it)."""
    if not EARLIEST_PLAUSIBLE_DATE <= day <= LATEST_PLAUSIBLE_DATE:
        raise ValueProblem(
            INVALID_DATE,
            f"{show(day)} ligt buiten de aannemelijke datums "
            f"{show(EARLIEST_PLAUSIBLE_DATE)} tot {show(LATEST_PLAUSIBLE_DATE)} (een tikfout?)",
        )
    return day


def parse_plausible_date(value: object) -> date:
    """A date as parse_date reads it, refused when it lies outside the plausible window."""
    return _plausible(parse_date(value))


# Dimona writes an open-ended period's end date as a day in the year 9999 (31/12/9999).
OPEN_END_YEAR = 9999


def parse_open_end_date(value: object) -> date | None:
    """A Dimona end date: a day in the year 9999 means open-ended (None), like an empty cell;
    any other date as parse_plausible_date reads it."""
    day = parse_date(value)
    if day.year == OPEN_END_YEAR:
        return None
    return _plausible(day)


_TRUE = frozenset({"ja", "j", "yes", "true", "1"})
_FALSE = frozenset({"nee", "n", "no", "false", "0"})


def parse_bool(value: object) -> bool:
    """Yes/no from Ja/Nee, J/N, yes/no, true/false, 1/0 (any case) or a boolean cell."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen ja of nee (Ja/Nee)")


_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
# DECIMAL(18, 6): 12 digits before the point, 6 after (sources.KIND_SQL_TYPE)
DECIMAL_PLACES = 6
_DECIMAL_LIMIT = Decimal(10) ** (18 - DECIMAL_PLACES)
_DECIMAL_STEP = Decimal(1).scaleb(-DECIMAL_PLACES)


def parse_decimal(value: object) -> Decimal:
    """A decimal from a number cell or text '38', '38.5', '38,5', '1.234,50', kept exactly:
    a value with more decimals than the column holds is refused, never rounded."""
    if isinstance(value, bool):
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen getal")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen getal")
        number = Decimal(repr(value))  # the shortest decimal that is this float
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").lstrip("€")
        if "," in text and "." in text:
            # the separator that comes last is the decimal one, the other groups thousands
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "")
        text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen getal")
        number = Decimal(text)
    if abs(number) >= _DECIMAL_LIMIT:
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is te groot")
    if number != number.quantize(_DECIMAL_STEP):
        raise ValueProblem(
            INVALID_VALUE, f"{show(value)} heeft meer dan {DECIMAL_PLACES} decimalen"
        )
    # hours a week and amounts paid are never below zero
    if number < 0:
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is negatief")
    return number


_INTEGER = re.compile(r"[+-]?\d+(?:\.0+)?")
_INT32 = 2**31


def parse_integer(value: object) -> int:
    """A whole number from a number cell or text such as '7' (or '7.0')."""
    if isinstance(value, bool):
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen geheel getal")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen geheel getal")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _INTEGER.fullmatch(text):
            raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen geheel getal")
        number = int(text.split(".")[0])
    if not -_INT32 <= number < _INT32:
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is te groot")
    return number


def parse_postcode(value: object) -> int:
    """A Belgian postcode: 4 digits, 1000-9999, as a number cell or text."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        text = str(value).strip()
        number = int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None
    if number is None or not 1000 <= number <= 9999:
        raise ValueProblem(INVALID_POSTCODE, f"{show(value)} is geen postcode (4 cijfers)")
    return number


def _identifier(
    normalise: Callable[[object], str], reason: str, what: str
) -> Callable[[object], str]:
    """A parser that normalises an identifier and turns its failure into a ValueProblem."""

    def parse(value: object) -> str:
        if isinstance(value, bool):
            raise ValueProblem(reason, f"{show(value)} is geen {what}")
        try:
            return normalise(value)
        except InvalidIdentifier as exc:
            raise ValueProblem(reason, f"{show(value)}: {exc}") from None

    parse.__doc__ = f"A canonical {normalise.__name__[10:].upper()} (transforms.identifiers)."
    return parse


parse_insz = _identifier(normalise_insz, INVALID_INSZ, "geldig INSZ")
parse_kbo = _identifier(normalise_kbo, INVALID_KBO, "geldig ondernemingsnummer")
parse_iban = _identifier(normalise_iban, INVALID_IBAN, "geldige Belgische IBAN")


def _choice(allowed: dict[str, str], what: str) -> Callable[[object], str]:
    """A parser that accepts the keys of `allowed` in any case and returns their value."""

    def parse(value: object) -> str:
        text = parse_text(value).lower()
        if text in allowed:
            return allowed[text]
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen {what}")

    parse.__doc__ = f"One of {', '.join(allowed.values())} (any case)."
    return parse


parse_agreement_type = _choice({"oao": "OAO", "sao": "SAO"}, "OAO of SAO")
parse_dimona_status = _choice(
    {"actief": "Actief", "geannuleerd": "Geannuleerd"}, "Actief of Geannuleerd"
)
parse_premium_kind = _choice(
    {"stagebonus": "stagebonus", "premie": "premie"}, "stagebonus of premie"
)


def parse_worker_type(value: object) -> str:
    """A Dimona worker type in upper case (`alt` is `ALT`); a type the rules do not know
    is kept as given, upper-cased: it simply does not count."""
    return parse_text(value).upper()


_SCHOOL_YEAR = re.compile(r"(\d{4})\s*-\s*(\d{4})")


def parse_school_year(value: object) -> str:
    """A school year '2022-2023': two years, the second the first plus one."""
    match = _SCHOOL_YEAR.fullmatch(parse_text(value))
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValueProblem(INVALID_VALUE, f"{show(value)} is geen schooljaar zoals 2024-2025")
    return f"{match[1]}-{match[2]}"


# One parser per kind of sources.KIND_SQL_TYPE.
PARSERS: dict[str, Callable[[object], object]] = {
    "text": parse_text,
    "date": parse_plausible_date,
    "datetime_date": parse_plausible_date,
    "decimal": parse_decimal,
    "integer": parse_integer,
    "bool": parse_bool,
    "insz": parse_insz,
    "kbo": parse_kbo,
    "iban": parse_iban,
    "postcode": parse_postcode,
    "agreement_type": parse_agreement_type,
    "dimona_status": parse_dimona_status,
    "premium_kind": parse_premium_kind,
    "worker_type": parse_worker_type,
    "school_year": parse_school_year,
}

# What an empty cell means for a kind when it is not a missing value (yes/no: empty = no).
EMPTY_VALUE: dict[str, object] = {"bool": False}
