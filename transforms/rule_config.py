"""The rule configuration (transforms/rules.toml): loading it, hashing it, and handing it to SQL.

The SQL models never carry a rule parameter as a literal: they read the `cfg_*` tables
that `load_into` writes before the models run.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from transforms import codes
from transforms.school_years import school_year_label, start_year_of

Number = int | float  # as written in the file: 4 stays 4, 19.5 stays 19.5


@dataclass(frozen=True)
class Amounts:
    """The premium of one school year, with and without a leervergoeding (EUR)."""

    school_year: str
    paid_eur: int
    unpaid_eur: int


@dataclass(frozen=True)
class Premium:
    """[premium]: the premium decision (RULES.md, "Premium decision")."""

    first_school_year: str
    registration_deadline_months: int
    min_months_covered: Number
    max_premiums: int
    counted_dimona_types: tuple[str, ...]
    # RULES.md, "Payment reconciliation"; None only in a configuration a run recorded
    # before payments were reconciled (ADDED_LATER): that run reconciled nothing
    payment_expected_months: int | None
    amounts: tuple[Amounts, ...]


@dataclass(frozen=True)
class Compliance:
    """[compliance]: the compliance findings (RULES.md, "Compliance findings")."""

    registration_due_days: int
    mentor_training_months: int
    mentor_max_agreements: int
    mentor_min_age: int
    mentor_min_experience_years: int
    oao_min_hours_per_week: Number
    max_agreement_months: int
    dimona_type_check_from: date
    actiris_mentor_premium_eur: int
    actiris_max_learners: int
    # Added after runs were recorded: a default (the value they were added with) lets the
    # configuration an older run recorded load all the same (audit, explain, reports).
    action_soon_days: int  # Actielijst: DUE_SOON up to this many days ahead
    action_near_days: int  # Actielijst: DUE_NEAR up to this many days ahead


@dataclass(frozen=True)
class Region:
    """[[geography]]: a range of postal codes and where it lies."""

    postcode_from: int
    postcode_to: int
    province: str
    region: str
    office: str


@dataclass(frozen=True)
class RuleConfig:
    text: str  # the file as written, stored with every run
    version: str
    premium: Premium
    compliance: Compliance
    geography: tuple[Region, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def parameters(self) -> dict[str, object]:
        """Every single-valued parameter of [premium] and [compliance], by name, in the file's
        order: what cfg_parameters holds and a label template of the code registry may name."""
        out: dict[str, object] = {}
        for section in (self.premium, self.compliance):
            for f in fields(section):
                value = getattr(section, f.name)
                if not isinstance(value, tuple):
                    out[f.name] = value
        return out

    def amounts_of(self, school_year: str) -> Amounts | None:
        """The amounts of a school year, or None when the configuration has none."""
        return next((a for a in self.premium.amounts if a.school_year == school_year), None)


T = TypeVar("T")

# Keys added to the configuration after runs had recorded theirs without them, per section,
# with what their absence meant to those runs. A recorded text that lacks one still parses
# (`duaal audit`, `duaal verify` and the workbooks read it): payment_expected_months None
# reconciles no payment, as the run did, so its audit reproduces it; the Actielijst's
# groups take the values they were added with (they decide no premium and no finding). A configuration file
# for a new run must name every key (load_rule_config): a key left out by mistake would
# otherwise change what the run decides without a word.
ADDED_LATER: dict[str, dict[str, object]] = {
    "[premium]": {"payment_expected_months": None},
    "[compliance]": {"action_soon_days": 7, "action_near_days": 30},
}


def _section(
    cls: type[T],
    raw: dict[str, Any],
    where: str,
    convert: dict[str, Callable[[Any], Any]],
    recorded: bool = True,
) -> T:
    """A section's dataclass from its TOML table: every field present (in a recorded text, a
    key of ADDED_LATER may be absent), no unknown key, each value converted where the
    file's type is not the field's (a date written as text)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    absent = ADDED_LATER.get(where, {}) if recorded else {}
    raw = {n: absent[n] for n in absent if n not in raw} | raw
    missing = [n for n in names if n not in raw]
    unknown = sorted(set(raw) - set(names))
    if missing or unknown:
        problems = ([f"{', '.join(missing)} missing"] if missing else []) + (
            [f"unknown {', '.join(unknown)}"] if unknown else []
        )
        raise ValueError(f"rule configuration: {where}: {'; '.join(problems)}")
    return cls(**{n: convert.get(n, _same)(raw[n]) for n in names if n in raw})


