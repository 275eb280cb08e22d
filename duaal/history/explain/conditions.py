"""The agreements of a decision and their four conditions (RULES.md, "Premium decision"), in
words, from int_agreement_conditions: each condition's verdict and its dates as the model
judged them; what is still ahead of as_of (a provisional year) as the model flags it."""

from __future__ import annotations

from datetime import date
from typing import Any

from duaal.history.explain.queries import Facts
from duaal.history.explain.story import HEADING, LINE, SUBLINE, Story
from duaal.history.explain.words import day, exact, source, yes_no

# what the JSON form gives of each agreement
AGREEMENT_FIELDS = (
    "agreement_id",
    "agreement_type",
    "start_date",
    "end_date",
    "effective_end_date",
    "registration_date",
    "registration_deadline",
    "registered_on_time",
    "registration_pending",
    "in_flanders",
    "consent_with_iban",
    "mentor_insz",
    "mentor_trained",
    "mentor_training_due",
    "qualifies",
    "in_basis",
)


def tell_agreements(story: Story, facts: Facts, as_of: date) -> list[dict[str, Any]]:
    """Each active agreement of the pair in the year, its four conditions and its part in
    the coverage basis; returns what the JSON form gives."""
    agreements = facts.agreements
    story.add(
        HEADING, f"Overeenkomsten actief in {facts.stored['school_year']} ({len(agreements)})"
    )
    data = []
    for a in agreements:
        story.add(
            LINE,
            f"{a['agreement_id']} ({a['agreement_type']}), {day(a['start_date'])} tot "
            f"{day(a['end_date'])}"
            + (f", beëindigd op {day(a['termination_date'])}" if a["termination_date"] else "")
            + f", {exact(a['hours_per_week'])} uur per week, leervergoeding "
            f"{yes_no(a['learning_allowance'])}; bron "
            + source("overeenkomsten", a["file_name"], a["row_number"]),
        )
        for line in (registration(a, as_of), region(a), consent(a), mentor(a, as_of)):
            story.add(SUBLINE, line)
        verdict = "voldoet aan de vier voorwaarden" if a["qualifies"] else (
            "voldoet niet aan alle voorwaarden")  # fmt: skip
        basis = "telt mee voor de gedekte maanden" if a["in_basis"] else "telt niet mee"
        story.add(SUBLINE, f"{verdict}; {basis}")
        data.append(
            {f: a[f] for f in AGREEMENT_FIELDS}
            | {"file": f"overeenkomsten/{a['file_name']}", "row": a["row_number"]}
        )
    return data


def registration(a: dict[str, Any], as_of: date) -> str:
    """1. registered on time: the date, the deadline and the verdict."""
    deadline = day(a["registration_deadline"])
    if a["registration_pending"]:  # the deadline is still ahead: what must still happen
        return (
            f"1. registratie: de overeenkomst moet uiterlijk op {deadline} geregistreerd zijn; "
            f"op de peildatum {day(as_of)} is ze dat nog niet, dus telt ze nog niet als tijdig "
            "geregistreerd"
        )
    if a["registration_date"] is None:
        return f"1. registratie: niet geregistreerd, uiterlijk {deadline}: niet op tijd"
    return (
        f"1. registratie: geregistreerd op {day(a['registration_date'])}, uiterlijk {deadline}: "
        + ("op tijd" if a["registered_on_time"] else "te laat")
    )


def region(a: dict[str, Any]) -> str:
    """2. in Flanders: the establishment, its postcode and province, and the verdict."""
    return (
        f"2. Vlaanderen: vestiging {a['establishment_id']} in {a['establishment_postcode']} "
        f"{a['establishment_municipality']}, provincie {a['province'] or 'onbekend'}: "
        + ("in het Vlaams Gewest" if a["in_flanders"] else "buiten het Vlaams Gewest")
    )


def consent(a: dict[str, Any]) -> str:
    """3. consent with a bank account: both, and the verdict."""
    return (
        f"3. toestemming: toestemming premie {yes_no(a['premium_consent'])}, IBAN "
        f"{'ingevuld' if a['has_iban'] else 'niet ingevuld'}: "
        + ("in orde" if a["consent_with_iban"] else "niet in orde")
    )


def mentor(a: dict[str, Any], as_of: date) -> str:
    """4. a trained mentor: the register, the training date or exemption, the due date."""
    who, due = f"4. mentor {a['mentor_insz']}", day(a["mentor_training_due"])
    trained = a["mentor_training_date"]
    if not a["mentor_known"]:
        return f"{who}: niet in het register van erkenningen: niet opgeleid"
    if a["mentor_training_exempt"]:
        return f"{who}: vrijgesteld van de mentoropleiding: in orde"
    if a["mentor_training_pending"]:  # the due date is still ahead: what must still happen
        return (
            f"{who}: moet uiterlijk op {due} een mentoropleiding gevolgd hebben; op de "
            f"peildatum {day(as_of)} is er nog geen: nog niet opgeleid"
        )
    if trained is None:
        return f"{who}: geen mentoropleiding, uiterlijk {due}: niet opgeleid"
    if a["mentor_training_planned"]:  # the register gives a date still to come
        return f"{who}: mentoropleiding gepland op {day(trained)}, uiterlijk {due}: " + (
            "op tijd als ze doorgaat" if a["mentor_trained"] else "te laat, ook als ze doorgaat"
        )
    return f"{who}: opgeleid op {day(trained)}, uiterlijk {due}: " + (
        "op tijd" if a["mentor_trained"] else "te laat"
    )
