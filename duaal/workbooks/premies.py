"""premies_<Y>.xlsx and premies_<Y>_<office>.xlsx: the premium decisions for mtech+ and its offices.

Sheets (after the Leeswijzer): Overzicht (per office, the refusal reasons by how many they
refuse and what they cost, the share eligible per school year, and their charts), one sheet
per office with every decision, Niet-subsidiabel, in a final school year Uitbetalingen
(duaal/workbooks/uitbetalingen.py), Brussel (Actiris), in an office's workbook Wijzigingen,
and Toelichting. Every figure is counted from the decision mart's
columns (eligible, paid_learner, premium_eur, reasons, status): no rule is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from duaal.workbooks.book import Book
from duaal.workbooks.changes import CHANGES, CHANGES_PURPOSE, ChangeSheets
from duaal.workbooks.columns import DECISIONS, actiris_column, decision_column
from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import NO_OFFICE, STATUS_LABELS, CodeLabels, split_codes
from duaal.workbooks.style import (
    NOT_SET,
    About,
    Block,
    Chart,
    Field,
    Page,
    Sheet,
    Typed,
    provisional_text,
)
from duaal.workbooks.toelichting import toelichting_sheet
from duaal.workbooks.uitbetalingen import payment_glossary, payments_sheet

OVERVIEW = "Overzicht"
REASONS = "Redenen van weigering"
PER_YEAR = "Per schooljaar"
REFUSALS = "Niet-subsidiabel"
BRUSSELS = "Brussel (Actiris)"
TITLE = "Premies kwalificerend werkplekleren"
ALL_OFFICES = "Alle kantoren"
TOTAL = "Totaal"
LOST = "Bedrag geweigerd"  # what refusals cost: the premiums the refused pairs would get
__all__ = ["NOT_SET", "write_premies"]  # NOT_SET: as the workbooks write an amount not set


def office_of(decision: Row) -> str:
    """The office a decision is reported under."""
    return decision["office"] or NO_OFFICE


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


def year_amounts(run: RunInfo, school_year: str) -> tuple[int, int] | None:
    """The unpaid and paid premium amounts of the school year (EUR); None while the run's
    rule configuration has none for it (AMOUNTS_MISSING)."""
    amounts = run.config.amounts_of(school_year)
    return None if amounts is None else (amounts.unpaid_eur, amounts.paid_eur)


def reason_codes(decisions: Sequence[Row], labels: CodeLabels) -> list[str]:
    """Every reason of the rule book in its order, then any other code found (sorted)."""
    found = {c for d in decisions for c in split_codes(d["reasons"])}
    return [*labels.reasons, *sorted(found - set(labels.reasons))]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def office_line(office: str, decisions: Sequence[Row], amounts_set: bool) -> Row:
    """The counts and amounts of one office's decisions (or of all, office TOTAL)."""
    eligible = [d for d in decisions if d["eligible"]]
    refused = [d for d in decisions if not d["eligible"]]
    paid = sum(1 for d in eligible if d["paid_learner"])
    money = {
        "amount": sum(d["amount_eur"] for d in eligible) if amounts_set else NOT_SET,
        "lost": sum(d["premium_eur"] or 0 for d in refused) if amounts_set else NOT_SET,
    }
    return {
        "office": office,
        "learners": len(decisions),
        "eligible": len(eligible),
        "share": _share(len(eligible), len(decisions)),
        "unpaid": len(eligible) - paid,
        "paid": paid,
        "refused": len(refused),
        **money,
    }


def overview_fields(amounts: tuple[int, int] | None) -> tuple[Field, ...]:
    """The per-office table: learners, premiums of each amount, the amount, the refusals and
    what they cost."""
    if amounts is None:  # which amount a premium gets is not known yet
        unpaid, paid = "Premies zonder leervergoeding", "Premies met leervergoeding"
    else:
        unpaid, paid = (
            f"Premies {kind} leervergoeding (€\u00a0{a:,})".replace(",", ".")
            for kind, a in zip(("zonder", "met"), amounts, strict=True)
        )
    return (
        Field("office", "Kantoor", width=24),
        Field("learners", "Lerenden beslist", "int", width=10),
        Field("eligible", "Subsidiabel", "int", width=11),
        Field("share", "Aandeel subsidiabel", "pct", width=11),
        Field("unpaid", unpaid, "int", width=14),
        Field("paid", paid, "int", width=14),
        Field("amount", "Bedrag premies", "eur", width=12),
        Field("refused", "Niet-subsidiabel", "int", width=11),
        Field("lost", LOST, "eur", width=12),
    )


