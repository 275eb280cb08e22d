"""What changed between two runs: `duaal diff`, `duaal export changes`, the "Wijzigingen"
sheets of the workbooks and the count of changes in a run's summary.

Everything is computed in SQL over what the runs recorded: `run_decisions`,
`run_findings`, `run_batches` and the lineage of the ingest tables. No rule is run again.
The cause of a change is read from the inputs: the input rows each run used are the ones
its staging models chose (per natural key the newest export's row, transforms/versions.py,
among the run's batches); a row whose chosen version differs between the runs, or that only the
later run has, is a cause of the changes of its pair, agreement or mentor. Beyond the
inputs, `as_of` passing 31 August (final) or 1 September (a new school year), or passing a
finding's due date (forwards or back), and a changed rule configuration are named as causes.

A run compares itself with the previous completed run as soon as it has recorded its
outputs (`since_previous`), before it completes: its workbooks are written while it is
still running, and show what `duaal diff` shows once it has completed.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from itertools import count
from pathlib import Path

import duckdb

from duaal.db import completed_run, run_record
from transforms.sources import SOURCES, Source
from transforms.versions import batch_versions

CHANGE_EXPORT = (
    "kind",
    "change",
    "school_year",
    "company_kbo",
    "learner_insz",
    "agreement_id",
    "mentor_insz",
    "code",
    "field",
    "before",
    "after",
    "cause",
)

DECISION_FIELDS = ("eligible", "amount_eur", "reasons", "months_covered", "status", "office")

# the words `duaal diff` uses for a field of a decision or a finding
FIELD_WORDS = {
    "eligible": "eligible",
    "amount_eur": "amount",
    "reasons": "reasons",
    "months_covered": "months covered",
    "status": "status",
    "office": "office",
    "severity": "severity",
    "detail": "detail",
}

# Input columns whose values a cause does not repeat (personal data): only their name.
PERSONAL_COLUMNS = frozenset(
    {"learner_name", "learner_birth_date", "mentor_name", "mentor_birth_date", "company_iban"}
)

_SOURCES = {s.folder: s for s in SOURCES}
_ACRONYMS = {"kbo": "KBO", "insz": "INSZ", "iban": "IBAN", "rsz": "RSZ", "id": "ID", "eur": "EUR"}
_FIELD_ORDER = {f: i for i, f in enumerate(DECISION_FIELDS)}
WIDTH = 100  # the widest line `duaal diff` prints (a file name longer than that stays whole)


class NotEnoughRuns(LookupError):
    """Fewer than two completed runs, or a run that is unknown or did not complete."""


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    as_of: date
    rule_config_hash: str
    rule_version: str
    code_version: str


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def column_words(name: str) -> str:
    """An input column's name as English words: registration_date -> registration date."""
    return " ".join(_ACRONYMS.get(word, word) for word in name.split("_"))


def _input_value(source: str, column: str, value: str | None, lang: str) -> str:
    """A value of an input column (as SQL casts it to text) as a reader writes it."""
    if value is None:
        return "(empty)" if lang == "en" else "(leeg)"
    kind = _SOURCES[source].column(column).kind
    if kind in ("date", "datetime_date"):
        day = date.fromisoformat(value[:10])
        return day.isoformat() if lang == "en" else _dmy(day)
    if kind == "bool":
        yes = value == "true"
        return ("yes" if yes else "no") if lang == "en" else ("ja" if yes else "nee")
    if kind == "decimal":  # DECIMAL(18, 6) casts to 28.000000
        text = format(Decimal(value).normalize(), "f")
        return text if lang == "en" else text.replace(".", ",")
    return value


# how the causes are told, per language ("as_of" is the run's reference date, "peildatum")
_SAY = {
    "en": {
        "row": "row",
        "new": "new row {key}",
        "gone": "row {key} no longer used",
        "older": "older",
        "newer": "newer",
        "version": "{which} version of {key}: {changed}",
        "forward": "as_of moved from {before} to {after}",
        "back": "as_of moved back from {before} to {after}",
        "year+": "school year {year} began on {day}",
        "year-": "school year {year} begins only on {day}",
        "final+": "{day} reached, the decision is final",
        "final-": "before {day} again, the decision is provisional",
        "due+": "past the due date {day}",
        "due-": "before the due date {day} again",
        "rules": "rule configuration changed (version {before} -> {after})",
        "code": "code version changed ({before} -> {after})",
    },
    "nl": {
        "row": "rij",
        "new": "nieuwe rij {key}",
        "gone": "rij {key} niet meer gebruikt",
        "older": "oudere",
        "newer": "nieuwere",
        "version": "{which} versie van {key}: {changed}",
        "forward": "peildatum verschoven van {before} naar {after}",
        "back": "peildatum teruggezet van {before} naar {after}",
        "year+": "schooljaar {year} begonnen op {day}",
        "year-": "schooljaar {year} begint pas op {day}",
        "final+": "{day} bereikt, de beslissing is definitief",
        "final-": "opnieuw vóór {day}, de beslissing is voorlopig",
        "due+": "voorbij de uiterste datum {day}",
        "due-": "opnieuw vóór de uiterste datum {day}",
        "rules": "regelconfiguratie gewijzigd (versie {before} -> {after})",
        "code": "andere versie van duaal ({before} -> {after})",
    },
}


