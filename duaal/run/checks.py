"""The input checks of a run (CONTRACTS.md, "Input checks and the outcome of a run").

Plain functions over the database and the raw folder, run after ingest and before the
rules. Each returns `InputCheck`s: a code, a severity, where (source, file, row), and a
message in English for the terminal and in Dutch for the workbooks. An error means the
inputs cannot be used (no reports); a warning is written to every output of the run.

Messages name files, rows, codes and keys, never a person: no INSZ, no name (the
terminal summary and the Prefect artifacts repeat them).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb

from duaal.run.check_results import InputCheck, Thresholds, check, ordered
from transforms.loading import FileOutcome, RawScan
from transforms.rule_config import RuleConfig, school_years_without_amounts
from transforms.sources import SOURCES, SOURCES_BY_FOLDER
from transforms.versions import batch_versions


def _pct_nl(share: float, decimals: int = 0) -> str:
    """A share as a Dutch reader writes it: 12,5 %."""
    return f"{share * 100:.{decimals}f} %".replace(".", ",")


# --- the checks -----------------------------------------------------------------------------


def check_sources(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> list[InputCheck]:
    """SOURCE_MISSING: a source with no loaded rows at all (error; premies: warning)."""
    out = []
    for source in SOURCES:
        (rows,) = con.execute(f"SELECT count(*) FROM {source.table}").fetchone()
        if rows:
            continue
        folder = raw_dir / source.folder
        required = source.required
        out.append(
            check(
                "SOURCE_MISSING",
                f"no rows of {source.folder} were ever loaded: put its exports in {folder}/"
                + ("" if required else " (a sector without premium history may have none)"),
                f"er werden nooit rijen van {source.folder} geladen: zet de exports in "
                f"{folder}/"
                + ("" if required else " (een sector zonder premiehistoriek mag er geen hebben)"),
                source=source.folder,
                # an error in the registry; a sector may have no premium history
                severity=None if required else "warning",
            )
        )
    return out


def files_in_effect(con: duckdb.DuckDBPyConnection, files: list[FileOutcome]) -> list[FileOutcome]:
    """The loaded files under the raw folder now: loaded by this run, or met again where an
    earlier run loaded them (with that load's counts). The same inputs say the same."""
    out = []
    for f in files:
        if f.status == "loaded":
            out.append(f)
        elif f.status == "skipped":
            earlier = con.execute(
                "SELECT source, file_name, sheet_name, rows_read, rows_accepted, "
                "rows_quarantined, rows_blank FROM load_batches WHERE batch_id = ?",
                [f.batch_id],
            ).fetchone()
            if earlier is not None and (earlier[0], earlier[1]) == (f.source, f.file_name):
                out.append(
                    FileOutcome(f.source, f.file_name, "loaded", None, f.batch_id, *earlier[2:])
                )
    return out


def check_files(con: duckdb.DuckDBPyConnection, files: list[FileOutcome]) -> list[InputCheck]:
    """FILE_REFUSED, FILE_EMPTY and FILE_DUPLICATE for the files this run met (FILE_EMPTY
    for every empty file still under the raw folder, loaded now or before)."""
    out = []
    met_again = [e for e in files_in_effect(con, files) if e.status == "loaded" and e not in files]
    for f in [*files, *met_again]:
        if f.status == "refused":
            (reason_nl,) = con.execute(
                "SELECT coalesce(reason_nl, reason) FROM load_batches WHERE batch_id = ?",
                [f.batch_id],
            ).fetchone()
            out.append(
                check(
                    "FILE_REFUSED",
                    f"refused whole, none of its rows used: {f.reason}",
                    f"volledig geweigerd, geen enkele rij gebruikt: {reason_nl}",
                    f.source,
                    f.file_name,
                )
            )
        elif f.status == "loaded" and f.rows_read == f.rows_blank:
            out.append(
                check(
                    "FILE_EMPTY",
                    "read with its headers but no data rows: it changes nothing",
                    "gelezen met de kolomkoppen maar zonder gegevensrijen: het verandert niets",
                    f.source,
                    f.file_name,
                )
            )
        elif f.status == "skipped":
            earlier = con.execute(
                "SELECT source, file_name, loaded_at FROM load_batches WHERE batch_id = ?",
                [f.batch_id],
            ).fetchone()
            if earlier is None or (earlier[0], earlier[1]) == (f.source, f.file_name):
                continue  # the same file met again: loaded before, nothing to say
            source, name, when = earlier
            out.append(
                check(
                    "FILE_DUPLICATE",
                    f"skipped: the same bytes were loaded before as {source}/{name} "
                    f"(batch {f.batch_id}, {when:%Y-%m-%d %H:%M})",
                    f"overgeslagen: dezelfde inhoud werd eerder geladen als {source}/{name} "
                    f"(batch {f.batch_id}, {when:%d/%m/%Y %H:%M})",
                    f.source,
                    f.file_name,
                )
            )
    return out


def check_unread(scan: RawScan, raw_dir: Path) -> list[InputCheck]:
    """FILE_IGNORED: what lies under the raw folder and is not read (or read under another
    folder name)."""
    out = []
    for u in scan.unread:
        relative = u.path.relative_to(raw_dir)
        parent = relative.parent.as_posix()
        out.append(
            check(
                "FILE_IGNORED",
                u.why,
                u.why_nl,
                source=None if parent == "." else parent,
                file_name=relative.name + ("/" if u.path.is_dir() else ""),
            )
        )
    return out


def check_export_age(
    con: duckdb.DuckDBPyConnection, as_of: date, max_age_days: int
) -> list[InputCheck]:
    """EXPORT_STALE: the newest export of a source is older than max_age_days on as_of.
    An export's date is its title rows' Exportdatum, else the file's modification time when
    it was first loaded (transforms/versions.py: a re-saved old export stays old)."""
    rows = con.execute(
        f"""SELECT b.source, b.file_name, v.version_at, b.export_date IS NOT NULL
        FROM load_batches b JOIN {batch_versions()} v USING (batch_id)
        QUALIFY row_number() OVER (PARTITION BY b.source ORDER BY v.version DESC) = 1
        ORDER BY b.source"""
    ).fetchall()
    out = []
    for source, name, version_at, stated in rows:
        dated = version_at.date()
        age = (as_of - dated).days
        if age <= max_age_days:
            continue
        how, how_nl = ("Exportdatum", "Exportdatum") if stated else ("modified", "gewijzigd op")
        out.append(
            check(
                "EXPORT_STALE",
                f"the newest {source} export ({how} {dated.isoformat()}) is {age} days old on "
                f"as_of {as_of.isoformat()} (more than {max_age_days}): export it again",
                f"de nieuwste export van {source} ({how_nl} {dated:%d/%m/%Y}) is {age} dagen "
                f"oud op {as_of:%d/%m/%Y} (meer dan {max_age_days}): exporteer opnieuw",
                source,
                name,
            )
        )
    return out


def check_files_elsewhere(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, scan: RawScan | None = None
) -> list[InputCheck]:
    """FILES_ELSEWHERE: the database holds files (in effect) loaded from another raw folder
    than this run's; the decisions mix both data sets. One result per other folder.

    A file is its source and name: one that this run's raw folder holds too (scan) is that
    folder's, wherever it was first loaded from, so a raw folder moved or copied elsewhere
    warns nothing."""
    here = Path(os.path.abspath(raw_dir))
    present = {(source.folder, path.name) for source, path in (scan.files if scan else ())}
    rows = con.execute(
        "SELECT b.source, b.file_name, b.file_path FROM load_batches b "
        f"JOIN {batch_versions()} v USING (batch_id)"
    ).fetchall()
    # a file's raw folder holds its source folder, which holds the file
    elsewhere = Counter(
        Path(os.path.abspath(path)).parent.parent
        for source, name, path in rows
        if (source, name) not in present
    )
    elsewhere.pop(here, None)
    out = []
    for folder, n in sorted(elsewhere.items()):
        files, files_nl = ("file", "bestand") if n == 1 else ("files", "bestanden")
        out.append(
            check(
                "FILES_ELSEWHERE",
                f"the database holds {n} {files} loaded from another raw folder, {folder}, "
                f"than this run's {here}: the decisions mix both (a separate data set needs "
                "a database of its own: --db)",
                f"de databank bevat {n} {files_nl} geladen uit een andere map met exports, "
                f"{folder}, dan die van deze run, {here}: de beslissingen mengen beide (een "
                "aparte gegevensset hoort in een eigen databank: --db)",
            )
        )
    return out


def staging_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each staging table (built before the checks run)."""
    return {
        s.staging: con.execute(f"SELECT count(*) FROM {s.staging}").fetchone()[0] for s in SOURCES
    }


def previous_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[str, dict] | None:
    """The row counts recorded by the latest completed run before this one."""
    row = con.execute(
        "SELECT run_id, row_counts FROM runs WHERE status = 'completed' AND run_id <> ? "
        "AND row_counts IS NOT NULL ORDER BY started_at DESC, run_id DESC LIMIT 1",
        [run_id],
    ).fetchone()
    return (row[0], json.loads(row[1])) if row else None


def check_volume(
    current: dict[str, int], previous: tuple[str, dict] | None, max_drop: float
) -> list[InputCheck]:
    """VOLUME_DROP: a staging table holds more than max_drop fewer rows than in the
    previous completed run."""
    if previous is None:
        return []
    run_id, counts = previous
    out = []
    for source, table in ((s.folder, s.staging) for s in SOURCES):
        before, now = counts.get(table), current.get(table, 0)
        if not before or now >= before * (1 - max_drop):
            continue
        drop = (before - now) / before
        out.append(
            check(
                "VOLUME_DROP",
                f"{table} holds {now} rows, {drop:.0%} fewer than the {before} of run {run_id} "
                f"(more than {max_drop:.0%}): was an export cut short?",
                f"{table} bevat {now} rijen, {_pct_nl(drop)} minder dan de {before} van run "
                f"{run_id} (meer dan {_pct_nl(max_drop)}): is een export onvolledig?",
                source,
            )
        )
    return out


def check_quarantine_share(files: list[FileOutcome], max_share: float) -> list[InputCheck]:
    """QUARANTINE_SHARE: more than max_share of a file's data rows went to quarantine (the
    files in effect: loaded now or before, and still under the raw folder)."""
    out = []
    for f in files:
        rows = f.rows_read - f.rows_blank
        if f.status != "loaded" or not rows or f.rows_quarantined <= rows * max_share:
            continue
        share = f.rows_quarantined / rows
        out.append(
            check(
                "QUARANTINE_SHARE",
                f"{f.rows_quarantined} of its {rows} rows ({share:.1%}) are in quarantine "
                f"(more than {max_share:.0%}): see the quarantine for why",
                f"{f.rows_quarantined} van de {rows} rijen ({_pct_nl(share, 1)}) staan in "
                f"quarantaine (meer dan {_pct_nl(max_share)}): zie de quarantaine voor de reden",
                f.source,
                f.file_name,
            )
        )
    return out


def check_amounts(config: RuleConfig, as_of: date, rules: Path) -> list[InputCheck]:
    """AMOUNTS_MISSING: a school year the run decides has no premium amounts in the rule
    configuration. Its decisions are made all the same (an eligible one with amount_eur 0),
    so the 06:00 run on 1 September still writes every output."""
    return [
        check(
            "AMOUNTS_MISSING",
            f"no premium amounts for school year {year} in the rule configuration {rules} "
            f"(version {config.version}): its decisions are made, every eligible one with "
            f"amount_eur 0, until that year's amounts are added to {rules.name}",
            f"geen premiebedragen voor schooljaar {year} in de regelconfiguratie {rules} "
            f"(versie {config.version}): de beslissingen van dat schooljaar zijn genomen, maar "
            f"een toegekende premie heeft nog geen bedrag (0) tot de bedragen van dat schooljaar "
            f"in {rules.name} staan",
        )
        for year in school_years_without_amounts(config, as_of)
    ]


def key_label(source: str, row_key: str) -> tuple[str, str]:
    """The key of a row as a message names it (English, Dutch), without personal data:
    a recognition by its number, a premium by its school year and company."""
    en, nl = SOURCES_BY_FOLDER[source].key_words
    if source == "erkenningen":  # recognition_id|mentor_insz: the mentor stays unnamed
        number = row_key.rsplit("|", 1)[0]
        shown = f"{number} (a mentor of it)", f"{number} (een mentor ervan)"
    elif source == "premies":  # school_year|company_kbo|learner_insz|kind
        year, company, _learner, kind = row_key.split("|")
        shown = (
            f"{year} ({kind}) of company {company}",
            f"{year} ({kind}) van onderneming {company}",
        )
    else:  # a one-column key, '|' and all
        shown = row_key, row_key
    return f"{en} {shown[0]}", f"{nl} {shown[1]}"


def check_superseded(con: duckdb.DuckDBPyConnection) -> list[InputCheck]:
    """ROW_SUPERSEDED: a quarantined row whose key staging holds in an older version, from
    an earlier file; the rules use that older row (transforms/intermediate/int_superseded_rows)."""
    rows = con.execute(
        "SELECT source, row_key, quarantined_file, quarantined_row, quarantine_reasons, "
        "used_file, used_row FROM int_superseded_rows "
        "ORDER BY source, quarantined_file, quarantined_row, row_key"
    ).fetchall()
    out = []
    for source, row_key, q_file, q_row, reasons, used_file, used_row in rows:
        en, nl = key_label(source, row_key)
        out.append(
            check(
                "ROW_SUPERSEDED",
                f"the newest row of {en} is in quarantine ({reasons}); the rules use the older "
                f"row {source}/{used_file} row {used_row}: correct the row and export again",
                f"de nieuwste rij van {nl} staat in quarantaine ({reasons}); de regels gebruiken "
                f"de oudere rij {source}/{used_file} rij {used_row}: verbeter de rij en "
                "exporteer opnieuw",
                source,
                q_file,
                q_row,
            )
        )
    return out


# --- all of them ----------------------------------------------------------------------------


def run_input_checks(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    raw_dir: Path,
    as_of: date,
    files: list[FileOutcome],
    scan: RawScan,
    thresholds: Thresholds,
    config: RuleConfig,
    rules: Path,
) -> list[InputCheck]:
    """Every input check, on a database whose staging models and int_superseded_rows are
    built from the run's batches; config: the rule configuration the run uses, read from
    the file rules."""
    results = [
        *check_sources(con, raw_dir),
        *check_unread(scan, raw_dir),
        *check_files(con, files),
        *check_files_elsewhere(con, raw_dir, scan),
        *check_export_age(con, as_of, thresholds.max_export_age_days),
        *check_volume(
            staging_counts(con), previous_counts(con, run_id), thresholds.max_volume_drop
        ),
        *check_quarantine_share(files_in_effect(con, files), thresholds.max_quarantine_share),
        *check_amounts(config, as_of, rules),
        *check_superseded(con),
    ]
    return ordered(results)