def reason_lines(decisions: Sequence[Row], labels: CodeLabels, amounts_set: bool) -> list[Row]:
    """Each refusal reason that occurs: how many refusals it is a reason of, their share of
    the refusals, and the premiums they cost; most refusals first (then most cost)."""
    refused = [d for d in decisions if not d["eligible"]]
    order = reason_codes(decisions, labels)
    lines = []
    for code in order:
        mine = [d for d in refused if code in split_codes(d["reasons"])]
        if mine:
            cost = sum(d["premium_eur"] or 0 for d in mine)
            lines.append(
                {
                    "reason": labels.reason(code),
                    "refused": len(mine),
                    "share": len(mine) / len(refused),
                    "lost": cost if amounts_set else NOT_SET,
                    "_cost": cost,
                    "_order": order.index(code),
                }
            )
    return sorted(lines, key=lambda r: (-r["refused"], -r["_cost"], r["_order"]))


REASON_FIELDS = (
    Field("reason", "Reden van weigering", width=44),
    Field("refused", "Lerenden", "int", width=10),
    Field("share", "Aandeel van de weigeringen", "pct", width=13),
    Field("lost", LOST, "eur", width=12),
)


@dataclass(frozen=True)
class YearLine:
    """One school year of the run, for the share eligible per year: per office (and for
    all, office None) its learners, eligible learners and amount, counted once."""

    school_year: str
    provisional: bool
    counts: Mapping[str | None, tuple[int, int, int]]


def history(decided: Mapping[str, Sequence[Row]]) -> list[YearLine]:
    """Every school year the run decided, oldest first; provisional when its decisions are."""
    lines = []
    for year, rows in sorted(decided.items()):
        counts: dict[str | None, list[int]] = {None: [0, 0, 0]}
        for d in rows:
            for key in (None, office_of(d)):
                c = counts.setdefault(key, [0, 0, 0])
                c[0] += 1
                if d["eligible"]:
                    c[1] += 1
                    c[2] += d["amount_eur"]
        provisional = any(d["status"] == "provisional" for d in rows)
        lines.append(YearLine(year, provisional, {k: (a, b, c) for k, (a, b, c) in counts.items()}))
    return lines


def is_provisional(school_year: str, decisions: Sequence[Row], years: Sequence[YearLine]) -> bool:
    """Whether a workbook's school year is still running: its decisions are provisional
    (those of an office, or, for an office without decisions, those of the year)."""
    return any(d["status"] == "provisional" for d in decisions) or any(
        y.provisional for y in years if y.school_year == school_year
    )


def year_label(line: YearLine) -> str:
    """A school year as a row and a chart name it: '2026-2027 (voorlopig)' while running."""
    return f"{line.school_year} (voorlopig)" if line.provisional else line.school_year


YEAR_FIELDS = (
    Field("school_year", "Schooljaar", width=22),  # '2026-2027 (voorlopig)'
    Field("status", "Status", width=11),
    Field("learners", "Lerenden beslist", "int", width=10),
    Field("eligible", "Subsidiabel", "int", width=11),
    Field("share", "Aandeel subsidiabel", "pct", width=11),
    Field("amount", "Bedrag premies", "eur", width=13),
)


def year_lines(years: Sequence[YearLine], run: RunInfo, office: str | None) -> list[Row]:
    """Learners, eligible, their share and the amount per school year (of one office, or,
    office None, of all)."""
    out = []
    for y in years:
        learners, eligible, amount = y.counts.get(office, (0, 0, 0))
        out.append(
            {
                "school_year": year_label(y),
                "status": "voorlopig" if y.provisional else "definitief",
                "learners": learners,
                "eligible": eligible,
                "share": _share(eligible, learners),
                "amount": amount if year_amounts(run, y.school_year) is not None else NOT_SET,
            }
        )
    return out


def running_note(years: Sequence[YearLine], run: RunInfo) -> str | None:
    """What a sheet showing a running school year among others says of it."""
    running = [y.school_year for y in years if y.provisional]
    if not running:
        return None
    return f"{', '.join(running)}: {provisional_text(run.as_of)}, het schooljaar loopt nog"


