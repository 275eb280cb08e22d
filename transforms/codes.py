"""The registry of codes (transforms/codes.toml): reasons, findings, quarantine reasons, input
checks, the statuses of a decision and of a payment and the urgency groups of the
Actielijst, with their order, severity, Dutch label and Dutch action.

A label or action that names a rule parameter is a template (`Minder dan
{min_months_covered} maanden opleiding`): `CodeRegistry.filled` gives the texts of one rule
configuration. `load_into` writes them into `cfg_codes`, the table the SQL models and the
validation rules read; the workbooks read the same texts through `filled`.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import duckdb

CODES_PATH = Path(__file__).resolve().parent / "codes.toml"

Kind = Literal[
    "reason",
    "finding",
    "quarantine",
    "input_check",
    "decision_status",
    "payment_status",
    "action_group",
]
Severity = Literal["error", "warning", "info"]
Subject = Literal["agreement", "mentor", "pair"]
KINDS: tuple[Kind, ...] = get_args(Kind)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)  # most serious first
SUBJECTS: tuple[Subject, ...] = get_args(Subject)


@dataclass(frozen=True)
class Code:
    """One entry of the registry."""

    kind: Kind
    code: str
    order: int  # 1-based position among the codes of its kind
    label: str
    severity: Severity | None = None  # findings and input checks
    subject: Subject | None = None  # findings: what a finding names (codes.toml)
    action: str | None = None  # findings that can still be fixed (the Actielijst)
    action_order: int | None = None


@dataclass(frozen=True)
class CodeRegistry:
    codes: tuple[Code, ...]

    def of(self, kind: Kind) -> tuple[Code, ...]:
        """The codes of one kind, in their order."""
        return tuple(c for c in self.codes if c.kind == kind)

    def names(self, kind: Kind) -> list[str]:
        """The code names of one kind, in their order."""
        return [c.code for c in self.of(kind)]

    def get(self, kind: Kind, code: str) -> Code | None:
        """The entry of a code, or None for a code the registry does not hold."""
        return next((c for c in self.of(kind) if c.code == code), None)

    def parameters(self) -> set[str]:
        """Every rule parameter a label or action names."""
        return {name for c in self.codes for text in _texts(c) for name in template_fields(text)}

    def filled(self, parameters: Mapping[str, object]) -> CodeRegistry:
        """The registry with every label and action filled from the rule parameters."""
        return CodeRegistry(
            tuple(
                replace(
                    c,
                    label=fill(c.label, parameters),
                    action=None if c.action is None else fill(c.action, parameters),
                )
                for c in self.codes
            )
        )


def _texts(code: Code) -> list[str]:
    return [code.label, *([code.action] if code.action else [])]


def template_fields(text: str) -> list[str]:
    """The {name} fields of a label template."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def number_nl(value: object) -> str:
    """A parameter as a Dutch reader writes it: 4, 4,5 (never 4.0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def fill(template: str, parameters: Mapping[str, object]) -> str:
    """A template with each {name} replaced by that rule parameter, in Dutch notation."""
    missing = [n for n in template_fields(template) if n not in parameters]
    if missing:
        raise ValueError(
            f"code registry: {template!r} names {', '.join(missing)}, "
            "which the rule configuration does not have"
        )
    return template.format_map({n: number_nl(parameters[n]) for n in template_fields(template)})


def parse_codes(text: str) -> CodeRegistry:
    """Parse and check a registry text."""
    raw = tomllib.loads(text)
    unknown = set(raw) - set(KINDS)
    if unknown:
        raise ValueError(f"code registry: unknown kind {', '.join(sorted(unknown))}")
    codes: list[Code] = []
    for kind in KINDS:
        for order, entry in enumerate(raw.get(kind, []), start=1):
            code = Code(
                kind=kind,
                code=entry["code"],
                order=order,
                label=entry["label"],
                severity=entry.get("severity"),
                subject=entry.get("subject"),
                action=entry.get("action"),
                action_order=entry.get("action_order"),
            )
            _check(code)
            codes.append(code)
    seen = [(c.kind, c.code) for c in codes]
    doubles = sorted({f"{k} {c}" for k, c in seen if seen.count((k, c)) > 1})
    if doubles:
        raise ValueError(f"code registry: {', '.join(doubles)} appear(s) twice")
    return CodeRegistry(tuple(codes))


def _check(code: Code) -> None:
    """Each kind has the fields it needs, with allowed values."""
    where = f"code registry: {code.kind} {code.code}"
    if code.kind in ("finding", "input_check") and code.severity not in SEVERITIES:
        raise ValueError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    if code.kind == "finding" and code.subject not in SUBJECTS:
        raise ValueError(f"{where}: subject must be one of {', '.join(SUBJECTS)}")
    if (code.action is None) != (code.action_order is None):
        raise ValueError(f"{where}: an action needs an action_order, and the other way round")


@cache
def load_codes(path: Path = CODES_PATH) -> CodeRegistry:
    """The registry file (read once per process)."""
    return parse_codes(path.read_text(encoding="utf-8"))


def load_into(
    con: duckdb.DuckDBPyConnection, parameters: Mapping[str, object], registry: CodeRegistry
) -> None:
    """Write the registry, its texts filled from the rule parameters, into cfg_codes."""
    con.execute(
        "CREATE OR REPLACE TABLE cfg_codes (kind VARCHAR NOT NULL, code VARCHAR NOT NULL, "
        "sort_order INTEGER NOT NULL, severity VARCHAR, subject VARCHAR, label VARCHAR NOT NULL, "
        "action VARCHAR, action_order INTEGER, PRIMARY KEY (kind, code))"
    )
    con.executemany(
        "INSERT INTO cfg_codes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (c.kind, c.code, c.order, c.severity, c.subject, c.label, c.action, c.action_order)
            for c in registry.filled(parameters).codes
        ],
    )
