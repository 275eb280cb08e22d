"""The Prefect artifact "since the previous run" of a run, in Markdown (English, as the
run's other artifacts): the two runs, the counts and the first changes as the export's
rows."""

from __future__ import annotations

from duaal.history.changes.model import CHANGE_EXPORT, Changes

TITLE = "# Since the previous run"


def markdown_of(changes: Changes, limit: int = 50) -> str:
    """Markdown "since the previous run" of a run's comparison (`since_previous`, which the
    run itself made in its changes stage): the counts and the first `limit` changes."""
    b, a = changes.before, changes.after
    if b is None:
        return f"{TITLE}\n\nRun {a.run_id} is the first completed run.\n"
    lines = [
        TITLE,
        "",
        f"From run {b.run_id} (as_of {b.as_of}) to run {a.run_id} (as_of {a.as_of}).",
        "",
    ]
    if not changes.items:
        lines.append("Nothing changed: the same decisions, findings, payments and quarantine.")
        return "\n".join(lines) + "\n"
    lines += [f"Changes: {changes.counts().parts()}.", ""]
    lines.append("| " + " | ".join(CHANGE_EXPORT) + " |")
    lines.append("| " + " | ".join("---" for _ in CHANGE_EXPORT) + " |")
    for row in changes.rows[:limit]:
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if len(changes.items) > limit:
        lines += ["", f"... and {len(changes.items) - limit} more: `duaal diff --to {a.run_id}`."]
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")
