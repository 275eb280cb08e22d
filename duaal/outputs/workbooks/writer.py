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
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from duaal.common import interrupts
from duaal.common.privacy import make_private_dir, private_files
from duaal.history.changes import Changes, since_previous
from duaal.outputs.workbooks.changes import ChangeSheets, build_change_sheets
from duaal.outputs.workbooks.conformiteit import ComplianceInputs, write_conformiteit
from duaal.outputs.workbooks.content import Keys
from duaal.outputs.workbooks.data import (
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
    load_year_files,
)
from duaal.outputs.workbooks.federatie import write_federatie, year_figures
from duaal.outputs.workbooks.federatie_figures import PaidYear, YearFigures, error_pairs
from duaal.outputs.workbooks.federatie_payments import load_payment_totals, paid_years
from duaal.outputs.workbooks.labels import NO_OFFICE, office_slug, ordered_offices
from duaal.outputs.workbooks.overzicht import YearLine
from duaal.outputs.workbooks.premies import PremiesInputs, history, office_of, write_premies
from duaal.outputs.workbooks.style import partial_path
from transforms.school_years import is_final
from transforms.workers import die_with_parent, end_workers, forking

Job = Callable[[], Path]
MAX_WORKERS = 2
CONFORMITEIT = "conformiteit"  # the folder of the run's compliance workbooks

# the groups of the write in progress, read by the forked workers by index (never pickled)
T = TypeVar("T")
_JOBS: list[Callable[[], object]] = []  # what forked workers run, by index


# whether a workbook with this content key is in place as the manifest recorded it
InPlace = Callable[[Path, str], bool]


@dataclass(frozen=True)
class ReportPlan:
    """The workbooks to write, in groups (each one process's work), and their paths in order;
    with content keys, the key of every workbook of the run and those kept as they were."""

    groups: list[list[Job]]
    paths: list[Path]
    keys: dict[Path, str] = field(default_factory=dict)
    kept: list[Path] = field(default_factory=list)


def conformiteit_path(reports_dir: Path, as_of: date, office: str | None = None) -> Path:
    """reports/conformiteit/conformiteit_<as_of>.xlsx, or ..._<office>.xlsx for an office."""
    suffix = f"_{office_slug(office)}" if office else ""
    return reports_dir / CONFORMITEIT / f"conformiteit_{as_of.isoformat()}{suffix}.xlsx"


def plan_reports(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    reports_dir: Path,
    school_years: Sequence[str],
    compared: Changes | None = None,
    in_place: InPlace | None = None,
) -> ReportPlan:
    """Load every row the workbooks show and plan the workbooks of the run; `compared`:
    what changed since the previous completed run (None: compare here). in_place: keep a
    workbook whose content key (duaal/outputs/workbooks/content.py) it finds in place, instead of
    writing it again (None: write every workbook)."""
    run = load_run(con, run_id)
    decided_in = decision_years(con, run_id)
    years = list(school_years) or decided_in
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
    planner = _Planner(Keys(run), in_place)
    every_year = sorted({*decided_in, *years})
    decided = {y: load_decisions(con, run_id, y) for y in every_year}
    totals = load_payment_totals(con, run_id)
    federation = _Federation(run, decided, findings, totals)
    # every year of the run, for the share eligible per school year of each premies workbook
    decided_years = history(decided)
    for year in years:
        brussels = load_brussels_mentors(con, year)
        payments = load_payments(con, run, year)  # None: the run reconciled none
        final = is_final(year, run.as_of)
        # a final year's workbooks show the years up to it and the files with rows for them
        shown_years = [y for y in every_year if y <= year] if final else every_year
        shares = [y for y in decided_years if y.school_year <= year] if final else decided_years
        year_files = load_year_files(con, run_id, year) if final else files
        shared = (brussels, year_files, changes, shares)
        folder = reports_dir / year
        _plan_premies(planner, folder, run, year, decided[year], shared, payments, final)
        path = folder / f"federatie_{year}.xlsx"
        # what the figures are made of: the shown years' decisions, the findings of the
        # running year's workbooks (a final year's: which of its decisions have an error, as
        # Conform counts them), the payments of those years
        shown: tuple[object, ...] = (
            year,
            shown_years,
            [decided[y] for y in shown_years],
            federation.errors_in(shown_years) if final else findings,
            [t for t in totals if t["school_year"] in shown_years] if final else totals,
        )
        job = partial(partial, federation.write, path, year, final)
        planner.plan(planner.together, path, job, "federatie", *shown, final=final)
    _plan_conformiteit(planner, reports_dir, run, inputs)
    return planner.plan_of_run()