def _same(value: Any) -> Any:
    return value


def parse_rule_config(text: str, *, recorded: bool = True) -> RuleConfig:
    """Parse and check a configuration text: as stored with a run (recorded), or read from
    a file for a new run (recorded=False: every key must be there, ADDED_LATER too)."""
    values = tomllib.loads(text)
    for section in ("premium", "compliance", "geography"):
        if section not in values:
            raise ValueError(f"rule configuration: section [{section}] is missing")
    premium, compliance = values["premium"], values["compliance"]
    if not premium.get("counted_dimona_types"):
        raise ValueError("rule configuration: premium.counted_dimona_types names no Dimona type")
    amounts = tuple(_section(Amounts, a, "[[premium.amounts]]", {}) for a in premium["amounts"])
    years = [a.school_year for a in amounts]
    if len(years) != len(set(years)):
        raise ValueError("rule configuration: a school year appears twice in premium.amounts")
    renamed = {"from": "postcode_from", "to": "postcode_to"}
    regions = tuple(
        _section(Region, {renamed.get(k, k): v for k, v in g.items()}, "[[geography]]", {})
        for g in values["geography"]
    )
    return RuleConfig(
        text=text,
        version=str(values["version"]),
        premium=_section(
            Premium,
            premium,
            "[premium]",
            {
                "first_school_year": str,
                "counted_dimona_types": tuple,
                "amounts": lambda _: amounts,
            },
            recorded,
        ),
        compliance=_section(
            Compliance,
            compliance,
            "[compliance]",
            {"dimona_type_check_from": lambda d: date.fromisoformat(str(d))},
            recorded,
        ),
        geography=regions,
    )


def rule_version(config_text: str) -> str:
    """The `version` of a rule configuration text, as a run recorded it ('' when it has none,
    or the text does not parse): what a comparison or a story names the rules by."""
    try:
        return str(tomllib.loads(config_text).get("version", ""))
    except tomllib.TOMLDecodeError:
        return ""


def load_rule_config(path: Path) -> RuleConfig:
    """Read the configuration file of a new run: every key must be in it."""
    return parse_rule_config(path.read_text(encoding="utf-8"), recorded=False)


def load_into(con: duckdb.DuckDBPyConnection, config: RuleConfig, as_of: date) -> None:
    """Write the configuration and as_of into the cfg_* tables the SQL models read."""
    scalars: dict[str, object] = {"as_of": as_of, "rule_config_version": config.version}
    scalars |= config.parameters
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
        [(a.school_year, a.paid_eur, a.unpaid_eur) for a in config.premium.amounts],
    )
    con.execute(
        "CREATE OR REPLACE TABLE cfg_counted_dimona_types (worker_type VARCHAR PRIMARY KEY)"
    )
    con.executemany(
        "INSERT INTO cfg_counted_dimona_types VALUES (?)",
        [(t,) for t in config.premium.counted_dimona_types],
    )
    con.execute(
        "CREATE OR REPLACE TABLE cfg_geography (postcode_from INTEGER, postcode_to INTEGER, "
        "province VARCHAR, region VARCHAR, office VARCHAR)"
    )
    con.executemany(
        "INSERT INTO cfg_geography VALUES (?, ?, ?, ?, ?)",
        [
            (g.postcode_from, g.postcode_to, g.province, g.region, g.office)
            for g in config.geography
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


def school_years_to_decide(config: RuleConfig, as_of: date) -> list[str]:
    """From the first premium year up to and including the school year that contains as_of."""
    first = int(config.premium.first_school_year[:4])
    return [school_year_label(y) for y in range(first, start_year_of(as_of) + 1)]


def school_years_without_amounts(config: RuleConfig, as_of: date) -> list[str]:
    """The school years a run on as_of decides that have no premium amounts (AMOUNTS_MISSING):
    their decisions are made all the same, an eligible one with amount_eur 0."""
    return [y for y in school_years_to_decide(config, as_of) if config.amounts_of(y) is None]