@dataclass(frozen=True)
class ColumnChange:
    """One column of an input row whose value differs between the two versions."""

    column: str
    before: str | None  # as text; None: empty (or a personal column, never shown)
    after: str | None
    personal: bool = False

    def text(self, source: str, lang: str) -> str:
        name = column_words(self.column) if lang == "en" else _header(source, self.column)
        if self.personal:
            return name
        before = _input_value(source, self.column, self.before, lang)
        return f"{name} {before} -> {_input_value(source, self.column, self.after, lang)}"


def _header(source: str, column: str) -> str:
    """The header an export gives the column (Dutch)."""
    return _SOURCES[source].column(column).header


@dataclass(frozen=True)
class InputRowCause:
    """An input row that only one run used, or whose version differs between the runs."""

    source: str
    file_name: str
    row_number: int
    key: str
    version: str  # new | gone | older | newer (the later run's version against the earlier)
    changed: tuple[ColumnChange, ...] = ()

    def text(self, lang: str) -> str:
        say = _SAY[lang]
        where = f"{self.source}/{self.file_name} {say['row']} {self.row_number}"
        if self.version in ("new", "gone"):
            return f"{where} ({say[self.version].format(key=self.key)})"
        changed = "; ".join(c.text(self.source, lang) for c in self.changed)
        told = say["version"].format(which=say[self.version], key=self.key, changed=changed)
        return f"{where} ({told})"


@dataclass(frozen=True)
class AsOfCause:
    """`as_of` moved between the runs, forwards or back, over a day that matters (or not)."""

    before: date
    after: date
    event: str = ""  # "" | year (1 September) | final (31 August) | due (a due date)
    day: date | None = None
    school_year: str = ""

    def text(self, lang: str) -> str:
        say = _SAY[lang]
        show = date.isoformat if lang == "en" else _dmy
        forward = self.after > self.before
        moved = say["forward" if forward else "back"].format(
            before=show(self.before), after=show(self.after)
        )
        if not self.event or self.day is None:
            return moved
        day = show(self.day)
        if self.event == "final":  # 31 August, as a reader says it
            day = f"31 August {self.day.year}" if lang == "en" else _dmy(self.day)
        told = say[f"{self.event}{'+' if forward else '-'}"]
        return f"{moved}: {told.format(day=day, year=self.school_year)}"


@dataclass(frozen=True)
class VersionCause:
    """Another rule configuration, or another version of duaal."""

    what: str  # rules | code
    before: str
    after: str

    def text(self, lang: str) -> str:
        return _SAY[lang][self.what].format(before=self.before, after=self.after)


@dataclass(frozen=True)
class PlaceCause:
    """Where a new quarantined row or a refused file is: the file (and row)."""

    source: str
    file_name: str
    row_number: int | None = None

    def text(self, lang: str) -> str:
        where = f"{self.source}/{self.file_name}"
        if self.row_number is None:
            return where
        return f"{where} {_SAY[lang]['row']} {self.row_number}"


Cause = InputRowCause | AsOfCause | VersionCause | PlaceCause


@dataclass(frozen=True)
class Change:
    """One change, as the export names it, with what the other renderings need.

    `before` and `after` hold the values of the side that has one (() for the other):
    a changed decision or finding field: (value,), as the export writes it; a decision that
    appeared or disappeared: its DECISION_FIELDS; a finding that appeared or was resolved:
    (severity, detail); a quarantined row: (detail,); a refused file: (reason in English,
    reason in Dutch)."""

    kind: str  # decision | finding | quarantine | file
    change: str  # appeared | disappeared | changed | resolved | refused
    school_year: str = ""
    company_kbo: str = ""
    learner_insz: str = ""
    agreement_id: str = ""
    mentor_insz: str = ""
    code: str = ""
    field: str = ""
    before: tuple[str | None, ...] = ()
    after: tuple[str | None, ...] = ()
    causes: tuple[Cause, ...] = ()
    offices: tuple[str | None, ...] = ()  # the offices the change concerns (both runs')
    place: PlaceCause | None = None  # a quarantined row's or refused file's file and row

    @cached_property
    def row(self) -> tuple[str, ...]:
        """The export's row (CHANGE_EXPORT), in English."""
        return (
            self.kind,
            self.change,
            self.school_year,
            self.company_kbo,
            self.learner_insz,
            self.agreement_id,
            self.mentor_insz,
            self.code,
            self.field,
            self._export_text(self.before),
            self._export_text(self.after),
            "; ".join(c.text("en") for c in self.causes),
        )

    def _export_text(self, values: tuple[str | None, ...]) -> str:
        if not values:
            return ""
        if self.kind == "decision" and not self.field:
            return ", ".join(f"{f}={v or ''}" for f, v in zip(DECISION_FIELDS, values, strict=True))
        if self.kind == "finding" and not self.field:
            return f"{values[0]}: {values[1] or ''}"
        return values[0] or ""  # one value; a refused file's English reason


