"""What every workbook of a run promises its readers (issue 20), checked on the test run and
on a generated run (tests/duaal/conftest.py: 300 agreements, as of 28/11/2026, so 2026-2027
is still running): every sheet prints its text at 8 pt or more, by its declaration and as
written; no bare KBO or INSZ number on paper; every sheet of a running year says
"voorlopig, peildatum dd/mm/jjjj", and so does every chart of it; no chart of a single bar;
no English word and no raw code where a label exists."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from duaal.outputs.workbooks.conformiteit import ComplianceInputs, conformiteit_sheets
from duaal.outputs.workbooks.data import (
    decision_years,
    load_action_items,
    load_brussels_mentors,
    load_decisions,
    load_findings,
    load_input_files,
    load_quarantine,
    load_run,
    load_run_checks,
)
from duaal.outputs.workbooks.federatie import federatie_sheets, year_figures
from duaal.outputs.workbooks.labels import ordered_offices
from duaal.outputs.workbooks.leeswijzer import leeswijzer
from duaal.outputs.workbooks.premies import PremiesInputs, history, premies_sheets
from duaal.outputs.workbooks.style import MIN_PRINTED_PT, Page, Sheet, printed_points
from tests.duaal.workbooks.one_run import (
    RUN,
    YEAR,
    printed_columns,
    printed_widths,
    table,
    title_lines,
)
from transforms.codes import load_codes

RUNNING_YEAR = "2026-2027"
PROVISIONAL = "voorlopig, peildatum 28/11/2026"
# 10 or 11 digits on their own: a KBO or INSZ number as no reader writes it
BARE_IDENTIFIER = re.compile(r"(?<![\w.])\d{10,11}(?![\w.])")
ENGLISH = re.compile(
    r"\b(final|provisional|error|warning|as_of|true|false|none|null|run[ _-]?id)\b", re.I
)


def declared_sheets(con) -> list[Sheet]:
    """Every sheet the test run's workbooks declare, the Leeswijzer of each included."""
    run = load_run(con, RUN)
    years = decision_years(con, RUN)
    decided = {y: load_decisions(con, RUN, y) for y in years}
    files, findings = load_input_files(con, RUN), load_findings(con, RUN)
    decisions = decided[YEAR]
    offices = ordered_offices({d["office"] for d in decisions})
    brussels = load_brussels_mentors(con, YEAR)
    page = Page("Titel", "Schooljaar", "Alle kantoren", RUN)
    books = [
        premies_sheets(
            run, PremiesInputs(YEAR, offices, decisions, brussels, files, years=history(decided))
        ),
        premies_sheets(run, PremiesInputs(YEAR, offices[:1], decisions[:10], brussels, files)),
    ]
    figures = [year_figures(run, y, decided[y], findings) for y in years]
    books.append(federatie_sheets(run, figures[-1], figures))
    checks, actions = load_run_checks(con, RUN), load_action_items(con, run.as_of)
    inputs = ComplianceInputs(findings, load_quarantine(con, RUN), files, checks, actions)
    sheets = []
    for about, book in books:
        sheets += [leeswijzer(page, about, book), *book]
    for office in (None, "Antwerpen"):
        sheets += conformiteit_sheets(run, office, inputs)
    return sheets


