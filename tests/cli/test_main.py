"""The command line: fast help, clear usage errors."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.main import COMMANDS, build_parser, main

DUAAL = Path(sys.executable).with_name("duaal")


def test_help_answers_within_a_second():
    assert DUAAL.exists(), "the duaal command is installed in the virtual environment"
    best = min(_timed([str(DUAAL), "--help"]) for _ in range(3))
    assert best < 1.0, f"duaal --help took {best:.2f} s (heavy imports at start-up?)"


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "run" in out.stdout and "audit" in out.stdout
    return time.perf_counter() - start


def test_version_prints_what_a_run_records_and_exits_0():
    from duaal.common.version import code_version

    start = time.perf_counter()
    out = subprocess.run([str(DUAAL), "--version"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    assert (out.returncode, out.stdout, out.stderr) == (0, f"duaal {code_version()}\n", "")
    assert elapsed < 1.0, f"duaal --version took {elapsed:.2f} s"


@pytest.mark.parametrize(
    "argv, env, message",
    [
        (["run", "--as-of", "2025-02-30"], {}, "--as-of 2025-02-30: February 2025 has 28 days"),
        (["run", "--as-of", "2024-13-01"], {}, "--as-of 2024-13-01: there is no month 13"),
        (["run", "--as-of", "morgen"], {}, "--as-of morgen: not a date (YYYY-MM-DD)"),
        (
            ["run", "--school-year", "2024-2026"],
            {},
            "--school-year 2024-2026: not a school year like 2024-2025",
        ),
        (
            ["run", "--school-year", "2019-2020"],
            {},
            "--school-year 2019-2020: no premium amounts for that year; "
            "configured: 2023-2024 … 2026-2027",
        ),
        (
            ["run"],
            {"DUAAL_LOCK_TIMEOUT_S": "soon"},
            "DUAAL_LOCK_TIMEOUT_S='soon' is not a number of seconds",
        ),
        (
            ["run"],
            {"DUAAL_AS_OF": "2025-02-29"},
            "DUAAL_AS_OF='2025-02-29': February 2025 has 28 days",
        ),
        (
            ["run", "--max-volume-drop", "veel"],
            {},
            "--max-volume-drop veel: not a share (such as 0.1 or 10%)",
        ),
        (["run", "--rules", "nergens.toml"], {}, "--rules "),
        (
            ["run", "--share-group", "geen-groep"],
            {},
            "--share-group geen-groep: not a group on this machine",
        ),
        (
            ["explain", "--learner", "00000000001"],
            {},
            "--learner 00000000001: not an INSZ (controlecijfer klopt niet)",
        ),
        (
            ["explain", "--learner", "00000000097", "--company", "12"],
            {},
            "--company 12: not an ondernemingsnummer (KBO)",
        ),
        (
            ["purge", "--before", "2027-2028", "--dry-run"],
            {"DUAAL_AS_OF": "2026-11-28"},
            "--before 2027-2028: later than the current school year 2026-2027",
        ),
        (
            ["export", "decisions", "--out", "x.csv", "--school-year", "2024"],
            {},
            "--school-year 2024: not a school year",
        ),
        (["runs", "--limit", "-1"], {}, "--limit -1: a number of runs of at least 1"),
        (["runs", "--limit", "0"], {}, "--limit 0: a number of runs of at least 1"),
        (["runs", "--limit", "alle"], {}, "--limit alle: a number of runs of at least 1"),
        (
            ["generate", "--out", "g", "--dimona-rows", "-3"],
            {},
            "--dimona-rows -3: a number of rows from 0 to 1048575",
        ),
        (
            ["purge", "--dry-run", "--retention-school-years", "2026"],
            {"DUAAL_AS_OF": "2026-11-28"},
            "--retention-school-years 2026: a number of school years from 0 to 2025",
        ),
        (
            ["purge", "--dry-run"],
            {"DUAAL_AS_OF": "2026-11-28", "DUAAL_RETENTION_SCHOOL_YEARS": "9999"},
            "DUAAL_RETENTION_SCHOOL_YEARS 9999: a number of school years from 0 to 2025",
        ),
        (
            ["export", "payments", "--out", "x.csv", "--school-year", "2024"],
            {},
            "--school-year 2024: not a school year",
        ),
    ],
)
def test_usage_errors_name_the_flag_or_variable_and_exit_2(
    argv, env, message, capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert not (tmp_path / "data").exists(), "a usage error is said before any work"


def test_an_as_of_in_a_year_without_amounts_is_no_usage_error(tmp_path, monkeypatch):
    """The 06:00 run of 1 September reaches a school year whose amounts are not configured
    yet: it runs (AMOUNTS_MISSING, exit 4), where only a school year asked for by name
    without amounts is refused."""
    from cli.options import run_settings as _run_settings
    from duaal.common.settings import UsageError

    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["run", "--as-of", "2027-09-01"])
    assert _run_settings(args).as_of.isoformat() == "2027-09-01"
    args = build_parser().parse_args(["run", "--as-of", "2027-09-01", "--school-year", "2027-2028"])
    with pytest.raises(UsageError, match="--school-year 2027-2028: no premium amounts"):
        _run_settings(args)


def test_runs_limit_shows_the_newest_runs(tmp_path, capsys):
    from datetime import date, datetime

    from duaal.common.db import connect
    from transforms.schema import ensure_schema

    db = tmp_path / "duaal.duckdb"
    con = connect(db)
    ensure_schema(con)
    for day in (1, 2, 3):
        con.execute(
            "INSERT INTO runs (run_id, started_at, status, as_of, rule_config, rule_config_hash) "
            "VALUES (?, ?, 'completed', ?, '', '')",
            [f"R{day}", datetime(2026, 11, day, 6), date(2026, 11, day)],
        )
    con.close()
    assert main(["runs", "--limit", "2", "--db", str(db)]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert listed == ["R3", "R2"], "the two newest runs, newest first"


def _arguments_without_help(help_text: str) -> list[str]:
    """The arguments a --help text lists without a help text of their own: an argument line
    (indented 2, or 4 for a command) with neither text beside it nor a line below it."""
    lines = help_text.splitlines()
    missing, section = [], ""
    for i, line in enumerate(lines):
        if line and not line.startswith(" "):
            section = line
            continue
        if section not in ("positional arguments:", "options:"):
            continue
        argument = re.match(r"( {2}| {4})(\S.*?)(?: {2,}\S.*)?$", line)
        if argument is None:
            continue
        has_text = re.search(r"\S {2,}\S", line.strip()) is not None
        below = lines[i + 1] if i + 1 < len(lines) else ""
        explained_below = len(below) - len(below.lstrip()) > len(argument[1]) + 2
        if not (has_text or explained_below):
            missing.append(argument[2].strip())
    return missing


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_flag_of_every_command_has_a_help_text(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([*([command] if command else []), "--help"])
    assert exc.value.code == 0
    help_text = capsys.readouterr().out
    assert "options:" in help_text
    assert _arguments_without_help(help_text) == [], f"duaal {command or ''} --help"


def test_the_help_check_finds_a_flag_without_help():
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("--out")
    parser.add_argument("--a-rather-long-flag-name", help="explained below its name")
    parser.add_argument("--limit", help="explained beside it")
    assert _arguments_without_help(parser.format_help()) == ["--out OUT"]


def test_unknown_flag_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["run", "--bogus"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_export_without_database_says_so(tmp_path, capsys):
    code = main(
        [
            "export",
            "decisions",
            "--out",
            str(tmp_path / "d.csv"),
            "--db",
            str(tmp_path / "none.duckdb"),
        ]
    )
    assert code == 1
    assert "no database at" in capsys.readouterr().err


def test_the_temporary_server_gets_90_s_to_start_unless_told_otherwise(tmp_path, monkeypatch):
    """A first run on a new Prefect home waits 90 s for the temporary server (Prefect: 20 s,
    which a busy machine exceeds while the server builds its database); a value given in
    the environment stays."""
    name = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
    argv = ["export", "decisions", "--out", str(tmp_path / "d.csv")]
    argv += ["--db", str(tmp_path / "none.duckdb")]
    monkeypatch.setenv(name, "")  # records how it was, so teardown puts that back
    monkeypatch.delenv(name)
    assert main(argv) == 1
    assert os.environ[name] == "90"
    monkeypatch.setenv(name, "300")
    assert main(argv) == 1
    assert os.environ[name] == "300"


def test_run_without_export_folder_says_so(tmp_path, capsys):
    from duaal.common.settings import load_settings
    from duaal.run.pipeline import execute

    settings = load_settings(
        raw=tmp_path / "nowhere", db=tmp_path / "duaal.duckdb", reports=tmp_path / "reports"
    )
    with pytest.raises(FileNotFoundError, match="no export folder at .*nowhere: put the exports"):
        execute(settings)


def test_generate_takes_its_size_and_seed_from_the_settings(tmp_path, monkeypatch):
    import hashlib
    from datetime import date

    from sample.generate import generate

    def digests(folder):
        return {
            p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    monkeypatch.setenv("DUAAL_SAMPLE_AGREEMENTS", "40")
    monkeypatch.setenv("DUAAL_SAMPLE_SEED", "9")
    assert main(["generate", "--out", str(tmp_path / "cli"), "--as-of", "2026-11-28"]) == 0
    generate(tmp_path / "direct", agreements=40, seed=9, as_of=date(2026, 11, 28))
    assert digests(tmp_path / "cli") == digests(tmp_path / "direct")


def test_a_failure_names_the_module_from_its_package_down():
    """The rooms nest modules deeper: a failure still names duaal/common/digests.py, not
    common/digests.py."""
    from cli.main import _failure
    from duaal.common.digests import digest_rows

    with pytest.raises(TypeError) as caught:
        digest_rows(5)  # type: ignore[arg-type]
    first = _failure("audit", caught.value).splitlines()[0]
    assert re.match(r"duaal audit failed \(duaal/common/digests\.py:\d+\): TypeError: ", first)
