"""A workbook is written again only when what it shows changed (duaal/outputs/workbooks/content.py).

Runs are copies of one recorded run in a database of their own (the same batches, as_of and
rule configuration); the reports stage writes each into one folder, as `duaal run` does.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from duaal.common.digests import output_digests, run_tables
from duaal.outputs.workbooks.changes import CHANGE_COLUMNS, CHANGES, COMPARED_WITH
from duaal.outputs.workbooks.content import Keys, content_key
from duaal.outputs.workbooks.data import RunInfo
from duaal.outputs.workbooks.labels import office_slug
from duaal.outputs.workbooks.manifest import MANIFEST, kept_by
from duaal.outputs.workbooks.style import Block
from duaal.run.pipeline import reports_stage
from duaal.run.runs import finish_run
from tests.builders import rule_config
from transforms.identifiers import format_kbo

RUN_ID = re.compile(r"R\d{8}T\d{6}-[0-9a-f]{6}")
CLOCK = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}(:\d{2})?")


def copy_run(con: duckdb.DuckDBPyConnection, source: str, run_id: str, minutes: int) -> None:
    """A new run with the source run's rows, started later, still running."""
    tables = [
        t
        for (t,) in con.execute(
            "SELECT DISTINCT table_name FROM information_schema.columns "
            "WHERE column_name = 'run_id' AND table_name LIKE 'run%'"
        ).fetchall()
    ]
    for table in tables:
        con.execute(
            f"INSERT INTO {table} SELECT * REPLACE (? AS run_id) FROM {table} WHERE run_id = ?",
            [run_id, source],
        )
    con.execute(
        "UPDATE runs SET status = 'running', started_at = started_at + ?, finished_at = NULL "
        "WHERE run_id = ?",
        [timedelta(minutes=minutes), run_id],
    )


def run(con: duckdb.DuckDBPyConnection, run_id: str, folder: Path) -> list[Path]:
    """The reports stage of a run, then the run completed."""
    paths = reports_stage(con, run_id, folder, ())
    finish_run(con, run_id, "completed")
    return paths


def manifest(folder: Path) -> dict[str, dict]:
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return {e["werkmap"]: e for e in data["werkmappen"]}


