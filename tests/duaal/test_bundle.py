"""Evidence bundles: `duaal audit RUN --bundle FILE.zip` and `duaal verify FILE.zip`."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from cli.main import main
from duaal.common.db import connect
from duaal.common.digests import OUTPUTS, digest_rows
from duaal.common.settings import load_settings
from duaal.history.bundle import verify_bundle, write_bundle
from duaal.run.pipeline import (
    execute,
    finish_run,
    record_stage,
    rules_stage,
    start_run,
)
from sample.generate import generate
from tests.builders import add_premium_paid, rule_config
from tests.duaal.test_explain import AS_OF, LEARNERS, _inputs
from transforms.rule_config import RuleConfig, parse_rule_config
from transforms.sources import SOURCES


def _recorded_run(db, config: RuleConfig) -> str:
    """A completed run over the pairs of every outcome, with one paid premium, in db."""
    con = connect(db)
    # the batch of every input row (tests.builders.add_batch leaves it as it is)
    con.execute(
        "INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name, "
        "status, reason, rows_read, rows_accepted, rows_quarantined, rows_blank, loaded_at) "
        "VALUES (1, 'overeenkomsten', 'x.xlsx', 'x.xlsx', 'abc', 'Blad1', 'loaded', NULL, "
        "0, 0, 0, 0, now())"
    )
    _inputs(con)
    add_premium_paid(
        con,
        learner_insz=LEARNERS["eligible"],
        school_year="2023-2024",
        kind="premie",
        amount_eur=600,
    )
    run_id = start_run(con, config, AS_OF)
    rules_stage(con, config, AS_OF)
    record_stage(con, run_id)
    finish_run(con, run_id, "completed")
    con.close()
    return run_id


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A run over the pairs of every outcome, its bundle, and the database removed."""
    base = tmp_path_factory.mktemp("bundle")
    db = base / "duaal.duckdb"
    run_id = _recorded_run(db, rule_config())
    out = base / "evidence" / "bundle.zip"
    manifest = write_bundle(db, run_id, out)
    db.unlink()  # the auditor's machine has no database
    return out, run_id, manifest


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rewrite(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_bundle_holds_inputs_configuration_outputs_and_a_manifest(bundle):
    path, run_id, manifest = bundle
    members = _members(path)
    expected = {f"inputs/{s.table}.parquet" for s in SOURCES} | {
        "load_batches.parquet",
        "rule_config.toml",
        "decisions.parquet",
        "findings.parquet",
        "payments.parquet",
        "quarantine.parquet",
        "run.json",
    }
    assert set(manifest) == expected and set(members) == expected | {"manifest.json"}
    assert json.loads(members["manifest.json"]) == {
        n: hashlib.sha256(members[n]).hexdigest() for n in sorted(expected)
    }
    record = json.loads(members["run.json"])
    assert record["run_id"] == run_id and record["as_of"] == "2025-09-15"
    assert record["input_files"] == [
        {"source": "overeenkomsten", "file": "x.xlsx", "sha256": "abc", "status": "loaded"}
    ]
    assert record["code_version"] and set(record["digests"]) == {
        "decisions",
        "findings",
        "payments",
        "quarantine",
    }
    assert members["rule_config.toml"].decode() == rule_config().text


def test_bundle_verifies_without_the_database(bundle, capsys):
    path, run_id, _ = bundle
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"run {run_id} (as_of 2025-09-15)\n")
    assert "  decisions   identical" in out and out.endswith("verify: identical\n")


def test_one_changed_byte_is_caught(bundle, tmp_path, capsys):
    path, _, manifest = bundle
    members = _members(path)
    config = members["rule_config.toml"]
    members["rule_config.toml"] = config.replace(b'version = "2026.2"', b'version = "2026.3"')
    assert members["rule_config.toml"] != config
    changed = tmp_path / "changed.zip"
    _rewrite(changed, members)
    assert main(["verify", str(changed)]) == 1
    out = capsys.readouterr().out
    assert (
        f"rule_config.toml: SHA-256 {hashlib.sha256(members['rule_config.toml']).hexdigest()} "
        f"differs from the manifest's {manifest['rule_config.toml']} (the file was changed)"
    ) in out


