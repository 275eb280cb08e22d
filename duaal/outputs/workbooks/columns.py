"""Workbook fields that show a mart column: the header is the column's Dutch label in the
mart's contract (transforms/marts/<mart>.toml), or a shorter one for paper, and the
Toelichting glossary describes each field by the meaning its contract gives the column. An
identifier column is shown in its usual form by default (a KBO number, an INSZ, a postcode
as text)."""

from __future__ import annotations

from typing import Any

from duaal.outputs.workbooks.style import Field
from transforms.contracts import column_label

DECISIONS = "fct_premium_decisions"
FINDINGS = "fct_compliance_findings"
ACTIRIS = "fct_actiris_mentor_premiums"


# headers shorter than the contract's label, so the column stays narrow on paper (a header's
# word is never broken): the glossary describes the field by its name, under this header
SHORT_HEADERS: dict[str, str] = {"company_kbo": "KBO-nummer"}


def identifier_kind(name: str) -> str:
    """The kind an identifier column is shown as: kbo, insz, postcode; else text."""
    if name.endswith("_kbo"):
        return "kbo"
    if name.endswith("_insz"):
        return "insz"
    if name.endswith("_postcode"):
        return "postcode"
    return "text"


def mart_field(table: str, name: str, kind: str | None = None, **options: Any) -> Field:
    """A field showing the mart column `name` of `table`, headed by its contract label (or
    a `header` of its own: the glossary then does not describe it)."""
    header = options.pop("header", None) or SHORT_HEADERS.get(name) or column_label(table, name)
    return Field(name, header, kind or identifier_kind(name), **options)


def decision_column(name: str, kind: str | None = None, **options: Any) -> Field:
    """A field showing the decision mart's column `name`."""
    return mart_field(DECISIONS, name, kind, **options)


def finding_column(name: str, kind: str | None = None, **options: Any) -> Field:
    """A field showing the findings mart's column `name`."""
    return mart_field(FINDINGS, name, kind, **options)


def actiris_column(name: str, kind: str | None = None, **options: Any) -> Field:
    """A field showing the Actiris mentor premium mart's column `name`."""
    return mart_field(ACTIRIS, name, kind, **options)
