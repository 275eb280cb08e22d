"""Who is purged before a school year: everyone whose agreements (as learner or mentor) and
recognitions all ended before it starts, and whom no quarantined agreement still needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from duaal.history.purge.quarantine import needed_by_quarantined_agreements
from transforms.school_years import (
    school_year_of,
)


@dataclass(frozen=True)
class PersonToPurge:
    """Whom a purge would reach, for the analyst's terminal (`duaal purge --dry-run`)."""

    insz: str
    role: str  # 'learner' (also when they were a mentor too) or 'mentor'
    name: str | None  # the newest name an export gave them
    last_school_year: str | None  # of their last agreement day or recognition (None: no date)


def persons_to_purge(con: duckdb.DuckDBPyConnection, cutoff: date) -> dict[str, str]:
    """INSZ -> role ('learner' or 'mentor') of everyone done before the cutoff."""
    rows = con.execute(
        """
        WITH agreements AS (
            SELECT learner_insz, mentor_insz,
                   least(end_date, coalesce(termination_date, end_date)) AS effective_end
            FROM ingest_overeenkomsten
        ),
        still_needed AS (
            SELECT learner_insz AS insz FROM agreements WHERE effective_end >= $cutoff
            UNION SELECT mentor_insz FROM agreements WHERE effective_end >= $cutoff
            UNION SELECT mentor_insz FROM ingest_erkenningen WHERE recognition_date >= $cutoff
            -- an agreement without a readable end is not known to be over
            UNION SELECT learner_insz FROM agreements WHERE effective_end IS NULL
            UNION SELECT mentor_insz FROM agreements WHERE effective_end IS NULL
        ),
        known AS (
            SELECT learner_insz AS insz, 'learner' AS role FROM ingest_overeenkomsten
            UNION SELECT mentor_insz, 'mentor' FROM ingest_overeenkomsten
            UNION SELECT mentor_insz, 'mentor' FROM ingest_erkenningen
        )
        SELECT insz, min(role) FROM known  -- 'learner' < 'mentor': a learner first
        WHERE insz IS NOT NULL AND NOT regexp_full_match(insz, 'P[A-Z2-7]{12}')
          AND insz NOT IN (SELECT insz FROM still_needed WHERE insz IS NOT NULL)
        GROUP BY insz ORDER BY insz
        """,
        {"cutoff": cutoff},
    ).fetchall()
    persons = dict(rows)
    for insz in needed_by_quarantined_agreements(con, cutoff):
        persons.pop(insz, None)
    return persons


def people_to_show(con: duckdb.DuckDBPyConnection, roles: dict[str, str]) -> list[PersonToPurge]:
    """The people of purge_map with their newest name (their learner name first) and the
    school year of their last day: the latest effective end of their agreements in either
    role, or recognition date; by role, last school year and INSZ."""
    rows = con.execute(
        """
        WITH days AS (
            SELECT learner_insz AS insz,
                   least(end_date, coalesce(termination_date, end_date)) AS last_day
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, least(end_date, coalesce(termination_date, end_date))
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, recognition_date FROM ingest_erkenningen
        ),
        names AS (
            SELECT learner_insz AS insz, learner_name AS name, 0 AS as_mentor, batch_id,
                   row_number
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, mentor_name, 1, batch_id, row_number
            FROM ingest_overeenkomsten
            UNION ALL SELECT mentor_insz, mentor_name, 1, batch_id, row_number
            FROM ingest_erkenningen
        ),
        last_days AS (
            SELECT insz, max(last_day) AS last_day FROM days
            WHERE insz IN (SELECT insz FROM purge_map) GROUP BY insz
        ),
        newest_names AS (
            SELECT insz,
                   first(trim(name) ORDER BY as_mentor, batch_id DESC, row_number DESC)
                       FILTER (WHERE nullif(trim(name), '') IS NOT NULL) AS name
            FROM names WHERE insz IN (SELECT insz FROM purge_map) GROUP BY insz
        )
        SELECT m.insz, n.name, d.last_day
        FROM purge_map m
        LEFT JOIN newest_names n USING (insz)
        LEFT JOIN last_days d USING (insz)
        """
    ).fetchall()
    people = [
        PersonToPurge(insz, roles[insz], name, school_year_of(last_day) if last_day else None)
        for insz, name, last_day in rows
    ]
    return sorted(people, key=lambda p: (p.role, p.last_school_year or "", p.insz))
