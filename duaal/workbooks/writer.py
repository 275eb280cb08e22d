"""The entry point: every workbook of a run.

Premies and federatie per school year under reports/<school year>/; conformiteit once for
the run, judged at as_of, under reports/conformiteit/ (conformiteit_<as_of>.xlsx and one
per office). Everything is read from the database first. The workbooks are then written,
on a machine with more than one CPU, in a few forked processes: they share the loaded rows
copy-on-write, never touch the database connection, and only write files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

import duckdb

from duaal.common import interrupts
from duaal.common.privacy import make_private_dir, private_files
from duaal.history.changes import Changes, since_previous
from duaal.workbooks.changes import ChangeSheets, build_change_sheets
from duaal.workbooks.conformiteit import ComplianceInputs, write_conformiteit
from duaal.workbooks.data import (
    Row,
    RunInfo,
    decision_years,
    load_action_items,
    load_brussels_mentors,
    load_decisions,
    load_findings,
    load_input_files,
    load_payments,
    load_quarantine,
    load_run,
    load_run_checks,
)
from duaal.workbooks.federatie import write_federatie, year_figures
from duaal.workbooks.federatie_payments import load_payment_totals, paid_years
from duaal.workbooks.labels import NO_OFFICE, office_slug, ordered_offices
from duaal.workbooks.overzicht import YearLine
from duaal.workbooks.premies import PremiesInputs, history, office_of, write_premies
from duaal.workbooks.style import partial_path
from transforms.workers import die_with_parent, end_workers, forking

Job = Callable[[], Path]
# the workbooks of one kind: those written first (they take longest), the others, and the
# paths of both in that order
Planned = tuple[list[Job], list[Job], list[Path]]
MAX_WORKERS = 2
CONFORMITEIT = "conformiteit"  # the folder of the run's compliance workbooks

# the groups of the write in progress, read by the forked workers by index (never pickled)
T = TypeVar("T")
_JOBS: list[Callable[[], object]] = []  # what forked workers run, by index


@dataclass(frozen=True)
class ReportPlan:
    """The workbooks to write, in groups (each one process's work), and their paths in order."""

    groups: list[list[Job]]
    paths: list[Path]


def conformiteit_path(reports_dir: Path, as_of: date, office: str | None = None) -> Path:
    """reports/conformiteit/conformiteit_<as_of>.xlsx, or ..._<office>.xlsx for an office."""
    suffix = f"_{office_slug(office)}" if office else ""
    return reports_dir / CONFORMITEIT / f"conformiteit_{as_of.isoformat()}{suffix}.xlsx"


def plan_reports(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    reports_dir: Path,
    school_years: Sequence[str],
    workers: int = 1,
    compared: Changes | None = None,
) -> ReportPlan:
    """Load every row the workbooks show and plan the workbooks of the run; `compared`:
    what changed since the previous completed run (None: compare here)."""
    run = load_run(con, run_id)
    years = list(school_years) or decision_years(con, run_id)
    findings = load_findings(con, run_id)
    files = load_input_files(con, run_id)
    quarantine = load_quarantine(con, run_id)
    compared = since_previous(con, run_id) if compared is None else compared
    changes = build_change_sheets(
        compared, run.labels, findings, quarantine, lambda earlier: load_findings(con, earlier)
    )
    actions = load_action_items(con, run.as_of)
    checks = load_run_checks(con, run_id)
    inputs = ComplianceInputs(findings, quarantine, files, checks, actions, changes)
    large: list[Job] = []  # the workbooks of every office: written first, they take longest
    small: list[Job] = []
    paths: list[Path] = []
    # the federation figures of every school year of the run, protected once: each
    # federatie workbook shows them side by side, with the same cells hidden
    every_year = sorted({*decision_years(con, run_id), *years})
    decided = {y: load_decisions(con, run_id, y) for y in every_year}
    # protecting the figures solves many small linear programs: a school year a worker
    figures = dict(
        zip(
            every_year,
            in_workers(
                [partial(year_figures, run, y, decided[y], findings) for y in every_year], workers
            ),
            strict=True,
        )
    )
    # decided against paid per final school year, protected with that year's figures
    paid = paid_years(figures, load_payment_totals(con, run_id))
    # every year of the run, for the share eligible per school year of each premies workbook
    decided_years = history(decided)
    for year in years:
        brussels = load_brussels_mentors(con, year)
        payments = load_payments(con, run, year)  # None: the run reconciled none
        premies = _plan_premies(
            reports_dir / year,
            run,
            year,
            decided[year],
            brussels,
            files,
            changes,
            decided_years,
            payments,
        )
        large += premies[0]
        small += premies[1]
        paths += premies[2]
        path = reports_dir / year / f"federatie_{year}.xlsx"
        small.append(
            partial(write_federatie, path, run, figures[year], list(figures.values()), paid)
        )
        paths.append(path)
    conformiteit = _plan_conformiteit(reports_dir, run, inputs)
    large += conformiteit[0]
    small += conformiteit[1]
    paths += conformiteit[2]
    return ReportPlan([[job] for job in (*large, *small)], paths)


def _plan_premies(
    folder: Path,
    run: RunInfo,
    year: str,
    decisions: list[Row],
    brussels: list[Row],
    files: list[Row],
    changes: ChangeSheets | None,
    years: list[YearLine],
    payments: list[Row] | None,
) -> Planned:
    """The premies workbooks of a school year: that of every office (written first), then
    one per office, and their paths in that order."""
    offices = ordered_offices({d["office"] for d in decisions})
    per_office: dict[str, list[Row]] = {office: [] for office in offices}
    for d in decisions:  # one pass, in the decisions' order
        per_office.setdefault(office_of(d), []).append(d)
    # each workbook: its path, its offices, their decisions and payments
    books = [(folder / f"premies_{year}.xlsx", offices, decisions, payments)]
    for office in offices:
        mine = (
            None
            if payments is None
            else [p for p in payments if (p["office"] or NO_OFFICE) == office]
        )
        path = folder / f"premies_{year}_{office_slug(office)}.xlsx"
        books.append((path, [office], per_office[office], mine))
    jobs: list[Job] = [
        partial(
            write_premies,
            path,
            run,
            PremiesInputs(year, these, rows, brussels, files, changes, years, paid),
        )
        for path, these, rows, paid in books
    ]
    return jobs[:1], jobs[1:], [path for path, *_ in books]


def _plan_conformiteit(reports_dir: Path, run: RunInfo, inputs: ComplianceInputs) -> Planned:
    """The conformiteit workbooks: the run's (one group), then one per office that has a
    finding, a quarantined row or an action (the other), and their paths in that order."""
    path = conformiteit_path(reports_dir, run.as_of)
    large: list[Job] = [partial(write_conformiteit, path, run, None, inputs)]
    small: list[Job] = []
    paths = [path]
    found = {f["office"] for f in inputs.findings} | {q["office"] for q in inputs.quarantine}
    found |= {a["office"] for a in inputs.actions}
    for office in ordered_offices(found):
        if office != NO_OFFICE:
            path = conformiteit_path(reports_dir, run.as_of, office)
            small.append(partial(write_conformiteit, path, run, office, inputs))
            paths.append(path)
    return large, small, paths


def write_group(jobs: Sequence[Job]) -> list[Path]:
    """Write the workbooks of one group, in order."""
    return [job() for job in jobs]


def _job_at(index: int) -> object:
    """In a forked worker: run the job the parent planned at this index."""
    return _JOBS[index]()


def report_workers() -> int:
    """How many processes write workbooks: one per CPU, at most MAX_WORKERS; 1 without fork."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def in_workers(jobs: Sequence[Callable[[], T]], workers: int) -> list[T]:
    """Each job's result, in order: run in forked worker processes when workers > 1 (they
    never touch the database: the rows were loaded before), at most `workers` at a time.

    Every job gets a process of its own, forked when it starts and ended when it is done: a
    worker that wrote one workbook would otherwise carry into the next the memory it took
    (its copies of the loaded rows' pages, its heap), and a run's peak would grow with every
    workbook. A job whose worker died (killed, out of memory) or could not be forked is run
    here instead: that costs time, not output. Interrupted, it kills the workers (they
    ignore Ctrl-C and SIGTERM) and raises."""
    if workers <= 1 or len(jobs) <= 1:
        return [job() for job in jobs]
    _JOBS[:] = list(jobs)
    context = multiprocessing.get_context("fork")
    results: dict[int, T] = {}
    running: dict[Future[T], tuple[int, ProcessPoolExecutor]] = {}
    waiting = list(range(len(jobs)))
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                index = waiting.pop(0)
                pool = ProcessPoolExecutor(1, mp_context=context, initializer=die_with_parent)
                try:
                    with forking():  # the pool forks its worker here
                        running[pool.submit(_job_at, index)] = (index, pool)
                except OSError:  # no process to be had (out of memory): as a dead worker
                    pool.shutdown()
                    results[index] = jobs[index]()
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, pool = running.pop(future)
                try:
                    results[index] = future.result()
                except BrokenProcessPool:
                    results[index] = jobs[index]()
                finally:
                    pool.shutdown()
    except BaseException:
        end_workers()  # what they were writing is of no use now
        raise
    finally:
        for _, pool in running.values():
            pool.shutdown(cancel_futures=True)
        _JOBS.clear()
    return [results[i] for i in range(len(jobs))]


def write_groups(groups: Sequence[Sequence[Job]], workers: int) -> list[Path]:
    """Write every group, in worker processes when workers > 1; paths in the groups' order."""
    written = in_workers([partial(write_group, group) for group in groups], workers)
    return [path for paths in written for path in paths]


def remove_partial(paths: Sequence[Path]) -> None:
    """Remove the temporary files of these workbooks, left by writers that did not finish."""
    for path in paths:
        partial_path(path).unlink(missing_ok=True)


def write_reports(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    reports_dir: Path,
    school_years: Sequence[str] = (),
    workers: int | None = None,
    share_group: str = "",
    compared: Changes | None = None,
) -> list[Path]:
    """Write premies, office, conformiteit and federatie workbooks; returns their paths.

    They hold personal data, so they are created readable by their owner only, or by
    `share_group` (the folders are made that group's, so what is created inside is too).
    workers: processes writing workbooks (None: one per CPU, at most MAX_WORKERS);
    compared: the run's changes since the previous completed run (None: compared here).
    Interrupted, it leaves every workbook as it was or as this run wrote it whole: a
    workbook is written under a temporary name and renamed when complete, and the
    temporary files of the workbooks not finished are removed."""
    with private_files(share_group):
        make_private_dir(reports_dir, share_group)
        workers = report_workers() if workers is None else workers
        plan = plan_reports(con, run_id, reports_dir, school_years, workers, compared)
        unfinished = partial(remove_partial, plan.paths)
        with interrupts.on_hard_exit(unfinished):  # a second Ctrl-C: after the workers' kill
            try:
                written = write_groups(plan.groups, workers)
            except BaseException:
                unfinished()  # the workers are dead: a killed one left its temporary file
                raise
    if sorted(written) != sorted(plan.paths):
        raise RuntimeError("the workbooks written are not the workbooks planned")
    return plan.paths
