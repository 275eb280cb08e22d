"""What an input check's result is (`InputCheck`: a code, a severity from the code registry,
where, and a message in English and Dutch), the failure an error makes of a run, and how the
results are kept with the run (`run_checks`) and read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import duckdb

from transforms.codes import load_codes

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
CHECK_SEVERITIES: dict[str, Severity] = {
    c.code: c.severity for c in load_codes().of("input_check") if c.severity
}


@dataclass(frozen=True)
class InputCheck:
    """One finding about the inputs of a run."""

    code: str
    severity: Severity
    message: str  # English, for the terminal
    message_nl: str  # Dutch, for the workbooks
    source: str | None = None
    file_name: str | None = None
    row_number: int | None = None

    @property
    def where(self) -> str:
        """source/file row N, as the terminal names the place."""
        place = "/".join(p for p in (self.source, self.file_name) if p)
        if self.row_number is not None:
            place += f" row {self.row_number}"
        return place

    def line(self) -> str:
        """`CODE source/file row N: message`, as the terminal lists it."""
        return (
            f"{self.code} {self.where}: {self.message}"
            if self.where
            else (f"{self.code}: {self.message}")
        )


@dataclass(frozen=True)
class Thresholds:
    """The settings the checks compare with."""

    max_export_age_days: int = 35
    max_volume_drop: float = 0.10
    max_quarantine_share: float = 0.05


def check(
    code: str,
    message: str,
    message_nl: str,
    source: str | None = None,
    file_name: str | None = None,
    row_number: int | None = None,
    *,
    severity: Severity | None = None,
) -> InputCheck:
    """A result of the input check `code`, with the severity the code registry gives it
    (transforms/codes.toml), unless the check lowers it."""
    return InputCheck(
        code,
        severity or CHECK_SEVERITIES[code],
        message,
        message_nl,
        source,
        file_name,
        row_number,
    )


class InputCheckFailed(RuntimeError):
    """A check of severity error: the inputs cannot be used, so no reports are written."""

    def __init__(self, checks: list[InputCheck]) -> None:
        self.checks = checks  # every check of the run, errors first
        self.errors = [c for c in checks if c.severity == "error"]
        super().__init__("the inputs cannot be used: " + "; ".join(e.line() for e in self.errors))

    def __reduce__(self) -> tuple:  # Prefect may pickle a task's exception
        return (self.__class__, (self.checks,))


def ordered(results: Iterable[InputCheck]) -> list[InputCheck]:
    """Errors first, then warnings, then info; within a severity in the order found."""
    return sorted(results, key=lambda r: SEVERITY_ORDER[r.severity])


def store_checks(con: duckdb.DuckDBPyConnection, run_id: str, results: list[InputCheck]) -> None:
    """Keep the results with the run (table run_checks), in the order the terminal lists them."""
    if not results:
        return
    con.executemany(
        "INSERT INTO run_checks (run_id, check_seq, code, severity, source, file_name, "
        "row_number, message, message_nl) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                i,
                r.code,
                r.severity,
                r.source,
                r.file_name,
                r.row_number,
                r.message,
                r.message_nl,
            )
            for i, r in enumerate(results, start=1)
        ],
    )


def stored_checks(con: duckdb.DuckDBPyConnection, run_id: str) -> list[InputCheck]:
    """The results stored with a run, in order."""
    rows = con.execute(
        "SELECT code, severity, message, message_nl, source, file_name, row_number "
        "FROM run_checks WHERE run_id = ? ORDER BY check_seq",
        [run_id],
    ).fetchall()
    return [InputCheck(*row) for row in rows]
