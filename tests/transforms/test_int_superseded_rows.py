"""int_superseded_rows: a quarantined row whose natural key staging holds from an earlier
file: the rules use the older row (input check ROW_SUPERSEDED). A later file's accepted row
for the key is newer still, so nothing was superseded."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.builders import (
    COMPANY,
    LEARNER,
    MENTOR,
    add_agreement,
    add_batch,
    add_premium_paid,
    add_recognition,
    rules_db,
)
from tests.transforms.cte import build_model, cte_rows, model_rows
from transforms.sources import SOURCES_BY_FOLDER

MODEL = "int_superseded_rows"
AS_OF = date(2025, 9, 1)


def quarantine(
    con: duckdb.DuckDBPyConnection, batch_id: int, source: str, row_key: str | None, reason: str
) -> None:
    add_batch(con, batch_id, SOURCES_BY_FOLDER[source])
    con.execute(
        "insert into quarantine (batch_id, source, file_name, sheet_name, row_number, reason, "
        "detail, raw_values, row_key) values (?, ?, ?, 'Blad1', 9, ?, 'x', null, ?)",
        [batch_id, source, f"{source}_{batch_id}.xlsx", reason, row_key],
    )


def test_a_quarantined_row_of_a_later_file_supersedes_the_row_in_use() -> None:
    con = rules_db()
    add_agreement(con, agreement_id="OVK-1", batch_id=1)
    add_agreement(con, agreement_id="OVK-2", batch_id=3)
    add_agreement(con, agreement_id="OVK-4", batch_id=2)
    quarantine(con, 2, "overeenkomsten", "OVK-1", "INVALID_INSZ")
    quarantine(con, 2, "overeenkomsten", "OVK-1", "INVALID_DATE")  # the same row, 2 reasons
    quarantine(con, 2, "overeenkomsten", "OVK-2", "INVALID_DATE")  # staging's row is newer
    quarantine(con, 2, "overeenkomsten", "OVK-3", "INVALID_DATE")  # staging has no such key
    quarantine(con, 2, "overeenkomsten", "OVK-4", "INVALID_DATE")  # the same file: no older row
    quarantine(con, 2, "overeenkomsten", None, "MISSING_VALUE")  # no key could be read
    build_model(con, MODEL, AS_OF)
    assert cte_rows(con, MODEL, "quarantined", "row_key, reasons", "row_key") == [
        ("OVK-1", "INVALID_DATE, INVALID_INSZ"),
        ("OVK-2", "INVALID_DATE"),
        ("OVK-3", "INVALID_DATE"),
        ("OVK-4", "INVALID_DATE"),
    ]
    columns = (
        "source, row_key, quarantined_file, quarantined_row, quarantined_batch_id, "
        "quarantine_reasons, used_file, used_batch_id, company_kbo, learner_insz, mentor_insz, "
        "school_year"
    )
    assert model_rows(con, MODEL, columns) == [
        (
            "overeenkomsten",
            "OVK-1",
            "overeenkomsten_2.xlsx",
            9,
            2,
            "INVALID_DATE, INVALID_INSZ",
            "overeenkomsten_1.xlsx",
            1,
            COMPANY,
            LEARNER,
            MENTOR,
            None,
        )
    ]


def test_the_keys_of_recognitions_and_premiums_join_their_columns() -> None:
    con = rules_db()
    add_recognition(con, recognition_id="ERK-1")
    add_premium_paid(con)
    quarantine(con, 2, "erkenningen", f"ERK-1|{MENTOR}", "INVALID_DATE")
    quarantine(con, 2, "premies", f"2022-2023|{COMPANY}|{LEARNER}|stagebonus", "INVALID_AMOUNT")
    build_model(con, MODEL, AS_OF)
    assert model_rows(
        con, MODEL, "source, company_kbo, learner_insz, mentor_insz, school_year"
    ) == [
        ("erkenningen", None, None, MENTOR, None),
        ("premies", COMPANY, LEARNER, None, "2022-2023"),
    ]
