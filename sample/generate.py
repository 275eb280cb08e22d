"""Realistic synthetic exports for the four sources (`duaal generate`): same seed, same bytes.

`build_sample` makes every row (pure, in memory, each broken row marked with the quarantine
reason it was made to trigger); `generate` writes them as the portals do: one workbook per
source and school year, the recognition register with a title and an export-date row above
its headers, and the premium history as `;`-separated CSV with a byte-order mark.

Workbooks are scaffolded by openpyxl in write-only mode (styles, workbook, properties,
title and header rows); the data rows are streamed into the sheet XML by a small
serialiser, because openpyxl needs about 10 us a cell and a full Dimona export holds
ten million cells. Every zip entry gets a fixed timestamp and the document properties a
date derived from `as_of`, so the bytes depend on the seed and `as_of` only.
"""

from __future__ import annotations

import csv
import gc
import io
import random
import zipfile
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate, chain, islice
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from transforms.identifiers import (
    insz_is_valid,
    kbo_is_valid,
    make_iban,
    make_insz,
    make_kbo,
)
from transforms.sources import (
    AGREEMENTS,
    DIMONA,
    PREMIUMS,
    RECOGNITIONS,
    SOURCES,
    SOURCES_BY_FOLDER,
    Source,
)

FIRST_SCHOOL_YEAR = 2022  # the exports start with school year 2022-2023
EXCEL_MAX_DATA_ROWS = 1_048_575  # one sheet: 1,048,576 rows minus the header
BROKEN_RATE = 0.01  # share of rows made to land in quarantine

MALE_NAMES = (
    "Jens Wout Seppe Arne Lars Milan Robbe Stan Thibo Warre Kobe Lucas Vince Mathis Senne "
    "Jasper Bram Ruben Tibo Lowie Matteo Xander Jonas Brent Niels Kiano Ward Daan Nand Jules"
).split()
FEMALE_NAMES = (
    "Lotte Noor Lien Fien Emma Marie Julie Hanne Lore Ella Nina Amber Febe Elise Jana Axelle "
    "Lisa Ine Kaat Zoë Mila Nore Yana Hannah Roos Sien Tess Ines Lena Charlotte"
).split()
LAST_NAMES = (
    "Peeters|Janssens|Maes|Jacobs|Mertens|Willems|Claes|Goossens|Wouters|De Smet|"
    "Van den Broeck|Dubois|Vermeulen|Hermans|Aerts|Pauwels|Michiels|Desmet|De Clercq|"
    "Van Damme|Claeys|Martens|Verstraete|Stevens|Wuyts|Lemmens|Cools|Segers|Van de Velde|"
    "Smets|Vandenberghe|Dierckx|Verhoeven|Coppens|De Backer|Bogaerts|Declercq|Vanderstraeten|"
    "Bosmans|De Wilde|Lambrechts|Van Hecke|Leys|Verbeke|Geerts|Thys|Vos|De Meyer|Moens|Raes"
).split("|")

# (postcode, municipality), per province, with the province's share of establishments.
MUNICIPALITIES: tuple[tuple[float, tuple[tuple[int, str], ...]], ...] = (
    (
        0.26,
        (
            (2000, "Antwerpen"),
            (2018, "Antwerpen"),
            (2100, "Deurne"),
            (2200, "Herentals"),
            (2300, "Turnhout"),
            (2400, "Mol"),
            (2440, "Geel"),
            (2500, "Lier"),
            (2800, "Mechelen"),
            (2850, "Boom"),
            (2930, "Brasschaat"),
        ),
    ),
    (
        0.22,
        (
            (9000, "Gent"),
            (9100, "Sint-Niklaas"),
            (9160, "Lokeren"),
            (9200, "Dendermonde"),
            (9300, "Aalst"),
            (9400, "Ninove"),
            (9600, "Ronse"),
            (9700, "Oudenaarde"),
            (9900, "Eeklo"),
        ),
    ),
    (
        0.19,
        (
            (8000, "Brugge"),
            (8400, "Oostende"),
            (8500, "Kortrijk"),
            (8560, "Wevelgem"),
            (8700, "Tielt"),
            (8790, "Waregem"),
            (8800, "Roeselare"),
            (8900, "Ieper"),
            (8930, "Menen"),
        ),
    ),
    (
        0.13,
        (
            (3500, "Hasselt"),
            (3550, "Heusden-Zolder"),
            (3600, "Genk"),
            (3630, "Maasmechelen"),
            (3700, "Tongeren"),
            (3800, "Sint-Truiden"),
            (3920, "Lommel"),
        ),
    ),
    (
        0.14,
        (
            (3000, "Leuven"),
            (1800, "Vilvoorde"),
            (1500, "Halle"),
            (1700, "Dilbeek"),
            (1930, "Zaventem"),
            (3200, "Aarschot"),
            (3290, "Diest"),
            (3300, "Tienen"),
        ),
    ),
    (
        0.04,
        (
            (1000, "Brussel"),
            (1070, "Anderlecht"),
            (1080, "Sint-Jans-Molenbeek"),
            (1140, "Evere"),
            (1190, "Vorst"),
        ),
    ),
    (
        0.02,
        ((4000, "Luik"), (7000, "Bergen"), (1300, "Waver"), (6000, "Charleroi"), (5000, "Namen")),
    ),
)
BRUSSELS = MUNICIPALITIES[5][1][0]
WALLONIA = MUNICIPALITIES[6][1][0]

