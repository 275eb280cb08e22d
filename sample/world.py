"""The sample's world: companies, establishments, mentors, recognitions, learners and their
agreements, Dimona periods and premium payments, drawn from one seeded random source."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sample.model import (
    Agreement,
    Company,
    Establishment,
    MentorRow,
    Person,
    Recognition,
    add_months,
    day_of,
    province_of,
    weekday,
    within,
)
from sample.places import (
    BRUSSELS,
    FEMALE_NAMES,
    FIRST_SCHOOL_YEAR,
    LAST_NAMES,
    LEGAL_FORMS,
    MALE_NAMES,
    MUNICIPALITIES,
    PROVIDERS,
    SECTOR_WEIGHTS,
    SECTORS,
    WALLONIA,
)
from transforms.identifiers import (
    make_iban,
    make_insz,
    make_kbo,
)
from transforms.school_years import start_year_of


@dataclass
class DimonaPeriod:
    start: date
    end: date | None
    worker_type: str
    declared: date | datetime
    status: str = "Actief"


class World:
    """The companies, people, agreements and their Dimona, recognitions and premiums."""

    def __init__(self, agreements: int, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.current_year = max(FIRST_SCHOOL_YEAR, start_year_of(as_of))
        self.used: set[str] = set()
        self.companies = self._companies(max(3, agreements // 5))
        weights = [self.rng.paretovariate(1.2) for _ in self.companies]
        weights[1] = weights[2] = 6.0  # the Brussels and Wallonia companies get learners
        self.company_cumulative = list(accumulate(min(w, 40.0) for w in weights))
        self.recognitions: dict[tuple[str, str], Recognition] = {}
        self.first_recognition: dict[str, Recognition] = {}  # per establishment
        self.load: dict[tuple[str, int], int] = {}
        self.agreements: list[Agreement] = []
        self.dimona: list[tuple[Agreement, DimonaPeriod]] = []
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
        birth = within(rng, born_from, born_to)
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
            second_start = weekday(start + timedelta(days=rng.randint(0, 45)))
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
            start = weekday(first + timedelta(days=rng.randint(0, 14)))
        else:
            start = weekday(date(year, 10, 1) + timedelta(days=rng.randint(0, 200)))
        horizon = self.as_of + timedelta(days=60)
        if start > horizon:
            start = weekday(within(rng, first, max(first, horizon)))
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

    def _dimona(self, agreement: Agreement) -> list[DimonaPeriod]:
        """The Dimona periods of an agreement's learner at its company."""
        rng = self.rng
        periods: list[DimonaPeriod] = []
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
            periods += [DimonaPeriod(s, e, kind, self._declared(s)) for s, e in spans]
            if rng.random() < 0.06:
                late_end = end + timedelta(days=rng.randint(10, 60))
                periods.append(
                    DimonaPeriod(start, late_end, kind, self._declared(start), "Geannuleerd")
                )
        if rng.random() < 0.4:
            summer = agreement.start.year + 1
            first = date(summer, 7, rng.randint(1, 15))
            periods.append(
                DimonaPeriod(
                    first, date(summer, 8, rng.randint(15, 31)), "STU", self._declared(first)
                )
            )
        if rng.random() < 0.1:
            hired = end + timedelta(days=rng.randint(1, 60))
            periods.append(DimonaPeriod(hired, None, "OTH", self._declared(hired)))
        return [
            p
            for p in periods
            if day_of(p.declared) <= self.as_of and p.start <= self.as_of + timedelta(days=60)
        ]
