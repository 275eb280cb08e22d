"""The staging models, one per source, each the generated `{{ latest_rows('<folder>') }}`: one
row per natural key; across files the row of the last ingested batch wins, within one file
the last row (CONTRACTS.md: exports are upserts)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import (
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rules_db,
)
from tests.transforms.cte import build_model, model_rows
from tests.transforms.test_fct_compliance_findings import mentor

AS_OF = date(2025, 9, 1)


def test_the_last_batch_wins_for_its_key_whatever_the_row_number() -> None:
    con = rules_db()
    # the builders number rows upwards, so the batch-2 row has the lower row number here
    add_agreement(con, batch_id=2, agreement_id="OVK-1", hours_per_week=30)
    add_agreement(con, batch_id=1, agreement_id="OVK-1", hours_per_week=28)
    add_agreement(con, batch_id=1, agreement_id="OVK-2", hours_per_week=24)
    build_model(con, "stg_werkplekduaal__agreements", AS_OF)
    assert model_rows(
        con, "stg_werkplekduaal__agreements", "agreement_id, batch_id, hours_per_week"
    ) == [
        ("OVK-1", 2, 30),
        ("OVK-2", 1, 24),
    ]


def test_within_one_batch_the_last_row_wins() -> None:
    con = rules_db()
    add_dimona(con, dimona_id="D-1", declared_on=date(2024, 8, 1))
    add_dimona(con, dimona_id="D-1", declared_on=date(2024, 8, 2))
    build_model(con, "stg_dimona__periods", AS_OF)
    rows = model_rows(con, "stg_dimona__periods", "dimona_id, declared_on, row_number")
    highest = con.execute("select max(row_number) from ingest_dimona").fetchone()[0]
    assert rows == [("D-1", date(2024, 8, 2), highest)]


@pytest.mark.parametrize(
    ("model", "add", "same_key", "other_key"),
    [
        (
            "stg_werkplekduaal__recognitions",
            add_recognition,
            {"recognition_id": "ERK-1"},
            {"recognition_id": "ERK-1", "mentor_insz": mentor(1)},
        ),
        (
            "stg_mtech__premiums_paid",
            add_premium_paid,
            {"kind": "stagebonus"},
            {"kind": "premie"},
        ),
    ],
)
def test_every_part_of_the_natural_key_tells_rows_apart(model, add, same_key, other_key) -> None:
    con = rules_db()
    add(con, batch_id=1, **same_key)
    add(con, batch_id=2, **same_key)
    add(con, batch_id=1, **other_key)
    build_model(con, model, AS_OF)
    assert model_rows(con, model, "batch_id") == [(1,), (2,)]
