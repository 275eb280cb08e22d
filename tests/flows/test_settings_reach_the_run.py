"""Every setting reaches the run: one test per setting drives it through `duaal run` (the
real command line and the Prefect flow) and checks its effect, so that a new setting
cannot be dropped on the way again."""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import subprocess
import sys
import time
from dataclasses import fields
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cli.main import build_parser, main
from duaal.common.settings import (
    PURGE_SETTINGS,
    RUN_SETTINGS,
    SAMPLE_SETTINGS,
    SCHEDULE_SETTINGS,
    Settings,
    flag_name,
)
from sample.generate import generate
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    RECOGNITION_HEADERS,
    agreement_row,
    dimona_row,
    recognition_row,
    write_csv,
)

pytestmark = pytest.mark.prefect

AS_OF = date(2026, 11, 28)
RULES = Path(__file__).resolve().parents[2] / "transforms" / "rules.toml"


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "raw"
    generate(out, agreements=40, seed=3, as_of=AS_OF)
    return out


@pytest.fixture
def here(tmp_path: Path, monkeypatch) -> Path:
    """A fresh current folder without DUAAL_ settings in the environment."""
    for name in [n for n in __import__("os").environ if n.startswith("DUAAL_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> int:
    return main(["run", *argv])


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def check_codes(db: Path) -> set[str]:
    return {c for (c,) in query(db, "SELECT code FROM run_checks")}


# --- the settings are all wired --------------------------------------------------------------


def test_every_setting_is_a_run_schedule_or_sample_setting():
    classified = {*RUN_SETTINGS, *SCHEDULE_SETTINGS, *SAMPLE_SETTINGS, *PURGE_SETTINGS}
    assert {f.name for f in fields(Settings)} == classified, (
        "a new setting must be classified (duaal/common/settings.py) so that it reaches its command"
    )


def test_every_run_setting_is_a_flow_parameter_and_a_flag():
    from flows.pipeline import pipeline_flow

    params = set(inspect.signature(pipeline_flow.fn).parameters)
    assert params == {*RUN_SETTINGS, "with_reports"}, "the flow takes every run setting"
    run_parser = build_parser()._subparsers._group_actions[0].choices["run"]  # noqa: SLF001
    flags = {opt for action in run_parser._actions for opt in action.option_strings}  # noqa: SLF001
    assert {flag_name(n) for n in RUN_SETTINGS} <= flags, "duaal run has a flag for each"


# --- one test per setting, through the command line and the flow -----------------------------


def test_raw_db_and_reports_relative_to_the_current_folder(prefect_harness, raw, here):
    (here / "exports").symlink_to(raw)
    assert (
        run(
            "--raw",
            "exports",
            "--db",
            "out/duaal.duckdb",
            "--reports",
            "rep",
            "--as-of",
            AS_OF.isoformat(),
        )
        == 0
    )
    db = here / "out" / "duaal.duckdb"
    assert db.is_file(), "--db relative to the current folder"
    assert sorted(p.name for p in (here / "rep").iterdir())[:1] == ["2023-2024"]
    paths = {p for (p,) in query(db, "SELECT file_path FROM load_batches")}
    assert all(p.startswith(str(here / "exports")) for p in paths), "--raw relative to it"


def test_paths_from_the_environment_and_the_settings_file(prefect_harness, raw, here, monkeypatch):
    conf = here / "conf"
    conf.mkdir()
    (conf / "duaal.toml").write_text(f'raw = "{raw}"\ndb = "db/duaal.duckdb"\n', "utf-8")
    monkeypatch.setenv("DUAAL_SETTINGS", str(conf / "duaal.toml"))
    monkeypatch.setenv("DUAAL_REPORTS", "rep")
    monkeypatch.setenv("DUAAL_AS_OF", AS_OF.isoformat())
    assert run("--no-reports") == 0
    assert (conf / "db" / "duaal.duckdb").is_file(), "a file's path: relative to the file"
    assert query(conf / "db" / "duaal.duckdb", "SELECT as_of FROM runs") == [(AS_OF,)]


def test_rules(prefect_harness, raw, here):
    other = here / "other_rules.toml"
    text = RULES.read_text("utf-8").replace("paid_eur = 1000", "paid_eur = 1234")
    other.write_text(text, "utf-8")
    assert (
        run(
            "--raw",
            str(raw),
            "--db",
            "d.duckdb",
            "--rules",
            "other_rules.toml",
            "--as-of",
            AS_OF.isoformat(),
            "--no-reports",
        )
        == 0
    )
    db = here / "d.duckdb"
    amounts = {a for (a,) in query(db, "SELECT DISTINCT amount_eur FROM run_decisions")}
    assert 1234 in amounts and 1000 not in amounts, "the run decides with --rules"
    (stored,) = query(db, "SELECT rule_config, rule_config_hash FROM runs")
    assert stored == (text, hashlib.sha256(text.encode()).hexdigest()), "and records it"


def test_aliases(prefect_harness, here):
    raw = here / "raw"
    headers = ["Dossiernummer" if h == "Overeenkomst-ID" else h for h in AGREEMENT_HEADERS]
    (raw / "overeenkomsten").mkdir(parents=True)
    (raw / "dimona").mkdir()
    (raw / "erkenningen").mkdir()
    write_csv(raw / "overeenkomsten" / "a.csv", [headers, agreement_row()])
    write_csv(raw / "dimona" / "d.csv", [DIMONA_HEADERS, dimona_row()])
    write_csv(raw / "erkenningen" / "e.csv", [RECOGNITION_HEADERS, recognition_row()])
    aliases = here / "aliases.toml"
    aliases.write_text('[overeenkomsten]\n"Overeenkomst-ID" = ["Dossiernummer"]\n', "utf-8")
    assert run("--raw", "raw", "--db", "without.duckdb", "--as-of", "2025-03-01") == 1
    assert (
        run(
            "--raw",
            "raw",
            "--db",
            "with.duckdb",
            "--aliases",
            "aliases.toml",
            "--as-of",
            "2025-03-01",
            "--no-reports",
        )
        == 4
    )
    assert query(here / "with.duckdb", "SELECT agreement_id FROM ingest_overeenkomsten") == [
        ("OVK-1",)
    ]


def test_as_of(prefect_harness, raw, here):
    assert run("--raw", str(raw), "--db", "d.duckdb", "--as-of", "2026-10-01", "--no-reports") == 0
    assert query(here / "d.duckdb", "SELECT as_of FROM runs") == [(date(2026, 10, 1),)]


def test_school_years(prefect_harness, raw, here):
    assert (
        run(
            "--raw",
            str(raw),
            "--db",
            "d.duckdb",
            "--reports",
            "rep",
            "--as-of",
            AS_OF.isoformat(),
            "--school-year",
            "2024-2025",
        )
        == 0
    )
    assert [p.name for p in (here / "rep").iterdir() if p.name[0].isdigit()] == ["2024-2025"]


def test_lock_timeout_s(prefect_harness, raw, here, capsys):
    db = here / "d.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        code = run(
            "--raw",
            str(raw),
            "--db",
            "d.duckdb",
            "--lock-timeout-s",
            "1",
            "--as-of",
            AS_OF.isoformat(),
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    captured = capsys.readouterr()
    assert code == 3
    assert f"is in use by another process ({holder.pid}) (waited 1 s)" in captured.err
    assert f"in use by another process ({holder.pid}); waiting up to 1 s" in captured.out
    assert waited < 15, "lock_timeout_s in all, not once per Prefect retry"


def test_notify_block(prefect_harness, raw, here, monkeypatch):
    from prefect.blocks.notifications import NotificationBlock

    class RecordingNotification(NotificationBlock):
        """Writes what it is told to a file."""

        path: str

        def notify(self, body: str, subject: str | None = None) -> None:
            Path(self.path).write_text(f"{subject}\n{body}", encoding="utf-8")

    told = here / "told.txt"
    RecordingNotification(path=str(told)).save("duaal-warnings", overwrite=True)
    shutil.copytree(raw, here / "raw")
    (here / "raw" / "notities.txt").write_text("geen export", "utf-8")
    assert (
        run(
            "--raw",
            "raw",
            "--db",
            "d.duckdb",
            "--as-of",
            AS_OF.isoformat(),
            "--notify-block",
            "recordingnotification/duaal-warnings",
            "--no-reports",
        )
        == 4
    )
    subject, body = told.read_text("utf-8").split("\n", 1)
    assert subject == "duaal: run completed with warnings"
    assert "FILE_IGNORED notities.txt" in body


def test_max_export_age_days(prefect_harness, raw, here):
    late = "2026-12-31"  # 33 days after the register's Exportdatum of 28/11/2026
    assert run("--raw", str(raw), "--db", "a.duckdb", "--as-of", late, "--no-reports") == 0
    assert "EXPORT_STALE" not in check_codes(here / "a.duckdb")
    assert (
        run(
            "--raw",
            str(raw),
            "--db",
            "b.duckdb",
            "--as-of",
            late,
            "--max-export-age-days",
            "10",
            "--no-reports",
        )
        == 4
    )
    stale = query(here / "b.duckdb", "SELECT source FROM run_checks WHERE code = 'EXPORT_STALE'")
    assert ("erkenningen",) in stale


@pytest.mark.parametrize("how", ["flag", "environment", "settings file"])
def test_max_quarantine_share(prefect_harness, raw, here, monkeypatch, how):
    given = ["--max-quarantine-share", "100%"] if how == "flag" else []
    if how == "environment":
        monkeypatch.setenv("DUAAL_MAX_QUARANTINE_SHARE", "1")
    if how == "settings file":
        (here / "s.toml").write_text("max_quarantine_share = 1.0\n", "utf-8")
        monkeypatch.setenv("DUAAL_SETTINGS", str(here / "s.toml"))
    assert (
        run(
            "--raw",
            str(raw),
            "--db",
            "a.duckdb",
            "--as-of",
            AS_OF.isoformat(),
            "--no-reports",
            *given,
        )
        == 0
    ), "no file is over 100 % quarantined"
    assert "QUARANTINE_SHARE" not in check_codes(here / "a.duckdb")


def test_max_volume_drop(prefect_harness, raw, here):
    db = here / "d.duckdb"
    args = ("--raw", str(raw), "--db", "d.duckdb", "--as-of", AS_OF.isoformat(), "--no-reports")
    assert run(*args) == 0
    con = duckdb.connect(str(db))
    (counts,) = con.execute("SELECT row_counts FROM runs").fetchone()
    grown = {k: v * 2 for k, v in json.loads(counts).items()}  # as if half the rows vanished
    con.execute("UPDATE runs SET row_counts = ?", [json.dumps(grown)])
    con.close()
    assert run(*args, "--max-volume-drop", "0.6") == 0, "a 50 % drop is within 60 %"
    con = duckdb.connect(str(db))
    con.execute("UPDATE runs SET row_counts = ?", [json.dumps(grown)])
    con.close()
    assert run(*args) == 4
    (latest,) = query(db, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")
    drops = query(
        db, "SELECT source FROM run_checks WHERE code = 'VOLUME_DROP' AND run_id = ?", list(latest)
    )
    assert ("dimona",) in drops


def test_share_group(prefect_harness, raw, here):
    import grp
    import os
    import stat

    group = grp.getgrgid(os.getgid()).gr_name
    assert (
        run(
            "--raw",
            str(raw),
            "--db",
            "d.duckdb",
            "--reports",
            "rep",
            "--as-of",
            AS_OF.isoformat(),
            "--share-group",
            group,
        )
        == 0
    )
    db_mode = stat.S_IMODE((here / "d.duckdb").stat().st_mode)
    assert db_mode == 0o640, f"the database is readable by {group}, not by others: {db_mode:o}"
    (stored,) = query(here / "d.duckdb", "SELECT count(*) FROM runs")
    assert stored == (1,)
