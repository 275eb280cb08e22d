"""The command line: fast help, clear usage errors."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from duaal.cli import build_parser, main

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


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "--as-of", "2025-02-30"], "not a date"),
        (["run", "--school-year", "2024-2026"], "not a school year"),
        (["export", "everything", "--out", "x.csv"], "invalid choice"),
    ],
)
def test_bad_arguments_are_named(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


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


def test_run_without_export_folder_says_so(tmp_path, capsys):
    from duaal.pipeline import execute
    from duaal.settings import load_settings

    settings = load_settings(
        raw=tmp_path / "nowhere", db=tmp_path / "duaal.duckdb", reports=tmp_path / "reports"
    )
    with pytest.raises(FileNotFoundError, match="no export folder at .*nowhere: put the exports"):
        execute(settings)


def test_generate_takes_its_size_and_seed_from_the_settings(tmp_path, monkeypatch):
    import hashlib
    from datetime import date

    from duaal.generate import generate

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
