"""The registry of codes (transforms/codes.toml): what it holds, that every code the pipeline
gives is in it, and how its templates are filled and loaded into cfg_codes."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from tests.builders import RULES_FILE
from transforms import values
from transforms.codes import fill, load_codes, parse_codes
from transforms.models import MODELS_DIR, discover
from transforms.rule_config import load_into, parse_rule_config

REGISTRY = load_codes()
CONFIG = parse_rule_config(RULES_FILE.read_text(encoding="utf-8"))


def _codes_in(sql: str) -> list[str]:
    """The codes a model gives: 'CODE' as code, or case when ... then 'CODE' end."""
    return re.findall(r"'([A-Z][A-Z0-9_]+)' as code\b", sql) + re.findall(
        r"then '([A-Z][A-Z0-9_]+)' end", sql
    )


def test_every_finding_a_model_gives_is_in_the_registry_once() -> None:
    given = [
        code
        for model in discover()
        if model.name.startswith("int_finding_")
        for code in _codes_in(model.sql)
    ]
    assert sorted(given) == sorted(REGISTRY.names("finding"))


def test_the_decision_mart_gives_the_reasons_in_the_registrys_order() -> None:
    sql = (MODELS_DIR / "marts" / "fct_premium_decisions.sql").read_text(encoding="utf-8")
    assert _codes_in(sql) == REGISTRY.names("reason")
    assert REGISTRY.names("reason")[7] == "UNDER_4_MONTHS", "a code name never follows a value"


def test_quarantine_reasons_are_those_the_reader_gives() -> None:
    constants = [v for k, v in vars(values).items() if k.isupper() and v == k]
    assert sorted(REGISTRY.names("quarantine")) == sorted(constants)


def test_every_finding_has_a_severity_and_a_subject() -> None:
    severities = {c.code: (c.severity, c.subject) for c in REGISTRY.of("finding")}
    assert severities["REGISTRATION_DUE"] == ("info", "agreement")
    assert severities["MENTOR_OVERLOAD"] == ("error", "mentor")
    assert severities["PAYMENT_MISSING"] == ("warning", "pair")
    assert {c.subject for c in REGISTRY.of("finding") if c.code.startswith("PAYMENT_")} == {"pair"}
    assert [c.code for c in REGISTRY.of("finding") if c.action] == [
        "DIMONA_MISSING",
        "REGISTRATION_DUE",
        "MENTOR_TRAINING_OVERDUE",
        "PAYMENT_MISSING",
        "PAYMENT_AMOUNT_DIFFERS",
        "PAYMENT_NOT_DUE",
        "PAYMENT_WITHOUT_DECISION",
    ]


def test_templates_name_only_parameters_of_the_rule_configuration() -> None:
    assert REGISTRY.parameters() <= set(CONFIG.parameters)
    assert REGISTRY.parameters() >= {"min_months_covered", "max_premiums"}


def test_a_template_is_filled_in_dutch_notation() -> None:
    assert fill("Minder dan {min_months_covered} maanden", {"min_months_covered": 4}) == (
        "Minder dan 4 maanden"
    )
    assert fill("Minder dan {min_months_covered} maanden", {"min_months_covered": 4.5}) == (
        "Minder dan 4,5 maanden"
    )
    with pytest.raises(ValueError, match="names min_weeks, which the rule configuration"):
        fill("Minder dan {min_weeks} weken", {"min_months_covered": 4})


def test_a_registry_without_a_severity_for_a_finding_is_refused() -> None:
    text = '[[finding]]\ncode = "X"\nsubject = "agreement"\nlabel = "x"\n'
    with pytest.raises(ValueError, match="finding X: severity must be one of error"):
        parse_codes(text)
    with pytest.raises(ValueError, match="reason A appear"):
        parse_codes('[[reason]]\ncode = "A"\nlabel = "a"\n[[reason]]\ncode = "A"\nlabel = "b"\n')


def test_cfg_codes_holds_the_labels_filled_from_the_configuration() -> None:
    con = duckdb.connect()
    load_into(con, CONFIG, date(2026, 11, 28))
    rows = con.execute(
        "SELECT kind, code, sort_order, severity, label FROM cfg_codes "
        "WHERE code IN ('UNDER_4_MONTHS', 'CAP_REACHED', 'DIMONA_MISSING') ORDER BY kind, code"
    ).fetchall()
    assert rows == [
        ("finding", "DIMONA_MISSING", 1, "error", "Dimona ontbreekt"),
        ("reason", "CAP_REACHED", 9, None, "Maximum van 3 premies bereikt"),
        ("reason", "UNDER_4_MONTHS", 8, None, "Minder dan 4 maanden opleiding"),
    ]


def test_input_checks_are_those_the_run_gives_with_the_registry_severity() -> None:
    from duaal.run.check_results import check

    checks = (MODELS_DIR.parent / "duaal" / "run" / "checks.py").read_text(encoding="utf-8")
    given = re.findall(r'check\(\s*"([A-Z_]+)",', checks)
    assert sorted(set(given)) == sorted(REGISTRY.names("input_check"))
    for code in given:  # the severity is written once, in the registry
        assert check(code, "m", "m").severity == REGISTRY.get("input_check", code).severity
    lowered = check("SOURCE_MISSING", "m", "m", severity="warning")
    assert lowered.severity == "warning", "a check may lower it (premies is not required)"
