"""The data dictionary (expectations/data_dictionary.toml): Dutch label and meaning per column.

The validation suites show the meaning beside their expectations and the workbooks'
Toelichting sheets list the marts' columns with their meaning from here, so every column
is described once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DICTIONARY_FILE = Path(__file__).resolve().parent / "data_dictionary.toml"
LINEAGE = "lineage"  # section shared by every staging table


@dataclass(frozen=True)
class ColumnInfo:
    label: str  # Dutch, as a report header shows it
    meaning: str  # Dutch, one sentence


@cache
def load_data_dictionary(path: Path = DICTIONARY_FILE) -> dict[str, dict[str, ColumnInfo]]:
    """Every section of the dictionary: table (or 'lineage') -> column -> ColumnInfo."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        table: {name: ColumnInfo(**entry) for name, entry in columns.items()}
        for table, columns in raw.items()
    }


def column_info(table: str, column: str) -> ColumnInfo:
    """The description of a table's column; staging lineage columns come from [lineage]."""
    dictionary = load_data_dictionary()
    entry = dictionary.get(table, {}).get(column) or dictionary[LINEAGE].get(column)
    if entry is None:
        raise KeyError(f"data dictionary: no entry for {table}.{column}")
    return entry


def column_label(table: str, column: str) -> str:
    """The Dutch label of a table's column, e.g. 'Ondernemingsnummer'."""
    return column_info(table, column).label
