"""The Overzicht of a premies workbook and its companions: the questions a reader asks of the
decisions, each a sheet with its table and its chart.

How each office does (several offices: Overzicht with totals, and which lags; one office:
its key figures), which refusal reasons refuse most and cost most (Redenen van weigering,
or below the key figures), and whether the share eligible rises over the school years (Per
schooljaar). Every figure is counted from the decision mart's columns (eligible,
paid_learner, premium_eur, amount_eur, reasons, status): no rule is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from duaal.outputs.workbooks.data import Row, RunInfo
from duaal.outputs.workbooks.labels import NO_OFFICE, CodeLabels, split_codes
from duaal.outputs.workbooks.style import (
    NOT_SET,
    Block,
    Chart,
    Field,
    Sheet,
    Typed,
    running_note,
)

OVERVIEW = "Overzicht"
REASONS = "Redenen van weigering"
PER_YEAR = "Per schooljaar"
TOTAL = "Totaal"
LOST = "Bedrag geweigerd"  # what refusals cost: the premiums the refused pairs would get


def office_of(decision: Row) -> str:
    """The office a decision is reported under."""
    return decision["office"] or NO_OFFICE


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
    codes_of = [(d, set(split_codes(d["reasons"]))) for d in refused]  # split once
    lines = []
    for code in order:
        mine = [d for d, codes in codes_of if code in codes]
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


def _per_year_sheet(
    run: RunInfo,
    years: Sequence[YearLine],
    office: str | None,
    where: str,
    provisional: bool,
    final: bool = False,
) -> Sheet:
    """Per schooljaar: the share eligible in each school year given, and its chart (of a
    final school year's workbook, final: that year and the years before it)."""
    note = running_note(years, run.as_of)
    running = [year_label(y) for y in years if y.provisional]
    which = "dit schooljaar en de schooljaren ervoor" if final else "elk schooljaar van de run"
    return Sheet(
        PER_YEAR,
        f"Het aandeel subsidiabel in {which}, met een grafiek: stijgt het?",
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


REASONS_CHART = Chart(
    "Redenen van weigering: aantal lerenden", 0, "reason", ["refused"], kind="bar",
    axis="Lerenden",
)  # fmt: skip


def _office_overview(
    school_year: str, office: str, line: Row, reasons: Block, amounts: tuple[int, int] | None
) -> Sheet:
    """One office's Overzicht: its key figures as a list, above its refusal reasons."""
    figures = key_figures(overview_fields(amounts), line)
    return Sheet(
        OVERVIEW,
        "De kerncijfers van het kantoor en de redenen van weigering: welke het vaakst "
        "tot een weigering leiden en wat ze kosten, met een grafiek.",
        [
            Block(KEY_FIGURE_FIELDS, figures),
            replace(reasons, heading="Redenen van weigering", empty="Geen weigeringen."),
        ],
        title=f"Overzicht {office}, schooljaar {school_year}",
        charts=[replace(REASONS_CHART, block=1)],
    )


def _offices_overview(
    school_year: str, rows: list[Row], totals: Row, amounts: tuple[int, int] | None
) -> Sheet:
    """The Overzicht of several offices: a line each, the totals, the share eligible charted."""
    return Sheet(
        OVERVIEW,
        "De kerncijfers per kantoor: lerenden, premies met en zonder leervergoeding, "
        "bedrag, weigeringen en wat ze kosten, met een grafiek van het aandeel "
        "subsidiabel: welk kantoor blijft achter?",
        [Block(overview_fields(amounts), rows, totals=totals)],
        title=f"Overzicht per kantoor, schooljaar {school_year}",
        charts=[
            Chart(
                "Aandeel subsidiabel per kantoor",
                0,
                "office",
                ["share"],
                axis="Aandeel",
                percent=True,
            )
        ],
    )


def _reasons_sheet(school_year: str, reasons: Block) -> Sheet:
    """Redenen van weigering of several offices: each reason, how often, what it costs."""
    return Sheet(
        REASONS,
        "Welke redenen het vaakst tot een weigering leiden en wat ze kosten, met een grafiek.",
        [reasons],
        title=f"Redenen van weigering per kantoor, schooljaar {school_year}",
        charts=[REASONS_CHART],
        empty=f"Geen weigeringen in {school_year}.",
    )


def overview_sheets(
    run: RunInfo,
    school_year: str,
    offices: Sequence[str],
    decisions: Sequence[Row],
    years: Sequence[YearLine],
    provisional: bool,
    final: bool = False,
) -> list[Sheet]:
    """A sheet for each question a reader asks, its table and its chart: how each office
    does (several offices: with totals, and which lags), which refusal reasons refuse most
    and cost most, and whether the share eligible rises over the school years (`years`: of
    a final school year's workbook, final, that year and those before it)."""
    amounts = year_amounts(run, school_year)
    amounts_set = amounts is not None
    per_office: dict[str, list[Row]] = {o: [] for o in offices}
    for d in decisions:
        per_office.setdefault(office_of(d), []).append(d)
    rows = [office_line(o, per_office[o], amounts_set) for o in offices]
    shown = [d for o in offices for d in per_office[o]]
    reasons = Block(REASON_FIELDS, reason_lines(shown, run.labels, amounts_set))
    if len(offices) == 1:
        office = offices[0]
        return [
            _office_overview(school_year, office, rows[0], reasons, amounts),
            _per_year_sheet(run, years, office, office, provisional, final),
        ]
    totals = office_line(TOTAL, shown, amounts_set)
    return [
        _offices_overview(school_year, rows, totals, amounts),
        _reasons_sheet(school_year, reasons),
        _per_year_sheet(run, years, None, "per kantoor", provisional, final),
    ]


KEY_FIGURE_FIELDS = (Field("Kerncijfer", width=44), Field("Waarde", kind="int", width=13))


def key_figures(fields: Sequence[Field], line: Row) -> list[tuple[str, object]]:
    """An office's line of the overview as a list: each figure under its header."""
    return [
        (f.header, line[f.name] if f.kind == "int" else Typed(line[f.name], f.kind))
        for f in fields[1:]
    ]
