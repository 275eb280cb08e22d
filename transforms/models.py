"""Build the SQL models: every `.sql` file under staging/, intermediate/ and marts/ becomes a
table of the same name, built after the models it reads.

A model is one SELECT statement (inputs as CTEs, named transformation CTEs,
`select * from final`). Dependencies are found by the model names a file mentions, so a
new model needs no registration. Macros shared by the models are defined here, once, and
so are the templates: SQL a model writes as `{{ name('argument') }}` and that is generated
here before the model runs (`TEMPLATES`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Literal

import duckdb

from transforms.rule_config import RuleConfig, load_into
from transforms.sources import SOURCES
from transforms.versions import batch_versions

MODELS_DIR = Path(__file__).resolve().parent
ModelLayer = Literal["staging", "intermediate", "marts"]  # the folder of a model's SQL file
LAYERS: tuple[ModelLayer, ...] = ("staging", "intermediate", "marts")
NAME_PATTERN = {
    "staging": re.compile(r"^stg_[a-z0-9]+__[a-z0-9_]+$"),
    "intermediate": re.compile(r"^int_[a-z0-9_]+$"),
    "marts": re.compile(r"^(fct|dim)_[a-z0-9_]+$"),
}

# Date helpers of RULES.md, "Date arithmetic". DuckDB's month interval clamps to the end of
# the target month (2024-11-30 + 3 months = 2025-02-28), always from d itself.
# The countdown a finding's detail ends with (the macros in_days_nl, days_ago_nl and
# days_past_nl write it): the only part of a detail that changes with as_of alone. The
# changes between two runs compare details without it: a day later is not a change.
COUNTDOWN = r"(?:vandaag|over \d+ dag(?:en)?|\d+ dag(?:en)? (?:geleden|verstreken))$"
MACROS = (
    "CREATE OR REPLACE MACRO add_months(d, k) AS CAST(d + to_months(CAST(k AS INTEGER)) AS DATE)",
    "CREATE OR REPLACE MACRO school_year_of(d) AS "
    "CASE WHEN month(d) >= 9 THEN year(d) || '-' || (year(d) + 1) "
    "ELSE (year(d) - 1) || '-' || year(d) END",
    "CREATE OR REPLACE MACRO school_year_start(y) AS CAST(left(y, 4) || '-09-01' AS DATE)",
    "CREATE OR REPLACE MACRO school_year_end(y) AS CAST(right(y, 4) || '-08-31' AS DATE)",
    # months(s, e) of one closed interval: m whole months, the largest k with
    # add_months(s, k) - 1 day <= e (it lies within one of the month difference of e and s),
    # then r remaining days of the next month, of d days: months = m + r / d
    "CREATE OR REPLACE MACRO month_difference(s, e) AS "
    "(year(e) - year(s)) * 12 + month(e) - month(s)",
    "CREATE OR REPLACE MACRO whole_months(s, e) AS CASE "
    "WHEN add_months(s, month_difference(s, e) + 1) - 1 <= e THEN month_difference(s, e) + 1 "
    "WHEN add_months(s, month_difference(s, e)) - 1 <= e THEN month_difference(s, e) "
    "ELSE month_difference(s, e) - 1 END",
    "CREATE OR REPLACE MACRO remaining_days(s, e) AS e - add_months(s, whole_months(s, e)) + 1",
    "CREATE OR REPLACE MACRO next_month_days(s, e) AS "
    "add_months(s, whole_months(s, e) + 1) - add_months(s, whole_months(s, e))",
    # months are counted in whole units of 1/377580 month: 377580 = lcm(28, 29, 30, 31), so
    # r/d of every month length is a whole number of units; sums and thresholds compare exactly
    "CREATE OR REPLACE MACRO units_per_month() AS 377580",
    "CREATE OR REPLACE MACRO month_units(s, e) AS "
    "CAST(whole_months(s, e) AS BIGINT) * units_per_month() "
    "+ CAST(remaining_days(s, e) AS BIGINT) * (units_per_month() // next_month_days(s, e))",
    # Dutch text of the details and explanations: 01/12/2024, '1 dag', '12 dagen'
    "CREATE OR REPLACE MACRO date_nl(d) AS strftime(d, '%d/%m/%Y')",
    "CREATE OR REPLACE MACRO days_nl(n) AS n || CASE WHEN n = 1 THEN ' dag' ELSE ' dagen' END",
    # the countdown that ends a finding's detail: days from or to as_of, 'over 3 dagen',
    # '5 dagen geleden', '12 dagen verstreken', 'vandaag' (COUNTDOWN finds it again)
    "CREATE OR REPLACE MACRO in_days_nl(n) AS "
    "CASE WHEN n = 0 THEN 'vandaag' ELSE 'over ' || days_nl(n) END",
    "CREATE OR REPLACE MACRO days_ago_nl(n) AS "
    "CASE WHEN n = 0 THEN 'vandaag' ELSE days_nl(n) || ' geleden' END",
    "CREATE OR REPLACE MACRO days_past_nl(n) AS days_nl(n) || ' verstreken'",
    # euros as a Dutch reader writes them: € 1.000 and € 999,99 (cents only when there are any)
    "CREATE OR REPLACE MACRO eur_nl(x) AS '€ ' || CASE WHEN x = trunc(x) "
    "THEN replace(format('{:,}', CAST(x AS BIGINT)), ',', '.') "
    "ELSE translate(format('{:,.2f}', CAST(x AS DOUBLE)), ',.', '.,') END",
)


@dataclass(frozen=True)
class Model:
    name: str
    layer: ModelLayer
    path: Path
    sql: str  # the file with its templates filled in


def latest_rows(folder: str, names: list[str]) -> str:
    """A whole staging model: the ingest table of a source (transforms/sources.py), one row
    per natural key (`Source.key`). Exports are upserts: across files the row of the newest
    export wins for its key (transforms/versions.py, whatever the order of loading); within
    one file identical duplicates collapse to the last row."""
    source = next((s for s in SOURCES if s.folder == folder), None)
    if source is None:
        raise ValueError(f"latest_rows: no source {folder!r} in transforms/sources.py")
    return (
        f"with source as (select * from {source.table}), "
        f"versions as {batch_versions()}, "
        "final as (select source.* from source inner join versions using (batch_id) "
        f"qualify row_number() over (partition by {', '.join(source.key)} "
        "order by versions.version desc, source.row_number desc) = 1) "
        "select * from final"
    )


def versions_template(argument: str, names: list[str]) -> str:
    """`{{ batch_versions('all') }}`: the loaded batches in effect with their version
    (transforms/versions.py), for a model that compares versions."""
    if argument != "all":
        raise ValueError(f"batch_versions: the argument is 'all', not {argument!r}")
    return batch_versions()


def union_models(prefix: str, names: list[str]) -> str:
    """Every model whose name starts with prefix, stacked by column name: a new model of that
    family (a new int_finding_<what>.sql) is read without being named anywhere."""
    chosen = sorted(n for n in names if n.startswith(prefix))
    if not chosen:
        raise ValueError(f"union_models: no model starts with {prefix!r}")
    return " union all by name ".join(f"select * from {n}" for n in chosen)


TEMPLATES: dict[str, Callable[[str, list[str]], str]] = {
    "latest_rows": latest_rows,
    "union_models": union_models,
    "batch_versions": versions_template,
}
TEMPLATE = re.compile(r"\{\{\s*([a-z_]+)\(\s*'([^']*)'\s*\)\s*\}\}")


def render(text: str, names: list[str]) -> str:
    """A model's SQL with every {{ template('argument') }} generated."""

    def generate(match: re.Match[str]) -> str:
        template = TEMPLATES.get(match.group(1))
        if template is None:
            raise ValueError(f"unknown SQL template {match.group(1)!r}")
        return template(match.group(2), names)

    return TEMPLATE.sub(generate, text)


