"""Who may read what duaal writes: private files, the group of share_group, and a whole run."""

from __future__ import annotations

import grp
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from duaal.common.db import connect
from duaal.common.privacy import (
    make_private_dir,
    open_private,
    private_files,
    public_files,
    readable_by_others,
    redact,
    restrict_umask,
)
from duaal.common.settings import load_settings
from duaal.outputs import exports
from duaal.run.pipeline import execute
from sample.generate import generate

AS_OF = date(2026, 11, 28)
OWN_GROUP = grp.getgrgid(os.getgid()).gr_name


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask():
    """The umask of a careless account (files 0644), restored after the test."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_open_private_creates_the_file_for_its_owner_only(tmp_path, lax_umask):
    path = tmp_path / "x.csv"
    with open_private(path, "w", newline="") as fh:
        fh.write("insz\n")
    assert mode(path) == 0o600, f"{path} created {oct(mode(path))}, expected 0o600"
    assert path.read_text(encoding="utf-8") == "insz\n"


def test_open_private_takes_the_read_bits_off_an_existing_file(tmp_path, lax_umask):
    path = tmp_path / "old.csv"
    path.write_text("old contents\n", encoding="utf-8")
    os.chmod(path, 0o644)
    with open_private(path, "wb") as fh:
        fh.write(b"new\n")
    assert mode(path) == 0o600 and path.read_bytes() == b"new\n"


def test_open_private_with_a_group_gives_that_group_read_only(tmp_path, lax_umask):
    path = tmp_path / "shared.csv"
    with open_private(path, "w", group=OWN_GROUP) as fh:
        fh.write("x\n")
    assert mode(path) == 0o640
    assert path.stat().st_gid == grp.getgrnam(OWN_GROUP).gr_gid


def test_an_unknown_group_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="share_group 'no-such-group-duaal'"):
        open_private(tmp_path / "x.csv", group="no-such-group-duaal")
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(ValueError, match="no such group"):
        restrict_umask("no-such-group-duaal")


def test_folders_duaal_creates_are_private_or_set_group_id(tmp_path, lax_umask):
    private = make_private_dir(tmp_path / "a" / "b")
    assert mode(tmp_path / "a") == 0o700 and mode(private) == 0o700
    shared = make_private_dir(tmp_path / "c", OWN_GROUP)
    assert mode(shared) == 0o2750


def test_umask_blocks_set_and_restore_the_umask(tmp_path, lax_umask):
    with private_files():
        (tmp_path / "p").write_text("p", encoding="utf-8")
        with public_files():
            (tmp_path / "f").write_text("f", encoding="utf-8")
    (tmp_path / "after").write_text("a", encoding="utf-8")
    assert mode(tmp_path / "p") == 0o600
    assert mode(tmp_path / "f") == 0o644
    assert mode(tmp_path / "after") == 0o644, "the umask of before the block is back"


def test_database_and_wal_are_created_private(tmp_path, lax_umask):
    db = tmp_path / "processed" / "duaal.duckdb"
    con = connect(db)
    try:
        con.execute("CREATE TABLE t AS SELECT 'x' AS insz")
        wal = db.with_name(db.name + ".wal")
        assert wal.exists(), "a write before the checkpoint leaves a WAL"
        assert mode(wal) == 0o600, f"WAL created {oct(mode(wal))}"
    finally:
        con.close()
    assert mode(db) == 0o600 and mode(db.parent) == 0o700


def test_an_older_world_readable_database_is_restricted_when_opened(tmp_path, lax_umask):
    db = tmp_path / "duaal.duckdb"
    connect(db).close()
    os.chmod(db, 0o644)
    connect(db).close()
    assert mode(db) == 0o600


# Outputs that hold no personal data and may be read by all.
PUBLIC = ("federatie_",)
PUBLIC_DIRS = ("raw",)  # the exports as received; the Data Docs may quote an INSZ


@pytest.fixture(scope="module")
def whole_run(tmp_path_factory):
    """One run with reports and every CSV export, under the umask of a careless account."""
    old = os.umask(0o022)
    try:
        base = tmp_path_factory.mktemp("privacy")
        generate(base / "raw", agreements=120, seed=3, as_of=AS_OF)
        settings = load_settings(
            raw=base / "raw",
            db=base / "out" / "duaal.duckdb",
            reports=base / "reports",
            as_of=AS_OF,
        )
        summary = execute(settings)
        con = connect(settings.db, read_only=True)
        try:
            exports.export_pairs(con, base / "exports" / "decisions.csv", "decisions")
            exports.export_findings(con, base / "exports" / "findings.csv")
            exports.export_quarantine(con, base / "exports" / "quarantine.csv")
        finally:
            con.close()
        yield base, settings, summary
    finally:
        os.umask(old)


def personal_outputs(base: Path) -> list[Path]:
    out = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if rel.parts[0] in PUBLIC_DIRS or any(p in PUBLIC_DIRS for p in rel.parts):
            continue
        if path.name.startswith(PUBLIC):
            continue
        out.append(path)
    return out


def test_no_output_with_personal_data_is_readable_by_others(whole_run):
    base, settings, summary = whole_run
    outputs = personal_outputs(base)
    names = {p.name for p in outputs}
    assert {"duaal.duckdb", "decisions.csv", "findings.csv", "quarantine.csv"} <= names
    assert "index.html" in names, "the Data Docs are checked too"
    open_to_all = [
        f"{p.relative_to(base)} {oct(mode(p))}" for p in outputs if readable_by_others(p)
    ]
    assert open_to_all == [], "readable by every user of the machine"


def test_workbooks_with_personal_data_are_readable_by_the_owner_only(whole_run):
    """The office, compliance and premies workbooks. They pass today because the process
    umask is private from the moment the database is opened; a writer that sets modes of
    its own must create its files with duaal.common.privacy.open_private (see the README)."""
    base, settings, summary = whole_run
    workbooks = [p for p in summary.reports if not p.name.startswith(PUBLIC)]
    assert workbooks, "the run wrote workbooks with personal data"
    assert [p.name for p in workbooks if mode(p) & 0o077] == []


def test_redact_takes_insz_numbers_and_ibans_out_of_text():
    text = (
        "stg_werkplekduaal__agreements: rule failed, e.g. [['OVK25000179', '85073003328', "
        "'62.10.13-753.35', '0249997011', 'BE96751080315027', 'BE06 2009 8032 9511']]"
    )
    assert redact(text) == (
        "stg_werkplekduaal__agreements: rule failed, e.g. [['OVK25000179', '<INSZ>', "
        "'<INSZ>', '0249997011', '<IBAN>', '<IBAN>']]"
    )
    assert redact("run R20261128T063000-1a2b3c: 272 decisions") == (
        "run R20261128T063000-1a2b3c: 272 decisions"
    )
    # the time and the random part of a run id can form eleven digits in INSZ shape
    assert redact("duaal run R20261201T115728-01234c completed") == (
        "duaal run R20261201T115728-01234c completed"
    )
    assert redact("INSZ 85073003328.") == "INSZ <INSZ>."


def test_a_database_shared_with_the_group_is_0640_in_a_set_group_id_folder(tmp_path, lax_umask):
    db = tmp_path / "shared" / "duaal.duckdb"
    con = connect(db, share_group=OWN_GROUP)
    try:
        con.execute("CREATE TABLE t AS SELECT 'x' AS insz")
        wal = db.with_name(db.name + ".wal")
        assert mode(wal) == 0o640 and wal.stat().st_gid == grp.getgrnam(OWN_GROUP).gr_gid
    finally:
        con.close()
    assert mode(db.parent) == 0o2750 and mode(db) == 0o640
