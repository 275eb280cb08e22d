"""federatie_<Y>.xlsx: a publication (numbered tables, each with its source and legend), real
totals with small counts hidden, the change against the previous final year, charts that
answer the readers' questions, and no personal data anywhere in the file."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from duaal.outputs.workbooks.data import RunInfo
from duaal.outputs.workbooks.federatie import YearFigures, write_federatie
from duaal.outputs.workbooks.suppression import YearGroups, protect
from tests.builders import rule_config
from tests.duaal.workbooks.one_run import YEAR, printed_columns
from tests.duaal.workbooks.test_federatie_disclosure import CODES, disclosed, office, tables


def test_federatie_publishes_real_totals_and_hides_small_counts(reports):
    path = reports / YEAR / f"federatie_{YEAR}.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Leeswijzer",
        "Per kantoor",
        "Per opleiding",
        "Redenen",
        "Schooljaren",
        "Toelichting",
    ], "no Uitbetalingen: the test run has no payment of a final school year"
    (_, header, rows), (_, share_header, shares) = tables(wb["Per kantoor"])
    assert header[:10] == (
        "Kantoor",
        "Lerenden",
        "Subsidiabel",
        "Niet-subsidiabel",
        "Subsidiabel (%)",
        "Bedrag premies",
        "Conform (%)",
        "Verschil lerenden t.o.v. 2023-2024",
        "Verschil subsidiabel (%) t.o.v. 2023-2024",
        "Verschil bedrag t.o.v. 2023-2024",
    )
    assert printed_columns(wb["Per kantoor"]) == 10, "the counts per reason on the screen only"
    no_dimona = header.index("Reden: Geen Dimona-periode die telt")
    antwerp = rows[0]
    assert antwerp[:7] == ("Antwerpen", 10, 5, 5, 0.5, 5000, "—"), "1 of 10 not conform: hidden"
    assert antwerp[7:10] == ("—", "—", "—"), "2023-2024 showed '< 5': its change would tell it"
    assert rows[1][:10] == ("Limburg", 0, 0, 0, None, 0, None, None, None, None)
    assert rows[4][:2] == ("Vlaams-Brabant & Brussel", "< 5")
    assert rows[4][2:7] == (0, "< 5", "—", 0, "—"), (
        "a group of 2 shows only what the totals give away anyway: Antwerp holds all 5 premies"
    )
    assert rows[5][:2] == ("Wallonië", "< 5")
    assert rows[6][:4] == ("Totaal", 13, 5, 8), "the real totals, hidden groups included"
    assert rows[6][4] == pytest.approx(5 / 13)
    assert rows[6][no_dimona] == 7, "the 2 Brussels refusals for NO_DIMONA are in the total"
    assert shares == [("Antwerpen", 0.5), ("Totaal", pytest.approx(5 / 13))], (
        "only published shares: the hidden ones are no bar"
    )
    assert len(wb["Per kantoor"]._charts) == 0, "a chart of Antwerpen alone answers nothing"
    (_, _, trainings), *_ = tables(wb["Per opleiding"])
    assert trainings[-1][:4] == rows[6][:4], "the same totals on every sheet"
    assert [r[0] for r in trainings] == ["Elektrotechnicus duaal", "Kok duaal", "Totaal"]
    assert trainings[1][1] == "< 5"
    assert trainings[0][1] == "—", "10 of 13 would give the 3 cooks away"
    assert tables(wb["Redenen"]) == [
        (
            f"Tabel 4. Weigeringen per reden, schooljaar {YEAR}",
            ("Reden", "Lerenden"),
            [("Geen Dimona-periode die telt", 7)],
        )
    ], "the reasons whose count is published: the other two are '< 5'"
    lists = tables(wb["Schooljaren"])
    assert [t[0] for t in lists] == [
        "Tabel 5. Lerenden per kantoor en schooljaar",
        "Tabel 6. Subsidiabel per kantoor en schooljaar",
        "Tabel 7. Bedrag premies per kantoor en schooljaar",
        "Tabel 8. Aandeel subsidiabel per schooljaar, alle kantoren",
    ]
    learners, eligible, amounts, trend = (t[2] for t in lists)
    assert lists[0][1] == ("Kantoor", "2023-2024", "2024-2025")
    assert [b[-1] for b in (learners, eligible, amounts)] == [
        ("Totaal", "< 5", 13),
        ("Totaal", "< 5", 5),
        ("Totaal", "—", rows[6][5]),
    ], "the year's totals as on Per kantoor"
    assert (learners[0][2], eligible[0][2]) == antwerp[1:3], "the same cells as Per kantoor"
    assert (learners[0][1], eligible[0][1]) == ("< 5", "< 5"), "one Antwerp learner in 2023-2024"
    assert trend == [("2024-2025", 13, 5, pytest.approx(5 / 13))], (
        "2023-2024's share is hidden (its totals are '< 5'): no point of the chart"
    )
    assert len(wb["Schooljaren"]._charts) == 1, "the amounts; the shares of one year: no chart"


def notes_under(ws) -> dict[str, list[str]]:
    """Per numbered table of a sheet, the lines right under it (up to an empty row)."""
    found: dict[str, list[str]] = {}
    rows = list(ws.iter_rows(values_only=True))
    heading = None
    for i, row in enumerate(rows):
        first = row[0] if row else None
        if isinstance(first, str) and first.startswith("Tabel "):
            heading = first
        filled = sum(c is not None for c in row)
        below = rows[i + 1] if i + 1 < len(rows) else ()
        if heading and filled > 1 and sum(c is not None for c in below) == 1:
            lines = []
            for after in rows[i + 1 :]:
                if sum(c is not None for c in after) != 1:
                    break
                lines.append(after[0])
            found.setdefault(heading, lines)
    return found


def test_every_table_has_a_number_a_source_and_the_legend_on_its_page(reports):
    source = (
        "Bron: werkplekduaal, Dimona en premiegeschiedenis; mtech+, berekening duaal, "
        "gepubliceerd 01/09/2025. Eenheden: lerenden in aantallen, "
        "bedragen in euro, aandelen in procent."
    )  # a final school year (2024-2025 at 01/09/2025): no peildatum
    legend = (
        "< 5: een aantal van 1 tot 4. —: verborgen, zodat een klein aantal niet terug te "
        "rekenen is (elk getal, ook 0)."
    )
    path = reports / YEAR / f"federatie_{YEAR}.xlsx"
    wb = load_workbook(path)
    numbered: list[str] = []
    for ws in wb.worksheets[1:-1]:
        found = tables(ws)
        headings = [t[0] for t in found]
        numbered += headings
        notes = notes_under(ws)
        assert list(notes) == headings, f"{ws.title}: lines under every table"
        for heading, lines in notes.items():
            assert lines[:2] == [source, legend], f"{ws.title} {heading}"
    assert [h.split(".")[0] for h in numbered] == [f"Tabel {n}" for n in range(1, 9)]
    assert numbered[0] == (
        f"Tabel 1. Lerenden, premies en aandelen per kantoor, schooljaar {YEAR}"
    ), "the subtitle says what the table shows, not a run id"
    assert wb["Per kantoor"]["A1"].value == numbered[0]


def two_years(tmp_path: Path) -> Path:
    """The federation workbook of 2024-2025 beside 2023-2024 (both final), hand-made."""
    run = RunInfo(
        "run-c", date(2026, 11, 28), datetime(2026, 11, 28, 6), None, rule_config(), "x", None
    )
    east = office(30, 20, 0, 20000, 30, *[0] * 3, 10, *[0] * 5)
    before = {
        "Antwerpen": office(20, 10, 0, 10000, 20, *[0] * 3, 10, *[0] * 5),
        "Limburg": office(3, 3, 0, 3000, 3, *[0] * 9),
        "Oost-Vlaanderen": east,
        "West-Vlaanderen": office(40, 30, 0, 30000, 40, *[0] * 3, 10, *[0] * 5),
    }
    after = {
        "Antwerpen": office(25, 15, 0, 15000, 25, *[0] * 3, 10, *[0] * 5),
        "Limburg": office(10, 10, 0, 10000, 10, *[0] * 9),
        "Oost-Vlaanderen": east,
        "West-Vlaanderen": office(50, 40, 0, 40000, 50, *[0] * 3, 10, *[0] * 5),
    }
    figures = []
    for year, offices in (("2023-2024", before), ("2024-2025", after)):
        total = office(*(sum(getattr(g, f) for g in offices.values()) for f in FIGURES), *[0] * 9)
        total.reasons = {c: sum(g.reasons[c] for g in offices.values()) for c in CODES}
        groups = {"Kantoor": offices, "Opleiding": {"Alle opleidingen": total}}
        protection = protect(YearGroups(groups, total, CODES, (600, 1000)))
        figures.append(YearFigures(year, CODES, groups, total, protection))
    return write_federatie(tmp_path / "federatie_2024-2025.xlsx", run, figures[1], figures)


FIGURES = ("learners", "eligible", "unpaid", "amount", "conform")


def test_the_change_against_the_previous_final_year_hides_with_its_cells(tmp_path):
    path = two_years(tmp_path)
    (_, header, rows), *_ = tables(load_workbook(path)["Per kantoor"])
    assert header[7:10] == (
        "Verschil lerenden t.o.v. 2023-2024",
        "Verschil subsidiabel (%) t.o.v. 2023-2024",
        "Verschil bedrag t.o.v. 2023-2024",
    )
    antwerp, limburg, east, west = rows[:4]
    assert west[:6] == ("West-Vlaanderen", 50, 40, 10, 0.8, 40000)
    assert west[7:10] == (pytest.approx(0.25), pytest.approx(5.0), pytest.approx(1 / 3)), (
        "+25 % learners (40 to 50), +5 pp eligible (75 % to 80 %), +33 % amount"
    )
    assert east[7:10] == (0, 0, 0)
    assert limburg[7:10] == ("—", "—", "—"), "3 learners in 2023-2024: '< 5', so no change"
    assert antwerp[1:6] == (25, 15, 10, 0.6, 15000)
    assert antwerp[7:10] == ("—", "—", "—"), "hidden with Limburg in 2023-2024: no change"
    recovered, hidden = disclosed([path])
    assert (recovered, hidden > 0) == ([], True), "the reader reads the changes too"


def test_a_generated_run_charts_what_readers_ask(serial):
    _folder, paths = serial
    path = next(p for p in paths if p.name == "federatie_2024-2025.xlsx")
    wb = load_workbook(path)
    charts = {ws.title: len(ws._charts) for ws in wb.worksheets if ws._charts}
    # a final year's Schooljaren: that year and 2023-2024, whose amounts per office are all
    # hidden at this size: no chart of amounts (the running year's has one)
    assert charts == {"Per kantoor": 1, "Redenen": 1, "Schooljaren": 1}
    (_, _, reasons), *_ = tables(wb["Redenen"])
    counts = [n for _, n in reasons]
    assert len(counts) > 1 and counts == sorted(counts, reverse=True), "most frequent first"
    assert all(isinstance(n, int) and n >= 5 for n in counts), "only published counts"
    (_, _, offices), (_, _, shares) = tables(wb["Per kantoor"])
    published = {r[0]: r[4] for r in offices[:-1] if isinstance(r[4], float | int)}
    assert dict(shares[:-1]) == published, "every published share, no hidden one"
    assert [s for _, s in shares[:-1]] == sorted(s for _, s in shares[:-1]), "lowest first"
    *_, (_, _, trend) = tables(wb["Schooljaren"])
    assert [r[0] for r in trend] == ["2023-2024", "2024-2025"], "the year and those before"
    running = load_workbook(next(p for p in paths if p.name == "federatie_2026-2027.xlsx"))
    assert len(running["Schooljaren"]._charts) == 2
    *_, (_, _, trend) = tables(running["Schooljaren"])
    assert [r[0] for r in trend][-1].endswith("(voorlopig)"), "the running year, hatched"
    as_of = "peildatum 28/11/2026"
    for ws in running.worksheets[1:-1]:
        if ws.title == "Uitbetalingen":
            continue  # final school years only
        for heading, lines in notes_under(ws).items():
            said = [heading, *lines]
            assert any(f"oorlopig, {as_of}" in line for line in said), heading


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
