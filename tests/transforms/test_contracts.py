"""The table contracts beside the models: every staging table and mart is described once,
in the types its table really has."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from expectations.validate import CONTRACT_COLUMNS
from tests.builders import add_agreement, add_recognition, build, rules_db
from transforms.contracts import column_info, column_label, contract, load_contracts
from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS, PAYMENT_COLUMNS, ensure_schema
from transforms.sources import AGREEMENTS, DIMONA, LINEAGE_COLUMNS, PREMIUMS, RECOGNITIONS

STAGING = {
    AGREEMENTS: "stg_werkplekduaal__agreements",
    DIMONA: "stg_dimona__periods",
    RECOGNITIONS: "stg_werkplekduaal__recognitions",
    PREMIUMS: "stg_mtech__premiums_paid",
}


def test_a_contract_for_every_staging_table_and_mart_with_its_columns_in_order() -> None:
    assert list(load_contracts()) == [
        "stg_dimona__periods",
        "stg_mtech__premiums_paid",
        "stg_werkplekduaal__agreements",
        "stg_werkplekduaal__recognitions",
        "dim_agreement_places",
        "dim_company_offices",
        "dim_establishment_offices",
        "dim_mentor_places",
        "fct_action_items",
        "fct_actiris_mentor_premiums",
        "fct_compliance_findings",
        "fct_payment_reconciliation",
        "fct_premium_decisions",
    ]
    for table, names in CONTRACT_COLUMNS.items():
        assert contract(table).names == names


def test_staging_contracts_have_the_types_of_the_ingest_tables() -> None:
    for source, table in STAGING.items():
        staging = contract(table)
        expected = [*LINEAGE_COLUMNS, *((c.name, c.sql_type) for c in source.columns)]
        assert [(c.name, c.type) for c in staging.columns] == expected


def test_every_mart_contract_has_the_columns_and_types_of_its_built_table() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="A-1")
    add_agreement(
        con,
        agreement_id="BXL-1",
        establishment_id="2999999999",
        establishment_postcode=1000,
        establishment_municipality="Brussel",
    )
    add_recognition(con)
    build(con, as_of=date(2025, 9, 1))
    marts = [c for c in load_contracts().values() if c.layer == "mart"]
    assert len(marts) == 9
    for mart in marts:
        described = con.execute(f"describe {mart.table}").fetchall()
        columns = [(name, kind) for name, kind, *_ in described]
        assert columns == [(c.name, c.type) for c in mart.columns], mart.table


def test_a_staging_column_is_labelled_with_its_export_header() -> None:
    for source, table in STAGING.items():
        labels = {c.name: c.label for c in contract(table).columns}
        assert [labels[c.name] for c in source.columns] == [c.header for c in source.columns]


def test_the_run_tables_take_the_mart_columns_from_the_contracts() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    for run_table, columns, mart in (
        ("run_decisions", DECISION_COLUMNS, "fct_premium_decisions"),
        ("run_findings", FINDING_COLUMNS, "fct_compliance_findings"),
        ("run_payments", PAYMENT_COLUMNS, "fct_payment_reconciliation"),
    ):
        assert columns == tuple((c.name, c.type) for c in contract(mart).columns)
        described = con.execute(f"describe {run_table}").fetchall()
        assert [(name, kind) for name, kind, *_ in described] == [("run_id", "VARCHAR"), *columns]


def test_labels_and_meanings_are_dutch_and_one_per_column() -> None:
    assert column_label("fct_premium_decisions", "months_covered") == "Maanden gedekt"
    assert column_label("fct_premium_decisions", "eligible") == "Subsidiabel"
    assert column_label("stg_dimona__periods", "row_number") == "Rij"
    assert column_info("fct_compliance_findings", "due_date").meaning.startswith("Datum waarop")
    for table in load_contracts().values():
        labels = [c.label for c in table.columns]
        assert len(labels) == len(set(labels)), f"{table.table}: two columns share a label"
        assert all(c.meaning.endswith(".") for c in table.columns)


def test_every_table_has_a_dutch_title_of_its_own() -> None:
    titles = {table: c.title for table, c in load_contracts().items()}
    assert titles["stg_werkplekduaal__agreements"] == "Overeenkomsten"
    assert titles["fct_premium_decisions"] == "Premiebeslissingen"
    assert len(set(titles.values())) == len(titles), f"two tables share a title: {titles}"


def test_an_unknown_column_or_table_is_named() -> None:
    with pytest.raises(KeyError, match="contract fct_premium_decisions: no column nope"):
        column_info("fct_premium_decisions", "nope")
    with pytest.raises(KeyError, match="no contract for table int_mentors"):
        contract("int_mentors")


def test_no_contract_writes_a_rule_parameter_as_fixed_text() -> None:
    """A meaning or note names the parameter (rules.toml) instead of its value, so that it
    stays true when the configuration changes ("3 maanden", "25 jaar", "3 premies")."""
    fixed = re.compile(r"\b\d+ (?:maanden|maand|jaar|premies|lerenden|dagen)\b")
    for table in load_contracts().values():
        texts = [table.notes, *(c.meaning for c in table.columns)]
        texts += [check.notes for check in table.expectations()]
        texts += [rule.notes for rule in table.rules]
        found = [t for t in texts if fixed.search(t)]
        assert found == [], f"{table.table}: {found}"
