"""conformiteit_<as_of>.xlsx and its office workbooks: the findings, action list, quarantined
rows, refused files and input checks of the run."""

from __future__ import annotations

from openpyxl import load_workbook

from duaal.outputs.workbooks import write_reports
from tests.builders import COMPANY
from tests.duaal.workbooks.one_run import (
    MENTOR,
    OFFICE_SHEETS,
    RUN,
    SHA,
    YEAR,
    printed_columns,
    title_lines,
    values,
)
from transforms.identifiers import format_insz, format_kbo

CONFORMITEIT = "conformiteit/conformiteit_2025-09-01.xlsx"
CONFORMITEIT_SHEETS = [
    "Leeswijzer",
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
QUARANTINE_HEADER = ("Bron", "Bestand", "Blad", "Rij", "Reden", "Detail")
ANTWERP_ROW = (
    "Overeenkomsten (werkplekduaal)",
    "overeenkomsten_2025.xlsx",
    "Blad1",
    7,
    "Ongeldig INSZ-nummer",
    "INSZ lerende: 12345 is geen geldig INSZ-nummer",
)
BRUSSELS_ROW = (
    "Dimona",
    "dimona_2025.csv",
    None,
    4,
    "Ongeldige datum",
    "Begindatum: 31/02/2025 is geen geldige datum",
)
UNPLACED_ROW = (
    "Dimona",
    "dimona_2025.csv",
    None,
    5,
    "Verplichte waarde ontbreekt",
    "Ondernemingsnummer: leeg, een waarde is verplicht",
)


def test_conformiteit_of_the_run(reports):
    path = reports / CONFORMITEIT
    wb = load_workbook(path)
    assert wb.sheetnames == CONFORMITEIT_SHEETS
    assert values(path, "Geweigerde bestanden") == [
        ("Bron", "Bestand", "Reden", "SHA-256"),
        ("Dimona", "kapot.xlsx", "kapot.xlsx: not a readable .xlsx workbook", SHA),
    ], "the hash on the screen only"
    rows = values(path, "Overzicht")
    assert rows[0] == ("Regel", "Ernst", *OFFICE_SHEETS, "Totaal")
    assert rows[1:] == [
        ("Dimona ontbreekt", "fout", 1, 0, 0, 0, 0, 0, 1),
        ("Mentoropleiding niet gevolgd, termijn verstreken", "fout", 1, 0, 0, 0, 0, 0, 1),
        ("Verkeerd Dimona-type (OTH in plaats van ALT of RTA)", "waarschuwing")
        + (1, 0, 0, 0, 0, 0, 1),
        ("Registratie binnenkort verschuldigd", "info", 2, 0, 0, 0, 1, 0, 3),
        ("Totaal", None, 5, 0, 0, 0, 1, 0, 6),
    ], "the mentor finding counts under the office of the mentor's recognition"
    assert len(values(path, "Fouten")) == 3 and len(values(path, "Info")) == 4
    errors = values(path, "Fouten")
    assert errors[0][:8] == (
        "Regel",
        "Kantoor",
        "Onderneming",
        "KBO-nummer",
        "Overeenkomst",
        "INSZ lerende of mentor",
        "Detail",
        "Uiterste datum",
    ), "what prints"
    assert errors[2][:6] == (
        "Mentoropleiding niet gevolgd, termijn verstreken",
        "Antwerpen",
        "Metaalbouw Vermeulen NV",
        format_kbo(COMPANY),
        None,
        format_insz(MENTOR),
    ), "a mentor's finding names the mentor where a learner's names the learner"
    assert printed_columns(wb["Fouten"]) == 8
    assert title_lines(wb["Actielijst"])[-1] == (
        "Geen acties: er is niets dat nog een premie kan redden of terughalen."
    ), "every school year of the run is final on its as_of: no action can help any more"
    assert printed_columns(wb["Actielijst"]) == 0
    assert values(path, "Afgekeurde rijen") == [
        QUARANTINE_HEADER,
        BRUSSELS_ROW,
        UNPLACED_ROW,
        ANTWERP_ROW,
    ], "every quarantined row of the run, also one no office can be given"
    assert title_lines(wb["Invoercontrole"])[-1] == "Geen opmerkingen bij de invoer."
    assert title_lines(wb["Wijzigingen"])[-1] == (
        "Eerste voltooide run: er is nog geen eerdere run om mee te vergelijken."
    ), "the test run is the database's only run"
    notes = {r[0]: r[1] for r in values(path, "Leeswijzer") if r[0]}
    assert "alleen in de map van de run" in notes["Kantoor van een afgekeurde rij"]
    lines = values(path, "Toelichting")
    run_block = lines[[r[0] for r in lines].index("De run") :]
    facts = {r[0]: r[1] for r in run_block if r[0]}
    assert "Peildatum" in facts and "Schooljaar" not in facts, "judged at as_of, for no one year"


def test_conformiteit_of_an_office_holds_only_its_own(reports):
    path = reports / "conformiteit" / "conformiteit_2025-09-01_antwerpen.xlsx"
    assert load_workbook(path).sheetnames == CONFORMITEIT_SHEETS
    rows = values(path, "Overzicht")
    assert rows[0] == ("Regel", "Ernst", "Antwerpen", "Totaal")
    assert [r[0] for r in rows[1:-1]] == [
        "Dimona ontbreekt",
        "Mentoropleiding niet gevolgd, termijn verstreken",
        "Verkeerd Dimona-type (OTH in plaats van ALT of RTA)",
        "Registratie binnenkort verschuldigd",
    ]
    assert rows[-1] == ("Totaal", None, 5, 5)
    assert values(path, "Afgekeurde rijen") == [QUARANTINE_HEADER, ANTWERP_ROW]
    brussels = reports / "conformiteit" / "conformiteit_2025-09-01_vlaams-brabant-brussel.xlsx"
    assert values(brussels, "Afgekeurde rijen") == [QUARANTINE_HEADER, BRUSSELS_ROW]
    limburg = load_workbook(reports / "conformiteit" / "conformiteit_2025-09-01_limburg.xlsx")
    assert title_lines(limburg["Fouten"])[-1] == "Geen bevindingen met ernst fout."
    assert printed_columns(limburg["Fouten"]) == 0, "an empty sheet prints no page"
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
            ("Controle", "Ernst", "Bron", "Bestand", "Rij", "Melding"),
            ("Bestand geweigerd", "waarschuwing", "Dimona", "kapot.xlsx", None)
            + ("Bestand geweigerd.",),
            ("Rij in quarantaine, oudere versie gebruikt", "waarschuwing")
            + ("Overeenkomsten (werkplekduaal)", "b.csv", 14, "Rij 14 vervangen."),
        ], "in check_seq order, named and told in Dutch"
        assert values(path, "Geweigerde bestanden")[1][2] == "Geen leesbaar .xlsx-bestand"
