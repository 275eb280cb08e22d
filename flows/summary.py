"""The summary a run prints and publishes: plain text and markdown, no Prefect needed.

It names counts, codes, offices, files and run ids; never a person (the markdown becomes
a Prefect artifact that a whole team may read).
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from pathlib import Path

from duaal.common.settings import Settings
from duaal.outputs.workbooks.manifest import MANIFEST, Entry
from duaal.run.check_results import InputCheck
from duaal.run.pipeline import RunSummary


def write_out(text: str) -> None:
    """Print a line on stdout. A closed pipe (`duaal run | head -1`) never fails a run: the
    line is dropped, and stdout goes to /dev/null from then on, so later lines and the flush
    at exit are dropped too instead of raising BrokenPipeError."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        with suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)


def _euro(amount: int) -> str:
    return f"EUR {amount:,}".replace(",", ".")


def check_lines(checks: list[InputCheck]) -> list[str]:
    """Every input check above info, code first, with file and row."""
    return [c.line() for c in checks if c.severity != "info"]


def warnings_message(summary: RunSummary) -> str:
    """One message for a run that completed with warnings (Prefect state, notification)."""
    shown = check_lines(summary.checks)
    more = f" (and {len(shown) - 5} more)" if len(shown) > 5 else ""
    return (
        f"duaal run {summary.run_id} completed with {summary.warnings} input warning(s): "
        + "; ".join(shown[:5])
        + more
    )


def summary_lines(summary: RunSummary) -> list[str]:
    """The figures of a run, one line each."""
    loaded = [f for f in summary.files if f.status == "loaded"]
    skipped = [f for f in summary.files if f.status == "skipped"]
    refused = [f for f in summary.files if f.status == "refused"]
    lines = [
        f"run {summary.run_id}: {summary.outcome}, as_of {summary.as_of.isoformat()}",
        f"files: {len(loaded)} loaded, {len(skipped)} skipped (loaded before), "
        f"{len(refused)} refused; {summary.quarantined_rows} rows in quarantine",
    ]
    shown = check_lines(summary.checks)
    lines.append(f"input checks: {len(shown)} above info" + (":" if shown else ""))
    lines += [f"  {line}" for line in shown]
    lines.append(
        f"decisions: {summary.decisions}, eligible: {summary.eligible}, "
        f"total {_euro(sum(summary.amount_per_office.values()))}"
    )
    lines += [
        f"  {office}: {_euro(amount)}" for office, amount in summary.amount_per_office.items()
    ]
    findings = ", ".join(f"{n} {sev}" for sev, n in summary.findings_by_severity.items())
    lines.append(f"findings: {findings or 'none'}")
    payments = ", ".join(f"{n} {status}" for status, n in summary.payments_by_status.items())
    lines.append(f"payments reconciled: {payments or 'none'}")
    if summary.changes is not None:  # counts only: the summary names no person
        lines.append(summary.changes.text())
    lines += [f"  data quality warning: {w}" for w in summary.staging_warnings]
    return lines


TIME_TITLE = "where the time went (seconds):"


def stage_times(summary: RunSummary) -> list[tuple[str, float]]:
    """Each stage the run went through and its seconds, in run order, then the total."""
    times = [(name, round(s, 2)) for name, s in summary.stage_seconds.items()]
    if times:
        times.append(("total", round(sum(summary.stage_seconds.values()), 2)))
    return times


def time_lines(summary: RunSummary) -> list[str]:
    """Where the time went: one line per stage, seconds with two decimals."""
    times = stage_times(summary)
    if not times:
        return []
    width = max(len(name) for name, _ in times)
    return [TIME_TITLE] + [f"  {name:<{width}} {s:8.2f}" for name, s in times]


SHOWN_GROUPS = 8  # folders of other runs' workbooks named one by one; the rest counted


def _by_folder(names: list[str]) -> str:
    """'2024-2025/ 8, conformiteit/ 7': how many workbooks in each folder."""
    folders: dict[str, int] = {}
    for name in names:
        folder = name.rpartition("/")[0] or "."
        folders[folder] = folders.get(folder, 0) + 1
    return ", ".join(f"{folder}/ {n}" for folder, n in folders.items())


def report_lines(summary: RunSummary, reports: Path) -> list[str]:
    """Which workbooks the run wrote, per folder, and which workbooks of other runs remain
    in the reports folder (a --school-year run, another as_of), per folder and run."""
    if not summary.reports:
        return []
    kept = summary.kept_reports
    mine = sorted(p.relative_to(reports).as_posix() for p in summary.reports)
    written = len(mine) - len(kept)
    lines = [
        f"reports: {written} workbooks written under {reports} (listed in {MANIFEST}): "
        + _by_folder(mine)
    ]
    if kept:
        lines[0] = (
            f"reports: {len(mine)} workbooks under {reports} (listed in {MANIFEST}): "
            + _by_folder(mine)
        )
        writers = sorted({(e.run_id or "?", e.as_of) for e in kept}, key=lambda w: w[0])
        by = ", ".join(f"run {r} (as_of {a.isoformat() if a else '?'})" for r, a in writers)
        lines.append(f"  {written} written, {len(kept)} unchanged and kept as written by {by}")
    others = summary.other_reports
    if not others:
        return lines
    groups: dict[tuple[str, str | None], list[Entry]] = {}
    for entry in others:
        groups.setdefault((entry.folder, entry.run_id), []).append(entry)
    lines.append(
        f"  the folder mixes runs: {len(others)} workbooks there were written by other runs:"
    )
    for (folder, run_id), entries in list(groups.items())[:SHOWN_GROUPS]:
        first = entries[0]
        by = (
            f"run {run_id} (as_of {first.as_of.isoformat() if first.as_of else '?'})"
            if run_id
            else f"an unknown run (before {MANIFEST})"
        )
        lines.append(f"    {folder}/ {len(entries)} by {by}")
    if len(groups) > SHOWN_GROUPS:
        rest = sum(len(e) for e in list(groups.values())[SHOWN_GROUPS:])
        lines.append(
            f"    and {rest} more, in {len(groups) - SHOWN_GROUPS} folders: see {MANIFEST}"
        )
    return lines


def format_summary(summary: RunSummary, settings: Settings) -> str:
    """The text `duaal run` prints at the end."""
    lines = summary_lines(summary) + time_lines(summary)
    lines += report_lines(summary, settings.reports)
    if summary.docs_index:
        lines.append(f"data docs: {summary.docs_index}")
    lines.append(f"database: {settings.db}")
    return "\n".join(lines)


def summary_markdown(summary: RunSummary) -> str:
    """The run summary as a markdown artifact."""
    lines = summary_lines(summary)
    out = [f"# duaal run {summary.run_id}", "", f"**{summary.outcome}**", ""]
    out += [f"- {line.strip()}" for line in lines[1:]]
    times = stage_times(summary)
    if times:
        out += ["", "## Where the time went", "", "| stage | seconds |", "| --- | ---: |"]
        out += [f"| {name} | {s:.2f} |" for name, s in times]
    return "\n".join(out)