# Company sectors: name words, trainings from the metal/technology brochure, joint committees.
SECTORS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Metaalbouw", "Staalconstructies", "Constructiewerken"),
        ("Lasser-monteerder duaal", "Metaalbewerker duaal"),
        ("111", "111", "111", "111", "111", "124"),
    ),
    (
        ("Machinebouw", "Precisiemechanica", "Industrial Services"),
        ("Mechanicus duaal", "Onderhoudstechnicus duaal", "Metaalbewerker duaal"),
        ("111", "111", "111", "111", "111", "200"),
    ),
    (
        ("Elektro", "Elektrotechniek", "Automation"),
        ("Elektrotechnicus duaal", "Industrieel elektricien duaal"),
        ("111", "111", "149", "200"),
    ),
    (
        ("Kunststoffen", "Plastics", "Polymeren"),
        ("Polymeerverwerker duaal", "Onderhoudstechnicus duaal"),
        ("111", "200", "200"),
    ),
    (
        ("Installatietechniek", "Verwarming", "Klimaattechniek"),
        ("Installateur centrale verwarming duaal", "Koel- en warmtetechnicus duaal"),
        ("124", "124", "111", "149"),
    ),
    (
        ("Garage", "Autobedrijf", "Carrosserie"),
        ("Autotechnicus duaal",),
        ("149", "111"),
    ),
)
SECTOR_WEIGHTS = (30, 30, 15, 8, 10, 7)  # metal and machine building first
LEGAL_FORMS = ("NV", "BV", "BV", "BV", "CommV", "")

PROVIDERS: dict[str, tuple[str, ...]] = {
    "Antwerpen": (
        "Centrum voor Leren en Werken Antwerpen",
        "VTI Mechelen",
        "Syntra AB",
        "Centrum voor Leren en Werken Turnhout",
    ),
    "Oost-Vlaanderen": (
        "Centrum voor Leren en Werken Gent",
        "VTI Aalst",
        "Syntra Midden-Vlaanderen",
        "Centrum voor Leren en Werken Sint-Niklaas",
    ),
    "West-Vlaanderen": (
        "VTI Kortrijk",
        "VTI Brugge",
        "Syntra West",
        "Centrum voor Leren en Werken Roeselare",
    ),
    "Limburg": ("Centrum voor Leren en Werken Hasselt", "VTI Genk", "Syntra Limburg"),
    "Vlaams-Brabant": (
        "VTI Leuven",
        "Centrum voor Leren en Werken Vilvoorde",
        "Syntra Vlaams-Brabant",
    ),
    "elders": ("Centrum voor Leren en Werken Brussel", "Syntra Brussel"),
}

SHEET_NAMES = {
    "overeenkomsten": "Overeenkomsten",
    "dimona": "Dimona",
    "erkenningen": "Erkenningen",
    "premies": "Premies",
}


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


def school_year_label(start_year: int) -> str:
    """'2024-2025' for the school year starting 1 September 2024."""
    return f"{start_year}-{start_year + 1}"


def school_year_of(day: date) -> int:
    """Start year of the school year (1 September to 31 August) that contains day."""
    return day.year if day.month >= 9 else day.year - 1


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


def _weekday(day: date) -> date:
    """The day itself, or the next Monday when it falls in a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _within(rng: random.Random, first: date, last: date) -> date:
    """A uniformly drawn day in [first, last]."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


class _Renderer:
    """Writes canonical values in the forms real exports use (text dates, punctuated INSZ, ...)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._plans: dict[str, list[tuple[int, Callable[[object], object], bool]]] = {}

    def row(self, source: Source, values: Sequence[object]) -> tuple[object, ...]:
        """The row's cells as an export would carry them."""
        plan = self._plans.get(source.folder)
        if plan is None:
            plan = self._plans[source.folder] = [
                (i, render, c.kind in _PASS_THROUGH_TEXT)
                for i, c in enumerate(source.columns)
                if (render := getattr(self, f"_{c.kind}", None))
            ]
        cells = list(values)
        for i, render, text_passes in plan:
            value = cells[i]
            # None and a string set by a corruption stay as they are
            if value is not None and not (text_passes and isinstance(value, str)):
                cells[i] = render(value)
        return tuple(cells)

    def _date(self, value: date) -> object:
        """Mostly a real date cell, some dd/mm/yyyy text, some ISO text."""
        draw = self.rng.random()
        with_time = isinstance(value, datetime)
        if draw < 0.04:
            return value.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
        if draw < 0.06:
            return value.isoformat(sep=" ") if with_time else value.isoformat()
        return value

    _datetime_date = _date

    def _insz(self, value: str) -> object:
        """Mostly 11 digits, some punctuated (85.07.30-033.28), some a number without its 0."""
        draw = self.rng.random()
        if draw < 0.06:
            return f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}"
        if draw < 0.08:
            return int(value)  # a number cell: the leading zero is lost
        return value

    def _kbo(self, value: str) -> object:
        """Mostly 10 digits, some 'BE 0xxx.xxx.xxx' or dotted."""
        draw = self.rng.random()
        dotted = f"{value[:4]}.{value[4:7]}.{value[7:]}"
        if draw < 0.10:
            return f"BE {dotted}"
        if draw < 0.15:
            return dotted
        return value

    def _iban(self, value: str) -> object:
        """Compact, or in groups of four as printed on a statement."""
        if self.rng.random() < 0.2:
            return " ".join(value[i : i + 4] for i in range(0, 16, 4))
        return value

    def _bool(self, value: object) -> object:
        """Ja/Nee mostly, some J/N or 1/0."""
        draw = self.rng.random()
        if draw < 0.05:
            return "J" if value else "N"
        if draw < 0.10:
            return "1" if value else "0"
        return "Ja" if value else "Nee"

    def _postcode(self, value: int) -> object:
        """A number cell mostly, sometimes text."""
        return str(value) if self.rng.random() < 0.1 else value


