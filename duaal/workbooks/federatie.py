"""federatie_<Y>.xlsx: aggregates for the sector federations, without personal data.

Only counts, amounts and rates: per office, per training, and per office for every school
year of the run side by side. The totals are the real totals. A count of 1 to 4 shows
"< 5"; a group of fewer than 5 learners hides its other figures; and further cells are
hidden ("—") wherever the published figures together (totals, Lerenden = Subsidiabel +
Niet subsidiabel, each reason <= Niet subsidiabel <= the sum of the reasons, the amounts
per premium, the rates, the same totals in every sheet) would give a hidden count away:
`duaal.workbooks.suppression` decides which, for a school year as a whole, so every sheet
and every workbook that shows a year's figures hides the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import CodeLabels, ordered_offices, split_codes
from duaal.workbooks.premies import NOT_SET, office_of, reason_codes, year_amounts
from duaal.workbooks.style import Block, Book, Column, Page
from duaal.workbooks.suppression import (
    AMOUNT,
    CONFORM,
    ELIGIBLE,
    LEARNERS,
    MIN_GROUP,
    REFUSED,
    SHOWN,
    SMALL,
    TOTAL,
    Group,
    Protection,
    exclusive_reasons,
    protect,
)
from duaal.workbooks.toelichting import SHEET as TOELICHTING
from duaal.workbooks.toelichting import toelichting_blocks

SMALL_TEXT = "< 5"
HIDDEN_TEXT = "—"
PER_OFFICE = "Per kantoor"
PER_TRAINING = "Per opleiding"
PER_YEAR = "Schooljaren"
NO_TRAINING = "Onbekende opleiding"
TITLE = "Werkplekleren: cijfers voor de sectorfederaties"
OFFICE, TRAINING = "Kantoor", "Opleiding"

NOTES: tuple[tuple[str, str], ...] = (
    (
        "Kleine aantallen",
        f"Een aantal van 1 tot {MIN_GROUP - 1} toont '{SMALL_TEXT}'. Een kantoor of opleiding "
        f"met minder dan {MIN_GROUP} lerenden toont ook zijn andere waarden niet "
        f"('{HIDDEN_TEXT}').",
    ),
    (
        "Aanvullend verborgen",
        f"Waar een verborgen aantal terug te rekenen zou zijn uit wat wel getoond wordt (de "
        f"totalen; Lerenden = Subsidiabel + Niet subsidiabel; de redenen: geen reden telt "
        f"meer lerenden dan Niet subsidiabel, elke weigering heeft minstens één reden, en "
        f"redenen die elkaar uitsluiten tellen samen niet meer dan Niet subsidiabel; de "
        f"percentages; het bedrag per premie; dezelfde totalen op elk blad en in elk "
        f"schooljaar), is nog een waarde verborgen ('{HIDDEN_TEXT}'); dat kan "
        f"elk getal zijn, ook 0. Waar zelfs dat niet volstaat, toont ook een klein aantal "
        f"'{HIDDEN_TEXT}'. Welke waarden verborgen zijn, is per schooljaar voor alle bladen "
        f"samen bepaald.",
    ),
    (
        "Totalen",
        "De totaalrij geeft de werkelijke totalen van het schooljaar, ook van wat in de "
        "rijen verborgen is; elk blad toont dezelfde totalen. Een totaal wordt nooit "
        f"verborgen om een andere waarde te beschermen: een totaal van 1 tot {MIN_GROUP - 1} "
        f"toont '{SMALL_TEXT}', of het getal zelf als de andere totalen het toch verraden "
        "(zoals Niet subsidiabel = Lerenden - Subsidiabel). Alleen een schooljaar met "
        f"minder dan {MIN_GROUP} lerenden toont ook in de totaalrij '{HIDDEN_TEXT}'.",
    ),
    (
        "Conform (%)",
        "Aandeel van de lerenden zonder bevinding met ernst 'fout' voor dezelfde onderneming "
        "en lerende, beoordeeld op de peildatum.",
    ),
    (
        "Redenen",
        "Een weigering kan meer dan één reden hebben; de aantallen per reden tellen daarom "
        "niet op tot het aantal niet-subsidiabele lerenden.",
    ),
    (
        "Grafiek",
        f"Een verborgen bedrag ('{HIDDEN_TEXT}') staat niet in de grafiek.",
    ),
    (
        "Persoonsgegevens",
        "Deze map bevat geen INSZ-, ondernemings- of rekeningnummers en geen namen.",
    ),
)


@dataclass(frozen=True)
class YearFigures:
    """A school year's groups per partition, its total and which cells can be published."""

    school_year: str
    codes: Sequence[str]
    groups: dict[str, dict[str, Group]]  # partition -> group name -> figures
    total: Group
    protection: Protection
    amounts_set: bool = True  # False: no amounts configured for the year (AMOUNTS_MISSING)


