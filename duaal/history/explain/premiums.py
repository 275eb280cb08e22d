"""Money in words: the premiums before a decision, each year with where it came from
(int_premiums_before, the premium history), and the payment of the premium decided, as the
run reconciled it (RULES.md, "Payment reconciliation": run_payments, one of six statuses)."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from duaal.history.explain.queries import Facts
from duaal.history.explain.run import code_label
from duaal.history.explain.story import HEADING, LINE, SUBLINE, Story
from duaal.history.explain.words import day, eur, num, source


def tell_premiums(story: Story, facts: Facts) -> list[dict[str, Any]]:
    """The earlier school years the cap counts: paid (history rows) or decided eligible."""
    premiums = facts.premiums or {"paid_years_before": [], "decided_years_before": []}
    maximum = premiums.get("max_premiums", "?")
    story.add(HEADING, f"Eerdere premies: {facts.stored['premiums_before']} (maximum {maximum})")
    data: list[dict[str, Any]] = []
    for p in facts.paid:
        story.add(
            LINE,
            f"{p['school_year']}: {p['kind']} van EUR {num(p['amount_eur'])} uitbetaald op "
            f"{day(p['paid_on'])}, uit de historiek; bron "
            + source("premies", p["file_name"], p["row_number"]),
        )
        data.append(
            {"school_year": p["school_year"], "from": "history", "kind": p["kind"],
             "file": f"premies/{p['file_name']}", "row": p["row_number"]}
        )  # fmt: skip
    for year in premiums["decided_years_before"]:
        story.add(
            LINE, f"{year}: premie toegekend door deze pipeline (beslissing van dezelfde run)"
        )
        data.append({"school_year": year, "from": "decision"})
    if not data:
        story.add(LINE, "geen eerdere premie voor deze lerende bij deze onderneming")
    story.add(LINE, f"verschillende schooljaren samen: {premiums.get('premiums_before', 0)}")
    return data


def tell_payment(
    con: duckdb.DuckDBPyConnection, story: Story, facts: Facts, as_of: date
) -> dict[str, Any] | None:
    """The payment of this decision's premium as the run reconciled it, or why there is
    none to reconcile."""
    stored, p = facts.stored, facts.payment
    story.add(HEADING, f"Uitbetaling van de premie {stored['school_year']}")
    if p is None:
        story.add(LINE, _not_reconciled(stored))
        return None
    story.add(LINE, f"Afstemming van de run: {code_label(con, 'payment_status', p['status'])}")
    story.add(SUBLINE, _payment_words(p, as_of))
    return _payment_data(con, p)


def tell_payment_without_decision(
    con: duckdb.DuckDBPyConnection, story: Story, p: dict[str, Any]
) -> dict[str, Any]:
    """A premium paid in a school year in which the pair has no decision (no_decision)."""
    story.add(
        HEADING,
        f"Schooljaar {p['school_year']} bij onderneming {p['company_kbo']} "
        f"({p['company_name']}): uitbetaling zonder beslissing",
    )
    story.add(LINE, f"Afstemming van de run: {code_label(con, 'payment_status', p['status'])}")
    story.add(SUBLINE, _payment_words(p, None))
    return _payment_data(con, p) | {
        "school_year": p["school_year"],
        "company_kbo": p["company_kbo"],
    }


def _not_reconciled(stored: dict[str, Any]) -> str:
    """Why a decision has no reconciliation row: the rule reconciles final years only, in
    which a premium was decided or paid."""
    if stored["status"] == "provisional":
        return (
            "nog niet afgestemd: het schooljaar is voorlopig, de betaling wordt pas na het "
            "einde ervan afgestemd"
        )
    if not stored["eligible"]:
        return "geen premie beslist en geen premie uitbetaald: niets af te stemmen"
    return "niet afgestemd: deze run stemde de betalingen nog niet af"


def _payment_words(p: dict[str, Any], as_of: date | None) -> str:
    """What happened to the premium, per status, with its amounts and dates."""
    status, decided = p["status"], eur(p["decided_eur"])
    if status == "awaited":
        return (
            f"nog niet uitbetaald; verwacht uiterlijk {day(p['expected_by'])} ({decided} beslist)"
        )
    if status == "missing":
        return (
            f"niet uitbetaald: {decided} beslist, verwacht uiterlijk {day(p['expected_by'])}; "
            f"op de peildatum {day(as_of)} is er niets betaald"
        )
    paid = f"uitbetaald op {day(p['paid_on'])}: {eur(p['paid_eur'])}"
    row = source("premies", p["payment_file_name"], p["payment_row_number"])
    if status == "paid":
        return f"{paid}, zoals beslist; bron {row}"
    if status == "amount_differs":
        difference = p["paid_eur"] - p["decided_eur"]
        return (
            f"{paid}, maar beslist was {decided}: {eur(abs(difference))} "
            f"{'te weinig' if difference < 0 else 'te veel'}; bron {row}"
        )
    if status == "not_due":
        return f"{paid}, maar de beslissing gaf geen recht op de premie; bron {row}"
    return (
        f"{paid}, maar zonder beslissing: geen actieve overeenkomst van de lerende bij deze "
        f"onderneming in {p['school_year']}; bron {row}"
    )


def _payment_data(con: duckdb.DuckDBPyConnection, p: dict[str, Any]) -> dict[str, Any]:
    """What the JSON form gives of a reconciliation row."""
    return {
        "status": p["status"],
        "status_label": code_label(con, "payment_status", p["status"]),
        "decided_eur": p["decided_eur"],
        "paid_eur": p["paid_eur"],
        "paid_on": p["paid_on"],
        "expected_by": p["expected_by"],
        "file": f"premies/{p['payment_file_name']}" if p["payment_file_name"] else None,
        "row": p["payment_row_number"],
    }
