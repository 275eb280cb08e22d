"""The federation workbook under attack: a reader who knows how its figures hang together
solves a linear program over the published cells (scipy's linprog) for every hidden one.

What the reader knows, from the workbook and the rule book: per row Lerenden = Subsidiabel
+ Niet subsidiabel, Subsidiabel = premies zonder + met leervergoeding, Totaal bedrag =
600 x zonder + 1000 x met, Lerenden = conform + niet conform, a reason count is at most
Niet subsidiabel; the rows of every sheet add up to its Totaal row, which is the same
year total in Per kantoor, Per opleiding and Schooljaren; "< 5" is 1 to 4; "—" is any
number, 0 included; a shown
Conform (%) times Lerenden is the number conform. Every hidden count must keep a range of
at least two whole numbers."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from scipy.optimize import linprog

from duaal.workbooks.data import RunInfo
from duaal.workbooks.federatie import write_federatie, year_figures
from duaal.workbooks.labels import OFFICES
from tests.builders import rule_config
from tests.duaal.workbooks.one_run import table

SMALL, HIDDEN = "< 5", "—"
YEARS = ("2023-2024", "2024-2025")
REASONS = ("REGISTRATION_LATE", "NO_DIMONA", "UNDER_4_MONTHS", "NO_CONSENT")


class Reader:
    """The variables, relations and bounds a reader of the workbook can write down."""

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.bounds: list[tuple[float, float | None]] = []
        self.equalities: list[dict[int, float]] = []
        self.inequalities: list[dict[int, float]] = []
        self.hidden: list[tuple] = []

    def var(self, key: tuple) -> int:
        if key not in self.index:
            self.index[key] = len(self.bounds)
            self.bounds.append((0, None))
        return self.index[key]

    def know(self, key: tuple, cell: object, count: bool, small_row: bool) -> None:
        """What one published cell says about its variable."""
        i = self.var(key)
        lo, hi = self.bounds[i]
        if isinstance(cell, int | float):
            new = (cell, cell)
        elif cell == SMALL:
            new = (1, 4)
            self.hidden.append(key)
        elif cell == HIDDEN:
            new = (0, None)
            self.hidden.append(key)
        else:
            raise AssertionError(f"unexpected published value {cell!r} for {key}")
        highs = [h for h in (hi, new[1]) if h is not None]
        self.bounds[i] = (max(lo, new[0]), min(highs) if highs else None)

    def row_relations(self, year: str, part: str, group: str, amounts: tuple[int, int]) -> None:
        v = lambda m: self.var((year, part, group, m))  # noqa: E731
        self.equalities += [
            {v("L"): 1, v("S"): -1, v("N"): -1},
            {v("S"): 1, v("U"): -1, v("P"): -1},
            {v("A"): 1, v("U"): -amounts[0], v("P"): -amounts[1]},
            {v("L"): 1, v("C"): -1, v("D"): -1},
        ]

    def value_range(self, key: tuple) -> tuple[float, float]:
        n = len(self.bounds)
        a_eq = np.zeros((len(self.equalities), n))
        for r, rel in enumerate(self.equalities):
            for i, c in rel.items():
                a_eq[r, i] += c
        a_ub = np.zeros((max(1, len(self.inequalities)), n))
        for r, rel in enumerate(self.inequalities):
            for i, c in rel.items():
                a_ub[r, i] += c
        found = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[self.index[key]] = sign
            result = linprog(
                c,
                A_eq=a_eq,
                b_eq=np.zeros(len(self.equalities)),
                A_ub=a_ub,
                b_ub=np.zeros(len(a_ub)),
                bounds=self.bounds,
                method="highs",
            )
            assert result.status in (0, 3), (
                f"the published figures are consistent: {result.message}"
            )
            found.append(np.inf * -sign if result.status == 3 else result.fun * sign)
        return found[0], found[1]


def amounts_of(year: str) -> tuple[int, int]:
    for a in rule_config().premium.amounts:
        if a.school_year == year:
            return a.unpaid_eur, a.paid_eur
    raise AssertionError(year)


def read_workbook(path: Path, year: str) -> Reader:
    """Everything a reader can write down from one federation workbook."""
    wb = load_workbook(path)
    reader = Reader()
    for sheet, part in (("Per kantoor", "office"), ("Per opleiding", "training")):
        rows = table(wb[sheet])
        header, body = rows[0], rows[1:]
        reasons = list(header[7:])
        groups = []
        for row in body:
            group = "TOTAL" if row[0] == "Totaal" else row[0]
            key = (year, "" if group == "TOTAL" else part, group)
            small_row = row[1] == SMALL
            for col, m in ((1, "L"), (2, "S"), (3, "N"), (5, "A")):
                reader.know((*key, m), row[col], m != "A", small_row)
            for col, reason in enumerate(reasons, start=7):
                reader.know((*key, reason), row[col], True, small_row)
                reader.inequalities.append(
                    {reader.var((*key, reason)): 1, reader.var((*key, "N")): -1}
                )
            if isinstance(row[6], float) and isinstance(row[1], int):
                conform = round(row[6] * row[1])
                reader.know((*key, "C"), conform, True, small_row)
            reader.row_relations(year, key[1], group, amounts_of(year))
            if group != "TOTAL":
                groups.append(group)
        for m in ("L", "S", "N", "A", "C", "U", "P", "D", *reasons):
            rel = {reader.var((year, part, g, m)): 1 for g in groups}
            rel[reader.var((year, "", "TOTAL", m))] = -1
            reader.equalities.append(rel)
    # Schooljaren: one list per measure (Lerenden, Subsidiabel, Bedrag premies), each with
    # the offices as rows and the school years (a running one "(voorlopig)") as columns
    rows = [r for r in table(wb["Schooljaren"]) if r[0] is not None and len(r) > 1]
    starts = [i for i, r in enumerate(rows) if r[0] == "Kantoor"]
    for start, m in zip(starts, ("L", "S", "A"), strict=True):
        header = rows[start]
        body = []
        for r in rows[start + 1 :]:
            body.append(r)
            if r[0] == "Totaal":
                break
        years = [h.split(" ")[0] for h in header[1:] if h]
        for i, y in enumerate(years):
            groups = []
            for row in body:
                group = "TOTAL" if row[0] == "Totaal" else row[0]
                key = (y, "" if group == "TOTAL" else "office", group)
                reader.know((*key, m), row[1 + i], m != "A", False)
                if m == "L":
                    reader.row_relations(y, key[1], group, amounts_of(y))
                if group != "TOTAL":
                    groups.append(group)
            if m == "L":
                for measure in ("L", "S", "N", "A", "C", "U", "P", "D"):
                    rel = {reader.var((y, "office", g, measure)): 1 for g in groups}
                    rel[reader.var((y, "", "TOTAL", measure))] = -1
                    reader.equalities.append(rel)
    return reader


def assert_no_cell_recovered(path: Path, year: str) -> int:
    """Every hidden cell keeps a range of two whole numbers or more; how many were hidden."""
    reader = read_workbook(path, year)
    recovered = []
    for key in dict.fromkeys(reader.hidden):
        low, high = reader.value_range(key)
        if np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1:
            recovered.append((key, low, high))
    assert recovered == [], "the linear program pins these hidden cells down"
    return len(set(reader.hidden))


def assert_real_totals(path: Path) -> None:
    """Every sheet publishes the year's real totals: none hides to protect a group's cell.
    (A year whose totals hold a count of 1 to 4 may hide a total to protect that one.)"""
    wb = load_workbook(path)
    for sheet in ("Per kantoor", "Per opleiding", "Schooljaren"):
        rows = [r for r in table(wb[sheet]) if r[0] is not None]
        headers = [r for r in rows if r[0] in ("Kantoor", "Opleiding")]
        every_totals = [r for r in rows if r[0] == "Totaal"]
        assert len(every_totals) == len(headers), f"{sheet}: a totals row to every list"
        # Schooljaren: a year whose learners total 1 to 4 may hide its other totals
        small_years = {h for h, c in zip(headers[0], every_totals[0], strict=False) if c == SMALL}
        for header, totals in zip(headers, every_totals, strict=True):
            if sheet != "Schooljaren" and SMALL in totals:
                continue
            hidden = [
                h
                for h, cell in zip(header, totals, strict=False)
                if cell == HIDDEN and h not in small_years
            ]
            assert hidden == [], f"{path.name} {sheet} hides totals {hidden}"


def test_the_attack_recovers_no_cell_of_the_test_run(written):
    for path in written:
        if path.name.startswith("federatie_"):
            year = path.stem.removeprefix("federatie_")
            assert assert_no_cell_recovered(path, year) > 0, f"{path.name} hides something"
            assert_real_totals(path)


def synthetic_decisions(seed: int, n: int, year: str) -> list[dict]:
    """n decisions over the six offices and 12 trainings, many groups small."""
    rng = random.Random(seed)
    unpaid, paid = amounts_of(year)
    rows = []
    for i in range(n):
        office = rng.choices(OFFICES, weights=(30, 12, 25, 20, 10, 3))[0]
        eligible = rng.random() < 0.6
        reasons = ";".join(sorted(rng.sample(REASONS, rng.randint(1, 2)))) if not eligible else ""
        paid_learner = rng.random() < 0.8 if eligible else False
        rows.append(
            {
                "office": office,
                "training": f"Opleiding {rng.randint(1, 12):02d}",
                "eligible": eligible,
                "paid_learner": paid_learner,
                "amount_eur": (paid if paid_learner else unpaid) if eligible else 0,
                "status": "final",
                "reasons": reasons,
                "company_kbo": f"{i // 3:010d}",
                "learner_insz": f"{i:011d}",
            }
        )
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_attack_recovers_no_cell_of_a_larger_run(seed, tmp_path):
    run = RunInfo(
        "run-attack", date(2025, 9, 1), datetime(2025, 9, 1, 6), None, rule_config(), "x", None
    )
    decided = {y: synthetic_decisions(seed * 10 + i, 150 + 120 * i, y) for i, y in enumerate(YEARS)}
    findings = [
        {"severity": "error", "company_kbo": d["company_kbo"], "learner_insz": d["learner_insz"]}
        for d in decided[YEARS[1]][::9]
    ]
    figures = [year_figures(run, y, decided[y], findings) for y in YEARS]
    path = write_federatie(tmp_path / "federatie.xlsx", run, figures[1], figures)
    assert assert_no_cell_recovered(path, YEARS[1]) > 10
    totals = table(load_workbook(path)["Per kantoor"])[-1]
    learners = len(decided[YEARS[1]])
    eligible = sum(d["eligible"] for d in decided[YEARS[1]])
    assert totals[:4] == ("Totaal", learners, eligible, learners - eligible), "the real totals"
    assert_real_totals(path)


def test_the_attack_recovers_no_cell_of_a_generated_run(serial):
    _folder, paths = serial  # the workbooks of a generated run (tests/duaal/conftest.py)
    federatie = [p for p in paths if p.name.startswith("federatie_")]
    assert len(federatie) >= 3, "every school year of the generated run"
    for path in federatie:
        assert assert_no_cell_recovered(path, path.stem.removeprefix("federatie_")) > 0
        assert_real_totals(path)
