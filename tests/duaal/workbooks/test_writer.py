"""Every workbook of a run (duaal/outputs/workbooks/writer.py): which files, where; the same run gives
the same cells; no text from an export becomes a formula."""

from __future__ import annotations

import re
import zipfile

from openpyxl import load_workbook

from duaal.outputs.workbooks import write_reports
from tests.duaal.workbooks.one_run import INJECTION, OFFICE_FILES, RUN, YEAR


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


def test_text_from_exports_is_never_a_formula(reports):
    path = reports / YEAR / f"premies_{YEAR}.xlsx"
    ws = load_workbook(path)["Vlaams-Brabant & Brussel"]
    body = ws["A"][4:]  # below the title lines and the header
    assert [(c.value, c.data_type) for c in body] == [(INJECTION, "s"), (INJECTION, "s")]
    assert sorted(c.value for c in ws["C"][4:]) == ["+32 Piet", "@Jan Smet"]
    assert load_workbook(path)["Wallonië"]["A5"].value == "-Les Cuisines SA"
    for workbook in sorted((reports / YEAR).glob("*.xlsx")):
        with zipfile.ZipFile(workbook) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            formulas = [n for n in sheets if re.search(r"<f[ >]", archive.read(n).decode())]
        assert formulas == [], f"{workbook.name} holds no formula"


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
