"""The Actielijst of the conformiteit workbooks: what an adviser can still do today to save
a premium, read from the mart fct_action_items (which decides what is an action, its urgency
group, its last day, the days left or past and the money at stake).

One list per urgency group, in the mart's order (today first, then within 7 and 30 days,
then a term passed but still worth acting on, then later), each under a bold heading that
says how many actions and how much money the group holds; within a group by company (its
name and KBO number on every row, so the rows stay whole when filtered), then by last day,
as the mart ranks them. On paper: by when, what is at stake, whom to call (the company, the
learner and the mentor by name and INSZ) and what to do; the rest on the screen only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby

from duaal.history.explain.words import eur
from duaal.outputs.workbooks.columns import mart_field
from duaal.outputs.workbooks.data import ACTIONS, Row
from duaal.outputs.workbooks.labels import NO_OFFICE, CodeLabels, severity_label
from duaal.outputs.workbooks.style import NOT_SET, Block, Field
from duaal.outputs.workbooks.toelichting import MEANING, TOPIC, glossary_rows
from transforms.identifiers import format_insz

PURPOSE = (
    "Wat vandaag nog een premie kan redden: eerst wat vandaag, binnen de week en binnen de "
    "maand moet gebeuren, per onderneming, met het bedrag op het spel, voor wie en wat te doen."
)
TITLE = "Actielijst: wat nog een premie kan redden, het dringendste eerst"
EMPTY = "Geen acties: er is niets dat nog een premie kan redden of terughalen."
NOTES: tuple[tuple[str, str], ...] = (
    (
        "Actielijst",
        "Eén rij per actie die nog een premie kan redden of een uitbetaling kan rechtzetten, "
        "in groepen: vandaag, binnen de week, binnen de maand, termijn verstreken maar nog "
        "zinvol, later. Binnen een groep per onderneming, dan per uiterste datum. Wat niet "
        "meer kan helpen (een schooljaar dat al definitief is), staat er niet op.",
    ),
    (
        "Dagen resterend en dagen te laat",
        "Dagen resterend: tot en met de uiterste datum, 0 is vandaag, nooit negatief. Dagen "
        "te laat: sinds de eigen termijn van de vaststelling verstreek (de start van de "
        "overeenkomst voor de Dimona, de opleidingstermijn van de mentor, de verwachte datum "
        "van een uitbetaling); de actie helpt dan nog tot de uiterste datum.",
    ),
    (
        "Premie op het spel",
        "De premie (€ 1.000 met, € 600 zonder leervergoeding) die de actie nog kan redden; bij "
        "een uitbetaling die niet klopt: de beslist premie die ontbreekt, het verschil, of "
        "het uitbetaalde bedrag zonder recht.",
    ),
)


def _person(name_col: str, insz_col: str) -> Callable[[Row], str | None]:
    """A person by name, with the INSZ in its usual form on the next line."""

    def cell(row: Row) -> str | None:
        name, insz = row[name_col], row[insz_col]
        if insz is None:
            return name
        number = format_insz(insz)
        return f"{name}\n{number}" if name else number

    return cell


def _at_stake(row: Row) -> object:
    """The money at stake; in words while the rule configuration has no amounts yet."""
    amount = row["premium_at_stake_eur"]
    return NOT_SET if amount is None else amount


def action_item_fields(labels: CodeLabels) -> tuple[Field, ...]:
    """An action as the Actielijst shows it: on paper by when, how many days are left or
    past, whom (company, learner, mentor), what is at stake and what to do."""

    def column(name: str, kind: str | None = None, **options: object) -> Field:
        return mart_field(ACTIONS, name, kind, **options)

    return (
        column("due_date", "date"),
        column("days_left", "int", width=9),
        column("days_overdue", "int", header="Dagen te laat", width=8),
        column("company_name", width=16),
        column("company_kbo"),
        # named after the name's column: the glossary describes it
        column("learner_name", width=16, value=_person("learner_name", "learner_insz")),
        column("mentor_name", width=16, value=_person("mentor_name", "mentor_insz")),
        column("school_years", header="Schooljaar", width=10),
        column("premium_at_stake_eur", "eur", value=_at_stake),
        column("action", "wrap", width=26),
        # on the screen only
        column("detail", "wrap", header="Vaststelling", paper=False),
        column("office", paper=False, value=lambda r: r["office"] or NO_OFFICE),
        column("urgency_label", paper=False),
        Field("rule", "Regel", paper=False, value=lambda r: labels.finding(r["code"])),
        column("severity", paper=False, value=lambda r: severity_label(r["severity"])),
        column("overdue_since", "date", paper=False),
        column("agreement_ids", paper=False),
        column("establishment_id", paper=False),
        column("learner_insz", paper=False),
        column("mentor_insz", paper=False),
        column("action_rank", "int", paper=False),
    )


def _count(n: int) -> str:
    return f"{n} actie" if n == 1 else f"{n} acties"


def group_heading(label: str, rows: Sequence[Row]) -> str:
    """'Vandaag: 3 acties, € 2.600 op het spel' (the sum of the amounts known)."""
    amounts = [r["premium_at_stake_eur"] for r in rows if r["premium_at_stake_eur"] is not None]
    money = f", {eur(sum(amounts))} op het spel" if amounts else ""
    return f"{label}: {_count(len(rows))}{money}"


def action_blocks(items: Sequence[Row], labels: CodeLabels) -> list[Block]:
    """A list per urgency group, in the mart's order, each under its heading."""
    fields = action_item_fields(labels)
    ordered = sorted(items, key=lambda r: r["action_rank"])
    blocks = []
    for (_, label), group in groupby(
        ordered, key=lambda r: (r["urgency_order"], r["urgency_label"])
    ):
        rows = list(group)
        blocks.append(Block(fields, rows, heading=group_heading(label, rows)))
    return blocks or [Block(fields, [])]


def glossary_block(labels: CodeLabels) -> Block:
    """The Actielijst's columns, as the contract of its mart describes them (Toelichting)."""
    rows = glossary_rows(ACTIONS, action_item_fields(labels))
    return Block((TOPIC, MEANING), rows, heading="Begrippen van de Actielijst")
