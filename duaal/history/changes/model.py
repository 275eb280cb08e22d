"""A change, every change between two runs, and how many there were: what the comparison
gives and every presentation (terminal, Markdown, export, sheets) reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from duaal.history.changes.causes import Cause, PlaceCause

# the columns of `duaal export changes` (docs/CONTRACTS.md), also its sort order
CHANGE_EXPORT = (
    "kind",
    "change",
    "school_year",
    "company_kbo",
    "learner_insz",
    "agreement_id",
    "mentor_insz",
    "code",
    "field",
    "before",
    "after",
    "cause",
)
# the compared fields of a decision (run_decisions) and of a payment (run_payments)
DECISION_FIELDS = ("eligible", "amount_eur", "reasons", "months_covered", "status", "office")
PAYMENT_FIELDS = ("status", "decided_eur", "paid_eur")


@dataclass(frozen=True)
class ComparedRun:
    """One side of a comparison: a run and what a change can be blamed on."""

    run_id: str
    as_of: date
    rule_config_hash: str
    rule_version: str
    code_version: str
    reconciled: bool = True  # recorded its payment reconciliation (runs.digest_payments)


@dataclass(frozen=True)
class Change:
    """One change, as the export names it, with what the other presentations need.

    `before` and `after` hold the values of the side that has one (() for the other):
    a changed decision, finding or payment field: (value,), as the export writes it; a
    decision that appeared or disappeared: its DECISION_FIELDS; a finding that appeared or
    was resolved: (severity, detail); a payment that appeared or disappeared: its
    PAYMENT_FIELDS (field `status`); a quarantined row: (detail,); a refused file: (reason
    in English, reason in Dutch)."""

    kind: str  # decision | finding | payment | quarantine | file
    change: str  # appeared | disappeared | changed | resolved | refused
    school_year: str = ""
    company_kbo: str = ""
    learner_insz: str = ""
    agreement_id: str = ""
    mentor_insz: str = ""
    code: str = ""
    field: str = ""
    before: tuple[str | None, ...] = ()
    after: tuple[str | None, ...] = ()
    causes: tuple[Cause, ...] = ()
    offices: tuple[str | None, ...] = ()  # the offices the change concerns (both runs')
    place: PlaceCause | None = None  # a quarantined row's or refused file's file and row

    @cached_property
    def row(self) -> tuple[str, ...]:
        """The export's row (CHANGE_EXPORT), in English."""
        return (
            self.kind,
            self.change,
            self.school_year,
            self.company_kbo,
            self.learner_insz,
            self.agreement_id,
            self.mentor_insz,
            self.code,
            self.field,
            self._export_text(self.before),
            self._export_text(self.after),
            "; ".join(c.text() for c in self.causes),
        )

    def _export_text(self, values: tuple[str | None, ...]) -> str:
        if not values:
            return ""
        if self.kind == "decision" and not self.field:
            return ", ".join(f"{f}={v or ''}" for f, v in zip(DECISION_FIELDS, values, strict=True))
        if self.kind == "finding" and not self.field:
            return f"{values[0]}: {values[1] or ''}"
        # one value; a payment's status; a refused file's English reason
        return values[0] or ""


def _n(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class ChangeCounts:
    """How much changed since the previous completed run: counts, no personal data."""

    since: str | None  # the previous completed run; None: this is the first completed run
    decisions: int = 0  # decisions (pair and school year) with a changed field
    became_eligible: int = 0
    no_longer_eligible: int = 0
    decisions_new: int = 0
    decisions_gone: int = 0
    findings_appeared: int = 0
    findings_resolved: int = 0
    findings_changed: int = 0
    payments: int = 0  # payments (pair and school year) that changed, appeared or went
    rows_quarantined: int = 0  # new quarantined rows (a reloaded file's old rows are not new)
    files_refused: int = 0

    def parts(self) -> str:
        """The counts, for instance "3 decisions changed (1 became eligible, 2 no longer
        eligible), 1 finding appeared, 0 resolved, 0 rows newly quarantined"."""
        if self == ChangeCounts(self.since):
            return "none"
        parts = [
            f"{_n(self.decisions, 'decision')} changed ({self.became_eligible} became "
            f"eligible, {self.no_longer_eligible} no longer eligible)"
        ]
        if self.decisions_new:
            parts.append(f"{self.decisions_new} new")
        if self.decisions_gone:
            parts.append(f"{self.decisions_gone} gone")
        parts += [
            f"{_n(self.findings_appeared, 'finding')} appeared",
            f"{self.findings_resolved} resolved",
        ]
        if self.findings_changed:
            parts.append(f"{self.findings_changed} changed")
        if self.payments:
            parts.append(f"{_n(self.payments, 'payment')} changed")
        parts.append(f"{_n(self.rows_quarantined, 'row')} newly quarantined")
        if self.files_refused:
            parts.append(f"{_n(self.files_refused, 'file')} refused")
        return ", ".join(parts)

    def text(self) -> str:
        """One line for the run's summary."""
        if self.since is None:
            return "changes since the previous run: none, this is the first completed run"
        return f"changes since {self.since}: {self.parts()}"


class Changes:
    """Every change between two runs, sorted as the export (CHANGE_EXPORT).

    A plain class, not a dataclass: a run hands it from its comparison stage to its reports
    stage, and Prefect walks through a dataclass given to a task field by field (looking
    for futures), which took seconds for the 16,000 changes of a large run."""

    __slots__ = ("after", "before", "items")

    def __init__(
        self, before: ComparedRun | None, after: ComparedRun, items: tuple[Change, ...] = ()
    ):
        self.before = before  # None: `after` is the first completed run
        self.after = after
        self.items = items

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """The export's rows, in English."""
        return [c.row for c in self.items]

    def counts(self) -> ChangeCounts:
        """How many decisions, findings, payments, quarantined rows and files changed."""
        if self.before is None:
            return ChangeCounts(None)
        tally: Counter[str] = Counter()
        pairs: dict[str, set[tuple[str, ...]]] = {"decision": set(), "finding": set()}
        payments: set[tuple[str, ...]] = set()
        for c in self.items:
            if c.kind in pairs and c.change == "changed":
                pairs[c.kind].add(c.row[2:8])  # year, company, learner, agreement, mentor, code
                if c.field == "eligible":
                    became = c.after == ("true",)
                    tally["became_eligible" if became else "no_longer_eligible"] += 1
            elif c.kind == "decision":
                tally["decisions_new" if c.change == "appeared" else "decisions_gone"] += 1
            elif c.kind == "finding":
                tally[f"findings_{c.change}"] += 1
            elif c.kind == "payment":
                payments.add((c.school_year, c.company_kbo, c.learner_insz))
            elif c.kind == "quarantine":
                tally["rows_quarantined"] += 1
            else:
                tally["files_refused"] += 1
        return ChangeCounts(
            self.before.run_id,
            decisions=len(pairs["decision"]),
            findings_changed=len(pairs["finding"]),
            payments=len(payments),
            **tally,
        )
