"""The one run every workbook test reads: its decisions, findings, input files and
quarantine, inserted as a run records them, and the helpers to read a written sheet."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from tests.builders import add_agreement
from transforms.identifiers import make_insz, make_kbo
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
        "paid_learner": True,
        "premium_eur": 1000,
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
            paid_learner=False,
            premium_eur=600,
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


def table(ws) -> list[tuple]:
    """Every row of a worksheet as values, from its header row (the frozen one) on: the
    title lines above it are left out."""
    # from the reference, not ws[...]: reading a cell creates it, and a row with it
    header = coordinate_from_string(ws.freeze_panes)[1] - 1 if ws.freeze_panes else 1
    return list(ws.iter_rows(min_row=header, values_only=True))


def values(path: Path, sheet: str) -> list[tuple]:
    """Every row of a sheet as values, from its header row on (`table`)."""
    return table(load_workbook(path)[sheet])


def title_lines(ws) -> list[str]:
    """The lines above a sheet's first list (or, on an empty sheet, all of its lines)."""
    header = coordinate_from_string(ws.freeze_panes)[1] - 1 if ws.freeze_panes else ws.max_row + 1
    return [ws.cell(r, 1).value for r in range(1, header) if ws.cell(r, 1).value]


def printed_columns(ws) -> int:
    """How many columns a sheet prints (its print area's), 0 when it prints none."""
    area = ws.print_area
    area = (area[0] if isinstance(area, list) else area).split("!")[-1].replace("$", "")
    if ":" not in area:
        return 0
    first, last = (coordinate_from_string(c)[0] for c in area.split(":"))
    return column_index_from_string(last) - column_index_from_string(first) + 1


OFFICE_FILES = [
    "antwerpen",
    "limburg",
    "oost-vlaanderen",
    "west-vlaanderen",
    "vlaams-brabant-brussel",
    "wallonie",
]
OFFICE_SHEETS = [
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant & Brussel",
    "Wallonië",
]
PREMIES_SHEETS = [
    "Leeswijzer",
    "Overzicht",
    "Redenen van weigering",
    "Per schooljaar",
    *OFFICE_SHEETS,
    "Niet-subsidiabel",
    "Uitbetalingen",  # a final school year: what was paid against what was decided
    "Brussel (Actiris)",
    "Wijzigingen",
    "Toelichting",
]


def printed_widths(ws) -> list[float]:
    """The widths (in characters, as the writer set them) of the columns a sheet prints; a
    column nobody sized (under a chart) has Excel's default of 8.43."""
    sized = {}  # a dimension may stand for a range of columns of one width (min to max)
    for dimension in list(ws.column_dimensions.values()):
        for c in range(dimension.min or 1, (dimension.max or dimension.min or 1) + 1):
            sized[c] = dimension.width - 0.71
    return [sized.get(c, 8.43) for c in range(1, printed_columns(ws) + 1)]
