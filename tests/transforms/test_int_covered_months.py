"""Covered months (RULES.md, "Date arithmetic"): the SQL of int_training_pieces,
int_training_intervals and int_covered_months against a plain Python reading of the rule, in
exact fractions."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import (
    COMPANY,
    LEARNER,
    add_agreement,
    add_dimona,
    add_recognition,
    build,
    rules_db,
)
from transforms.models import discover, install_macros

UNITS_PER_MONTH = 377580  # lcm(28, 29, 30, 31): one unit is 1/377580 of a month
DAY = timedelta(days=1)
MODELS = {m.name: m for m in discover()}


# --- the rule in plain Python ------------------------------------------------------------


def add_months(d: date, k: int) -> date:
    """Same day k months later, clamped to the last day of the target month."""
    year, month0 = divmod(d.month - 1 + k, 12)
    year += d.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def months(start: date, end: date) -> Fraction:
    """months(s, e) of one closed interval, exactly."""
    m = 0
    while add_months(start, m + 1) - DAY <= end:
        m += 1
    remaining = (end - add_months(start, m)).days + 1
    length = (add_months(start, m + 1) - add_months(start, m)).days
    return m + Fraction(remaining, length)


def merged(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Intervals merged when they overlap or touch."""
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + DAY:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def covered(intervals: list[tuple[date, date]], basis: tuple[date, date]) -> Fraction:
    """Months of the union of the intervals cut to the basis agreement."""
    cut = [(max(s, basis[0]), min(e, basis[1])) for s, e in intervals]
    return sum((months(s, e) for s, e in merged([c for c in cut if c[0] <= c[1]])), Fraction(0))


# --- the same SQL on stand-in inputs -----------------------------------------------------


@pytest.fixture(scope="module")
def harness() -> duckdb.DuckDBPyConnection:
    """A database with stand-ins for the models that covered months read."""
    con = duckdb.connect()
    install_macros(con)
    con.execute(
        "create table cfg_parameters as select 4 as min_months_covered, date '2099-01-01' as as_of"
    )
    con.execute(
        "create table int_agreement_conditions (school_year varchar, company_kbo varchar, "
        "learner_insz varchar, agreement_id varchar, start_date date, effective_end_date date, "
        "year_start date, year_end date, in_basis boolean)"
    )
    con.execute(
        "create table int_dimona_counted (dimona_id varchar, company_kbo varchar, "
        "worker_insz varchar, start_date date, open_end_date date, counted boolean, "
        "not_counted_because varchar)"
    )
    con.execute(
        "create table int_pair_school_years (school_year varchar, company_kbo varchar, "
        "learner_insz varchar, year_start date, year_end date)"
    )
    return con


def sql_units(
    con: duckdb.DuckDBPyConnection,
    intervals: list[tuple[date, date]],
    basis: tuple[date, date],
    year: tuple[date, date],
) -> tuple[int, bool, list[tuple]]:
    """Covered units, meets_minimum and merged intervals, computed by the real model SQL."""
    for table in ("int_pair_school_years", "int_agreement_conditions", "int_dimona_counted"):
        con.execute(f"delete from {table}")
    con.execute(
        "insert into int_pair_school_years values ('2024-2025', ?, ?, ?, ?)",
        [COMPANY, LEARNER, year[0], year[1]],
    )
    con.execute(
        "insert into int_agreement_conditions values ('2024-2025', ?, ?, 'A', ?, ?, ?, ?, true)",
        [COMPANY, LEARNER, basis[0], basis[1], year[0], year[1]],
    )
    for n, (start, end) in enumerate(intervals):
        con.execute(
            "insert into int_dimona_counted values (?, ?, ?, ?, ?, true, null)",
            [f"D-{n}", COMPANY, LEARNER, start, end],
        )
    for name in ("int_training_pieces", "int_training_intervals", "int_covered_months"):
        con.execute(f"create or replace table {name} as {MODELS[name].sql}")
    units, meets = con.execute(
        "select covered_units, meets_minimum from int_covered_months"
    ).fetchone()
    rows = con.execute(
        "select interval_start, interval_end from int_training_intervals order by 1"
    ).fetchall()
    return units, meets, rows


YEAR_2024 = (date(2024, 9, 1), date(2025, 8, 31))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 9, 1), date(2024, 12, 31), Fraction(4)),
        (date(2025, 2, 1), date(2025, 5, 31), Fraction(4)),
        (date(2024, 9, 15), date(2025, 1, 14), Fraction(4)),
        (date(2024, 9, 15), date(2025, 1, 13), 3 + Fraction(30, 31)),
        (date(2024, 9, 1), date(2024, 9, 1), Fraction(1, 30)),
        (date(2025, 1, 31), date(2025, 2, 28), 1 + Fraction(1, 31)),  # clamped to 28 Feb
        (date(2024, 9, 1), date(2025, 8, 31), Fraction(12)),
    ],
)
def test_months_of_one_interval(harness, start: date, end: date, expected: Fraction) -> None:
    units, meets, _ = sql_units(harness, [(start, end)], YEAR_2024, YEAR_2024)
    assert Fraction(units, UNITS_PER_MONTH) == expected == months(start, end)
    assert meets == (expected >= 4), "threshold compared on the exact value"


