"""premies_<Y>.xlsx and premies_<Y>_<office>.xlsx: the premium decisions for mtech+ and its offices.

Sheets: Overzicht (per office, with a bar chart of the amount), one sheet per office with
every decision, Niet-subsidiabel, Brussel (Actiris), in an office's workbook Wijzigingen (its
decisions that changed since the previous completed run) and Toelichting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from duaal.workbooks.changes import CHANGES, ChangeSheets
from duaal.workbooks.columns import DECISIONS, actiris_column, decision_column
from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import NO_OFFICE, STATUS_LABELS, CodeLabels, split_codes
from duaal.workbooks.style import Block, Book, Column, Page
from duaal.workbooks.toelichting import SHEET as TOELICHTING
from duaal.workbooks.toelichting import toelichting_blocks

OVERVIEW = "Overzicht"
REFUSALS = "Niet-subsidiabel"
BRUSSELS = "Brussel (Actiris)"
TITLE = "Premies kwalificerend werkplekleren"
ALL_OFFICES = "Alle kantoren"
# in place of an amount while the run's rule configuration has none for the school year
# (input check AMOUNTS_MISSING): an eligible decision then carries amount_eur 0
NOT_SET = "bedrag nog niet vastgelegd"

DECISION_COLUMNS = (
    decision_column("company_name"),
    decision_column("company_kbo"),
    decision_column("establishment_id"),
    decision_column("establishment_postcode", "int"),
    decision_column("establishment_municipality"),
    decision_column("learner_name"),
    decision_column("learner_insz"),
    decision_column("training"),
    decision_column("agreement_types"),
    decision_column("agreement_ids"),
    decision_column("months_covered", "months"),
    decision_column("premiums_before", "int"),
    decision_column("amount_eur", "eur"),
    decision_column("status"),
    decision_column("eligible"),
    decision_column("reasons", "wrap"),
    decision_column("explanation", "wrap"),
)
REFUSAL_COLUMNS = (
    decision_column("office"),
    decision_column("company_name"),
    decision_column("company_kbo"),
    decision_column("learner_name"),
    decision_column("learner_insz"),
    decision_column("training"),
    decision_column("agreement_types"),
    decision_column("months_covered", "months"),
    decision_column("premiums_before", "int"),
    decision_column("status"),
    decision_column("reasons", "wrap"),
    Column("Redencodes"),
    decision_column("explanation", "wrap"),
)
BRUSSELS_COLUMNS = (
    actiris_column("company_name"),
    actiris_column("company_kbo"),
    actiris_column("establishment_id"),
    actiris_column("establishment_postcode", "int"),
    actiris_column("establishment_municipality"),
    actiris_column("mentor_name"),
    actiris_column("mentor_insz"),
    actiris_column("learners", "int"),
    actiris_column("agreement_ids"),
    actiris_column("premium_possible"),
    actiris_column("premium_eur", "eur"),
)


def yes_no(flag: bool | None) -> str:
    """Ja / Nee."""
    return "Ja" if flag else "Nee"


def office_of(decision: Row) -> str:
    """The office a decision is reported under."""
    return decision["office"] or NO_OFFICE


def sheet_title(name: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]


def decision_row(d: Row, labels: CodeLabels, amounts_set: bool = True) -> tuple[object, ...]:
    """One decision as the office sheet shows it; amounts_set: the school year has amounts
    (else a premium's amount reads "bedrag nog niet vastgelegd", not 0)."""
    return (
        d["company_name"],
        d["company_kbo"],
        d["establishment_id"],
        d["establishment_postcode"],
        d["establishment_municipality"],
        d["learner_name"],
        d["learner_insz"],
        d["training"],
        (d["agreement_types"] or "").replace(";", ", "),
        (d["agreement_ids"] or "").replace(";", ", "),
        d["months_covered"],
        d["premiums_before"],
        d["amount_eur"] if amounts_set or not d["eligible"] else NOT_SET,
        STATUS_LABELS.get(d["status"], d["status"]),
        yes_no(d["eligible"]),
        labels.reasons_text(d["reasons"]),
        d["explanation"],
    )


def refusal_row(d: Row, labels: CodeLabels) -> tuple[object, ...]:
    """One refused decision with its reasons in plain Dutch."""
    return (
        office_of(d),
        d["company_name"],
        d["company_kbo"],
        d["learner_name"],
        d["learner_insz"],
        d["training"],
        (d["agreement_types"] or "").replace(";", ", "),
        d["months_covered"],
        d["premiums_before"],
        STATUS_LABELS.get(d["status"], d["status"]),
        labels.reasons_text(d["reasons"]),
        d["reasons"],
        d["explanation"],
    )


def reason_codes(decisions: Sequence[Row], labels: CodeLabels) -> list[str]:
    """Every reason of the rule book in its order, then any other code found (sorted)."""
    found = {c for d in decisions for c in split_codes(d["reasons"])}
    return [*labels.reasons, *sorted(found - set(labels.reasons))]


def year_amounts(run: RunInfo, school_year: str) -> tuple[int, int] | None:
    """The unpaid and paid premium amounts of the school year (EUR); None while the run's
    rule configuration has none for it (AMOUNTS_MISSING)."""
    amounts = run.config.amounts_of(school_year)
    return None if amounts is None else (amounts.unpaid_eur, amounts.paid_eur)


def overview_columns(
    codes: Sequence[str], amounts: tuple[int, int] | None, labels: CodeLabels
) -> list[Column]:
    """Overzicht headers: counts, amounts, then one count per refusal reason."""
    if amounts is None:  # which amount a premium gets is not known yet
        unpaid, paid = "Premies zonder leervergoeding", "Premies met leervergoeding"
    else:
        unpaid, paid = (f"Premies van € {a:,}".replace(",", ".") for a in amounts)
    return [
        Column("Kantoor"),
        Column("Lerenden beslist", "int"),
        Column("Subsidiabel", "int"),
        Column(unpaid, "int"),
        Column(paid, "int"),
        Column("Totaal bedrag", "eur"),
        Column("Niet subsidiabel", "int"),
        *(Column(f"Niet subsidiabel: {labels.reason(c)}", "int") for c in codes),
    ]


def overview_row(
    office: str, decisions: Sequence[Row], codes: Sequence[str], amounts: tuple[int, int] | None
) -> list[object]:
    """Counts and amounts of one office (without the year's amounts, the premiums of each
    amount and the total are not known: they read "bedrag nog niet vastgelegd")."""
    eligible = [d for d in decisions if d["eligible"]]
    reasons = [c for d in decisions if not d["eligible"] for c in split_codes(d["reasons"])]
    money: list[object] = [NOT_SET] * 3
    if amounts is not None:
        money = [
            sum(1 for d in eligible if d["amount_eur"] == amounts[0]),
            sum(1 for d in eligible if d["amount_eur"] == amounts[1]),
            sum(d["amount_eur"] or 0 for d in eligible),
        ]
    return [
        office,
        len(decisions),
        len(eligible),
        *money,
        len(decisions) - len(eligible),
        *(reasons.count(c) for c in codes),
    ]


def overview_block(
    offices: Sequence[str], decisions: Sequence[Row], run: RunInfo, school_year: str
) -> Block:
    """One row per office and a total row."""
    codes, amounts = reason_codes(decisions, run.labels), year_amounts(run, school_year)
    rows = [
        overview_row(o, [d for d in decisions if office_of(d) == o], codes, amounts)
        for o in offices
    ]
    shown = [d for d in decisions if office_of(d) in offices]
    totals = overview_row("Totaal", shown, codes, amounts)
    return Block(overview_columns(codes, amounts, run.labels), rows, totals=totals)


def brussels_row(m: Row) -> tuple[object, ...]:
    """One Brussels establishment and mentor, with the Actiris premium it may ask."""
    return (
        m["company_name"],
        m["company_kbo"],
        m["establishment_id"],
        m["establishment_postcode"],
        m["establishment_municipality"],
        m["mentor_name"],
        m["mentor_insz"],
        m["learners"],
        (m["agreement_ids"] or "").replace(";", ", "),
        yes_no(m["premium_possible"]),
        m["premium_eur"],
    )


def brussels_offices(run: RunInfo) -> set[str]:
    """The offices that cover Brussels, from the run's geography."""
    return {g.office for g in run.config.geography if g.province == "Brussel"}


def write_premies(
    path: Path,
    run: RunInfo,
    school_year: str,
    offices: Sequence[str],
    decisions: Sequence[Row],
    brussels: Sequence[Row],
    files: Sequence[Row],
    changes: ChangeSheets | None = None,
) -> Path:
    """Write a premium workbook for the given offices (all six, or one: an office's
    workbook also shows what changed in its decisions since the previous run): Overzicht
    with its chart, a sheet per office, refusals, Brussels, the changes, Toelichting."""
    page = Page(TITLE, f"Schooljaar {school_year}", office_label(offices), run.run_id)
    changed = None
    if changes is not None and len(offices) == 1:
        changed = changes.premies_block(school_year, offices[0])
    amounts_set = year_amounts(run, school_year) is not None
    with Book(path, page, run.started_at) as book:
        overview = overview_block(offices, decisions, run, school_year)
        sheet, placed = book.add_sheet(OVERVIEW, [overview], title_block=True)
        # a chart only of amounts there are
        if any(isinstance(row[5], int) and row[5] for row in overview.rows):
            book.add_bar_chart(sheet, f"Premiebedrag per kantoor, {school_year}", placed[0], 1, [6])
        per_office: dict[str, list[tuple[object, ...]]] = {office: [] for office in offices}
        for d in decisions:  # one pass, in the decisions' order
            per_office.setdefault(office_of(d), []).append(decision_row(d, run.labels, amounts_set))
        for office in offices:
            book.add_sheet(sheet_title(office), [Block(DECISION_COLUMNS, per_office[office])])
        refusals = [refusal_row(d, run.labels) for d in decisions if not d["eligible"]]
        book.add_sheet(REFUSALS, [Block(REFUSAL_COLUMNS, refusals)])
        if brussels_offices(run) & set(offices):
            rows = [brussels_row(m) for m in brussels if m["office"] in offices]
            book.add_sheet(BRUSSELS, [Block(BRUSSELS_COLUMNS, rows)])
        if changed is not None:
            book.add_sheet(CHANGES, [changed])
        codes = [(c, run.labels.reason(c)) for c in reason_codes(decisions, run.labels)]
        blocks = toelichting_blocks(
            run,
            school_year,
            files=files,
            codes=codes,
            codes_heading="Redenen van weigering",
            notes=[changes.note()] if changes is not None and changed is not None else (),
            glossary=DECISIONS,
            glossary_columns=(*DECISION_COLUMNS, *REFUSAL_COLUMNS),
        )
        book.add_sheet(TOELICHTING, blocks)
    return path


def office_label(offices: Sequence[str]) -> str:
    """The office a workbook is for, as its page header names it."""
    return offices[0] if len(offices) == 1 else ALL_OFFICES
