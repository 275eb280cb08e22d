"""The shortcuts of the disclosure check hide exactly the cells the linear programs alone
would hide, with far fewer programs solved."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import duaal.outputs.workbooks.suppression as suppression
from duaal.outputs.workbooks.data import RunInfo
from duaal.outputs.workbooks.federatie import year_figures
from duaal.outputs.workbooks.suppression import reader
from duaal.outputs.workbooks.suppression.system import System, YearGroups
from tests.builders import rule_config
from tests.duaal.workbooks.test_federatie_disclosure import YEARS, synthetic_decisions


def figures_of(seed: int, year: str, n: int):
    run = RunInfo(
        "run-s", date(2025, 9, 1), datetime(2025, 9, 1, 6), None, rule_config(), "x", None
    )
    decisions = synthetic_decisions(seed, n, year)
    findings = [
        {"severity": "error", "company_kbo": d["company_kbo"], "learner_insz": d["learner_insz"]}
        for d in decisions[::9]
    ]
    return year_figures(run, year, decisions, findings)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import scipy.optimize

    calls = [0]
    # every linear program, the complements' too (reader.solve imports linprog when it runs)
    solve = scipy.optimize.linprog

    def counted(*args, **kwargs):
        calls[0] += 1
        return solve(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "linprog", counted)
    return calls


@pytest.mark.parametrize(("seed", "n"), [(11, 150), (22, 270)])
def test_shortcuts_hide_the_same_cells_as_the_programs_alone(seed, n, monkeypatch):
    calls = counting(monkeypatch)
    quick = figures_of(seed, YEARS[1], n).protection
    with_shortcuts = calls[0]
    with monkeypatch.context() as m:
        m.setattr(reader.Program, "_witnessed", lambda self, variable, value: False)
        m.setattr(reader.Program, "determined", set())
        calls[0] = 0
        plain = figures_of(seed, YEARS[1], n).protection
    assert quick.status == plain.status
    assert sum(s != suppression.SHOWN for s in plain.status.values()) > 10, "cells are hidden"
    assert with_shortcuts * 3 < calls[0], (with_shortcuts, calls[0])


def test_a_value_the_equalities_give_away_is_pinned_without_a_program(monkeypatch):
    # Lerenden = Subsidiabel + Niet subsidiabel: hide one of three, the other two give it away
    total = suppression.Group(learners=12, eligible=7, unpaid=3, paid=4, amount=5800, conform=12)
    system = System(YearGroups({}, total, [], (600, 1000)))
    status = {i: suppression.SHOWN for i in range(len(system.keys))}
    eligible = system.index[("", suppression.TOTAL, suppression.ELIGIBLE)]
    status[eligible] = suppression.HIDDEN
    calls = counting(monkeypatch)
    program = reader.Program(system, reader.known_bounds(system, status))
    assert program.pins(eligible, 7)
    assert calls[0] == 0


def test_exclusive_reasons_are_the_largest_sets_no_refusal_carries_two_of():
    refusals = [
        {"REGISTRATION_LATE", "NO_DIMONA"},
        {"NO_CONSENT"},
        {"NO_DIMONA", "NO_CONSENT"},
        {"UNDER_4_MONTHS"},
    ]
    codes = ["REGISTRATION_LATE", "NO_CONSENT", "NO_DIMONA", "UNDER_4_MONTHS", "CAP_REACHED"]
    assert suppression.exclusive_reasons(refusals, codes) == [
        ("REGISTRATION_LATE", "NO_CONSENT", "UNDER_4_MONTHS"),
        ("NO_DIMONA", "UNDER_4_MONTHS"),
    ], "CAP_REACHED, which no refusal carries, is in no set"
