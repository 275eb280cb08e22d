"""One engine (issue 21): the story of `duaal explain` is told from the columns of the models the
decision is built from, so a rule's boundary moved in the rule configuration, or in a
model's SQL, moves the story with it (the sentence about the threshold and its verdict),
with no change to duaal/history/explain/."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from duaal.common.db import connect
from duaal.history.explain import explain_learner
from duaal.run.pipeline import finish_run, record_stage, start_run
from tests.builders import RULES_FILE, add_agreement, add_dimona, add_recognition
from transforms.identifiers import make_insz
from transforms.models import LAYERS, MODELS_DIR, build_models
from transforms.rule_config import RuleConfig, load_rule_config, parse_rule_config

AS_OF = date(2025, 9, 15)
# registered on 15/11/2024: on time by 01/12/2024 (3 months), late by 01/11/2024 (2 months)
REGISTERED_IN_NOVEMBER = make_insz("060303", 301, born_2000_or_later=True)
# Dimona 01/09/2024 - 15/01/2025: 4 + 15/31 months, at least 4 but under 5
FOUR_AND_A_HALF_MONTHS = make_insz("060303", 302, born_2000_or_later=True)
# registered on its deadline, 01/12/2024
REGISTERED_ON_THE_DEADLINE = make_insz("060303", 303, born_2000_or_later=True)


def _inputs(con) -> None:
    add_recognition(con)
    cases = [
        (REGISTERED_IN_NOVEMBER, {"registration_date": date(2024, 11, 15)}, {}),
        (FOUR_AND_A_HALF_MONTHS, {}, {"end_date": date(2025, 1, 15)}),
        (REGISTERED_ON_THE_DEADLINE, {"registration_date": date(2024, 12, 1)}, {}),
    ]
    for n, (insz, agreement, dimona) in enumerate(cases):
        add_agreement(con, agreement_id=f"OVK-B{n}", learner_insz=insz, **agreement)
        add_dimona(con, worker_insz=insz, **dimona)


def _run(folder: Path, config: RuleConfig, models_dir: Path = MODELS_DIR) -> Path:
    """A database with one completed run, its models built from models_dir."""
    db = folder / "duaal.duckdb"
    con = connect(db)
    _inputs(con)
    run_id = start_run(con, config, AS_OF)
    build_models(con, config, AS_OF, models_dir)
    record_stage(con, run_id)
    finish_run(con, run_id, "completed")
    con.close()
    return db


def _config(**changes: int) -> RuleConfig:
    """The repository's rule configuration with parameters of [premium] changed."""
    text = RULES_FILE.read_text(encoding="utf-8")
    default = load_rule_config(RULES_FILE).premium
    for name, value in changes.items():
        old = f"{name} = {getattr(default, name)}"
        assert old in text, old
        text = text.replace(old, f"{name} = {value}", 1)
    return parse_rule_config(text, recorded=False)


@pytest.fixture(scope="module")
def default_db(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("default"), load_rule_config(RULES_FILE))


@pytest.fixture(scope="module")
def changed_db(tmp_path_factory) -> Path:
    """The same inputs, run with a registration deadline of 2 months and a minimum of 5."""
    config = _config(registration_deadline_months=2, min_months_covered=5)
    return _run(tmp_path_factory.mktemp("changed"), config)


def test_the_registration_deadline_of_the_configuration_moves_the_story(default_db, changed_db):
    default = explain_learner(default_db, REGISTERED_IN_NOVEMBER).text()
    assert "- 1. registratie: geregistreerd op 15/11/2024, uiterlijk 01/12/2024: op tijd\n" in (
        default
    )
    assert "Beslissing van de run: komt in aanmerking" in default
    changed = explain_learner(changed_db, REGISTERED_IN_NOVEMBER)
    text = changed.text()
    assert "- 1. registratie: geregistreerd op 15/11/2024, uiterlijk 01/11/2024: te laat\n" in text
    assert "- REGISTRATION_LATE: Te laat geregistreerd in werkplekduaal" in text
    assert "LET OP" not in text
    (decision,) = changed.data["decisions"]
    assert decision["agreements"][0]["registration_deadline"] == date(2024, 11, 1)


def test_the_minimum_of_the_configuration_moves_the_threshold_sentence(default_db, changed_db):
    default = explain_learner(default_db, FOUR_AND_A_HALF_MONTHS).text()
    assert "Gedekte maanden: 4,48 (exact 139/31), minimum 4,00: voldaan\n" in default
    changed = explain_learner(changed_db, FOUR_AND_A_HALF_MONTHS).text()
    assert "Gedekte maanden: 4,48 (exact 139/31), minimum 5,00: niet voldaan\n" in changed
    assert "- UNDER_4_MONTHS: Minder dan 5 maanden opleiding" in changed
    assert "LET OP" not in changed


@pytest.fixture(scope="module")
def edited_models(tmp_path_factory) -> Path:
    """A copy of the models whose registration deadline is one day earlier: registered on
    or before add_months(start, months) - 1 day."""
    models = tmp_path_factory.mktemp("models")
    for layer in LAYERS:
        shutil.copytree(MODELS_DIR / layer, models / layer)
    sql = models / "intermediate" / "int_agreements.sql"
    rule = "add_months(agreements.start_date, parameters.registration_deadline_months)\n"
    text = sql.read_text(encoding="utf-8")
    assert text.count(rule) == 1, "the registration deadline of int_agreements.sql"
    sql.write_text(text.replace(rule, rule.rstrip("\n") + " - 1\n"), encoding="utf-8")
    return models


def test_a_boundary_moved_in_a_models_sql_moves_the_story(default_db, edited_models, tmp_path):
    default = explain_learner(default_db, REGISTERED_ON_THE_DEADLINE).text()
    assert "geregistreerd op 01/12/2024, uiterlijk 01/12/2024: op tijd\n" in default
    edited_db = _run(tmp_path, load_rule_config(RULES_FILE), edited_models)
    story = explain_learner(edited_db, REGISTERED_ON_THE_DEADLINE, models_dir=edited_models)
    text = story.text()
    assert "geregistreerd op 01/12/2024, uiterlijk 30/11/2024: te laat\n" in text
    assert "- REGISTRATION_LATE: Te laat geregistreerd in werkplekduaal" in text
    assert "LET OP" not in text, "the story and the decision come from the same models"
    # told from the repository's models instead, the story is not the run's: it says so
    other = explain_learner(edited_db, REGISTERED_ON_THE_DEADLINE).text()
    assert "LET OP: de herberekening uit de invoer van deze run geeft een andere beslissing" in (
        other
    )