def _n(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class ChangeCounts:
    """How much changed since the previous completed run: counts, no personal data."""

    since: str | None  # the previous completed run; None: this is the first completed run
    decisions: int = 0  # decisions (pair and school year) with a changed field
    became_eligible: int = 0
    no_longer_eligible: int = 0
    decisions_new: int = 0
    decisions_gone: int = 0
    findings_appeared: int = 0
    findings_resolved: int = 0
    findings_changed: int = 0
    rows_quarantined: int = 0  # new quarantined rows (a reloaded file's old rows are not new)
    files_refused: int = 0

    def parts(self) -> str:
        """The counts, for instance "3 decisions changed (1 became eligible, 2 no longer
        eligible), 1 finding appeared, 0 resolved, 0 rows newly quarantined"."""
        if self == ChangeCounts(self.since):
            return "none"
        decisions = (
            f"{_n(self.decisions, 'decision')} changed ({self.became_eligible} became "
            f"eligible, {self.no_longer_eligible} no longer eligible)"
        )
        parts = [decisions]
        if self.decisions_new:
            parts.append(f"{self.decisions_new} new")
        if self.decisions_gone:
            parts.append(f"{self.decisions_gone} gone")
        parts += [
            f"{_n(self.findings_appeared, 'finding')} appeared",
            f"{self.findings_resolved} resolved",
        ]
        if self.findings_changed:
            parts.append(f"{self.findings_changed} changed")
        parts.append(f"{_n(self.rows_quarantined, 'row')} newly quarantined")
        if self.files_refused:
            parts.append(f"{_n(self.files_refused, 'file')} refused")
        return ", ".join(parts)

    def text(self) -> str:
        """One line for the run's summary."""
        if self.since is None:
            return "changes since the previous run: none, this is the first completed run"
        return f"changes since {self.since}: {self.parts()}"


class Changes:
    """Every change between two runs, sorted as the export (CHANGE_EXPORT).

    A plain class, not a dataclass: a run hands it from its comparison stage to its reports
    stage, and Prefect walks through a dataclass given to a task field by field (looking
    for futures), which took seconds for the 16,000 changes of a large run."""

    __slots__ = ("after", "before", "items")

    def __init__(self, before: RunInfo | None, after: RunInfo, items: tuple[Change, ...] = ()):
        self.before = before  # None: `after` is the first completed run
        self.after = after
        self.items = items

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """The export's rows, in English."""
        return [c.row for c in self.items]

    def counts(self) -> ChangeCounts:
        """How many decisions, findings, quarantined rows and files changed."""
        if self.before is None:
            return ChangeCounts(None)
        tally: Counter[str] = Counter()
        changed: set[tuple[str, ...]] = set()
        findings: set[tuple[str, ...]] = set()
        for c in self.items:
            if c.kind == "decision" and c.change == "changed":
                changed.add((c.school_year, c.company_kbo, c.learner_insz))
                if c.field == "eligible":
                    became = c.after == ("true",)
                    tally["became_eligible" if became else "no_longer_eligible"] += 1
            elif c.kind == "decision":
                tally["decisions_new" if c.change == "appeared" else "decisions_gone"] += 1
            elif c.kind == "finding" and c.change == "changed":
                findings.add((c.code, c.agreement_id, c.mentor_insz, c.company_kbo))
            elif c.kind == "finding":
                tally[f"findings_{c.change}"] += 1
            elif c.kind == "quarantine":
                tally["rows_quarantined"] += 1
            else:
                tally["files_refused"] += 1
        return ChangeCounts(
            self.before.run_id, decisions=len(changed), findings_changed=len(findings), **tally
        )


def _run_info(con: duckdb.DuckDBPyConnection, run_id: str, *, recorded: bool = False) -> RunInfo:
    """A completed run; with `recorded`, also a run that is still running (writing its
    reports) once it has recorded its decisions and findings."""
    run = run_record(con, run_id)
    if not (recorded and run is not None and run["status"] == "running"):
        run = completed_run(con, run_id, NotEnoughRuns, otherwise="nothing to compare")
    elif not run["digest_decisions"]:
        raise NotEnoughRuns(f"run {run_id} has not recorded its decisions yet: nothing to compare")
    version = _rule_version(run["rule_config"])
    return RunInfo(
        run_id, run["as_of"], run["rule_config_hash"], version, run["code_version"] or ""
    )


def _rule_version(config_text: str) -> str:
    import tomllib

    try:
        return str(tomllib.loads(config_text).get("version", ""))
    except tomllib.TOMLDecodeError:
        return ""


def completed_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The completed runs, oldest first."""
    return [
        r[0]
        for r in con.execute(
            "SELECT run_id FROM runs WHERE status = 'completed' ORDER BY finished_at, run_id"
        ).fetchall()
    ]


def _previous(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The completed run before `run_id` (a run still writing its reports comes after every
    completed run); None when there is none."""
    runs = completed_runs(con)
    earlier = runs[: runs.index(run_id)] if run_id in runs else runs
    return earlier[-1] if earlier else None


def resolve_runs(
    con: duckdb.DuckDBPyConnection, from_run: str | None = None, to_run: str | None = None
) -> tuple[RunInfo, RunInfo]:
    """The two completed runs to compare: by default the latest completed run and the one
    before it (with only `to` given: the completed run before it)."""
    if to_run is None:
        runs = completed_runs(con)
        if not runs:
            raise NotEnoughRuns("no completed run in the database: run `duaal run` first")
        to_run = runs[-1]
    after = _run_info(con, to_run)
    if from_run is None:
        from_run = _previous(con, to_run)
        if from_run is None:
            raise NotEnoughRuns(
                f"run {to_run} is the first completed run: there is no run before it to compare"
            )
    before = _run_info(con, from_run)
    return before, after


_temp_ids = count(1)


@contextmanager
def _temp_tables(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """A prefix for temporary tables, dropped afterwards (works on read-only connections)."""
    prefix = f"_chg{next(_temp_ids)}_"
    try:
        yield prefix
    finally:
        names = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)",
            [prefix],
        ).fetchall()
        for (name,) in names:
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _chosen_rows_sql(source: Source, run_param: str) -> str:
    """The rows of a source a run's staging used: per natural key the newest version
    (transforms/versions.py: `version`), then the highest row, among the run's batches in
    effect."""
    key = ", ".join(source.key)
    versions = batch_versions(f"SELECT batch_id FROM run_batches WHERE run_id = {run_param}")
    return f"""
        SELECT r.*, versions.version AS batch_version
        FROM {source.table} r JOIN {versions} versions USING (batch_id)
        QUALIFY row_number() OVER (
            PARTITION BY {key} ORDER BY versions.version DESC, r.row_number DESC) = 1
    """


