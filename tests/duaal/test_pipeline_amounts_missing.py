"""A run on 1 September of a school year whose premium amounts are not configured yet
(CONTRACTS.md, input check AMOUNTS_MISSING), without Prefect: the run completes with
warnings, decides that year as with its amounts (eligibility and reasons, amount 0), keeps
every other decision and finding, passes validation, writes every workbook without
pretending to know the amount, and an audit reproduces it. The day before, nothing is said.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pytest
from openpyxl import load_workbook

from duaal.common.db import connect
from duaal.common.settings import Settings, load_settings
from duaal.history.audit import audit
from duaal.history.explain import explain_learner
from duaal.run.check_results import InputCheck
from duaal.run.pipeline import (
    RunSummary,
    checks_stage,
    execute,
    ingest_stage,
    rules_stage,
    start_run,
)
from sample.generate import generate
from tests.builders import RULES_FILE, rules_text_without_amounts
from tests.duaal.workbooks.one_run import table
from transforms.rule_config import load_rule_config
from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS

FIRST_DAY = date(2026, 9, 1)  # 2026-2027 starts; its amounts are left out of the configuration
DAY_BEFORE = date(2026, 8, 31)
YEAR = "2026-2027"
NOT_SET = "bedrag nog niet vastgelegd"
FINDINGS = ", ".join(n for n, _ in FINDING_COLUMNS)
OFFICES = ("Antwerpen", "Limburg", "Oost-Vlaanderen", "West-Vlaanderen", "Vlaams-Brabant & Brussel")


@dataclass(frozen=True)
class Runs:
    settings: Settings  # of the run without the year's amounts
    summary: RunSummary
    configured: list[dict]  # decisions of the same inputs with the amounts, as_of the same
    configured_findings: list[tuple]
    day_before: list[InputCheck]  # the input checks of a run on 31 August


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    """One whole run on 1 September without the year's amounts (validation and reports);
    then, on copies of its database, the rules with the amounts and the checks of 31 August."""
    base = tmp_path_factory.mktemp("amounts")
    generate(base / "raw", agreements=40, seed=1, as_of=FIRST_DAY)
    without = base / "rules_without_2026.toml"
    without.write_text(rules_text_without_amounts(YEAR), encoding="utf-8")
    settings = load_settings(
        raw=base / "raw", db=base / "run.duckdb", reports=base / "reports", as_of=FIRST_DAY
    )
    settings = replace(settings, rules=without)
    summary = execute(settings)

    shutil.copy(settings.db, base / "configured.duckdb")
    con = connect(base / "configured.duckdb")
    rules_stage(con, load_rule_config(RULES_FILE), FIRST_DAY)
    configured = dicts(con, "SELECT * FROM fct_premium_decisions")
    configured_findings = con.execute(f"SELECT {FINDINGS} FROM fct_compliance_findings").fetchall()
    con.close()

    shutil.copy(settings.db, base / "day_before.duckdb")
    earlier = replace(settings, db=base / "day_before.duckdb", as_of=DAY_BEFORE)
    con = connect(earlier.db)
    config = load_rule_config(without)
    run_id = start_run(con, config, DAY_BEFORE)
    day_before = checks_stage(con, earlier, config, run_id, ingest_stage(con, earlier))
    con.close()
    return Runs(settings, summary, configured, sorted(configured_findings, key=str), day_before)


def dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Decision rows as dicts of the mart's columns, in key order."""
    columns = ", ".join(n for n, _ in DECISION_COLUMNS)
    cur = con.execute(f"SELECT {columns} FROM ({sql}) ORDER BY ALL", params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def recorded(runs: Runs) -> tuple[list[dict], list[tuple]]:
    """The run's decisions and findings as it recorded them."""
    con = duckdb.connect(str(runs.settings.db), read_only=True)
    try:
        params = [runs.summary.run_id]
        decisions = dicts(con, "SELECT * FROM run_decisions WHERE run_id = ?", params)
        findings = con.execute(
            f"SELECT {FINDINGS} FROM run_findings WHERE run_id = ?", params
        ).fetchall()
        return decisions, sorted(findings, key=str)
    finally:
        con.close()


def test_the_first_day_completes_with_the_warning_naming_year_and_file(runs):
    summary, rules = runs.summary, runs.settings.rules
    assert summary.status == "completed" and summary.outcome == "completed with warnings"
    missing = [c for c in summary.checks if c.code == "AMOUNTS_MISSING"]
    assert [(c.severity, YEAR in c.message, str(rules) in c.message) for c in missing] == [
        ("warning", True, True)
    ], "one warning, naming the school year and the configuration file"
    assert YEAR in missing[0].message_nl and str(rules) in missing[0].message_nl


def test_the_day_before_says_nothing_of_amounts(runs):
    assert [c.code for c in runs.day_before if c.code == "AMOUNTS_MISSING"] == []


def test_decisions_and_findings_are_those_of_a_run_with_the_amounts_but_for_the_amount(runs):
    without, findings = recorded(runs)
    configured = runs.configured
    assert [d["school_year"] for d in without] == [d["school_year"] for d in configured]
    eligible_new = [d for d in configured if d["school_year"] == YEAR and d["eligible"]]
    assert eligible_new, "the sample has premiums in the new school year"
    for bare, full in zip(without, configured, strict=True):
        differs = {k for k in full if bare[k] != full[k]}
        if full["school_year"] == YEAR:  # the premium of the pair is not known either
            assert bare["premium_eur"] is None and full["premium_eur"] in (600, 1000)
            differs -= {"premium_eur"}
        if full["school_year"] == YEAR and full["eligible"]:
            assert differs == {"amount_eur", "explanation"}
            assert bare["amount_eur"] == 0 and full["amount_eur"] in (600, 1000)
            assert (
                "(bedrag nog niet vastgelegd: de regelconfiguratie heeft nog geen "
                in (bare["explanation"])
            )
        else:
            assert differs == set(), f"{full['school_year']} {full['learner_insz']}: {differs}"
    assert findings == runs.configured_findings


def test_workbooks_of_the_year_say_the_amount_is_not_set(runs):
    reports = runs.settings.reports
    premies = load_workbook(reports / YEAR / f"premies_{YEAR}.xlsx")
    overview = table(premies["Overzicht"])
    assert overview[0][4:7] == (
        "Premies zonder leervergoeding",
        "Premies met leervergoeding",
        "Bedrag premies",
    )
    totals = next(r for r in overview if r[0] == "Totaal")
    assert (totals[6], totals[8]) == (NOT_SET, NOT_SET), "no amount, nor what refusals cost"
    assert totals[4] + totals[5] == totals[2] > 0, "which premium each is, is known all the same"
    shown = set()
    for office in OFFICES:
        sheet = table(premies[office])
        if sheet[0][0] != "Onderneming":
            continue  # an office without decisions this year
        eligible, amount = sheet[0].index("Subsidiabel"), sheet[0].index("Bedrag")
        shown |= {(r[eligible], r[amount]) for r in sheet[1:]}
    assert ("Ja", NOT_SET) in shown and ("Nee", None) in shown
    assert all(a == NOT_SET for e, a in shown if e == "Ja"), "no premium reads as EUR 0"
    notes = {r[0]: r[1] for r in table(premies["Toelichting"]) if r[0]}
    assert notes[f"Premie {YEAR}"].startswith(NOT_SET)
    federatie = table(load_workbook(reports / YEAR / f"federatie_{YEAR}.xlsx")["Per kantoor"])
    offices = federatie[1 : [r[0] for r in federatie].index("Totaal") + 1]  # Tabel 1
    assert {r[federatie[0].index("Bedrag premies")] for r in offices} == {NOT_SET}
    earlier = table(load_workbook(reports / "2025-2026" / "premies_2025-2026.xlsx")["Overzicht"])
    amount = next(r for r in earlier if r[0] == "Totaal")[6]
    assert isinstance(amount, int) and amount > 0, "earlier years keep amounts"
    name = f"conformiteit_{FIRST_DAY.isoformat()}.xlsx"
    checks = table(load_workbook(reports / "conformiteit" / name)["Invoercontrole"])
    label = "Geen premiebedragen voor een schooljaar in de regelconfiguratie"
    assert label in {r[0] for r in checks}, "the input check, by its Dutch name"


def test_an_audit_reproduces_the_run_without_amounts(runs):
    result = audit(runs.settings.db, runs.summary.run_id)
    assert result.identical, result.decision_differences


def test_explain_says_the_amount_is_not_set_yet(runs):
    decisions, _findings = recorded(runs)
    premium = next(d for d in decisions if d["school_year"] == YEAR and d["eligible"])
    story = explain_learner(
        runs.settings.db,
        premium["learner_insz"],
        company=premium["company_kbo"],
        school_year=YEAR,
        run_id=runs.summary.run_id,
    ).render("text")
    assert (
        f"komt in aanmerking, bedrag nog niet vastgelegd (geen bedragen voor {YEAR} in de "
        "regelconfiguratie)"
    ) in story
    assert "LET OP" not in story, "the story agrees with the stored decision"
