"""federatie_<Y>.xlsx: aggregates for the sector federations, without personal data.

A statistical publication (Statbel and Statistiek Vlaanderen are the examples): every table
numbered ("Tabel 1. ..."), its source, the legend of its signs and, for a running school
year, "voorlopig, peildatum ..." on its page; the change against the previous final school
year; charts of published values only. Only counts, amounts and rates: per office, per
training, per reason of refusal, per office for every school year of the run side by side,
and decided against paid per office and final school year (federatie_payments). The totals
are the real totals. A count of 1 to 4 shows "< 5"; a group of fewer than 5 learners hides
its other figures; and further cells are hidden ("—") wherever the published figures
together (totals, Lerenden = Subsidiabel + Niet subsidiabel, each reason <= Niet subsidiabel
<= the sum of the reasons, the amounts per premium, the rates, the same totals in every
sheet) would give a hidden count away: `duaal.outputs.workbooks.suppression` decides which, for a
school year as a whole, so every sheet and every workbook that shows a year's figures hides
the same cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain, count
from pathlib import Path

from duaal.outputs.workbooks.book import Book
from duaal.outputs.workbooks.data import RunInfo
from duaal.outputs.workbooks.federatie_figures import (
    HIDDEN_TEXT,
    OFFICE,
    SMALL_TEXT,
    TRAINING,
    PaidYear,
    YearFigures,
    previous_final,
    year_figures,
)
from duaal.outputs.workbooks.federatie_tables import (
    aggregate_block,
    paid_blocks,
    reasons_block,
    share_block,
    trend_block,
    year_header,
    years_blocks,
)
from duaal.outputs.workbooks.leeswijzer import final_fact
from duaal.outputs.workbooks.style import (
    NOT_SET,
    About,
    Block,
    Chart,
    Page,
    Sheet,
    provisional_text,
    running_note,
)
from duaal.outputs.workbooks.suppression import MIN_GROUP
from duaal.outputs.workbooks.toelichting import toelichting_sheet

__all__ = ["YearFigures", "federatie_sheets", "write_federatie", "year_figures"]

PER_OFFICE = "Per kantoor"
PER_TRAINING = "Per opleiding"
PER_YEAR = "Schooljaren"
PER_REASON = "Redenen"
PER_PAYMENT = "Uitbetalingen"
TITLE = "Werkplekleren: cijfers voor de sectorfederaties"
SOURCE = "Bron: werkplekduaal, Dimona en premiegeschiedenis; mtech+, berekening duaal"
UNITS = "Eenheden: lerenden in aantallen, bedragen in euro, aandelen in procent."
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


# a final school year's workbook names no as_of: the conformity is the writing run's
FINAL_NOTES = tuple(
    (
        topic,
        "Aandeel van de lerenden zonder bevinding met ernst 'fout' voor dezelfde onderneming "
        "en lerende, zoals de run die deze map schreef ze vaststelde (inhoud.json in de "
        "rapportenmap zegt welke run).",
    )
    if topic == "Conform (%)"
    else (topic, text)
    for topic, text in NOTES
)


def source_line(run: RunInfo, final: bool = False) -> str:
    """Where every figure comes from, as of when (not in a final school year's workbook,
    final: it is kept across days), when it was published (the run that computed it) and in
    what units, under each table."""
    as_of = "" if final else f", peildatum {run.as_of:%d/%m/%Y}"
    return f"{SOURCE}{as_of}, gepubliceerd {run.started_at:%d/%m/%Y}. {UNITS}"


def table_notes(run: RunInfo, *more: str | None, final: bool = False) -> list[str]:
    """The lines under a table: its source, the legend of its signs, then `more`."""
    return [source_line(run, final), LEGEND_LINE, *(m for m in more if m)]


def _year_label(y: YearFigures, run: RunInfo) -> str:
    """A school year as a title names it: a running one says so."""
    if y.provisional:
        return f"{y.school_year} ({provisional_text(run.as_of)})"
    return y.school_year


@dataclass(frozen=True)
class _Edition:
    """What the sheets of one school year's federation workbook share: the year, every year
    of the run, the previous final one (what a change is against) and the tables' numbers,
    taken in the order of the sheets."""

    run: RunInfo
    figures: YearFigures
    years: Sequence[YearFigures]
    before: YearFigures | None
    numbers: Iterator[int]
    final: bool = False  # a final school year: no as_of; the years up to it

    @property
    def label(self) -> str:
        """The school year as a title names it: a running one says so."""
        return _year_label(self.figures, self.run)

    @property
    def running(self) -> str | None:
        """What a table of a running school year says of it."""
        return provisional_text(self.run.as_of).capitalize() if self.figures.provisional else None

    @property
    def since(self) -> str | None:
        """What the change columns are against."""
        if self.before is None:
            return None
        return (
            f"Verschil: tegenover {self.before.school_year}, het vorige afgesloten schooljaar; "
            "in procent voor een aantal of bedrag, in procentpunten (pp) voor een aandeel."
        )

    def title(self, text: str) -> str:
        """The next table's title: 'Tabel <n>. <text>'."""
        return f"Tabel {next(self.numbers)}. {text}"

    def notes(self, *more: str | None) -> list[str]:
        return table_notes(self.run, *more, final=self.final)


