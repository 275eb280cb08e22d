"""The Excel reports: sheet names, headers, known rows, totals against the marts, no personal
data in the federation workbook, no formula from an export, the same cells on a rewrite."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from duaal.workbooks import write_reports
from duaal.workbooks.data import PLACE_MARTS
from duaal.workbooks.style import DATE_FORMAT, EURO_FORMAT
from tests.builders import (
    COMPANY,
    RULES_FILE,
    add_agreement,
    add_recognition,
    rule_config,
    rules_db,
)
from transforms.contracts import contract
from transforms.identifiers import make_insz, make_kbo
from transforms.models import build_models
from transforms.rule_config import load_into
from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS

RUN = "run-test"
YEAR = "2024-2025"
AS_OF = date(2025, 9, 1)
STARTED = datetime(2025, 9, 1, 6, 0, 5)
FINISHED = datetime(2025, 9, 1, 6, 1, 40)
INJECTION = '=HYPERLINK("http://x","y")'
SHA = "ab" * 32

ANTWERP_KBO = make_kbo(40_000_001)
BRUSSELS_KBO = make_kbo(50_000_002)
WALLOON_KBO = make_kbo(60_000_003)
MENTOR = make_insz("800101", 77, born_2000_or_later=False)
LEARNER_NAMES = [
    "Jens Peeters",
    "Lotte Maes",
    "Arne Claes",
    "Fien Willems",
    "Milan Goossens",
    "Noor Wouters",
    "Lucas De Smet",
    "Ella Jacobs",
    "Vic Mertens",
    "Lore Dubois",
]


def learner(i: int) -> str:
    """The INSZ of the i-th test learner."""
    return make_insz("060512", 100 + i, born_2000_or_later=True)


def decision(**values: object) -> dict:
    """A decision row with every column of the mart."""
    row = {
        "school_year": YEAR,
        "company_kbo": ANTWERP_KBO,
        "learner_insz": learner(0),
        "province": "Antwerpen",
        "office": "Antwerpen",
        "status": "final",
        "eligible": True,
        "amount_eur": 1000,
        "months_covered": 10.0,
        "premiums_before": 0,
        "reasons": "",
        "explanation": "Subsidiabel: 10,00 maanden opleiding.",
        "company_name": "Metaalbouw Vermeulen NV",
        "establishment_id": "2123456789",
        "establishment_postcode": 2800,
        "establishment_municipality": "Mechelen",
        "learner_name": LEARNER_NAMES[0],
        "training": "Elektrotechnicus duaal",
        "agreement_types": "OAO",
        "agreement_ids": "OVK-0",
    } | values
    assert set(row) == {n for n, _ in DECISION_COLUMNS}, "decision() builds every mart column"
    return row


def finding(**values: object) -> dict:
    """A finding row with every column of the mart."""
    row = {
        "code": "DIMONA_MISSING",
        "severity": "error",
        "agreement_id": "OVK-0",
        "company_kbo": ANTWERP_KBO,
        "learner_insz": learner(0),
        "mentor_insz": None,
        "province": "Antwerpen",
        "office": "Antwerpen",
        "detail": "Geen Dimona voor de overeenkomst.",
        "due_date": None,
        "company_name": "Metaalbouw Vermeulen NV",
    } | values
    assert set(row) == {n for n, _ in FINDING_COLUMNS}, "finding() builds every mart column"
    return row


def decisions() -> list[dict]:
    """10 in Antwerp (5 paid premiums, 5 refused), 2 in Brussels, 1 in Wallonia, 1 a year earlier."""
    rows = []
    for i in range(10):
        refused = i >= 5
        rows.append(
            decision(
                learner_insz=learner(i),
                learner_name=LEARNER_NAMES[i],
                agreement_ids=f"OVK-{i}",
                eligible=not refused,
                amount_eur=0 if refused else 1000,
                months_covered=2.5 if refused else 10.0,
                reasons=("REGISTRATION_LATE;NO_DIMONA" if i >= 8 else "NO_DIMONA")
                if refused
                else "",
                explanation="Niet subsidiabel." if refused else "Subsidiabel.",
            )
        )
    for i, name in ((10, "@Jan Smet"), (11, "+32 Piet")):
        rows.append(
            decision(
                company_kbo=BRUSSELS_KBO,
                company_name=INJECTION,
                learner_insz=learner(i),
                learner_name=name,
                province="Brussel",
                office="Vlaams-Brabant & Brussel",
                establishment_id="2999999999",
                establishment_postcode=1000,
                establishment_municipality="Brussel",
                training="Kok duaal",
                eligible=False,
                amount_eur=0,
                months_covered=0.0,
                reasons="OUTSIDE_FLANDERS;NO_DIMONA",
                explanation="Niet subsidiabel: vestiging in Brussel.",
                agreement_ids=f"BXL-{i}",
            )
        )
    rows.append(
        decision(
            company_kbo=WALLOON_KBO,
            company_name="-Les Cuisines SA",
            learner_insz=learner(12),
            learner_name="Chloé Lambert",
            province="Luik",
            office="Wallonië",
            establishment_postcode=4000,
            establishment_municipality="Luik",
            training="Kok duaal",
            eligible=False,
            amount_eur=0,
            months_covered=6.0,
            reasons="OUTSIDE_FLANDERS",
            explanation="Niet subsidiabel.",
            agreement_ids="OVK-12",
        )
    )
    rows.append(decision(school_year="2023-2024", amount_eur=1000, agreement_ids="OVK-old"))
    return rows


def findings() -> list[dict]:
    """Two errors, a warning and three infos (the models report a REGISTRATION_DUE only
    within 30 days of its deadline; the workbooks list what the run found)."""
    return [
        finding(),
        finding(
            code="MENTOR_TRAINING_OVERDUE",
            agreement_id=None,
            company_kbo=None,
            learner_insz=None,
            mentor_insz=MENTOR,
            province=None,
            office=None,
            detail="Erkend op 01/03/2024, geen mentoropleiding.",
            due_date=date(2025, 3, 1),
            company_name=None,
        ),
        finding(code="DIMONA_TYPE", severity="warning", agreement_id="OVK-1", detail="Type OTH."),
        finding(
            code="REGISTRATION_DUE",
            severity="info",
            agreement_id="OVK-3",
            learner_insz=learner(3),
            detail="Registreren vóór 20/09/2025.",
            due_date=date(2025, 9, 20),
        ),
        finding(
            code="REGISTRATION_DUE",
            severity="info",
            agreement_id="BXL-10",
            company_kbo=BRUSSELS_KBO,
            learner_insz=learner(10),
            province="Brussel",
            office="Vlaams-Brabant & Brussel",
            detail="Registreren vóór 15/09/2025.",
            due_date=date(2025, 9, 15),
            company_name=INJECTION,
        ),
        finding(
            code="REGISTRATION_DUE",
            severity="info",
            agreement_id="OVK-4",
            learner_insz=learner(4),
            detail="Registreren vóór 01/12/2025.",
            due_date=date(2025, 12, 1),
        ),
    ]


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert dicts into a table, with the run id in front."""
    names = ["run_id", *rows[0]]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    con.executemany(sql, [[RUN, *r.values()] for r in rows])


