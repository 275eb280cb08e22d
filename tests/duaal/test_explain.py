"""`duaal explain`: the stored decision of a run, exactly, with the story behind it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from cli.main import main
from duaal.common.db import connect
from duaal.history.explain import NothingToExplain, explain_learner, explain_mentor
from duaal.run.pipeline import finish_run, record_stage, rules_stage, start_run
from tests.builders import (
    COMPANY,
    MENTOR,
    OTHER_COMPANY,
    OTHER_MENTOR,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
)
from transforms.identifiers import make_insz

AS_OF = date(2025, 9, 15)


def _learner(n: int) -> str:
    return make_insz("060101", 100 + n, born_2000_or_later=True)


# one pair per outcome: (learner, the reason codes of its 2024-2025 decision)
OUTCOMES = {
    "eligible": "",
    "registration_missing": "REGISTRATION_MISSING",
    "registration_late": "REGISTRATION_LATE",
    "outside_flanders": "OUTSIDE_FLANDERS",
    "no_consent": "NO_CONSENT",
    "mentor_not_trained": "MENTOR_NOT_TRAINED",
    "no_qualifying_agreement": "NO_QUALIFYING_AGREEMENT",
    "no_dimona": "NO_DIMONA",
    "under_4_months": "UNDER_4_MONTHS",
    "cap_reached": "CAP_REACHED",
}
LEARNERS = {name: _learner(i) for i, name in enumerate(OUTCOMES)}
# a mentor of two learners whose agreements start the same day, both declared to Dimona late
LATE_MENTOR = make_insz("780303", 55, born_2000_or_later=False)
LATE_LEARNERS = (_learner(20), _learner(21))


def _inputs(con) -> None:
    add_recognition(con)  # MENTOR, trained 01/06/2024
    add_recognition(
        con, recognition_id="ERK-2", mentor_insz=OTHER_MENTOR, mentor_training_date=None
    )
    for i, (name, insz) in enumerate(LEARNERS.items()):
        agreement = {"agreement_id": f"OVK-{i}", "learner_insz": insz}
        dimona = {"worker_insz": insz}
        if name == "registration_missing":
            agreement["registration_date"] = None
        elif name == "registration_late":
            agreement["registration_date"] = date(2025, 1, 10)
        elif name == "outside_flanders":
            agreement |= {"establishment_postcode": 4000, "establishment_municipality": "Luik"}
        elif name == "no_consent":
            agreement["premium_consent"] = False
        elif name == "mentor_not_trained":
            agreement["mentor_insz"] = OTHER_MENTOR
        elif name == "no_qualifying_agreement":
            # one agreement registered late, the other without consent: each condition is
            # met by some agreement, no agreement meets all four
            agreement["registration_date"] = date(2025, 1, 10)
            add_agreement(
                con,
                agreement_id=f"OVK-{i}b",
                learner_insz=insz,
                premium_consent=False,
                start_date=date(2024, 10, 1),
            )
        elif name == "no_dimona":
            dimona |= {"worker_type": "STU"}
            add_dimona(con, worker_insz=insz, status="Geannuleerd")
            add_dimona(con, worker_insz=insz, company_kbo=OTHER_COMPANY)
        elif name == "under_4_months":
            dimona |= {"start_date": date(2024, 9, 15), "end_date": date(2025, 1, 13)}
        elif name == "cap_reached":
            for year in ("2020-2021", "2021-2022", "2022-2023"):
                add_premium_paid(con, learner_insz=insz, school_year=year)
        add_agreement(con, **agreement)
        add_dimona(con, **dimona)
    add_recognition(con, recognition_id="ERK-3", mentor_insz=LATE_MENTOR)
    for n, insz in enumerate(LATE_LEARNERS):
        add_agreement(con, agreement_id=f"OVK-L{n}", learner_insz=insz, mentor_insz=LATE_MENTOR)
        add_dimona(con, worker_insz=insz, declared_on=date(2024, 9, 10))


def _one_run(folder, as_of: date):
    """A database with one completed run over the pairs of every outcome (no Prefect, no GX)."""
    db = folder / "duaal.duckdb"
    con = connect(db)
    # the batch of every input row (tests.builders.add_batch leaves it as it is)
    con.execute(
        "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, "
        "status, reason, rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at) "
        "VALUES (1, 'overeenkomsten', 'x.xlsx', 'x.xlsx', 'abc', 'Blad1', 'loaded', NULL, "
        "0, 0, 0, 0, now())"
    )
    _inputs(con)
    run_id = start_run(con, rule_config(), as_of)
    rules_stage(con, rule_config(), as_of)
    record_stage(con, run_id)
    finish_run(con, run_id, "completed")
    con.close()
    return db, run_id


@pytest.fixture(scope="module")
def run_db(tmp_path_factory):
    """The run as of 15/09/2025: 2024-2025 is final."""
    return _one_run(tmp_path_factory.mktemp("explain"), AS_OF)


@pytest.fixture(scope="module")
def provisional_db(tmp_path_factory):
    """The same inputs, run as of 20/11/2024: 2024-2025 is provisional, with the registration
    deadline (01/12/2024), the mentor training (31/08/2025) and most months still ahead."""
    return _one_run(tmp_path_factory.mktemp("provisional"), date(2024, 11, 20))


def _stored(db, run_id, insz):
    con = connect(db, read_only=True)
    try:
        cur = con.execute(
            "SELECT school_year, company_kbo, learner_insz, province, office, status, eligible, "
            "amount_eur, round(months_covered, 2), premiums_before, reasons "
            "FROM run_decisions WHERE run_id = ? AND learner_insz = ? ORDER BY school_year",
            [run_id, insz],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_json_carries_the_stored_decision_exactly(run_db, outcome, capsys):
    db, run_id = run_db
    insz = LEARNERS[outcome]
    code = main(["explain", "--learner", insz, "--db", str(db), "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["run"]["run_id"] == run_id and data["learner_insz"] == insz
    stored = _stored(db, run_id, insz)
    stored[0]["months_covered"] = stored[0].pop("round(months_covered, 2)")
    decisions = [
        {k: v for k, v in d["decision"].items() if k in stored[0]} for d in data["decisions"]
    ]
    assert decisions == stored
    assert decisions[0]["reasons"] == OUTCOMES[outcome]
    assert decisions[0]["eligible"] == (outcome == "eligible")
    assert all(d["recomputed_agrees"] for d in data["decisions"])
    ids = {a["agreement_id"] for a in data["decisions"][0]["agreements"]}
    assert (
        ids == {a for a in ("OVK-6", "OVK-6b") if outcome == "no_qualifying_agreement"}
        or len(ids) == 1
    )
    assert all(
        a["file"] == "overeenkomsten/overeenkomsten_1.xlsx" and a["row"] > 1
        for a in data["decisions"][0]["agreements"]
    )


def test_text_tells_the_story_in_dutch(run_db, capsys):
    db, run_id = run_db
    insz = LEARNERS["registration_late"]
    assert main(["explain", "--learner", insz, "--company", COMPANY, "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Uitleg premie kwalificerend werkplekleren voor lerende {insz}\n")
    assert (
        "Beslissing van de run: komt niet in aanmerking, bedrag EUR 0, definitief, gedekte "
        "maanden 10,00, eerdere premies 0, kantoor Antwerpen (provincie Antwerpen)"
    ) in text
    assert "- REGISTRATION_LATE: Te laat geregistreerd in werkplekduaal" in text
    assert "- 1. registratie: geregistreerd op 10/01/2025, uiterlijk 01/12/2024: te laat" in text
    assert f"- 4. mentor {MENTOR}: opgeleid op 01/06/2024, uiterlijk 31/08/2025: op tijd" in text
    assert (
        "01/09/2024 tot 30/06/2025: m = 10 volle maanden (tot 30/06/2025), r = 0 dagen van een "
        "maand van 31 dagen: 10 + 0/31 = 10,00 maanden"
    ) in text
    assert "Gedekte maanden: 10,00 (exact 10), minimum 4,00: voldaan" in text
    assert "bron overeenkomsten/overeenkomsten_1.xlsx rij" in text


def test_the_months_arithmetic_can_be_followed_to_the_threshold(run_db, capsys):
    db, run_id = run_db
    assert main(["explain", "--learner", LEARNERS["under_4_months"], "--db", str(db)]) == 0
    text = capsys.readouterr().out
    # RULES.md: 15 Sep - 13 Jan = 3 + 30/31
    assert (
        "15/09/2024 tot 13/01/2025: m = 3 volle maanden (tot 14/12/2024), r = 30 dagen van een "
        "maand van 31 dagen: 3 + 30/31 = 3,97 maanden"
    ) in text
    assert "Gedekte maanden: 3,97 (exact 123/31), minimum 4,00: niet voldaan" in text


def test_every_dimona_period_says_whether_it_counts_and_why(run_db, capsys):
    db, run_id = run_db
    assert main(["explain", "--learner", LEARNERS["no_dimona"], "--db", str(db)]) == 0
    text = capsys.readouterr().out
    lines = [line for line in text.splitlines() if line.startswith("DIM-")]
    assert len(lines) == 3
    assert any("type STU" in line and "telt niet mee (type STU)" in line for line in lines)
    assert any("telt niet mee (geannuleerd)" in line for line in lines)
    assert any("telt niet mee (andere onderneming)" in line for line in lines)
    assert "- NO_DIMONA: Geen Dimona-periode die telt" in text


def test_premiums_before_name_their_years_and_source(run_db, capsys):
    db, run_id = run_db
    assert main(["explain", "--learner", LEARNERS["cap_reached"], "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "Eerdere premies: 3 (maximum 3)" in text
    for year in ("2020-2021", "2021-2022", "2022-2023"):
        assert f"{year}: stagebonus van EUR 750,00 uitbetaald op 15/10/2023, uit de historiek" in (
            text
        )
    assert "verschillende schooljaren samen: 3" in text


def test_markdown_and_unknown_learner(run_db, capsys):
    db, run_id = run_db
    story = explain_learner(db, LEARNERS["eligible"])
    md = story.markdown()
    assert md.startswith("# Uitleg premie kwalificerend werkplekleren voor lerende ")
    assert "\n## Schooljaar 2024-2025 bij onderneming " in md
    assert "- Beslissing van de run: komt in aanmerking, bedrag EUR 1000" in md
    with pytest.raises(NothingToExplain, match="has no decision for learner"):
        explain_learner(db, make_insz("990101", 5, born_2000_or_later=False))


def test_mentor_story(run_db):
    db, run_id = run_db
    text = explain_mentor(db, MENTOR).text()
    assert f"Uitleg voor mentor {MENTOR}" in text
    assert "Mentoropleiding uiterlijk 01/03/2025 (eerste erkenning 01/03/2024 + 12 maanden)" in text
    assert "opgeleid op 01/06/2024 (op tijd)" in text
    assert "Piek: 10 overeenkomsten tegelijk op 01/10/2024 (maximum 3)" in text
    assert "MENTOR_OVERLOAD (error)" in text


def test_a_provisional_story_tells_what_must_still_happen_and_by_when(provisional_db):
    db, _ = provisional_db
    unregistered = explain_learner(db, LEARNERS["registration_missing"]).text()
    assert (
        "- 1. registratie: de overeenkomst moet uiterlijk op 01/12/2024 geregistreerd zijn; op "
        "de peildatum 20/11/2024 is ze dat nog niet, dus telt ze nog niet als tijdig geregistreerd"
    ) in unregistered
    assert (
        "Toelichting: Voorlopig geen premie voor 2024-2025: de overeenkomst moet uiterlijk op "
        "01/12/2024 geregistreerd zijn (op de peildatum 20/11/2024 is ze dat nog niet).\n"
    ) in unregistered
    untrained = explain_learner(db, LEARNERS["mentor_not_trained"]).text()
    assert (
        f"- 4. mentor {OTHER_MENTOR}: moet uiterlijk op 31/08/2025 een mentoropleiding gevolgd "
        "hebben; op de peildatum 20/11/2024 is er nog geen: nog niet opgeleid"
    ) in untrained
    assert (
        "Toelichting: Voorlopig geen premie voor 2024-2025: de mentor moet uiterlijk op "
        "31/08/2025 een mentoropleiding gevolgd hebben (op de peildatum 20/11/2024 heeft de "
        "mentor nog geen mentoropleiding of vrijstelling).\n"
    ) in untrained
    assert "had op 31/08/2025" not in untrained, "no past tense about a date to come"
    mentor = explain_mentor(db, OTHER_MENTOR).text()
    assert (
        "Mentoropleiding uiterlijk 01/03/2025 (eerste erkenning 01/03/2024 + 12 maanden): nog "
        "niet opgeleid; dat moet nog gebeuren, uiterlijk op 01/03/2025 (peildatum 20/11/2024)"
    ) in mentor


def test_a_provisional_story_tells_the_months_still_to_be_worked(provisional_db, run_db):
    db, _ = provisional_db
    story = explain_learner(db, LEARNERS["eligible"])
    text = story.text()
    # 01/09/2024 to 20/11/2024 = 2 + 20/30 months worked; 10 planned to 30/06/2025
    assert "Gedekte maanden: 10,00 (exact 10), minimum 4,00: voldaan zoals gepland\n" in text
    assert (
        "Nog te werken: 7,33 van de 10,00 maanden liggen na de peildatum 20/11/2024 (gepland "
        "tot 30/06/2025); tot de peildatum zijn er 2,67 gewerkt. Het minimum van 4,00 wordt pas "
        "gehaald als die maanden ook gewerkt worden\n"
    ) in text
    assert (
        "Toelichting: Premie van EUR 1000 voorlopig toegekend voor 2024-2025: 10,00 maanden "
        "opleiding volgens Dimona, zoals gepland, bij een tijdig geregistreerde overeenkomst "
        "(OVK-0); het is de eerste premie voor deze lerende bij deze onderneming.\n"
    ) in text
    decision = story.data["decisions"][0]
    assert decision["decision"]["status"] == "provisional"
    assert (decision["months_worked_by_as_of"], decision["months_still_to_work"]) == (
        pytest.approx(8 / 3),
        pytest.approx(22 / 3),
    )
    final = explain_learner(run_db[0], LEARNERS["eligible"])
    assert "Nog te werken" not in final.text()
    assert final.data["decisions"][0]["months_still_to_work"] == 0


def test_every_agreement_finding_of_a_mentor_names_its_agreement(run_db):
    db, _ = run_db
    story = explain_mentor(db, LATE_MENTOR)
    late = [line for line in story.text().splitlines() if line.startswith("DIMONA_LATE")]
    assert late == [
        f"DIMONA_LATE (error), overeenkomst OVK-L{n}: Dimona te laat aangegeven; Dimona "
        "aangegeven op 10/09/2024, 9 dagen na de start van 01/09/2024"
        for n in (0, 1)
    ], "two agreements started that day: each finding says which"
    assert [f["agreement_id"] for f in story.data["findings"]] == ["OVK-L0", "OVK-L1"]
    mentor = explain_mentor(db, MENTOR).text()
    assert "\nMENTOR_OVERLOAD (error): Mentor begeleidt te veel lerenden tegelijk; " in mentor, (
        "a finding about the mentor names no agreement"
    )


def test_explain_imports_neither_prefect_nor_great_expectations(run_db):
    db, _ = run_db
    code = (
        "import sys; from cli.main import main; "
        f"rc = main(['explain', '--learner', {LEARNERS['eligible']!r}, '--db', {str(db)!r}]); "
        "bad = [m for m in ('prefect', 'great_expectations') if m in sys.modules]; "
        "print('BAD', bad) if bad else None; sys.exit(rc or bool(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_stored_decision_is_shown_as_stored_and_a_disagreement_is_said(run_db, tmp_path):
    import shutil

    db, run_id = run_db
    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(db, tampered)
    con = connect(tampered)
    con.execute(
        "UPDATE run_decisions SET amount_eur = 600 WHERE learner_insz = ?", [LEARNERS["eligible"]]
    )
    con.close()
    story = explain_learner(tampered, LEARNERS["eligible"])
    assert story.data["decisions"][0]["decision"]["amount_eur"] == 600
    assert story.data["decisions"][0]["recomputed_agrees"] is False
    assert "LET OP: de herberekening uit de invoer van deze run geeft een andere beslissing" in (
        story.text()
    )


def test_a_year_without_a_reconciliation_says_why(run_db, provisional_db):
    refused = explain_learner(run_db[0], LEARNERS["registration_late"])
    assert (
        "Uitbetaling van de premie 2024-2025\n-----------------------------------\ngeen premie "
        "beslist en geen premie uitbetaald: niets af te stemmen\n"
    ) in refused.text()
    assert refused.data["decisions"][0]["payment"] is None
    provisional = explain_learner(provisional_db[0], LEARNERS["eligible"]).text()
    assert (
        "nog niet afgestemd: het schooljaar is voorlopig, de betaling wordt pas na het einde "
        "ervan afgestemd\n"
    ) in provisional
