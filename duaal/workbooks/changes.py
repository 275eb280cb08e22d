"""The "Wijzigingen" sheet of the office and conformiteit workbooks: what changed since the
previous completed run, with its cause (duaal.changes computes it, once per run)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from duaal.workbooks.columns import SHORT_HEADERS
from duaal.workbooks.style import Block, Field

CHANGES = "Wijzigingen"
CHANGES_PURPOSE = "Wat sinds de vorige run veranderde, met de oorzaak."
NO_CHANGES = "Geen wijzigingen sinds de vorige run (of dit is de eerste run)."
# the rows come in the order of duaal.changes.CHANGE_HEADERS_NL: (position, kind, width,
# on paper); the school year, agreement, mentor and code only on the screen
LAYOUT = (
    (0, "text", 11, True),
    (1, "text", 10, True),
    (3, "kbo", None, True),
    (4, "insz", None, True),
    (8, "text", 14, True),
    (9, "wrap", 20, True),
    (10, "wrap", 20, True),
    (11, "wrap", 30, True),
    (2, "text", None, False),
    (5, "text", None, False),
    (6, "insz", None, False),
    (7, "text", None, False),
)


def change_fields(headers: Sequence[str]) -> tuple[Field, ...]:
    """The sheet's fields, each taking its cell from its position in a change row (a KBO
    number headed as on the other sheets)."""
    return tuple(
        Field(
            headers[i],
            SHORT_HEADERS["company_kbo"] if kind == "kbo" else headers[i],
            kind,
            width=width,
            paper=paper,
            value=itemgetter(i),
        )
        for i, kind, width, paper in LAYOUT
    )


def changes_block(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Block:
    """The changes as a list, or one line saying there were none."""
    return Block(change_fields(headers), rows, empty=NO_CHANGES)
