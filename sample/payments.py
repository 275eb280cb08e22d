"""The premium history of the sample: what was paid for each pair, as the rules would
decide it for most, and on purpose otherwise for a few (so that every payment status shows)."""

from __future__ import annotations

from datetime import date, timedelta

from sample.model import (
    Agreement,
    Payment,
    add_months,
    days_between,
    flemish,
)
from sample.places import (
    FIRST_SCHOOL_YEAR,
)
from sample.world import World
from transforms.school_years import start_year_of


def premiums(world: World) -> list[Payment]:
    """Stagebonuses paid up to 2022-2023; for every school year since that is over, the
    premium of a pair that looks eligible: most paid as the rules decide it, some never
    (missing, or awaited before its expected date), some another amount; and, on purpose,
    one premium paid against a decision without a right and one to a pair without an
    agreement that year. A payment dated after as_of is not in the history yet."""
    rng = world.rng
    pairs: dict[tuple[str, str], list[Agreement]] = {}
    for a in world.agreements:
        pairs.setdefault((a.company.kbo, a.learner.insz), []).append(a)
    mentors = mentor_readiness(world)
    dimona = counted_dimona(world)
    final_years = range(FIRST_SCHOOL_YEAR + 1, world.current_year)
    paid: list[Payment] = []
    wanted = {"not_due", "no_decision"}  # the two paid against the rules, once each
    for agreements in pairs.values():
        first = agreements[0]
        company, learner = first.company, first.learner
        years = {
            y
            for a in agreements
            for y in range(start_year_of(a.start), start_year_of(a.effective_end) + 1)
        }
        oao = any(a.allowance for a in agreements)
        history: list[tuple[int, str, int | str, bool]] = []
        if FIRST_SCHOOL_YEAR in years and rng.random() < 0.65:
            history.append((FIRST_SCHOOL_YEAR, "stagebonus", 750 if oao else 500, False))
            if learner.birth.year <= 2006 and rng.random() < 0.3:
                # an older learner who was already with the company before
                history.append((FIRST_SCHOOL_YEAR - 1, "stagebonus", 750 if oao else 500, False))
                if rng.random() < 0.4:
                    history.append((FIRST_SCHOOL_YEAR - 2, "stagebonus", 500, False))
        counted = len(history)  # towards the cap of 3 premiums
        for year in final_years:
            first_day, last_day = date(year, 9, 1), date(year + 1, 8, 31)
            active = [a for a in agreements if a.start <= last_day and a.effective_end >= first_day]
            qualifying = [a for a in active if looks_eligible(a, year, mentors)]
            if qualifying and counted < 3 and days_between(qualifying, dimona, year) >= 122:
                counted += 1
                amount = 1000 if any(a.allowance for a in qualifying) else 600
                draw = rng.random()
                if draw < 0.84:
                    history.append((year, "premie", amount, False))
                elif draw < 0.88:
                    # another amount: the other learner's premium, or a part of it
                    other: int | str = 1600 - amount
                    if draw >= 0.87:
                        other = f"{amount - rng.randint(1, 200)},{rng.randint(0, 99):02d}"
                    history.append((year, "premie", other, False))
                # else never paid: missing, or awaited before the expected date
            elif "not_due" in wanted and active and not any(map(flemish, active)):
                history.append((year, "premie", 1000 if oao else 600, True))
                wanted.discard("not_due")
                counted += 1
            elif "no_decision" in wanted and not active and years & {year - 1, year + 1}:
                # a premium booked on a year next to the pair's own
                history.append((year, "premie", 1000 if oao else 600, True))
                wanted.discard("no_decision")
                counted += 1
        for year, kind, amount, on_purpose in sorted(history, key=lambda h: (h[0], h[1])):
            paid_on = date(year + 1, 10, 1) + timedelta(days=rng.randint(0, 150))
            if paid_on <= world.as_of:
                paid.append(Payment(year, company, learner, kind, amount, paid_on, on_purpose))
    return paid


def mentor_readiness(world: World) -> dict[str, tuple[date | None, bool]]:
    """Per mentor INSZ in the register: the earliest training date and whether exempt."""
    ready: dict[str, tuple[date | None, bool]] = {}
    for rec in world.recognitions.values():
        for m in rec.mentors:
            trained, exempt = ready.get(m.person.insz, (None, False))
            dates = [d for d in (trained, m.training_date) if d]
            ready[m.person.insz] = (min(dates) if dates else None, exempt or m.exempt)
    return ready


def counted_dimona(world: World) -> dict[str, list[tuple[date, date]]]:
    """Per agreement id: its active Dimona periods of a counted type, open ends closed."""
    spans: dict[str, list[tuple[date, date]]] = {}
    for agreement, period in world.dimona:
        if period.status == "Actief" and period.worker_type in ("ALT", "OTH", "RTA"):
            end = period.end or agreement.effective_end
            spans.setdefault(agreement.agreement_id, []).append((period.start, end))
    return spans


def looks_eligible(a: Agreement, year: int, mentors: dict[str, tuple[date | None, bool]]) -> bool:
    """Whether the agreement meets the four conditions in the school year: registered on
    time, in Flanders, consent with an IBAN, a mentor trained or exempt by 31 August."""
    trained, exempt = mentors.get(a.mentor.insz, (None, False))
    return bool(
        a.registration
        and a.registration <= add_months(a.start, 3)
        and a.consent
        and a.iban
        and flemish(a)
        and (exempt or (trained and trained <= date(year + 1, 8, 31)))
    )
