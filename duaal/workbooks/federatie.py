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
from operator import itemgetter
from pathlib import Path

from duaal.workbooks.book import Book
from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import CodeLabels, ordered_offices, split_codes
from duaal.workbooks.premies import office_of, reason_codes, year_amounts
from duaal.workbooks.style import NOT_SET, About, Block, Chart, Field, Page, Sheet, provisional_text
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
from duaal.workbooks.toelichting import toelichting_sheet

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
        f"totalen; Lerenden = Subsidiabel + Niet-subsidiabel; de redenen: geen reden telt "
        f"meer lerenden dan Niet-subsidiabel, elke weigering heeft minstens één reden, en "
        f"redenen die elkaar uitsluiten tellen samen niet meer dan Niet-subsidiabel; de "
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
        "(zoals Niet-subsidiabel = Lerenden - Subsidiabel). Alleen een schooljaar met "
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
    provisional: bool = False  # the year is still running: its decisions are provisional


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
            # which premium it is: the decision's own fact, not a guess from its amount
            g.paid += bool(d["paid_learner"])
            g.unpaid += not d["paid_learner"]
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
    provisional = any(d["status"] == "provisional" for d in decisions)
    return YearFigures(
        school_year, codes, groups, total, protection, configured is not None, provisional
    )


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


def fields_for(group: str, codes: Sequence[str], labels: CodeLabels) -> list[Field]:
    """An aggregate sheet's fields: the figures on paper, one count per refusal reason on
    the screen only (rows are positional, as group_row gives them)."""
    return [
        Field("group", group, width=30, value=itemgetter(0)),
        Field("learners", "Lerenden", "int", width=10, value=itemgetter(1)),
        Field("eligible", "Subsidiabel", "int", width=11, value=itemgetter(2)),
        Field("refused", "Niet-subsidiabel", "int", width=11, value=itemgetter(3)),
        Field("share", "Subsidiabel (%)", "pct", width=11, value=itemgetter(4)),
        Field("amount", "Bedrag premies", "eur", width=13, value=itemgetter(5)),
        Field("conform", "Conform (%)", "pct", width=11, value=itemgetter(6)),
        *(
            Field(
                f"R:{c}", f"Reden: {labels.reason(c)}", "int", paper=False, value=itemgetter(7 + i)
            )
            for i, c in enumerate(codes)
        ),
    ]


def aggregate_block(figures: YearFigures, partition: str, labels: CodeLabels) -> Block:
    """One row per group of a partition, and the year's real totals."""
    rows = [group_row(figures, partition, g) for g in figures.groups[partition]]
    totals = group_row(figures, partition, TOTAL)
    return Block(fields_for(partition, figures.codes, labels), rows, totals=totals)


def _year_header(y: YearFigures) -> str:
    return f"{y.school_year} (voorlopig)" if y.provisional else y.school_year


YEAR_MEASURES = (
    (LEARNERS, "Lerenden", "int"),
    (ELIGIBLE, "Subsidiabel", "int"),
    (AMOUNT, "Bedrag premies", "eur"),
)


def years_blocks(years: Sequence[YearFigures]) -> list[Block]:
    """Per office, one list per measure (learners, subsidiabel, amount) with every school
    year side by side: a row reads as the office's course over the years."""
    offices = ordered_offices({o for y in years for o in y.groups[OFFICE]})

    def row(office: str, measure: str) -> dict[str, object]:
        cells: dict[str, object] = {"office": office}
        for y in years:
            shown = office == TOTAL or office in y.groups[OFFICE]
            cells[y.school_year] = published(y, OFFICE, office, measure) if shown else 0
        return cells

    blocks = []
    for measure, title, kind in YEAR_MEASURES:
        fields = [Field("office", OFFICE, width=24)]
        fields += [Field(y.school_year, _year_header(y), kind, width=12) for y in years]
        blocks.append(
            Block(
                fields,
                [row(o, measure) for o in offices],
                totals=row(TOTAL, measure),
                heading=f"{title} per kantoor en schooljaar",
            )
        )
    return blocks


