"""Validate the staging tables and the marts: Great Expectations suites plus row-level rules.

Each `expectations/<table>.json` names a table, its layer and two kinds of checks:
`expectations` (Great Expectations 1.x, run on a pandas DataFrame read from DuckDB, because
GX 1.x has no DuckDB data source) and `rules` (SQL queries run in DuckDB that return the
offending rows, for what GX cannot express on pandas). Every check gives one row in
`validation_results`. A failure on a mart stops the run (`raise_for_marts`); a failure on a
staging table is reported and the run goes on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from expectations import reuse as reuse_keys
from expectations.docs import write_docs
from transforms.codes import SEVERITIES
from transforms.contracts import Layer, Rule, load_contracts
from transforms.identifiers import iban_is_valid, insz_is_valid, is_pseudonym, kbo_is_valid

if TYPE_CHECKING:  # pandas (half a second to import) only where a suite runs: a run whose
    # suites all take an earlier run's results (expectations/reuse.py) never needs it
    import pandas as pd

    from expectations.gx_runner import GxRunner, LazyRunner

SUITES_DIR = Path(__file__).resolve().parent
MAX_EXAMPLES = 10

# The columns each guarded table must have, in order: its contract's (the contract tests keep
# the staging contracts equal to transforms/sources.py and the marts' to their built tables).
CONTRACT_COLUMNS: dict[str, list[str]] = {c.table: c.names for c in load_contracts().values()}

# Checksum functions the rule queries call; the logic stays in transforms/identifiers.py.
IDENTIFIER_FUNCTIONS = {
    "duaal_insz_valid": insz_is_valid,
    "duaal_is_pseudonym": is_pseudonym,
    "duaal_kbo_valid": kbo_is_valid,
    "duaal_iban_valid": iban_is_valid,
}


class ValidationFailed(RuntimeError):
    """A mart failed its validation: the run must not publish it."""


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    layer: Layer
    notes: str
    expectations: tuple[dict[str, Any], ...]
    rules: tuple[Rule, ...]

    @property
    def columns(self) -> list[str]:
        """The columns the expectations read, in the order they first appear."""
        names = [name for exp in self.expectations for name in kwargs_columns(exp["kwargs"])]
        return list(dict.fromkeys(names))


def kwargs_columns(kwargs: dict[str, Any]) -> list[str]:
    """The columns an expectation's kwargs name (single, pair or compound)."""
    names = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
    return [n for n in names if n] + list(kwargs.get("column_list", []))


@dataclass(frozen=True)
class CheckResult:
    suite: str
    table_name: str
    layer: Layer
    expectation: str  # GX expectation type, or 'rule:<name>'
    column_name: str | None
    kwargs: dict[str, Any]
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_examples: list[Any] = field(default_factory=list)

    def describe(self) -> str:
        """One line for a person: which check failed on which table, how often, examples."""
        check = f"{self.expectation}({self.column_name})" if self.column_name else self.expectation
        if self.unexpected_count is None or self.element_count is None:
            return f"{self.table_name}: {check} failed: {self.unexpected_examples}"
        return (
            f"{self.table_name}: {check} failed for {self.unexpected_count} of "
            f"{self.element_count} rows, e.g. {self.unexpected_examples}"
        )


@dataclass
class ValidationOutcome:
    results: int
    failed_staging: list[str]
    failed_marts: list[str]
    docs_index: Path | None  # None: no Data Docs were written (a run without reports)

    @property
    def ok_for_marts(self) -> bool:
        """True when every check on a mart passed."""
        return not self.failed_marts

    def raise_for_marts(self) -> None:
        """Raise ValidationFailed listing every failed mart check."""
        if self.failed_marts:
            lines = "\n".join(f"- {failure}" for failure in self.failed_marts)
            details = self.docs_index or "the table validation_results"
            raise ValidationFailed(
                f"{len(self.failed_marts)} validation check(s) failed on the marts; "
                f"the run stops (details in {details}):\n{lines}"
            )