def _offices_sheet(e: _Edition) -> Sheet:
    """Tables 1 and 2: the figures per office, and the share eligible per office, lowest
    first."""
    title = e.title(f"Lerenden, premies en aandelen per kantoor, schooljaar {e.label}")
    share_title = e.title(f"Aandeel subsidiabel per kantoor, schooljaar {e.label}")
    offices = aggregate_block(
        e.figures, OFFICE, e.run.labels, e.before, notes=e.notes(e.running, e.since)
    )
    shares = share_block(e.figures, share_title, e.notes(e.running, SHARE_NOTE))
    return Sheet(
        PER_OFFICE,
        "Tabel 1 en 2: lerenden, premies en het aandeel subsidiabel en conform per "
        "kantoor, met het verschil tegenover het vorige afgesloten schooljaar, en welk "
        "kantoor achterblijft; op het scherm ook het aantal per reden van weigering.",
        [offices, shares],
        title=title,
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
    )


def _trainings_sheet(e: _Edition) -> Sheet:
    """Table 3: the figures per training."""
    title = e.title(f"Dezelfde cijfers per opleiding, schooljaar {e.label}")
    trainings = aggregate_block(
        e.figures, TRAINING, e.run.labels, e.before, notes=e.notes(e.running, e.since)
    )
    return Sheet(PER_TRAINING, "Tabel 3: dezelfde cijfers per opleiding.", [trainings], title=title)


def _reasons_sheet(e: _Edition) -> Sheet:
    """Table 4: the refusals per reason, the most frequent first."""
    title = e.title(f"Weigeringen per reden, schooljaar {e.label}")
    reasons = reasons_block(e.figures, e.run.labels, e.notes(e.running, REASONS_NOTE))
    return Sheet(
        PER_REASON,
        "Tabel 4: welke redenen van weigering de meeste lerenden een premie kosten.",
        [reasons],
        title=title,
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
    )


def _years_sheet(e: _Edition) -> Sheet:
    """Tables 5 to 8: per office the school years side by side (learners, eligible,
    amount), and the share eligible per school year; the first list's heading is the
    sheet's title."""
    note = running_note(e.years, e.run.as_of)
    lists = years_blocks(e.years, e.numbers, e.notes(note))
    trend_title = e.title("Aandeel subsidiabel per schooljaar, alle kantoren")
    trend = trend_block(e.years, trend_title, e.notes(note))
    which = "dit schooljaar en de schooljaren ervoor" if e.final else "de schooljaren"
    return Sheet(
        PER_YEAR,
        f"Tabel 5 tot 8: lerenden, subsidiabel en bedrag per kantoor, {which} "
        "naast elkaar, en het aandeel subsidiabel per schooljaar.",
        [replace(lists[0], heading=None), *lists[1:], trend],
        title=lists[0].heading or "",
        charts=_year_charts(e.years, lists[2], note),
        running=None if e.figures.provisional else note,
    )


