"""The "Wijzigingen" sheet of the office and conformiteit workbooks: what changed since the
previous completed run, in Dutch, with its cause (the Dutch words of duaal.changes.words).

The run compares itself once with the previous completed run (duaal.changes.since_previous,
while it is still writing its reports, so the sheets show what `duaal diff` shows once it
has completed). Each workbook shows the changes it concerns: a premies workbook of a school
year and office the decisions and payments of that year and office; a conformiteit workbook
the findings and quarantined rows of its office, the run's conformiteit workbook all of
them and the refused files.

What the workbooks call: `build_change_sheets(...)` once per run, then on the result
`premies_block(school_year, office)`, `conformiteit_block(office)` and `note()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from duaal.history.changes import DECISION_FIELDS, DUTCH, PAYMENT_FIELDS, Change, Changes
from duaal.history.changes import ComparedRun as RunInfo
from duaal.outputs.workbooks.columns import decision_column, finding_column
from duaal.outputs.workbooks.data import Row
from duaal.outputs.workbooks.labels import (
    NO_OFFICE,
    PAYMENT_STATUS_LABELS,
    STATUS_LABELS,
    CodeLabels,
    severity_label,
)
from duaal.outputs.workbooks.style import Block, Column, Sheet

CHANGES = "Wijzigingen"
CHANGES_PURPOSE = "Wat sinds de vorige run veranderde, met de oorzaak."
# on paper: what changed, for whom, and why; the school year, agreement, mentor and code
# only on the screen (right of the print area)
CHANGE_COLUMNS = (
    Column("Soort", width=11),
    Column("Wijziging", width=10),
    decision_column("school_year", paper=False),
    decision_column("company_kbo"),
    decision_column("learner_insz"),
    finding_column("agreement_id", paper=False),
    finding_column("mentor_insz", paper=False),
    finding_column("code", paper=False),
    Column("Veld", width=14),
    Column("Voor", "wrap", width=20),
    Column("Na", "wrap", width=20),
    Column("Oorzaak", "wrap", width=30),
)
CHANGE_HEADERS = tuple(c.header for c in CHANGE_COLUMNS)
KIND_NL = {
    "decision": "beslissing",
    "finding": "bevinding",
    "payment": "uitbetaling",
    "quarantine": "afgekeurde rij",
    "file": "geweigerd bestand",
}
CHANGE_NL = {
    "appeared": "nieuw",
    "disappeared": "verdwenen",
    "changed": "gewijzigd",
    "resolved": "opgelost",
    "refused": "geweigerd",
}
PREMIES_KINDS = frozenset({"decision", "payment"})  # the changes a premies workbook shows
COMPLIANCE_KINDS = frozenset({"finding", "quarantine", "file"})  # the conformiteit's changes
_FIELDS = {"decision": DECISION_FIELDS, "payment": PAYMENT_FIELDS}
FIRST_RUN = "Eerste voltooide run: er is nog geen eerdere run om mee te vergelijken."
COMPARED_WITH = "Wijzigingen sinds"


def field_label(kind: str, field: str) -> str:
    """The Dutch name of a field of a decision, finding or payment: its contract label."""
    return DUTCH.field(kind, field) if field else ""


def field_value(kind: str, field: str, value: str | None, labels: CodeLabels) -> str:
    """A field's value as the other sheets write it: Ja/Nee, definitief, reasons in words."""
    if value is None:
        return ""
    if field == "eligible":
        return "Ja" if value == "true" else "Nee"
    if field == "status":
        return (PAYMENT_STATUS_LABELS if kind == "payment" else STATUS_LABELS).get(value, value)
    if field == "reasons":
        return labels.reasons_text(value)
    if field in ("months_covered", "paid_eur"):
        return value.replace(".", DUTCH.decimal_point)
    if field == "severity":
        return severity_label(value)
    return value


def side_text(c: Change, values: tuple[str | None, ...], labels: CodeLabels) -> str:
    """The Voor or Na cell of a change."""
    if not values:
        return ""
    if c.kind in _FIELDS and c.change != "changed":  # a decision or payment that (dis)appeared
        shown = zip(_FIELDS[c.kind], values, strict=True)
        return "; ".join(
            f"{field_label(c.kind, f)}: {field_value(c.kind, f, v, labels)}" for f, v in shown if v
        )
    if c.kind == "finding" and not c.field:  # a finding that appeared or was resolved
        return f"{severity_label(values[0])}: {values[1] or ''}"
    if c.kind == "file":  # the reason in English and in Dutch
        return values[1] or values[0] or ""
    return field_value(c.kind, c.field, values[0], labels)


def change_row(c: Change, labels: CodeLabels) -> tuple[str | None, ...]:
    """One change as the sheet shows it, in Dutch (an empty cell is left blank)."""
    cells = (
        KIND_NL.get(c.kind, c.kind),
        CHANGE_NL.get(c.change, c.change),
        c.school_year,
        c.company_kbo,
        c.learner_insz,
        c.agreement_id,
        c.mentor_insz,
        c.code,
        field_label(c.kind, c.field),
        side_text(c, c.before, labels),
        side_text(c, c.after, labels),
        "; ".join(cause.text(DUTCH) for cause in c.causes),
    )
    return tuple(cell or None for cell in cells)


