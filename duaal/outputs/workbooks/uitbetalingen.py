"""The "Uitbetalingen" sheet of a premies workbook of a final school year: what the
authority paid against what the rules decided (RULES.md, "Payment reconciliation").

First the list, what is off first: not paid, another amount paid, paid without a right,
paid without a decision (the order of their findings' actions in the registry), then the
premiums still awaited, then those paid as decided; per pair the decided and paid amounts
and their difference. Then the totals per status, with what to do about the ones that are
off (the registry's actions). Every status and amount is the run's (run_payments): no rule
is decided here; a running school year has no reconciliation, so no such sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from duaal.outputs.workbooks.columns import mart_field
from duaal.outputs.workbooks.data import Row
from duaal.outputs.workbooks.labels import NO_OFFICE, PAYMENT_STATUS_LABELS, CodeLabels
from duaal.outputs.workbooks.style import Block, Field, Sheet
from duaal.outputs.workbooks.toelichting import glossary_rows

PAYMENTS = "fct_payment_reconciliation"
SHEET = "Uitbetalingen"
PURPOSE = (
    "Wat uitbetaald werd tegenover wat beslist werd: eerst de premies die niet of verkeerd "
    "uitbetaald werden, met het verschil, dan de totalen per status en wat u moet doen."
)
# the finding of each status that is off (transforms/intermediate/int_finding_payment.sql):
# its action in the registry says what to do, and the order of the actions is the list's
PAYMENT_FINDINGS: dict[str, str] = {
    "missing": "PAYMENT_MISSING",
    "amount_differs": "PAYMENT_AMOUNT_DIFFERS",
    "not_due": "PAYMENT_NOT_DUE",
    "no_decision": "PAYMENT_WITHOUT_DECISION",
}
LAST = ("awaited", "paid")  # not off (yet): after the ones that are
TOTAL = "Totaal"
COMPANY_WIDTH = 19  # the second column: a company's name, below the list what to do
DIFFERENCE = "Verschil"


def status_order(labels: CodeLabels) -> list[str]:
    """The statuses that are off in the order of their actions, then awaited, then paid."""
    actions = list(labels.actions)
    off = sorted(PAYMENT_FINDINGS, key=lambda s: actions.index(PAYMENT_FINDINGS[s]))
    return [*off, *LAST]


def status_label(status: str) -> str:
    """A status in the registry's Dutch words."""
    return PAYMENT_STATUS_LABELS.get(status, status)


def difference(p: Row) -> Decimal | None:
    """Paid minus decided (nothing paid: 0); none while the premium is still awaited."""
    if p["status"] == "awaited":
        return None
    return Decimal(p["paid_eur"] or 0) - p["decided_eur"]


def _column(name: str, kind: str | None = None, **options: object) -> Field:
    return mart_field(PAYMENTS, name, kind, **options)


def payment_fields() -> tuple[Field, ...]:
    """A payment: on paper its status, whom it is about, the amounts, the dates; on the
    screen the history row it was read from and the sentence that tells it."""
    return (
        _column("status", header="Status", width=13, value=lambda p: status_label(p["status"])),
        _column("company_name", width=COMPANY_WIDTH),
        _column("company_kbo", header="KBO-nummer"),
        Field("learner_name", "Lerende", width=16),
        _column("learner_insz"),
        _column("decided_eur", "cents", header="Beslist"),
        _column("paid_eur", "cents", header="Uitbetaald"),
        Field("difference", DIFFERENCE, "cents", value=difference),
        _column("paid_on", "date", header="Uitbetaald op"),
        _column("expected_by", "date"),
        _column("payment_file_name", paper=False),
        _column("payment_row_number", "int", paper=False),
        _column("detail", "wrap", paper=False),  # last: runs on to the right
    )


def ordered(payments: Sequence[Row], labels: CodeLabels) -> list[Row]:
    """What is off first (status_order); within a status as the run sorted them."""
    order = {s: i for i, s in enumerate(status_order(labels))}
    return sorted(payments, key=lambda p: order.get(p["status"], len(order)))


TOTAL_FIELDS = (
    Field("status", "Status", width=13),
    Field("count", "Lerenden", "int"),
    Field("decided", "Beslist", "cents"),
    Field("paid", "Uitbetaald", "cents"),
    Field("difference", DIFFERENCE, "cents"),
)

