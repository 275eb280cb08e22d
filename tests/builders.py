"""Tiny typed inputs for rule tests: rows with sensible defaults, loaded straight into the
ingest tables (bypassing the reader), then the models built on them.

    con = rules_db()
    add_agreement(con, agreement_id="A1", start_date=date(2024, 9, 1))
    add_dimona(con, worker_insz=LEARNER, start_date=date(2024, 9, 1), end_date=None)
    build(con, as_of=date(2025, 9, 1))
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

import duckdb

from transforms.identifiers import make_iban, make_insz, make_kbo
from transforms.models import build_models
from transforms.rule_config import RuleConfig, load_rule_config
from transforms.schema import ensure_schema
from transforms.sources import AGREEMENTS, DIMONA, PREMIUMS, RECOGNITIONS, Source

RULES_FILE = Path(__file__).resolve().parents[1] / "transforms" / "rules.toml"

COMPANY = make_kbo(4031707)  # 0403170701, a valid KBO number
OTHER_COMPANY = make_kbo(12345678)
LEARNER = make_insz("060512", 123, born_2000_or_later=True)
OTHER_LEARNER = make_insz("070203", 45, born_2000_or_later=True)
MENTOR = make_insz("800101", 77, born_2000_or_later=False)
OTHER_MENTOR = make_insz("750615", 12, born_2000_or_later=False)
IBAN = make_iban("539007547034")

_row_numbers = count(2)


def rules_db() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the schema and nothing in it."""
    con = duckdb.connect()
    ensure_schema(con)
    return con


# the modification time of the file of batch 1; each next batch's file is an hour newer
FIRST_FILE_MTIME = datetime(2024, 1, 1, 6, 0)


def add_batch(con: duckdb.DuckDBPyConnection, batch_id: int, source: Source) -> None:
    """Record batch `batch_id` in load_batches (once): a loaded file of its own, named
    `<folder>_<batch_id>.xlsx` and exported an hour after the batch before, so that a
    higher batch is a newer export (transforms/versions.py)."""
    name = f"{source.folder}_{batch_id}.xlsx"
    when = FIRST_FILE_MTIME + timedelta(hours=batch_id - 1)
    con.execute(
        "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, status, "
        "rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at, file_mtime) "
        "SELECT ?, ?, ?, ?, ?, 'loaded', 0, 0, 0, 0, ?, ? "
        "WHERE NOT EXISTS (SELECT 1 FROM load_batches WHERE batch_id = ?)",
        [
            batch_id,
            source.folder,
            name,
            f"/raw/{source.folder}/{name}",
            f"sha-{batch_id}",
            when,
            when,
            batch_id,
        ],
    )


def _insert(con: duckdb.DuckDBPyConnection, source: Source, row: dict, batch_id: int) -> None:
    add_batch(con, batch_id, source)
    names = ["batch_id", "file_name", "sheet_name", "row_number"]
    values: list = [batch_id, f"{source.folder}_{batch_id}.xlsx", "Blad1", next(_row_numbers)]
    for col in source.columns:
        names.append(col.name)
        values.append(row.get(col.name))
    unknown = set(row) - {c.name for c in source.columns}
    if unknown:
        raise KeyError(f"{source.folder}: unknown columns {sorted(unknown)}")
    placeholders = ", ".join("?" for _ in values)
    con.execute(f"INSERT INTO {source.table} ({', '.join(names)}) VALUES ({placeholders})", values)


def add_agreement(con: duckdb.DuckDBPyConnection, batch_id: int = 1, **values: object) -> dict:
    """An OAO of school year 2024-2025, registered on time, in Antwerp, with consent."""
    row = {
        "agreement_id": "OVK-1",
        "agreement_type": "OAO",
        "start_date": date(2024, 9, 1),
        "end_date": date(2025, 6, 30),
        "termination_date": None,
        "registration_date": date(2024, 9, 15),
        "hours_per_week": 28,
        "learning_allowance": True,
        "premium_consent": True,
        "company_iban": IBAN,
        "learner_insz": LEARNER,
        "learner_name": "Jens Peeters",
        "learner_birth_date": date(2006, 5, 12),
        "company_kbo": COMPANY,
        "company_name": "Metaalbouw Vermeulen NV",
        "establishment_id": "2123456789",
        "establishment_postcode": 2800,
        "establishment_municipality": "Mechelen",
        "training": "Elektrotechnicus duaal",
        "training_provider": "CLW Mechelen",
        "mentor_insz": MENTOR,
        "mentor_name": "Marc Janssens",
        "joint_committee": "111",
    } | values
    _insert(con, AGREEMENTS, row, batch_id)
    return row


def add_dimona(con: duckdb.DuckDBPyConnection, batch_id: int = 1, **values: object) -> dict:
    """An active ALT period for LEARNER at COMPANY covering school year 2024-2025."""
    row = {
        "dimona_id": f"DIM-{next(_row_numbers)}",
        "company_kbo": COMPANY,
        "rsz_number": None,
        "worker_insz": LEARNER,
        "worker_type": "ALT",
        "start_date": date(2024, 9, 1),
        "end_date": date(2025, 6, 30),
        "declared_on": date(2024, 8, 28),
        "joint_committee": "111",
        "status": "Actief",
    } | values
    _insert(con, DIMONA, row, batch_id)
    return row


def add_recognition(con: duckdb.DuckDBPyConnection, batch_id: int = 1, **values: object) -> dict:
    """A recognition of MENTOR, trained within the year, aged 44 with 20 years of experience."""
    row = {
        "recognition_id": "ERK-1",
        "company_kbo": COMPANY,
        "establishment_id": "2123456789",
        "training": "Elektrotechnicus duaal",
        "recognition_date": date(2024, 3, 1),
        "mentor_insz": MENTOR,
        "mentor_name": "Marc Janssens",
        "mentor_birth_date": date(1980, 1, 1),
        "years_experience": 20,
        "mentor_training_date": date(2024, 6, 1),
        "mentor_training_exempt": False,
    } | values
    _insert(con, RECOGNITIONS, row, batch_id)
    return row


def add_premium_paid(con: duckdb.DuckDBPyConnection, batch_id: int = 1, **values: object) -> dict:
    """A stagebonus paid for LEARNER at COMPANY in 2022-2023."""
    row = {
        "school_year": "2022-2023",
        "company_kbo": COMPANY,
        "learner_insz": LEARNER,
        "kind": "stagebonus",
        "amount_eur": 750,
        "paid_on": date(2023, 10, 15),
    } | values
    _insert(con, PREMIUMS, row, batch_id)
    return row


def rule_config() -> RuleConfig:
    """The rule configuration in the repository."""
    return load_rule_config(RULES_FILE)


def rules_text_without_amounts(school_year: str) -> str:
    """The repository's rule configuration text with one school year's amounts removed (as
    on 1 September, before anyone added the new year's amounts)."""
    text = RULES_FILE.read_text(encoding="utf-8")
    block = next(
        b for b in text.split("[[premium.amounts]]\n")[1:] if f'school_year = "{school_year}"' in b
    )
    block = block.split("\n\n")[0] + "\n\n"  # up to the blank line that ends the table
    without = text.replace("[[premium.amounts]]\n" + block, "", 1)
    assert without != text and f'"{school_year}"' not in without, f"{school_year} removed"
    return without


def build(con: duckdb.DuckDBPyConnection, as_of: date, config: RuleConfig | None = None) -> None:
    """Build every model on what was added."""
    build_models(con, config or rule_config(), as_of)