@dataclass(frozen=True)
class ChangeSheets:
    """The rows of the "Wijzigingen" sheets of a run's workbooks, computed once."""

    previous: RunInfo | None  # the run compared with; None: this is the first completed run
    rows: tuple[tuple[str | None, ...], ...]  # Dutch, in the export's order
    kinds: tuple[str, ...]  # per row: decision, finding, quarantine or file
    years: tuple[str, ...]  # per row: the school year of a decision
    offices: tuple[frozenset[str], ...]  # per row: the offices whose workbooks show it

    def premies_block(self, school_year: str, office: str | None) -> Block:
        """The changed decisions and payments of one school year and office (None: of
        every office)."""
        return self._block(
            row
            for row, kind, year, offices in zip(
                self.rows, self.kinds, self.years, self.offices, strict=True
            )
            if kind in PREMIES_KINDS
            and year == school_year
            and (office is None or office in offices)
        )

    def conformiteit_block(self, office: str | None) -> Block:
        """The changed findings and new quarantined rows of one office (None: of every
        office and none, with the refused files)."""
        return self._block(
            row
            for row, kind, offices in zip(self.rows, self.kinds, self.offices, strict=True)
            if kind in COMPLIANCE_KINDS and (office is None or office in offices)
        )

    def _block(self, rows: Iterable[tuple[str | None, ...]]) -> Block:
        """The changes as a list, or one line saying why there are none."""
        listed = list(rows)
        if listed or self.previous is None:
            return Block(CHANGE_COLUMNS, listed, empty=FIRST_RUN)
        return Block(
            CHANGE_COLUMNS, listed, empty=f"Geen wijzigingen sinds {self._previous_run()}."
        )

    def _previous_run(self) -> str:
        p = self.previous
        assert p is not None
        return f"de vorige voltooide run, {p.run_id} met peildatum {p.as_of:%d/%m/%Y}"

    def note(self) -> tuple[str, str]:
        """What the changes are compared with, for the Toelichting sheet."""
        if self.previous is None:
            return (COMPARED_WITH, "geen eerdere run: dit is de eerste voltooide run")
        return (COMPARED_WITH, self._previous_run())


def build_change_sheets(
    changes: Changes,
    labels: CodeLabels,
    findings: Sequence[Row],
    quarantine: Sequence[Row],
    earlier_findings: Callable[[str], Sequence[Row]],
) -> ChangeSheets:
    """The run's changes in Dutch, each with the offices whose workbooks show it: a
    decision's or payment's office in either run; a finding's as the conformiteit workbooks
    place it, in this run (`findings`) or, for one resolved or changed, in the previous run
    (`earlier_findings(run_id)`, read only then); a quarantined row's as the sheet
    "Afgekeurde rijen" places it (`quarantine`); a refused file's none (the run's only)."""
    placed: dict[tuple[str, str, str], set[str]] = {}

    def place(rows: Sequence[Row]) -> None:
        for f in rows:
            key = (f["code"], f["agreement_id"] or "", f["mentor_insz"] or "")
            placed.setdefault(key, set()).add(f["office"] or NO_OFFICE)

    place(findings)
    earlier = [c for c in changes.items if c.kind == "finding" and c.change != "appeared"]
    if earlier and changes.before is not None:
        place(earlier_findings(changes.before.run_id))
    rows_office = {
        (q["source"], q["file_name"], q["row_number"], q["reason"], q["detail"]): q["office"]
        for q in quarantine
    }

    def offices(c: Change) -> frozenset[str]:
        if c.kind in PREMIES_KINDS:
            return frozenset(o or NO_OFFICE for o in c.offices) or frozenset({NO_OFFICE})
        if c.kind == "finding":
            key = (c.code, c.agreement_id, c.mentor_insz)
            return frozenset({o for o in c.offices if o} | placed.get(key, set()))
        if c.kind == "quarantine" and c.place is not None:
            p = c.place
            office = rows_office.get((p.source, p.file_name, p.row_number, c.code, c.after[0]))
            return frozenset({office} if office else ())
        return frozenset()

    return ChangeSheets(
        previous=changes.before,
        rows=tuple(change_row(c, labels) for c in changes.items),
        kinds=tuple(c.kind for c in changes.items),
        years=tuple(c.school_year for c in changes.items),
        offices=tuple(offices(c) for c in changes.items),
    )


def changes_sheet(block: Block) -> Sheet:
    """The Wijzigingen sheet of a workbook: the block of the changes it concerns (the
    block's `empty` line when there are none)."""
    return Sheet(
        CHANGES,
        CHANGES_PURPOSE,
        [block],
        title="Wijzigingen sinds de vorige run",
        empty=block.empty or "",
    )
