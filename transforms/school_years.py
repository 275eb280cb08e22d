"""School years, 1 September to 31 August, written '2024-2025': the one home of the calendar
helpers in Python (the SQL models have the macros `school_year_of` and `school_year_start`
of transforms/models.py)."""

from __future__ import annotations

from datetime import date


def start_year_of(day: date) -> int:
    """The first calendar year of the school year that contains a day: 2025-03-15 -> 2024."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(start_year: int) -> str:
    """2024 -> '2024-2025'."""
    return f"{start_year:04d}-{start_year + 1:04d}"


def school_year_of(day: date) -> str:
    """The school year that contains a day: 2025-03-15 -> '2024-2025'."""
    return school_year_label(start_year_of(day))


def school_year_start(school_year: str) -> date:
    """1 September of the school year's first year: '2024-2025' -> 2024-09-01."""
    return date(int(school_year[:4]), 9, 1)


def school_year_end(school_year: str) -> date:
    """31 August of the school year's second year: '2024-2025' -> 2025-08-31."""
    return date(int(school_year[5:]), 8, 31)


def is_final(school_year: str, as_of: date) -> bool:
    """Whether a school year is final at as_of: its 31 August lies on or before it (the
    decisions' status 'final', fct_premium_decisions)."""
    return school_year_end(school_year) <= as_of
