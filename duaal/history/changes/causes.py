"""The causes of a change, as data: each kind of cause a dataclass with its parameters, told
in the words of one language (`duaal.history.changes.words`: ENGLISH or DUTCH) by its `text`.

An input row that only one run used, or whose version differs between the runs; `as_of`
moving over a day that matters (a school year's start or end, a finding's due date, a
payment's expected date); the decision a payment follows; another rule configuration or
version of duaal; the file (and row) of a new quarantined row or refused file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from duaal.history.changes.words import ENGLISH, Words
from transforms.sources import PERSONAL_COLUMNS as PERSONAL
from transforms.sources import SOURCES_BY_FOLDER

# Input columns whose values a cause does not repeat (personal data, Column.person of the
# sources): only their name.
PERSONAL_COLUMNS = frozenset(c for columns in PERSONAL.values() for c in columns)


def input_value(source: str, column: str, value: str | None, words: Words) -> str:
    """A value of an input column (as SQL casts it to text) as a reader writes it."""
    if value is None:
        return words.empty
    kind = SOURCES_BY_FOLDER[source].column(column).kind
    if kind in ("date", "datetime_date"):
        return words.day(date.fromisoformat(value[:10]))
    if kind == "bool":
        return words.yes if value == "true" else words.no
    if kind == "decimal":  # DECIMAL(18, 6) casts to 28.000000
        return words.number(value)
    return value


@dataclass(frozen=True)
class ColumnChange:
    """One column of an input row whose value differs between the two versions."""

    column: str
    before: str | None  # as text; None: empty (or a personal column, never shown)
    after: str | None
    personal: bool = False

    def text(self, source: str, words: Words = ENGLISH) -> str:
        name = words.column(source, self.column)
        if self.personal:
            return name
        before = input_value(source, self.column, self.before, words)
        return f"{name} {before} -> {input_value(source, self.column, self.after, words)}"


@dataclass(frozen=True)
class InputRowCause:
    """An input row that only one run used, or whose version differs between the runs."""

    source: str
    file_name: str
    row_number: int
    key: str
    version: str  # new | gone | older | newer (the later run's version against the earlier)
    changed: tuple[ColumnChange, ...] = ()

    def text(self, words: Words = ENGLISH) -> str:
        where = f"{self.source}/{self.file_name} {words.row} {self.row_number}"
        if self.version == "new":
            return f"{where} ({words.new_row.format(key=self.key)})"
        if self.version == "gone":
            return f"{where} ({words.gone_row.format(key=self.key)})"
        changed = "; ".join(c.text(self.source, words) for c in self.changed)
        which = words.versions[self.version]
        return f"{where} ({words.version.format(which=which, key=self.key, changed=changed)})"


@dataclass(frozen=True)
class AsOfCause:
    """`as_of` moved between the runs, forwards or back, over a day that matters (or not)."""

    before: date
    after: date
    # "" | year (1 September) | final (31 August: decisions) | reconciled (31 August:
    # payments) | due (a finding's due date) | expected (a payment's expected date)
    event: str = ""
    day: date | None = None
    school_year: str = ""

    def text(self, words: Words = ENGLISH) -> str:
        forward = self.after > self.before
        moved = words.moved[0 if forward else 1].format(
            before=words.day(self.before), after=words.day(self.after)
        )
        if not self.event or self.day is None:
            return moved
        on_year_end = self.event in ("final", "reconciled")
        day = words.year_end(self.day) if on_year_end else words.day(self.day)
        told = words.events[self.event][0 if forward else 1]
        return f"{moved}: {told.format(day=day, year=self.school_year)}"


@dataclass(frozen=True)
class VersionCause:
    """Another rule configuration, or another version of duaal."""

    what: str  # rules | code
    before: str
    after: str

    def text(self, words: Words = ENGLISH) -> str:
        return words.configuration[self.what].format(before=self.before, after=self.after)


@dataclass(frozen=True)
class PlaceCause:
    """Where a new quarantined row or a refused file is: the file (and row)."""

    source: str
    file_name: str
    row_number: int | None = None

    def text(self, words: Words = ENGLISH) -> str:
        where = f"{self.source}/{self.file_name}"
        if self.row_number is None:
            return where
        return f"{where} {words.row} {self.row_number}"


@dataclass(frozen=True)
class DecisionCause:
    """The decision a payment reconciliation reads changed: it appeared, disappeared, or
    its eligibility or amount changed (`fields`: field, before, after)."""

    school_year: str
    change: str  # appeared | disappeared | changed
    fields: tuple[tuple[str, str | None, str | None], ...] = ()

    def text(self, words: Words = ENGLISH) -> str:
        fields = "; ".join(
            f"{words.field('decision', field)} {_decided(field, before, words)} -> "
            f"{_decided(field, after, words)}"
            for field, before, after in self.fields
        )
        return words.decision[self.change].format(year=self.school_year, fields=fields)


def _decided(field: str, value: str | None, words: Words) -> str:
    """A decision's value in a cause: eligible as yes or no, an amount in euro."""
    if value is None:
        return words.empty
    if field == "eligible":
        return words.yes if value == "true" else words.no
    if field == "amount_eur":
        return words.money(value)
    return value


Cause = InputRowCause | AsOfCause | VersionCause | PlaceCause | DecisionCause
