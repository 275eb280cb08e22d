"""The story of a mentor in one run: recognitions, the training deadline and how the training
stands at as_of (int_mentors), the agreements naming the mentor, the day of peak load and
the agreements running then (int_mentor_load), and the run's findings about the mentor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from duaal.history.explain.queries import MENTOR_MODELS, MentorFacts, read_mentor_facts
from duaal.history.explain.run import (
    MENTOR_IN_RUN,
    NothingToExplain,
    Run,
    agreements_naming,
    code_label,
    parameters,
    person_in_run,
    rebuild,
)
from duaal.history.explain.story import LINE, TITLE, Story
from duaal.history.explain.words import day, source, yes_no
from transforms.models import MODELS_DIR

RECOGNITION_FIELDS = (
    "recognition_id",
    "company_kbo",
    "recognition_date",
    "mentor_training_date",
    "mentor_training_exempt",
    "file_name",
    "row_number",
)


def explain_mentor(
    db: Path,
    mentor: str,
    *,
    run_id: str | None = None,
    timeout_s: float = 60.0,
    models_dir: Path = MODELS_DIR,
) -> Story:
    """A mentor's story in a run: recognitions, training deadline, the agreements naming the
    mentor, the day of peak load and the agreements running then, the findings."""
    with person_in_run(db, mentor, MENTOR_IN_RUN, run_id, timeout_s) as (con, run, insz):
        only = {
            "ingest_overeenkomsten": agreements_naming("mentor_insz", insz),
            "ingest_erkenningen": f"mentor_insz = '{insz}'",
            "ingest_dimona": "false",
            "ingest_premies": "false",
        }
        rebuild(con, run, only, MENTOR_MODELS, models_dir)
        facts = read_mentor_facts(con, run, insz)
        if not facts.recognitions and not facts.agreements:
            raise NothingToExplain(f"run {run.run_id} knows no mentor {insz}")
        return _tell(con, run, insz, facts)


def _tell(con: duckdb.DuckDBPyConnection, run: Run, insz: str, facts: MentorFacts) -> Story:
    cfg = parameters(con)
    story = Story()
    story.add(TITLE, f"Uitleg voor mentor {insz}")
    story.add(
        LINE, f"Run {run.run_id}, referentiedatum (as_of) {day(run.as_of)}, code {run.code_version}"
    )
    story.section(
        f"Erkenningen ({len(facts.recognitions)})",
        (
            f"{r['recognition_id']} bij onderneming {r['company_kbo']}, erkend op "
            f"{day(r['recognition_date'])}, {r['years_experience']} jaar ervaring, "
            f"opleiding {day(r['mentor_training_date'])}, vrijstelling "
            f"{yes_no(r['mentor_training_exempt'])}; "
            f"bron {source('erkenningen', r['file_name'], r['row_number'])}"
            for r in facts.recognitions
        ),
    )
    if facts.mentor:
        m = facts.mentor
        story.add(
            LINE,
            f"Mentoropleiding uiterlijk {day(m['training_deadline'])} (eerste erkenning "
            f"{day(m['first_recognition_date'])} + {cfg['mentor_training_months']} maanden): "
            + training_state(m, run),
        )
    story.section(
        f"Overeenkomsten met deze mentor ({len(facts.agreements)})",
        (
            f"{a['agreement_id']} ({a['agreement_type']}) lerende {a['learner_insz']} bij "
            f"{a['company_kbo']}, {day(a['start_date'])} tot {day(a['effective_end_date'])}; "
            f"bron {source('overeenkomsten', a['file_name'], a['row_number'])}"
            for a in facts.agreements
        ),
    )
    load = facts.load
    if load and load["peak_date"]:
        story.add(
            LINE,
            f"Piek: {load['peak_agreements']} overeenkomsten tegelijk op {day(load['peak_date'])} "
            f"(maximum {cfg['mentor_max_agreements']}): {', '.join(load['peak_agreement_ids'])}",
        )
    story.section(
        f"Bevindingen ({len(facts.findings)})",
        (
            # an agreement's finding names it: a mentor's agreements may start the same day
            f"{f['code']} ({f['severity']})"
            + (f", overeenkomst {f['agreement_id']}" if f["agreement_id"] else "")
            + f": {code_label(con, 'finding', f['code'])}; {f['detail']}"
            for f in facts.findings
        ),
    )
    story.data = _data(run, insz, facts)
    return story


def training_state(m: dict[str, Any], run: Run) -> str:
    """How the mentor's training stands at as_of, as int_mentors judged it."""
    trained = m["first_training_date"]
    if m["is_exempt"]:
        return "vrijgesteld"
    if m["training_planned"]:  # a date to come
        return f"opleiding gepland op {day(trained)}" + (
            " (te laat)" if m["trained_late"] else " (op tijd als ze doorgaat)"
        )
    if trained:
        return f"opgeleid op {day(trained)}" + (" (te laat)" if m["trained_late"] else " (op tijd)")
    if m["training_overdue"]:
        return "nog niet opgeleid en de termijn is verstreken"
    return (
        f"nog niet opgeleid; dat moet nog gebeuren, uiterlijk op {day(m['training_deadline'])} "
        f"(peildatum {day(run.as_of)})"
    )


def _data(run: Run, insz: str, facts: MentorFacts) -> dict[str, Any]:
    """What the JSON form of a mentor's story gives."""
    load = facts.load or {}
    return {
        "run": {"run_id": run.run_id, "as_of": run.as_of.isoformat()},
        "mentor_insz": insz,
        "recognitions": [{k: r[k] for k in RECOGNITION_FIELDS} for r in facts.recognitions],
        "agreements": [a["agreement_id"] for a in facts.agreements],
        "peak": {"day": load.get("peak_date"), "agreements": load.get("peak_agreement_ids") or []},
        "findings": facts.findings,
    }