def overview_sheets(
    run: RunInfo,
    school_year: str,
    offices: Sequence[str],
    decisions: Sequence[Row],
    years: Sequence[YearLine],
    provisional: bool,
) -> list[Sheet]:
    """A sheet for each question a reader asks, its table and its chart: how each office
    does (several offices: with totals, and which lags), which refusal reasons refuse most
    and cost most, and whether the share eligible rises over the school years."""
    amounts = year_amounts(run, school_year)
    amounts_set = amounts is not None
    per_office: dict[str, list[Row]] = {o: [] for o in offices}
    for d in decisions:
        per_office.setdefault(office_of(d), []).append(d)
    rows = [office_line(o, per_office[o], amounts_set) for o in offices]
    several = len(offices) > 1
    shown = [d for o in offices for d in per_office[o]]
    totals = office_line(TOTAL, shown, amounts_set) if several else None
    office = None if several else offices[0]
    note = running_note(years, run)
    running = [year_label(y) for y in years if y.provisional]
    where = "per kantoor" if several else offices[0]
    office_chart = Chart(
        "Aandeel subsidiabel per kantoor", 0, "office", ["share"], axis="Aandeel", percent=True
    )
    reasons = Block(REASON_FIELDS, reason_lines(shown, run.labels, amounts_set))
    reasons_chart = Chart(
        "Redenen van weigering: aantal lerenden", 0, "reason", ["refused"], kind="bar",
        axis="Lerenden",
    )  # fmt: skip
    per_year = Sheet(
        PER_YEAR,
        "Het aandeel subsidiabel in elk schooljaar van de run, met een grafiek: stijgt het?",
        [Block(YEAR_FIELDS, year_lines(years, run, office))],
        title=f"Per schooljaar, {where}",
        charts=[
            Chart(
                "Aandeel subsidiabel per schooljaar",
                0,
                "school_year",
                ["share"],
                axis="Aandeel",
                percent=True,
                running=running,
                note=f"Gearceerd: {note}; registraties en aangiftes kunnen nog volgen."
                if note
                else None,
            )
        ],
        running=None if provisional else note,
    )
    if not several:  # one office: its key figures as a list, above its refusal reasons
        figures = key_figures(overview_fields(amounts), rows[0])
        overview = Sheet(
            OVERVIEW,
            "De kerncijfers van het kantoor en de redenen van weigering: welke het vaakst "
            "tot een weigering leiden en wat ze kosten, met een grafiek.",
            [
                Block(KEY_FIGURE_FIELDS, figures),
                replace(reasons, heading="Redenen van weigering", empty="Geen weigeringen."),
            ],
            title=f"Overzicht {where}, schooljaar {school_year}",
            charts=[replace(reasons_chart, block=1)],
        )
        return [overview, per_year]
    return [
        Sheet(
            OVERVIEW,
            "De kerncijfers per kantoor: lerenden, premies met en zonder leervergoeding, "
            "bedrag, weigeringen en wat ze kosten, met een grafiek van het aandeel "
            "subsidiabel: welk kantoor blijft achter?",
            [Block(overview_fields(amounts), rows, totals=totals)],
            title=f"Overzicht {where}, schooljaar {school_year}",
            charts=[office_chart],
        ),
        Sheet(
            REASONS,
            "Welke redenen het vaakst tot een weigering leiden en wat ze kosten, met een grafiek.",
            [reasons],
            title=f"Redenen van weigering {where}, schooljaar {school_year}",
            charts=[reasons_chart],
            empty=f"Geen weigeringen in {school_year}.",
        ),
        per_year,
    ]


KEY_FIGURE_FIELDS = (Field("Kerncijfer", width=44), Field("Waarde", kind="int", width=13))


def key_figures(fields: Sequence[Field], line: Row) -> list[tuple[str, object]]:
    """An office's line of the overview as a list: each figure under its header."""
    return [
        (f.header, line[f.name] if f.kind == "int" else Typed(line[f.name], f.kind))
        for f in fields[1:]
    ]


