"""A workbook's content key: what it shows, so that a run writes only what changed.

The key of a workbook is the SHA-256 of everything it prints except the run's id and clock
times: the rows it is given (in their order), its configuration (the rule configuration's
hash: its labels, amounts and parameters come from it), its school year, office and path,
the run's as_of where the workbook shows it, and the code version (the package's version
and commit, the source of this package, XlsxWriter's version). The planner
(duaal/workbooks/writer.py) computes the key of each workbook from the inputs of its
writer, before writing; the manifest of the reports folder (`inhoud.json`) keeps the key
beside the workbook. A workbook whose key and bytes are those the manifest holds is kept
as it is, listed as kept by the run, and still says the run that wrote it (its run id, as
the manifest does).

Run ids anywhere in the inputs (the run compared with in the "Wijzigingen" sheets) are left
out like the run's own: a kept workbook is the writing run's, and says so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from duaal.version import code_version
from duaal.workbooks.data import RunInfo

RUN_ID = re.compile(r"R\d{8}T\d{6}-[0-9a-f]{6}")
# Every workbook prints the run's as_of (its Toelichting's "Peildatum"), so it is part of
# every key: a run with another as_of writes every workbook again. A workbook that no longer
# shows it leaves it out here, and is then kept across days while its rows do not change.
AS_OF_SHOWN = {"premies": True, "federatie": True, "conformiteit": True}
_CHUNK = 2048  # rows hashed per update


@cache
def code_key() -> str:
    """The code that writes workbooks: duaal's version, this package's source, XlsxWriter."""
    h = hashlib.sha256(f"{code_version()}|{metadata.version('XlsxWriter')}".encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def shown_of_run(run: RunInfo, kind: str) -> tuple[object, ...]:
    """What a workbook prints of its run besides the run id and times."""
    as_of = run.as_of if AS_OF_SHOWN.get(kind, True) else None
    return ("run", as_of, run.rule_config_hash, run.code_version)


def content_key(kind: str, run: RunInfo, *inputs: object) -> str:
    """The key of one workbook: its kind, what it shows of the run, and its inputs."""
    h = hashlib.sha256(code_key().encode())
    h.update(kind.encode())
    _feed(h, shown_of_run(run, kind), kind)
    for value in inputs:
        _feed(h, value, kind)
    return h.hexdigest()


def _feed(h: Any, value: object, kind: str) -> None:
    """Hash a value in a canonical text form, run ids masked; rows by the chunk."""
    if isinstance(value, RunInfo):
        value = shown_of_run(value, kind)
    if isinstance(value, list | tuple) and value and isinstance(value[0], dict):
        h.update(f"rows{len(value)}[".encode())
        for start in range(0, len(value), _CHUNK):
            text = "\n".join(repr(tuple(row.items())) for row in value[start : start + _CHUNK])
            h.update(RUN_ID.sub("<run>", text).encode())
        h.update(b"]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__name__.encode() + b"(")
        for f in dataclasses.fields(value):
            h.update(f.name.encode() + b"=")
            _feed(h, getattr(value, f.name), kind)
        h.update(b")")
    elif isinstance(value, dict):
        _feed_items(h, ((repr(k), v) for k, v in value.items()), b"{", kind)
    elif isinstance(value, list | tuple):
        _feed_items(h, ((str(i), v) for i, v in enumerate(value)), b"[", kind)
    elif isinstance(value, set | frozenset):
        h.update(repr(sorted(map(repr, value))).encode())
    elif isinstance(value, str | int | float | bool | Decimal | date | datetime | Path) or (
        value is None
    ):
        h.update(RUN_ID.sub("<run>", repr(value)).encode() + b";")
    else:  # no canonical form known: never equal to another run's (the workbook is written)
        h.update(f"{type(value).__name__}@{id(value)}".encode())


def _feed_items(h: Any, items: Iterable[tuple[str, object]], opening: bytes, kind: str) -> None:
    h.update(opening)
    for name, item in items:
        h.update(name.encode() + b":")
        _feed(h, item, kind)
    h.update(b".")
