"""conformiteit_<as_of>.xlsx and its office workbooks: the findings, action list, quarantined
rows, refused files and input checks of the run."""

from __future__ import annotations

from datetime import datetime

from openpyxl import load_workbook

from duaal.workbooks import write_reports
from duaal.workbooks.style import DATE_FORMAT
from tests.builders import COMPANY
from tests.duaal.workbooks.one_run import ANTWERP_KBO, PREMIES_SHEETS, RUN, SHA, YEAR, values

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
        ("Eerste voltooide run: er is nog geen eerdere run om mee te vergelijken.",),
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
