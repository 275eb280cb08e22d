"""The words a change and its cause are told in: one table per language, chosen once by the
caller. English for `duaal diff`, `duaal export changes` and the Prefect artifact; Dutch for
the "Wijzigingen" sheets of the workbooks. Nothing else here asks which language it is.

A phrase is a template: `{key}`, `{before}`, `{after}`, `{day}`, `{year}`, `{fields}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from transforms.contracts import column_label
from transforms.sources import SOURCES_BY_FOLDER

# the mart whose contract labels a field of a change of each kind (Dutch)
FIELD_TABLES = {
    "decision": "fct_premium_decisions",
    "finding": "fct_compliance_findings",
    "payment": "fct_payment_reconciliation",
}
_ACRONYMS = {"kbo": "KBO", "insz": "INSZ", "iban": "IBAN", "rsz": "RSZ", "id": "ID", "eur": "EUR"}
# the English words of a field of a decision, finding or payment
_FIELD_WORDS = {
    "eligible": "eligible",
    "amount_eur": "amount",
    "reasons": "reasons",
    "months_covered": "months covered",
    "status": "status",
    "office": "office",
    "severity": "severity",
    "detail": "detail",
    "decided_eur": "decided",
    "paid_eur": "paid",
}


@dataclass(frozen=True)
class Words:
    """Every word a cause or a value needs, in one language."""

    row: str  # a file's row: "row 7"
    empty: str  # an empty value
    yes: str
    no: str
    new_row: str  # an input row only the later run used: {key}
    gone_row: str  # an input row only the earlier run used: {key}
    versions: Mapping[str, str]  # older | newer: the later run's version against the earlier
    version: str  # {which} version of {key}: {changed}
    moved: tuple[str, str]  # as_of moved forwards, back: {before}, {after}
    # a day as_of moved over (AsOfCause.event): (forwards, back), with {day} and {year}
    events: Mapping[str, tuple[str, str]]
    configuration: Mapping[str, str]  # rules | code: {before}, {after}
    decision: Mapping[str, str]  # appeared | disappeared | changed: {year}, {fields}
    day: Callable[[date], str]
    year_end: Callable[[date], str]  # 31 August of a school year, as a reader says it
    decimal_point: str
    money: Callable[[str], str]  # an amount in euro, as SQL casts it to text
    column: Callable[[str, str], str]  # an input column's name: (source folder, column)
    field: Callable[[str, str], str]  # a field of a change: (kind, field)

    def number(self, text: str) -> str:
        """A decimal as SQL casts it to text (28.000000), without trailing zeros."""
        return format(Decimal(text).normalize(), "f").replace(".", self.decimal_point)


def column_words(name: str) -> str:
    """An input column's name as English words: registration_date -> registration date."""
    return " ".join(_ACRONYMS.get(word, word) for word in name.split("_"))


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


ENGLISH = Words(
    row="row",
    empty="(empty)",
    yes="yes",
    no="no",
    new_row="new row {key}",
    gone_row="row {key} no longer used",
    versions={"older": "older", "newer": "newer"},
    version="{which} version of {key}: {changed}",
    moved=("as_of moved from {before} to {after}", "as_of moved back from {before} to {after}"),
    events={
        "year": ("school year {year} began on {day}", "school year {year} begins only on {day}"),
        "final": (
            "{day} reached, the decision is final",
            "before {day} again, the decision is provisional",
        ),
        "due": ("past the due date {day}", "before the due date {day} again"),
        "reconciled": (
            "{day} reached, the payments of {year} are reconciled",
            "before {day} again, the payments of {year} are not reconciled yet",
        ),
        "expected": (
            "past the expected payment date {day}",
            "before the expected payment date {day} again",
        ),
    },
    configuration={
        "rules": "rule configuration changed (version {before} -> {after})",
        "code": "code version changed ({before} -> {after})",
    },
    decision={
        "appeared": "new decision for {year}",
        "disappeared": "no decision for {year} any more",
        "changed": "decision for {year} changed: {fields}",
    },
    day=date.isoformat,
    year_end=lambda d: f"31 August {d.year}",
    decimal_point=".",
    money=lambda amount: f"EUR {amount}",
    column=lambda source, name: column_words(name),
    field=lambda kind, name: _FIELD_WORDS.get(name, name),
)

DUTCH = Words(
    row="rij",
    empty="(leeg)",
    yes="ja",
    no="nee",
    new_row="nieuwe rij {key}",
    gone_row="rij {key} niet meer gebruikt",
    versions={"older": "oudere", "newer": "nieuwere"},
    version="{which} versie van {key}: {changed}",
    moved=(
        "peildatum verschoven van {before} naar {after}",
        "peildatum teruggezet van {before} naar {after}",
    ),
    events={
        "year": ("schooljaar {year} begonnen op {day}", "schooljaar {year} begint pas op {day}"),
        "final": (
            "{day} bereikt, de beslissing is definitief",
            "opnieuw vóór {day}, de beslissing is voorlopig",
        ),
        "due": ("voorbij de uiterste datum {day}", "opnieuw vóór de uiterste datum {day}"),
        "reconciled": (
            "{day} bereikt, de uitbetalingen van {year} worden afgestemd",
            "opnieuw vóór {day}, de uitbetalingen van {year} worden nog niet afgestemd",
        ),
        "expected": (
            "voorbij de verwachte datum van uitbetaling {day}",
            "opnieuw vóór de verwachte datum van uitbetaling {day}",
        ),
    },
    configuration={
        "rules": "regelconfiguratie gewijzigd (versie {before} -> {after})",
        "code": "andere versie van duaal ({before} -> {after})",
    },
    decision={
        "appeared": "nieuwe beslissing voor {year}",
        "disappeared": "geen beslissing meer voor {year}",
        "changed": "beslissing voor {year} gewijzigd: {fields}",
    },
    day=_dmy,
    year_end=_dmy,
    decimal_point=",",
    money=lambda amount: f"€ {amount.replace('.', ',')}",
    # the header the export gives the column
    column=lambda source, name: SOURCES_BY_FOLDER[source].column(name).header,
    # the label of the field in its mart's contract
    field=lambda kind, name: column_label(FIELD_TABLES[kind], name),
)
