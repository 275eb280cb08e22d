"""The sample's people, companies, agreements and files as data, and the calendar
helpers the generator uses (school years as it counts them: the start year)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Person:
    insz: str
    name: str
    birth: date


@dataclass
class Establishment:
    establishment_id: str
    postcode: int
    municipality: str


@dataclass
class Company:
    kbo: str
    name: str
    joint_committee: str
    iban: str | None
    rsz: str | None
    trainings: tuple[str, ...]
    establishments: list[Establishment]


@dataclass
class MentorRow:
    """One mentor of one recognition: a row of the recognition register."""

    person: Person
    granted: date
    years_experience: int
    training_date: date | None
    exempt: bool


@dataclass
class Recognition:
    recognition_id: str
    company: Company
    establishment: Establishment
    training: str
    granted: date
    overloaded: bool  # all its learners go to the first mentor
    mentors: list[MentorRow] = field(default_factory=list)


@dataclass
class Agreement:
    agreement_id: str
    kind: str
    start: date
    end: date
    termination: date | None
    registration: date | None
    hours: float
    allowance: bool
    consent: bool
    iban: str | None
    learner: Person
    company: Company
    establishment: Establishment
    training: str
    provider: str
    mentor: Person

    @property
    def effective_end(self) -> date:
        """The end date, or the termination date when that comes first."""
        return min(self.end, self.termination) if self.termination else self.end


@dataclass(frozen=True)
class SampleRow:
    """One data row as written (cells in the source's column order)."""

    values: tuple[object, ...]
    broken: str | None = None  # the quarantine reason this row was made to trigger


@dataclass
class SampleFile:
    """One export file to write: its folder (= source), name, rows and lines above the header."""

    folder: str
    name: str
    rows: Iterable[SampleRow]
    preamble: tuple[str, ...] = ()


def add_months(day: date, months: int) -> date:
    """Same day-of-month months later, clamped to the end of the target month (RULES.md)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_first - timedelta(days=1)).day))


def province_of(postcode: int) -> str:
    """Province of a Belgian postal code (RULES.md, Geography)."""
    ranges = (
        (1299, "Brussel"),
        (1499, "Waals-Brabant"),
        (1999, "Vlaams-Brabant"),
        (2999, "Antwerpen"),
        (3499, "Vlaams-Brabant"),
        (3999, "Limburg"),
        (4999, "Luik"),
        (5999, "Namen"),
        (6599, "Henegouwen"),
        (6999, "Luxemburg"),
        (7999, "Henegouwen"),
        (8999, "West-Vlaanderen"),
    )
    return next((name for top, name in ranges if postcode <= top), "Oost-Vlaanderen")


def weekday(day: date) -> date:
    """The day itself, or the next Monday when it falls in a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def within(rng: random.Random, first: date, last: date) -> date:
    """A uniformly drawn day in [first, last]."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass(frozen=True)
class Payment:
    """One row of the premium history; on_purpose: paid against the rules, never broken."""

    year: int
    company: Company
    learner: Person
    kind: str
    amount: int | str  # a text amount carries cents as an export writes them: 912,50
    paid_on: date
    on_purpose: bool


def flemish(a: Agreement) -> bool:
    """Whether the agreement's establishment lies in the Flemish Region."""
    return province_of(a.establishment.postcode) not in NOT_FLEMISH


def days_between(
    agreements: list[Agreement], dimona: dict[str, list[tuple[date, date]]], year: int
) -> int:
    """Days of counted Dimona within the agreements and the school year (about 30.5 a month)."""
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    days = 0
    for a in agreements:
        low, high = max(first, a.start), min(last, a.effective_end)
        for start, end in dimona.get(a.agreement_id, []):
            days += max(0, (min(high, end) - max(low, start)).days + 1)
    return days


NOT_FLEMISH = frozenset({"Brussel", "Waals-Brabant", "Luik", "Namen", "Henegouwen", "Luxemburg"})


def day_of(value: date | datetime) -> date:
    """The date part of a date or date-time."""
    return value.date() if isinstance(value, datetime) else value