def brussels_agreements(con: duckdb.DuckDBPyConnection) -> None:
    """Two Brussels learners of one mentor in 2024-2025, one ended in 2023, one in Antwerp."""
    brussels = dict(
        company_kbo=BRUSSELS_KBO,
        company_name=INJECTION,
        establishment_id="2999999999",
        establishment_postcode=1000,
        establishment_municipality="Brussel",
        mentor_insz=MENTOR,
        mentor_name="Marc Janssens",
    )
    add_agreement(con, agreement_id="BXL-10", learner_insz=learner(10), **brussels)
    add_agreement(con, agreement_id="BXL-11", learner_insz=learner(11), **brussels)
    add_agreement(
        con,
        agreement_id="BXL-OLD",
        learner_insz=learner(13),
        start_date=date(2022, 9, 1),
        end_date=date(2023, 6, 30),
        **brussels,
    )
    add_agreement(con, agreement_id="OVK-0", learner_insz=learner(0))


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """A database with one run: decisions, findings, two input files, quarantine, staging."""
    db = rules_db()
    config_text = RULES_FILE.read_text(encoding="utf-8")
    db.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, as_of, rule_config, "
        "rule_config_hash, code_version) VALUES (?, ?, ?, 'completed', ?, ?, ?, 'abc1234')",
        [RUN, STARTED, FINISHED, AS_OF, config_text, rule_config().sha256],
    )
    for batch_id, source, name, quarantined in (
        (1, "overeenkomsten", "overeenkomsten_2025.xlsx", 1),
        (2, "dimona", "dimona_2025.csv", 0),
    ):
        db.execute(
            "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, status, reason, rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'loaded', NULL, 20, ?, ?, 1, ?)",
            [batch_id, source, name, f"data/raw/{source}/{name}", SHA, "Blad1", 19 - quarantined]
            + [quarantined, STARTED],
        )
        db.execute("INSERT INTO run_batches VALUES (?, ?)", [RUN, batch_id])
    db.execute(
        "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, status, reason, rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at) "
        "VALUES (3, 'dimona', 'kapot.xlsx', 'data/raw/dimona/kapot.xlsx', "
        "?, NULL, 'refused', 'kapot.xlsx: not a readable .xlsx workbook', 0, 0, 0, 0, ?)",
        [SHA, STARTED],
    )
    db.execute("INSERT INTO run_batches VALUES (?, 3)", [RUN])
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, detail, raw_values) "
        "VALUES (1, 'overeenkomsten', 'overeenkomsten_2025.xlsx', "
        "'Blad1', 7, 'INVALID_INSZ', 'INSZ lerende: 12345 is geen geldig INSZ-nummer', "
        """'{"INSZ lerende": "12345", "Postcode vestiging": "2800"}')"""
    )
    # a Dimona row of a Brussels company, and one that names no company it can be placed by
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, detail, raw_values) "
        "VALUES (2, 'dimona', 'dimona_2025.csv', NULL, 4, "
        "'INVALID_DATE', 'Begindatum: 31/02/2025 is geen geldige datum', ?)",
        [f'{{"Ondernemingsnummer": "BE {BRUSSELS_KBO}", "Begindatum": "31/02/2025"}}'],
    )
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, detail, raw_values) "
        "VALUES (2, 'dimona', 'dimona_2025.csv', NULL, 5, "
        "'MISSING_VALUE', 'Ondernemingsnummer: leeg, een waarde is verplicht', "
        """'{"Ondernemingsnummer": null}')"""
    )
    # a quarantined row of a batch this run did not use
    db.execute(
        "INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason, "
        "detail, raw_values) VALUES (9, 'dimona', 'oud.csv', NULL, 3, 'INVALID_DATE', 'x', NULL)"
    )
    insert(db, "run_decisions", decisions())
    insert(db, "run_findings", findings())
    load_into(db, rule_config(), AS_OF)
    brussels_agreements(db)
    # the mentor of the MENTOR_TRAINING_OVERDUE finding, recognised at OVK-0's establishment
    add_recognition(db, recognition_id="ERK-1", mentor_insz=MENTOR)
    add_recognition(
        db,
        recognition_id="ERK-2",
        mentor_insz=MENTOR,
        company_kbo=BRUSSELS_KBO,
        establishment_id="2999999999",
        recognition_date=date(2024, 9, 1),
    )
    db.execute("CREATE TABLE stg_werkplekduaal__agreements AS SELECT * FROM ingest_overeenkomsten")
    db.execute("CREATE TABLE stg_werkplekduaal__recognitions AS SELECT * FROM ingest_erkenningen")
    # the Actiris list and the places of findings and rows are marts, as a run builds them
    build_models(db, rule_config(), AS_OF, targets=("fct_actiris_mentor_premiums", *PLACE_MARTS))
    return db