def _year_charts(years: Sequence[YearFigures], amounts: Block, note: str | None) -> list[Chart]:
    """The share eligible per school year; the amount per office and school year, where a
    list of amounts shows one that is not 0. A running school year is hatched."""
    hatched = f"Gearceerd: {note}; registraties en aangiftes kunnen nog volgen." if note else None
    charts = [
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
    if any(isinstance(c, int) and c for r in amounts.rows for c in list(r.values())[1:]):
        charts.append(
            Chart(
                "Premiebedrag per kantoor en schooljaar",
                2,
                "office",
                [y.school_year for y in years],
                axis="Bedrag (EUR)",
                running_series=[y.school_year for y in years if y.provisional],
                note=hatched,
            )
        )
    return charts


def _payments_sheet(e: _Edition, paid: Sequence[PaidYear]) -> Sheet:
    """A table per final school year: decided against paid per office; the first table's
    heading is the sheet's title."""
    first = next(e.numbers)
    blocks = paid_blocks(paid, chain([first], e.numbers), e.notes(PAID_NOTE))
    last = first + len(blocks) - 1
    span = f"Tabel {first}" if last == first else f"Tabel {first} tot {last}"
    return Sheet(
        PER_PAYMENT,
        f"{span}: per kantoor en afgesloten schooljaar het beslist en het "
        "uitbetaalde premiebedrag.",
        [replace(blocks[0], heading=None), *blocks[1:]],
        title=blocks[0].heading or "",
    )


def _about(e: _Edition) -> About:
    """The Leeswijzer's facts of the federation workbook."""
    return About(
        purpose=(
            "Cijfers over de premie kwalificerend werkplekleren voor de sectorfederaties: "
            "aantallen, bedragen en percentages per kantoor en per opleiding, hun verloop "
            "over de schooljaren en wat beslist en uitbetaald werd, zonder persoonsgegevens."
        ),
        audience="De sectorfederaties en hun bestuur. Deze map mag gedeeld worden.",
        facts=[
            ("Schooljaar", f"{e.label}, van 1 september tot 31 augustus"),
            final_fact(e.figures.school_year)
            if e.final
            else ("Peildatum", f"{e.run.as_of:%d/%m/%Y}: de stand van de gegevens"),
            ("Bron", source_line(e.run, e.final).removeprefix("Bron: ")),
        ],
        legend=[
            (SMALL_TEXT, f"Een aantal van 1 tot {MIN_GROUP - 1}: te klein om te tonen."),
            (
                HIDDEN_TEXT,
                "Verborgen, zodat een klein aantal niet terug te rekenen is; het kan elk "
                "getal zijn, ook 0.",
            ),
            (NOT_SET, "De regelconfiguratie heeft nog geen premiebedragen voor dit schooljaar."),
            ("pp", "Procentpunten: het verschil tussen twee aandelen."),
        ],
        notes=FINAL_NOTES if e.final else NOTES,
        personal=False,
    )


def federatie_sheets(
    run: RunInfo,
    figures: YearFigures,
    years: Sequence[YearFigures],
    paid: Sequence[PaidYear] = (),
    final: bool = False,
) -> tuple[About, list[Sheet]]:
    """The Leeswijzer's facts and the sheets of the federation workbook of one year, a
    function each, their tables numbered in this order; `paid`: decided against paid per
    final school year (federatie_payments), a sheet where there is any; final: the year is
    final (no as_of; `years` and `paid` are those up to it)."""
    e = _Edition(run, figures, years, previous_final(figures, years), count(1), final)
    sheets = [_offices_sheet(e), _trainings_sheet(e), _reasons_sheet(e), _years_sheet(e)]
    if paid:
        sheets.append(_payments_sheet(e, paid))
    sheets.append(
        toelichting_sheet(run, figures.school_year, files=None, with_hash=False, final=final)
    )
    return _about(e), sheets


def write_federatie(
    path: Path,
    run: RunInfo,
    figures: YearFigures,
    years: Sequence[YearFigures],
    paid: Sequence[PaidYear] = (),
    final: bool = False,
) -> Path:
    """Write the federation workbook of one school year (years: every year, side by side;
    paid: decided against paid per final school year; final: a final school year's, whose
    `years` and `paid` are those up to it, without the as_of)."""
    school_year = figures.school_year
    provisional = provisional_text(run.as_of) if figures.provisional else None
    page = Page(TITLE, f"Schooljaar {school_year}", "Alle kantoren", run.run_id, provisional)
    with Book(path, page, run.started_at) as book:
        book.write(*federatie_sheets(run, figures, years, paid, final))
    return path