def test_every_declared_sheet_prints_at_8_pt_or_more(con):
    sheets = declared_sheets(con)
    assert len(sheets) > 30
    small = {s.name: round(s.printed_points(), 1) for s in sheets}
    assert min(small.values()) >= MIN_PRINTED_PT, small
    # the decision lists (company, learner, INSZ, months, amount, status, reasons) print at
    # 8.9 pt: most sheets stay well above the floor
    assert sorted(small.values())[len(small) // 2] >= 8.5, "most print at 8.5 pt or more"


def printed_cells(ws):
    """The values of the cells a sheet prints (its print area's columns)."""
    columns = printed_columns(ws)
    if not columns:
        return
    for row in ws.iter_rows(max_col=columns, values_only=True):
        yield from (v for v in row if v is not None)


def every_sheet(folder: Path):
    for path in sorted(folder.rglob("*.xlsx")):
        for ws in load_workbook(path).worksheets:
            yield path, ws


@pytest.fixture(scope="module")
def generated(serial) -> Path:
    folder, _paths = serial
    return folder


@pytest.fixture(params=["test run", "generated run"])
def folder(request, reports) -> Path:
    return reports if request.param == "test run" else request.getfixturevalue("generated")


def test_every_written_sheet_prints_at_8_pt_or_more(folder):
    for path, ws in every_sheet(folder):
        assert printed_points(printed_widths(ws)) >= MIN_PRINTED_PT, f"{path.name}/{ws.title}"


def identifiers(con) -> set[str]:
    """Every KBO and INSZ number the run's decisions, findings and agreements hold."""
    rows = con.execute(
        "SELECT company_kbo, learner_insz, NULL FROM run_decisions "
        "UNION ALL SELECT company_kbo, learner_insz, mentor_insz FROM run_findings "
        "UNION ALL SELECT company_kbo, learner_insz, mentor_insz FROM stg_werkplekduaal__agreements"
    ).fetchall()
    return {v for row in rows for v in row if v}


@pytest.fixture(params=["test run", "generated run"])
def folder_and_numbers(request, reports, con) -> tuple[Path, set[str]]:
    if request.param == "test run":
        return reports, identifiers(con)
    db, _run_id = request.getfixturevalue("recorded")
    generated = duckdb.connect(str(db), read_only=True)
    try:
        return request.getfixturevalue("generated"), identifiers(generated)
    finally:
        generated.close()


def test_no_bare_kbo_or_insz_on_paper(folder_and_numbers):
    folder, numbers = folder_and_numbers
    assert len(numbers) > 10
    found = [
        f"{path.name}/{ws.title}: {v}"
        for path, ws in every_sheet(folder)
        for v in printed_cells(ws)
        if isinstance(v, str) and set(BARE_IDENTIFIER.findall(v)) & numbers
    ]
    assert found == [], "a KBO or INSZ number of the run, as no reader writes it"


def test_every_sheet_of_a_running_year_says_voorlopig(generated):
    books = sorted((generated / RUNNING_YEAR).glob("*.xlsx"))
    assert len(books) == 8, "premies, six offices and federatie of the running year"
    for path in books:
        for ws in load_workbook(path).worksheets:
            where = f"{path.name}/{ws.title}"
            assert "Voorlopig, peildatum 28/11/2026" in title_lines(ws), where
            assert PROVISIONAL in ws.oddHeader.center.text, where
        for xml in chart_parts(path):
            title = re.search(r"<c:title>.*?</c:title>", xml)  # the chart's, then its axes'
            assert title and PROVISIONAL in title.group(0), path.name


def test_the_running_years_sheet_per_year_hatches_it_and_a_final_years_leaves_it_out(
    generated,
):
    path = generated / RUNNING_YEAR / f"premies_{RUNNING_YEAR}.xlsx"
    ws = load_workbook(path)["Per schooljaar"]
    assert f"{RUNNING_YEAR} (voorlopig)" in [c.value for c in ws["A"]], "the year's row says so"
    (hatched,) = [x for x in chart_parts(path) if "<a:pattFill" in x]
    assert "Aandeel subsidiabel per schooljaar" in hatched, "its bar hatched in the chart"
    federatie = load_workbook(generated / RUNNING_YEAR / f"federatie_{RUNNING_YEAR}.xlsx")
    assert f"{RUNNING_YEAR} (voorlopig)" in table(federatie["Schooljaren"])[0]
    # a final year shows itself and the years before it: nothing running, nothing hatched
    path = generated / "2024-2025" / "premies_2024-2025.xlsx"
    ws = load_workbook(path)["Per schooljaar"]
    years = [c.value for c in ws["A"] if c.value and str(c.value)[:2] == "20"]
    assert years == ["2023-2024", "2024-2025"]
    assert not any(PROVISIONAL in line for line in title_lines(ws))
    assert PROVISIONAL not in ws.oddHeader.center.text
    assert not [x for x in chart_parts(path) if "<a:pattFill" in x]
    federatie = load_workbook(generated / "2024-2025" / "federatie_2024-2025.xlsx")
    assert [y for y in table(federatie["Schooljaren"])[0][1:] if y] == ["2023-2024", "2024-2025"]


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/")]


def categories(xml: str) -> int:
    """How many bars a chart draws per series: the rows its categories refer to."""
    ref = re.search(r"<c:cat>.*?<c:f>[^!]*!\$[A-Z]+\$(\d+):\$[A-Z]+\$(\d+)</c:f>", xml, re.S)
    assert ref, "a chart's categories are a range of its sheet"
    return int(ref.group(2)) - int(ref.group(1)) + 1


def test_no_chart_of_a_single_bar(folder):
    charts = [
        (p.name, categories(x)) for p in sorted(folder.rglob("*.xlsx")) for x in chart_parts(p)
    ]
    assert charts, "the workbooks have charts"
    assert [c for c in charts if c[1] < 2] == []


def test_no_english_word_and_no_raw_code_in_a_report(folder):
    codes = {c.code for c in load_codes().codes}
    english, raw = [], []
    for path, ws in every_sheet(folder):
        in_code_list = False
        for row in ws.iter_rows(values_only=True):
            first = row[0] if row else None
            if ws.title == "Toelichting" and isinstance(first, str):
                # the code lists that key the CSV exports' codes to their labels
                if "zoals de CSV-export ze schrijft" in first:
                    in_code_list = True
                elif first in ("De run", "Begrippen") or first.startswith("Regels en"):
                    in_code_list = False
            for v in row:
                if not isinstance(v, str):
                    continue
                if ENGLISH.search(v):
                    english.append(f"{path.name}/{ws.title}: {v[:80]}")
                if not in_code_list and set(re.findall(r"\b[A-Z][A-Z0-9_]{3,}\b", v)) & codes:
                    raw.append(f"{path.name}/{ws.title}: {v[:80]}")
    known = "kapot.xlsx: not a readable .xlsx workbook"  # a batch refused before reason_nl
    assert [e for e in english if known not in e] == []
    assert raw == []
