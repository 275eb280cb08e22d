"""What changed between two completed runs: `duaal diff` and `duaal export changes`.

Everything is computed in SQL over what the runs recorded: `run_decisions`,
`run_findings`, `run_batches` and the lineage of the ingest tables. No rule is run again.
The cause of a change is read from the inputs: the input rows each run used are the ones
its staging models chose (per natural key the newest export's row, transforms/versions.py,
among the run's batches); a row whose chosen version differs between the runs, or that only the
later run has, is a cause of the changes of its pair, agreement or mentor. Beyond the
inputs, `as_of` passing 31 August (final) or 1 September (a new school year), or passing a
finding's due date, and a changed rule configuration are named as causes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import count
from pathlib import Path

import duckdb

from duaal.db import completed_run
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

# The Dutch headers of the "Wijzigingen" sheet, in the order of CHANGE_EXPORT.
CHANGE_HEADERS_NL = (
    "Soort",
    "Wijziging",
    "Schooljaar",
    "Ondernemingsnummer",
    "INSZ lerende",
    "Overeenkomst",
    "INSZ mentor",
    "Code",
    "Veld",
    "Voor",
    "Na",
    "Oorzaak",
)

DECISION_FIELDS = ("eligible", "amount_eur", "reasons", "months_covered", "status", "office")

KIND_NL = {
    "decision": "beslissing",
    "finding": "bevinding",
    "quarantine": "quarantaine",
    "file": "bestand",
}
CHANGE_NL = {
    "appeared": "nieuw",
    "disappeared": "verdwenen",
    "changed": "gewijzigd",
    "resolved": "opgelost",
    "refused": "geweigerd",
}
FIELD_NL = {
    "eligible": "komt in aanmerking",
    "amount_eur": "bedrag (EUR)",
    "reasons": "redenen",
    "months_covered": "gedekte maanden",
    "status": "status",
    "office": "kantoor",
    "severity": "ernst",
    "detail": "toelichting",
}

# Input columns whose values a cause does not repeat (personal data): only their name.
PERSONAL_COLUMNS = frozenset(
    {"learner_name", "learner_birth_date", "mentor_name", "mentor_birth_date", "company_iban"}
)


class NotEnoughRuns(LookupError):
    """Fewer than two completed runs, or a run that is unknown or did not complete."""


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    as_of: date
    rule_config_hash: str
    rule_version: str
    code_version: str


@dataclass(frozen=True)
class Changes:
    before: RunInfo
    after: RunInfo
    rows: list[tuple[str, ...]]  # in CHANGE_EXPORT order, sorted, English causes
    rows_nl: list[tuple[str, ...]]  # the same rows with Dutch kinds, changes and causes
    offices: list[tuple[str, ...]]  # per row: the offices it concerns ('' for none)

    def counts(self) -> dict[tuple[str, str], int]:
        """Number of rows per (kind, change); a changed decision counts once per field."""
        out: dict[tuple[str, str], int] = {}
        for row in self.rows:
            out[row[0], row[1]] = out.get((row[0], row[1]), 0) + 1
        return out


def _run_info(con: duckdb.DuckDBPyConnection, run_id: str) -> RunInfo:
    run = completed_run(con, run_id, NotEnoughRuns, otherwise="nothing to compare")
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


def resolve_runs(
    con: duckdb.DuckDBPyConnection, from_run: str | None = None, to_run: str | None = None
) -> tuple[RunInfo, RunInfo]:
    """The two runs to compare: by default the latest completed run and the one before it
    (with only `to` given: the completed run before it)."""
    runs = completed_runs(con)
    if to_run is None:
        if not runs:
            raise NotEnoughRuns("no completed run in the database: run `duaal run` first")
        to_run = runs[-1]
    after = _run_info(con, to_run)
    if from_run is None:
        # a run still writing its reports comes after every completed run
        earlier = runs[: runs.index(to_run)] if to_run in runs else runs
        if not earlier:
            raise NotEnoughRuns(
                f"run {to_run} is the first completed run: there is no run before it to compare"
            )
        from_run = earlier[-1]
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
    changed = ", ".join(
        f"CASE WHEN a.{c} IS DISTINCT FROM b.{c} THEN "
        + (
            f"'{c}'"
            if c in PERSONAL_COLUMNS
            else f"'{c} ' || coalesce(CAST(b.{c} AS VARCHAR), '(leeg)') || ' -> ' "
            f"|| coalesce(CAST(a.{c} AS VARCHAR), '(leeg)')"
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
                   b.status AS before_status, a.status AS after_status,
                   list_distinct([a.office, b.office]) AS offices
            FROM a FULL OUTER JOIN b USING (school_year, company_kbo, learner_insz)
        ),
        summary AS (
            SELECT *,
                   array_to_string(list_transform(
                       range(1, 7), lambda i: [{fields}][i] || '=' || before_values[i]), ', ')
                       AS before_text,
                   array_to_string(list_transform(
                       range(1, 7), lambda i: [{fields}][i] || '=' || after_values[i]), ', ')
                       AS after_text
            FROM joined
        )
        SELECT school_year, company_kbo, learner_insz, offices, before_status, after_status,
               CASE WHEN appeared THEN 'appeared' ELSE 'disappeared' END AS change,
               '' AS field,
               CASE WHEN appeared THEN '' ELSE before_text END AS before,
               CASE WHEN appeared THEN after_text ELSE '' END AS after
        FROM summary WHERE appeared OR disappeared
        UNION ALL
        SELECT * FROM (
            SELECT school_year, company_kbo, learner_insz, offices, before_status,
                   after_status, 'changed', unnest([{fields}]) AS field,
                   unnest(before_values) AS before, unnest(after_values) AS after
            FROM summary WHERE NOT appeared AND NOT disappeared
        )
        WHERE before IS DISTINCT FROM after
        """,
        ids,
    )
    # a finding's place among the run's findings with the same key (several may share one)
    keyed = """
            SELECT *, row_number() OVER (PARTITION BY code, agreement_id, mentor_insz
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
             AND a.mentor_insz IS NOT DISTINCT FROM b.mentor_insz AND a.n = b.n
        )
        SELECT code, agreement_id, mentor_insz, company_kbo, learner_insz, offices,
               coalesce(after_due, before_due) AS due_date,
               CASE WHEN appeared THEN 'appeared' ELSE 'resolved' END AS change, '' AS field,
               CASE WHEN appeared THEN '' ELSE before_severity || ': ' || before_detail END
                   AS before,
               CASE WHEN appeared THEN after_severity || ': ' || after_detail ELSE '' END
                   AS after
        FROM joined WHERE appeared OR resolved
        UNION ALL
        SELECT code, agreement_id, mentor_insz, company_kbo, learner_insz, offices,
               coalesce(after_due, before_due), 'changed', 'severity',
               before_severity, after_severity
        FROM joined
        WHERE NOT appeared AND NOT resolved AND before_severity IS DISTINCT FROM after_severity
        UNION ALL
        SELECT code, agreement_id, mentor_insz, company_kbo, learner_insz, offices,
               coalesce(after_due, before_due), 'changed', 'detail', before_detail, after_detail
        FROM joined
        WHERE NOT appeared AND NOT resolved AND before_detail IS DISTINCT FROM after_detail
        """,
        ids,
    )


