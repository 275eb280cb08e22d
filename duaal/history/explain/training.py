"""The training of a decision in words: every Dimona period of the learner, counted or not and
why (int_training_pieces, int_dimona_counted), the merged intervals with the months
arithmetic m + r/d (int_training_intervals) and their sum against the threshold, with what
is still to work in a provisional year (int_covered_months)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from itertools import groupby
from typing import Any

from duaal.history.explain.queries import Facts
from duaal.history.explain.story import HEADING, LINE, Story
from duaal.history.explain.words import day, fraction, not_counted, num, source


def tell_periods(story: Story, facts: Facts) -> list[dict[str, Any]]:
    """Each Dimona period of the learner: counted for this pair and year (where), or why not."""
    periods = [list(pieces) for _, pieces in groupby(facts.periods, key=lambda p: p["dimona_id"])]
    story.add(HEADING, f"Dimona-periodes van de lerende ({len(periods)})")
    data = []
    for pieces in periods:
        d = pieces[0]
        if d["period_counts"]:
            why = "; ".join(
                f"{day(p['piece_start'])} tot {day(p['piece_end'])} binnen {p['agreement_id']}"
                for p in pieces
                if p["piece_counts"]
            )
        else:
            why = not_counted(d["period_not_counted_because"], d["worker_type"])
        end = day(d["end_date"]) if d["end_date"] else "open einde"
        story.add(
            LINE,
            f"{d['dimona_id']} type {d['worker_type']}, {day(d['start_date'])} tot {end}, "
            f"onderneming {d['dimona_company_kbo']}, {d['status'].lower()}: "
            f"{'telt mee' if d['period_counts'] else 'telt niet mee'} ({why}); "
            f"bron {source('dimona', d['file_name'], d['row_number'])}",
        )
        data.append(
            {
                "dimona_id": d["dimona_id"],
                "worker_type": d["worker_type"],
                "start_date": d["start_date"],
                "end_date": d["end_date"],
                "company_kbo": d["dimona_company_kbo"],
                "status": d["status"],
                "counted": d["period_counts"],
                "not_counted_because": d["period_not_counted_because"],
                "why": why,
                "file": f"dimona/{d['file_name']}",
                "row": d["row_number"],
            }
        )
    return data


def tell_months(story: Story, facts: Facts, as_of: date) -> dict[str, Any]:
    """The merged intervals with m + r/d each, their sum against the minimum, and in a
    provisional year the months still to work; returns what the JSON form gives."""
    covered = facts.covered or {}
    per_month = covered.get("units_per_month", 1)
    story.add(HEADING, "Opleidingsmaanden (samengevoegde periodes binnen het schooljaar)")
    intervals = []
    for i in facts.intervals:
        months = Fraction(i["month_units"], per_month)
        m, r, d = i["whole_months"], i["remaining_days"], i["next_month_days"]
        story.add(
            LINE,
            f"{day(i['interval_start'])} tot {day(i['interval_end'])}: m = {m} volle maanden "
            f"(tot {day(i['whole_months_end'])}), r = {r} dagen van een maand van {d} dagen: "
            f"{m} + {r}/{d} = {num(months)} maanden",
        )
        intervals.append(
            {"start": i["interval_start"], "end": i["interval_end"], "m": m, "r": r, "d": d,
             "months": float(months)}
        )  # fmt: skip
    if not facts.intervals:
        story.add(
            LINE, "geen enkele Dimona-periode die telt overlapt een overeenkomst van de basis"
        )
    total = Fraction(covered.get("covered_units", 0), per_month)
    worked = Fraction(covered.get("worked_units", 0), per_month)
    to_work = Fraction(covered.get("units_to_work", 0), per_month)
    _tell_threshold(story, covered, total, worked, to_work, as_of)
    return {
        "intervals": intervals,
        "months_covered_exact": f"{total.numerator}/{total.denominator}",
        "months_worked_by_as_of": float(worked),
        "months_still_to_work": float(to_work),
    }


def _tell_threshold(
    story: Story,
    covered: dict[str, Any],
    total: Fraction,
    worked: Fraction,
    to_work: Fraction,
    as_of: date,
) -> None:
    """The covered months against the minimum, as planned and as worked by as_of."""
    minimum = num(covered.get("min_months_covered", 0))
    meets = covered.get("meets_minimum", False)
    verdict = "niet voldaan" if not meets else "voldaan zoals gepland" if to_work else "voldaan"
    story.add(
        LINE,
        f"Gedekte maanden: {num(total)} (exact {fraction(total)}), minimum {minimum}: {verdict}",
    )
    if not to_work:
        return
    story.add(
        LINE,
        f"Nog te werken: {num(to_work)} van de {num(total)} maanden liggen na de peildatum "
        f"{day(as_of)} (gepland tot {day(covered['last_interval_end'])}); tot de peildatum zijn "
        f"er {num(worked)} gewerkt"
        + (
            f". Het minimum van {minimum} wordt pas gehaald als die maanden ook gewerkt worden"
            if meets and not covered["meets_minimum_by_as_of"]
            else ""
        ),
    )
