"""How a value becomes a cell of an export (`Renderer`), and how a row is broken on
purpose so that it lands in quarantine with a known reason (`Corrupter`)."""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sample.places import BROKEN_RATE
from transforms.identifiers import (
    insz_is_valid,
    kbo_is_valid,
    make_iban,
)
from transforms.sources import (
    Source,
)


class Renderer:
    """Writes canonical values in the forms real exports use (text dates, punctuated INSZ, ...)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._plans: dict[str, list[tuple[int, Callable[[object], object], bool]]] = {}

    def row(self, source: Source, values: Sequence[object]) -> tuple[object, ...]:
        """The row's cells as an export would carry them."""
        plan = self._plans.get(source.folder)
        if plan is None:
            plan = self._plans[source.folder] = [
                (i, render, c.kind in PASS_THROUGH_TEXT)
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
PASS_THROUGH_TEXT = frozenset({"date", "datetime_date", "bool", "postcode", "decimal"})


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building: the rows hold no cycles, and
    collections triggered by a million new objects doubled the run time at 100,000 agreements."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Corrupter:
    """Breaks about 1% of rows so that each lands in quarantine with one known reason."""

    def __init__(self, rng: random.Random, source: Source) -> None:
        self.rng = rng
        self.source = source
        self.index = {c.name: i for i, c in enumerate(source.columns)}
        self.kinds = CORRUPTIONS[source.folder]

    def rows(self, cells: list[object]) -> list[tuple[list[object], str | None]]:
        """The row, possibly broken, plus a conflicting copy for a duplicate key."""
        if self.rng.random() >= BROKEN_RATE:
            return [(cells, None)]
        reason, column = self.rng.choice(self.kinds)
        if reason == "DUPLICATE_KEY":
            twin = list(cells)
            twin[self.index[column]] = different(twin[self.index[column]])
            return [(cells, reason), (twin, reason)]
        self._apply(cells, reason, column)
        return [(cells, reason)]

    def _apply(self, cells: list[object], reason: str, column: str) -> None:
        """Break one cell of the row in place."""
        i = self.index[column]
        value = cells[i]
        if reason == "INVALID_INSZ":
            cells[i] = bad_checksum(str(value), 9, insz_is_valid)
        elif reason == "INVALID_KBO":
            cells[i] = bad_checksum(str(value), 8, kbo_is_valid)
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


CORRUPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
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


def bad_checksum(value: str, body: int, is_valid: Callable[[str], bool]) -> str:
    """The identifier with check digits that no longer match its body."""
    check = int(value[body:])
    for step in range(1, 97):
        candidate = f"{value[:body]}{(check + step) % 100:02d}"
        if not is_valid(candidate):
            return candidate
    raise AssertionError("no invalid check digits found")  # pragma: no cover


def different(value: object) -> object:
    """Another value of the same kind, for the second row of a duplicate key."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, date):
        return value + timedelta(days=7)
    raise TypeError(f"no different value for {value!r}")
