"""The Actielijst of the conformiteit workbooks, on the mart fct_action_items of a small
database: today first (a bold heading per urgency group, in the mart's order), by company
within a group, whom to call by name and INSZ, the premium or payment at stake, days left
never negative and days late beside them; on paper only what a reader acts on."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

from duaal.outputs.workbooks.conformiteit import ComplianceInputs, write_conformiteit
from duaal.outputs.workbooks.data import RunInfo, load_action_items
from duaal.outputs.workbooks.style import DATE_FORMAT
from tests.builders import (
    COMPANY,
    LEARNER,
    MENTOR,
    OTHER_COMPANY,
    OTHER_LEARNER,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
    rules_db,
)
from tests.duaal.workbooks.one_run import printed_columns, title_lines
from transforms.identifiers import format_insz, format_kbo, make_insz
from transforms.models import build_models

AS_OF = date(2026, 3, 2)  # two days after the expected payment date of 2024-2025
DUE = date(2026, 3, 5)  # the registration deadline of the unregistered agreement
LATE_LEARNER = make_insz("070707", 21, born_2000_or_later=True)
NEW_LEARNER = make_insz("080808", 33, born_2000_or_later=True)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The conformiteit workbook of the run, of Antwerp and of Limburg, with four actions: a registration
    due in 3 days (Aannemer Claes BV), a Dimona missing since 2023 on an agreement still
    running, a premium of 2024-2025 never paid and one paid EUR 600 instead of EUR 1000
    (Metaalbouw Vermeulen NV)."""
    con = rules_db()
    add_recognition(con)
    # 2024-2025: eligible for EUR 1000, never paid; and one paid EUR 600 of EUR 1000
    add_agreement(con)
    add_dimona(con)
    add_agreement(con, agreement_id="OVK-2", learner_insz=OTHER_LEARNER, learner_name="Lotte Maes")
    add_dimona(con, worker_insz=OTHER_LEARNER)
    add_premium_paid(
        con,
        school_year="2024-2025",
        kind="premie",
        amount_eur=600,
        paid_on=date(2025, 12, 15),
        learner_insz=OTHER_LEARNER,
    )
    # since September 2023 without Dimona, still running in 2025-2026
    add_agreement(
        con,
        agreement_id="OVK-3",
        learner_insz=LATE_LEARNER,
        learner_name="Arne Claes",
        start_date=date(2023, 9, 1),
        end_date=date(2026, 6, 30),
        registration_date=date(2023, 9, 1),
    )
    # not registered yet, its deadline in 3 days, at a company whose name sorts first
    add_agreement(
        con,
        agreement_id="OVK-4",
        learner_insz=NEW_LEARNER,
        learner_name="Noor Wouters",
        company_kbo=OTHER_COMPANY,
        company_name="Aannemer Claes BV",
        start_date=date(2025, 12, 5),
        end_date=date(2026, 6, 30),
        registration_date=None,
    )
    add_dimona(
        con,
        company_kbo=OTHER_COMPANY,
        worker_insz=NEW_LEARNER,
        start_date=date(2025, 12, 5),
        end_date=None,
        declared_on=date(2025, 12, 1),
    )
    config = rule_config()
    build_models(con, config, AS_OF)
    run = RunInfo("run-actions", AS_OF, datetime(2026, 3, 2, 6), None, config, config.sha256, None)
    inputs = ComplianceInputs([], [], [], [], load_action_items(con, AS_OF))
    folder = tmp_path_factory.mktemp("actielijst")
    every = write_conformiteit(folder / "conformiteit.xlsx", run, None, inputs)
    antwerp = write_conformiteit(folder / "antwerpen.xlsx", run, "Antwerpen", inputs)
    limburg = write_conformiteit(folder / "limburg.xlsx", run, "Limburg", inputs)
    return every, antwerp, limburg


HEADER = (
    "Uiterlijk op",
    "Dagen resterend",
    "Dagen te laat",
    "Onderneming",
    "KBO-nummer",
    "Lerende",
    "Mentor",
    "Schooljaar",
    "Premie op het spel",
    "Actie",
)
REGISTER = "Registreer de overeenkomst in werkplekduaal, uiterlijk op de vermelde datum"
CLAIM = (
    "Onderneming of adviseur: vraag het departement Onderwijs en Vorming (Vlaamse overheid) "
    "waarom de premie niet werd uitbetaald en vorder ze zonder uitstel op, met deze "
    "beslissing en haar uitleg als bewijs"
)
MARC = f"Marc Janssens\n{format_insz(MENTOR)}"


def header_row(ws) -> int:
    """The row of the one header, above the first group's heading (the frozen row)."""
    return coordinate_from_string(ws.freeze_panes)[1] - 1


def rows(path: Path) -> list[tuple]:
    """Every line of the Actielijst from its header on, cut to the printed columns, without
    the empty lines between the groups."""
    ws = load_workbook(path)["Actielijst"]
    width = printed_columns(ws)
    lines = list(ws.iter_rows(min_row=header_row(ws), values_only=True))
    return [line[:width] for line in lines if any(v is not None for v in line)]