# what to do about a status that is off: a list of its own below the totals, so the short
# totals stay on one page and each long action on a page with its status
ACTION_FIELDS = (
    Field("status", "Status", width=13),
    Field("action", "Wat te doen", "wrap", width=COMPANY_WIDTH),  # the company's column
)


def _line(status: str, rows: Sequence[Row]) -> Row:
    differences = [d for d in map(difference, rows) if d is not None]
    return {
        "status": status,
        "count": len(rows),
        "decided": sum((Decimal(p["decided_eur"]) for p in rows), Decimal(0)),
        "paid": sum((p["paid_eur"] or Decimal(0) for p in rows), Decimal(0)),
        "difference": sum(differences, Decimal(0)) if differences else None,
    }


def total_lines(payments: Sequence[Row], labels: CodeLabels) -> tuple[list[Row], Row]:
    """Per status (every one, in the list's order) how many, decided, paid and the
    difference; and the line of all of them."""
    lines = [
        _line(status_label(s), [p for p in payments if p["status"] == s])
        for s in status_order(labels)
    ]
    return lines, _line(TOTAL, payments)


def action_lines(payments: Sequence[Row], labels: CodeLabels) -> list[tuple[str, str]]:
    """Each status that is off and occurs, with what to do (the action of its finding in
    the registry), in the list's order."""
    found = {p["status"] for p in payments}
    return [
        (status_label(s), labels.actions[PAYMENT_FINDINGS[s]])
        for s in status_order(labels)
        if s in found and PAYMENT_FINDINGS.get(s) in labels.actions
    ]


def payments_sheet(
    payments: Sequence[Row], labels: CodeLabels, school_year: str, offices: Sequence[str]
) -> Sheet:
    """The Uitbetalingen sheet of one school year's payments: of one office, one list; of
    several, a list per office (in the offices' order, those with payments), then the
    totals of them all."""
    fields = payment_fields()
    empty = f"Geen premies af te stemmen in {school_year}."
    if len(offices) == 1:
        lists = [Block(fields, ordered(payments, labels), empty=empty)]
    else:
        per_office: dict[str, list[Row]] = {o: [] for o in offices}
        for p in payments:
            per_office.setdefault(p["office"] or NO_OFFICE, []).append(p)
        lists = [
            Block(fields, ordered(rows, labels), heading=office)
            for office, rows in per_office.items()
            if rows
        ] or [Block(fields, [], empty=empty)]
    lines, totals = total_lines(payments, labels)
    summary = [
        Block(TOTAL_FIELDS, lines, totals=totals, heading="Totalen per status"),
        Block(
            ACTION_FIELDS,
            action_lines(payments, labels),
            heading="Wat te doen",
            empty="Niets: geen premie werd niet of verkeerd uitbetaald.",
        ),
    ]
    return Sheet(
        SHEET,
        PURPOSE,
        [*lists, *summary] if payments else lists,  # nothing to count: no page of zeros
        title=f"Uitbetalingen, schooljaar {school_year}: beslist tegenover uitbetaald",
        empty=empty,
    )


def payment_glossary() -> list[tuple[str, str]]:
    """What the sheet's headers mean, for the Toelichting (named after the sheet: a header
    such as Status means another thing on the decisions' sheets): the mart's columns as
    their contract describes them, then the two fields the sheet adds; not whom a row is
    about (company, KBO, INSZ), which the decisions' glossary already describes."""
    whom = {"company_name", "company_kbo", "learner_insz"}
    fields = [f for f in payment_fields() if f.name not in whom]
    added = [
        (
            "Lerende",
            "Naam van de lerende volgens de beslissing van het paar in dat schooljaar; zonder "
            "beslissing die van de meest recente beslissing van de lerende in de run.",
        ),
        (
            DIFFERENCE,
            "Uitbetaald min beslist bedrag, tot op de cent (niets uitbetaald telt als 0): "
            "negatief is te weinig, positief te veel; leeg zolang de premie nog te "
            "verwachten is.",
        ),
    ]
    return [(f"{SHEET}: {h}", m) for h, m in [*glossary_rows(PAYMENTS, fields), *added]]