def test_touching_intervals_merge_and_a_gap_does_not(harness) -> None:
    touching = [(date(2024, 9, 1), date(2024, 10, 31)), (date(2024, 11, 1), date(2024, 12, 31))]
    units, meets, rows = sql_units(harness, touching, YEAR_2024, YEAR_2024)
    assert (Fraction(units, UNITS_PER_MONTH), meets) == (Fraction(4), True)
    assert rows == [(date(2024, 9, 1), date(2024, 12, 31))]
    gap = [(date(2024, 9, 1), date(2024, 10, 31)), (date(2024, 11, 2), date(2024, 12, 31))]
    units, meets, rows = sql_units(harness, gap, YEAR_2024, YEAR_2024)
    assert (Fraction(units, UNITS_PER_MONTH), meets) == (3 + Fraction(30, 31), False)
    assert rows == [(date(2024, 9, 1), date(2024, 10, 31)), (date(2024, 11, 2), date(2024, 12, 31))]


def test_nested_interval_does_not_split_the_one_around_it(harness) -> None:
    nested = [
        (date(2024, 9, 1), date(2025, 3, 31)),
        (date(2024, 10, 1), date(2024, 10, 5)),
        (date(2024, 11, 1), date(2025, 1, 31)),
    ]
    units, _, rows = sql_units(harness, nested, YEAR_2024, YEAR_2024)
    assert rows == [(date(2024, 9, 1), date(2025, 3, 31))]
    assert Fraction(units, UNITS_PER_MONTH) == 7


def test_open_ended_dimona_runs_to_the_end_of_the_agreement(harness) -> None:
    open_ended = [(date(2024, 10, 1), date(9999, 12, 31))]
    basis = (date(2024, 9, 1), date(2025, 1, 31))
    units, _, rows = sql_units(harness, open_ended, basis, YEAR_2024)
    assert rows == [(date(2024, 10, 1), date(2025, 1, 31))]
    assert Fraction(units, UNITS_PER_MONTH) == 4


@st.composite
def intervals_in_a_year(draw: st.DrawFn) -> tuple:
    """A school year, a basis agreement within it, and closed intervals within it, some touching."""
    first = draw(st.integers(2023, 2026))
    year = (date(first, 9, 1), date(first + 1, 8, 31))
    days = (year[1] - year[0]).days

    def interval() -> st.SearchStrategy[tuple[date, date]]:
        return (
            st.tuples(st.integers(0, days), st.integers(0, days))
            .map(sorted)
            .map(lambda p: (year[0] + p[0] * DAY, year[0] + p[1] * DAY))
        )

    basis = draw(interval())
    loose = draw(st.lists(interval(), max_size=4))
    # touching pieces (end + 1 day = next start) are rare by chance, so draw some on purpose
    cuts = sorted(draw(st.sets(st.integers(0, days + 1), max_size=4)))
    touching = [(year[0] + a * DAY, year[0] + (b - 1) * DAY) for a, b in pairwise(cuts)]
    return year, basis, loose + touching


@settings(max_examples=200, deadline=None)
@given(intervals_in_a_year())
def test_sql_months_equal_the_rule_exactly(harness, case: tuple) -> None:
    year, basis, intervals = case
    units, meets, _ = sql_units(harness, intervals, basis, year)
    expected = covered(intervals, basis)
    assert Fraction(units, UNITS_PER_MONTH) == expected, f"{intervals} cut to {basis}"
    assert meets == (expected >= 4)


# --- through the whole model stack -------------------------------------------------------


def test_covered_months_through_the_models() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="OVK-1", end_date=date(2024, 10, 31))
    add_agreement(
        con, agreement_id="OVK-2", start_date=date(2025, 1, 1), registration_date=date(2025, 1, 2)
    )
    add_recognition(con)
    # one open-ended period over both agreements: only the days inside them count
    add_dimona(con, start_date=date(2024, 9, 16), end_date=None)
    build(con, as_of=date(2025, 9, 1))
    rows = con.execute(
        "select interval_start, interval_end from int_training_intervals order by 1"
    ).fetchall()
    assert rows == [
        (date(2024, 9, 16), date(2024, 10, 31)),
        (date(2025, 1, 1), date(2025, 6, 30)),
    ]
    row = con.execute(
        "select school_year, training_intervals, covered_units, meets_minimum "
        "from int_covered_months"
    ).fetchone()
    expected = months(date(2024, 9, 16), date(2024, 10, 31)) + 6
    assert row == ("2024-2025", 2, expected * UNITS_PER_MONTH, True)


def test_a_provisional_year_keeps_the_months_worked_by_as_of_and_still_to_work() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con)
    add_dimona(con, start_date=date(2024, 9, 1), end_date=date(2025, 6, 30))
    build(con, as_of=date(2024, 11, 20))
    row = con.execute(
        "select covered_units, meets_minimum, worked_units, units_to_work, "
        "meets_minimum_by_as_of, last_interval_end, min_months_covered, units_per_month "
        "from int_covered_months"
    ).fetchone()
    worked = 2 + Fraction(20, 30)  # 01/09 - 20/11
    assert row == (
        10 * UNITS_PER_MONTH,
        True,
        worked * UNITS_PER_MONTH,
        (10 - worked) * UNITS_PER_MONTH,
        False,  # 4 months as planned, not yet worked
        date(2025, 6, 30),
        4,
        UNITS_PER_MONTH,
    )
