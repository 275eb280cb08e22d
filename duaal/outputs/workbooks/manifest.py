"""What a reports folder holds: `inhoud.json`, each workbook with the run that wrote it.

A reports folder gathers the workbooks of more than one run: a run writes the school years
it reports (every year with decisions, or those of --school-year) and the conformiteit
workbooks of its as_of; what earlier runs wrote there stays. So every run that writes
workbooks updates the folder's manifest, and its summary names the workbooks that other
runs wrote. For each workbook in the folder the manifest keeps the run that wrote it, that
run's as_of (peildatum), when, and its SHA-256; a run that finds a workbook unchanged and
keeps it instead of writing it again records itself as `behouden_door` (kept by), the
writer staying the run whose bytes the file holds. `inhoudssleutel` is the workbook's content
key (duaal/outputs/workbooks/content.py): a run keeps a workbook whose key and SHA-256 it finds here.

The keys are Dutch, as everything a report reader opens: `laatste_run`, `bijgewerkt_op`,
`werkmappen` (per workbook `werkmap`, `run`, `peildatum`, `geschreven_op`, `sha256`,
`behouden_door`, `inhoudssleutel`). A workbook found in the folder that the manifest does not know (written
before the folder had one) has no run: `run` is null and `geschreven_op` its file time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from duaal.common.settings import WHAT_IF_PREFIX

MANIFEST = "inhoud.json"
NOTE = (
    "Elke werkmap in deze map, met de run die ze schreef, de peildatum van die run, wanneer "
    "en haar SHA-256. Een map bevat werkmappen van meer dan één run: een run schrijft de "
    "schooljaren die hij rapporteert en de conformiteit van zijn peildatum; wat andere runs "
    "schreven, blijft staan. 'behouden_door': de run die de werkmap ongewijzigd liet staan. "
    "'run' leeg: geschreven voor deze lijst bestond. 'inhoudssleutel': de vingerafdruk van "
    "wat de werkmap toont (buiten run-ID en tijden); een run met dezelfde sleutel behoudt haar."
)


@dataclass(frozen=True)
class Entry:
    """One workbook of a reports folder and the run whose bytes it holds."""

    workbook: str  # its path in the folder, with '/': "2024-2025/premies_2024-2025.xlsx"
    run_id: str | None  # the run that wrote it; None: unknown (before the manifest)
    as_of: date | None  # that run's as_of
    written_at: datetime | None
    sha256: str | None
    kept_by: str | None = None  # the last run that kept it as it was instead of writing it
    content_key: str | None = None  # what it shows (duaal/outputs/workbooks/content.py)

    @property
    def folder(self) -> str:
        """The workbook's folder in the reports folder: "2024-2025", "conformiteit"."""
        return self.workbook.rpartition("/")[0] or "."


@dataclass(frozen=True)
class Contents:
    """A reports folder's manifest after a run: every workbook in it."""

    run_id: str  # the run that updated it last
    entries: list[Entry]

    def others(self) -> list[Entry]:
        """The workbooks the last run neither wrote nor kept: other runs' (or unknown)."""
        return [e for e in self.entries if self.run_id not in (e.run_id, e.kept_by)]


def other_runs(reports_dir: Path, run_id: str) -> list[Entry]:
    """The workbooks of a folder's manifest that this run neither wrote nor kept."""
    return [e for e in read_manifest(reports_dir).values() if run_id not in (e.run_id, e.kept_by)]


def kept_by(reports_dir: Path, run_id: str) -> list[Entry]:
    """The workbooks this run kept as an earlier run wrote them."""
    return [e for e in read_manifest(reports_dir).values() if e.kept_by == run_id != e.run_id]


def in_place(reports_dir: Path) -> Callable[[Path, str], bool]:
    """Whether a workbook with a content key is in the folder as the manifest recorded it:
    the same key, and the file's SHA-256 the one its writer recorded (not edited since)."""
    known = read_manifest(reports_dir)

    def check(path: Path, key: str) -> bool:
        entry = known.get(_name(reports_dir, path))
        if entry is None or entry.content_key != key or entry.run_id is None:
            return False
        try:
            return sha256_of(path) == entry.sha256
        except OSError:
            return False

    return check


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _name(reports_dir: Path, path: Path) -> str:
    return path.relative_to(reports_dir).as_posix()


def workbooks_in(reports_dir: Path) -> list[Path]:
    """The workbooks in a reports folder, what-if folders (peildatum-*) left out."""
    return sorted(
        p
        for p in reports_dir.rglob("*.xlsx")
        if p.is_file()
        and not any(part.startswith(WHAT_IF_PREFIX) for part in p.relative_to(reports_dir).parts)
    )


def read_manifest(reports_dir: Path) -> dict[str, Entry]:
    """The entries of a folder's manifest by workbook; none when there is none (or it
    cannot be read: it is written again from what is in the folder)."""
    try:
        data = json.loads((reports_dir / MANIFEST).read_text(encoding="utf-8"))
        return {
            item["werkmap"]: Entry(
                workbook=item["werkmap"],
                run_id=item.get("run"),
                as_of=date.fromisoformat(item["peildatum"]) if item.get("peildatum") else None,
                written_at=datetime.fromisoformat(item["geschreven_op"])
                if item.get("geschreven_op")
                else None,
                sha256=item.get("sha256"),
                kept_by=item.get("behouden_door"),
                content_key=item.get("inhoudssleutel"),
            )
            for item in data["werkmappen"]
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def update_manifest(
    reports_dir: Path,
    run_id: str,
    as_of: date,
    written: Sequence[Path],
    kept: Sequence[Path] = (),
    now: datetime | None = None,
    keys: Mapping[Path, str] | None = None,
) -> Contents:
    """Record in the folder's manifest the workbooks this run wrote (and those it kept as
    they were); every other workbook in the folder keeps its entry (or gets one without a
    run); entries of workbooks no longer there go; keys: the content key of each workbook
    written. Written under a temporary name, then put in place."""
    now = (now or datetime.now()).replace(microsecond=0)
    known = read_manifest(reports_dir)
    mine = {_name(reports_dir, p): p for p in written}
    keeping = {_name(reports_dir, p) for p in kept}
    keyed = {_name(reports_dir, p): key for p, key in (keys or {}).items()}
    entries: list[Entry] = []
    for path in workbooks_in(reports_dir):
        name = _name(reports_dir, path)
        if name in mine:
            entries.append(Entry(name, run_id, as_of, now, sha256_of(path), None, keyed.get(name)))
            continue
        entry = known.get(name) or Entry(
            name,
            None,
            None,
            datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0),
            None,
        )
        if name in keeping:
            entry = replace(entry, kept_by=run_id)
        entries.append(entry)
    contents = Contents(run_id, entries)
    _write(reports_dir / MANIFEST, _as_json(contents, now))
    return contents


def _as_json(contents: Contents, now: datetime) -> str:
    def text(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return json.dumps(
        {
            "toelichting": NOTE,
            "laatste_run": contents.run_id,
            "bijgewerkt_op": now.isoformat(),
            "werkmappen": [
                {
                    "werkmap": e.workbook,
                    "run": e.run_id,
                    "peildatum": text(e.as_of),
                    "geschreven_op": text(e.written_at),
                    "sha256": e.sha256,
                    "behouden_door": e.kept_by,
                    "inhoudssleutel": e.content_key,
                }
                for e in contents.entries
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def _write(path: Path, text: str) -> None:
    """Write under a temporary name, then put in place: never half a manifest."""
    partial = path.with_name(path.name + ".tmp")
    try:
        partial.write_text(text + "\n", encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
