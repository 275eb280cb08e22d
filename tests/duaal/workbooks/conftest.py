"""The workbooks of one run, written once for all the workbook tests of this folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from duaal.outputs.workbooks import write_reports
from duaal.outputs.workbooks.data import PLACE_MARTS
from tests.builders import RULES_FILE, add_recognition, rule_config, rules_db
from tests.duaal.workbooks.one_run import (
    AS_OF,
    BRUSSELS_KBO,
    FINISHED,
    MENTOR,
    RUN,
    SHA,
    STARTED,
    brussels_agreements,
    decisions,
    findings,
    insert,
)
from transforms.models import build_models
from transforms.rule_config import load_into


@pytest.fixture(scope="package")
def con() -> duckdb.DuckDBPyConnection:
    """A database with one run: decisions, findings, two input files, quarantine, staging."""
    db = rules_db()
    config_text = RULES_FILE.read_text(encoding="utf-8")
    db.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, as_of, rule_config, "
        "rule_config_hash, code_version) VALUES (?, ?, ?, 'completed', ?, ?, ?, 'abc1234')",
        [RUN, STARTED, FINISHED, AS_OF, config_text, rule_config().sha256],
    )
    for batch_id, source, name, quarantined in (
        (1, "overeenkomsten", "overeenkomsten_2025.xlsx", 1),
        (2, "dimona", "dimona_2025.csv", 0),
    ):
        db.execute(
            "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, status, reason, rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'loaded', NULL, 20, ?, ?, 1, ?)",
            [batch_id, source, name, f"data/raw/{source}/{name}", SHA, "Blad1", 19 - quarantined]
            + [quarantined, STARTED],
        )
        db.execute("INSERT INTO run_batches VALUES (?, ?)", [RUN, batch_id])
    db.execute(
        "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, status, reason, rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at) "
        "VALUES (3, 'dimona', 'kapot.xlsx', 'data/raw/dimona/kapot.xlsx', "
        "?, NULL, 'refused', 'kapot.xlsx: not a readable .xlsx workbook', 0, 0, 0, 0, ?)",
        [SHA, STARTED],
    )
    db.execute("INSERT INTO run_batches VALUES (?, 3)", [RUN])
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, detail, raw_values) "
        "VALUES (1, 'overeenkomsten', 'overeenkomsten_2025.xlsx', "
        "'Blad1', 7, 'INVALID_INSZ', 'INSZ lerende: 12345 is geen geldig INSZ-nummer', "
        """'{"INSZ lerende": "12345", "Postcode vestiging": "2800"}')"""
    )
    # a Dimona row of a Brussels company, and one that names no company it can be placed by
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, detail, raw_values) "
        "VALUES (2, 'dimona', 'dimona_2025.csv', NULL, 4, "
        "'INVALID_DATE', 'Begindatum: 31/02/2025 is geen geldige datum', ?)",
        [f'{{"Ondernemingsnummer": "BE {BRUSSELS_KBO}", "Begindatum": "31/02/2025"}}'],
    )
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, detail, raw_values) "
        "VALUES (2, 'dimona', 'dimona_2025.csv', NULL, 5, "
        "'MISSING_VALUE', 'Ondernemingsnummer: leeg, een waarde is verplicht', "
        """'{"Ondernemingsnummer": null}')"""
    )
    # a quarantined row of a batch this run did not use
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, "
        "detail, raw_values) VALUES (9, 'dimona', 'oud.csv', NULL, 3, 'INVALID_DATE', 'x', NULL)"
    )
    insert(db, "run_decisions", decisions())
    insert(db, "run_findings", findings())
    load_into(db, rule_config(), AS_OF)
    brussels_agreements(db)
    # the mentor of the MENTOR_TRAINING_OVERDUE finding, recognised at OVK-0's establishment
    add_recognition(db, recognition_id="ERK-1", mentor_insz=MENTOR)
    add_recognition(
        db,
        recognition_id="ERK-2",
        mentor_insz=MENTOR,
        company_kbo=BRUSSELS_KBO,
        establishment_id="2999999999",
        recognition_date=date(2024, 9, 1),
    )
    db.execute("CREATE TABLE stg_werkplekduaal__agreements AS SELECT * FROM ingest_overeenkomsten")
    db.execute("CREATE TABLE stg_werkplekduaal__recognitions AS SELECT * FROM ingest_erkenningen")
    # the Actiris list, the Actielijst (empty: every school year of its staging is final on
    # AS_OF) and the places of findings and rows are marts, as a run builds them
    build_models(
        db,
        rule_config(),
        AS_OF,
        targets=("fct_actiris_mentor_premiums", "fct_action_items", *PLACE_MARTS),
    )
    return db


@pytest.fixture(scope="package")
def written(con: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The workbooks of the run, written once for the package."""
    return write_reports(con, RUN, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="package")
def reports(written: list[Path]) -> Path:
    """The folder the workbooks were written to."""
    return written[0].parents[1]
