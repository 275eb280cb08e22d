"""The Uitbetalingen sheet of a premies workbook: on a small run built by the models, a known
row per payment status, what is off first, the totals per status with what to do, and no
such sheet for a school year still running.

At as_of 01/12/2025 the school years 2023-2024 (premiums expected by 28/02/2025) and
2024-2025 (expected by 28/02/2026) are final, 2025-2026 is running. In 2023-2024, five
learners of one Antwerp company: one not paid, one paid a cent too little, one paid though
registered late, one paid in a year without an agreement, one paid as decided; the fourth
is eligible in 2024-2025, where its premium is still awaited.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from duaal.outputs.workbooks import write_reports
from duaal.outputs.workbooks.data import load_payments, load_run
from tests.builders import (
    COMPANY,
    RULES_FILE,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    build,
    rule_config,
    rules_db,
)
from tests.duaal.workbooks.one_run import table, title_lines
from transforms.identifiers import format_insz, format_kbo, make_insz
from transforms.rule_config import parse_rule_config
from transforms.schema import DECISION_COLUMNS, PAYMENT_COLUMNS
from transforms.sources import PREMIUMS

RUN = "run-payments"
AS_OF = date(2025, 12, 1)
PAID_ON = date(2024, 12, 15)
BEFORE = "2023-2024"
KBO = format_kbo(COMPANY)
FILE = "premies_5.xlsx"  # the premium history's batch 5 (tests/builders.py add_batch)
NAMES = ["Jens Peeters", "Lotte Maes", "Arne Claes", "Fien Willems", "Milan Goossens"]
LEARNERS = [make_insz("060512", 200 + i, born_2000_or_later=True) for i in range(5)]
MISSING, DIFFERS, NOT_DUE, NO_DECISION, PAID = range(5)
HEADER = (
    "Status",
    "Onderneming",
    "KBO-nummer",
    "Lerende",
    "INSZ lerende",
    "Beslist",
    "Uitbetaald",
    "Verschil",
    "Uitbetaald op",
    "Verwacht uiterlijk",
    "Bestand uitbetaling",
    "Rij uitbetaling",
    "Detail",
)
ACTIONS = {
    "niet uitbetaald": "Onderneming of adviseur: vraag het departement Onderwijs en Vorming "
    "(Vlaamse overheid) waarom de premie niet werd uitbetaald en vorder ze zonder uitstel op, "
    "met deze beslissing en haar uitleg als bewijs",
    "ander bedrag uitbetaald": "Onderneming of adviseur: vraag het departement Onderwijs en "
    "Vorming (Vlaamse overheid) het verschil recht te zetten: het ontbrekende bedrag bij te "
    "betalen, of een te veel betaald bedrag te verrekenen voor het wordt teruggevorderd",
    "uitbetaald zonder recht": "Controleer de beslissing en de invoer van dat schooljaar: "
    "volgens de regels was er geen recht op deze premie, die kan worden teruggevorderd",
    "uitbetaald zonder beslissing": "Controleer of de export van werkplekduaal een overeenkomst "
    "van dit paar in dat schooljaar mist: zonder overeenkomst kan de premie worden "
    "teruggevorderd",
}


def learner_in(con: duckdb.DuckDBPyConnection, i: int, start: int, **values: object) -> None:
    """Learner i's agreement (with its Dimona) at COMPANY in the school year from `start`."""
    agreement = {
        "agreement_id": f"OVK-{i}-{start}",
        "learner_insz": LEARNERS[i],
        "learner_name": NAMES[i],
        "start_date": date(start, 9, 1),
        "end_date": date(start + 1, 6, 30),
        "registration_date": date(start, 9, 15),
    }
    add_agreement(con, **(agreement | values))
    add_dimona(
        con,
        worker_insz=LEARNERS[i],
        start_date=date(start, 9, 1),
        end_date=date(start + 1, 6, 30),
        declared_on=date(start, 8, 28),
    )


def paid(con: duckdb.DuckDBPyConnection, i: int, amount: object = 1000) -> None:
    add_premium_paid(
        con,
        batch_id=5,
        school_year=BEFORE,
        learner_insz=LEARNERS[i],
        kind="premie",
        amount_eur=amount,
        paid_on=PAID_ON,
    )


