"""The story of a learner's decisions in one run, per company and school year: the decision as
stored, then each fact it was built from, as the models hold it, in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from duaal.common.export_columns import DECISION_EXPORT
from duaal.history.explain import premiums, training
from duaal.history.explain.conditions import tell_agreements
from duaal.history.explain.guard import disagreements
from duaal.history.explain.queries import (
    LEARNER_MODELS,
    Facts,
    paid_without_decision,
    payments_without_decision,
    read_facts,
    stored_decisions,
)
from duaal.history.explain.run import (
    LEARNER_IN_RUN,
    NothingToExplain,
    Run,
    agreements_naming,
    code_label,
    person_in_run,
    rebuild,
)
from duaal.history.explain.story import HEADING, LINE, SUBLINE, TITLE, Story
from duaal.history.explain.words import day, num
from transforms.identifiers import normalise_kbo
from transforms.models import MODELS_DIR


def explain_learner(
    db: Path,
    learner: str,
    *,
    company: str | None = None,
    school_year: str | None = None,
    run_id: str | None = None,
    timeout_s: float = 60.0,
    models_dir: Path = MODELS_DIR,
) -> Story:
    """The story of a learner's decisions in one run (per company and school year), and of
    the premiums paid in a year without a decision. A learner purged since is found by the
    pseudonym, given or made with DUAAL_PSEUDONYM_KEY. The models are rebuilt (from
    models_dir) on the run's rows of the learner."""
    kbo = normalise_kbo(company) if company else None
    with person_in_run(db, learner, LEARNER_IN_RUN, run_id, timeout_s) as (con, run, insz):
        stored = stored_decisions(con, run, insz, kbo, school_year)
        if not stored and not paid_without_decision(con, run, insz, kbo, school_year):
            raise NothingToExplain(
                f"run {run.run_id} has no decision for learner {insz}"
                + (f" at company {kbo}" if kbo else "")
                + (f" in {school_year}" if school_year else "")
            )
        # the learner's rows only: every version of an agreement or Dimona period that ever
        # named the learner (so the version the run chose is among them), the premiums paid
        # for the learner, every recognition (the mentors)
        rebuild(
            con,
            run,
            {
                "ingest_overeenkomsten": agreements_naming("learner_insz", insz),
                "ingest_dimona": "dimona_id IN (SELECT dimona_id FROM src.ingest_dimona "
                f"WHERE worker_insz = '{insz}')",
                "ingest_premies": f"learner_insz = '{insz}'",
            },
            LEARNER_MODELS,
            models_dir,
        )
        story = _title(run, insz)
        for decision in stored:
            facts = read_facts(con, run, decision)
            story.data["decisions"].append(tell_decision(con, story, run, facts))
        unmatched = payments_without_decision(con, run, insz, kbo, school_year)
        story.data["payments_without_decision"] = [
            premiums.tell_payment_without_decision(con, story, p) for p in unmatched
        ]
        return story


def _title(run: Run, insz: str) -> Story:
    story = Story()
    story.add(TITLE, f"Uitleg premie kwalificerend werkplekleren voor lerende {insz}")
    story.add(
        LINE,
        f"Run {run.run_id}, referentiedatum (as_of) {day(run.as_of)}, regels versie "
        f"{run.rule_version}, code {run.code_version}",
    )
    story.data = {
        "run": {
            "run_id": run.run_id,
            "as_of": run.as_of.isoformat(),
            "rule_version": run.rule_version,
        },
        "learner_insz": insz,
        "decisions": [],
    }
    return story


def tell_decision(
    con: duckdb.DuckDBPyConnection, story: Story, run: Run, facts: Facts
) -> dict[str, Any]:
    """The story of one decision, section by section; returns what the JSON form gives."""
    codes = _tell_stored(con, story, facts)
    problems = disagreements(facts)
    for problem in problems:
        story.add(LINE, f"LET OP: {problem}")
    data: dict[str, Any] = {
        "decision": _decision_data(facts.stored, codes),
        "recomputed_agrees": not problems,
        "disagreements": problems,
        "agreements": tell_agreements(story, facts, run.as_of),
        "dimona": training.tell_periods(story, facts),
    }
    data |= training.tell_months(story, facts, run.as_of)
    data["premiums_before"] = premiums.tell_premiums(story, facts)
    data["payment"] = premiums.tell_payment(con, story, facts, run.as_of)
    return data


def _tell_stored(con: duckdb.DuckDBPyConnection, story: Story, facts: Facts) -> list[str]:
    """The decision exactly as the run stored it, every reason with its label; its codes."""
    stored = facts.stored
    year = stored["school_year"]
    story.add(HEADING, f"Schooljaar {year} bij onderneming {stored['company_kbo']} "
              f"({stored['company_name']})")  # fmt: skip
    eligible = stored["eligible"]
    verdict = "komt in aanmerking" if eligible else "komt niet in aanmerking"
    amount = f"bedrag EUR {stored['amount_eur']}"
    if eligible and not facts.amounts_configured:  # AMOUNTS_MISSING: the amount not yet set
        amount = f"bedrag nog niet vastgelegd (geen bedragen voor {year} in de regelconfiguratie)"
    story.add(
        LINE,
        f"Beslissing van de run: {verdict}, {amount}, "
        f"{code_label(con, 'decision_status', stored['status'])}, gedekte maanden "
        f"{num(stored['months_covered'])}, eerdere premies {stored['premiums_before']}, "
        f"kantoor {stored['office']} (provincie {stored['province']})",
    )
    codes = [c for c in (stored["reasons"] or "").split(";") if c]
    for code in codes:
        story.add(SUBLINE, f"{code}: {code_label(con, 'reason', code)}")
    story.add(LINE, f"Toelichting: {stored['explanation']}")
    return codes


def _decision_data(stored: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    """The decision with the fields of `duaal export decisions`, its reason codes and text."""
    decision = {f: stored[f] for f in DECISION_EXPORT}
    decision["months_covered"] = round(stored["months_covered"], 2)
    decision["reasons"] = stored["reasons"] or ""
    decision["reason_codes"] = codes
    decision["explanation"] = stored["explanation"]
    return decision