def _cause_lists(
    con: duckdb.DuckDBPyConnection, p: str, before: RunInfo, after: RunInfo
) -> tuple[list[tuple], list[tuple]]:
    """Decision and finding changes with the input rows that explain them."""
    inputs = """list(DISTINCT struct_pack(source := l.source, file_name := l.file_name,
                      row_number := l.row_number, key_text := l.key_text,
                      version := l.version, changed := l.changed))
                 FILTER (WHERE l.source IS NOT NULL)"""
    decisions = con.execute(
        f"""
        SELECT d.school_year, d.company_kbo, d.learner_insz, d.offices, d.change, d.field,
               d.before, d.after, d.before_status, d.after_status, {inputs} AS inputs
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


# how a cause that is an input row is told, per language
_INPUT_CAUSE = {
    "en": {
        "row": "row",
        "new": "new row {key}",
        "gone": "row {key} no longer used",
        "older": "older",
        "newer": "newer",
        "version": "{which} version of {key}: {changed}",
    },
    "nl": {
        "row": "rij",
        "new": "nieuwe rij {key}",
        "gone": "rij {key} niet meer gebruikt",
        "older": "oudere",
        "newer": "nieuwere",
        "version": "{which} versie van {key}: {changed}",
    },
}


def _input_cause(item: dict, lang: str) -> str:
    say = _INPUT_CAUSE[lang]
    where = f"{item['source']}/{item['file_name']} {say['row']} {item['row_number']}"
    key, version = item["key_text"], item["version"]
    if version in ("new", "gone"):
        return f"{where} ({say[version].format(key=key)})"
    which = say["older"] if version == "older" else say["newer"]
    changed = "; ".join(item["changed"])
    return f"{where} ({say['version'].format(which=which, key=key, changed=changed)})"


def _inputs_text(items: list[dict] | None, lang: str) -> list[str]:
    ordered = sorted(
        items or [], key=lambda i: (i["source"], i["file_name"], i["row_number"], i["key_text"])
    )
    return [_input_cause(i, lang) for i in ordered]


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _common_causes(before: RunInfo, after: RunInfo, lang: str, found: list[str]) -> list[str]:
    """Causes outside the inputs: another rule configuration; another version of duaal,
    named only when nothing else explains the change (found: the causes found so far)."""
    out = list(found)
    if before.rule_config_hash != after.rule_config_hash:
        out.append(
            f"regelconfiguratie gewijzigd (versie {before.rule_version} -> {after.rule_version})"
            if lang == "nl"
            else f"rule configuration changed (version {before.rule_version} -> "
            f"{after.rule_version})"
        )
    if before.code_version != after.code_version and not out:
        out.append(
            f"andere versie van duaal ({before.code_version} -> {after.code_version})"
            if lang == "nl"
            else f"code version changed ({before.code_version} -> {after.code_version})"
        )
    return out


def _passed(d: date, before: RunInfo, after: RunInfo) -> bool:
    """Whether as_of moved past d between the runs (either way)."""
    low, high = sorted((before.as_of, after.as_of))
    return low < d <= high


def _decision_as_of_causes(
    school_year: str, change: str, field: str, before: RunInfo, after: RunInfo, lang: str
) -> list[str]:
    first, second = int(school_year[:4]), int(school_year[5:])
    year_start, year_end = date(first, 9, 1), date(second, 8, 31)
    out = []
    if (change == "appeared" or change == "disappeared") and _passed(year_start, before, after):
        out.append(
            f"as_of {_dmy(before.as_of)} -> {_dmy(after.as_of)}: schooljaar {school_year} "
            "begonnen op " + _dmy(year_start)
            if lang == "nl"
            else f"as_of {before.as_of} -> {after.as_of}: school year {school_year} began "
            f"on {year_start}"
        )
    if (field == "status" or change != "changed") and _passed(year_end, before, after):
        out.append(
            f"as_of {_dmy(before.as_of)} -> {_dmy(after.as_of)}: voorbij 31/08/{second}, "
            "de beslissing is definitief"
            if lang == "nl"
            else f"as_of {before.as_of} -> {after.as_of}: past 31 August {second}, "
            "the decision is final"
        )
    return out


def _finding_as_of_causes(
    due: date | None, before: RunInfo, after: RunInfo, lang: str
) -> list[str]:
    if before.as_of == after.as_of:
        return []
    if due is not None and _passed(due, before, after):
        if lang == "nl":
            return [f"as_of {_dmy(before.as_of)} -> {_dmy(after.as_of)}: voorbij {_dmy(due)}"]
        return [f"as_of {before.as_of} -> {after.as_of}: past the due date {due}"]
    if lang == "nl":
        return [f"as_of {_dmy(before.as_of)} -> {_dmy(after.as_of)}"]
    return [f"as_of {before.as_of} -> {after.as_of}"]


def _new_files_and_quarantine(con: duckdb.DuckDBPyConnection, before: RunInfo, after: RunInfo):
    new_batches = """(SELECT batch_id FROM run_batches WHERE run_id = $2
                      EXCEPT SELECT batch_id FROM run_batches WHERE run_id = $1)"""
    quarantine = con.execute(
        f"""SELECT source, file_name, row_number, reason, detail FROM quarantine
        WHERE batch_id IN {new_batches} ORDER BY ALL""",
        [before.run_id, after.run_id],
    ).fetchall()
    refused = con.execute(
        f"""SELECT source, file_name, coalesce(reason, ''), coalesce(reason_nl, reason, '')
        FROM load_batches WHERE status = 'refused' AND batch_id IN {new_batches} ORDER BY ALL""",
        [before.run_id, after.run_id],
    ).fetchall()
    return quarantine, refused


def compute_changes(
    con: duckdb.DuckDBPyConnection, from_run: str | None = None, to_run: str | None = None
) -> Changes:
    """Every change between two completed runs (default: the latest and the one before)."""
    before, after = resolve_runs(con, from_run, to_run)
    with _temp_tables(con) as p:
        _build(con, p, before, after)
        decisions, findings = _cause_lists(con, p, before, after)
    quarantine, refused = _new_files_and_quarantine(con, before, after)

    rows: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = []

    def add(values: tuple, causes: dict[str, list[str]], offices: list[str | None]) -> None:
        """One change, in English and in Dutch; a value given as {"en": ..., "nl": ...}
        differs between the two."""

        def text(lang: str) -> tuple[str, ...]:
            cells = (v[lang] if isinstance(v, dict) else v for v in values)
            return (*("" if c is None else str(c) for c in cells), "; ".join(causes[lang]))

        rows.append((text("en"), text("nl"), tuple(sorted(o for o in offices if o))))

    for year, kbo, insz, offices, change, field, b, a, _bs, _as, inputs in decisions:
        causes = {
            lang: _common_causes(
                before,
                after,
                lang,
                _inputs_text(inputs, lang)
                + _decision_as_of_causes(year, change, field, before, after, lang),
            )
            for lang in ("en", "nl")
        }
        add(("decision", change, year, kbo, insz, "", "", "", field, b, a), causes, offices)
    for code, agreement, mentor, kbo, insz, offices, due, change, field, b, a, inputs in findings:
        causes = {
            lang: _common_causes(
                before,
                after,
                lang,
                _inputs_text(inputs, lang) or _finding_as_of_causes(due, before, after, lang),
            )
            for lang in ("en", "nl")
        }
        add(
            ("finding", change, "", kbo, insz, agreement, mentor, code, field, b, a),
            causes,
            offices,
        )
    for source, file_name, row_number, reason, detail in quarantine:
        causes = {
            "en": [f"{source}/{file_name} row {row_number}"],
            "nl": [f"{source}/{file_name} rij {row_number}"],
        }
        add(("quarantine", "appeared", "", "", "", "", "", reason, "", "", detail), causes, [])
    for source, file_name, reason, reason_nl in refused:
        detail = {"en": reason, "nl": reason_nl}
        where = [f"{source}/{file_name}"]
        add(
            ("file", "refused", "", "", "", "", "", "FILE_REFUSED", "", "", detail),
            {"en": where, "nl": where},
            [],
        )
    rows.sort(key=lambda r: r[0])
    return Changes(
        before=before,
        after=after,
        rows=[r[0] for r in rows],
        rows_nl=[_dutch(r[1]) for r in rows],
        offices=[r[2] for r in rows],
    )


def _dutch(row: tuple[str, ...]) -> tuple[str, ...]:
    kind, change, year, kbo, insz, agreement, mentor, code, field, b, a, cause = row
    return (
        KIND_NL.get(kind, kind),
        CHANGE_NL.get(change, change),
        year,
        kbo,
        insz,
        agreement,
        mentor,
        code,
        FIELD_NL.get(field, field),
        b,
        a,
        cause,
    )


@dataclass(frozen=True)
class ChangeSheets:
    """The rows of the "Wijzigingen" sheets of a run's workbooks, computed once."""

    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]  # Dutch, every change (the run's conformiteit workbook)
    offices: list[tuple[str, ...]]  # per row: the offices it concerns

    def for_office(self, office: str, school_year: str | None = None) -> list[tuple[str, ...]]:
        """The changes of one office's decisions and findings (of one school year: its
        decisions only)."""
        return [
            row
            for row, offices in zip(self.rows, self.offices, strict=True)
            if office in offices and (school_year is None or row[2] == school_year)
        ]