def _input_changes_sql(source: Source) -> str:
    """Input rows whose chosen version differs between the runs ($1 before, $2 after):
    file, row, key and which columns changed, with both versions' pair, agreement, mentor."""
    cols = [c.name for c in source.columns if c.name not in source.key]
    on = " AND ".join(f"a.{k} = b.{k}" for k in source.key)
    differs = " OR ".join(f"a.{c} IS DISTINCT FROM b.{c}" for c in cols)
    # per changed column: its name and both values as text (a personal column: its name)
    changed = ", ".join(
        f"CASE WHEN a.{c} IS DISTINCT FROM b.{c} THEN struct_pack(col := '{c}', "
        + (
            "before := NULL::VARCHAR, after := NULL::VARCHAR, personal := true)"
            if c in PERSONAL_COLUMNS
            else f"before := CAST(b.{c} AS VARCHAR), after := CAST(a.{c} AS VARCHAR), "
            "personal := false)"
        )
        + " END"
        for c in cols
    )
    key_text = " || '/' || ".join(f"CAST(coalesce(a.{k}, b.{k}) AS VARCHAR)" for k in source.key)
    names = {c.name for c in source.columns}

    def col(alias: str, name: str) -> str:
        return f"{alias}.{name}" if name in names else "CAST(NULL AS VARCHAR)"

    learner = "learner_insz" if "learner_insz" in names else "worker_insz"
    return f"""
        WITH a AS ({_chosen_rows_sql(source, "$2")}),
        b AS ({_chosen_rows_sql(source, "$1")})
        SELECT '{source.folder}' AS source,
               coalesce(a.file_name, b.file_name) AS file_name,
               coalesce(a.row_number, b.row_number) AS row_number,
               {key_text} AS key_text,
               CASE WHEN a.batch_id IS NULL THEN 'gone' WHEN b.batch_id IS NULL THEN 'new'
                    WHEN a.batch_version < b.batch_version THEN 'older' ELSE 'newer' END
                    AS version,
               list_filter([{changed}], lambda x: x IS NOT NULL) AS changed,
               [{col("a", "company_kbo")}, {col("b", "company_kbo")}] AS companies,
               [{col("a", learner)}, {col("b", learner)}] AS learners,
               [{col("a", "agreement_id")}, {col("b", "agreement_id")}] AS agreements,
               [{col("a", "mentor_insz")}, {col("b", "mentor_insz")}] AS mentors,
               coalesce({col("a", "school_year")}, {col("b", "school_year")}) AS paid_year
        FROM a FULL OUTER JOIN b ON {on}
        WHERE a.batch_id IS NULL OR b.batch_id IS NULL OR {differs}
    """


