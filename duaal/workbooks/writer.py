"""The entry point: every workbook of a run, per school year, under reports/<school year>/."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from duaal.workbooks.conformiteit import write_conformiteit
from duaal.workbooks.data import (
    decision_years,
    load_brussels_mentors,
    load_decisions,
    load_findings,
    load_input_files,
    load_quarantine,
    load_run,
)
from duaal.workbooks.federatie import write_federatie
from duaal.workbooks.labels import office_slug, ordered_offices
from duaal.workbooks.premies import office_of, write_premies


def write_reports(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    reports_dir: Path,
    school_years: Sequence[str] = (),
) -> list[Path]:
    """Write premies, office, conformiteit and federatie workbooks; returns their paths."""
    run = load_run(con, run_id)
    years = list(school_years) or decision_years(con, run_id)
    findings = load_findings(con, run_id)
    files = load_input_files(con, run_id)
    quarantine = load_quarantine(con, run_id)
    written: list[Path] = []
    for year in years:
        folder = reports_dir / year
        decisions = load_decisions(con, run_id, year)
        brussels = load_brussels_mentors(con, year)
        offices = ordered_offices({d["office"] for d in decisions})
        written.append(
            write_premies(
                folder / f"premies_{year}.xlsx", run, year, offices, decisions, brussels, files
            )
        )
        for office in offices:
            mine = [d for d in decisions if office_of(d) == office]
            path = folder / f"premies_{year}_{office_slug(office)}.xlsx"
            written.append(write_premies(path, run, year, [office], mine, brussels, files))
        written.append(
            write_conformiteit(
                folder / f"conformiteit_{year}.xlsx", run, year, findings, quarantine, files
            )
        )
        written.append(
            write_federatie(folder / f"federatie_{year}.xlsx", run, year, decisions, findings)
        )
    return written
