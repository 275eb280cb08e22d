"""Workbook columns that show a mart column: the header is the column's Dutch label in the
mart's contract (transforms/marts/<mart>.toml), so the Toelichting glossary, which reads the
same contract, describes exactly the headers the sheets show."""

from __future__ import annotations

from duaal.workbooks.style import Column
from transforms.contracts import column_label

DECISIONS = "fct_premium_decisions"
FINDINGS = "fct_compliance_findings"
ACTIRIS = "fct_actiris_mentor_premiums"


def decision_column(name: str, kind: str = "text") -> Column:
    """A column showing the decision mart's column `name`."""
    return Column(column_label(DECISIONS, name), kind)


def finding_column(name: str, kind: str = "text") -> Column:
    """A column showing the findings mart's column `name`."""
    return Column(column_label(FINDINGS, name), kind)


def actiris_column(name: str, kind: str = "text") -> Column:
    """A column showing the Actiris mentor premium mart's column `name`."""
    return Column(column_label(ACTIRIS, name), kind)