def test_an_edited_output_with_a_matching_manifest_fails_the_recomputation(bundle, tmp_path):
    path, run_id, _ = bundle
    members = _members(path)
    edited = tmp_path / "decisions.parquet"
    edited.write_bytes(members["decisions.parquet"])
    con = duckdb.connect()
    con.execute(f"CREATE TABLE d AS SELECT * FROM read_parquet('{edited}')")
    con.execute("UPDATE d SET amount_eur = 1400 WHERE learner_insz = ?", [LEARNERS["eligible"]])
    forged = tmp_path / "forged.parquet"
    con.execute(f"COPY (SELECT * FROM d ORDER BY ALL) TO '{forged}' (FORMAT parquet)")
    from transforms.schema import DECISION_COLUMNS

    cols = ", ".join(n for n, _ in DECISION_COLUMNS)
    digest = digest_rows(
        con.execute(
            f"SELECT {cols} FROM d ORDER BY school_year, company_kbo, learner_insz"
        ).fetchall()
    )
    con.close()
    # the forger updates the record and the manifest to match the edited decisions
    members["decisions.parquet"] = forged.read_bytes()
    record = json.loads(members["run.json"])
    record["digests"]["decisions"] = digest
    members["run.json"] = json.dumps(record).encode()
    manifest = {
        n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "manifest.json"
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    forged_zip = tmp_path / "forged.zip"
    _rewrite(forged_zip, members)

    result = verify_bundle(forged_zip)
    assert not result.ok
    assert not [d for d in result.differences if "manifest" in d], "the manifest matches"
    assert result.bundled["decisions"] == digest == result.recorded["decisions"]
    assert result.recomputed["decisions"] != digest
    assert result.differences == [
        f"decisions: recomputed from the bundled inputs {result.recomputed['decisions']}, "
        f"recorded with the run {digest}",
        f"decision differs: 2024-2025 company 0403170701 learner {LEARNERS['eligible']}: "
        "amount_eur recomputed 1000, stored 1400",
    ]


def _with_manifest(members: dict[str, bytes]) -> dict[str, bytes]:
    """The members with a manifest that matches them, as a forger would write it."""
    members = {n: d for n, d in members.items() if n != "manifest.json"}
    manifest = {n: hashlib.sha256(d).hexdigest() for n, d in members.items()}
    return members | {"manifest.json": json.dumps(manifest).encode()}


def test_an_edited_payment_with_a_matching_record_fails_the_recomputation(bundle, tmp_path):
    path, run_id, _ = bundle
    members = _members(path)
    edited = tmp_path / "payments.parquet"
    edited.write_bytes(members["payments.parquet"])
    con = duckdb.connect()
    con.execute(f"CREATE TABLE p AS SELECT * FROM read_parquet('{edited}')")
    earlier = "FROM p WHERE school_year = '2023-2024'"
    assert con.execute(f"SELECT status, paid_eur {earlier}").fetchall() == [
        ("no_decision", Decimal("600.00"))
    ], "the history's premie of a year without a decision"
    con.execute("UPDATE p SET status = 'paid' WHERE school_year = '2023-2024'")
    forged = tmp_path / "forged.parquet"
    con.execute(f"COPY (SELECT * FROM p) TO '{forged}' (FORMAT parquet)")
    cols = OUTPUTS["payments"].digested  # the columns a digest reads
    key = "school_year, company_kbo, learner_insz"
    digest = digest_rows(con.execute(f"SELECT {cols} FROM p ORDER BY {key}").fetchall())
    con.close()
    members["payments.parquet"] = forged.read_bytes()
    record = json.loads(members["run.json"])
    record["digests"]["payments"] = digest
    members["run.json"] = json.dumps(record).encode()
    _rewrite(tmp_path / "forged.zip", _with_manifest(members))

    result = verify_bundle(tmp_path / "forged.zip")
    assert result.bundled["payments"] == digest == result.recorded["payments"]
    learner = LEARNERS["eligible"]
    assert result.differences == [
        f"payments: recomputed from the bundled inputs {result.recomputed['payments']}, "
        f"recorded with the run {digest}",
        f"payment differs: 2023-2024 company 0403170701 learner {learner}: "
        "status recomputed 'no_decision', stored 'paid'",
    ]


def test_a_bundle_written_before_payments_were_reconciled_verifies(tmp_path):
    """An older duaal wrote no payments.parquet and no payments digest; the configuration
    its run recorded has no payment_expected_months, so the recomputation reconciles none."""
    text = rule_config().text.replace("payment_expected_months = 6 ", "# ")
    run_id = _recorded_run(tmp_path / "duaal.duckdb", parse_rule_config(text))
    write_bundle(tmp_path / "duaal.duckdb", run_id, tmp_path / "new.zip")
    members = _members(tmp_path / "new.zip")
    del members["payments.parquet"]
    record = json.loads(members["run.json"])
    assert record["digests"].pop("payments") == digest_rows([])
    members["run.json"] = json.dumps(record).encode()
    _rewrite(tmp_path / "older.zip", _with_manifest(members))
    result = verify_bundle(tmp_path / "older.zip")
    assert result.ok, result.differences
    assert result.recorded["payments"] == result.recomputed["payments"] == digest_rows([])


@pytest.mark.parametrize("member", ["payments.parquet", "decisions.parquet"])
def test_a_member_removed_with_its_manifest_line_is_named(bundle, tmp_path, member):
    path, _, _ = bundle
    members = _members(path)
    del members[member]
    _rewrite(tmp_path / "stripped.zip", _with_manifest(members))
    result = verify_bundle(tmp_path / "stripped.zip")
    assert result.differences == [f"{member}: missing from the bundle and from the manifest"]


def test_a_missing_member_and_a_non_zip_are_named(bundle, tmp_path, capsys):
    path, _, _ = bundle
    members = _members(path)
    del members["inputs/ingest_dimona.parquet"]
    partial = tmp_path / "partial.zip"
    _rewrite(partial, members)
    assert main(["verify", str(partial)]) == 1
    out = capsys.readouterr().out
    assert "inputs/ingest_dimona.parquet: in the manifest but missing from the bundle" in out
    not_zip = tmp_path / "bundle.zip"
    not_zip.write_text("hello")
    assert main(["verify", str(not_zip)]) == 1
    assert "is not a zip file" in capsys.readouterr().err


def _zip_again(path, members: dict[str, bytes], folder_bytes: bytes = b"") -> None:
    """What `unzip` then `zip -r` writes: an entry for every folder before its files."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        if folder_bytes:
            zf.writestr("inputs/", folder_bytes)
        else:
            zf.mkdir("inputs")
        for name, data in sorted(members.items(), key=lambda m: ("/" not in m[0], m[0])):
            zf.writestr(name, data)


def test_an_untouched_bundle_zipped_again_verifies(bundle, tmp_path, capsys):
    path, run_id, _ = bundle
    again = tmp_path / "again.zip"
    _zip_again(again, _members(path))
    with zipfile.ZipFile(again) as zf:
        assert zf.namelist()[0] == "inputs/" and zf.getinfo("inputs/").is_dir()
    assert main(["verify", str(again)]) == 0
    assert capsys.readouterr().out.endswith("verify: identical\n")


def test_a_bundle_zipped_again_with_anything_else_fails(bundle, tmp_path, capsys):
    path, _, _ = bundle
    members = _members(path) | {".DS_Store": b"\x00\x00\x00\x01Bud1"}
    extra = tmp_path / "extra.zip"
    _zip_again(extra, members)
    assert verify_bundle(extra).differences == [".DS_Store: in the bundle but not in the manifest"]
    folder_with_bytes = tmp_path / "folder.zip"
    _zip_again(folder_with_bytes, _members(path), folder_bytes=b"not a folder")
    assert verify_bundle(folder_with_bytes).differences == [
        "inputs/: in the bundle but not in the manifest"
    ]


def test_audit_writes_the_bundle_of_a_real_run(tmp_path, capsys):
    generate(tmp_path / "raw", agreements=80, seed=5, as_of=date(2026, 11, 28))
    settings = load_settings(
        raw=tmp_path / "raw",
        db=tmp_path / "duaal.duckdb",
        reports=tmp_path / "r",
        as_of=date(2026, 11, 28),
    )
    summary = execute(settings, with_reports=False)
    out = tmp_path / "evidence.zip"
    code = main(["audit", summary.run_id, "--db", str(settings.db), "--bundle", str(out)])
    assert code == 0
    assert f"bundle: {out} (11 members and manifest.json)" in capsys.readouterr().out
    assert oct(out.stat().st_mode & 0o777) == "0o600", "the evidence holds personal data"
    moved = tmp_path / "elsewhere" / "evidence.zip"
    moved.parent.mkdir()
    shutil.move(out, moved)
    settings.db.unlink()
    result = verify_bundle(moved)
    assert result.ok, result.differences
    assert result.recorded == summary.digests