def discover(models_dir: Path = MODELS_DIR) -> list[Model]:
    """Every model file, checked against the naming scheme of its layer, templates filled."""
    found: list[tuple[str, str, Path]] = []
    for layer in LAYERS:
        for path in sorted((models_dir / layer).glob("*.sql")):
            if not NAME_PATTERN[layer].match(path.stem):
                raise ValueError(f"model {path} does not follow the naming scheme of {layer}/")
            found.append((path.stem, layer, path))
    names = [name for name, _, _ in found]
    return [
        Model(name, layer, path, render(path.read_text(encoding="utf-8"), names))
        for name, layer, path in found
    ]


def dependencies(models: list[Model]) -> dict[str, set[str]]:
    """For each model, the models its SQL mentions (comments aside)."""
    by_name = {m.name for m in models}
    words = re.compile(r"\b[a-z][a-z0-9_]*\b")
    graph: dict[str, set[str]] = {}
    for m in models:
        sql = re.sub(r"--[^\n]*", "", m.sql.lower())
        graph[m.name] = {w for w in set(words.findall(sql)) if w in by_name and w != m.name}
    return graph


def build_order(models: list[Model], targets: tuple[str, ...] = ()) -> list[Model]:
    """Models sorted so that each comes after the models it mentions; with targets, only
    those and the models they read."""
    by_name = {m.name: m for m in models}
    graph = dependencies(models)
    if targets:
        needed: set[str] = set()
        todo = list(targets)
        while todo:
            name = todo.pop()
            if name not in needed:
                needed.add(name)
                todo += graph[name]
        graph = {n: deps for n, deps in graph.items() if n in needed}
    return [by_name[n] for n in TopologicalSorter(graph).static_order()]


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the shared SQL macros."""
    for macro in MACROS:
        con.execute(macro)


def build_models(
    con: duckdb.DuckDBPyConnection,
    config: RuleConfig,
    as_of: date,
    models_dir: Path = MODELS_DIR,
    targets: tuple[str, ...] = (),
    built_already: tuple[str, ...] = (),
) -> list[str]:
    """Load the configuration and build every model (or only the targets and what they
    read) as a table; returns the names in build order. Models in built_already were
    built in this transaction from the same inputs and configuration (the input checks
    build the staging models first) and are not built again."""
    load_into(con, config, as_of)
    install_macros(con)
    built = []
    for model in build_order(discover(models_dir), targets):
        if model.name in built_already:
            built.append(model.name)
            continue
        sql = model.sql.strip().rstrip(";")
        try:
            con.execute(f"CREATE OR REPLACE TABLE {model.name} AS {sql}")
        except duckdb.Error as exc:
            raise RuntimeError(f"model {model.layer}/{model.name}.sql failed: {exc}") from exc
        built.append(model.name)
    return built
