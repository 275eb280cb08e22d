"""The federation figures of a school year: counts, amounts and rates per office and per
training, protected together (`duaal.outputs.workbooks.suppression`), and each cell as published.

A count of 1 to 4 shows "< 5"; a group of fewer than 5 learners hides its other figures; and
further cells are hidden ("—") wherever the published figures together would give a hidden
count away. The protection depends only on the year's decisions, so every sheet and every
workbook that shows a year's figures hides the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duaal.outputs.workbooks.data import Row, RunInfo
from duaal.outputs.workbooks.labels import ordered_offices, split_codes
from duaal.outputs.workbooks.premies import office_of, reason_codes, year_amounts
from duaal.outputs.workbooks.style import NOT_SET
from duaal.outputs.workbooks.suppression import (
    AMOUNT,
    LEARNERS,
    SHOWN,
    SMALL,
    Group,
    Protection,
    YearGroups,
    cell_key,
    exclusive_reasons,
    protect,
)

SMALL_TEXT = "< 5"
HIDDEN_TEXT = "—"
NO_TRAINING = "Onbekende opleiding"
OFFICE, TRAINING = "Kantoor", "Opleiding"


@dataclass(frozen=True)
class PaidYear:
    """A final school year's decided and paid amounts per office, as published
    (federatie_payments.paid_year)."""

    school_year: str
    rows: list[dict[str, object]]  # office, school_year, decided, paid
    total: dict[str, object]


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


def error_pairs(findings: Sequence[Row]) -> set[tuple[str, str]]:
    """The pairs (company, learner) with a finding of severity error: not conform."""
    return {(f["company_kbo"], f["learner_insz"]) for f in findings if f["severity"] == "error"}


def year_figures(
    run: RunInfo, school_year: str, decisions: Sequence[Row], findings: Sequence[Row]
) -> YearFigures:
    """Group a year's decisions per office and per training, and protect them together."""
    codes, configured = reason_codes(decisions, run.labels), year_amounts(run, school_year)
    # without the year's amounts every premium is 0 (and the amount is not published)
    amounts = configured or (0, 0)
    with_errors = error_pairs(findings)
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
    protection = protect(YearGroups(groups, total, codes, amounts, exclusive))
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
        return figures.protection.values[cell_key(partition, group, measure)]
    return SMALL_TEXT if status == SMALL else HIDDEN_TEXT


def rate(figures: YearFigures, partition: str, group: str, measure: str) -> object:
    """measure / learners when both are published, else '—' (None for an empty group)."""
    learners = published(figures, partition, group, LEARNERS)
    part = published(figures, partition, group, measure)
    if isinstance(learners, int) and isinstance(part, int):
        return part / learners if learners else None
    return HIDDEN_TEXT


def previous_final(figures: YearFigures, years: Sequence[YearFigures]) -> YearFigures | None:
    """The last final school year before this one: what a change is measured against."""
    earlier = [y for y in years if y.school_year < figures.school_year and not y.provisional]
    return earlier[-1] if earlier else None