def count_group(
    decisions: Sequence[Row],
    with_errors: set[tuple[str, str]],
    codes: Sequence[str],
    amounts: tuple[int, int],
) -> Group:
    """Counts, amount and compliance of a group's decisions."""
    g = Group(reasons=dict.fromkeys(codes, 0))
    for d in decisions:
        g.learners += 1
        if (d["company_kbo"], d["learner_insz"]) not in with_errors:
            g.conform += 1
        if d["eligible"]:
            g.eligible += 1
            g.amount += d["amount_eur"] or 0
            g.unpaid += d["amount_eur"] == amounts[0]
            g.paid += d["amount_eur"] != amounts[0]
        else:
            for c in split_codes(d["reasons"]):
                g.reasons[c] = g.reasons.get(c, 0) + 1
    return g


def year_figures(
    run: RunInfo, school_year: str, decisions: Sequence[Row], findings: Sequence[Row]
) -> YearFigures:
    """Group a year's decisions per office and per training, and protect them together."""
    codes, configured = reason_codes(decisions, run.labels), year_amounts(run, school_year)
    # without the year's amounts every premium is 0 (and the amount is not published)
    amounts = configured or (0, 0)
    with_errors = {
        (f["company_kbo"], f["learner_insz"]) for f in findings if f["severity"] == "error"
    }
    offices = ordered_offices({d["office"] for d in decisions})
    trainings = sorted({d["training"] or NO_TRAINING for d in decisions})
    groups = {
        OFFICE: {
            o: count_group([d for d in decisions if office_of(d) == o], with_errors, codes, amounts)
            for o in offices
        },
        TRAINING: {
            t: count_group(
                [d for d in decisions if (d["training"] or NO_TRAINING) == t],
                with_errors,
                codes,
                amounts,
            )
            for t in trainings
        },
    }
    total = count_group(decisions, with_errors, codes, amounts)
    refusals = {frozenset(split_codes(d["reasons"])) for d in decisions if not d["eligible"]}
    exclusive = exclusive_reasons(refusals, codes)
    protection = protect(groups, total, codes, amounts, exclusive)
    return YearFigures(school_year, codes, groups, total, protection, configured is not None)


def published(figures: YearFigures, partition: str, group: str, measure: str) -> object:
    """A cell as published: its value, '< 5' or '—' (an amount not yet configured: "bedrag
    nog niet vastgelegd")."""
    if measure == AMOUNT and not figures.amounts_set:
        return NOT_SET
    status = figures.protection.cell(partition, group, measure)
    if status == SHOWN:
        key = ("", TOTAL, measure) if group == TOTAL else (partition, group, measure)
        return figures.protection.values[key]
    return SMALL_TEXT if status == SMALL else HIDDEN_TEXT


def _rate(figures: YearFigures, partition: str, group: str, measure: str) -> object:
    """measure / learners when both are published, else '—' (None for an empty group)."""
    learners = published(figures, partition, group, LEARNERS)
    part = published(figures, partition, group, measure)
    if isinstance(learners, int) and isinstance(part, int):
        return part / learners if learners else None
    return HIDDEN_TEXT