def _build(con: duckdb.DuckDBPyConnection, p: str, before: RunInfo, after: RunInfo) -> None:
    """Fill the temporary tables of one comparison."""
    ids = [before.run_id, after.run_id]
    con.execute(
        f"CREATE TEMP TABLE {p}inputs AS "
        + " UNION ALL ".join(f"({_input_changes_sql(s)})" for s in SOURCES),
        ids,
    )
    # each input change, once per thing it can affect: a pair (company, learner), an
    # agreement, a mentor; a recognition reaches the pairs whose agreements name its mentor
    con.execute(
        f"""
        CREATE TEMP TABLE {p}links AS
        WITH agreements AS (
            SELECT DISTINCT agreement_id, company_kbo, learner_insz, mentor_insz
            FROM ingest_overeenkomsten
            WHERE batch_id IN (SELECT batch_id FROM run_batches WHERE run_id IN ($1, $2))
        ),
        own AS (
            SELECT * FROM (
                SELECT source, file_name, row_number, key_text, version, changed, paid_year,
                       unnest(companies) AS company_kbo, unnest(learners) AS learner_insz,
                       unnest(agreements) AS agreement_id, unnest(mentors) AS mentor_insz
                FROM {p}inputs
            )
            WHERE company_kbo IS NOT NULL OR mentor_insz IS NOT NULL
        ),
        via_mentor AS (
            SELECT own.source, own.file_name, own.row_number, own.key_text, own.version,
                   own.changed, own.paid_year, ag.company_kbo, ag.learner_insz,
                   ag.agreement_id, own.mentor_insz
            FROM own JOIN agreements ag ON ag.mentor_insz = own.mentor_insz
            WHERE own.source = 'erkenningen'
        )
        SELECT DISTINCT * FROM (SELECT * FROM own UNION ALL SELECT * FROM via_mentor)
        """,
        ids,
    )
    fields = ", ".join(f"'{f}'" for f in DECISION_FIELDS)
    # a run's decisions with the compared fields as text ($1: the run before, $2: after)
    compared = """
            SELECT school_year, company_kbo, learner_insz, office,
                   CASE WHEN eligible THEN 'true' ELSE 'false' END AS eligible,
                   CAST(amount_eur AS VARCHAR) AS amount_eur, coalesce(reasons, '') AS reasons,
                   printf('%.2f', months_covered) AS months_covered, status
            FROM run_decisions WHERE run_id = {run}"""
    con.execute(
        f"""
        CREATE TEMP TABLE {p}decisions AS
        WITH b AS ({compared.format(run="$1")}
        ),
        a AS ({compared.format(run="$2")}
        ),
        joined AS (
            SELECT coalesce(a.school_year, b.school_year) AS school_year,
                   coalesce(a.company_kbo, b.company_kbo) AS company_kbo,
                   coalesce(a.learner_insz, b.learner_insz) AS learner_insz,
                   b.school_year IS NULL AS appeared, a.school_year IS NULL AS disappeared,
                   [b.eligible, b.amount_eur, b.reasons, b.months_covered, b.status, b.office]
                       AS before_values,
                   [a.eligible, a.amount_eur, a.reasons, a.months_covered, a.status, a.office]
                       AS after_values,
                   list_distinct([a.office, b.office]) AS offices
            FROM a FULL OUTER JOIN b USING (school_year, company_kbo, learner_insz)
        )
        -- a decision that appeared or disappeared: every field of the side that has it
        SELECT school_year, company_kbo, learner_insz, offices,
               CASE WHEN appeared THEN 'appeared' ELSE 'disappeared' END AS change,
               '' AS field,
               CASE WHEN appeared THEN NULL ELSE before_values END AS before,
               CASE WHEN appeared THEN after_values ELSE NULL END AS after
        FROM joined WHERE appeared OR disappeared
        UNION ALL
        SELECT school_year, company_kbo, learner_insz, offices, 'changed', field,
               [before], [after]
        FROM (
            SELECT school_year, company_kbo, learner_insz, offices,
                   unnest([{fields}]) AS field,
                   unnest(before_values) AS before, unnest(after_values) AS after
            FROM joined WHERE NOT appeared AND NOT disappeared
        )
        WHERE before IS DISTINCT FROM after
        """,
        ids,
    )
    # a finding's place among the run's findings with the same key (several may share one);
    # a finding about a pair (PAYMENT_*: no agreement, no mentor) is keyed by its company,
    # learner and due date (the school year's expected payment date), so that the findings
    # of two pairs are never taken for one that changed
    keyed = """
            SELECT *,
                   CASE WHEN agreement_id IS NULL AND mentor_insz IS NULL
                        THEN [company_kbo, learner_insz, CAST(due_date AS VARCHAR)] END
                       AS pair_key,
                   row_number() OVER (
                       PARTITION BY code, agreement_id, mentor_insz,
                           CASE WHEN agreement_id IS NULL AND mentor_insz IS NULL
                                THEN [company_kbo, learner_insz, CAST(due_date AS VARCHAR)] END
                       ORDER BY detail) AS n FROM {side}"""
    con.execute(
        f"""
        CREATE TEMP TABLE {p}findings AS
        WITH b AS (SELECT * FROM run_findings WHERE run_id = $1),
        a AS (SELECT * FROM run_findings WHERE run_id = $2),
        keyed_b AS ({keyed.format(side="b")}),
        keyed_a AS ({keyed.format(side="a")}),
        joined AS (
            SELECT coalesce(a.code, b.code) AS code,
                   coalesce(a.agreement_id, b.agreement_id) AS agreement_id,
                   coalesce(a.mentor_insz, b.mentor_insz) AS mentor_insz,
                   coalesce(a.company_kbo, b.company_kbo) AS company_kbo,
                   coalesce(a.learner_insz, b.learner_insz) AS learner_insz,
                   b.code IS NULL AS appeared, a.code IS NULL AS resolved,
                   b.severity AS before_severity, a.severity AS after_severity,
                   b.detail AS before_detail, a.detail AS after_detail,
                   b.due_date AS before_due, a.due_date AS after_due,
                   list_distinct([a.office, b.office]) AS offices
            FROM keyed_a a FULL OUTER JOIN keyed_b b
              ON a.code = b.code AND a.agreement_id IS NOT DISTINCT FROM b.agreement_id
             AND a.mentor_insz IS NOT DISTINCT FROM b.mentor_insz
             AND a.pair_key IS NOT DISTINCT FROM b.pair_key AND a.n = b.n
        )
        SELECT code, agreement_id, mentor_insz, company_kbo, learner_insz, offices,
               coalesce(after_due, before_due) AS due_date,
               CASE WHEN appeared THEN 'appeared' ELSE 'resolved' END AS change, '' AS field,
               CASE WHEN appeared THEN NULL ELSE [before_severity, before_detail] END AS before,
               CASE WHEN appeared THEN [after_severity, after_detail] ELSE NULL END AS after
        FROM joined WHERE appeared OR resolved
        UNION ALL
        SELECT code, agreement_id, mentor_insz, company_kbo, learner_insz, offices,
               coalesce(after_due, before_due), 'changed', 'severity',
               [before_severity], [after_severity]
        FROM joined
        WHERE NOT appeared AND NOT resolved AND before_severity IS DISTINCT FROM after_severity
        UNION ALL
        SELECT code, agreement_id, mentor_insz, company_kbo, learner_insz, offices,
               coalesce(after_due, before_due), 'changed', 'detail', [before_detail],
               [after_detail]
        FROM joined
        WHERE NOT appeared AND NOT resolved AND before_detail IS DISTINCT FROM after_detail
        """,
        ids,
    )


