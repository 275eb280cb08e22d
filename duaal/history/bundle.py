"""Evidence bundles: `duaal audit RUN --bundle FILE.zip` and `duaal verify FILE.zip`.

A bundle is a zip an auditor can check on any machine with duaal installed, without the
database it came from:

- `inputs/<ingest table>.parquet`: every input row the run read, with its lineage
  (batch, file, sheet, row), for the four sources;
- `load_batches.parquet`: the files of those batches with the SHA-256 of each file, and
  the export date and modification time that order their versions (transforms/versions.py);
- `rule_config.toml`: the rule configuration the run used, as recorded;
- `decisions.parquet`, `findings.parquet`, `payments.parquet`, `quarantine.parquet`: the
  run's outputs (a bundle written before payments were reconciled has no
  `payments.parquet` and no payments digest: that run reconciled nothing);
- `run.json`: run id, as_of, code version, the configuration's SHA-256, the digests of
  the outputs recorded with the run;
- `manifest.json`: the SHA-256 of every other member.

`verify` checks every member against the manifest (folder entries, which `zip -r` adds when
an auditor zips an unzipped bundle again, are no members), recomputes the decisions, findings
and payment reconciliation from the bundled inputs and configuration through the audit's own
recomputation (`duaal.history.audit.recompute`), and compares the digests of the recomputation, of
the bundled outputs and of the run's record. An edited output whose manifest was updated to
match is caught by the recomputation.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from duaal.common.db import attach_read_only, completed_run
from duaal.common.digests import (
    DIGESTS,
    FINDING_ORDER,
    digest_rows,
    output_digests,
    run_tables,
)
from duaal.common.privacy import make_private_dir, open_private
from duaal.common.version import code_version
from duaal.history.audit import (
    NO_ROWS,
    UnknownRun,
    decision_differences,
    payment_differences,
    recompute,
    recorded_digests,
    stored_tables,
)
from transforms.schema import ensure_schema
from transforms.sources import SOURCES
from transforms.versions import quarantine_in_effect

BUNDLE_FORMAT = 1
MANIFEST = "manifest.json"
QUARANTINE_COLUMNS = "source, file_name, row_number, reason, detail"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_private(out: Path, data: bytes, share_group: str = "") -> Path:
    """Write a file holding personal data (bundles): the one place they are written,
    readable by its owner only, or by share_group."""
    make_private_dir(out.parent, share_group)
    with open_private(out, "wb", group=share_group) as fh:
        fh.write(data)
    return out


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip of the members in name order, with a fixed time stamp."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, members[name])
    return buffer.getvalue()


def write_bundle(
    db: Path, run_id: str, out: Path, *, timeout_s: float = 60.0, share_group: str = ""
) -> dict[str, str]:
    """Write the evidence bundle of a completed run; returns the manifest (member: SHA-256)."""
    con = attach_read_only(db, timeout_s=timeout_s)
    try:
        run = completed_run(
            con, run_id, UnknownRun, table="src.runs", where=str(db), otherwise="no evidence"
        )
        ensure_schema(con)  # the stand-ins of run tables an older database lacks
        stored = stored_tables(con)
        rid = "'" + run_id.replace("'", "''") + "'"
        batches = f"(SELECT batch_id FROM src.run_batches WHERE run_id = {rid})"
        queries = {
            f"inputs/{s.table}.parquet": f"SELECT * FROM src.{s.table} WHERE batch_id IN "
            f"{batches} ORDER BY batch_id, row_number"
            for s in SOURCES
        }
        queries |= {
            "load_batches.parquet": f"SELECT * FROM src.load_batches WHERE batch_id IN {batches} "
            "ORDER BY batch_id",
            "decisions.parquet": f"SELECT * FROM {stored['decisions']} WHERE run_id = {rid} "
            "ORDER BY school_year, company_kbo, learner_insz",
            "findings.parquet": f"SELECT * FROM {stored['findings']} WHERE run_id = {rid} "
            f"ORDER BY {' NULLS FIRST, '.join(FINDING_ORDER)} NULLS FIRST",
            "payments.parquet": f"SELECT * FROM {stored['payments']} WHERE run_id = {rid} "
            "ORDER BY school_year, company_kbo, learner_insz",
            "quarantine.parquet": f"SELECT * FROM src.quarantine WHERE batch_id IN {batches} "
            f"ORDER BY {QUARANTINE_COLUMNS}",
        }
        members: dict[str, bytes] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for name, sql in queries.items():
                path = Path(tmp) / name.replace("/", "__")
                con.execute(f"COPY ({sql}) TO {_literal(path)} (FORMAT parquet)")
                members[name] = path.read_bytes()
        files = con.execute(
            f"SELECT source, file_name, sha256, status FROM src.load_batches WHERE batch_id IN "
            f"{batches} ORDER BY batch_id"
        ).fetchall()
    finally:
        con.close()
    members["rule_config.toml"] = run["rule_config"].encode("utf-8")
    record = {
        "bundle_format": BUNDLE_FORMAT,
        "run_id": run["run_id"],
        "as_of": run["as_of"].isoformat(),
        "rule_config_sha256": run["rule_config_hash"],
        "code_version": run["code_version"],
        "started_at": str(run["started_at"]),
        "finished_at": str(run["finished_at"]),
        "row_counts": json.loads(run["row_counts"]) if run["row_counts"] else None,
        "digests": recorded_digests(run),
        "input_files": [
            {"source": s, "file": f, "sha256": h, "status": st} for s, f, h, st in files
        ],
    }
    members["run.json"] = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()
    manifest = {name: _sha256(data) for name, data in sorted(members.items())}
    members[MANIFEST] = (json.dumps(manifest, indent=2) + "\n").encode()
    write_private(out, _zip_bytes(members), share_group)
    return manifest


@dataclass
class VerifyResult:
    run_id: str = ""
    as_of: date | None = None
    bundle_code_version: str = ""
    recorded: dict[str, str] = field(default_factory=dict)
    recomputed: dict[str, str] = field(default_factory=dict)
    bundled: dict[str, str] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def verify_bundle(path: Path) -> VerifyResult:
    """Check a bundle: its manifest, then a recomputation from its inputs (no database)."""
    result = VerifyResult()
    if not path.is_file():
        raise FileNotFoundError(f"no bundle at {path}")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path} is not a zip file: {exc}") from exc
    with zf, tempfile.TemporaryDirectory() as tmp:
        # a bundle unzipped and zipped again (`zip -r`) gains an entry per folder: no evidence,
        # so skipped; a folder entry that holds bytes is not one, and is named as a member
        names = {i.filename for i in zf.infolist() if not (i.is_dir() and i.file_size == 0)}
        if MANIFEST not in names:
            result.differences.append(f"{MANIFEST} is missing from the bundle")
            return result
        try:
            manifest = json.loads(zf.read(MANIFEST))
        except ValueError as exc:
            result.differences.append(f"{MANIFEST} cannot be read: {exc}")
            return result
        data: dict[str, bytes] = {}
        for name in sorted(names - {MANIFEST}):
            data[name] = zf.read(name)
            if name not in manifest:
                result.differences.append(f"{name}: in the bundle but not in the manifest")
            elif _sha256(data[name]) != manifest[name]:
                result.differences.append(
                    f"{name}: SHA-256 {_sha256(data[name])} differs from the manifest's "
                    f"{manifest[name]} (the file was changed)"
                )
        for name in sorted(set(manifest) - names):
            result.differences.append(f"{name}: in the manifest but missing from the bundle")
        needed = {"run.json", "rule_config.toml", "decisions.parquet", "findings.parquet"}
        needed |= {"quarantine.parquet", "load_batches.parquet"}
        needed |= {f"inputs/{s.table}.parquet" for s in SOURCES}
        if _missing(needed, data, manifest, result):
            return result
        try:
            record = json.loads(data["run.json"])
        except ValueError as exc:
            result.differences.append(f"run.json cannot be read: {exc}")
            return result
        result.run_id = record["run_id"]
        result.as_of = date.fromisoformat(record["as_of"])
        result.bundle_code_version = record.get("code_version") or ""
        # a bundle of a run recorded before payments were reconciled has no payments digest
        # and no payments.parquet; one that has the digest needs the member
        result.recorded = {"payments": NO_ROWS} | dict(record["digests"])
        if "payments" in record["digests"] and _missing(
            {"payments.parquet"}, data, manifest, result
        ):
            return result
        config_text = data["rule_config.toml"].decode("utf-8")
        if _sha256(data["rule_config.toml"]) != record["rule_config_sha256"]:
            result.differences.append(
                "rule_config.toml: its SHA-256 differs from the configuration the run recorded"
            )
        for name, content in data.items():
            target = Path(tmp) / name.replace("/", "__")
            target.write_bytes(content)
        try:
            _recompute_from_files(Path(tmp), result, config_text)
        except duckdb.Error as exc:
            result.differences.append(f"the bundle's tables cannot be read: {exc}")
    return result


def _missing(
    needed: set[str], data: dict[str, bytes], manifest: dict[str, str], result: VerifyResult
) -> bool:
    """Whether a needed member is missing; each one is a difference (the manifest check
    already named those the manifest lists)."""
    missing = sorted(needed - set(data))
    for name in missing:
        if name not in manifest:
            result.differences.append(f"{name}: missing from the bundle and from the manifest")
    return bool(missing)


def _recompute_from_files(folder: Path, result: VerifyResult, config_text: str) -> None:
    """Load the bundled inputs, recompute as `duaal audit` does, and compare the digests."""

    def parquet(name: str) -> str:
        return f"read_parquet({_literal(folder / name.replace('/', '__'))})"

    con = duckdb.connect()
    try:
        ensure_schema(con)
        # the batches order the versions of a key across files, as in the run
        con.execute(
            f"INSERT INTO load_batches BY NAME SELECT * FROM {parquet('load_batches.parquet')}"
        )
        for source in SOURCES:
            con.execute(
                f"INSERT INTO {source.table} BY NAME "
                f"SELECT * FROM {parquet(f'inputs/{source.table}.parquet')}"
            )
        # a quarantined newer row is named in the decisions that use the older one
        con.execute(f"INSERT INTO quarantine BY NAME SELECT * FROM {parquet('quarantine.parquet')}")
        result.recomputed = recompute(con, config_text, result.as_of)
        # the run's digest is of the quarantine in effect: the bundle holds every load's rows
        quarantine = con.execute(
            f"SELECT {QUARANTINE_COLUMNS} FROM {quarantine_in_effect()} ORDER BY ALL"
        ).fetchall()
        result.recomputed["quarantine"] = digest_rows(quarantine)
        # the bundled outputs, where the audit reads the stored rows of the run
        con.execute("CREATE SCHEMA src")
        for kind, table in run_tables().items():
            # no payments.parquet: none stored, the empty run_payments of ensure_schema stands in
            if (folder / f"{kind}.parquet").exists():
                con.execute(
                    f"CREATE TABLE src.{table} AS SELECT * FROM {parquet(f'{kind}.parquet')}"
                )
        result.bundled = output_digests(
            con, stored_tables(con), "WHERE run_id = ?", [result.run_id]
        )
        result.bundled["quarantine"] = result.recomputed["quarantine"]
        for name in DIGESTS:
            recorded = result.recorded.get(name)
            # the quarantine comes from reading the files, which a bundle does not hold:
            # its rows are checked against the record, not recomputed
            if name != "quarantine" and result.recomputed[name] != recorded:
                result.differences.append(
                    f"{name}: recomputed from the bundled inputs {result.recomputed[name]}, "
                    f"recorded with the run {recorded}"
                )
            if result.bundled[name] != recorded:
                result.differences.append(
                    f"{name}: the bundled {name}.parquet has digest {result.bundled[name]}, "
                    f"recorded with the run {recorded}"
                )
        for line in decision_differences(con, result.run_id):
            result.differences.append(f"decision differs: {line}")
        for line in payment_differences(con, result.run_id):
            result.differences.append(f"payment differs: {line}")
    finally:
        con.close()


def this_code_version() -> str:
    """The code version of the duaal that verifies."""
    return code_version()