def group_row(figures: YearFigures, partition: str, group: str) -> list[object]:
    """One group (or the total, group TOTAL) as published."""
    return [
        group,
        published(figures, partition, group, LEARNERS),
        published(figures, partition, group, ELIGIBLE),
        published(figures, partition, group, REFUSED),
        _rate(figures, partition, group, ELIGIBLE),
        published(figures, partition, group, AMOUNT),
        _rate(figures, partition, group, CONFORM),
        *(published(figures, partition, group, f"R:{c}") for c in figures.codes),
    ]


def columns_for(group: str, codes: Sequence[str], labels: CodeLabels) -> list[Column]:
    """Headers of an aggregate sheet."""
    return [
        Column(group),
        Column("Lerenden", "int"),
        Column("Subsidiabel", "int"),
        Column("Niet subsidiabel", "int"),
        Column("Subsidiabel (%)", "pct"),
        Column("Totaal bedrag", "eur"),
        Column("Conform (%)", "pct"),
        *(Column(f"Reden: {labels.reason(c)}", "int") for c in codes),
    ]


def aggregate_block(figures: YearFigures, partition: str, labels: CodeLabels) -> Block:
    """One row per group of a partition, and the year's real totals."""
    rows = [group_row(figures, partition, g) for g in figures.groups[partition]]
    totals = group_row(figures, partition, TOTAL)
    return Block(columns_for(partition, figures.codes, labels), rows, totals=totals)


def years_block(years: Sequence[YearFigures]) -> Block:
    """Per office: learners, subsidiabel and amount of every school year side by side."""
    columns = [Column(OFFICE)]
    for y in years:
        columns += [
            Column(f"Lerenden {y.school_year}", "int"),
            Column(f"Subsidiabel {y.school_year}", "int"),
            Column(f"Bedrag {y.school_year}", "eur"),
        ]
    offices = ordered_offices({o for y in years for o in y.groups[OFFICE]})

    def row(office: str) -> list[object]:
        cells: list[object] = [office]
        for y in years:
            if office == TOTAL or office in y.groups[OFFICE]:
                cells += [published(y, OFFICE, office, m) for m in (LEARNERS, ELIGIBLE, AMOUNT)]
            else:
                cells += [0, 0, 0]
        return cells

    return Block(columns, [row(o) for o in offices], totals=row(TOTAL))


def write_federatie(
    path: Path, run: RunInfo, figures: YearFigures, years: Sequence[YearFigures]
) -> Path:
    """Write the federation workbook of one school year (years: every year, side by side)."""
    school_year = figures.school_year
    page = Page(TITLE, f"Schooljaar {school_year}", "Alle kantoren", run.run_id)
    with Book(path, page, run.started_at) as book:
        block = aggregate_block(figures, OFFICE, run.labels)
        sheet, placed = book.add_sheet(PER_OFFICE, [block], title_block=True)
        if any(isinstance(r[5], int) and r[5] for r in block.rows):  # a chart only with data
            title = f"Premiebedrag per kantoor, {school_year}"
            book.add_bar_chart(sheet, title, placed[0], 1, [6])
        book.add_sheet(PER_TRAINING, [aggregate_block(figures, TRAINING, run.labels)])
        block = years_block(years)
        sheet, placed = book.add_sheet(PER_YEAR, [block])
        amount_columns = [2 + 3 * i + 2 for i in range(len(years))]
        if any(isinstance(r[c - 1], int) and r[c - 1] for r in block.rows for c in amount_columns):
            book.add_bar_chart(
                sheet, "Premiebedrag per kantoor en schooljaar", placed[0], 1, amount_columns
            )
        blocks = toelichting_blocks(run, school_year, files=None, notes=NOTES, with_hash=False)
        book.add_sheet(TOELICHTING, blocks)
    return path