@pytest.fixture(scope="module")
def payments_db() -> duckdb.DuckDBPyConnection:
    """The run: models built at AS_OF, its decisions and payments recorded as a run does."""
    con = rules_db()
    add_recognition(con, recognition_date=date(2023, 3, 1), mentor_training_date=date(2023, 6, 1))
    for i in (MISSING, DIFFERS, PAID):
        learner_in(con, i, 2023)
    learner_in(con, NOT_DUE, 2023, registration_date=date(2023, 12, 2))  # after its deadline
    learner_in(con, NO_DECISION, 2024)  # no agreement in 2023-2024
    learner_in(con, PAID, 2025)  # 2025-2026: still running
    paid(con, DIFFERS, Decimal("999.99"))
    for i in (NOT_DUE, NO_DECISION, PAID):
        paid(con, i)
    build(con, as_of=AS_OF)
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, as_of, rule_config, "
        "rule_config_hash, code_version) VALUES (?, ?, ?, 'completed', ?, ?, ?, 'abc1234')",
        [RUN, datetime(2025, 12, 1, 6), datetime(2025, 12, 1, 6, 2), AS_OF]
        + [RULES_FILE.read_text(encoding="utf-8"), rule_config().sha256],
    )
    for table_name, mart, columns in (
        ("run_decisions", "fct_premium_decisions", DECISION_COLUMNS),
        ("run_payments", "fct_payment_reconciliation", PAYMENT_COLUMNS),
    ):
        names = ", ".join(n for n, _ in columns)
        con.execute(
            f"INSERT INTO {table_name} (run_id, {names}) SELECT ?, {names} FROM {mart}", [RUN]
        )
    return con


