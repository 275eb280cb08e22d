"""The rule configuration (transforms/rules.toml): loading it, hashing it, and handing it to SQL.

The SQL models never carry a rule parameter as a literal: they read the `cfg_*` tables
that `load_into` writes before the models run.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from transforms import codes


@dataclass(frozen=True)
class RuleConfig:
    text: str  # the file as written, stored with every run
    values: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.values["version"])

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def premium(self) -> dict[str, Any]:
        return self.values["premium"]

    @property
    def compliance(self) -> dict[str, Any]:
        return self.values["compliance"]

    @property
    def parameters(self) -> dict[str, object]:
        """Every single-valued parameter of [premium] and [compliance], by name: what a
        label template of the code registry may name."""
        scalars = {k: v for k, v in self.premium.items() if not isinstance(v, list)}
        return scalars | dict(self.compliance)


def parse_rule_config(text: str) -> RuleConfig:
    """Parse and check a configuration text (as stored with a run, or read from a file)."""
    values = tomllib.loads(text)
    for section in ("premium", "compliance", "geography"):
        if section not in values:
            raise ValueError(f"rule configuration: section [{section}] is missing")
    if not values["premium"].get("counted_dimona_types"):
        raise ValueError("rule configuration: premium.counted_dimona_types names no Dimona type")
    years = [a["school_year"] for a in values["premium"]["amounts"]]
    if len(years) != len(set(years)):
        raise ValueError("rule configuration: a school year appears twice in premium.amounts")
    return RuleConfig(text=text, values=values)


def load_rule_config(path: Path) -> RuleConfig:
    """Read the configuration file."""
    return parse_rule_config(path.read_text(encoding="utf-8"))


def school_year_of(day: date) -> str:
    """The school year (1 September - 31 August) that contains a day, e.g. '2024-2025'."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{first + 1}"


def load_into(con: duckdb.DuckDBPyConnection, config: RuleConfig, as_of: date) -> None:
    """Write the configuration and as_of into the cfg_* tables the SQL models read."""
    premium, compliance = config.premium, config.compliance
    scalars: dict[str, Any] = {"as_of": as_of, "rule_config_version": config.version}
    scalars |= {k: v for k, v in premium.items() if not isinstance(v, list)}
    scalars |= dict(compliance)
    scalars["dimona_type_check_from"] = date.fromisoformat(str(scalars["dimona_type_check_from"]))
    current = school_year_of(as_of)
    missing = [y for y in school_years_to_decide(config, as_of) if y not in _amount_years(config)]
    if missing:
        raise ValueError(
            f"rule configuration {config.version}: no premium amounts for school year "
            f"{', '.join(missing)} (as_of {as_of.isoformat()} lies in {current})"
        )
    names = list(scalars)
    con.execute(
        "CREATE OR REPLACE TABLE cfg_parameters AS SELECT "
        + ", ".join(f"${i + 1} AS {n}" for i, n in enumerate(names)),
        [scalars[n] for n in names],
    )
    con.execute(
        "CREATE OR REPLACE TABLE cfg_amounts "
        "(school_year VARCHAR PRIMARY KEY, paid_eur INTEGER, unpaid_eur INTEGER)"
    )
    con.executemany(
        "INSERT INTO cfg_amounts VALUES (?, ?, ?)",
        [(a["school_year"], a["paid_eur"], a["unpaid_eur"]) for a in premium["amounts"]],
    )
    con.execute(
        "CREATE OR REPLACE TABLE cfg_counted_dimona_types (worker_type VARCHAR PRIMARY KEY)"
    )
    con.executemany(
        "INSERT INTO cfg_counted_dimona_types VALUES (?)",
        [(t,) for t in premium["counted_dimona_types"]],
    )
    con.execute(
        "CREATE OR REPLACE TABLE cfg_geography (postcode_from INTEGER, postcode_to INTEGER, "
        "province VARCHAR, region VARCHAR, office VARCHAR)"
    )
    con.executemany(
        "INSERT INTO cfg_geography VALUES (?, ?, ?, ?, ?)",
        [
            (g["from"], g["to"], g["province"], g["region"], g["office"])
            for g in config.values["geography"]
        ],
    )
    con.execute(
        "CREATE OR REPLACE TABLE cfg_school_years AS "
        "SELECT school_year, CAST(left(school_year, 4) || '-09-01' AS DATE) AS year_start, "
        "CAST(right(school_year, 4) || '-08-31' AS DATE) AS year_end "
        "FROM (SELECT unnest($1::VARCHAR[]) AS school_year)",
        [school_years_to_decide(config, as_of)],
    )
    codes.load_into(con, config.parameters, codes.load_codes())


def _amount_years(config: RuleConfig) -> set[str]:
    return {a["school_year"] for a in config.premium["amounts"]}


def school_years_to_decide(config: RuleConfig, as_of: date) -> list[str]:
    """From the first premium year up to and including the school year that contains as_of."""
    first = int(str(config.premium["first_school_year"])[:4])
    last = int(school_year_of(as_of)[:4])
    return [f"{y}-{y + 1}" for y in range(first, last + 1)]