def _cause_lists(con: duckdb.DuckDBPyConnection, p: str) -> tuple[list[tuple], list[tuple]]:
    """Decision and finding changes with the input rows that explain them."""
    inputs = """list(DISTINCT struct_pack(source := l.source, file_name := l.file_name,
                      row_number := l.row_number, key_text := l.key_text,
                      version := l.version, changed := l.changed))
                 FILTER (WHERE l.source IS NOT NULL)"""
    decisions = con.execute(
        f"""
        SELECT d.school_year, d.company_kbo, d.learner_insz, d.offices, d.change, d.field,
               d.before, d.after, {inputs} AS inputs
        FROM {p}decisions d
        LEFT JOIN {p}links l
          ON l.company_kbo = d.company_kbo AND l.learner_insz = d.learner_insz
         AND (l.source <> 'premies' OR l.paid_year < d.school_year)
        GROUP BY ALL
        """
    ).fetchall()
    findings = con.execute(
        f"""
        SELECT f.code, f.agreement_id, f.mentor_insz, f.company_kbo, f.learner_insz,
               f.offices, f.due_date, f.change, f.field, f.before, f.after, {inputs} AS inputs
        FROM {p}findings f
        LEFT JOIN {p}links l
          ON (f.agreement_id IS NOT NULL AND l.agreement_id = f.agreement_id
              AND l.source = 'overeenkomsten')
          OR (f.agreement_id IS NOT NULL AND l.source = 'dimona'
              AND l.company_kbo = f.company_kbo AND l.learner_insz = f.learner_insz)
          OR (l.source = 'erkenningen' AND l.mentor_insz = f.mentor_insz
              AND (f.agreement_id IS NULL OR l.agreement_id = f.agreement_id))
          OR (f.agreement_id IS NULL AND l.source = 'overeenkomsten'
              AND l.mentor_insz = f.mentor_insz)
        GROUP BY ALL
        """
    ).fetchall()
    return decisions, findings


def _input_causes(items: list[dict] | None) -> list[Cause]:
    """The input rows of a change, by file and row."""
    ordered = sorted(
        items or [], key=lambda i: (i["source"], i["file_name"], i["row_number"], i["key_text"])
    )
    return [
        InputRowCause(
            i["source"],
            i["file_name"],
            i["row_number"],
            i["key_text"],
            i["version"],
            tuple(
                ColumnChange(c["col"], c["before"], c["after"], c["personal"]) for c in i["changed"]
            ),
        )
        for i in ordered
    ]


def _common_causes(before: RunInfo, after: RunInfo, found: list[Cause]) -> tuple[Cause, ...]:
    """Causes outside the inputs: another rule configuration; another version of duaal,
    named only when nothing else explains the change (found: the causes found so far)."""
    out = list(found)
    if before.rule_config_hash != after.rule_config_hash:
        out.append(VersionCause("rules", before.rule_version, after.rule_version))
    if before.code_version != after.code_version and not out:
        out.append(VersionCause("code", before.code_version, after.code_version))
    return tuple(out)


def _passed(d: date, before: RunInfo, after: RunInfo) -> bool:
    """Whether as_of moved over d between the runs, forwards (to d or later) or back
    (to before d)."""
    low, high = sorted((before.as_of, after.as_of))
    return low < d <= high


def _decision_as_of_causes(
    school_year: str, change: str, field: str, before: RunInfo, after: RunInfo
) -> list[Cause]:
    """A school year is decided from its 1 September on, and final from its 31 August on
    (RULES.md): as_of moving over either day, either way, changes decisions."""
    first, second = int(school_year[:4]), int(school_year[5:])
    year_start, year_end = date(first, 9, 1), date(second, 8, 31)
    out: list[Cause] = []
    if change in ("appeared", "disappeared") and _passed(year_start, before, after):
        out.append(AsOfCause(before.as_of, after.as_of, "year", year_start, school_year))
    if (field == "status" or change != "changed") and _passed(year_end, before, after):
        out.append(AsOfCause(before.as_of, after.as_of, "final", year_end, school_year))
    return out


def _finding_as_of_causes(due: date | None, before: RunInfo, after: RunInfo) -> list[Cause]:
    if before.as_of == after.as_of:
        return []
    if due is not None and _passed(due, before, after):
        return [AsOfCause(before.as_of, after.as_of, "due", due)]
    return [AsOfCause(before.as_of, after.as_of)]


def _new_files_and_quarantine(
    con: duckdb.DuckDBPyConnection, before: RunInfo, after: RunInfo
) -> tuple[list[tuple], list[tuple]]:
    """The quarantined rows and refused files of the batches only the later run read. A file
    loaded again under its name (re-saved with a cell corrected) brings its old quarantined
    rows again: a row whose file name, reason and raw values equal one quarantined from an
    earlier load of that file is not new."""
    new_batches = """(SELECT batch_id FROM run_batches WHERE run_id = $2
                      EXCEPT SELECT batch_id FROM run_batches WHERE run_id = $1)"""
    quarantine = con.execute(
        f"""SELECT q.source, q.file_name, q.row_number, q.reason, q.detail FROM quarantine q
        WHERE q.batch_id IN {new_batches}
          AND NOT EXISTS (
              SELECT 1 FROM quarantine e
              WHERE e.source = q.source AND e.file_name = q.file_name
                AND e.batch_id < q.batch_id AND e.reason = q.reason
                AND e.raw_values IS NOT DISTINCT FROM q.raw_values)
        ORDER BY ALL""",
        [before.run_id, after.run_id],
    ).fetchall()
    refused = con.execute(
        f"""SELECT source, file_name, coalesce(reason, ''), coalesce(reason_nl, reason, '')
        FROM load_batches WHERE status = 'refused' AND batch_id IN {new_batches} ORDER BY ALL""",
        [before.run_id, after.run_id],
    ).fetchall()
    return quarantine, refused


