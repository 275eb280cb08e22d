"""premies_<Y>.xlsx and premies_<Y>_<office>.xlsx: the premium decisions for mtech+ and its offices.

Sheets (after the Leeswijzer): Overzicht (per office, the refusal reasons by how many they
refuse and what they cost, the share eligible per school year, and their charts:
overzicht.py), one sheet per office with every decision, Niet-subsidiabel, in a final
school year Uitbetalingen (duaal/outputs/workbooks/uitbetalingen.py), Brussel (Actiris), in an
office's workbook Wijzigingen, and Toelichting. Every figure is counted from the decision
mart's columns (eligible, paid_learner, premium_eur, reasons, status): no rule is decided
here. `premies_sheets` lists them in order, a sheet a function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from duaal.outputs.workbooks.book import Book
from duaal.outputs.workbooks.changes import ChangeSheets, changes_sheet
from duaal.outputs.workbooks.columns import DECISIONS, actiris_column, decision_column
from duaal.outputs.workbooks.data import Row, RunInfo
from duaal.outputs.workbooks.labels import STATUS_LABELS, CodeLabels
from duaal.outputs.workbooks.leeswijzer import final_fact
from duaal.outputs.workbooks.overzicht import (
    LOST,
    YEAR_FIELDS,
    YearLine,
    history,
    is_provisional,
    office_of,
    overview_sheets,
    reason_codes,
    year_amounts,
)
from duaal.outputs.workbooks.style import (
    NOT_SET,
    About,
    Block,
    Field,
    Page,
    Sheet,
    provisional_text,
)
from duaal.outputs.workbooks.toelichting import toelichting_sheet
from duaal.outputs.workbooks.uitbetalingen import payment_glossary, payments_sheet

REFUSALS = "Niet-subsidiabel"
BRUSSELS = "Brussel (Actiris)"
TITLE = "Premies kwalificerend werkplekleren"
ALL_OFFICES = "Alle kantoren"
# NOT_SET: as the workbooks write an amount not set; office_of, reason_codes, year_amounts
# and history (overzicht.py): what the federatie workbook and the writer count by too
__all__ = [
    "NOT_SET",
    "PremiesInputs",
    "history",
    "office_of",
    "reason_codes",
    "write_premies",
    "year_amounts",
]


def sheet_title(name: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]


def _list(text: str | None) -> str:
    return (text or "").replace(";", ", ")


def _status(d: Row) -> str:
    return STATUS_LABELS.get(d["status"], d["status"])


def decision_fields(labels: CodeLabels, amounts_set: bool = True) -> tuple[Field, ...]:
    """An office sheet: on paper whom a decision is about and what it is; on the screen the
    establishment, the training, the agreements and the explanation. amounts_set: the
    school year has amounts (else a premium's amount reads "bedrag nog niet vastgelegd")."""

    def amount(d: Row) -> object:  # a refusal has no amount (its cost: Niet-subsidiabel)
        if not d["eligible"]:
            return None
        return d["amount_eur"] if amounts_set else NOT_SET

    return (
        decision_column("company_name", width=22),
        decision_column("company_kbo"),
        decision_column("learner_name", width=18),
        decision_column("learner_insz"),
        decision_column("months_covered", "months"),
        decision_column("amount_eur", "eur", value=amount),
        decision_column("status", width=11, value=_status),
        decision_column(
            "reasons", "wrap", width=28, value=lambda d: labels.reasons_text(d["reasons"]) or None
        ),
        decision_column("eligible", "yesno", paper=False),
        decision_column("establishment_id", paper=False),
        decision_column("establishment_postcode", paper=False),
        decision_column("establishment_municipality", paper=False),
        decision_column("training", paper=False),
        decision_column(
            "agreement_types", paper=False, value=lambda d: _list(d["agreement_types"])
        ),
        decision_column("agreement_ids", paper=False, value=lambda d: _list(d["agreement_ids"])),
        decision_column("premiums_before", "int", paper=False),
        decision_column("paid_learner", "yesno", paper=False),
        decision_column("explanation", "wrap", paper=False),  # last: runs on to the right
    )


def refusal_fields(labels: CodeLabels, amounts_set: bool = True) -> tuple[Field, ...]:
    """Niet-subsidiabel: whom, why in words, and what the refusal costs."""

    def cost(d: Row) -> object:
        return d["premium_eur"] if amounts_set else NOT_SET

    return (
        decision_column("office", width=14, value=office_of),
        decision_column("company_name", width=20),
        decision_column("company_kbo"),
        decision_column("learner_name", width=17),
        decision_column("learner_insz"),
        decision_column("months_covered", "months"),
        decision_column(
            "reasons", "wrap", width=28, value=lambda d: labels.reasons_text(d["reasons"])
        ),
        decision_column("premium_eur", "eur", header=LOST, value=cost),
        decision_column("status", paper=False, value=_status),
        decision_column("training", paper=False),
        decision_column(
            "agreement_types", paper=False, value=lambda d: _list(d["agreement_types"])
        ),
        decision_column("agreement_ids", paper=False, value=lambda d: _list(d["agreement_ids"])),
        decision_column("premiums_before", "int", paper=False),
        decision_column("explanation", "wrap", paper=False),  # last: runs on to the right
    )


BRUSSELS_FIELDS = (
    actiris_column("company_name", width=22),
    actiris_column("company_kbo"),
    actiris_column("establishment_postcode"),
    actiris_column("establishment_municipality", width=14),
    actiris_column("mentor_name", width=18),
    actiris_column("mentor_insz"),
    actiris_column("learners", "int", width=10),
    actiris_column("premium_possible", "yesno", header="Premie mogelijk", width=10),
    actiris_column("premium_eur", "eur", header="Premie Actiris", width=11),
    actiris_column("establishment_id", paper=False),
    actiris_column("agreement_ids", paper=False, value=lambda m: _list(m["agreement_ids"])),
)


def office_sheets(
    school_year: str, offices: Sequence[str], decisions: Sequence[Row], fields: Sequence[Field]
) -> list[Sheet]:
    """A sheet per office with every decision of that office, in the decisions' order."""
    per_office: dict[str, list[Row]] = {office: [] for office in offices}
    for d in decisions:  # one pass, in the decisions' order
        per_office.setdefault(office_of(d), []).append(d)
    return [
        Sheet(
            sheet_title(office),
            f"De beslissingen van kantoor {office}, één per onderneming en lerende.",
            [Block(fields, per_office[office])],
            title=f"Beslissingen {office}, schooljaar {school_year}",
            empty=f"Geen beslissingen voor {office} in {school_year}.",
        )
        for office in offices
    ]


def refusals_sheet(
    school_year: str, decisions: Sequence[Row], labels: CodeLabels, amounts_set: bool
) -> Sheet:
    """Niet-subsidiabel: every refusal, its reasons in words and what it costs."""
    refused = [d for d in decisions if not d["eligible"]]
    return Sheet(
        REFUSALS,
        "De lerenden zonder premie, met de redenen in woorden en wat de weigering kost.",
        [Block(refusal_fields(labels, amounts_set), refused)],
        title=f"Niet-subsidiabel, schooljaar {school_year}",
        empty=f"Geen weigeringen in {school_year}.",
    )


def brussels_sheet(school_year: str, offices: Sequence[str], brussels: Sequence[Row]) -> Sheet:
    """Brussel (Actiris): the Brussels establishments of the offices and their mentors."""
    rows = [m for m in brussels if m["office"] in offices]
    return Sheet(
        BRUSSELS,
        "Brusselse vestigingen en hun mentoren: geen Vlaamse premie, wel mogelijk de "
        "mentorpremie van Actiris.",
        [Block(BRUSSELS_FIELDS, rows)],
        title=f"Brussel: Actiris-mentorpremie, schooljaar {school_year}",
        empty=f"Geen Brusselse vestigingen met lerenden in {school_year}.",
    )


def premies_about(
    run: RunInfo, school_year: str, offices: Sequence[str], final: bool = False
) -> About:
    """What the Leeswijzer says of a premies workbook: of a running school year its as_of
    (Peildatum), of a final one (final) that it is final and stays as it is (Stand)."""
    return About(
        purpose=(
            "De beslissingen over de premie kwalificerend werkplekleren voor het schooljaar: "
            "wie de premie krijgt, hoeveel, en waarom anderen niet."
        ),
        audience=(
            "De adviseurs van mtech+"
            + (f" van kantoor {offices[0]}." if len(offices) == 1 else ", alle kantoren.")
            + " De map bevat persoonsgegevens: niet doorsturen."
        ),
        facts=[
            ("Schooljaar", f"{school_year}, van 1 september tot 31 augustus"),
            final_fact(school_year)
            if final
            else (
                "Peildatum",
                f"{run.as_of:%d/%m/%Y}: de stand van de gegevens waarop de run besliste",
            ),
        ],
        legend=[
            (NOT_SET, "De regelconfiguratie heeft nog geen premiebedragen voor dit schooljaar."),
            (
                LOST,
                "De premies die de weigeringen kosten: het bedrag dat elke lerende zonder de reden van weigering zou krijgen.",
            ),
        ],
    )


FINAL_FILES_NOTE = (
    "Invoerbestanden",
    "De bestanden van de run met minstens één geldende rij voor dit schooljaar of een "
    "schooljaar ervoor (een beslissing telt de premies van de vorige schooljaren mee): "
    "overeenkomsten en Dimona-periodes die uiterlijk op 31 augustus van dit schooljaar "
    "begonnen, de premiegeschiedenis van die schooljaren, en alle bestanden van de "
    "erkenningen. Een geweigerd bestand heeft geen geldende rij.",
)


@dataclass(frozen=True)
class PremiesInputs:
    """What a premies workbook shows: its school year, its offices (all, or one), their
    decisions, the Brussels mentors, the run's files; what changed since the previous run
    (an office's workbook), the school years of the run, and the payments of a final
    school year (None when the run reconciled none). final: the school year is final at
    the run's as_of (its 31 August on or before it): the workbook shows no as_of, the
    years up to its own and the files with rows for them (the planner gives those)."""

    school_year: str
    offices: Sequence[str]
    decisions: Sequence[Row]
    brussels: Sequence[Row]
    files: Sequence[Row]
    changes: ChangeSheets | None = None
    years: Sequence[YearLine] = ()
    payments: Sequence[Row] | None = None
    final: bool = False


def premies_sheets(run: RunInfo, inputs: PremiesInputs) -> tuple[About, list[Sheet]]:
    """The Leeswijzer's facts and the sheets of a premium workbook for the given offices
    (all, or one: an office's workbook also shows what changed in its decisions since the
    previous run; a final school year, the payments: None when the run reconciled none)."""
    school_year, offices, decisions = inputs.school_year, inputs.offices, inputs.decisions
    changes, payments = inputs.changes, inputs.payments
    labels = run.labels
    amounts_set = year_amounts(run, school_year) is not None
    years = list(inputs.years) or history({school_year: decisions})
    provisional = is_provisional(school_year, decisions, years)
    fields = decision_fields(labels, amounts_set)
    sheets = [
        *overview_sheets(run, school_year, offices, decisions, years, provisional, inputs.final),
        *office_sheets(school_year, offices, decisions, fields),
        refusals_sheet(school_year, decisions, labels, amounts_set),
    ]
    reconciled = payments is not None and not provisional  # a running year has none
    if reconciled:
        sheets.append(payments_sheet(payments, labels, school_year, offices))
    if brussels_offices(run) & set(offices):
        sheets.append(brussels_sheet(school_year, offices, inputs.brussels))
    if changes is not None:
        office = offices[0] if len(offices) == 1 else None
        sheets.append(changes_sheet(changes.premies_block(school_year, office)))
    codes = [(c, labels.reason(c)) for c in reason_codes(decisions, labels)]
    sheets.append(
        toelichting_sheet(
            run,
            school_year,
            files=inputs.files,
            codes=codes,
            codes_heading="Redenen van weigering",
            glossary=DECISIONS,
            glossary_fields=(*fields, *refusal_fields(labels), *YEAR_FIELDS),
            notes=[
                *([changes.note()] if changes is not None else ()),
                *(payment_glossary() if reconciled else ()),
                *([FINAL_FILES_NOTE] if inputs.final else ()),
            ],
            final=inputs.final,
        )
    )
    return premies_about(run, school_year, offices, inputs.final), sheets


def brussels_offices(run: RunInfo) -> set[str]:
    """The offices that cover Brussels, from the run's geography."""
    return {g.office for g in run.config.geography if g.province == "Brussel"}


def write_premies(path: Path, run: RunInfo, inputs: PremiesInputs) -> Path:
    """Write a premium workbook for the given offices (all, or one)."""
    about, sheets = premies_sheets(run, inputs)
    provisional = is_provisional(inputs.school_year, inputs.decisions, inputs.years)
    page = Page(
        TITLE,
        f"Schooljaar {inputs.school_year}",
        office_label(inputs.offices),
        run.run_id,
        provisional_text(run.as_of) if provisional else None,
    )
    with Book(path, page, run.started_at) as book:
        book.write(about, sheets)
    return path


def office_label(offices: Sequence[str]) -> str:
    """The office a workbook is for, as its page header names it."""
    return offices[0] if len(offices) == 1 else ALL_OFFICES