def test_today_first_by_group_then_company_then_due_date(written):
    every = written[0]
    lines = rows(every)
    assert lines[0] == HEADER, "what prints: by when, whom, what is at stake, what to do"
    assert [n for n, line in enumerate(lines) if line == HEADER] == [0], "one header"
    assert [(n, line[0]) for n, line in enumerate(lines) if not any(line[1:])] == [
        (1, "Binnen 7 dagen: 1 actie, € 1.000 op het spel"),
        (3, "Termijn verstreken, nog zinvol: 3 acties, € 2.400 op het spel"),
    ], "a heading per urgency group, in the mart's order"
    assert lines[2] == (
        datetime(2026, 3, 5),
        3,
        None,
        "Aannemer Claes BV",
        format_kbo(OTHER_COMPANY),
        f"Noor Wouters\n{format_insz(NEW_LEARNER)}",
        MARC,
        "2025-2026",
        1000,
        REGISTER,
    ), "the registration due in 3 days comes first, before an item from 2023"
    assert lines[4] == (
        datetime(2026, 8, 31),
        182,
        913,
        "Metaalbouw Vermeulen NV",
        format_kbo(COMPANY),
        f"Arne Claes\n{format_insz(LATE_LEARNER)}",
        MARC,
        "2025-2026",
        1000,
        "Doe de Dimona-aangifte voor de lerende (type ALT of RTA)",
    ), "a Dimona missing since 01/09/2023: 913 days late, 182 days left to save 2025-2026"
    assert [line[2:] for line in lines[5:]] == [
        (2, "Metaalbouw Vermeulen NV", format_kbo(COMPANY))
        + (f"Jens Peeters\n{format_insz(LEARNER)}", None, "2024-2025", 1000, CLAIM),
        (2, "Metaalbouw Vermeulen NV", format_kbo(COMPANY))
        + (f"Lotte Maes\n{format_insz(OTHER_LEARNER)}", None, "2024-2025", 400)
        + (
            "Onderneming of adviseur: vraag het departement Onderwijs en Vorming (Vlaamse "
            "overheid) het verschil recht te zetten: het ontbrekende bedrag bij te betalen, "
            "of een te veel betaald bedrag te verrekenen voor het wordt teruggevorderd",
        ),
    ], "payment claims: no term of their own, 2 days past the expected date, the money claimed"
    assert [line[:2] for line in lines[5:]] == [(None, None), (None, None)]
    days = [v for line in lines for v in line[1:3] if isinstance(v, int)]
    assert days and min(days) >= 0, "no day count is negative"


def test_the_screen_holds_the_rest(written):
    every = written[0]
    ws = load_workbook(every)["Actielijst"]
    header = [c.value for c in ws[header_row(ws)]]
    assert header[10:] == [
        "Vaststelling",
        "Kantoor",
        "Urgentie",
        "Regel",
        "Ernst",
        "Termijn verstreken op",
        "Overeenkomsten op het spel",
        "Vestiging",
        "INSZ lerende",
        "INSZ mentor",
        "Volgorde",
    ]
    assert printed_columns(ws) == 10
    assert ws.column_dimensions["A"].number_format == DATE_FORMAT
    heading = ws.cell(header_row(ws) + 1, 1)
    assert heading.value.startswith("Binnen 7 dagen") and heading.font.b, "a bold heading"
    assert ws.auto_filter.ref == f"A{header_row(ws)}:U{header_row(ws) + 7}", "over every group"
    claim = [c.value for c in ws[header_row(ws) + 6]]
    assert claim[10:13] == [
        "Premie 2024-2025 beslist: € 1.000; niets uitbetaald, verwacht uiterlijk 28/02/2026",
        "Antwerpen",
        "Termijn verstreken, nog zinvol",
    ]
    assert claim[-3:] == [format_insz(LEARNER), None, 3], "the INSZ alone, for a search"


def test_an_office_workbook_shows_its_own_actions(written):
    every, antwerp, limburg = written
    assert rows(antwerp) == rows(every), "every action of the sample is Antwerp's"
    ws = load_workbook(limburg)["Actielijst"]
    assert title_lines(ws)[-1] == (
        "Geen acties: er is niets dat nog een premie kan redden of terughalen."
    ), "none of Antwerp's actions in Limburg's workbook"
    assert printed_columns(ws) == 0, "and no page printed for it"
    notes = {r[0]: r[1] for r in load_workbook(antwerp)["Leeswijzer"].iter_rows(values_only=True)}
    assert "nooit negatief" in notes["Dagen resterend en dagen te laat"]
    glossary = [r[0] for r in load_workbook(antwerp)["Toelichting"].iter_rows(values_only=True)]
    assert "Begrippen van de Actielijst" in glossary
    assert "Dagen te laat" in glossary and "Premie op het spel" in glossary


def test_the_sheet_prints_at_8_points_or_more(written):
    every = written[0]
    ws = load_workbook(every)["Actielijst"]
    assert ws.page_setup.scale >= 73, "11 pt at 73 % is 8 pt"
    assert ws.print_title_rows == f"${header_row(ws)}:${header_row(ws)}", "the header on each page"