def _values(values: list | None) -> tuple[str | None, ...]:
    return tuple(values) if values is not None else ()


def _compare(con: duckdb.DuckDBPyConnection, before: RunInfo, after: RunInfo) -> Changes:
    """Every change from run `before` to run `after`, sorted as the export."""
    with _temp_tables(con) as p:
        _build(con, p, before, after)
        decisions, findings = _cause_lists(con, p)
    quarantine, refused = _new_files_and_quarantine(con, before, after)
    items: list[Change] = []
    for year, kbo, insz, offices, change, field, b, a, inputs in decisions:
        causes = _common_causes(
            before,
            after,
            _input_causes(inputs) + _decision_as_of_causes(year, change, field, before, after),
        )
        items.append(
            Change(
                "decision",
                change,
                school_year=year,
                company_kbo=kbo,
                learner_insz=insz,
                field=field,
                before=_values(b),
                after=_values(a),
                causes=causes,
                offices=tuple(offices),
            )
        )
    for code, agreement, mentor, kbo, insz, offices, due, change, field, b, a, inputs in findings:
        found = _input_causes(inputs) or _finding_as_of_causes(due, before, after)
        items.append(
            Change(
                "finding",
                change,
                company_kbo=kbo or "",
                learner_insz=insz or "",
                agreement_id=agreement or "",
                mentor_insz=mentor or "",
                code=code,
                field=field,
                before=_values(b),
                after=_values(a),
                causes=_common_causes(before, after, found),
                offices=tuple(offices),
            )
        )
    for source, file_name, row_number, reason, detail in quarantine:
        place = PlaceCause(source, file_name, row_number)
        items.append(
            Change(
                "quarantine", "appeared", code=reason, after=(detail,), causes=(place,), place=place
            )
        )
    for source, file_name, reason, reason_nl in refused:
        place = PlaceCause(source, file_name)
        items.append(
            Change(
                "file",
                "refused",
                code="FILE_REFUSED",
                after=(reason, reason_nl),
                causes=(place,),
                place=place,
            )
        )
    items.sort(key=lambda c: c.row)
    return Changes(before, after, tuple(items))


def compute_changes(
    con: duckdb.DuckDBPyConnection, from_run: str | None = None, to_run: str | None = None
) -> Changes:
    """Every change between two completed runs (default: the latest and the one before)."""
    before, after = resolve_runs(con, from_run, to_run)
    return _compare(con, before, after)


def since_previous(con: duckdb.DuckDBPyConnection, run_id: str) -> Changes:
    """What changed since the completed run before `run_id`: what `duaal diff --to run_id`
    shows, also while `run_id` is still writing its reports (it has recorded its outputs
    and comes after every completed run). For the first completed run: no `before`, and
    no changes."""
    after = _run_info(con, run_id, recorded=True)
    previous = _previous(con, run_id)
    if previous is None:
        return Changes(None, after)
    return _compare(con, _run_info(con, previous), after)


# --- `duaal diff` on the terminal ----------------------------------------------------------


