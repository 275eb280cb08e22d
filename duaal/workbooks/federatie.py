"""federatie_<Y>.xlsx: aggregates for the sector federations, without personal data.

A statistical publication (Statbel and Statistiek Vlaanderen are the examples): every table
numbered ("Tabel 1. ..."), its source, the legend of its signs and, for a running school
year, "voorlopig, peildatum ..." on its page; the change against the previous final school
year; charts of published values only. Only counts, amounts and rates: per office, per
training, per reason of refusal, per office for every school year of the run side by
side, and decided against paid per office and final school year (federatie_payments). The totals are the real totals. A count of 1 to 4 shows
"< 5"; a group of fewer than 5 learners hides its other figures; and further cells are
hidden ("—") wherever the published figures together (totals, Lerenden = Subsidiabel +
Niet subsidiabel, each reason <= Niet subsidiabel <= the sum of the reasons, the amounts
per premium, the rates, the same totals in every sheet) would give a hidden count away:
`duaal.workbooks.suppression` decides which, for a school year as a whole, so every sheet
and every workbook that shows a year's figures hides the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import chain, count
from pathlib import Path

from duaal.workbooks.book import Book
from duaal.workbooks.data import RunInfo
from duaal.workbooks.federatie_figures import (
    HIDDEN_TEXT,
    OFFICE,
    SMALL_TEXT,
    TRAINING,
    PaidYear,
    YearFigures,
    previous_final,
    year_figures,
)
from duaal.workbooks.federatie_tables import (
    aggregate_block,
    paid_blocks,
    reasons_block,
    share_block,
    trend_block,
    year_header,
    years_blocks,
)
from duaal.workbooks.style import NOT_SET, About, Chart, Page, Sheet, provisional_text
from duaal.workbooks.suppression import MIN_GROUP
from duaal.workbooks.toelichting import toelichting_sheet

__all__ = ["YearFigures", "federatie_sheets", "write_federatie", "year_figures"]

PER_OFFICE = "Per kantoor"
PER_TRAINING = "Per opleiding"
PER_YEAR = "Schooljaren"
PER_REASON = "Redenen"
PER_PAYMENT = "Uitbetalingen"
TITLE = "Werkplekleren: cijfers voor de sectorfederaties"
SOURCE = "Bron: werkplekduaal, Dimona en premiegeschiedenis; mtech+, berekening duaal"
LEGEND_LINE = (
    f"{SMALL_TEXT}: een aantal van 1 tot {MIN_GROUP - 1}. {HIDDEN_TEXT}: verborgen, zodat "
    "een klein aantal niet terug te rekenen is (elk getal, ook 0)."
)
SHARE_NOTE = (
    "Alleen kantoren met een getoond aandeel, het laagste eerst. Wallonië ligt buiten "
    "Vlaanderen: daar geldt de Vlaamse premie niet."
)
REASONS_NOTE = (
    "Een weigering kan meer dan één reden hebben. Alleen redenen met een getoond aantal; "
    f"redenen met '{SMALL_TEXT}' staan per kantoor op het blad Per kantoor (op het scherm)."
)
PAID_NOTE = (
    "Beslist: het premiebedrag van de beslissingen (zoals Bedrag premies in Tabel 1 van "
    "dat schooljaar). Uitbetaald: volgens de premiegeschiedenis; een premie die pas na de "
    "peildatum verwacht wordt, telt al bij beslist en nog niet bij uitbetaald. Alleen "
    "afgesloten schooljaren; een uitbetaald bedrag dat verraadt hoeveel premies (niet) uitbetaald "
    f"werden, is verborgen ('{HIDDEN_TEXT}')."
)

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
        "Verschil",
        "Tegenover het vorige afgesloten schooljaar: in procent voor een aantal of bedrag, "
        "in procentpunten (pp) voor een aandeel. Het verschil van een verborgen waarde is "
        f"ook verborgen ('{HIDDEN_TEXT}'); leeg: geen vergelijking mogelijk.",
    ),
    (
        "Grafieken",
        f"Een grafiek toont alleen getoonde waarden: een '{SMALL_TEXT}' of '{HIDDEN_TEXT}' "
        "staat er niet in. Een lopend schooljaar is gearceerd.",
    ),
    (
        "Uitbetalingen",
        "Beslist tegenover uitbetaald, per kantoor en afgesloten schooljaar, alleen als "
        "bedragen. Waar het uitbetaalde bedrag zou verraden hoeveel lerenden (niet) betaald "
        f"werden, toont het '{HIDDEN_TEXT}', samen met minstens één ander kantoor.",
    ),
    (
        "Persoonsgegevens",
        "Deze map bevat geen INSZ-, ondernemings- of rekeningnummers en geen namen.",
    ),
)


def source_line(run: RunInfo) -> str:
    """Where every figure comes from, under each table."""
    return f"{SOURCE}, peildatum {run.as_of:%d/%m/%Y}"


def table_notes(run: RunInfo, *more: str | None) -> list[str]:
    """The lines under a table: its source, the legend of its signs, then `more`."""
    return [source_line(run), LEGEND_LINE, *(m for m in more if m)]


def _year_label(y: YearFigures, run: RunInfo) -> str:
    """A school year as a title names it: a running one says so."""
    if y.provisional:
        return f"{y.school_year} ({provisional_text(run.as_of)})"
    return y.school_year


def running_note(years: Sequence[YearFigures], run: RunInfo) -> str | None:
    """What a sheet showing a running school year among others says of it."""
    running = [y.school_year for y in years if y.provisional]
    if not running:
        return None
    return f"{', '.join(running)}: {provisional_text(run.as_of)}, het schooljaar loopt nog"


def federatie_sheets(
    run: RunInfo,
    figures: YearFigures,
    years: Sequence[YearFigures],
    paid: Sequence[PaidYear] = (),
) -> tuple[About, list[Sheet]]:
    """The Leeswijzer's facts and the sheets of the federation workbook of one year;
    `paid`: decided against paid per final school year (federatie_payments)."""
    school_year = figures.school_year
    numbers = count(1)
    label = _year_label(figures, run)
    before = previous_final(figures, years)
    since = (
        f"Verschil: tegenover {before.school_year}, het vorige afgesloten schooljaar; in "
        "procent voor een aantal of bedrag, in procentpunten (pp) voor een aandeel."
        if before
        else None
    )
    running = provisional_text(run.as_of).capitalize() if figures.provisional else None
    first = f"Tabel {next(numbers)}. Lerenden, premies en aandelen per kantoor, schooljaar {label}"
    share_title = f"Tabel {next(numbers)}. Aandeel subsidiabel per kantoor, schooljaar {label}"
    offices = aggregate_block(
        figures, OFFICE, run.labels, before, notes=table_notes(run, running, since)
    )
    shares = share_block(figures, share_title, table_notes(run, running, SHARE_NOTE))
    training_title = f"Tabel {next(numbers)}. Dezelfde cijfers per opleiding, schooljaar {label}"
    trainings = aggregate_block(
        figures, TRAINING, run.labels, before, notes=table_notes(run, running, since)
    )
    reasons_title = f"Tabel {next(numbers)}. Weigeringen per reden, schooljaar {label}"
    reasons = reasons_block(figures, run.labels, table_notes(run, running, REASONS_NOTE))
    note = running_note(years, run)
    running_years = [y.school_year for y in years if y.provisional]
    lists = years_blocks(years, numbers, table_notes(run, note))
    trend_title = f"Tabel {next(numbers)}. Aandeel subsidiabel per schooljaar, alle kantoren"
    trend = trend_block(years, trend_title, table_notes(run, note))
    hatched = f"Gearceerd: {note}; registraties en aangiftes kunnen nog volgen." if note else None
    year_charts = [
        Chart(
            "Aandeel subsidiabel per schooljaar, alle kantoren",
            3,
            "year",
            ["share"],
            axis="Subsidiabel (%)",
            percent=True,
            running=[year_header(y) for y in years if y.provisional],
            note=hatched,
        )
    ]
    if any(isinstance(c, int) and c for r in lists[2].rows for c in list(r.values())[1:]):
        year_charts.append(
            Chart(
                "Premiebedrag per kantoor en schooljaar",
                2,
                "office",
                [y.school_year for y in years],
                axis="Bedrag (EUR)",
                running_series=running_years,
                note=hatched,
            )
        )
    sheets = [
        Sheet(
            PER_OFFICE,
            "Tabel 1 en 2: lerenden, premies en het aandeel subsidiabel en conform per "
            "kantoor, met het verschil tegenover het vorige afgesloten schooljaar, en welk "
            "kantoor achterblijft; op het scherm ook het aantal per reden van weigering.",
            [offices, shares],
            title=first,
            charts=[
                Chart(
                    "Aandeel subsidiabel per kantoor: wie blijft achter",
                    1,
                    "group",
                    ["share"],
                    kind="bar",
                    axis="Subsidiabel (%)",
                    percent=True,
                )
            ],
        ),
        Sheet(
            PER_TRAINING,
            "Tabel 3: dezelfde cijfers per opleiding.",
            [trainings],
            title=training_title,
        ),
        Sheet(
            PER_REASON,
            "Tabel 4: welke redenen van weigering de meeste lerenden een premie kosten.",
            [reasons],
            title=reasons_title,
            empty="Geen reden van weigering met een getoond aantal (5 of meer).",
            charts=[
                Chart(
                    "Weigeringen per reden, meest voorkomende eerst",
                    0,
                    "reason",
                    ["count"],
                    kind="bar",
                    axis="Lerenden",
                )
            ],
        ),
        Sheet(
            PER_YEAR,
            "Tabel 5 tot 8: lerenden, subsidiabel en bedrag per kantoor, de schooljaren "
            "naast elkaar, en het aandeel subsidiabel per schooljaar.",
            [*lists, trend],
            title=lists[0].heading or "",
            charts=year_charts,
            running=None if figures.provisional else note,
        ),
    ]
    # the first list's heading is the sheet's title
    sheets[3] = replace(sheets[3], blocks=[replace(lists[0], heading=None), *lists[1:], trend])
    if paid:
        first_paid = next(numbers)
        blocks = paid_blocks(paid, chain([first_paid], numbers), table_notes(run, PAID_NOTE))
        last = first_paid + len(blocks) - 1
        span = f"Tabel {first_paid}" if last == first_paid else f"Tabel {first_paid} tot {last}"
        sheets.append(
            Sheet(
                PER_PAYMENT,
                f"{span}: per kantoor en afgesloten schooljaar het beslist en het "
                "uitbetaalde premiebedrag.",
                [replace(blocks[0], heading=None), *blocks[1:]],
                title=blocks[0].heading or "",
            )
        )
    sheets.append(toelichting_sheet(run, school_year, files=None, with_hash=False))
    about = About(
        purpose=(
            "Cijfers over de premie kwalificerend werkplekleren voor de sectorfederaties: "
            "aantallen, bedragen en percentages per kantoor en per opleiding, hun verloop "
            "over de schooljaren en wat beslist en uitbetaald werd, zonder persoonsgegevens."
        ),
        audience="De sectorfederaties en hun bestuur. Deze map mag gedeeld worden.",
        facts=[
            ("Schooljaar", f"{label}, van 1 september tot 31 augustus"),
            ("Peildatum", f"{run.as_of:%d/%m/%Y}: de stand van de gegevens"),
            ("Bron", source_line(run).removeprefix("Bron: ")),
        ],
        legend=[
            (SMALL_TEXT, f"Een aantal van 1 tot {MIN_GROUP - 1}: te klein om te tonen."),
            (
                HIDDEN_TEXT,
                "Verborgen, zodat een klein aantal niet terug te rekenen is; het kan elk getal zijn, ook 0.",
            ),
            (NOT_SET, "De regelconfiguratie heeft nog geen premiebedragen voor dit schooljaar."),
            ("pp", "Procentpunten: het verschil tussen twee aandelen."),
        ],
        notes=NOTES,
        personal=False,
    )
    return about, sheets


def write_federatie(
    path: Path,
    run: RunInfo,
    figures: YearFigures,
    years: Sequence[YearFigures],
    paid: Sequence[PaidYear] = (),
) -> Path:
    """Write the federation workbook of one school year (years: every year, side by side;
    paid: decided against paid per final school year)."""
    school_year = figures.school_year
    provisional = provisional_text(run.as_of) if figures.provisional else None
    page = Page(TITLE, f"Schooljaar {school_year}", "Alle kantoren", run.run_id, provisional)
    with Book(path, page, run.started_at) as book:
        book.write(*federatie_sheets(run, figures, years, paid))
    return path
