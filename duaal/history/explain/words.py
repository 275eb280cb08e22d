"""The Dutch words of a story: dates, numbers and amounts as a Dutch reader writes them, and
the words for the values the models give (why a Dimona period does not count). Formatting
only: what is true is decided by the SQL models."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

# int_training_pieces.period_not_counted_because (and int_dimona_counted.not_counted_because)
NOT_COUNTED = {
    "cancelled": "geannuleerd",
    "other_company": "andere onderneming",
    "outside_school_year": "buiten het schooljaar",
    "outside_agreement": "buiten de overeenkomst",
}


def not_counted(reason: str, worker_type: str) -> str:
    """Why a Dimona period does not count, in Dutch ('type STU' for a type that does not)."""
    return f"type {worker_type}" if reason == "worker_type" else NOT_COUNTED.get(reason, reason)


def day(d: date | None) -> str:
    """01/12/2024; '-' for no date."""
    return d.strftime("%d/%m/%Y") if d else "-"


def num(x: float | Fraction) -> str:
    """A number with two decimals and a decimal comma: 3,97."""
    return f"{float(x):.2f}".replace(".", ",")


def exact(x: Decimal | float | int | None) -> str:
    """A number exactly as the export gave it, the Dutch way: 19,996 and 38 (not 38,000000)."""
    if x is None:
        return "?"
    text = format(x.normalize(), "f") if isinstance(x, Decimal) else str(x)
    return text.replace(".", ",")


def fraction(x: Fraction) -> str:
    """An exact number of months: 10, or 123/31."""
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def eur(x: Decimal | int | float) -> str:
    """An amount as the reports write it: € 1.000 and € 999,99 (cents only when there are)."""
    value = Decimal(str(x))
    if value == value.to_integral_value():
        return "€ " + f"{int(value):,}".replace(",", ".")
    return "€ " + f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def yes_no(flag: bool | None) -> str:
    return "ja" if flag else "nee"


def source(folder: str, file_name: str, row_number: int) -> str:
    """Where an input row came from: 'overeenkomsten/export.xlsx rij 12'."""
    return f"{folder}/{file_name} rij {row_number}"
