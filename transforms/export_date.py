"""The export date an export states in its title rows (`Exportdatum: 28/11/2026`).

Portal exports often put a title and the date of the export above the header row. That
date says how old the data is (input check EXPORT_STALE); a file's modification time only
says when it was copied.
"""

from __future__ import annotations

import re
from datetime import date

from transforms.values import ValueProblem, is_empty, parse_date

# "Exportdatum", "Export datum", "Datum export", "Export date", with or without a colon
_LABEL = re.compile(
    r"^\s*(export\s*-?\s*datum|datum\s+(van\s+)?export|export\s*date)\s*:?\s*", re.I
)


def export_date(title_rows: list[list[object]]) -> date | None:
    """The first export date in the rows above the header: in the label's own cell
    (`Exportdatum: 28/11/2026`) or in the next filled cell of its row."""
    for row in title_rows:
        for index, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            label = _LABEL.match(cell)
            if label is None:
                continue
            rest = cell[label.end() :].strip()
            candidates = [rest] if rest else [c for c in row[index + 1 :] if not is_empty(c)][:1]
            for value in candidates:
                try:
                    return parse_date(value)
                except ValueProblem:
                    return None
    return None
