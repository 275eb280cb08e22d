"""The rows of each export file, in the order the portals write them: `build_sample` (pure,
in memory, every broken row marked with the quarantine reason it was made to trigger)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import chain, islice

from sample.cells import Corrupter, Renderer, gc_paused
from sample.model import Agreement, SampleFile, SampleRow, within
from sample.payments import premiums
from sample.places import EXCEL_MAX_DATA_ROWS, FIRST_SCHOOL_YEAR
from sample.world import World
from transforms.identifiers import (
    make_insz,
)
from transforms.school_years import school_year_label, start_year_of
from transforms.sources import (
    AGREEMENTS,
    DIMONA,
    PREMIUMS,
    RECOGNITIONS,
    Source,
)


def cells_of(source: Source, values: dict[str, object]) -> list[object]:
    """A row's cells in the order of the source's columns (transforms/sources.py), from its
    values by column name: a column the sample does not make (an optional one added later)
    stays empty; a name the source does not declare is a mistake."""
    columns = source.columns
    if not values.keys() <= {c.name for c in columns}:
        unknown = sorted(values.keys() - {c.name for c in columns})
        raise KeyError(f"{source.folder}: no column {', '.join(unknown)} in transforms/sources.py")
    return [values.get(c.name) for c in columns]


class Rows:
    """Turns the world into export rows: canonical cells, corruption, then export forms."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.renderer = Renderer(rng)
        self.last_dimona_number = 40_000_000_000 + rng.randrange(10**9)
        self.corrupters = {
            s.folder: Corrupter(rng, s) for s in (AGREEMENTS, DIMONA, RECOGNITIONS, PREMIUMS)
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
        return cells_of(
            AGREEMENTS,
            {
                "agreement_id": a.agreement_id,
                "agreement_type": a.kind,
                "start_date": a.start,
                "end_date": a.end,
                "termination_date": termination,
                "registration_date": registration,
                "hours_per_week": a.hours,
                "learning_allowance": a.allowance,
                "premium_consent": a.consent,
                "company_iban": a.iban,
                "learner_insz": a.learner.insz,
                "learner_name": a.learner.name,
                "learner_birth_date": a.learner.birth,
                "company_kbo": a.company.kbo,
                "company_name": a.company.name,
                "establishment_id": a.establishment.establishment_id,
                "establishment_postcode": a.establishment.postcode,
                "establishment_municipality": a.establishment.municipality,
                "training": a.training,
                "training_provider": a.provider,
                "mentor_insz": a.mentor.insz,
                "mentor_name": a.mentor.name,
                "joint_committee": a.company.joint_committee,
            },
        )

    def dimona_rows(self) -> list[tuple[int, SampleRow]]:
        """Every Dimona period with the school year of the export that lists it."""
        rows = []
        for agreement, period in self.world.dimona:
            self.last_dimona_number += self.rng.randint(1, 40)
            company = agreement.company
            cells = cells_of(
                DIMONA,
                {
                    "dimona_id": str(self.last_dimona_number),
                    "company_kbo": company.kbo,
                    "rsz_number": company.rsz,
                    "worker_insz": agreement.learner.insz,
                    "worker_type": period.worker_type,
                    "start_date": period.start,
                    "end_date": period.end,
                    "declared_on": period.declared,
                    "joint_committee": company.joint_committee,
                    "status": period.status,
                },
            )
            year = min(start_year_of(period.start), self.world.current_year)
            rows += [(year, row) for row in self.finish(DIMONA, cells)]
        return rows

    def recognition_rows(self) -> list[SampleRow]:
        """The recognition register: one row per recognition and mentor."""
        rows = []
        for rec in self.world.recognitions.values():
            for m in rec.mentors:
                cells = cells_of(
                    RECOGNITIONS,
                    {
                        "recognition_id": rec.recognition_id,
                        "company_kbo": rec.company.kbo,
                        "establishment_id": rec.establishment.establishment_id,
                        "training": rec.training,
                        "recognition_date": m.granted,
                        "mentor_insz": m.person.insz,
                        "mentor_name": m.person.name,
                        "mentor_birth_date": m.person.birth,
                        "years_experience": m.years_experience,
                        "mentor_training_date": m.training_date,
                        "mentor_training_exempt": m.exempt,
                    },
                )
                rows += self.finish(RECOGNITIONS, cells)
        return rows

    def premium_files(self) -> list[SampleFile]:
        """One CSV per school year of the premium history."""
        by_year: dict[int, list[SampleRow]] = {}
        for p in premiums(self.world):
            cells = cells_of(
                PREMIUMS,
                {
                    "school_year": school_year_label(p.year),
                    "company_kbo": p.company.kbo,
                    "learner_insz": p.learner.insz,
                    "kind": p.kind,
                    "amount_eur": p.amount,
                    "paid_on": p.paid_on,
                },
            )
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


def padding_dimona(seed: int, world: World, first_number: int) -> Iterator[SampleRow]:
    """Endless Dimona periods of the companies' other workers (no learners), for benchmarks."""
    rng = random.Random(seed * 7919 + 17)
    renderer = Renderer(rng)
    first, last = date(FIRST_SCHOOL_YEAR, 9, 1), world.as_of
    number = first_number
    companies = world.companies
    while True:
        company = companies[rng.randrange(len(companies))]
        birth = within(rng, date(1960, 1, 1), date(2006, 12, 31))
        yymmdd = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}"
        insz = make_insz(yymmdd, rng.randrange(1, 998), birth.year >= 2000)
        kind = rng.choice(("OTH", "OTH", "OTH", "STU", "FLX", "EXT"))
        start = within(rng, first, last)
        end = None if rng.random() < 0.3 else start + timedelta(days=rng.randint(0, 400))
        number += rng.randint(1, 40)
        cells = cells_of(
            DIMONA,
            {
                "dimona_id": str(number),
                "company_kbo": company.kbo,
                "rsz_number": company.rsz,
                "worker_insz": insz,
                "worker_type": kind,
                "start_date": start,
                "end_date": end,
                "declared_on": start - timedelta(days=rng.randint(0, 10)),
                "joint_committee": company.joint_committee,
                "status": "Actief",
            },
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
    with gc_paused():
        world = World(agreements, seed, as_of)
        rows = Rows(world, random.Random(seed * 31 + 5))
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
        stream = chain(natural, padding_dimona(seed, world, rows.last_dimona_number))
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
