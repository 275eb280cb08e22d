"""The rule configuration: parsed, checked, hashed, handed to SQL."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.builders import RULES_FILE
from transforms.rule_config import (
    load_into,
    load_rule_config,
    parse_rule_config,
    school_years_to_decide,
    school_years_without_amounts,
)

TEXT = RULES_FILE.read_text(encoding="utf-8")


def test_the_repository_configuration_loads_into_the_cfg_tables():
    config = parse_rule_config(TEXT)
    con = duckdb.connect()
    load_into(con, config, date(2026, 11, 28))
    assert con.execute(
        "SELECT as_of, min_months_covered, max_premiums, registration_deadline_months "
        "FROM cfg_parameters"
    ).fetchone() == (date(2026, 11, 28), 4, 3, 3)
    assert con.execute("SELECT * FROM cfg_amounts WHERE school_year = '2025-2026'").fetchone() == (
        "2025-2026",
        1000,
        600,
    )
    assert [
        r[0] for r in con.execute("SELECT * FROM cfg_counted_dimona_types ORDER BY 1").fetchall()
    ] == ["ALT", "OTH", "RTA"]
    assert len(config.sha256) == 64


def test_school_years_run_from_the_first_premium_year_to_the_one_of_as_of():
    config = parse_rule_config(TEXT)
    assert school_years_to_decide(config, date(2025, 8, 31)) == ["2023-2024", "2024-2025"]
    assert school_years_to_decide(config, date(2025, 9, 1)) == [
        "2023-2024",
        "2024-2025",
        "2025-2026",
    ]


def test_a_school_year_without_amounts_is_decided_and_named():
    """From 1 September of a year the configuration has no amounts for, the year is decided
    (cfg_school_years holds it) and named as without amounts; the day before, nothing is."""
    config = parse_rule_config(TEXT)
    assert school_years_without_amounts(config, date(2027, 8, 31)) == []
    assert school_years_without_amounts(config, date(2027, 9, 1)) == ["2027-2028"]
    con = duckdb.connect()
    load_into(con, config, date(2027, 9, 1))
    decided = con.execute("SELECT school_year FROM cfg_school_years ORDER BY 1").fetchall()
    assert decided[-1] == ("2027-2028",)
    assert con.execute(
        "SELECT count(*) FROM cfg_amounts WHERE school_year = '2027-2028'"
    ).fetchone() == (0,)


def test_no_counted_dimona_type_is_refused_clearly():
    text = TEXT.replace('counted_dimona_types = ["ALT", "OTH", "RTA"]', "counted_dimona_types = []")
    with pytest.raises(ValueError, match="counted_dimona_types names no Dimona type"):
        parse_rule_config(text)


def test_the_configuration_is_typed_and_names_a_missing_or_unknown_parameter():
    config = parse_rule_config(TEXT)
    assert (config.premium.min_months_covered, config.premium.max_premiums) == (4, 3)
    assert config.compliance.dimona_type_check_from == date(2023, 9, 1)
    assert config.amounts_of("2024-2025").paid_eur == 1000
    assert config.geography[0].postcode_from == 1000
    with pytest.raises(ValueError, match=r"\[premium\]: max_premiums missing"):
        parse_rule_config(TEXT.replace("max_premiums = 3", ""))
    with pytest.raises(ValueError, match=r"\[compliance\]: unknown mentor_max_age"):
        parse_rule_config(
            TEXT.replace("mentor_min_age = 25", "mentor_min_age = 25\nmentor_max_age = 65")
        )


def test_payment_expected_months_is_a_parameter_loaded_like_the_others():
    config = parse_rule_config(TEXT)
    assert config.premium.payment_expected_months == 6
    assert config.parameters["payment_expected_months"] == 6
    con = duckdb.connect()
    load_into(con, config, date(2026, 11, 28))
    assert con.execute("SELECT payment_expected_months FROM cfg_parameters").fetchone() == (6,)


def test_a_configuration_file_without_payment_expected_months_is_refused(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(TEXT.replace("payment_expected_months = 6 ", "# "), encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[premium\]: payment_expected_months missing"):
        load_rule_config(path)


def test_a_recorded_configuration_without_payment_expected_months_reconciles_nothing():
    """A run recorded before payments were reconciled stored a text without the key: it
    still parses (audit, verify and the workbooks read it), as a run that reconciled none."""
    config = parse_rule_config(TEXT.replace("payment_expected_months = 6 ", "# "))
    assert config.premium.payment_expected_months is None
    con = duckdb.connect()
    load_into(con, config, date(2026, 11, 28))
    assert con.execute("SELECT payment_expected_months FROM cfg_parameters").fetchone() == (None,)
    with pytest.raises(ValueError, match=r"\[premium\]: unknown payment_expected_month\b"):
        parse_rule_config(TEXT.replace("payment_expected_months", "payment_expected_month"))


def test_a_configuration_recorded_before_the_actielijst_parameters_still_loads():
    """Runs recorded before action_soon_days and action_near_days existed stored a
    configuration without them: audit, explain and the reports of such a run load it with
    the values the parameters were added with; any other missing key is still refused."""
    older = TEXT.replace("action_soon_days = 7", "").replace("action_near_days = 30", "")
    assert "action_" not in older.split("[compliance]")[1].split("[[geography]]")[0]
    config = parse_rule_config(older)
    assert (config.compliance.action_soon_days, config.compliance.action_near_days) == (7, 30)
    changed = parse_rule_config(TEXT.replace("action_soon_days = 7", "action_soon_days = 5"))
    assert changed.parameters["action_soon_days"] == 5
    with pytest.raises(ValueError, match=r"\[compliance\]: registration_due_days missing"):
        parse_rule_config(older.replace("registration_due_days = 30", ""))


def test_a_configuration_file_without_the_actielijst_parameters_is_refused(tmp_path):
    """A file for a new run names every key: one left out by mistake would change the run."""
    path = tmp_path / "rules.toml"
    path.write_text(TEXT.replace("action_soon_days = 7", ""), encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[compliance\]: action_soon_days missing"):
        load_rule_config(path)