class _Planner:
    """The workbooks of a run as they are planned: each kept when its content key is in
    place, else a job to write it. A job is a process of its own, the longest first (the
    workbooks of every office, then the federation's, then the others by the rows they
    write), so that the two processes end together; the federatie workbooks are one group:
    one process protects the figures they share, once."""

    def __init__(self, keyed: Keys, in_place: InPlace | None) -> None:
        self.keyed, self.in_place = keyed, in_place
        self.large: list[tuple[Job, int]] = []
        self.small: list[tuple[Job, int]] = []
        self.together: list[tuple[Job, int]] = []
        self.paths: list[Path] = []
        self.keys: dict[Path, str] = {}
        self.kept: list[Path] = []

    def plan(
        self,
        jobs: list[tuple[Job, int]],
        path: Path,
        job: Callable[[], Job],
        kind: str,
        *shown: object,
        rows: int = 0,
        final: bool = False,
    ) -> None:
        """Plan a workbook: kept when its content key is in place, else its job; `job`
        makes the job, only for a workbook to write; `rows`: about how many it writes (the
        order of the jobs); final: a final school year's workbook (its key holds no as_of,
        `shown` is all it shows)."""
        self.paths.append(path)
        if self.in_place is not None:
            self.keys[path] = self.keyed.key(kind, path.name, *shown, final=final)
            if self.in_place(path, self.keys[path]):
                self.kept.append(path)
                return
        jobs.append((job(), rows))

    def split(self, rows: list[Row], group: Callable[[Row], str]) -> dict[str, list[Row]]:
        """Rows by group, in their order; with content keys, each group's digest (and the
        rows') computed in the same pass."""
        if self.in_place is not None:
            return self.keyed.split(rows, group)[0]
        groups: dict[str, list[Row]] = {}
        for row in rows:
            groups.setdefault(group(row), []).append(row)
        return groups

    def plan_of_run(self) -> ReportPlan:
        def longest_first(jobs: list[tuple[Job, int]]) -> list[list[Job]]:
            return [[job] for job, _ in sorted(jobs, key=lambda planned: -planned[1])]

        together = [[job for job, _ in self.together]] if self.together else []
        groups = [*longest_first(self.large), *together, *longest_first(self.small)]
        return ReportPlan(groups, self.paths, self.keys, self.kept)


class _Federation:
    """The federation figures of every school year of the run, protected once, by the
    process that writes the first federatie workbook (they are one group): each shows them
    side by side, the same cells hidden; and decided against paid per final school year,
    protected with that year's figures."""

    def __init__(
        self, run: RunInfo, decided: dict[str, list[Row]], findings: list[Row], totals: list[Row]
    ) -> None:
        self.run, self.decided, self.findings, self.totals = run, decided, findings, totals
        self.figures: dict[str, YearFigures] = {}
        self.paid: list[PaidYear] = []
        self._errors: set[tuple[str, str]] | None = None

    def errors_in(self, years: Sequence[str]) -> list[tuple[str, ...]]:
        """Per school year, the decisions (company, learner) that a finding of severity
        error makes not conform (error_pairs, as year_figures counts them): of the
        findings, all a year's figures count."""
        if self._errors is None:  # once for every final year's workbook
            self._errors = error_pairs(self.findings)
        errors = self._errors
        return [
            (
                y,
                *sorted(
                    {
                        p
                        for d in self.decided[y]
                        if (p := (d["company_kbo"], d["learner_insz"])) in errors
                    }
                ),
            )
            for y in years
        ]

    def write(self, path: Path, year: str, final: bool = False) -> Path:
        """The federatie workbook of a school year: of a final year (final), that year and
        the years before it, without the as_of."""
        if not self.figures:  # protecting them solves many small linear programs
            for y in sorted(self.decided):
                self.figures[y] = year_figures(self.run, y, self.decided[y], self.findings)
            self.paid = paid_years(self.figures, self.totals)
        every = [f for y, f in self.figures.items() if not final or y <= year]
        paid = [p for p in self.paid if not final or p.school_year <= year]
        return write_federatie(path, self.run, self.figures[year], every, paid, final)