def running_note(years: Sequence[YearFigures], run: RunInfo) -> str | None:
    """What a sheet showing a running school year among others says of it."""
    running = [y.school_year for y in years if y.provisional]
    if not running:
        return None
    return f"{', '.join(running)}: {provisional_text(run.as_of)}, het schooljaar loopt nog"


def federatie_sheets(
    run: RunInfo, figures: YearFigures, years: Sequence[YearFigures]
) -> tuple[About, list[Sheet]]:
    """The Leeswijzer's facts and the sheets of the federation workbook of one year."""
    school_year = figures.school_year
    offices = aggregate_block(figures, OFFICE, run.labels)
    charts = []
    if any(isinstance(r[5], int) and r[5] for r in offices.rows):  # a chart only with data
        charts.append(Chart(f"Premiebedrag per kantoor, {school_year}", 0, "group", ["amount"]))
    note = running_note(years, run)
    running = [y.school_year for y in years if y.provisional]
    blocks = years_blocks(years)
    year_charts = []
    if any(isinstance(c, int) and c for r in blocks[2].rows for c in list(r.values())[1:]):
        year_charts.append(
            Chart(
                "Premiebedrag per kantoor en schooljaar",
                2,
                "office",
                [y.school_year for y in years],
                axis="Bedrag (EUR)",
                running_series=running,
                note=f"Gearceerd: {note}; registraties en aangiftes kunnen nog volgen."
                if note
                else None,
            )
        )
    sheets = [
        Sheet(
            PER_OFFICE,
            "Lerenden, premies en het aandeel subsidiabel en conform per kantoor; op het "
            "scherm ook het aantal per reden van weigering.",
            [offices],
            title=f"Per kantoor, schooljaar {school_year}",
            charts=charts,
        ),
        Sheet(
            PER_TRAINING,
            "Dezelfde cijfers per opleiding.",
            [aggregate_block(figures, TRAINING, run.labels)],
            title=f"Per opleiding, schooljaar {school_year}",
        ),
        Sheet(
            PER_YEAR,
            "Lerenden, subsidiabel en bedrag per kantoor, de schooljaren naast elkaar.",
            blocks,
            title="Per kantoor en schooljaar",
            charts=year_charts,
            running=None if figures.provisional else note,
        ),
        toelichting_sheet(run, school_year, files=None, with_hash=False),
    ]
    about = About(
        purpose=(
            "Cijfers over de premie kwalificerend werkplekleren voor de sectorfederaties: "
            "aantallen, bedragen en percentages per kantoor en per opleiding, zonder "
            "persoonsgegevens."
        ),
        audience="De sectorfederaties en hun bestuur. Deze map mag gedeeld worden.",
        facts=[
            ("Schooljaar", f"{school_year}, van 1 september tot 31 augustus"),
            ("Peildatum", f"{run.as_of:%d/%m/%Y}: de stand van de gegevens"),
        ],
        legend=[
            (SMALL_TEXT, f"Een aantal van 1 tot {MIN_GROUP - 1}: te klein om te tonen."),
            (
                HIDDEN_TEXT,
                "Verborgen, zodat een klein aantal niet terug te rekenen is; het kan elk getal zijn, ook 0.",
            ),
            (NOT_SET, "De regelconfiguratie heeft nog geen premiebedragen voor dit schooljaar."),
        ],
        notes=NOTES,
        personal=False,
    )
    return about, sheets


def write_federatie(
    path: Path, run: RunInfo, figures: YearFigures, years: Sequence[YearFigures]
) -> Path:
    """Write the federation workbook of one school year (years: every year, side by side)."""
    school_year = figures.school_year
    provisional = provisional_text(run.as_of) if figures.provisional else None
    page = Page(TITLE, f"Schooljaar {school_year}", "Alle kantoren", run.run_id, provisional)
    with Book(path, page, run.started_at) as book:
        book.write(*federatie_sheets(run, figures, years))
    return path
