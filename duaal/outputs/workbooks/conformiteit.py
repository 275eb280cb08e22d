"""conformiteit_<as_of>.xlsx and conformiteit_<as_of>_<office>.xlsx: compliance findings.

Findings are judged at the run's as_of, not per school year: one workbook for the run
(every office) and one per office with only that office's findings, actions and
quarantined rows. Sheets (after the Leeswijzer): Overzicht (rule x office), one detail sheet
per severity, Actielijst (what can still save a premium, today first: actielijst.py),
Afgekeurde rijen, Geweigerde bestanden, Invoercontrole (the run's input checks),
Wijzigingen, Toelichting.
`conformiteit_sheets` lists them in order, a sheet a function: a new sheet is one more
entry there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from duaal.outputs.workbooks import actielijst
from duaal.outputs.workbooks.book import Book
from duaal.outputs.workbooks.changes import ChangeSheets, changes_sheet
from duaal.outputs.workbooks.columns import FINDINGS, finding_column
from duaal.outputs.workbooks.data import Row, RunInfo
from duaal.outputs.workbooks.labels import (
    NO_OFFICE,
    SEVERITY_ORDER,
    SOURCE_LABELS,
    CodeLabels,
    ordered_offices,
    severity_label,
)
from duaal.outputs.workbooks.style import About, Block, Field, Page, Sheet
from duaal.outputs.workbooks.toelichting import toelichting_sheet

OVERVIEW = "Overzicht"
ACTION_LIST = "Actielijst"
QUARANTINE = "Afgekeurde rijen"
REFUSED_FILES = "Geweigerde bestanden"
INPUT_CHECKS = "Invoercontrole"
NO_INPUT_CHECKS = "Geen opmerkingen bij de invoer."
ALL_OFFICES = "Alle kantoren"
TITLE = "Conformiteit werkplekleren"
SEVERITY_SHEETS: dict[str, str] = {
    "error": "Fouten",
    "warning": "Waarschuwingen",
    "info": "Info",
}
SEVERITY_PURPOSES: dict[str, str] = {
    "error": "De bevindingen met ernst fout: wat niet in orde is en de premie kan kosten.",
    "warning": "De bevindingen met ernst waarschuwing: na te kijken.",
    "info": "De bevindingen ter informatie, zoals registraties die binnenkort verschuldigd zijn.",
}


def _office(f: Row) -> str:
    """The office a finding is counted under."""
    return f["office"] or NO_OFFICE


def _severity_rank(severity: str) -> int:
    """error first, then warning, info, anything else."""
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _person(f: Row) -> str | None:
    return f["learner_insz"] or f["mentor_insz"]


def subject_fields() -> tuple[Field, ...]:
    """Whom a finding is about, on the detail and action sheets: on paper the company, the
    agreement and the person (the learner, or the mentor of a mentor's finding)."""
    return (
        finding_column("company_name", width=18),
        finding_column("company_kbo"),
        finding_column("agreement_id", width=13),
        Field("person", "INSZ lerende of mentor", "insz", value=_person),
        finding_column("learner_insz", paper=False),
        finding_column("mentor_insz", paper=False),
        Field("establishment_id", "Vestiging", paper=False),
    )


def detail_fields(labels: CodeLabels) -> tuple[Field, ...]:
    """A finding as the detail sheets show it."""
    return (
        Field("rule", "Regel", width=22, value=lambda f: labels.finding(f["code"])),
        finding_column("office", width=14, value=_office),
        *subject_fields(),
        finding_column("detail", "wrap", width=28),
        finding_column("due_date", "date"),
        finding_column("province", paper=False),
    )


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
        rows.append([labels.finding(code), severity_label(severity), *per_office, sum(per_office)])
    fields = [Field("Regel", width=30), Field("Ernst", width=13)]
    fields += [Field(o, kind="int", width=9) for o in offices]
    fields.append(Field("Totaal", kind="int", width=9))
    totals = ["Totaal", None, *(sum(r[i] for r in rows) for i in range(2, len(fields)))]
    return Block(fields, rows, totals=totals)


def _source(row: Row) -> str | None:
    return SOURCE_LABELS.get(row["source"], row["source"]) if row["source"] else None


REFUSED_FILE_FIELDS = (
    Field("source", "Bron", width=24, value=_source),
    Field("file_name", "Bestand", width=30),
    Field("reason", "Reden", "wrap", width=60),
    Field("sha256", "SHA-256", paper=False),
)


def quarantine_fields(labels: CodeLabels) -> tuple[Field, ...]:
    """A refused input row: where it is and why."""
    return (
        Field("source", "Bron", width=18, value=_source),
        Field("file_name", "Bestand", width=22),
        Field("sheet_name", "Blad", width=8),
        Field("row_number", "Rij", "int", width=7),
        Field("reason", "Reden", width=24, value=lambda q: labels.quarantine_reason(q["reason"])),
        Field("detail", "Detail", "wrap", width=42),
    )


def check_fields(labels: CodeLabels) -> tuple[Field, ...]:
    """An input check of the run, with its Dutch message."""
    return (
        Field("code", "Controle", width=24, value=lambda c: labels.check(c["code"])),
        Field("severity", "Ernst", width=14, value=lambda c: severity_label(c["severity"])),
        Field("source", "Bron", width=18, value=_source),
        Field("file_name", "Bestand", width=20),
        Field("row_number", "Rij", "int", width=7),
        Field("message_nl", "Melding", "wrap", width=40),
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
    *actielijst.NOTES,
)


@dataclass(frozen=True)
class ComplianceInputs:
    """Everything the conformiteit workbooks show, read once for the run."""

    findings: Sequence[Row]
    quarantine: Sequence[Row]
    files: Sequence[Row]
    checks: Sequence[Row]
    actions: Sequence[Row]  # the Actielijst (fct_action_items), in its order
    changes: ChangeSheets | None = None  # since the previous completed run


def overview_sheet(findings: Sequence[Row], labels: CodeLabels, office: str | None) -> Sheet:
    """Overzicht: how many findings per rule and severity (per office, or of the office)."""
    return Sheet(
        OVERVIEW,
        "Hoeveel bevindingen per regel en ernst"
        + (" per kantoor." if office is None else " het kantoor heeft."),
        [overview_block(findings, labels, office)],
        title=f"Bevindingen per regel, {office or ALL_OFFICES.lower()}",
        empty="Geen bevindingen.",
    )


def severity_sheets(findings: Sequence[Row], labels: CodeLabels) -> list[Sheet]:
    """A sheet per severity, each with its findings in detail."""
    details = detail_fields(labels)
    return [
        Sheet(
            title,
            SEVERITY_PURPOSES[severity],
            [Block(details, [f for f in findings if f["severity"] == severity])],
            title=f"{title}: bevindingen met ernst {severity_label(severity)}",
            empty=f"Geen bevindingen met ernst {severity_label(severity)}.",
        )
        for severity, title in SEVERITY_SHEETS.items()
    ]


def action_sheet(actions: Sequence[Row], labels: CodeLabels, office: str | None) -> Sheet:
    """Actielijst (actielijst.py): what can still save a premium, today first."""
    if office is not None:
        actions = [a for a in actions if (a["office"] or NO_OFFICE) == office]
    return Sheet(
        ACTION_LIST,
        actielijst.PURPOSE,
        actielijst.action_blocks(actions, labels),
        title=actielijst.TITLE,
        empty=actielijst.EMPTY,
        grouped=True,
    )


def quarantine_sheet(quarantine: Sequence[Row], labels: CodeLabels) -> Sheet:
    """Afgekeurde rijen: the rows read and refused, with the reason."""
    return Sheet(
        QUARANTINE,
        "De ingelezen rijen die geweigerd werden, met de reden: te verbeteren in de export.",
        [Block(quarantine_fields(labels), quarantine)],
        title="Afgekeurde rijen van de invoer",
        empty="Geen afgekeurde rijen.",
    )


def refused_files_sheet(files: Sequence[Row]) -> Sheet:
    """Geweigerde bestanden: a refused file loses every row it held, so the analyst must
    see it beside the rows."""
    refused = [f for f in files if f["status"] == "refused"]
    return Sheet(
        REFUSED_FILES,
        "De invoerbestanden die als geheel geweigerd werden, met de reden.",
        [Block(REFUSED_FILE_FIELDS, refused)],
        title="Geweigerde invoerbestanden",
        empty="Geen geweigerde bestanden.",
    )


def input_checks_sheet(checks: Sequence[Row], labels: CodeLabels) -> Sheet:
    """Invoercontrole: the run's input checks."""
    return Sheet(
        INPUT_CHECKS,
        "De controles van de invoer bij deze run: ontbrekende, geweigerde of oude bestanden.",
        [Block(check_fields(labels), list(checks))],
        title="Invoercontrole van de run",
        empty=NO_INPUT_CHECKS,
    )


def conformiteit_toelichting(run: RunInfo, inputs: ComplianceInputs) -> Sheet:
    """Toelichting: the rules, the findings' columns (the Overzicht shows the severity
    too), then the Actielijst's columns as its mart's contract describes them."""
    labels = run.labels
    toelichting = toelichting_sheet(
        run,
        None,
        files=inputs.files,
        codes=list(labels.findings.items()),
        codes_heading="Regels",
        notes=[inputs.changes.note()] if inputs.changes is not None else (),
        glossary=FINDINGS,
        glossary_fields=(*detail_fields(labels), finding_column("severity")),
    )
    blocks = list(toelichting.blocks)
    blocks.insert(1, actielijst.glossary_block(labels))
    return replace(toelichting, blocks=blocks)


def conformiteit_sheets(run: RunInfo, office: str | None, inputs: ComplianceInputs) -> list[Sheet]:
    """The sheets of a conformiteit workbook, in order: the run's (office None) or an
    office's, with only that office's findings and quarantined rows."""
    findings, quarantine = inputs.findings, inputs.quarantine
    if office is not None:
        findings = [f for f in findings if _office(f) == office]
        quarantine = [q for q in quarantine if q["office"] == office]
    labels = run.labels
    sheets = [
        overview_sheet(findings, labels, office),
        *severity_sheets(findings, labels),
        action_sheet(inputs.actions, labels, office),
        quarantine_sheet(quarantine, labels),
        refused_files_sheet(inputs.files),
        input_checks_sheet(inputs.checks, labels),
    ]
    if inputs.changes is not None:
        sheets.append(changes_sheet(inputs.changes.conformiteit_block(office)))
    sheets.append(conformiteit_toelichting(run, inputs))
    return sheets


def conformiteit_about(run: RunInfo, office: str | None) -> About:
    """What the Leeswijzer says of a conformiteit workbook."""
    return About(
        purpose=(
            "De vaststellingen van de controle op de regels van het werkplekleren: wat niet in "
            "orde is, wat nog rechtgezet kan worden en welke invoer geweigerd werd."
        ),
        audience=(
            "De adviseurs van mtech+"
            + (f" van kantoor {office}." if office else ", alle kantoren.")
            + " De map bevat persoonsgegevens: niet doorsturen."
        ),
        facts=[("Peildatum", f"{run.as_of:%d/%m/%Y}: de dag waarop de regels beoordeeld zijn")],
        notes=NOTES,
    )


def write_conformiteit(
    path: Path, run: RunInfo, office: str | None, inputs: ComplianceInputs
) -> Path:
    """Write the compliance workbook of the run (office None) or of one office."""
    period = f"Peildatum {run.as_of:%d/%m/%Y}"
    page = Page(TITLE, period, office or ALL_OFFICES, run.run_id)
    with Book(path, page, run.started_at) as book:
        book.write(conformiteit_about(run, office), conformiteit_sheets(run, office, inputs))
    return path
