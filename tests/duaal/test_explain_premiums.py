"""`duaal explain` tells the payment of each premium decided (issue 22): the run's payment
reconciliation (run_payments) in words per status, with both amounts, the dates and the
premium history row; a premium paid in a year without a decision has its own section."""

from __future__ import annotations

from datetime import date

import pytest

from duaal.common.db import connect
from duaal.history.explain import explain_learner
from duaal.run.pipeline import finish_run, record_stage, rules_stage, start_run
from tests.builders import (
    OTHER_COMPANY,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
)
from transforms.identifiers import make_insz

AS_OF = date(2025, 9, 15)  # 2024-2025 final, payment expected by 28/02/2026
Y = "2024-2025"


def _learner(n: int) -> str:
    return make_insz("060202", 200 + n, born_2000_or_later=True)


STATUSES = ("paid", "amount_differs", "awaited", "missing", "not_due", "no_decision")
LEARNERS = {status: _learner(i) for i, status in enumerate(STATUSES)}


def _inputs(con) -> None:
    add_recognition(con)
    for i, (status, insz) in enumerate(LEARNERS.items()):
        agreement = {"agreement_id": f"OVK-P{i}", "learner_insz": insz}
        dimona = {"worker_insz": insz}
        if status == "missing":  # 2023-2024 is past its expected date (28/02/2025)
            agreement |= {"start_date": date(2023, 9, 1), "end_date": date(2024, 6, 30),
                          "registration_date": date(2023, 9, 15)}  # fmt: skip
            dimona |= {"start_date": date(2023, 9, 1), "end_date": date(2024, 6, 30)}
        elif status == "not_due":
            agreement["premium_consent"] = False
        elif status == "no_decision":  # an agreement at another company only
            agreement["company_kbo"] = OTHER_COMPANY
            dimona["company_kbo"] = OTHER_COMPANY
        add_agreement(con, **agreement)
        add_dimona(con, **dimona)
    paid = {"school_year": Y, "kind": "premie", "paid_on": date(2025, 10, 15)}
    add_premium_paid(con, learner_insz=LEARNERS["paid"], amount_eur=1000, **paid)
    add_premium_paid(con, learner_insz=LEARNERS["amount_differs"], amount_eur=600, **paid)
    add_premium_paid(con, learner_insz=LEARNERS["not_due"], amount_eur=1000, **paid)
    add_premium_paid(con, learner_insz=LEARNERS["no_decision"], amount_eur=1000, **paid)


@pytest.fixture(scope="module")
def run_db(tmp_path_factory):
    """A database with one completed run over a pair of every payment status."""
    db = tmp_path_factory.mktemp("payments") / "duaal.duckdb"
    con = connect(db)
    _inputs(con)
    run_id = start_run(con, rule_config(), AS_OF)
    rules_stage(con, rule_config(), AS_OF)
    record_stage(con, run_id)
    finish_run(con, run_id, "completed")
    con.close()
    return db


def _payment_lines(text: str) -> list[str]:
    lines = text.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("Afstemming van de run")))
    return lines[at : at + 2]


@pytest.mark.parametrize(
    ("status", "lines"),
    [
        ("paid", [
            "Afstemming van de run: uitbetaald zoals beslist",
            "  - uitbetaald op 15/10/2025: € 1.000, zoals beslist; bron premies/premies_1.xlsx rij ",
        ]),
        ("amount_differs", [
            "Afstemming van de run: ander bedrag uitbetaald",
            "  - uitbetaald op 15/10/2025: € 600, maar beslist was € 1.000: € 400 te weinig; bron "
            "premies/premies_1.xlsx rij ",
        ]),
        ("awaited", [
            "Afstemming van de run: nog te verwachten",
            "  - nog niet uitbetaald; verwacht uiterlijk 28/02/2026 (€ 1.000 beslist)",
        ]),
        ("missing", [
            "Afstemming van de run: niet uitbetaald",
            "  - niet uitbetaald: € 1.000 beslist, verwacht uiterlijk 28/02/2025; op de "
            "peildatum 15/09/2025 is er niets betaald",
        ]),
        ("not_due", [
            "Afstemming van de run: uitbetaald zonder recht",
            "  - uitbetaald op 15/10/2025: € 1.000, maar de beslissing gaf geen recht op de "
            "premie; bron premies/premies_1.xlsx rij ",
        ]),
    ],
)  # fmt: skip
def test_each_status_is_told_with_its_amounts_and_dates(run_db, status, lines):
    story = explain_learner(run_db, LEARNERS[status])
    told = _payment_lines(story.text())
    assert told[0] == lines[0]
    assert told[1].startswith(lines[1]), told[1]
    (decision,) = story.data["decisions"]
    assert decision["payment"]["status"] == status
    assert decision["recomputed_agrees"], decision["disagreements"]


def test_the_json_carries_the_stored_reconciliation_and_its_history_row(run_db):
    (decision,) = explain_learner(run_db, LEARNERS["amount_differs"]).data["decisions"]
    payment = decision["payment"]
    assert payment | {"row": None} == {
        "status": "amount_differs",
        "status_label": "ander bedrag uitbetaald",
        "decided_eur": 1000,
        "paid_eur": 600,
        "paid_on": date(2025, 10, 15),
        "expected_by": date(2026, 2, 28),
        "file": "premies/premies_1.xlsx",
        "row": None,
    }
    assert payment["row"] > 1


def test_a_premium_paid_without_a_decision_has_its_own_section(run_db):
    story = explain_learner(run_db, LEARNERS["no_decision"])
    text = story.text()
    assert (
        f"Schooljaar {Y} bij onderneming 0403170701 (Metaalbouw Vermeulen NV): uitbetaling "
        "zonder beslissing\n"
    ) in text
    assert (
        "  - uitbetaald op 15/10/2025: € 1.000, maar zonder beslissing: geen actieve "
        f"overeenkomst van de lerende bij deze onderneming in {Y}; bron premies/premies_1.xlsx"
    ) in text
    (payment,) = story.data["payments_without_decision"]
    assert (payment["status"], payment["company_kbo"]) == ("no_decision", "0403170701")
    assert [d["decision"]["company_kbo"] for d in story.data["decisions"]] == [OTHER_COMPANY]
    assert story.data["decisions"][0]["payment"]["status"] == "awaited"