def change_sheets(con: duckdb.DuckDBPyConnection, run_id: str) -> ChangeSheets:
    """What changed since the completed run before `run_id` (or, for a run still writing
    its reports, since the latest completed run); the first run has no rows."""
    try:
        changes = compute_changes(con, to_run=run_id)
    except NotEnoughRuns:
        return ChangeSheets(CHANGE_HEADERS_NL, [], [])
    return ChangeSheets(CHANGE_HEADERS_NL, list(changes.rows_nl), list(changes.offices))


def changes_sheet(
    con: duckdb.DuckDBPyConnection, run_id: str, office: str | None = None
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Dutch headers and rows of a "Wijzigingen" sheet: what changed since the completed
    run before `run_id`, for one office (decisions and findings of that office, before or
    after) or for all (office None, quarantine and refused files included). The first run
    has no rows."""
    sheets = change_sheets(con, run_id)
    return sheets.headers, sheets.rows if office is None else sheets.for_office(office)


def changes_markdown(con: duckdb.DuckDBPyConnection, run_id: str, limit: int = 50) -> str:
    """Markdown "since the previous run" for a completed run: the counts and the first
    `limit` changes."""
    try:
        changes = compute_changes(con, to_run=run_id)
    except NotEnoughRuns:
        if run_id in completed_runs(con):
            return f"# Since the previous run\n\nRun {run_id} is the first completed run.\n"
        raise
    b, a = changes.before, changes.after
    lines = [
        "# Since the previous run",
        "",
        f"From run {b.run_id} (as_of {b.as_of}) to run {a.run_id} (as_of {a.as_of}).",
        "",
    ]
    if not changes.rows:
        lines.append("Nothing changed: the same decisions, findings and quarantine.")
        return "\n".join(lines) + "\n"
    lines += ["| kind | change | rows |", "| --- | --- | ---: |"]
    for (kind, change), n in sorted(changes.counts().items()):
        lines.append(f"| {kind} | {change} | {n} |")
    lines.append("")
    shown = changes.rows[:limit]
    header = CHANGE_EXPORT
    lines.append("| " + " | ".join(header) + " |")
    lines.append("| " + " | ".join("---" for _ in header) + " |")
    for row in shown:
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    if len(changes.rows) > limit:
        lines += ["", f"... and {len(changes.rows) - limit} more: `duaal diff --to {a.run_id}`."]
    return "\n".join(lines) + "\n"


def _md_cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def format_table(changes: Changes) -> str:
    """The terminal table of `duaal diff`."""
    b, a = changes.before, changes.after
    head = f"from {b.run_id} (as_of {b.as_of}) to {a.run_id} (as_of {a.as_of})"
    if not changes.rows:
        return head + "\nno changes\n"
    counts = ", ".join(
        f"{kind} {change}: {n}" for (kind, change), n in sorted(changes.counts().items())
    )
    columns = list(zip(CHANGE_EXPORT, *changes.rows, strict=False))
    keep = [i for i, col in enumerate(columns) if any(col[1:])]
    widths = {i: max(len(v) for v in columns[i]) for i in keep}
    lines = [head, counts, ""]
    for row in (CHANGE_EXPORT, *changes.rows):
        lines.append("  ".join(row[i].ljust(widths[i]) for i in keep).rstrip())
    return "\n".join(lines) + "\n"


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
