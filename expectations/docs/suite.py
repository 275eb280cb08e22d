"""What a table must satisfy (expectations/<table>.html), from its contract: every
expectation in Dutch with why, its rules with their query, and the meaning of its columns."""

from __future__ import annotations

from html import escape

from expectations.docs.html import Col, folded, page, table, tech
from expectations.docs.wording import (
    CONTRACT_CHECK,
    RULE_PREFIX,
    join_nl,
    label,
    sentence,
    technical,
    why,
)
from transforms.contracts import Contract, load_contracts


def all_contracts() -> list[Contract]:
    """Every table's contract: staging tables first."""
    return sorted(load_contracts().values(), key=lambda c: (c.layer != "staging", c.table))


def checks_of(c: Contract) -> int:
    """The checks a validation runs on the table: its columns, expectations and rules."""
    return 1 + len(c.expectations()) + len(c.rules)


def suite_page(c: Contract) -> str:
    """What one table must satisfy."""
    rows = [
        (escape(sentence(c.table, CONTRACT_CHECK, {})), escape(why(c.table, CONTRACT_CHECK, {})))
    ]
    rows += [
        (
            escape(sentence(c.table, check.type, check.kwargs))
            + tech(technical(check.type, check.kwargs)),
            escape(check.notes),
        )
        for check in c.expectations()
    ]
    parts = [
        tech(f"{c.table} · laag {c.layer}"),
        f"<p>{escape(c.notes)}</p>",
        "<h2>Verwachtingen</h2>",
        table((Col("Verwachting"), Col("Waarom")), rows),
    ]
    if c.rules:
        rules = (
            (
                escape(r.notes) + tech(RULE_PREFIX + r.name),
                escape(join_nl([label(c.table, n) for n in r.column.split(",") if n])),
                folded("Query", f"<pre>{escape(r.sql)}</pre>"),
            )
            for r in c.rules
        )
        parts += [
            "<h2>Regels</h2>",
            '<p class="muted">Een regel is een query die de afwijkende rijen teruggeeft, voor wat '
            "een verwachting niet kan uitdrukken.</p>",
            table((Col("Regel"), Col("Kolommen"), Col("Query (SQL)")), rules),
        ]
    columns = ((escape(col.label) + tech(col.name), escape(col.meaning)) for col in c.columns)
    parts += ["<h2>Kolommen</h2>", table((Col("Kolom"), Col("Betekenis")), columns)]
    return page(f"Verwachtingen voor {c.title}", "\n".join(parts), "../index.html")