def _plan_premies(
    planner: _Planner,
    folder: Path,
    run: RunInfo,
    year: str,
    decisions: list[Row],
    shared: tuple[list[Row], list[Row], ChangeSheets, list[YearLine]],
    payments: list[Row] | None,
    final: bool = False,
) -> None:
    """The premies workbooks of a school year: that of every office (written first), then
    one per office; `shared`: the Brussels mentors, input files, changes and the years'
    shares they all show. A workbook's key holds of the changes only the block it shows; a
    final year's (final) only its rows: not the line naming the run compared with (the
    block's line when it has none, the Toelichting's note), so a kept workbook still names
    the run that wrote it and compared."""
    brussels, files, changes, years = shared
    offices = ordered_offices({d["office"] for d in decisions})
    # one pass each, in the decisions' (payments') order
    per_office = {office: [] for office in offices} | planner.split(decisions, office_of)
    paid_by_office = {} if payments is None else planner.split(payments, _payment_office)
    # each workbook: its path, its offices, their decisions and payments
    books = [(folder / f"premies_{year}.xlsx", offices, decisions, payments, None)]
    for office in offices:
        mine = None if payments is None else paid_by_office.get(office, [])
        path = folder / f"premies_{year}_{office_slug(office)}.xlsx"
        books.append((path, [office], per_office[office], mine, office))
    for index, (path, these, rows, paid, office) in enumerate(books):
        inputs = PremiesInputs(year, these, rows, brussels, files, changes, years, paid, final)
        block = changes.premies_block(year, office)
        # of every year's shares an office's workbook shows its office's (and which run)
        shares = (
            years
            if office is None
            else [(y.school_year, y.provisional, y.counts.get(office)) for y in years]
        )
        compared = (replace(block, empty=None),) if final else (block, changes.note())
        shown = (year, these, rows, brussels, files, *compared, shares, paid)
        jobs = planner.large if index == 0 else planner.small
        job = partial(partial, write_premies, path, run, inputs)
        # an office sheet and Niet-subsidiabel or Overzicht: about two rows a decision
        written = 2 * len(rows) + len(paid or ()) + len(block.rows)
        planner.plan(jobs, path, job, "premies", *shown, rows=written, final=final)


def _payment_office(payment: Row) -> str:
    return payment["office"] or NO_OFFICE


def _plan_conformiteit(
    planner: _Planner, reports_dir: Path, run: RunInfo, inputs: ComplianceInputs
) -> None:
    """The conformiteit workbooks: the run's (written first), then one per office that has
    a finding, a quarantined row or an action."""
    # the rows each writes, of all offices and by office (the order of the jobs)
    listed = (*inputs.findings, *inputs.quarantine, *inputs.actions)
    per_office = Counter(row["office"] for row in listed)
    for office in (None, *ordered_offices(per_office)):
        if office == NO_OFFICE:
            continue
        path = conformiteit_path(reports_dir, run.as_of, office)
        job = partial(partial, write_conformiteit, path, run, office, inputs)
        shown = compliance_shown(inputs, office)
        changed = inputs.changes.conformiteit_block(office).rows if inputs.changes else ()
        rows = (len(listed) if office is None else per_office[office]) + len(changed)
        jobs = planner.large if office is None else planner.small
        planner.plan(jobs, path, job, "conformiteit", *shown, rows=rows)


def compliance_shown(inputs: ComplianceInputs, office: str | None) -> tuple[object, ...]:
    """What a conformiteit workbook is made of: the run's findings, quarantine, files,
    checks and actions, and of the changes its office's (None: all) and what they compare
    with."""
    changes = inputs.changes
    compared = () if changes is None else (changes.conformiteit_block(office), changes.note())
    return (
        office,
        inputs.findings,
        inputs.quarantine,
        inputs.files,
        inputs.checks,
        inputs.actions,
        *compared,
    )


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
    con: duckdb.DuckDBPyConnection, run_id: str, reports_dir: Path, **options: Any
) -> list[Path]:
    """Write premies, office, conformiteit and federatie workbooks; returns their paths.
    The options are those of write_planned (which returns the plan, and can keep the
    workbooks whose content is in place)."""
    return write_planned(con, run_id, reports_dir, **options).paths


def write_planned(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    reports_dir: Path,
    school_years: Sequence[str] = (),
    workers: int | None = None,
    share_group: str = "",
    compared: Changes | None = None,
    in_place: InPlace | None = None,
) -> ReportPlan:
    """Write premies, office, conformiteit and federatie workbooks; returns the plan: every
    workbook of the run, and with in_place their content keys and those kept as they were.

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
        plan = plan_reports(con, run_id, reports_dir, school_years, compared, in_place)
        to_write = [p for p in plan.paths if p not in plan.kept]
        unfinished = partial(remove_partial, to_write)
        with interrupts.on_hard_exit(unfinished):  # a second Ctrl-C: after the workers' kill
            try:
                written = write_groups(plan.groups, workers)
            except BaseException:
                unfinished()  # the workers are dead: a killed one left its temporary file
                raise
    if sorted(written) != sorted(to_write):
        raise RuntimeError("the workbooks written are not the workbooks planned")
    return plan
