"""Labels that name a rule parameter follow the configuration: with min_months_covered = 5 and
max_premiums = 2 a whole run decides by the new values, and no workbook cell, stored
explanation or finding detail still says "4 maanden" or "3 premies"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.outputs.workbooks.writer import write_reports
from duaal.run.pipeline import record_stage, rules_stage, start_run
from tests.builders import RULES_FILE
from tests.duaal.conftest import AS_OF, NOW
from transforms.loading import ingest
from transforms.rule_config import load_rule_config

OLD_VALUES = re.compile(r"\b4 maanden|\b3 premies")


def _changed_rules(folder: Path) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^min_months_covered = 4\b", "min_months_covered = 5", text)
    changed = re.sub(r"(?m)^max_premiums = 3\b", "max_premiums = 2", changed)
    changed = changed.replace('version = "2026.2"', 'version = "2026.2-test"')
    assert changed.count("= 5 ") + changed.count("= 2 ") >= 2, "both parameters changed"
    path = folder / "rules.toml"
    path.write_text(changed, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def changed_run(raw: Path, tmp_path_factory: pytest.TempPathFactory):
    """The generated exports run with the changed configuration, and its workbooks."""
    base = tmp_path_factory.mktemp("changed_parameters")
    settings = load_settings(
        raw=raw,
        db=base / "duaal.duckdb",
        reports=base / "r",
        rules=_changed_rules(base),
        as_of=AS_OF,
    )
    con = connect(settings.db)
    ingest(con, raw, now=NOW)
    config = load_rule_config(settings.rules)
    assert (config.premium.min_months_covered, config.premium.max_premiums) == (5, 2)
    run_id = start_run(con, config, AS_OF, now=NOW)
    rules_stage(con, config, AS_OF)
    record_stage(con, run_id)
    paths = write_reports(con, run_id, settings.reports, workers=1)
    yield con, run_id, paths
    con.close()


def test_decisions_follow_the_new_minimum_and_cap(changed_run) -> None:
    con, run_id, _ = changed_run
    rows = con.execute(
        "SELECT eligible, months_covered, premiums_before, reasons, explanation "
        "FROM run_decisions WHERE run_id = ?",
        [run_id],
    ).fetchall()
    under = [r for r in rows if "UNDER_4_MONTHS" in r[3].split(";")]
    capped = [r for r in rows if "CAP_REACHED" in r[3].split(";")]
    assert all(0 < r[1] < 5 for r in under)
    assert any(4 <= r[1] < 5 for r in under), "a pair with 4 to 5 months is now refused"
    assert all(r[1] >= 5 for r in rows if r[0]), "every premium has at least 5 months"
    assert [r for r in capped if r[2] < 2] == []
    assert any(r[2] == 2 for r in capped), "two premiums before now reach the cap"
    assert all("(minimum 5)" in r[4] for r in under)
    assert all("het maximum van 2 premies is bereikt" in r[4] for r in capped)


def test_no_stored_text_names_the_old_values(changed_run) -> None:
    con, run_id, _ = changed_run
    texts = con.execute(
        "SELECT explanation FROM run_decisions WHERE run_id = ? "
        "UNION ALL SELECT detail FROM run_findings WHERE run_id = ?",
        [run_id, run_id],
    ).fetchall()
    assert texts, "the run stored decisions and findings"
    assert [t for (t,) in texts if OLD_VALUES.search(t or "")] == []


def test_no_workbook_cell_names_the_old_values(changed_run) -> None:
    _, _, paths = changed_run
    old: list[str] = []
    new = set()
    for path in paths:
        for sheet in load_workbook(path, read_only=True).worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        if OLD_VALUES.search(value):
                            old.append(f"{path.name}!{sheet.title}: {value}")
                        new |= {
                            label
                            for label in (
                                "Minder dan 5 maanden opleiding",
                                "Maximum van 2 premies bereikt",
                            )
                            if label in value
                        }
    assert old == []
    assert new == {"Minder dan 5 maanden opleiding", "Maximum van 2 premies bereikt"}