def cells(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's cells, run ids and clock times masked."""
    book = CalamineWorkbook.from_path(str(path))

    def masked(v: object) -> object:
        if isinstance(v, str):
            return CLOCK.sub("<time>", RUN_ID.sub("<run>", v))
        if hasattr(v, "hour") and (v.hour, v.minute, v.second) != (0, 0, 0):
            return "<time>"
        return v

    def row_of(values: list[object]) -> list[object]:
        # when the run ended is a time too (empty while it writes, as every run's reports)
        return values[:1] if values[:1] == ["Run beëindigd"] else [masked(v) for v in values]

    return {
        name: [row_of(row) for row in book.get_sheet_by_name(name).to_python()]
        for name in book.sheet_names
    }


def compared(sheets: dict[str, list[list[object]]]) -> dict[str, list[list[object]]]:
    """The cells a daily and a cold run agree on (benchmarks/compare.py): not the
    Wijzigingen sheet, nor the Toelichting's line naming the run compared with."""
    return {
        name: [row[:1] if row[:1] == [COMPARED_WITH] else row for row in rows]
        for name, rows in sheets.items()
        if name != CHANGES
    }


@pytest.fixture(scope="module")
def folder(recorded, tmp_path_factory) -> tuple[duckdb.DuckDBPyConnection, Path, list[str]]:
    """Runs A (first), B (the same rows, compared with A), C (the same as B), D (as C but
    one decision of one school year changed), their workbooks in one folder."""
    db, first = recorded
    base = tmp_path_factory.mktemp("content")
    shutil.copy(db, base / "duaal.duckdb")
    con = duckdb.connect(str(base / "duaal.duckdb"))
    reports = base / "reports"
    ids = [f"R20261128T07{m:02d}00-abcde{m}" for m in range(4)]
    for minutes, run_id in enumerate(ids, start=1):
        copy_run(con, first, run_id, minutes)
    con.execute("DELETE FROM runs WHERE run_id = ?", [first])  # not a completed run
    return con, reports, ids


def test_same_rows_keep_every_workbook_and_the_folder_says_who_wrote_them(folder) -> None:
    con, reports, (a, b, c, _) = folder
    written_a = run(con, a, reports)
    run(con, b, reports)  # its office workbooks now compare with A
    before = manifest(reports)
    kept = run(con, c, reports)
    after = manifest(reports)
    assert kept == written_a
    assert len(kept) > 10
    assert {e["behouden_door"] for e in after.values()} == {c}
    assert {n: e["run"] for n, e in after.items()} == {n: e["run"] for n, e in before.items()}
    assert {e.workbook for e in kept_by(reports, c)} == set(after)
    assert {n: e["sha256"] for n, e in after.items()} == {n: e["sha256"] for n, e in before.items()}


def test_a_changed_decision_rewrites_only_what_shows_it_and_a_cold_write_agrees(
    folder, tmp_path
) -> None:
    con, reports, (*_, d) = folder
    year, office, kbo, learner = con.execute(
        "SELECT school_year, office, company_kbo, learner_insz FROM run_decisions "
        "WHERE run_id = ? AND eligible ORDER BY school_year, company_kbo, learner_insz LIMIT 1",
        [d],
    ).fetchone()
    con.execute(
        "UPDATE run_decisions SET amount_eur = amount_eur + 250, "
        "explanation = explanation || ' (gecorrigeerd)' "
        "WHERE run_id = ? AND company_kbo = ? AND learner_insz = ? AND school_year = ?",
        [d, kbo, learner, year],
    )
    con.execute(  # the reconciliation follows its decision (the federation checks they agree)
        "UPDATE run_payments SET decided_eur = decided_eur + 250 "
        "WHERE run_id = ? AND company_kbo = ? AND learner_insz = ? AND school_year = ?",
        [d, kbo, learner, year],
    )
    # as a run records them (record_stage): the digests of its rows, D's now not C's
    digests = output_digests(con, run_tables(), "WHERE run_id = ?", [d])
    con.execute(
        "UPDATE runs SET digest_decisions = ?, digest_payments = ? WHERE run_id = ?",
        [digests["decisions"], digests["payments"], d],
    )
    paths = run(con, d, reports)
    entries = manifest(reports)
    rewritten = {n for n, e in entries.items() if e["run"] == d}
    mine = {f"{year}/premies_{year}_{office_slug(office)}.xlsx"}
    assert mine <= set(entries)
    # the workbooks of every school year show the share and amount per school year ("Per
    # schooljaar", the federatie's "Schooljaren"): of every office in the workbook of all,
    # of its own in an office's; a final year's those of its year and the years before it
    years = {n.split("/")[0] for n in entries if "/federatie_" in n and n.split("/")[0] >= year} | {
        y
        for (y,) in con.execute(
            "SELECT school_year FROM run_decisions WHERE run_id = ? AND status = 'provisional'", [d]
        ).fetchall()
    }
    federaties = {f"{y}/federatie_{y}.xlsx" for y in years}
    showing = {f"{y}/premies_{y}.xlsx" for y in years} | {
        f"{y}/premies_{y}_{office_slug(office)}.xlsx" for y in years
    }
    # the other offices' workbooks show neither the decision nor its change
    assert rewritten == {*showing, *mine, *federaties}
    assert {e["behouden_door"] for n, e in entries.items() if n not in rewritten} == {d}
    changed = cells(reports / next(iter(mine)))[CHANGES]
    assert any(format_kbo(kbo) in map(str, row) for row in changed), (
        "the office's workbook lists it"
    )
    # a cold write of the same run into an empty folder: the same cells, run ids aside
    cold = reports_stage(con, d, tmp_path / "cold", ())
    assert [p.relative_to(tmp_path / "cold") for p in cold] == [
        p.relative_to(reports) for p in paths
    ]
    for path in paths:  # a kept final year's workbook speaks of the run that wrote it
        cold_cells = cells(tmp_path / "cold" / path.relative_to(reports))
        assert compared(cells(path)) == compared(cold_cells), path.name


def _keys() -> Keys:
    config = rule_config()
    as_of = date(2025, 11, 28)
    return Keys(
        RunInfo(
            "R20251128T070000-abcdef",
            as_of,
            datetime(2025, 11, 28, 7),
            None,
            config,
            config.sha256,
            None,
        )
    )


def test_an_office_digest_made_in_the_split_is_that_of_its_rows_alone() -> None:
    rows = [
        {"office": office, "learner": f"L{i}", "amount": i * 10, "when": date(2025, 9, i % 28 + 1)}
        for i, office in enumerate(["Antwerpen", "Limburg", None] * 1500)
    ]
    keys = _keys()
    groups, whole = keys.split(rows, lambda r: r["office"] or "Zonder kantoor")
    assert [len(g) for g in groups.values()] == [1500, 1500, 1500]
    assert groups["Limburg"] == rows[1::3]
    assert whole == _keys().rows_digest(list(rows))
    for office, mine in groups.items():  # each group's digest: as for a list of its rows
        assert keys.rows_digest(mine) == _keys().rows_digest(list(mine)), office
    changed = [dict(r) for r in rows]
    changed[4]["amount"] = 41  # a Limburg row
    after, _ = _keys().split(changed, lambda r: r["office"] or "Zonder kantoor")
    fresh = _keys()
    assert fresh.rows_digest(after["Antwerpen"]) == keys.rows_digest(groups["Antwerpen"])
    assert fresh.rows_digest(after["Limburg"]) != keys.rows_digest(groups["Limburg"])


def test_rows_of_tuples_key_by_their_cells_and_other_objects_never_match() -> None:
    rows = [
        ("bevinding", "gewijzigd", f"0245.501.{i:03d}", None, Decimal("1.50")) for i in range(3000)
    ]
    block = Block(CHANGE_COLUMNS[:5], rows)
    assert content_key("conformiteit", _keys().run, block) == content_key(
        "conformiteit", _keys().run, Block(CHANGE_COLUMNS[:5], list(rows))
    )
    edited = [*rows[:-1], ("bevinding", "gewijzigd", "0245.501.999", None, Decimal("1.5"))]
    assert content_key("conformiteit", _keys().run, block) != content_key(
        "conformiteit", _keys().run, Block(CHANGE_COLUMNS[:5], edited)
    )
    # a run id in a cell is masked, as anywhere in a key
    masked = [(*r[:3], "R20251129T070000-123456", r[4]) for r in rows]
    other = [(*r[:3], "R20251130T070000-654321", r[4]) for r in rows]
    assert content_key("x", _keys().run, masked) == content_key("x", _keys().run, other)

    class Opaque:  # no canonical form: its repr says nothing of what it holds
        def __repr__(self) -> str:
            return "Opaque()"

    opaque = [("a", Opaque())]
    assert content_key("x", _keys().run, opaque) != content_key("x", _keys().run, [("a", Opaque())])
