"""federatie_<Y>.xlsx: aggregates for the sector federations, without personal data.

Only counts, amounts and rates per office and per training. A group of fewer than
MIN_GROUP learners shows "< 5" and hides every other value of its row; inside a larger
group, a count below MIN_GROUP shows "< 5" and the values it could be worked back from
(its complement, the rate, the amount) show HIDDEN. Totals add up only the values shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import ordered_offices, reason_label, split_codes
from duaal.workbooks.premies import office_of, reason_codes, year_amounts
from duaal.workbooks.style import Block, Book, Column, Page
from duaal.workbooks.toelichting import SHEET as TOELICHTING
from duaal.workbooks.toelichting import toelichting_blocks

MIN_GROUP = 5
SMALL = "< 5"
HIDDEN = "—"
PER_OFFICE = "Per kantoor"
PER_TRAINING = "Per opleiding"
NO_TRAINING = "Onbekende opleiding"
TITLE = "Werkplekleren: cijfers voor de sectorfederaties"

NOTES: tuple[tuple[str, str], ...] = (
    (
        "Kleine groepen",
        f"Een kantoor of opleiding met minder dan {MIN_GROUP} lerenden toont '{SMALL}'; "
        f"de andere waarden van die rij zijn verborgen ('{HIDDEN}').",
    ),
    (
        "Kleine aantallen",
        f"Binnen een grotere groep toont een aantal van 1 tot {MIN_GROUP - 1} '{SMALL}'. "
        f"Waarden waaruit zo'n aantal terug te rekenen is (het aanvullende aantal, het "
        f"percentage, het bedrag) tonen '{HIDDEN}'.",
    ),
    (
        "Totalen",
        "De totaalrij telt alleen de getoonde waarden op. Verborgen groepen en waarden zitten "
        "er niet in, zodat geen verborgen waarde uit een totaal af te leiden is; een totaal "
        "kan daardoor lager zijn dan het werkelijke aantal of bedrag.",
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
        "Persoonsgegevens",
        "Deze map bevat geen INSZ-, ondernemings- of rekeningnummers en geen namen.",
    ),
)


@dataclass
class GroupCounts:
    """Raw counts of one group of decisions."""

    learners: int = 0
    eligible: int = 0
    unpaid: int = 0
    paid: int = 0
    amount: int = 0
    conform: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def count_group(
    decisions: Sequence[Row],
    with_errors: set[tuple[str, str]],
    codes: Sequence[str],
    amounts: tuple[int, int],
) -> GroupCounts:
    """Counts, amount and compliance of a group's decisions."""
    g = GroupCounts(reasons=dict.fromkeys(codes, 0))
    for d in decisions:
        g.learners += 1
        if (d["company_kbo"], d["learner_insz"]) not in with_errors:
            g.conform += 1
        if d["eligible"]:
            g.eligible += 1
            g.amount += d["amount_eur"] or 0
            g.unpaid += d["amount_eur"] == amounts[0]
            g.paid += d["amount_eur"] == amounts[1]
        else:
            for c in split_codes(d["reasons"]):
                g.reasons[c] = g.reasons.get(c, 0) + 1
    return g


def is_small(n: int) -> bool:
    """A count that could single out a learner."""
    return 0 < n < MIN_GROUP


def shown(n: int) -> int | str:
    """A count, or '< 5' when small."""
    return SMALL if is_small(n) else n


def group_row(label: str, g: GroupCounts, codes: Sequence[str]) -> list[object]:
    """One group as published: small counts and what could reveal them suppressed."""
    if is_small(g.learners):
        return [label, SMALL, *([HIDDEN] * (5 + len(codes)))]
    refused = g.learners - g.eligible
    split_hidden = is_small(g.eligible) or is_small(refused)
    eligible = shown(g.eligible) if is_small(g.eligible) or not split_hidden else HIDDEN
    refused_shown = shown(refused) if is_small(refused) or not split_hidden else HIDDEN
    rate = g.eligible / g.learners if g.learners else None
    amount_hidden = split_hidden or is_small(g.unpaid) or is_small(g.paid)
    conform_hidden = is_small(g.conform) or is_small(g.learners - g.conform)
    return [
        label,
        g.learners,
        eligible,
        refused_shown,
        HIDDEN if split_hidden else rate,
        HIDDEN if amount_hidden else g.amount,
        HIDDEN if conform_hidden else (g.conform / g.learners if g.learners else None),
        *(shown(g.reasons.get(c, 0)) for c in codes),
    ]


def columns_for(group: str, codes: Sequence[str]) -> list[Column]:
    """Headers of an aggregate sheet."""
    return [
        Column(group),
        Column("Lerenden", "int"),
        Column("Subsidiabel", "int"),
        Column("Niet subsidiabel", "int"),
        Column("Subsidiabel (%)", "pct"),
        Column("Totaal bedrag", "eur"),
        Column("Conform (%)", "pct"),
        *(Column(f"Reden: {reason_label(c)}", "int") for c in codes),
    ]


def totals_row(rows: Sequence[Sequence[object]], n_columns: int) -> list[object]:
    """Sums of the values shown; rates are not summed."""
    rates = {4, 6}
    total: list[object] = ["Totaal (getoonde waarden)"]
    for i in range(1, n_columns):
        values = [r[i] for r in rows if isinstance(r[i], int)]
        total.append(None if i in rates else sum(values))
    return total


def aggregate_block(
    group: str,
    groups: Sequence[tuple[str, Sequence[Row]]],
    with_errors: set[tuple[str, str]],
    codes: Sequence[str],
    amounts: tuple[int, int],
) -> Block:
    """One suppressed row per group, with a totals row of what is shown."""
    rows = [group_row(k, count_group(ds, with_errors, codes, amounts), codes) for k, ds in groups]
    columns = columns_for(group, codes)
    return Block(columns, rows, totals=totals_row(rows, len(columns)))


def write_federatie(
    path: Path,
    run: RunInfo,
    school_year: str,
    decisions: Sequence[Row],
    findings: Sequence[Row],
) -> Path:
    """Write the federation workbook: aggregates per office and per training."""
    codes, amounts = reason_codes(decisions), year_amounts(run, school_year)
    with_errors = {
        (f["company_kbo"], f["learner_insz"]) for f in findings if f["severity"] == "error"
    }
    offices = ordered_offices({d["office"] for d in decisions})
    by_office = [(o, [d for d in decisions if office_of(d) == o]) for o in offices]
    page = Page(TITLE, f"Schooljaar {school_year}", "Alle kantoren", run.run_id)
    with Book(path, page, run.started_at) as book:
        block = aggregate_block("Kantoor", by_office, with_errors, codes, amounts)
        sheet, placed = book.add_sheet(PER_OFFICE, [block])
        if any(isinstance(r[5], int) and r[5] for r in block.rows):
            book.add_bar_chart(sheet, f"Premiebedrag per kantoor, {school_year}", placed[0], 1, [6])
        trainings = sorted({d["training"] or NO_TRAINING for d in decisions})
        by_training = [
            (t, [d for d in decisions if (d["training"] or NO_TRAINING) == t]) for t in trainings
        ]
        block = aggregate_block("Opleiding", by_training, with_errors, codes, amounts)
        book.add_sheet(PER_TRAINING, [block])
        blocks = toelichting_blocks(run, school_year, files=None, notes=NOTES, with_hash=False)
        book.add_sheet(TOELICHTING, blocks)
    return path
