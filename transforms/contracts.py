"""The table contracts: one TOML file beside each staging model and mart (as dbt's schema.yml).

A contract names the table (with a short Dutch title) and its columns in order, each with
its DuckDB type, its Dutch label (the header the workbooks show), its Dutch meaning (Data
Docs, the Toelichting glossary) and its checks; then the checks on several columns and the
SQL rules. From it come the Great Expectations suites (expectations/suites.py writes
expectations/<table>.json), the mart column lists (transforms/schema.py), the workbook
headers and glossary, and the wording of the Data Docs.

Every staging table starts with the lineage columns of transforms/staging/_lineage.toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

TRANSFORMS_DIR = Path(__file__).resolve().parent
CONTRACT_DIRS = (TRANSFORMS_DIR / "staging", TRANSFORMS_DIR / "marts")
LINEAGE_FILE = TRANSFORMS_DIR / "staging" / "_lineage.toml"

Layer = Literal["staging", "mart"]


@dataclass(frozen=True)
class Check:
    """One Great Expectations expectation: its type and its kwargs (a column's check has its
    column filled in: `column`, or `column_A` for a pair of columns)."""

    type: str
    kwargs: dict[str, Any]
    notes: str  # Dutch: what the check says about the data


@dataclass(frozen=True)
class Rule:
    """A check GX cannot express on pandas: a DuckDB query that returns the offending rows."""

    name: str
    column: str  # the column(s) it is about, joined by ','
    notes: str
    sql: str


@dataclass(frozen=True)
class ContractColumn:
    name: str
    type: str  # DuckDB type
    label: str  # Dutch, as a report header shows it
    meaning: str  # Dutch, one sentence
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Contract:
    table: str
    layer: Layer
    title: str  # Dutch, a few words: how a report names the table (Data Docs)
    notes: str  # Dutch: what the table holds
    columns: tuple[ContractColumn, ...]
    checks: tuple[Check, ...]  # on several columns
    rules: tuple[Rule, ...]
    path: Path

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> ContractColumn:
        """The column called name; KeyError when the contract has none."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"contract {self.table}: no column {name}")

    def expectations(self) -> list[Check]:
        """Every expectation of the table: each column's in column order, then the others."""
        return [*(check for col in self.columns for check in col.checks), *self.checks]


def _column_check(column: str, raw: dict[str, Any]) -> Check:
    kwargs = {k: v for k, v in raw.items() if k not in ("type", "notes")}
    key = "column_A" if raw["type"].startswith("expect_column_pair_") else "column"
    return Check(raw["type"], {key: column, **kwargs}, raw["notes"])


def _column(raw: dict[str, Any]) -> ContractColumn:
    return ContractColumn(
        name=raw["name"],
        type=raw["type"],
        label=raw["label"],
        meaning=raw["meaning"],
        checks=tuple(_column_check(raw["name"], c) for c in raw.get("checks", ())),
    )


@cache
def lineage_columns() -> tuple[ContractColumn, ...]:
    """The lineage columns every staging table starts with."""
    raw = tomllib.loads(LINEAGE_FILE.read_text(encoding="utf-8"))
    return tuple(_column(c) for c in raw["columns"])


def load_contract(path: Path) -> Contract:
    """The contract in one file; its table must be the file's name."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    if raw["table"] != path.stem or raw["layer"] not in ("staging", "mart"):
        raise ValueError(f"contract {path}: table must be the file name, layer staging or mart")
    columns = tuple(_column(c) for c in raw["columns"])
    if raw["layer"] == "staging":
        columns = lineage_columns() + columns
    return Contract(
        table=raw["table"],
        layer=raw["layer"],
        title=raw["title"],
        notes=raw["notes"],
        columns=columns,
        checks=tuple(
            Check(c["type"], {k: v for k, v in c.items() if k not in ("type", "notes")}, c["notes"])
            for c in raw.get("checks", ())
        ),
        rules=tuple(Rule(**r) for r in raw.get("rules", ())),
        path=path,
    )


@cache
def load_contracts() -> dict[str, Contract]:
    """Every table's contract by table name: staging tables first, then the marts."""
    paths = [p for d in CONTRACT_DIRS for p in sorted(d.glob("*.toml")) if p != LINEAGE_FILE]
    return {c.table: c for c in map(load_contract, paths)}


def contract(table: str) -> Contract:
    """The contract of one table; KeyError when it has none."""
    contracts = load_contracts()
    if table not in contracts:
        raise KeyError(f"no contract for table {table} (transforms/staging, transforms/marts)")
    return contracts[table]


def column_info(table: str, column: str) -> ContractColumn:
    """One column of a table's contract."""
    return contract(table).column(column)


def column_label(table: str, column: str) -> str:
    """The Dutch label of a table's column, e.g. 'Ondernemingsnummer'."""
    return column_info(table, column).label
