"""The "Wijzigingen" sheet of the office and conformiteit workbooks: what changed since the
previous completed run, with its cause (duaal.changes computes it, once per run)."""

from __future__ import annotations

from collections.abc import Sequence

from duaal.workbooks.style import Block, Column

CHANGES = "Wijzigingen"
NO_CHANGES = "Geen wijzigingen sinds de vorige run (of dit is de eerste run)"


def changes_block(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Block:
    """The changes as a list, or one line saying there were none."""
    if not rows:
        return Block((Column(CHANGES),), [(NO_CHANGES,)])
    return Block(tuple(Column(h) for h in headers), rows)