def premies_sheets(
    run: RunInfo,
    school_year: str,
    offices: Sequence[str],
    decisions: Sequence[Row],
    brussels: Sequence[Row],
    files: Sequence[Row],
    changes: ChangeSheets | None = None,
    years: Sequence[YearLine] = (),
    payments: Sequence[Row] | None = None,
) -> tuple[About, list[Sheet]]:
    """The Leeswijzer's facts and the sheets of a premium workbook for the given offices
    (all, or one: an office's workbook also shows what changed in its decisions since the
    previous run; a final school year, the payments: None when the run reconciled none)."""
    labels = run.labels
    amounts_set = year_amounts(run, school_year) is not None
    years = list(years) or history({school_year: decisions})
    provisional = is_provisional(school_year, decisions, years)
    sheets = overview_sheets(run, school_year, offices, decisions, years, provisional)
    per_office: dict[str, list[Row]] = {office: [] for office in offices}
    for d in decisions:  # one pass, in the decisions' order
        per_office.setdefault(office_of(d), []).append(d)
    fields = decision_fields(labels, amounts_set)
    for office in offices:
        sheets.append(
            Sheet(
                sheet_title(office),
                f"De beslissingen van kantoor {office}, één per onderneming en lerende.",
                [Block(fields, per_office[office])],
                title=f"Beslissingen {office}, schooljaar {school_year}",
                empty=f"Geen beslissingen voor {office} in {school_year}.",
            )
        )
    refused = [d for d in decisions if not d["eligible"]]
    sheets.append(
        Sheet(
            REFUSALS,
            "De lerenden zonder premie, met de redenen in woorden en wat de weigering kost.",
            [Block(refusal_fields(labels, amounts_set), refused)],
            title=f"Niet-subsidiabel, schooljaar {school_year}",
            empty=f"Geen weigeringen in {school_year}.",
        )
    )
    reconciled = payments is not None and not provisional  # a running year has none
    if reconciled:
        sheets.append(payments_sheet(payments, labels, school_year, offices))
    if brussels_offices(run) & set(offices):
        rows = [m for m in brussels if m["office"] in offices]
        sheets.append(
            Sheet(
                BRUSSELS,
                "Brusselse vestigingen en hun mentoren: geen Vlaamse premie, wel mogelijk de "
                "mentorpremie van Actiris.",
                [Block(BRUSSELS_FIELDS, rows)],
                title=f"Brussel: Actiris-mentorpremie, schooljaar {school_year}",
                empty=f"Geen Brusselse vestigingen met lerenden in {school_year}.",
            )
        )
    if changes is not None:
        block = changes.premies_block(school_year, offices[0] if len(offices) == 1 else None)
        sheets.append(
            Sheet(
                CHANGES,
                CHANGES_PURPOSE,
                [block],
                title="Wijzigingen sinds de vorige run",
                empty=block.empty or "",
            )
        )
    codes = [(c, labels.reason(c)) for c in reason_codes(decisions, labels)]
    glossary = (*fields, *refusal_fields(labels), *YEAR_FIELDS)
    sheets.append(
        toelichting_sheet(
            run,
            school_year,
            files=files,
            codes=codes,
            codes_heading="Redenen van weigering",
            glossary=DECISIONS,
            glossary_fields=glossary,
            notes=[
                *([changes.note()] if changes is not None else ()),
                *(payment_glossary() if reconciled else ()),
            ],
        )
    )
    about = About(
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
            ("Peildatum", f"{run.as_of:%d/%m/%Y}: de stand van de gegevens waarop de run besliste"),
        ],
        legend=[
            (NOT_SET, "De regelconfiguratie heeft nog geen premiebedragen voor dit schooljaar."),
            (
                LOST,
                "De premies die de weigeringen kosten: het bedrag dat elke lerende zonder de reden van weigering zou krijgen.",
            ),
        ],
    )
    return about, sheets


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
    years: Sequence[YearLine] = (),
    payments: Sequence[Row] | None = None,
) -> Path:
    """Write a premium workbook for the given offices (all, or one)."""
    about, sheets = premies_sheets(
        run, school_year, offices, decisions, brussels, files, changes, years, payments
    )
    provisional = is_provisional(school_year, decisions, years)
    page = Page(
        TITLE,
        f"Schooljaar {school_year}",
        office_label(offices),
        run.run_id,
        provisional_text(run.as_of) if provisional else None,
    )
    with Book(path, page, run.started_at) as book:
        book.write(about, sheets)
    return path


def office_label(offices: Sequence[str]) -> str:
    """The office a workbook is for, as its page header names it."""
    return offices[0] if len(offices) == 1 else ALL_OFFICES