@pytest.fixture(scope="module")
def written(con: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The workbooks of the run, written once for the module."""
    return write_reports(con, RUN, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def reports(written: list[Path]) -> Path:
    """The folder the workbooks were written to."""
    return written[0].parents[1]


def values(path: Path, sheet: str) -> list[tuple]:
    """Every row of a sheet as values."""
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


OFFICE_FILES = [
    "antwerpen",
    "limburg",
    "oost-vlaanderen",
    "west-vlaanderen",
    "vlaams-brabant-brussel",
    "wallonie",
]
PREMIES_SHEETS = [
    "Overzicht",
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant & Brussel",
    "Wallonië",
    "Niet-subsidiabel",
    "Brussel (Actiris)",
    "Toelichting",
]


def test_premies_per_school_year_conformiteit_once_per_run(written, reports):
    expected = [
        f"{y}/{name}"
        for y in ("2023-2024", "2024-2025")
        for name in (
            f"premies_{y}.xlsx",
            *(f"premies_{y}_{slug}.xlsx" for slug in OFFICE_FILES),
            f"federatie_{y}.xlsx",
        )
    ]
    expected += ["conformiteit/conformiteit_2025-09-01.xlsx"]
    expected += [f"conformiteit/conformiteit_2025-09-01_{slug}.xlsx" for slug in OFFICE_FILES]
    assert [p.relative_to(reports).as_posix() for p in written] == expected
    assert not list(reports.glob("20*/conformiteit*")), "no findings copied per school year"


def test_premies_overview_matches_the_mart(con, reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    assert load_workbook(path).sheetnames == PREMIES_SHEETS
    rows = values(path, "Overzicht")
    assert rows[0][:8] == (
        "Kantoor",
        "Lerenden beslist",
        "Subsidiabel",
        "Premies van € 600",
        "Premies van € 1.000",
        "Totaal bedrag",
        "Niet subsidiabel",
        "Niet subsidiabel: Niet geregistreerd in werkplekduaal",
    )
    header = rows[0]
    assert header.index("Niet subsidiabel: Geen Dimona-periode die telt") == 13
    assert rows[1] == ("Antwerpen", 10, 5, 0, 5, 5000, 5, 0, 2, 0, 0, 0, 0, 5, 0, 0)
    assert rows[5] == ("Vlaams-Brabant & Brussel", 2, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 2, 0, 0)
    assert [r[0] for r in rows[1:8]] == [*PREMIES_SHEETS[1:7], "Totaal"]
    total = con.execute(
        "SELECT count(*), count(*) FILTER (eligible), sum(amount_eur) FROM run_decisions "
        "WHERE run_id = ? AND school_year = ?",
        [RUN, YEAR],
    ).fetchone()
    assert rows[7][1:3] == total[:2] and rows[7][5] == total[2] == 5000
    ws = load_workbook(path)["Overzicht"]
    assert ws["F2"].number_format == EURO_FORMAT
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:P7"
    assert len(ws._charts) == 1, "a bar chart of the amount per office"


def test_office_sheet_lists_every_decision(con, reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    rows = values(path, "Antwerpen")
    assert rows[0] == (
        "Onderneming",
        "Ondernemingsnummer",
        "Vestiging",
        "Postcode",
        "Gemeente",
        "Lerende",
        "INSZ lerende",
        "Opleiding",
        "Type overeenkomst",
        "Overeenkomsten",
        "Maanden gedekt",
        "Eerdere premies",
        "Bedrag",
        "Status",
        "Subsidiabel",
        "Redenen",
        "Uitleg",
    )
    assert len(rows) == 11
    by_learner = {r[5]: r for r in rows[1:]}
    assert by_learner["Vic Mertens"] == (
        "Metaalbouw Vermeulen NV",
        ANTWERP_KBO,
        "2123456789",
        2800,
        "Mechelen",
        "Vic Mertens",
        learner(8),
        "Elektrotechnicus duaal",
        "OAO",
        "OVK-8",
        2.5,
        0,
        0,
        "definitief",
        "Nee",
        "Te laat geregistreerd in werkplekduaal; Geen Dimona-periode die telt",
        "Niet subsidiabel.",
    )
    assert [r[5] for r in rows[1:]] == sorted(LEARNER_NAMES), "sorted by company, then learner"
    ws = load_workbook(path)["Antwerpen"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:Q11"
    assert ws["K2"].number_format == "0.00" and ws["M2"].number_format == EURO_FORMAT
    assert values(path, "Limburg") == [rows[0]], "an office without decisions: headers only"


def test_refusals_in_plain_dutch(con, reports):
    rows = values(reports / YEAR / f"premies_{YEAR}.xlsx", "Niet-subsidiabel")
    refused = con.execute(
        "SELECT count(*) FROM run_decisions WHERE run_id = ? AND school_year = ? AND NOT eligible",
        [RUN, YEAR],
    ).fetchone()[0]
    assert len(rows) - 1 == refused == 8
    assert rows[0][10:12] == ("Redenen", "Redencodes")
    walloon = next(r for r in rows if r[0] == "Wallonië")
    assert walloon[:5] == (
        "Wallonië",
        "-Les Cuisines SA",
        WALLOON_KBO,
        "Chloé Lambert",
        learner(12),
    )
    assert walloon[10:12] == ("Vestiging buiten het Vlaams Gewest", "OUTSIDE_FLANDERS")


def test_brussels_actiris_sheet(reports):
    rows = values(reports / YEAR / f"premies_{YEAR}.xlsx", "Brussel (Actiris)")
    assert rows == [
        (
            "Onderneming",
            "Ondernemingsnummer",
            "Vestiging",
            "Postcode",
            "Gemeente",
            "Mentor",
            "INSZ mentor",
            "Aantal lerenden",
            "Overeenkomsten",
            "Actiris-mentorpremie mogelijk",
            "Actiris-mentorpremie",
        ),
        (
            INJECTION,
            BRUSSELS_KBO,
            "2999999999",
            1000,
            "Brussel",
            "Marc Janssens",
            MENTOR,
            2,
            "BXL-10, BXL-11",
            "Ja",
            1750,
        ),
    ]


def test_toelichting_names_run_parameters_and_files(reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    rows = values(path, "Toelichting")
    facts = {r[0]: r[1] for r in rows if r[0] and r[1] is not None}
    assert facts["Run-ID"] == RUN
    assert facts["Peildatum (as_of)"] == datetime(2025, 9, 1)
    assert facts["Run gestart"] == STARTED
    assert facts["SHA-256 regelconfiguratie"] == rule_config().sha256
    assert facts["Premie 2024-2025 met leervergoeding"] == 1000
    assert facts["Minimum gedekte maanden opleiding"] == 4
    assert facts["Actiris-mentorpremie per jaar (Brussel)"] == 1750
    file_header = ("Bron", "Bestand", "Blad", "SHA-256", "Status", "Rijen gelezen")
    file_header += ("Aanvaard", "In quarantaine", "Lege rijen", "Reden weigering")
    header = rows.index(file_header)
    assert rows[header + 1] == (
        "Dimona",
        "dimona_2025.csv",
        "Blad1",
        SHA,
        "ingelezen",
        20,
        19,
        0,
        1,
        None,
    )
    ws = load_workbook(path)["Toelichting"]
    assert ws["B4"].value == datetime(2025, 9, 1) and ws["B4"].number_format == DATE_FORMAT
    assert ws.auto_filter.ref.startswith("A1:B"), "the run's facts can be filtered"
    assert (
        "Maanden gedekt",
        "Maanden met Dimona binnen de basisovereenkomsten en het schooljaar (0 tot 12).",
    ) in [r[:2] for r in rows[header:]], "the meaning of a column comes from its contract"


@pytest.mark.parametrize(
    ("workbook", "mart"),
    [
        (f"{YEAR}/premies_{YEAR}.xlsx", "fct_premium_decisions"),
        (f"conformiteit/conformiteit_{AS_OF}.xlsx", "fct_compliance_findings"),
    ],
)
def test_the_glossary_describes_the_headers_the_sheets_show(reports, workbook, mart):
    wb = load_workbook(reports / workbook, read_only=True)
    headers = set()
    for name in wb.sheetnames:
        if name != "Toelichting":
            headers |= {h for row in wb[name].iter_rows(values_only=True) for h in row}
    rows = values(reports / workbook, "Toelichting")
    start = next(i for i, r in enumerate(rows) if r[:2] == ("Gegeven", "Betekenis"))
    glossary = [r[0] for r in rows[start + 1 :] if r[0]]
    labels = {c.label for c in contract(mart).columns}
    assert glossary, "the Toelichting has a glossary"
    assert set(glossary) <= headers, "every column the glossary describes is shown"
    assert labels & headers <= set(glossary), "every mart column shown is described"


def test_office_workbook_holds_one_office(reports):
    antwerp = load_workbook(reports / YEAR / f"premies_{YEAR}_antwerpen.xlsx")
    assert antwerp.sheetnames == [
        "Overzicht",
        "Antwerpen",
        "Niet-subsidiabel",
        "Wijzigingen",
        "Toelichting",
    ]
    overview = list(antwerp["Overzicht"].iter_rows(values_only=True))
    assert overview[1][:7] == ("Antwerpen", 10, 5, 0, 5, 5000, 5)
    assert overview[2][:7] == ("Totaal", 10, 5, 0, 5, 5000, 5)
    assert {r[0] for r in list(antwerp["Niet-subsidiabel"].iter_rows(values_only=True))[1:]} == {
        "Antwerpen"
    }
    brussels = load_workbook(reports / YEAR / f"premies_{YEAR}_vlaams-brabant-brussel.xlsx")
    assert "Brussel (Actiris)" in brussels.sheetnames
    assert brussels["Brussel (Actiris)"].max_row == 2


CONFORMITEIT = "conformiteit/conformiteit_2025-09-01.xlsx"
CONFORMITEIT_SHEETS = [
    "Overzicht",
    "Fouten",
    "Waarschuwingen",
    "Info",
    "Actielijst",
    "Afgekeurde rijen",
    "Geweigerde bestanden",
    "Invoercontrole",
    "Wijzigingen",
    "Toelichting",
]
QUARANTINE_HEADER = ("Bron", "Bestand", "Blad", "Rij", "Reden", "Redencode", "Detail")
ANTWERP_ROW = (
    "Overeenkomsten (werkplekduaal)",
    "overeenkomsten_2025.xlsx",
    "Blad1",
    7,
    "Ongeldig INSZ-nummer",
    "INVALID_INSZ",
    "INSZ lerende: 12345 is geen geldig INSZ-nummer",
)
BRUSSELS_ROW = (
    "Dimona",
    "dimona_2025.csv",
    None,
    4,
    "Ongeldige datum",
    "INVALID_DATE",
    "Begindatum: 31/02/2025 is geen geldige datum",
)
UNPLACED_ROW = (
    "Dimona",
    "dimona_2025.csv",
    None,
    5,
    "Verplichte waarde ontbreekt",
    "MISSING_VALUE",
    "Ondernemingsnummer: leeg, een waarde is verplicht",
)


def test_conformiteit_of_the_run(reports):
    path = reports / CONFORMITEIT
    wb = load_workbook(path)
    assert wb.sheetnames == CONFORMITEIT_SHEETS
    assert values(path, "Geweigerde bestanden") == [
        ("Bron", "Bestand", "SHA-256", "Reden"),
        ("Dimona", "kapot.xlsx", SHA, "kapot.xlsx: not a readable .xlsx workbook"),
    ]
    rows = values(path, "Overzicht")
    assert rows[0] == ("Regel", "Code", "Ernst", *PREMIES_SHEETS[1:7], "Totaal")
    assert rows[1:] == [
        ("Dimona ontbreekt", "DIMONA_MISSING", "fout", 1, 0, 0, 0, 0, 0, 1),
        ("Mentoropleiding niet gevolgd, termijn verstreken", "MENTOR_TRAINING_OVERDUE", "fout")
        + (1, 0, 0, 0, 0, 0, 1),
        ("Verkeerd Dimona-type (OTH in plaats van ALT of RTA)", "DIMONA_TYPE", "waarschuwing")
        + (1, 0, 0, 0, 0, 0, 1),
        ("Registratie binnenkort verschuldigd", "REGISTRATION_DUE", "info") + (2, 0, 0, 0, 1, 0, 3),
        ("Totaal", None, None, 5, 0, 0, 0, 1, 0, 6),
    ], "the mentor finding counts under the office of the mentor's recognition"
    assert len(values(path, "Fouten")) == 3 and len(values(path, "Info")) == 4
    actions = values(path, "Actielijst")
    assert actions[0][5:10] == (
        "Kantoor",
        "Onderneming",
        "Ondernemingsnummer",
        "Vestiging",
        "Overeenkomst",
    )
    assert [(r[0], r[1], r[2], r[9]) for r in actions[1:]] == [
        (datetime(2025, 3, 1), -184, "Mentoropleiding niet gevolgd, termijn verstreken", None),
        (datetime(2025, 9, 15), 14, "Registratie binnenkort verschuldigd", "BXL-10"),
        (datetime(2025, 9, 20), 19, "Registratie binnenkort verschuldigd", "OVK-3"),
        (datetime(2025, 12, 1), 91, "Registratie binnenkort verschuldigd", "OVK-4"),
        (None, None, "Dimona ontbreekt", "OVK-0"),
    ], "most urgent first; which registrations are due is the models' rule, not the workbook's"
    assert actions[1][5:11] == (
        "Antwerpen",
        "Metaalbouw Vermeulen NV",
        COMPANY,
        "2123456789",
        None,
        None,
    ), "a mentor finding names the company and establishment of the first recognition"
    assert actions[-1][7:10] == (ANTWERP_KBO, "2123456789", "OVK-0"), "the agreement's own"
    assert wb["Actielijst"]["A2"].number_format == DATE_FORMAT
    assert values(path, "Afgekeurde rijen") == [
        QUARANTINE_HEADER,
        BRUSSELS_ROW,
        UNPLACED_ROW,
        ANTWERP_ROW,
    ], "every quarantined row of the run, also one no office can be given"
    assert values(path, "Invoercontrole") == [
        ("Invoercontrole",),
        ("Geen opmerkingen bij de invoer",),
    ]
    assert values(path, "Wijzigingen") == [
        ("Wijzigingen",),
        ("Geen wijzigingen sinds de vorige run (of dit is de eerste run)",),
    ], "the test run is the database's only run"
    notes = {r[0]: r[1] for r in values(path, "Toelichting") if r[0]}
    assert "Schooljaar" not in notes, "judged at as_of, for no one school year"
    assert "alleen in de map van de run" in notes["Kantoor van een afgekeurde rij"]


def test_conformiteit_of_an_office_holds_only_its_own(reports):
    path = reports / "conformiteit" / "conformiteit_2025-09-01_antwerpen.xlsx"
    assert load_workbook(path).sheetnames == CONFORMITEIT_SHEETS
    rows = values(path, "Overzicht")
    assert rows[0] == ("Regel", "Code", "Ernst", "Antwerpen", "Totaal")
    assert [r[1] for r in rows[1:-1]] == [
        "DIMONA_MISSING",
        "MENTOR_TRAINING_OVERDUE",
        "DIMONA_TYPE",
        "REGISTRATION_DUE",
    ]
    assert rows[-1] == ("Totaal", None, None, 5, 5)
    assert {r[5] for r in values(path, "Actielijst")[1:]} == {"Antwerpen"}
    assert values(path, "Afgekeurde rijen") == [QUARANTINE_HEADER, ANTWERP_ROW]
    brussels = reports / "conformiteit" / "conformiteit_2025-09-01_vlaams-brabant-brussel.xlsx"
    assert values(brussels, "Afgekeurde rijen") == [QUARANTINE_HEADER, BRUSSELS_ROW]
    assert [r[9] for r in values(brussels, "Actielijst")[1:]] == ["BXL-10"]
    limburg = reports / "conformiteit" / "conformiteit_2025-09-01_limburg.xlsx"
    assert values(limburg, "Fouten") == [values(path, "Fouten")[0]], "headers only"
    assert load_workbook(path)["Overzicht"].oddHeader.right.text == "Antwerpen"
    assert load_workbook(path)["Overzicht"].oddHeader.center.text == "Peildatum 01/09/2025"


def test_invoercontrole_lists_the_runs_input_checks(con, tmp_path):
    checks = [
        (1, "FILE_REFUSED", "warning", "dimona", "kapot.xlsx", None, "m", "Bestand geweigerd."),
        (2, "ROW_SUPERSEDED", "warning", "overeenkomsten", "b.csv", 14, "m", "Rij 14 vervangen."),
    ]
    con.executemany(
        "INSERT INTO run_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(RUN, *c) for c in reversed(checks)],
    )
    con.execute(
        "UPDATE load_batches SET reason_nl = 'Geen leesbaar .xlsx-bestand' WHERE batch_id = 3"
    )
    try:
        paths = write_reports(con, RUN, tmp_path, school_years=[YEAR])
    finally:
        con.execute("DELETE FROM run_checks WHERE run_id = ?", [RUN])
        con.execute("UPDATE load_batches SET reason_nl = NULL WHERE batch_id = 3")
    for path in (
        tmp_path / CONFORMITEIT,
        tmp_path / "conformiteit/conformiteit_2025-09-01_limburg.xlsx",
    ):
        assert path in paths
        assert values(path, "Invoercontrole") == [
            ("Code", "Ernst", "Bron", "Bestand", "Rij", "Melding"),
            ("FILE_REFUSED", "waarschuwing", "Dimona", "kapot.xlsx", None, "Bestand geweigerd."),
            ("ROW_SUPERSEDED", "waarschuwing", "Overeenkomsten (werkplekduaal)", "b.csv", 14)
            + ("Rij 14 vervangen.",),
        ], "in check_seq order, the Dutch message"
        assert values(path, "Geweigerde bestanden")[1][3] == "Geen leesbaar .xlsx-bestand"


def test_federatie_publishes_real_totals_and_hides_small_counts(reports):
    path = reports / YEAR / f"federatie_{YEAR}.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Per kantoor", "Per opleiding", "Schooljaren", "Toelichting"]
    rows = values(path, "Per kantoor")
    assert rows[0][:7] == (
        "Kantoor",
        "Lerenden",
        "Subsidiabel",
        "Niet subsidiabel",
        "Subsidiabel (%)",
        "Totaal bedrag",
        "Conform (%)",
    )
    no_dimona = rows[0].index("Reden: Geen Dimona-periode die telt")
    antwerp = rows[1]
    assert antwerp[:7] == ("Antwerpen", 10, 5, 5, 0.5, 5000, "—"), "1 of 10 not conform: hidden"
    assert rows[2][:7] == ("Limburg", 0, 0, 0, None, 0, None)
    assert rows[5][:2] == ("Vlaams-Brabant & Brussel", "< 5")
    assert rows[5][2:7] == (0, "< 5", "—", 0, "—"), (
        "a group of 2 shows only what the totals give away anyway: Antwerp holds all 5 premies"
    )
    assert rows[6][:2] == ("Wallonië", "< 5")
    assert rows[7][:4] == ("Totaal", 13, 5, 8), "the real totals, hidden groups included"
    assert rows[7][4] == pytest.approx(5 / 13)
    assert rows[7][no_dimona] == 7, "the 2 Brussels refusals for NO_DIMONA are in the total"
    trainings = values(path, "Per opleiding")
    assert trainings[-1][:4] == rows[7][:4], "the same totals on every sheet"
    assert [r[0] for r in trainings[1:]] == ["Elektrotechnicus duaal", "Kok duaal", "Totaal"]
    assert trainings[2][1] == "< 5"
    assert trainings[1][1] == "—", "10 of 13 would give the 3 cooks away"
    assert len(wb["Per kantoor"]._charts) == 1
    years = values(path, "Schooljaren")
    assert years[0] == (
        "Kantoor",
        "Lerenden 2023-2024",
        "Subsidiabel 2023-2024",
        "Bedrag 2023-2024",
        "Lerenden 2024-2025",
        "Subsidiabel 2024-2025",
        "Bedrag 2024-2025",
    )
    assert years[-1][4:7] == (13, 5, rows[7][5]), "the year's totals as on Per kantoor"
    assert years[1][4:6] == antwerp[1:3], "the same cells as Per kantoor, the same hidden"
    assert years[1][1:3] == ("< 5", "< 5"), "one Antwerp learner in 2023-2024"
    assert len(wb["Schooljaren"]._charts) == 1


def test_federatie_carries_no_personal_data(con, reports):
    path = reports / YEAR / f"federatie_{YEAR}.xlsx"
    people = con.execute(
        "SELECT learner_name, learner_insz, company_name, company_kbo FROM run_decisions "
        "UNION ALL SELECT mentor_name, mentor_insz, company_iban, company_kbo "
        "FROM stg_werkplekduaal__agreements"
    ).fetchall()
    secrets = {str(v) for row in people for v in row if v}
    patterns = re.compile(r"(?<!\d)\d{10,11}(?!\d)|BE\d{14}|\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}")
    texts = [
        str(cell)
        for ws in load_workbook(path).worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert texts, "the federation workbook is not empty"
    leaks = [t for t in texts if patterns.search(t) or any(s in t for s in secrets)]
    assert leaks == []
    with zipfile.ZipFile(path) as archive:
        xml = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert [s for s in secrets if s in xml] == [], "not in shared strings or any other part"


def test_text_from_exports_is_never_a_formula(reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    ws = load_workbook(path)["Vlaams-Brabant & Brussel"]
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [(INJECTION, "s"), (INJECTION, "s")]
    assert sorted(c.value for c in ws["F"][1:]) == ["+32 Piet", "@Jan Smet"]
    assert load_workbook(path)["Wallonië"]["A2"].value == "-Les Cuisines SA"
    for workbook in sorted((reports / YEAR).glob("*.xlsx")):
        with zipfile.ZipFile(workbook) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            formulas = [n for n in sheets if re.search(r"<f[ >]", archive.read(n).decode())]
        assert formulas == [], f"{workbook.name} holds no formula"


def test_every_sheet_frozen_and_filterable(reports):
    for path in sorted((reports / YEAR).glob("*.xlsx")):
        for ws in load_workbook(path).worksheets:
            assert ws.freeze_panes == "A2", f"{path.name}/{ws.title}: header frozen"
            assert ws.auto_filter.ref, f"{path.name}/{ws.title}: filter"
            assert ws.column_dimensions["A"].width > 6, f"{path.name}/{ws.title}: sized"


def test_same_run_same_cells(con, written, reports, tmp_path):
    again = write_reports(con, RUN, tmp_path, school_years=[YEAR])
    assert [p.relative_to(tmp_path) for p in again] == [
        p.relative_to(reports) for p in written[8:]
    ], "only the school year asked, and the run's conformiteit"
    for path in again:
        first = reports / path.relative_to(tmp_path)
        for a, b in zip(
            load_workbook(first).worksheets, load_workbook(path).worksheets, strict=True
        ):
            assert list(a.values) == list(b.values), f"{path.name}/{a.title}"
        with zipfile.ZipFile(first) as x, zipfile.ZipFile(path) as y:
            core = "docProps/core.xml"
            assert x.read(core) == y.read(core), "created/modified are the run's time"
    core = zipfile.ZipFile(again[0]).read("docProps/core.xml").decode()
    assert "2025-09-01T06:00:05Z" in core


def test_every_sheet_prints_landscape_a4_one_page_wide(reports):
    workbooks = sorted(reports.rglob("*.xlsx"))
    assert len(workbooks) > 10
    for path in workbooks:
        for ws in load_workbook(path).worksheets:
            where = f"{path.name}/{ws.title}"
            setup = ws.page_setup
            assert setup.orientation == "landscape", f"{where}: landscape"
            assert int(setup.paperSize) == 9, f"{where}: A4"
            assert ws.sheet_properties.pageSetUpPr.fitToPage, f"{where}: fit to page"
            assert int(setup.fitToWidth or 1) == 1, f"{where}: one page wide"
            assert int(setup.fitToHeight) == 0, f"{where}: as many pages tall as needed"
            assert ws.print_title_rows == "$1:$1", f"{where}: the header row on every page"
            assert ws.oddHeader.left.text.endswith(": &A"), f"{where}: report and sheet name"
            assert ws.oddFooter.left.text == f"Run {RUN}", f"{where}: run id in the footer"
            assert ws.oddFooter.right.text == "Pagina &P van &N", f"{where}: page N of M"


def test_page_header_names_report_period_and_office(reports):
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}_vlaams-brabant-brussel.xlsx")["Overzicht"]
    assert ws.oddHeader.left.text == "Premies kwalificerend werkplekleren: &A"
    assert ws.oddHeader.center.text == f"Schooljaar {YEAR}"
    assert ws.oddHeader.right.text == "Vlaams-Brabant && Brussel", "'&' escaped in a header"
    ws = load_workbook(reports / YEAR / f"premies_{YEAR}.xlsx")["Limburg"]
    assert ws.oddHeader.right.text == "Alle kantoren"


def test_long_headers_wrap_instead_of_widening_the_page(reports):
    ws = load_workbook(reports / YEAR / f"federatie_{YEAR}.xlsx")["Per kantoor"]
    reason = next(c for c in ws[1] if str(c.value).startswith("Reden: Geen toestemming"))
    assert ws.column_dimensions[reason.column_letter].width <= 20, "a reason column stays narrow"
    assert reason.alignment.wrap_text and ws.row_dimensions[1].height >= 45, "its header wraps"
    assert ws["B7"].value == "< 5" and ws["B7"].alignment.horizontal == "right", "lines up"