# Kinds whose string values are already in export form (a string there is a corruption).
_PASS_THROUGH_TEXT = frozenset({"date", "datetime_date", "bool", "postcode", "decimal"})


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building: the rows hold no cycles, and
    collections triggered by a million new objects doubled the run time at 100,000 agreements."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Corrupter:
    """Breaks about 1% of rows so that each lands in quarantine with one known reason."""

    def __init__(self, rng: random.Random, source: Source) -> None:
        self.rng = rng
        self.source = source
        self.index = {c.name: i for i, c in enumerate(source.columns)}
        self.kinds = _CORRUPTIONS[source.folder]

    def rows(self, cells: list[object]) -> list[tuple[list[object], str | None]]:
        """The row, possibly broken, plus a conflicting copy for a duplicate key."""
        if self.rng.random() >= BROKEN_RATE:
            return [(cells, None)]
        reason, column = self.rng.choice(self.kinds)
        if reason == "DUPLICATE_KEY":
            twin = list(cells)
            twin[self.index[column]] = _different(twin[self.index[column]])
            return [(cells, reason), (twin, reason)]
        self._apply(cells, reason, column)
        return [(cells, reason)]

    def _apply(self, cells: list[object], reason: str, column: str) -> None:
        """Break one cell of the row in place."""
        i = self.index[column]
        value = cells[i]
        if reason == "INVALID_INSZ":
            cells[i] = _bad_checksum(str(value), 9, insz_is_valid)
        elif reason == "INVALID_KBO":
            cells[i] = _bad_checksum(str(value), 8, kbo_is_valid)
        elif reason == "INVALID_IBAN":
            base = str(value) if value else make_iban(f"{self.rng.randrange(10**12):012d}")
            cells[i] = base[:-1] + str((int(base[-1]) + 1) % 10)
        elif reason == "INVALID_DATE":
            year = value.year if isinstance(value, date) else 2024
            cells[i] = self.rng.choice(("31/02/{}", "30/02/{}", "31/04/{}", "31/06/{}")).format(
                year
            )
        elif reason == "END_BEFORE_START":
            start = cells[self.index["start_date"]]
            assert isinstance(start, date)
            cells[i] = start - timedelta(days=self.rng.randint(1, 60))
        elif reason == "MISSING_VALUE":
            cells[i] = None
        elif reason == "INVALID_POSTCODE":
            cells[i] = "99999"
        elif reason == "INVALID_VALUE":
            cells[i] = {"bool": "Misschien", "dimona_status": "Onbekend"}.get(
                self.source.column(column).kind, "Misschien"
            )


_CORRUPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "overeenkomsten": (
        ("INVALID_INSZ", "learner_insz"),
        ("INVALID_INSZ", "mentor_insz"),
        ("INVALID_KBO", "company_kbo"),
        ("INVALID_DATE", "start_date"),
        ("END_BEFORE_START", "end_date"),
        ("MISSING_VALUE", "training"),
        ("INVALID_VALUE", "premium_consent"),
        ("INVALID_IBAN", "company_iban"),
        ("DUPLICATE_KEY", "hours_per_week"),
        ("INVALID_POSTCODE", "establishment_postcode"),
    ),
    "dimona": (
        ("INVALID_INSZ", "worker_insz"),
        ("INVALID_KBO", "company_kbo"),
        ("INVALID_DATE", "start_date"),
        ("END_BEFORE_START", "end_date"),
        ("MISSING_VALUE", "worker_type"),
        ("INVALID_VALUE", "status"),
        ("DUPLICATE_KEY", "declared_on"),
    ),
    "erkenningen": (
        ("INVALID_INSZ", "mentor_insz"),
        ("INVALID_KBO", "company_kbo"),
        ("INVALID_DATE", "recognition_date"),
        ("MISSING_VALUE", "training"),
        ("INVALID_VALUE", "mentor_training_exempt"),
        ("DUPLICATE_KEY", "years_experience"),
    ),
    "premies": (
        ("INVALID_INSZ", "learner_insz"),
        ("INVALID_KBO", "company_kbo"),
        ("INVALID_DATE", "paid_on"),
        ("MISSING_VALUE", "amount_eur"),
        ("DUPLICATE_KEY", "paid_on"),
    ),
}


def _bad_checksum(value: str, body: int, is_valid: Callable[[str], bool]) -> str:
    """The identifier with check digits that no longer match its body."""
    check = int(value[body:])
    for step in range(1, 97):
        candidate = f"{value[:body]}{(check + step) % 100:02d}"
        if not is_valid(candidate):
            return candidate
    raise AssertionError("no invalid check digits found")  # pragma: no cover


