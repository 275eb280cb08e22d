"""Great Expectations, where duaal runs it: one ephemeral context that validates DataFrames,
made when the first suite must run (GX costs seconds to import), and its results as
duaal's CheckResults."""

from __future__ import annotations

import logging
import os
from typing import Any

import pandas as pd

from expectations.validate import MAX_EXAMPLES, CheckResult, Suite, kwargs_columns, plain_value
from transforms.contracts import column_info


def expectation_notes(suite: Suite, expectation: dict[str, Any]) -> str:
    """The expectation's note followed by the meaning of its columns from the data dictionary."""
    described = []
    for name in kwargs_columns(expectation["kwargs"]):
        info = column_info(suite.table, name)
        described.append(f"{info.label} ({name}): {info.meaning}")
    return " ".join([expectation.get("meta", {}).get("notes", ""), *described]).strip()


def gx_result(suite: Suite, result: Any) -> CheckResult:
    """One GX expectation result as a CheckResult."""
    config = result.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    columns = kwargs_columns(kwargs)
    details = result.result or {}
    examples = plain_value(list(details.get("partial_unexpected_list") or [])[:MAX_EXAMPLES])
    exception = result.exception_info or {}
    if exception.get("raised_exception"):
        examples = [str(exception.get("exception_message"))]
    return CheckResult(
        suite=suite.name,
        table_name=suite.table,
        layer=suite.layer,
        expectation=config.type,
        column_name=",".join(columns) or None,
        kwargs=plain_value(kwargs),
        success=bool(result.success),
        element_count=details.get("element_count"),
        unexpected_count=details.get("unexpected_count"),
        unexpected_examples=examples,
    )


class GxRunner:
    """One ephemeral GX context that validates DataFrames: one pandas data source with one
    DataFrame asset, whose batch of the moment is the table a suite guards."""

    def __init__(self) -> None:
        # no usage statistics leave the machine of a run that handles personal data
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        # GX costs seconds to import: only a validation that runs a suite pays for it.
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # its INFO lines (temporary folders it creates) are noise on an analyst's terminal
        # (GX sets its data_context.types.base logger to INFO itself, so name it too)
        for name in ("great_expectations", "great_expectations.data_context.types.base"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.enable_analytics(False)
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        # one asset for every table: each asset added saves the context's configuration
        asset = self.context.data_sources.add_pandas("duaal").add_dataframe_asset("tables")
        self.batches = asset.add_batch_definition_whole_dataframe("whole_table")

    def validate(
        self, suite: Suite, frame: pd.DataFrame, parameters: dict[str, Any]
    ) -> list[CheckResult]:
        """Run a suite's expectations on a DataFrame, as one validation of one batch. The
        suite is not kept in the context: `Batch.validate` runs it and stores nothing (a
        ValidationDefinition would store itself, its suite and its results first)."""
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        gx_suite = self.gx.ExpectationSuite(
            name=suite.name, notes=suite.notes, meta={"layer": suite.layer}
        )
        for exp in suite.expectations:
            gx_suite.add_expectation_configuration(
                ExpectationConfiguration(
                    type=exp["type"],
                    kwargs=exp["kwargs"],
                    meta=exp.get("meta", {}),
                    notes=expectation_notes(suite, exp),
                )
            )
        batch = self.batches.get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(
            gx_suite,
            result_format={"result_format": "BASIC", "partial_unexpected_count": MAX_EXAMPLES},
            expectation_parameters=parameters,
        )
        return [gx_result(suite, result) for result in outcome.results]


class LazyRunner:
    """The GX context, made when the first suite must run (GX costs seconds to import)."""

    def __init__(self) -> None:
        self._runner: GxRunner | None = None

    def validate(
        self, suite: Suite, frame: pd.DataFrame, parameters: dict[str, Any]
    ) -> list[CheckResult]:
        if self._runner is None:
            self._runner = GxRunner()
        return self._runner.validate(suite, frame, parameters)
