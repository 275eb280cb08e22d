"""`duaal purge`: personal data of people done before a school year is pseudonymised or
removed everywhere, the rest stays, and later decisions do not change."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import duckdb
import pytest

from cli.main import main
from duaal.common.settings import load_settings
from duaal.history.purge import (
    KEY_VARIABLE,
    MissingKey,
    default_before,
    persons_to_purge,
    pseudonym,
    pseudonym_key,
)
from duaal.run.pipeline import execute
from sample.generate import generate
from transforms.identifiers import insz_is_valid, is_pseudonym
from transforms.school_years import school_year_of

AS_OF = date(2026, 11, 28)
KEY = "a-test-key-of-the-sector-fund"
BEFORE = "2024-2025"
CUTOFF = date(2024, 9, 1)


def db_rows(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def purged(tmp_path_factory):
    """A run; a copy of its database purged before 2024-2025; a second run on the copy."""
    base = tmp_path_factory.mktemp("purge")
    generate(base / "raw", agreements=300, seed=7, as_of=AS_OF)
    original = base / "original.duckdb"
    settings = load_settings(raw=base / "raw", db=original, reports=base / "r", as_of=AS_OF)
    first = execute(settings, with_reports=False)
    copy = base / "purged.duckdb"
    shutil.copy(original, copy)
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_VARIABLE, KEY)
    try:
        code = main(["purge", "--before", BEFORE, "--db", str(copy)])
    finally:
        mp.undo()
    assert code == 0
    second = execute(settings.with_overrides(db=copy), with_reports=False)
    return base, original, copy, first, second


def purged_people(original):
    """Everyone the purge is meant to reach, with their personal data, from the original."""
    con = duckdb.connect(str(original), read_only=True)
    try:
        people = persons_to_purge(con, CUTOFF)
        learners = con.execute(
            "SELECT learner_insz, learner_name, learner_birth_date, company_iban "
            "FROM ingest_overeenkomsten"
        ).fetchall()
        mentors = con.execute(
            "SELECT mentor_insz, mentor_name, NULL, NULL FROM ingest_overeenkomsten "
            "UNION ALL SELECT mentor_insz, mentor_name, mentor_birth_date, NULL "
            "FROM ingest_erkenningen"
        ).fetchall()
        # the values of quarantined rows that name nobody purged (a company IBAN, say)
        kept_quarantine = [
            (None, *json.loads(raw).values())
            for (raw,) in con.execute("SELECT raw_values FROM quarantine").fetchall()
            if not any(p in raw or _dotted(p) in raw for p in people)
        ]
    finally:
        con.close()
    return people, learners + mentors + kept_quarantine


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _dotted(insz: str) -> str:
    """An INSZ as exports may write it: 85.07.30-033.28."""
    return f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"


def test_the_learners_whose_agreements_all_ended_before_the_year_are_chosen(purged):
    _, original, *_ = purged
    ends = db_rows(
        original,
        "SELECT learner_insz, max(least(end_date, coalesce(termination_date, end_date))) "
        "FROM ingest_overeenkomsten GROUP BY 1",
    )
    people, _ = purged_people(original)
    done = {insz for insz, last in ends if last < CUTOFF}
    learners = {p for p, role in people.items() if role == "learner"}
    assert learners and learners <= done
    # a learner left out must be a mentor still needed (none in the sample)
    assert done - learners == set()
    assert not any(last >= CUTOFF for insz, last in ends if insz in learners)


def test_no_personal_data_of_purged_people_remains_in_any_table(purged):
    _, original, copy, *_ = purged
    people, records = purged_people(original)
    kept = {r[0] for r in records if r[0] not in people}
    kept_values = {str(v) for r in records if r[0] in kept for v in r[1:] if v is not None}
    insz = set(people)
    values = {str(v) for r in records if r[0] in insz for v in r[1:] if v is not None}
    values -= kept_values  # a name or birth date that someone kept also has stays theirs
    con = duckdb.connect(str(copy), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY ALL"
        ).fetchall()
        found = []
        for table, column in columns:
            for (text,) in con.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM {table} '
                f'WHERE "{column}" IS NOT NULL'
            ).fetchall():
                digits = {
                    re.sub(r"[.\-]", "", m) for m in re.findall(r"[0-9][0-9.\-]{10,14}", text)
                }
                if (
                    text in insz
                    or digits & insz
                    or text in values
                    or any(v in text for v in values if len(v) >= 8)
                ):
                    found.append(f"{table}.{column}: {text[:80]}")
        assert found == [], "personal data of purged people left behind"
    finally:
        con.close()
    assert len(insz) > 50, "the sample has learners and mentors to purge"


def test_birth_dates_of_purged_people_are_gone(purged):
    _, _, copy, *_ = purged
    rows = db_rows(
        copy,
        "SELECT count(*) FILTER (WHERE learner_birth_date IS NOT NULL), count(*) "
        "FROM ingest_overeenkomsten WHERE regexp_full_match(learner_insz, 'P[A-Z2-7]{12}')",
    )
    assert rows[0][0] == 0 and rows[0][1] > 0
    rows = db_rows(
        copy,
        "SELECT count(*) FILTER (WHERE mentor_birth_date IS NOT NULL OR mentor_name IS NOT "
        "NULL), count(*) FROM ingest_erkenningen WHERE mentor_insz LIKE 'P%'",
    )
    assert rows[0][0] == 0 and rows[0][1] > 0


def test_pseudonyms_are_keyed_and_consistent_across_tables(purged):
    _, original, copy, *_ = purged
    people, _ = purged_people(original)
    everywhere = {
        r[0]
        for r in db_rows(
            original,
            "SELECT worker_insz FROM ingest_dimona INTERSECT SELECT learner_insz FROM run_decisions",
        )
    }
    someone = sorted(p for p, r in people.items() if r == "learner" and p in everywhere)[0]
    alias = pseudonym(someone, KEY.encode())
    assert is_pseudonym(alias) and not insz_is_valid(alias) and len(alias) == 13
    for table in ("ingest_overeenkomsten", "ingest_dimona", "run_decisions"):
        column = "worker_insz" if table == "ingest_dimona" else "learner_insz"
        rows = db_rows(copy, f"SELECT count(*) FROM {table} WHERE {column} = ?", [alias])
        assert rows[0][0] > 0, f"{table} names the learner by the pseudonym"
    assert pseudonym(someone, b"another key of the fund") != alias


def test_everyone_else_is_untouched(purged):
    _, original, copy, *_ = purged
    people = set(purged_people(original)[0])
    for table, cols in (
        ("ingest_overeenkomsten", ("learner_insz", "mentor_insz")),
        ("ingest_dimona", ("worker_insz",)),
        ("ingest_erkenningen", ("mentor_insz",)),
        ("ingest_premies", ("learner_insz",)),
    ):
        before = db_rows(original, f"SELECT * FROM {table} ORDER BY ALL")
        after = db_rows(copy, f"SELECT * FROM {table} ORDER BY ALL")
        names = [
            d[0]
            for d in duckdb.connect(str(original), read_only=True)
            .execute(f"SELECT * FROM {table} LIMIT 0")
            .description
        ]
        idx = [names.index(c) for c in cols]
        kept_before = [r for r in before if not any(r[i] in people for i in idx)]
        kept_after = [r for r in after if not any(is_pseudonym(r[i]) for i in idx)]
        assert kept_after == kept_before, f"{table}: rows of people kept changed"
        assert len(after) == len(before), f"{table}: purge removes data, not rows"


def test_decisions_of_later_years_do_not_change(purged):
    _, _, copy, first, second = purged
    assert second.status == "completed" and second.staging_warnings == []
    sql = (
        "SELECT * EXCLUDE (run_id) FROM run_decisions WHERE run_id = ? "
        "AND school_year >= ? ORDER BY school_year, company_kbo, learner_insz"
    )
    before = db_rows(copy, sql, [first.run_id, BEFORE])
    after = db_rows(copy, sql, [second.run_id, BEFORE])
    assert len(before) > 100 and after == before
    cap = db_rows(
        copy,
        "SELECT count(*) FROM run_decisions WHERE run_id = ? AND school_year >= ? "
        "AND premiums_before > 0",
        [second.run_id, BEFORE],
    )
    assert cap[0][0] > 0, "later decisions count premiums of earlier years"


def test_decisions_of_the_purged_years_keep_their_outcome(purged):
    """The rules only ask whether there was a company IBAN: a rerun without the personal
    data decides the purged years as before, the learner named by the pseudonym."""
    _, _, copy, first, second = purged
    sql = (
        "SELECT * EXCLUDE (run_id, learner_name) FROM run_decisions WHERE run_id = ? "
        "AND school_year < ? ORDER BY school_year, company_kbo, learner_insz"
    )
    before = db_rows(copy, sql, [first.run_id, BEFORE])
    after = db_rows(copy, sql, [second.run_id, BEFORE])
    assert len(before) > 30 and after == before
    assert any(r[6] for r in after), "eligible decisions among the purged years"


def test_the_purge_is_recorded_and_the_run_history_kept(purged):
    _, original, copy, first, _ = purged
    (row,) = db_rows(copy, "SELECT purge_id, before_school_year, cutoff, persons FROM purges")
    assert row[0].startswith("PURGE") and row[1:3] == (BEFORE, CUTOFF) and row[3] > 50
    assert db_rows(copy, "SELECT run_id FROM purge_runs") == [(first.run_id,)]
    history = (
        "SELECT run_id, status, digest_decisions, digest_findings, digest_quarantine, "
        "row_counts FROM runs WHERE run_id = ?"
    )
    assert db_rows(copy, history, [first.run_id]) == db_rows(original, history, [first.run_id])
    totals = (
        "SELECT school_year, count(*), sum(amount_eur) FROM run_decisions GROUP BY 1 ORDER BY 1"
    )
    assert db_rows(copy, totals + "") != [] and db_rows(
        copy,
        totals.replace("FROM run_decisions", "FROM run_decisions WHERE run_id = ?"),
        [first.run_id],
    ) == db_rows(
        original,
        totals.replace("FROM run_decisions", "FROM run_decisions WHERE run_id = ?"),
        [first.run_id],
    ), "amounts per school year (the aggregates) stay"


def test_audit_of_a_purged_run_names_the_purge(purged, capsys):
    _, _, copy, first, second = purged
    (purge_id,) = db_rows(copy, "SELECT purge_id FROM purges")[0]
    capsys.readouterr()
    assert main(["audit", first.run_id, "--db", str(copy)]) == 1
    err = capsys.readouterr().err
    assert f"run {first.run_id} cannot be recomputed: its inputs were purged by {purge_id}" in err
    assert "DIFFERENT" not in err
    assert main(["audit", second.run_id, "--db", str(copy)]) == 0, "a run after the purge audits"


def test_purge_without_the_key_is_refused_with_exit_2(purged, tmp_path, monkeypatch, capsys):
    _, original, *_ = purged
    db = tmp_path / "x.duckdb"
    shutil.copy(original, db)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    assert main(["purge", "--before", BEFORE, "--db", str(db)]) == 2
    assert "DUAAL_PSEUDONYM_KEY is not set" in capsys.readouterr().err
    # every run creates `purges` (transforms/schema.py): a refused purge records nothing
    assert db_rows(db, "SELECT count(*) FROM purges") == [(0,)]
    with pytest.raises(MissingKey, match="shorter than 16"):
        pseudonym_key({KEY_VARIABLE: "short"})


def test_dry_run_lists_counts_and_changes_nothing(purged, tmp_path, monkeypatch, capsys):
    _, original, *_ = purged
    db = tmp_path / "dry.duckdb"
    shutil.copy(original, db)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    snapshot = "SELECT * FROM ingest_overeenkomsten ORDER BY ALL"
    capsys.readouterr()
    assert main(["purge", "--before", BEFORE, "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    people = purged_people(original)[0]
    learners = sum(1 for r in people.values() if r == "learner")
    assert f"{len(people)} people would be purged (dry run): {learners} learners" in out
    assert re.search(r"ingest_overeenkomsten +\d+ rows", out)
    listed = re.findall(r"^    (learner|mentor) +(\d\d\.\d\d\.\d\d-\d{3}\.\d\d) ", out, re.M)
    assert sorted((_digits(insz), role) for role, insz in listed) == sorted(people.items())
    assert "purge: dry run, nothing changed" in out
    assert db_rows(db, snapshot) == db_rows(original, snapshot)
    tables = "SELECT table_name FROM information_schema.tables ORDER BY 1"
    assert db_rows(db, tables) == db_rows(original, tables), "not even a table is added"


def test_a_second_purge_keeps_the_pseudonyms(purged, tmp_path, monkeypatch):
    _, _, copy, *_ = purged
    db = tmp_path / "again.duckdb"
    shutil.copy(copy, db)
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    sql = "SELECT DISTINCT learner_insz FROM ingest_overeenkomsten WHERE learner_insz LIKE 'P%'"
    before = set(db_rows(db, sql))
    assert main(["purge", "--before", "2025-2026", "--db", str(db)]) == 0
    after = set(db_rows(db, sql))
    assert before < after, "earlier pseudonyms stay, newly purged people are added"
    runs = db_rows(db, "SELECT count(*) FROM purges")
    assert runs == [(2,)]


def test_default_school_year_is_the_current_one_minus_the_retention():
    assert school_year_of(date(2026, 11, 28)) == "2026-2027"
    assert school_year_of(date(2026, 8, 31)) == "2025-2026"
    assert default_before(date(2026, 11, 28), 7) == "2019-2020"
    assert load_settings().retention_school_years == 7


def test_quarantined_rows_of_purged_people_lose_their_personal_values(purged):
    _, original, copy, *_ = purged
    people = set(purged_people(original)[0])
    rows = db_rows(copy, "SELECT raw_values FROM quarantine")
    touched = [
        json.loads(r[0]) for r in rows if "P" in r[0] and re.search(r'"P[A-Z2-7]{12}"', r[0])
    ]
    for values in touched:
        if is_pseudonym(values.get("INSZ lerende")):
            # an agreement's row names and dates the learner; a row of the premium history,
            # which has the same INSZ header, has neither column
            personal = [values[h] for h in ("Naam lerende", "Geboortedatum lerende") if h in values]
            assert personal == [None] * len(personal), values
    assert not any(p in r[0] for r in rows for p in people)


def test_quarantined_rows_in_another_export_spelling_are_purged_too(tmp_path):
    """Headers as a file spells them ('Rijksregisternummer lerende'), an INSZ with dots."""
    from duaal.common.db import connect
    from duaal.history.purge import purge

    learner, mentor = "85073003328", "62101375335"
    con = connect(tmp_path / "small.duckdb")
    try:
        con.execute(
            "INSERT INTO ingest_overeenkomsten (batch_id, agreement_id, start_date, end_date, "
            "learner_insz, learner_name, mentor_insz, mentor_name) VALUES "
            "(1, 'OVK1', DATE '2019-09-01', DATE '2020-06-30', ?, 'Bram Segers', ?, 'Ward Moens')",
            [learner, mentor],
        )
        raw = {
            "Overeenkomstnummer": "OVK2",
            "Einddatum": "2021-06-30",
            "Rijksregisternummer lerende": "85.07.30-033.28",
            "Naam lerende": "Bram Segers",
            "Geboortedatum lerende": "2003-07-30",
            "IBAN onderneming": "BE06 2009 8032 9511",
            "Naam onderneming": "Plastics Segers NV",
            "Rijksregisternummer mentor": mentor,
            "Naam mentor": "Ward Moens",
        }
        con.execute(
            "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, "
            "reason, detail, raw_values) VALUES (2, 'overeenkomsten', 'x.csv', NULL, 5, "
            "'INVALID_IBAN', 'IBAN onderneming: BE06 2009 8032 9511 of Bram Segers', ?)",
            [json.dumps(raw, ensure_ascii=False)],
        )
        result = purge(con, "2024-2025", key=KEY.encode())
        detail, stored = con.execute("SELECT detail, raw_values FROM quarantine").fetchone()
    finally:
        con.close()
    assert (result.learners, result.mentors) == (1, 1)
    values = json.loads(stored)
    assert values == {
        "Overeenkomstnummer": "OVK2",
        "Einddatum": "2021-06-30",
        "Rijksregisternummer lerende": pseudonym(learner, KEY.encode()),
        "Naam lerende": None,
        "Geboortedatum lerende": None,
        "IBAN onderneming": None,
        "Naam onderneming": "Plastics Segers NV",
        "Rijksregisternummer mentor": pseudonym(mentor, KEY.encode()),
        "Naam mentor": None,
    }
    assert detail == "IBAN onderneming: [verwijderd] of [verwijderd]"


def test_dry_run_names_whose_data_a_purge_would_reach(tmp_path, monkeypatch, capsys):
    """Per person: role, INSZ as written, newest name, last school year; then the tables."""
    from duaal.common.db import connect
    from transforms.identifiers import make_insz

    bram, lotte, eva = "85073003328", make_insz("050203", 11, True), make_insz("060101", 7, True)
    ward, an = "62101375335", make_insz("700512", 31, False)
    agreement = (
        "INSERT INTO ingest_overeenkomsten (batch_id, row_number, agreement_id, start_date, "
        "end_date, termination_date, learner_insz, learner_name, mentor_insz, mentor_name) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    con = connect(tmp_path / "small.duckdb")
    try:
        for row in (
            (1, 2, "OVK1", date(2019, 9, 1), date(2020, 6, 30), None, bram, "Bram Segrs", ward,
             "Ward Moens"),
            (2, 2, "OVK1", date(2019, 9, 1), date(2020, 6, 30), None, bram, "Bram Segers", ward,
             "Ward Moens"),
            # terminated: the termination date is the last day
            (2, 3, "OVK2", date(2020, 9, 1), date(2022, 6, 30), date(2021, 3, 31), lotte, None,
             ward, "Ward Moens"),
            # still running in 2024-2025: nobody of this agreement is purged
            (2, 4, "OVK3", date(2023, 9, 1), date(2025, 6, 30), None, eva, "Eva Goossens", None,
             None),
        ):  # fmt: skip
            con.execute(agreement, list(row))
        con.execute(
            "INSERT INTO ingest_erkenningen (batch_id, row_number, recognition_id, "
            "recognition_date, mentor_insz, mentor_name) VALUES (3, 2, 'ERK1', ?, ?, ' An Peeters ')",
            [date(2018, 3, 1), an],
        )
    finally:
        con.close()
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    db = tmp_path / "small.duckdb"
    assert main(["purge", "--before", "2024-2025", "--dry-run", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "purge before 2024-2025 (people done before 2024-09-01): 4 people would be purged "
        "(dry run): 2 learners, 2 mentors",
        "  whose (role, INSZ, name, last school year):",
        "    learner  85.07.30-033.28  Bram Segers     2019-2020",
        f"    learner  {_dotted(lotte)}  (name unknown)  2020-2021",
        f"    mentor   {_dotted(an)}  An Peeters      2017-2018",
        "    mentor   62.10.13-753.35  Ward Moens      2020-2021",
        "  ingest_erkenningen                 1 rows",
        "  ingest_overeenkomsten              3 rows",
        "  runs whose data would change: 0",
        "purge: dry run, nothing changed",
    ]


def test_a_purge_with_nobody_to_purge_is_still_recorded(tmp_path):
    from duaal.common.db import connect
    from duaal.history.purge import purge

    con = connect(tmp_path / "empty.duckdb")
    try:
        result = purge(con, "2024-2025", key=KEY.encode())
        rows = con.execute("SELECT persons, row_counts FROM purges").fetchall()
    finally:
        con.close()
    assert result.persons == 0 and result.runs == [] and rows == [(0, "{}")]


def test_retention_and_share_group_come_from_the_environment(monkeypatch):
    import grp
    import os

    group = grp.getgrgid(os.getgid()).gr_name  # a group this machine has
    monkeypatch.setenv("DUAAL_RETENTION_SCHOOL_YEARS", "5")
    monkeypatch.setenv("DUAAL_SHARE_GROUP", group)
    settings = load_settings()
    assert settings.retention_school_years == 5
    assert settings.share_group == group


def test_purge_defaults_to_the_current_school_year_minus_the_retention(
    purged, tmp_path, monkeypatch, capsys
):
    _, original, *_ = purged
    db = tmp_path / "default.duckdb"
    shutil.copy(original, db)
    monkeypatch.setenv("DUAAL_AS_OF", "2026-11-28")
    monkeypatch.setenv("DUAAL_RETENTION_SCHOOL_YEARS", "2")
    capsys.readouterr()
    assert main(["purge", "--dry-run", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith(
        "purge before 2024-2025 (people done before 2024-09-01): "
    )


def test_explain_finds_a_purged_learner_by_insz_and_shows_the_pseudonym(
    purged, monkeypatch, capsys
):
    _base, original, copy, _first, second = purged
    people = set(db_rows(original, "SELECT learner_insz FROM run_decisions"))
    con = duckdb.connect(str(original), read_only=True)
    try:
        chosen = persons_to_purge(con, CUTOFF)
    finally:
        con.close()
    (insz,) = sorted(p for (p,) in people if p in chosen)[:1]
    alias = pseudonym(insz, KEY.encode())
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    assert main(["explain", "--learner", insz, "--db", str(copy), "--run", second.run_id]) == 0
    out = capsys.readouterr().out
    assert f"lerende {alias}" in out and insz not in out, "the story names the pseudonym only"
    assert main(["explain", "--learner", alias, "--db", str(copy), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["learner_insz"] == alias


def test_runs_lists_the_purges_beside_the_runs(purged, capsys):
    _base, _original, copy, _first, _second = purged
    assert main(["runs", "--db", str(copy)]) == 0
    out = capsys.readouterr().out
    (purge_id, before) = db_rows(copy, "SELECT purge_id, before_school_year FROM purges")[0]
    assert "purges (personal data of closed school years removed; the runs above kept):" in out
    assert f"{purge_id}  " in out and f"before {before}: " in out
