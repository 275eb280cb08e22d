"""What changed between two runs, and why: `duaal diff`, `duaal export changes`, the
"Wijzigingen" sheets of the workbooks and the count of changes in a run's summary.

Everything is computed in SQL over what the runs recorded (`run_decisions`, `run_findings`,
`run_payments`, `run_batches` and the lineage of the ingest tables); no rule is run again.
A run compares itself with the previous completed run as soon as it has recorded its
outputs (`since_previous`), before it completes: its workbooks are written while it is
still running, and show what `duaal diff` shows once it has completed.

The parts, one job each:

- `runs`: which two runs to compare (`resolve_runs`, `NotEnoughRuns`);
- `sql/*.sql` and `queries`: the comparison, statements run on the recorded tables;
- `causes`: each kind of cause as data; `words`: their words, English and Dutch;
- `assemble`: the rows of the comparison as `Change`s with their causes;
- `model`: `Change`, `Changes`, `ChangeCounts`, the export's columns;
- `render.terminal` (`duaal diff`), `render.markdown` (the Prefect artifact); the sheets
  are written by `duaal.outputs.workbooks.changes`, in the Dutch words of `words.DUTCH`.
"""

from duaal.history.changes.assemble import compare, compute_changes, since_previous
from duaal.history.changes.model import (
    CHANGE_EXPORT,
    DECISION_FIELDS,
    PAYMENT_FIELDS,
    Change,
    ChangeCounts,
    Changes,
    ComparedRun,
)
from duaal.history.changes.render.markdown import markdown_of
from duaal.history.changes.render.terminal import format_changes
from duaal.history.changes.runs import NotEnoughRuns, completed_runs, resolve_runs
from duaal.history.changes.words import DUTCH, ENGLISH, Words

__all__ = [
    "CHANGE_EXPORT",
    "DECISION_FIELDS",
    "DUTCH",
    "ENGLISH",
    "PAYMENT_FIELDS",
    "Change",
    "ChangeCounts",
    "Changes",
    "NotEnoughRuns",
    "ComparedRun",
    "Words",
    "compare",
    "completed_runs",
    "compute_changes",
    "format_changes",
    "markdown_of",
    "resolve_runs",
    "since_previous",
]
