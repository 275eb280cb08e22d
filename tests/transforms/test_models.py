"""The SQL models as a whole: one naming scheme, one shape, and every model builds."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.builders import (
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    build,
    rules_db,
)
from transforms.models import LAYERS, MODELS_DIR, discover

# The systems the staging models read from, as the first part of stg_<source>__<entity>.
STAGING_SOURCES = {"werkplekduaal", "dimona", "mtech"}
LAYER_PATTERN = {
    "staging": re.compile(rf"^stg_({'|'.join(sorted(STAGING_SOURCES))})__[a-z0-9]+(_[a-z0-9]+)*$"),
    "intermediate": re.compile(r"^int_[a-z0-9]+(_[a-z0-9]+)*$"),
    "marts": re.compile(r"^(fct|dim)_[a-z0-9]+(_[a-z0-9]+)*$"),
}
MODELS = discover()


def _body(sql: str) -> str:
    """The SQL without comments, lower case, whitespace collapsed."""
    return " ".join(re.sub(r"--[^\n]*", "", sql).lower().split()).rstrip(";").strip()


def test_every_sql_file_lies_in_a_layer() -> None:
    stray = [
        str(p.relative_to(MODELS_DIR))
        for p in MODELS_DIR.rglob("*.sql")
        if p.parent.name not in LAYERS or p.parent.parent != MODELS_DIR
    ]
    assert stray == [], "SQL files outside staging/, intermediate/, marts/"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_model_name_follows_the_scheme_of_its_layer(model) -> None:
    assert LAYER_PATTERN[model.layer].match(model.name), (
        f"{model.layer}/{model.name}.sql: expected "
        + {"staging": "stg_<source>__<entity>", "intermediate": "int_<what>"}.get(
            model.layer, "fct_<what> or dim_<what>"
        )
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_model_has_the_with_select_from_final_shape(model) -> None:
    body = _body(model.sql)
    assert re.match(r"^with (recursive )?[a-z_][a-z0-9_]* as \(", body), (
        f"{model.name}: inputs as CTEs at the top (starts with 'with <name> as (')"
    )
    assert re.search(r"\bfinal as \(", body), f"{model.name}: has a CTE named final"
    assert body.endswith(") select * from final"), f"{model.name}: ends with select * from final"


def test_every_model_builds() -> None:
    con = rules_db()
    add_agreement(con)
    add_agreement(con, agreement_id="OVK-2", registration_date=None, establishment_postcode=1000)
    add_dimona(con)
    add_dimona(con, end_date=None, worker_type="OTH")
    add_recognition(con)
    add_premium_paid(con)
    build(con, as_of=date(2025, 9, 1))
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert sorted(m.name for m in MODELS if m.name not in tables) == [], "models not built"
    counts = {
        name: con.execute(f"select count(*) from {name}").fetchone()[0]
        for name in (
            "stg_werkplekduaal__agreements",
            "int_agreement_conditions",
            "fct_premium_decisions",
        )
    }
    assert counts == {
        "stg_werkplekduaal__agreements": 2,
        "int_agreement_conditions": 2,
        "fct_premium_decisions": 1,
    }


def test_an_older_database_gets_the_decision_columns_added_since() -> None:
    """run_decisions of a database written before a decision column existed: ensure_schema
    adds it (empty for the runs recorded before), so the next run can record its decisions."""
    import duckdb

    from transforms.schema import DECISION_COLUMNS, ensure_schema

    con = duckdb.connect()
    older = [(n, t) for n, t in DECISION_COLUMNS if n not in ("paid_learner", "premium_eur")]
    con.execute(
        "CREATE TABLE run_decisions (run_id VARCHAR NOT NULL, "
        + ", ".join(f"{n} {t}" for n, t in older)
        + ")"
    )
    ensure_schema(con)
    names = [r[0] for r in con.execute("describe run_decisions").fetchall()]
    assert set(names) == {"run_id", *(n for n, _ in DECISION_COLUMNS)}