def _different(value: object) -> object:
    """Another value of the same kind, for the second row of a duplicate key."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, date):
        return value + timedelta(days=7)
    raise TypeError(f"no different value for {value!r}")


@dataclass
class _Dimona:
    start: date
    end: date | None
    worker_type: str
    declared: date | datetime
    status: str = "Actief"


class _World:
    """The companies, people, agreements and their Dimona, recognitions and premiums."""

    def __init__(self, agreements: int, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.current_year = max(FIRST_SCHOOL_YEAR, school_year_of(as_of))
        self.used: set[str] = set()
        self.companies = self._companies(max(3, agreements // 5))
        weights = [self.rng.paretovariate(1.2) for _ in self.companies]
        weights[1] = weights[2] = 6.0  # the Brussels and Wallonia companies get learners
        self.company_cumulative = list(accumulate(min(w, 40.0) for w in weights))
        self.recognitions: dict[tuple[str, str], Recognition] = {}
        self.first_recognition: dict[str, Recognition] = {}  # per establishment
        self.load: dict[tuple[str, int], int] = {}
        self.agreements: list[Agreement] = []
        self.dimona: list[tuple[Agreement, _Dimona]] = []
        self._continuing: dict[int, list[Agreement]] = {}
        self._build_agreements(agreements)

    # --- identities -------------------------------------------------------------------

    def _unique(self, make: Callable[[], str]) -> str:
        """A fresh identifier (INSZ, KBO, establishment number) never handed out before."""
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value

    def person(self, born_from: date, born_to: date, bis_rate: float = 0.0) -> Person:
        """A Flemish person with a valid INSZ (a BIS number at bis_rate)."""
        rng = self.rng
        birth = _within(rng, born_from, born_to)
        male = rng.random() < 0.8  # the metal trades are still mostly male
        first = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
        month = birth.month + (rng.choice((20, 40)) if rng.random() < bis_rate else 0)
        yymmdd = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}"

        def make() -> str:
            """One INSZ candidate for this birth date."""
            serial = rng.randrange(1, 998, 2) if male else rng.randrange(2, 998, 2)
            return make_insz(yymmdd, serial, birth.year >= 2000)

        return Person(self._unique(make), f"{first} {rng.choice(LAST_NAMES)}", birth)

    def _companies(self, count: int) -> list[Company]:
        """Companies with one to three establishments; the 2nd in Brussels, the 3rd in Wallonia."""
        rng = self.rng
        shares = [share for share, _ in MUNICIPALITIES]
        companies = []
        for n in range(count):
            words, trainings, committees = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
            # most numbers start with 0; those handed out since 2023 start with 1
            low, high = (2 * 10**6, 10**7) if rng.random() < 0.9 else (10**7, 2 * 10**7)
            kbo = self._unique(lambda low=low, high=high: make_kbo(rng.randrange(low, high)))
            name = f"{rng.choice(words)} {rng.choice(LAST_NAMES)} {rng.choice(LEGAL_FORMS)}"
            places = [
                rng.choice(rng.choices(MUNICIPALITIES, shares)[0][1])
                for _ in range(1 + (rng.random() < 0.2) + (rng.random() < 0.05))
            ]
            if n in (1, 2):
                places[0] = BRUSSELS if n == 1 else WALLONIA
            establishments = [
                Establishment(
                    self._unique(lambda: make_kbo(rng.randrange(2 * 10**7, 3 * 10**7))), *place
                )
                for place in places
            ]
            iban = make_iban(f"{rng.randrange(10**12):012d}") if rng.random() < 0.96 else None
            rsz = f"{rng.randrange(10**7):07d}-{rng.randrange(100):02d}"
            companies.append(
                Company(
                    kbo,
                    name.strip(),
                    rng.choice(committees),
                    iban,
                    rsz if rng.random() < 0.9 else None,
                    trainings,
                    establishments,
                )
            )
        return companies

    # --- recognitions and mentors ------------------------------------------------------

    def mentor_person(self) -> Person:
        """A mentor born 1960-2000, some of them young."""
        if self.rng.random() < 0.15:
            return self.person(date(1997, 1, 1), date(2000, 12, 31))
        return self.person(date(1960, 1, 1), date(1996, 12, 31))

    def mentor_row(self, person: Person, granted: date) -> MentorRow:
        """A mentor's register row: mostly trained within 12 months, some late, untrained or exempt."""
        rng = self.rng
        draw = rng.random()
        exempt = draw < 0.08
        training: date | None = None
        if 0.08 <= draw < 0.80:
            training = granted + timedelta(days=rng.randint(-90, 330))
        elif 0.80 <= draw < 0.90:
            training = granted + timedelta(days=rng.randint(380, 720))
        if training and training > self.as_of:
            training = None  # not (yet) trained
        born = (person.birth.month, person.birth.day)
        age = granted.year - person.birth.year - ((granted.month, granted.day) < born)
        most = max(1, age - 17)
        if rng.random() < 0.06 or most < 5:
            experience = rng.randint(1, min(4, most))
        else:
            experience = rng.randint(5, min(most, 35))
        return MentorRow(person, granted, experience, training, exempt)

    def recognition(
        self, company: Company, place: Establishment, training: str, start: date
    ) -> Recognition:
        """The recognition of an establishment for a training, granted before its first learner."""
        key = (place.establishment_id, training)
        if key in self.recognitions:
            return self.recognitions[key]
        rng = self.rng
        granted = max(date(2018, 1, 1), start - timedelta(days=rng.randint(20, 900)))
        granted = min(granted, self.as_of)
        number = f"ERK-{granted.year}-{len(self.recognitions) + 1:05d}"
        rec = Recognition(number, company, place, training, granted, rng.random() < 0.02)
        sibling = self.first_recognition.setdefault(place.establishment_id, rec)
        # a mentor often guides learners of several trainings at the same establishment
        people = [sibling.mentors[0].person] if sibling is not rec and rng.random() < 0.5 else []
        while len(people) < 1 + (rng.random() < 0.3):
            people.append(self.mentor_person())
        rec.mentors = [self.mentor_row(p, granted) for p in people]
        self.recognitions[key] = rec
        return rec

    def pick_mentor(self, rec: Recognition, year: int, start: date) -> Person:
        """The least-loaded mentor of the recognition, or a newly added one when all are busy."""
        if rec.overloaded:
            chosen = rec.mentors[0].person
        else:
            loads = [self.load.get((m.person.insz, year), 0) for m in rec.mentors]
            best = min(range(len(loads)), key=loads.__getitem__)
            chosen = rec.mentors[best].person
            if loads[best] >= 2 and len(rec.mentors) < 6:
                granted = min(self.as_of, max(rec.granted, start - timedelta(days=90)))
                row = self.mentor_row(self.mentor_person(), granted)
                rec.mentors.append(row)
                chosen = row.person
        self.load[(chosen.insz, year)] = self.load.get((chosen.insz, year), 0) + 1
        return chosen

    # --- agreements --------------------------------------------------------------------

    def _build_agreements(self, total: int) -> None:
        """Agreements spread over the school years, with their Dimona periods."""
        years = list(range(FIRST_SCHOOL_YEAR, self.current_year + 1))
        base, extra = divmod(total, len(years))
        for i, year in enumerate(years):
            for _ in range(base + (i < extra)):
                self._agreement(year)

    def _agreement(self, year: int) -> None:
        """One agreement in the school year: a continuing learner or a new one."""
        rng = self.rng
        waiting = self._continuing.get(year, [])
        if waiting and rng.random() < 0.3:
            pick = rng.randrange(len(waiting))
            waiting[pick], waiting[-1] = waiting[-1], waiting[pick]  # O(1) removal
            before = waiting.pop()
            learner, company, place = before.learner, before.company, before.establishment
            training, provider = before.training, before.provider
        else:
            learner = self.person(
                date(max(2004, year - 19), 1, 1), date(min(2010, year - 15), 12, 31), 0.03
            )
            company = self.companies[
                bisect(self.company_cumulative, rng.random() * self.company_cumulative[-1])
            ]
            place = company.establishments[0 if rng.random() < 0.7 else -1]
            training = rng.choice(company.trainings)
            provider = rng.choice(PROVIDERS.get(province_of(place.postcode), PROVIDERS["elders"]))
        start = self._start(year)
        agreement = self._make(year, start, learner, company, place, training, provider)
        if rng.random() < 0.01:
            # a learner with a second agreement at the same time, here or at another company
            other = (
                company
                if rng.random() < 0.7
                else self.companies[rng.randrange(len(self.companies))]
            )
            second_start = _weekday(start + timedelta(days=rng.randint(0, 45)))
            twin_place = other.establishments[-1]
            self._make(
                year, second_start, learner, other, twin_place, other.trainings[-1], provider
            )
        end = agreement.end
        if agreement.termination is None and (end.month, end.day) in ((6, 30), (8, 31)):
            self._continuing.setdefault(end.year, []).append(agreement)

    def _start(self, year: int) -> date:
        """Mostly the first weeks of September, some later in the school year; not far ahead."""
        rng = self.rng
        first = date(year, 9, 1)
        if rng.random() < 0.72:
            start = _weekday(first + timedelta(days=rng.randint(0, 14)))
        else:
            start = _weekday(date(year, 10, 1) + timedelta(days=rng.randint(0, 200)))
        horizon = self.as_of + timedelta(days=60)
        if start > horizon:
            start = _weekday(_within(rng, first, max(first, horizon)))
        return start

    def _end(self, year: int, start: date) -> date:
        """One school year mostly, some two, a few too long, some short for late starters."""
        draw = self.rng.random()
        if draw < 0.15:
            return date(year + 2, 6, 30)
        if draw < 0.155:
            return date(year + 3, 8, 31) + timedelta(days=self.rng.randint(30, 120))
        if start.month < 9 and draw < 0.5:
            short = add_months(start, self.rng.choice((3, 4, 5, 6))) - timedelta(days=1)
            return min(short, date(year + 1, 8, 31))
        return date(year + 1, 6, 30) if draw < 0.85 else date(year + 1, 8, 31)

    def _registration(self, start: date) -> date | None:
        """Usually within weeks of the start, some late, some missing (recent ones more often)."""
        rng = self.rng
        recent = start > self.as_of - timedelta(days=120)
        draw = rng.random()
        if draw < (0.35 if recent else 0.03):
            return None
        if draw < (0.40 if recent else 0.08):
            day = add_months(start, 3) + timedelta(days=rng.randint(1, 90))
        else:
            day = start + timedelta(days=rng.randint(-30, 40))
        return day if day <= self.as_of else None

    def _make(
        self,
        year: int,
        start: date,
        learner: Person,
        company: Company,
        place: Establishment,
        training: str,
        provider: str,
    ) -> Agreement:
        """Draw the terms of one agreement, record it and its Dimona periods."""
        rng = self.rng
        end = self._end(year, start)
        termination = None
        if rng.random() < 0.08:
            termination = start + timedelta(days=rng.randint(20, max(21, (end - start).days - 10)))
            termination = termination if termination <= self.as_of else None
        oao = rng.random() < 0.75
        hours = rng.choice((20, 22.5, 24, 28, 30, 32, 36, 38) if oao else (8, 10, 12, 14, 16, 18))
        allowance = oao
        mismatch = rng.random()
        if mismatch < 0.005:
            hours = rng.choice((16, 24)) if oao else rng.choice((20, 24))
        elif mismatch < 0.01:
            allowance = not oao
        consent = rng.random() < 0.9
        iban = company.iban if consent or rng.random() < 0.5 else None
        rec = self.recognition(company, place, training, start)
        if rng.random() < 0.02:
            mentor = self.mentor_person()  # a mentor missing from the register
        else:
            mentor = self.pick_mentor(rec, year, start)
        agreement = Agreement(
            f"OVK{start.year % 100:02d}{len(self.agreements) + 1:06d}",
            "OAO" if oao else "SAO",
            start,
            end,
            termination,
            self._registration(start),
            hours,
            allowance,
            consent,
            iban,
            learner,
            company,
            place,
            training,
            provider,
            mentor,
        )
        self.agreements.append(agreement)
        self.dimona.extend((agreement, d) for d in self._dimona(agreement))
        return agreement

    # --- Dimona ------------------------------------------------------------------------

    def _declared(self, start: date) -> date | datetime:
        """Declared on or before the start mostly, some late; a date-time now and then."""
        rng = self.rng
        if rng.random() < 0.07:
            day = start + timedelta(days=rng.randint(1, 30))
        else:
            day = start - timedelta(days=rng.randint(0, 20))
        if rng.random() < 0.3:
            return datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59)))
        return day

    def _dimona(self, agreement: Agreement) -> list[_Dimona]:
        """The Dimona periods of an agreement's learner at its company."""
        rng = self.rng
        periods: list[_Dimona] = []
        end = agreement.effective_end
        if rng.random() >= 0.06:
            if agreement.company.joint_committee == "124" and rng.random() < 0.7:
                kind = "RTA"
            else:
                kind = "OTH" if rng.random() < 0.08 else "ALT"
            start = agreement.start
            if rng.random() < 0.1:
                start = min(end, start + timedelta(days=rng.randint(1, 20)))
            draw = rng.random()
            spans: list[tuple[date, date | None]] = [(start, end)]
            if draw < 0.10:
                spans = [(start, None)]
            elif draw < 0.25 and (end - start).days > 70:
                middle = start + timedelta(days=rng.randint(30, (end - start).days - 30))
                adjacent = rng.random() < 0.6
                second = middle + timedelta(days=1 if adjacent else -rng.randint(0, 14))
                spans = [(start, middle), (second, end)]
            periods += [_Dimona(s, e, kind, self._declared(s)) for s, e in spans]
            if rng.random() < 0.06:
                late_end = end + timedelta(days=rng.randint(10, 60))
                periods.append(_Dimona(start, late_end, kind, self._declared(start), "Geannuleerd"))
        if rng.random() < 0.4:
            summer = agreement.start.year + 1
            first = date(summer, 7, rng.randint(1, 15))
            periods.append(
                _Dimona(first, date(summer, 8, rng.randint(15, 31)), "STU", self._declared(first))
            )
        if rng.random() < 0.1:
            hired = end + timedelta(days=rng.randint(1, 60))
            periods.append(_Dimona(hired, None, "OTH", self._declared(hired)))
        return [
            p
            for p in periods
            if _day(p.declared) <= self.as_of and p.start <= self.as_of + timedelta(days=60)
        ]

    # --- premium history ---------------------------------------------------------------

    def premiums(self) -> list[Payment]:
        """Stagebonuses paid up to 2022-2023; for every school year since that is over, the
        premium of a pair that looks eligible: most paid as the rules decide it, some never
        (missing, or awaited before its expected date), some another amount; and, on purpose,
        one premium paid against a decision without a right and one to a pair without an
        agreement that year. A payment dated after as_of is not in the history yet."""
        rng = self.rng
        pairs: dict[tuple[str, str], list[Agreement]] = {}
        for a in self.agreements:
            pairs.setdefault((a.company.kbo, a.learner.insz), []).append(a)
        mentors = self._mentor_readiness()
        dimona = self._counted_dimona()
        final_years = range(FIRST_SCHOOL_YEAR + 1, self.current_year)
        paid: list[Payment] = []
        wanted = {"not_due", "no_decision"}  # the two paid against the rules, once each
        for agreements in pairs.values():
            first = agreements[0]
            company, learner = first.company, first.learner
            years = {
                y
                for a in agreements
                for y in range(school_year_of(a.start), school_year_of(a.effective_end) + 1)
            }
            oao = any(a.allowance for a in agreements)
            history: list[tuple[int, str, int | str, bool]] = []
            if FIRST_SCHOOL_YEAR in years and rng.random() < 0.65:
                history.append((FIRST_SCHOOL_YEAR, "stagebonus", 750 if oao else 500, False))
                if learner.birth.year <= 2006 and rng.random() < 0.3:
                    # an older learner who was already with the company before
                    history.append(
                        (FIRST_SCHOOL_YEAR - 1, "stagebonus", 750 if oao else 500, False)
                    )
                    if rng.random() < 0.4:
                        history.append((FIRST_SCHOOL_YEAR - 2, "stagebonus", 500, False))
            counted = len(history)  # towards the cap of 3 premiums
            for year in final_years:
                first_day, last_day = date(year, 9, 1), date(year + 1, 8, 31)
                active = [
                    a for a in agreements if a.start <= last_day and a.effective_end >= first_day
                ]
                qualifying = [a for a in active if self._looks_eligible(a, year, mentors)]
                if qualifying and counted < 3 and _days(qualifying, dimona, year) >= 122:
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
                elif "not_due" in wanted and active and not any(map(_flemish, active)):
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
                if paid_on <= self.as_of:
                    paid.append(Payment(year, company, learner, kind, amount, paid_on, on_purpose))
        return paid

    def _mentor_readiness(self) -> dict[str, tuple[date | None, bool]]:
        """Per mentor INSZ in the register: the earliest training date and whether exempt."""
        ready: dict[str, tuple[date | None, bool]] = {}
        for rec in self.recognitions.values():
            for m in rec.mentors:
                trained, exempt = ready.get(m.person.insz, (None, False))
                dates = [d for d in (trained, m.training_date) if d]
                ready[m.person.insz] = (min(dates) if dates else None, exempt or m.exempt)
        return ready

    def _counted_dimona(self) -> dict[str, list[tuple[date, date]]]:
        """Per agreement id: its active Dimona periods of a counted type, open ends closed."""
        spans: dict[str, list[tuple[date, date]]] = {}
        for agreement, period in self.dimona:
            if period.status == "Actief" and period.worker_type in ("ALT", "OTH", "RTA"):
                end = period.end or agreement.effective_end
                spans.setdefault(agreement.agreement_id, []).append((period.start, end))
        return spans

    def _looks_eligible(
        self, a: Agreement, year: int, mentors: dict[str, tuple[date | None, bool]]
    ) -> bool:
        """Whether the agreement meets the four conditions in the school year: registered on
        time, in Flanders, consent with an IBAN, a mentor trained or exempt by 31 August."""
        trained, exempt = mentors.get(a.mentor.insz, (None, False))
        return bool(
            a.registration
            and a.registration <= add_months(a.start, 3)
            and a.consent
            and a.iban
            and _flemish(a)
            and (exempt or (trained and trained <= date(year + 1, 8, 31)))
        )


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


