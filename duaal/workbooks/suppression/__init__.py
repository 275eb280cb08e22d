"""Which federation figures can be published: primary and complementary suppression
(`choice.py`, split by purpose in the next commit)."""

from duaal.workbooks.suppression.choice import (
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
    Protection,
    exclusive_reasons,
    is_small,
    protect,
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
    "exclusive_reasons",
    "is_small",
    "protect",
]