@pytest.fixture(scope="module")
def reports(payments_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    write_reports(payments_db, RUN, folder, workers=1)
    return folder


def history_row(con: duckdb.DuckDBPyConnection, i: int) -> int:
    """The row of learner i's premie in the history file."""
    (row,) = con.execute(
        f"SELECT row_number FROM {PREMIUMS.table} WHERE learner_insz = ?", [LEARNERS[i]]
    ).fetchone()
    return row


def test_a_known_row_per_status_what_is_off_first(payments_db, reports):
    ws = load_workbook(reports / BEFORE / f"premies_{BEFORE}_antwerpen.xlsx")["Uitbetalingen"]
    rows = table(ws)
    expected_by = datetime(2025, 2, 28)
    on = datetime(2024, 12, 15)

    def who(i: int) -> tuple:
        return ("Metaalbouw Vermeulen NV", KBO, NAMES[i], format_insz(LEARNERS[i]))

    assert rows[0] == HEADER
    assert rows[1:6] == [
        ("niet uitbetaald", *who(MISSING), 1000, None, -1000, None, expected_by, None, None)
        + ("Premie 2023-2024 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk 28/02/2025",),
        ("ander bedrag uitbetaald", *who(DIFFERS), 1000, 999.99, -0.01, on, expected_by, FILE)
        + (history_row(payments_db, DIFFERS),)
        + (
            "Premie 2023-2024 beslist: € 1.000; uitbetaald € 999,99 op 15/12/2024, "
            "€ 0,01 te weinig",
        ),
        ("uitbetaald zonder recht", *who(NOT_DUE), 0, 1000, 1000, on, expected_by, FILE)
        + (history_row(payments_db, NOT_DUE),)
        + (
            "Premie 2023-2024 uitbetaald: € 1.000 op 15/12/2024, maar beslist zonder recht op "
            "de premie (Te laat geregistreerd in werkplekduaal)",
        ),
        # no decision that year: the learner's name from its decision of 2024-2025
        ("uitbetaald zonder beslissing", *who(NO_DECISION), 0, 1000, 1000, on, expected_by)
        + (FILE, history_row(payments_db, NO_DECISION))
        + (
            "Premie 2023-2024 uitbetaald: € 1.000 op 15/12/2024, maar zonder beslissing: geen "
            "actieve overeenkomst van het paar in 2023-2024 gevonden",
        ),
        ("uitbetaald zoals beslist", *who(PAID), 1000, 1000, 0, on, expected_by, FILE)
        + (
            history_row(payments_db, PAID),
            "Premie 2023-2024 beslist: € 1.000; uitbetaald op 15/12/2024",
        ),
    ]
    differs = int(ws.freeze_panes[1:]) + 1  # the list starts at the frozen pane: its 2nd row
    assert ws.cell(differs, 7).value == 999.99
    assert ".00" in ws.cell(differs, 7).number_format, "an amount paid shows its cents"


def test_the_totals_per_status_then_what_to_do(reports):
    path = reports / BEFORE / f"premies_{BEFORE}_antwerpen.xlsx"
    rows = [r[:6] for r in table(load_workbook(path)["Uitbetalingen"])]
    start = rows.index(("Totalen per status", None, None, None, None, None))
    assert rows[start + 1 :] == [
        ("Status", "Lerenden", "Beslist", "Uitbetaald", "Verschil", None),
        ("niet uitbetaald", 1, 1000, 0, -1000, None),
        ("ander bedrag uitbetaald", 1, 1000, 999.99, -0.01, None),
        ("uitbetaald zonder recht", 1, 0, 1000, 1000, None),
        ("uitbetaald zonder beslissing", 1, 0, 1000, 1000, None),
        ("nog te verwachten", 0, 0, 0, None, None),  # not due yet: no difference
        ("uitbetaald zoals beslist", 1, 1000, 1000, 0, None),
        ("Totaal", 5, 3000, 3999.99, 999.99, None),
        (None,) * 6,
        ("Wat te doen", None, None, None, None, None),
        ("Status", "Wat te doen", None, None, None, None),
        *((status, action, None, None, None, None) for status, action in ACTIONS.items()),
    ]


def test_an_awaited_premium_and_the_workbook_of_every_office(reports):
    later = "2024-2025"
    antwerp = table(
        load_workbook(reports / later / f"premies_{later}_antwerpen.xlsx")["Uitbetalingen"]
    )
    assert antwerp[1][:10] == (
        "nog te verwachten",
        "Metaalbouw Vermeulen NV",
        KBO,
        NAMES[NO_DECISION],
        format_insz(LEARNERS[NO_DECISION]),
        1000,
        None,
        None,  # not due yet: no difference
        None,
        datetime(2026, 2, 28),
    )
    assert antwerp[-1][0] == "Niets: geen premie werd niet of verkeerd uitbetaald."
    every = load_workbook(reports / BEFORE / f"premies_{BEFORE}.xlsx")["Uitbetalingen"]
    assert every.cell(4, 1).value == "Antwerpen", "a list per office, headed by its name"
    assert [r[0] for r in table(every)[1:6]] == [
        "niet uitbetaald",
        "ander bedrag uitbetaald",
        "uitbetaald zonder recht",
        "uitbetaald zonder beslissing",
        "uitbetaald zoals beslist",
    ]
    limburg = load_workbook(reports / BEFORE / f"premies_{BEFORE}_limburg.xlsx")["Uitbetalingen"]
    assert title_lines(limburg)[-1] == "Geen premies af te stemmen in 2023-2024."
    assert limburg.max_row == 4, "an office without payments: no totals of nothing"


def test_no_sheet_for_a_school_year_still_running(reports):
    running = load_workbook(reports / "2025-2026" / "premies_2025-2026_antwerpen.xlsx")
    assert "Niet-subsidiabel" in running.sheetnames
    assert "Uitbetalingen" not in running.sheetnames
    final = load_workbook(reports / BEFORE / f"premies_{BEFORE}_antwerpen.xlsx")
    leeswijzer = [c for row in final["Leeswijzer"].iter_rows(values_only=True) for c in row]
    assert "Uitbetalingen" in leeswijzer, "the Leeswijzer lists the sheet by its purpose"

    def topics(workbook) -> set:
        return {r[0] for r in workbook["Toelichting"].iter_rows(values_only=True)}

    assert "Uitbetalingen: Verschil" in topics(final), "the Toelichting says what it means"
    assert "Uitbetalingen: Verschil" not in topics(running)


def test_a_run_recorded_before_payments_were_reconciled_has_no_sheet(payments_db):
    run = load_run(payments_db, RUN)
    loaded = load_payments(payments_db, run, BEFORE)
    assert [p["learner_name"] for p in loaded] == [
        NAMES[i] for i in sorted(range(5), key=LEARNERS.__getitem__)
    ]
    text = RULES_FILE.read_text(encoding="utf-8").replace("payment_expected_months = 6", "")
    older = replace(run, config=parse_rule_config(text, recorded=True))
    assert older.config.premium.payment_expected_months is None
    assert load_payments(payments_db, older, BEFORE) is None
