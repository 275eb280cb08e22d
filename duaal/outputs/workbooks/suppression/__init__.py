"""Which federation figures can be published: primary and complementary (secondary)
suppression, for a school year as a whole.

- `system.py`: the year's groups and measures, and the linear system a reader who knows
  the rule book writes them down as;
- `reader.py`: that reader's linear program over the cells as published, and the points
  earlier programs found;
- `complements.py`: the cheapest published cells to hide with a value that must keep a
  range (the attacker problem);
- `choice.py`: which cells show "< 5" or "—", first primary, then complementary
  suppression (`protect`).

The result depends only on the year's decisions, so every workbook and sheet that shows a
year's figures shows the same ones hidden.
"""

from duaal.outputs.workbooks.suppression.choice import Protection, protect
from duaal.outputs.workbooks.suppression.system import (
    AMOUNT,
    CONFORM,
    ELIGIBLE,
    HIDDEN,
    LEARNERS,
    MIN_GROUP,
    NEVER_SHOWN,
    REFUSED,
    SHOWN,
    SMALL,
    TOTAL,
    Group,
    YearGroups,
    cell_key,
    exclusive_reasons,
    is_small,
)

__all__ = [
    "AMOUNT",
    "CONFORM",
    "ELIGIBLE",
    "HIDDEN",
    "LEARNERS",
    "MIN_GROUP",
    "NEVER_SHOWN",
    "REFUSED",
    "SHOWN",
    "SMALL",
    "TOTAL",
    "Group",
    "Protection",
    "YearGroups",
    "cell_key",
    "exclusive_reasons",
    "is_small",
    "protect",
]