def _flemish(a: Agreement) -> bool:
    """Whether the agreement's establishment lies in the Flemish Region."""
    return province_of(a.establishment.postcode) not in _NOT_FLEMISH


def _days(
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


_NOT_FLEMISH = frozenset({"Brussel", "Waals-Brabant", "Luik", "Namen", "Henegouwen", "Luxemburg"})


def _day(value: date | datetime) -> date:
    """The date part of a date or date-time."""
    return value.date() if isinstance(value, datetime) else value


# --- rows ---------------------------------------------------------------------------------


class _Rows:
    """Turns the world into export rows: canonical cells, corruption, then export forms."""

    def __init__(self, world: _World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.renderer = _Renderer(rng)
        self.last_dimona_number = 40_000_000_000 + rng.randrange(10**9)
        self.corrupters = {
            s.folder: _Corrupter(rng, s) for s in (AGREEMENTS, DIMONA, RECOGNITIONS, PREMIUMS)
        }

    def finish(self, source: Source, cells: list[object]) -> list[SampleRow]:
        """Maybe break the row, then render every cell as the export would carry it."""
        out = []
        for row, broken in self.corrupters[source.folder].rows(cells):
            out.append(SampleRow(self.renderer.row(source, row), broken))
        return out

    def agreement_files(self) -> list[SampleFile]:
        """One file per school year with the agreements running in it, as known on its export date."""
        files = []
        for year in range(FIRST_SCHOOL_YEAR, self.world.current_year + 1):
            exported = min(date(year + 1, 9, 15), self.world.as_of)
            first, last = date(year, 9, 1), date(year + 1, 8, 31)
            rows: list[SampleRow] = []
            for a in self.world.agreements:
                if a.start <= last and a.effective_end >= first:
                    rows += self.finish(AGREEMENTS, self._agreement_cells(a, exported))
            files.append(
                SampleFile("overeenkomsten", f"overeenkomsten_{school_year_label(year)}.xlsx", rows)
            )
        return files

    @staticmethod
    def _agreement_cells(a: Agreement, exported: date) -> list[object]:
        """Canonical cells of an agreement as known on the export date."""
        termination = a.termination if a.termination and a.termination <= exported else None
        registration = a.registration if a.registration and a.registration <= exported else None
        return [
            a.agreement_id,
            a.kind,
            a.start,
            a.end,
            termination,
            registration,
            a.hours,
            a.allowance,
            a.consent,
            a.iban,
            a.learner.insz,
            a.learner.name,
            a.learner.birth,
            a.company.kbo,
            a.company.name,
            a.establishment.establishment_id,
            a.establishment.postcode,
            a.establishment.municipality,
            a.training,
            a.provider,
            a.mentor.insz,
            a.mentor.name,
            a.company.joint_committee,
        ]

    def dimona_rows(self) -> list[tuple[int, SampleRow]]:
        """Every Dimona period with the school year of the export that lists it."""
        rows = []
        for agreement, period in self.world.dimona:
            self.last_dimona_number += self.rng.randint(1, 40)
            company = agreement.company
            cells: list[object] = [
                str(self.last_dimona_number),
                company.kbo,
                company.rsz,
                agreement.learner.insz,
                period.worker_type,
                period.start,
                period.end,
                period.declared,
                company.joint_committee,
                period.status,
            ]
            year = min(school_year_of(period.start), self.world.current_year)
            rows += [(year, row) for row in self.finish(DIMONA, cells)]
        return rows

    def recognition_rows(self) -> list[SampleRow]:
        """The recognition register: one row per recognition and mentor."""
        rows = []
        for rec in self.world.recognitions.values():
            for m in rec.mentors:
                cells: list[object] = [
                    rec.recognition_id,
                    rec.company.kbo,
                    rec.establishment.establishment_id,
                    rec.training,
                    m.granted,
                    m.person.insz,
                    m.person.name,
                    m.person.birth,
                    m.years_experience,
                    m.training_date,
                    m.exempt,
                ]
                rows += self.finish(RECOGNITIONS, cells)
        return rows

    def premium_files(self) -> list[SampleFile]:
        """One CSV per school year of the premium history."""
        by_year: dict[int, list[SampleRow]] = {}
        for p in self.world.premiums():
            cells: list[object] = [
                school_year_label(p.year),
                p.company.kbo,
                p.learner.insz,
                p.kind,
                p.amount,
                p.paid_on,
            ]
            # a premium paid against the rules on purpose is never broken: it must be read
            rows = (
                [SampleRow(self.renderer.row(PREMIUMS, cells))]
                if p.on_purpose
                else self.finish(PREMIUMS, cells)
            )
            by_year.setdefault(p.year, []).extend(rows)
        return [
            SampleFile("premies", f"premies_{school_year_label(y)}.csv", by_year[y])
            for y in sorted(by_year)
        ]


def _padding_dimona(seed: int, world: _World, first_number: int) -> Iterator[SampleRow]:
    """Endless Dimona periods of the companies' other workers (no learners), for benchmarks."""
    rng = random.Random(seed * 7919 + 17)
    renderer = _Renderer(rng)
    first, last = date(FIRST_SCHOOL_YEAR, 9, 1), world.as_of
    number = first_number
    companies = world.companies
    while True:
        company = companies[rng.randrange(len(companies))]
        birth = _within(rng, date(1960, 1, 1), date(2006, 12, 31))
        yymmdd = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}"
        insz = make_insz(yymmdd, rng.randrange(1, 998), birth.year >= 2000)
        kind = rng.choice(("OTH", "OTH", "OTH", "STU", "FLX", "EXT"))
        start = _within(rng, first, last)
        end = None if rng.random() < 0.3 else start + timedelta(days=rng.randint(0, 400))
        number += rng.randint(1, 40)
        cells = (
            str(number),
            company.kbo,
            company.rsz,
            insz,
            kind,
            start,
            end,
            start - timedelta(days=rng.randint(0, 10)),
            company.joint_committee,
            "Actief",
        )
        yield SampleRow(renderer.row(DIMONA, cells))


def build_sample(
    agreements: int = 3000,
    seed: int = 1,
    as_of: date | None = None,
    dimona_rows: int | None = None,
) -> list[SampleFile]:
    """Every export file with its rows (a streamed Dimona file when dimona_rows is set)."""
    as_of = as_of or date.today()
    if dimona_rows is not None and not 0 <= dimona_rows <= EXCEL_MAX_DATA_ROWS:
        raise ValueError(f"dimona_rows must be between 0 and {EXCEL_MAX_DATA_ROWS}")
    with _gc_paused():
        world = _World(agreements, seed, as_of)
        rows = _Rows(world, random.Random(seed * 31 + 5))
        files = rows.agreement_files()
        dimona = rows.dimona_rows()
    if dimona_rows is None:
        by_year: dict[int, list[SampleRow]] = {}
        for year, row in dimona:
            by_year.setdefault(year, []).append(row)
        files += [
            SampleFile("dimona", f"dimona_{school_year_label(y)}.xlsx", by_year[y])
            for y in sorted(by_year)
        ]
    else:
        natural = (row for _, row in dimona)
        stream = chain(natural, _padding_dimona(seed, world, rows.last_dimona_number))
        files.append(SampleFile("dimona", "dimona_export.xlsx", islice(stream, dimona_rows)))
    files.append(
        SampleFile(
            "erkenningen",
            "erkenningen_register.xlsx",
            rows.recognition_rows(),
            ("Register erkende werkplekken en mentoren", f"Exportdatum: {as_of:%d/%m/%Y}"),
        )
    )
    files += rows.premium_files()
    return files


# --- writing ------------------------------------------------------------------------------

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_EXCEL_EPOCH = date(1899, 12, 30)
_SHEET_ENTRY = "xl/worksheets/sheet1.xml"
_CHUNK_ROWS = 2000


def _style_id(sheet: WriteOnlyWorksheet, number_format: str) -> int:
    """Register a number format in the workbook and return its cell style id."""
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell.style_id


def _xml_text(text: str) -> str:
    """Text escaped for an XML element."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _row_xml(
    number: int, values: Sequence[object], letters: Sequence[str], styles: tuple[int, int]
) -> str:
    """One <row> of sheet XML: inline strings, numbers, dates as serials with a date style."""
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value is None:
            continue
        ref = f"{letter}{number}"
        if isinstance(value, str):
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>')
        elif isinstance(value, datetime):
            serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
            cells.append(f'<c r="{ref}" s="{styles[1]}"><v>{serial!r}</v></c>')
        elif isinstance(value, date):
            cells.append(f'<c r="{ref}" s="{styles[0]}"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    stamp: datetime,
    sheet_title: str = "Export",
    preamble: Sequence[str] = (),
) -> int:
    """Write one workbook (lines above the header, header, rows) reproducibly; return data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    styles = (_style_id(sheet, "DD/MM/YYYY"), _style_id(sheet, "DD/MM/YYYY HH:MM"))
    for line in preamble:
        sheet.append([line])
    sheet.append(list(headers))
    workbook.properties.creator = "werkplekduaal"
    workbook.properties.created = workbook.properties.modified = stamp
    scaffold = io.BytesIO()
    # ExcelWriter, not save(): save() stamps the wall clock into the properties
    ExcelWriter(workbook, zipfile.ZipFile(scaffold, "w", zipfile.ZIP_DEFLATED)).save()
    letters = [get_column_letter(i + 1) for i in range(len(headers))]
    first = len(preamble) + 2
    written = 0
    with zipfile.ZipFile(scaffold) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():  # openpyxl's order, itself fixed
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename != _SHEET_ENTRY:
                dst.writestr(entry, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with dst.open(entry, "w") as out:
                out.write(head)
                chunk: list[str] = []
                for written, values in enumerate(rows, start=1):
                    chunk.append(_row_xml(first + written - 1, values, letters, styles))
                    if len(chunk) == _CHUNK_ROWS:
                        out.write("".join(chunk).encode())
                        chunk.clear()
                out.write("".join(chunk).encode())
                out.write(b"</sheetData>" + tail)
    return written


def _csv_text(value: object) -> str:
    """A cell as CSV text: dates as dd/mm/yyyy, date-times with hours and minutes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a `;`-separated UTF-8 CSV with a byte-order mark, as Excel saves it; return data rows."""
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for values in rows:
            writer.writerow([_csv_text(v) for v in values])
            written += 1
    return written


def generate(
    out_dir: Path,
    agreements: int = 3000,
    seed: int = 1,
    as_of: date | None = None,
    dimona_rows: int | None = None,
) -> dict[str, list[Path]]:
    """Write realistic exports of the four sources under out_dir; return folder -> written paths.

    as_of (default today) sets the current school year and the export dates; dimona_rows,
    when set, makes the Dimona export one sheet with exactly that many data rows.
    """
    as_of = as_of or date.today()
    stamp = datetime.combine(as_of, time(6, 0))
    written: dict[str, list[Path]] = {s.folder: [] for s in SOURCES}
    with _gc_paused():
        for sample in build_sample(agreements, seed, as_of, dimona_rows):
            written[sample.folder].append(write_sample(Path(out_dir), sample, stamp))
    return written


def write_sample(out_dir: Path, sample: SampleFile, stamp: datetime) -> Path:
    """Write one export file under out_dir/<folder>/, CSV or workbook by its name."""
    folder = out_dir / sample.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / sample.name
    headers = [c.header for c in SOURCES_BY_FOLDER[sample.folder].columns]
    values = (row.values for row in sample.rows)
    if path.suffix == ".csv":
        write_csv(path, headers, values)
    else:
        write_xlsx(path, headers, values, stamp, SHEET_NAMES[sample.folder], sample.preamble)
    return path
