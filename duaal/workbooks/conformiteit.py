"""conformiteit_<as_of>.xlsx and conformiteit_<as_of>_<office>.xlsx: compliance findings.

Findings are judged at the run's as_of, not per school year: one workbook for the run
(every office) and one per office with only that office's findings, actions and
quarantined rows. Sheets: Overzicht (rule x office), one detail sheet per severity,
Actielijst (what can still be fixed, most urgent first), Afgekeurde rijen, Geweigerde
bestanden, Invoercontrole (the run's input checks), Wijzigingen (since the previous
completed run), Toelichting. `conformiteit_sheets` lists them in order: a new sheet is one
more entry there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from duaal.workbooks.changes import CHANGES, ChangeSheets
from duaal.workbooks.columns import FINDINGS, finding_column
from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import (
    NO_OFFICE,
    SEVERITY_ORDER,
    SOURCE_LABELS,
    CodeLabels,
    ordered_offices,
    severity_label,
)
from duaal.workbooks.style import Block, Book, Column, Page
from duaal.workbooks.toelichting import SHEET as TOELICHTING
from duaal.workbooks.toelichting import toelichting_blocks

OVERVIEW = "Overzicht"
ACTION_LIST = "Actielijst"
QUARANTINE = "Afgekeurde rijen"
REFUSED_FILES = "Geweigerde bestanden"
INPUT_CHECKS = "Invoercontrole"
NO_INPUT_CHECKS = "Geen opmerkingen bij de invoer"
ALL_OFFICES = "Alle kantoren"
TITLE = "Conformiteit werkplekleren"
SEVERITY_SHEETS: dict[str, str] = {
    "error": "Fouten",
    "warning": "Waarschuwingen",
    "info": "Info",
}

# whom a finding is about and what it says (subject_values), on the detail and action sheets
SUBJECT_COLUMNS = (
    finding_column("company_name"),
    finding_column("company_kbo"),
    Column("Vestiging"),
    finding_column("agreement_id"),
    finding_column("learner_insz"),
    finding_column("mentor_insz"),
    finding_column("detail", "wrap"),
)
DETAIL_COLUMNS = (
    Column("Regel"),
    finding_column("code"),
    finding_column("office"),
    finding_column("province"),
    *SUBJECT_COLUMNS,
    finding_column("due_date", "date"),
)
ACTION_COLUMNS = (
    finding_column("due_date", "date"),
    Column("Dagen resterend", "int"),
    Column("Regel"),
    finding_column("severity"),
    Column("Actie", "wrap"),
    finding_column("office"),
    *SUBJECT_COLUMNS,
)
QUARANTINE_COLUMNS = (
    Column("Bron"),
    Column("Bestand"),
    Column("Blad"),
    Column("Rij", "int"),
    Column("Reden", "wrap"),
    Column("Redencode"),
    Column("Detail", "wrap"),
)


def _office(f: Row) -> str:
    """The office a finding is counted under."""
    return f["office"] or NO_OFFICE


def _severity_rank(severity: str) -> int:
    """error first, then warning, info, anything else."""
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def overview_block(findings: Sequence[Row], labels: CodeLabels, office: str | None = None) -> Block:
    """Counts of findings per rule (with its severity) and office (or the one office), with
    totals."""
    offices = [office] if office else ordered_offices({f["office"] for f in findings})
    counts = Counter((f["code"], f["severity"], _office(f)) for f in findings)
    rules = sorted(
        {(f["code"], f["severity"]) for f in findings}, key=lambda r: (_severity_rank(r[1]), r[0])
    )
    rows = []
    for code, severity in rules:
        per_office = [counts[(code, severity, o)] for o in offices]
        rows.append(
            [labels.finding(code), code, severity_label(severity), *per_office, sum(per_office)]
        )
    columns = [Column("Regel"), Column("Code"), Column("Ernst")]
    columns += [Column(o, "int") for o in offices] + [Column("Totaal", "int")]
    totals = ["Totaal", None, None, *(sum(r[i] for r in rows) for i in range(3, len(columns)))]
    return Block(columns, rows, totals=totals)


def subject_values(f: Row) -> tuple[object, ...]:
    """Whom a finding is about and what it says, under SUBJECT_COLUMNS."""
    return (
        f["company_name"],
        f["company_kbo"],
        f.get("establishment_id"),
        f["agreement_id"],
        f["learner_insz"],
        f["mentor_insz"],
        f["detail"],
    )


def detail_row(f: Row, labels: CodeLabels) -> tuple[object, ...]:
    """One finding as the detail sheets show it."""
    return (
        labels.finding(f["code"]),
        f["code"],
        _office(f),
        f["province"],
        *subject_values(f),
        f["due_date"],
    )


def action_findings(findings: Sequence[Row], as_of: date, labels: CodeLabels) -> list[Row]:
    """Findings that can still be fixed (a code with an action in the registry), most urgent
    (earliest due date) first. Which findings are due is the models' rule: a REGISTRATION_DUE
    finding exists only within registration_due_days of its deadline."""
    chosen = [f for f in findings if f["code"] in labels.actions]
    order = list(labels.actions)
    return sorted(
        chosen,
        key=lambda f: (
            f["due_date"] is None,
            f["due_date"] or as_of,
            order.index(f["code"]),
            f["agreement_id"] or "",
            f["mentor_insz"] or "",
            f["company_kbo"] or "",
            f["learner_insz"] or "",
        ),
    )


def action_row(f: Row, as_of: date, labels: CodeLabels) -> tuple[object, ...]:
    """One action: when, how many days are left (negative: overdue), what to do, for whom."""
    return (
        f["due_date"],
        (f["due_date"] - as_of).days if f["due_date"] else None,
        labels.finding(f["code"]),
        severity_label(f["severity"]),
        labels.actions[f["code"]],
        _office(f),
        *subject_values(f),
    )


REFUSED_FILE_COLUMNS = (
    Column("Bron"),
    Column("Bestand"),
    Column("SHA-256"),
    Column("Reden"),
)


def refused_file_row(f: Row) -> tuple[object, ...]:
    """One input file the reader refused as a whole."""
    return (SOURCE_LABELS.get(f["source"], f["source"]), f["file_name"], f["sha256"], f["reason"])


def quarantine_row(q: Row, labels: CodeLabels) -> tuple[object, ...]:
    """One refused input row."""
    return (
        SOURCE_LABELS.get(q["source"], q["source"]),
        q["file_name"],
        q["sheet_name"],
        q["row_number"],
        labels.quarantine_reason(q["reason"]),
        q["reason"],
        q["detail"],
    )


CHECK_COLUMNS = (
    Column("Code"),
    Column("Ernst"),
    Column("Bron"),
    Column("Bestand"),
    Column("Rij", "int"),
    Column("Melding", "wrap"),
)
NOTES: tuple[tuple[str, str], ...] = (
    (
        "Peildatum",
        "De bevindingen gelden op de peildatum van de run, niet per schooljaar: deze map "
        "bevat ze één keer.",
    ),
    (
        "Kantoor van een bevinding",
        "Het kantoor van de overeenkomst. Een bevinding over een mentor zonder overeenkomst "
        "valt onder het kantoor van de vestiging van de eerste erkenning van de mentor (de "
        "postcode van de overeenkomsten van die vestiging, anders van die onderneming); de "
        "onderneming en vestiging van die erkenning staan bij de bevinding. Een bevinding "
        "zonder kantoor staat alleen in de map van de run (alle kantoren).",
    ),
    (
        "Kantoor van een afgekeurde rij",
        "Het kantoor van de postcode van de vestiging in de rij; anders dat van de "
        "overeenkomst (Overeenkomst-ID), de vestiging of de onderneming die de rij noemt, "
        "als die in één kantoor liggen. Een rij waarvan het kantoor niet te kennen is, staat "
        "alleen in de map van de run (alle kantoren), niet in die van een kantoor.",
    ),
)


@dataclass(frozen=True)
class ComplianceInputs:
    """Everything the conformiteit workbooks show, read once for the run."""

    findings: Sequence[Row]
    quarantine: Sequence[Row]
    files: Sequence[Row]
    checks: Sequence[Row]
    changes: ChangeSheets | None = None  # since the previous completed run


def check_row(c: Row) -> tuple[object, ...]:
    """One input check of the run, with its Dutch message."""
    source = SOURCE_LABELS.get(c["source"], c["source"]) if c["source"] else None
    return (
        c["code"],
        severity_label(c["severity"]),
        source,
        c["file_name"],
        c["row_number"],
        c["message_nl"],
    )


def check_blocks(checks: Sequence[Row]) -> list[Block]:
    """The input checks, or one line saying there were none."""
    if not checks:
        return [Block((Column("Invoercontrole"),), [(NO_INPUT_CHECKS,)])]
    return [Block(CHECK_COLUMNS, [check_row(c) for c in checks])]


def conformiteit_sheets(
    run: RunInfo, office: str | None, inputs: ComplianceInputs
) -> list[tuple[str, list[Block]]]:
    """The sheets of a conformiteit workbook, in order: the run's (office None) or an
    office's, with only that office's findings and quarantined rows."""
    findings, quarantine = inputs.findings, inputs.quarantine
    if office is not None:
        findings = [f for f in findings if _office(f) == office]
        quarantine = [q for q in quarantine if q["office"] == office]
    labels = run.labels
    sheets = [(OVERVIEW, [overview_block(findings, labels, office)])]
    for severity, title in SEVERITY_SHEETS.items():
        rows = [detail_row(f, labels) for f in findings if f["severity"] == severity]
        sheets.append((title, [Block(DETAIL_COLUMNS, rows)]))
    chosen = action_findings(findings, run.as_of, labels)
    actions = [action_row(f, run.as_of, labels) for f in chosen]
    sheets.append((ACTION_LIST, [Block(ACTION_COLUMNS, actions)]))
    rows = [quarantine_row(q, labels) for q in quarantine]
    sheets.append((QUARANTINE, [Block(QUARANTINE_COLUMNS, rows)]))
    # a refused file loses every row it held: the analyst must see it beside the rows
    refused = [refused_file_row(f) for f in inputs.files if f["status"] == "refused"]
    sheets.append((REFUSED_FILES, [Block(REFUSED_FILE_COLUMNS, refused)]))
    sheets.append((INPUT_CHECKS, check_blocks(inputs.checks)))
    if inputs.changes is not None:
        sheets.append((CHANGES, [inputs.changes.conformiteit_block(office)]))
    codes = list(labels.findings.items())
    blocks = toelichting_blocks(
        run,
        None,
        files=inputs.files,
        codes=codes,
        codes_heading="Regels",
        notes=(*NOTES, inputs.changes.note()) if inputs.changes is not None else NOTES,
        glossary=FINDINGS,
        glossary_columns=(*DETAIL_COLUMNS, *ACTION_COLUMNS),
    )
    sheets.append((TOELICHTING, blocks))
    return sheets


def write_conformiteit(
    path: Path, run: RunInfo, office: str | None, inputs: ComplianceInputs
) -> Path:
    """Write the compliance workbook of the run (office None) or of one office."""
    period = f"Peildatum {run.as_of:%d/%m/%Y}"
    page = Page(TITLE, period, office or ALL_OFFICES, run.run_id)
    with Book(path, page, run.started_at) as book:
        for index, (title, blocks) in enumerate(conformiteit_sheets(run, office, inputs)):
            book.add_sheet(title, blocks, title_block=index == 0)
    return path