def _wrapped(text: str, indent: int, hanging: int | None = None, width: int = WIDTH) -> list[str]:
    """A text in lines of at most `width` characters (a longer word stays whole)."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2 if hanging is None else hanging),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [" " * indent]


def _because(causes: Sequence[Cause], indent: int) -> list[str]:
    """The causes of a change, under it."""
    texts = [c.text("en") for c in causes]
    if len(texts) == 1:
        return _wrapped(f"because: {texts[0]}", indent, indent + 4)
    lines = _wrapped("because:", indent) if texts else []
    for text in texts:
        lines += _wrapped(f"- {text}", indent + 2, indent + 4)
    return lines


def _word(field: str, value: str | None) -> str:
    """A decision's or finding's field value as the terminal says it."""
    if field == "eligible":
        return "yes" if value == "true" else "no"
    if field == "amount_eur":
        return f"EUR {value}"
    if field == "reasons":
        return (value or "").replace(";", ", ") or "(none)"
    return value or "(empty)"


def _decision_summary(values: tuple[str | None, ...]) -> str:
    d = dict(zip(DECISION_FIELDS, values, strict=True))
    eligible = (
        "eligible"
        if d["eligible"] == "true"
        else f"not eligible ({_word('reasons', d['reasons'])})"
    )
    return (
        f"{eligible}, EUR {d['amount_eur']}, {d['months_covered']} months covered, "
        f"{d['status']}, office {d['office'] or '(none)'}"
    )


def _decision_line(c: Change) -> str:
    if c.change == "appeared":
        return f"new decision: {_decision_summary(c.after)}"
    if c.change == "disappeared":
        return f"decision gone; it was: {_decision_summary(c.before)}"
    before, after = _word(c.field, c.before[0]), _word(c.field, c.after[0])
    return f"{FIELD_WORDS.get(c.field, c.field)}: {before} -> {after}"


def _finding_line(c: Change) -> str:
    if c.change == "appeared":
        return f"{c.code} appeared: {c.after[0]}: {c.after[1] or ''}"
    if c.change == "resolved":
        return f"{c.code} resolved; it was {c.before[0]}: {c.before[1] or ''}"
    before, after = _word(c.field, c.before[0]), _word(c.field, c.after[0])
    return f"{c.code} {FIELD_WORDS.get(c.field, c.field)}: {before} -> {after}"


def _groups(
    items: Sequence[Change], key: Callable[[Change], tuple[str, ...]]
) -> list[tuple[tuple[str, ...], list[Change]]]:
    """Changes grouped by key, groups in the key's order, each in the export's order."""
    groups: dict[tuple[str, ...], list[Change]] = {}
    for c in items:
        groups.setdefault(key(c), []).append(c)
    return sorted(groups.items(), key=lambda g: g[0])


def _decision_blocks(items: Sequence[Change]) -> list[str]:
    """One block per decision (school year and pair): its changed fields, then their causes
    (under each field when they differ)."""
    lines: list[str] = []
    for (year, kbo, insz), group in _groups(
        items, lambda c: (c.school_year, c.company_kbo, c.learner_insz)
    ):
        lines += _wrapped(f"{year}  company {kbo}  learner {insz}", 2)
        group.sort(key=lambda c: _FIELD_ORDER.get(c.field, -1))  # eligible, amount, ...
        shared = len({c.causes for c in group}) == 1
        for c in group:
            lines += _wrapped(_decision_line(c), 4, 6)
            if not shared:
                lines += _because(c.causes, 6)
        if shared:
            lines += _because(group[0].causes, 4)
    return lines


def _finding_blocks(items: Sequence[Change]) -> list[str]:
    """One block per agreement (or mentor, for a mentor's findings): each finding that
    appeared, was resolved or changed, with its causes."""
    lines: list[str] = []
    for (agreement, mentor), group in _groups(
        items, lambda c: (c.agreement_id, "" if c.agreement_id else c.mentor_insz)
    ):
        first = group[0]
        if agreement:
            head = (
                f"agreement {agreement}  company {first.company_kbo}  learner {first.learner_insz}"
            )
            if first.mentor_insz:
                head += f"  mentor {first.mentor_insz}"
        else:
            head = f"mentor {mentor}"
        lines += _wrapped(head, 2)
        for c in group:
            lines += _wrapped(_finding_line(c), 4, 6)
            lines += _because(c.causes, 6)
    return lines


def format_changes(changes: Changes) -> str:
    """`duaal diff` on the terminal, in English: the two runs and the counts, then a block
    per decision and per agreement or mentor with its changes indented, then the new
    quarantined rows and refused files; lines of at most WIDTH characters."""
    b, a = changes.before, changes.after
    if b is None:
        return f"run {a.run_id} (as_of {a.as_of}) is the first completed run: nothing to compare\n"
    lines = [f"from {b.run_id} (as_of {b.as_of}) to {a.run_id} (as_of {a.as_of})"]
    if not changes.items:
        return lines[0] + "\nno changes\n"
    lines += _wrapped(changes.counts().parts(), 0)
    by_kind: dict[str, list[Change]] = {}
    for c in changes.items:
        by_kind.setdefault(c.kind, []).append(c)
    if "decision" in by_kind:
        lines += ["", "decisions"] + _decision_blocks(by_kind["decision"])
    if "finding" in by_kind:
        lines += ["", "findings"] + _finding_blocks(by_kind["finding"])
    if "quarantine" in by_kind:
        lines += ["", "newly quarantined rows"]
        for c in by_kind["quarantine"]:
            where = c.place.text("en") if c.place else ""
            lines += _wrapped(f"{where}: {c.code}: {c.after[0] or ''}", 2, 4)
    if "file" in by_kind:
        lines += ["", "newly refused files"]
        for c in by_kind["file"]:
            where = c.place.text("en") if c.place else ""
            lines += _wrapped(f"{where}: {c.after[0] or ''}", 2, 4)
    return "\n".join(lines) + "\n"


# --- the Prefect artifact "since the previous run" -----------------------------------------


def changes_markdown(con: duckdb.DuckDBPyConnection, run_id: str, limit: int = 50) -> str:
    """Markdown "since the previous run" for a run: the counts and the first `limit`
    changes."""
    changes = since_previous(con, run_id)
    b, a = changes.before, changes.after
    if b is None:
        return f"# Since the previous run\n\nRun {run_id} is the first completed run.\n"
    lines = [
        "# Since the previous run",
        "",
        f"From run {b.run_id} (as_of {b.as_of}) to run {a.run_id} (as_of {a.as_of}).",
        "",
    ]
    if not changes.items:
        lines.append("Nothing changed: the same decisions, findings and quarantine.")
        return "\n".join(lines) + "\n"
    lines += [f"Changes: {changes.counts().parts()}.", ""]
    header = CHANGE_EXPORT
    lines.append("| " + " | ".join(header) + " |")
    lines.append("| " + " | ".join("---" for _ in header) + " |")
    for row in changes.rows[:limit]:
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    if len(changes.items) > limit:
        lines += ["", f"... and {len(changes.items) - limit} more: `duaal diff --to {a.run_id}`."]
    return "\n".join(lines) + "\n"


def _md_cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def since_previous_run(db: Path, run_id: str, *, timeout_s: float = 60.0) -> str:
    """The markdown "since the previous run" of a run, read from the database file (for
    the run's Prefect artifact); says why when it cannot be read."""
    from duaal.db import DatabaseBusy, connect

    try:
        con = connect(db, read_only=True, timeout_s=timeout_s)
        try:
            return changes_markdown(con, run_id)
        finally:
            con.close()
    except (DatabaseBusy, LookupError, OSError, duckdb.Error) as exc:
        # the run itself completed: an artifact that cannot be made must not fail it
        return f"# Since the previous run\n\nNot available: {exc}\n"