def load_suites(suites_dir: Path = SUITES_DIR) -> list[Suite]:
    """Every suite file, staging tables first."""
    suites = []
    for path in sorted(suites_dir.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw["name"] != path.stem or raw["layer"] not in ("staging", "mart"):
            raise ValueError(f"suite {path}: name must be the file name, layer staging or mart")
        suites.append(
            Suite(
                name=raw["name"],
                table=raw["table"],
                layer=raw["layer"],
                notes=raw.get("notes", ""),
                expectations=tuple(raw["expectations"]),
                rules=tuple(Rule(**rule) for rule in raw.get("rules", [])),
            )
        )
    return sorted(suites, key=lambda s: (s.layer != "staging", s.name))


def suite_parameters(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """Values the suites take from the run's rule configuration (the cfg_* tables)."""
    try:
        amounts = con.execute(
            "select distinct amount from (select 0 as amount union all "
            "select paid_eur from cfg_amounts union all select unpaid_eur from cfg_amounts) "
            "order by amount"
        ).fetchall()
        geography = con.execute("select province, office from cfg_geography").fetchall()
        years = con.execute("select school_year from cfg_school_years order by 1").fetchall()
        codes = con.execute(
            "select kind, code, action from cfg_codes order by kind, sort_order"
        ).fetchall()
    except duckdb.CatalogException as exc:
        raise RuntimeError(
            "validation needs the rule configuration tables (cfg_*): "
            "load them with transforms.rule_config.load_into first"
        ) from exc
    return {
        "amounts_eur": [a for (a,) in amounts],
        "provinces": sorted({p for p, _ in geography}),
        "offices": sorted({o for _, o in geography}),
        "school_years": [y for (y,) in years],
        "finding_codes": [c for k, c, _ in codes if k == "finding"],
        "action_codes": [c for k, c, action in codes if k == "finding" and action],
        "action_groups": [c for k, c, _ in codes if k == "action_group"],
        "reasons_regex": codes_list_regex([c for k, c, _ in codes if k == "reason"]),
        "severities": list(SEVERITIES),
    }


def codes_list_regex(codes: list[str]) -> str:
    """A regex for ';'-joined codes of a list, or the empty text."""
    one = "|".join(re.escape(c) for c in codes)
    return f"^(?:(?:{one})(?:;(?:{one}))*)?$"


@contextmanager
def identifier_functions(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Register the checksum functions for the rule queries, and remove them afterwards."""
    for name, func in IDENTIFIER_FUNCTIONS.items():
        with suppress(duckdb.Error):  # left over by an interrupted run
            con.remove_function(name)
        con.create_function(name, func, ["VARCHAR"], "BOOLEAN")
    try:
        yield
    finally:
        for name in IDENTIFIER_FUNCTIONS:
            con.remove_function(name)


def check_contract_columns(con: duckdb.DuckDBPyConnection, suite: Suite) -> CheckResult:
    """The table exists with exactly the columns of its contract."""
    expected = CONTRACT_COLUMNS[suite.table]
    actual = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_name = ? and table_schema = current_schema() order by ordinal_position",
            [suite.table],
        ).fetchall()
    ]
    problems = [f"missing: {c}" for c in expected if c not in actual]
    problems += [f"unexpected: {c}" for c in actual if c not in expected]
    if not actual:
        problems = [f"table {suite.table} does not exist"]
    return CheckResult(
        suite=suite.name,
        table_name=suite.table,
        layer=suite.layer,
        expectation="rule:columns_match_contract",
        column_name=None,
        kwargs={"columns": expected},
        success=not problems,
        element_count=None,  # columns, not rows: the message lists them instead
        unexpected_count=len(problems),
        unexpected_examples=problems[:MAX_EXAMPLES],
    )


def run_rule(con: duckdb.DuckDBPyConnection, suite: Suite, rule: Rule, rows: int) -> CheckResult:
    """Run one rule query in DuckDB: its offending rows make it fail."""
    examples: list[Any] = []
    try:
        offending = con.execute(f"select count(*) from ({rule.sql})").fetchall()[0][0]
        if offending:
            # the first offending rows in their own order: the same rows give the same examples
            cursor = con.execute(f"select * from ({rule.sql}) order by all limit {MAX_EXAMPLES}")
            names = [d[0] for d in cursor.description]
            examples = [
                dict(zip(names, map(plain_value, r), strict=True)) for r in cursor.fetchall()
            ]
    except duckdb.Error as exc:
        # a broken rule is a failed check with its reason, not a crash of the whole validation
        offending, examples = None, [f"query failed: {exc}"]
    return CheckResult(
        suite=suite.name,
        table_name=suite.table,
        layer=suite.layer,
        expectation=f"rule:{rule.name}",
        column_name=rule.column,
        kwargs={"sql": rule.sql},
        success=offending == 0,
        element_count=rows,
        unexpected_count=offending,
        unexpected_examples=examples,
    )


def read_table(con: duckdb.DuckDBPyConnection, suite: Suite) -> pd.DataFrame:
    """The columns the suite's expectations need, as a pandas DataFrame."""
    columns = ", ".join(f'"{c}"' for c in suite.columns)
    # DATE arrives as datetime64 and DECIMAL as float64: both types GX compares natively.
    # Sorted, so that the examples GX keeps (the first offending rows) depend on the rows
    # only, not on the order a parallel build left them in: a result is reusable by content
    return con.execute(f"select {columns} from {suite.table} order by all").df()


def plain_value(value: Any) -> Any:
    """A value as JSON can hold it: numpy scalars unwrapped, dates in ISO form, NaN as null."""
    import numpy as np
    import pandas as pd

    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if value is pd.NaT:  # a missing date (NaT is a datetime that has no time)
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


_RESULT_COLUMNS = (
    ("suite", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("layer", "VARCHAR"),
    ("expectation", "VARCHAR"),
    ("column_name", "VARCHAR"),
    ("kwargs", "VARCHAR"),
    ("success", "BOOLEAN"),
    ("element_count", "BIGINT"),
    ("unexpected_count", "BIGINT"),
    ("unexpected_examples", "VARCHAR"),
)


def store_results(con: duckdb.DuckDBPyConnection, run_id: str, results: list[CheckResult]) -> None:
    """Replace the run's rows in validation_results with these results, in their order: one
    INSERT of a list per column, unnested side by side (a row-by-row executemany cost more
    than a second; an Arrow table of Python lists made pyarrow import pandas)."""
    con.execute("delete from validation_results where run_id = ?", [run_id])
    values = {
        "suite": [r.suite for r in results],
        "table_name": [r.table_name for r in results],
        "layer": [r.layer for r in results],
        "expectation": [r.expectation for r in results],
        "column_name": [r.column_name for r in results],
        "kwargs": [json.dumps(r.kwargs, ensure_ascii=False, default=str) for r in results],
        "success": [r.success for r in results],
        "element_count": [r.element_count for r in results],
        "unexpected_count": [r.unexpected_count for r in results],
        "unexpected_examples": [
            json.dumps(r.unexpected_examples[:MAX_EXAMPLES], ensure_ascii=False, default=str)
            for r in results
        ],
    }
    names = ", ".join(name for name, _ in _RESULT_COLUMNS)
    lists = ", ".join(f"unnest(?::{kind}[])" for _, kind in _RESULT_COLUMNS)
    con.execute(
        f"insert into validation_results (run_id, {names}) select ?, {lists}",
        [run_id, *(values[name] for name, _ in _RESULT_COLUMNS)],
    )


def stored_results(con: duckdb.DuckDBPyConnection, run_id: str, suite: Suite) -> list[CheckResult]:
    """The results a run stored for a suite, in the order they were found."""
    rows = con.execute(
        "SELECT expectation, column_name, kwargs, success, element_count, unexpected_count, "
        "unexpected_examples FROM validation_results WHERE run_id = ? AND suite = ? "
        "ORDER BY rowid",
        [run_id, suite.name],
    ).fetchall()
    return [
        CheckResult(
            suite=suite.name,
            table_name=suite.table,
            layer=suite.layer,
            expectation=expectation,
            column_name=column,
            kwargs=json.loads(kwargs),
            success=success,
            element_count=elements,
            unexpected_count=unexpected,
            unexpected_examples=json.loads(examples),
        )
        for expectation, column, kwargs, success, elements, unexpected, examples in rows
    ]


def validate_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    runner: GxRunner | LazyRunner,
    parameters: dict[str, Any],
) -> list[CheckResult]:
    """The contract check, the GX expectations and the rule queries of one suite."""
    contract = check_contract_columns(con, suite)
    if not contract.success and any(
        p.startswith(("missing", "table")) for p in contract.unexpected_examples
    ):
        return [contract]  # the other checks would only repeat that columns are missing
    results = [contract, *runner.validate(suite, read_table(con, suite), parameters)]
    rows = con.execute(f"select count(*) from {suite.table}").fetchall()[0][0]
    results += [run_rule(con, suite, rule, rows) for rule in suite.rules]
    return results


def validate(
    con: duckdb.DuckDBPyConnection, run_id: str, docs_dir: Path | None, *, reuse: bool = False
) -> ValidationOutcome:
    """Validate every suite's table, store one row per check, and write the data quality site
    (expectations/docs/: every run's validation in Dutch, readable offline) into docs_dir;
    None: no site (a later run's site shows this run's page too). reuse: a suite whose inputs
    a run validated already takes that run's results (expectations/reuse.py), recorded in
    validation_reuse; without it (duaal audit) every suite runs."""
    suites = load_suites()
    parameters = suite_parameters(con)
    runner = None  # made when the first suite must run (gx_runner imports pandas)
    results: list[CheckResult] = []
    code = reuse_keys.code_key()
    con.execute(reuse_keys.REUSE_DDL)
    keys: dict[str, tuple[str, str]] = {}
    # no suite changes a table: each table's rows are hashed once for all the suites
    digests = reuse_keys.TableDigests(con)
    with identifier_functions(con):
        for suite in suites:
            key = reuse_keys.input_key(
                con, suite, parameters, CONTRACT_COLUMNS[suite.table], code, digests
            )
            source = reuse_keys.validated_before(con, suite.name, key, run_id) if reuse else None
            keys[suite.name] = (key, source or run_id)
            if source is None:
                if runner is None:
                    from expectations.gx_runner import LazyRunner

                    runner = LazyRunner()
                results += validate_suite(con, suite, runner, parameters)
            else:
                results += stored_results(con, source, suite)
    store_results(con, run_id, results)
    reuse_keys.record(con, run_id, keys)
    docs_index = None if docs_dir is None else write_docs(con, run_id, docs_dir)
    failed = [r for r in results if not r.success]
    return ValidationOutcome(
        results=len(results),
        failed_staging=[r.describe() for r in failed if r.layer == "staging"],
        failed_marts=[r.describe() for r in failed if r.layer == "mart"],
        docs_index=docs_index,
    )
