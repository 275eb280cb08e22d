"""A workbook's content key: what it shows, so that a run writes only what changed.

The key of a workbook is the SHA-256 of everything it prints except the run's id and clock
times: the rows it is given (in their order), its configuration (the rule configuration's
hash: its labels, amounts and parameters come from it), its school year, office and path,
the run's as_of where the workbook shows it, and the code version (the package's version
and commit, the source of this package, XlsxWriter's version). The planner
(duaal/outputs/workbooks/writer.py) computes the key of each workbook from the inputs of its
writer, before writing; the manifest of the reports folder (`inhoud.json`) keeps the key
beside the workbook. A workbook whose key and bytes are those the manifest holds is kept
as it is, listed as kept by the run, and still says the run that wrote it (its run id, as
the manifest does).

Run ids anywhere in the inputs (the run compared with in the "Wijzigingen" sheets) are left
out like the run's own: a kept workbook is the writing run's, and says so.

Which workbooks show the run's as_of: those of a running school year and the conformiteit
workbooks. A final school year's premies and federatie workbooks (its 31 August on or
before the as_of) show none (their Leeswijzer says "Stand: Definitief"), and the planner
gives them only what they show: that year's and the earlier years' shares, the files with
rows for those years, the changed rows without the line naming the run compared with. Their
key is made with `final=True` and holds no as_of, so they are kept across days while what
they show does not change; on the day a year becomes final its key changes (it no longer
holds the as_of), and its workbooks are written again without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from duaal.common.version import code_version
from duaal.outputs.workbooks.data import RunInfo

RUN_ID = re.compile(r"R\d{8}T\d{6}-[0-9a-f]{6}")
_CHUNK = 2048  # rows hashed per update
# values whose repr is their canonical text (a subclass may not be: it goes the long way)
_PLAIN = frozenset({str, int, float, bool, Decimal, date, datetime})
_PLAIN_OR_NONE = _PLAIN | {type(None)}
G = TypeVar("G")


@cache
def code_key() -> str:
    """The code that writes workbooks: duaal's version, this package's source, XlsxWriter."""
    h = hashlib.sha256(f"{code_version()}|{metadata.version('XlsxWriter')}".encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def shown_of_run(run: RunInfo, final: bool = False) -> tuple[object, ...]:
    """What a workbook prints of its run besides the run id and times: the as_of, except
    in a final school year's workbook (final), the rule configuration and code version."""
    as_of = None if final else run.as_of
    return ("run", final, as_of, run.rule_config_hash, run.code_version)


class Keys:
    """The content keys of one run's workbooks: a list of rows that more than one workbook
    shows (a school year's decisions, the findings) is hashed once."""

    def __init__(self, run: RunInfo) -> None:
        self.run = run
        self._rows: dict[int, tuple[object, str]] = {}  # id of a list: (the list, its digest)

    def key(self, kind: str, *inputs: object, final: bool = False) -> str:
        """The key of one workbook: its kind, what it shows of the run (final: a final
        school year's workbook, which shows no as_of), and its inputs."""
        h = hashlib.sha256(code_key().encode())
        h.update(kind.encode())
        _feed(h, shown_of_run(self.run, final), final, self)
        for value in inputs:
            _feed(h, value, final, self)
        return h.hexdigest()

    def rows_digest(self, rows: list[dict[str, object]] | tuple[dict[str, object], ...]) -> str:
        """The SHA-256 of rows (dicts of one query: its columns once, then each row's
        values in order, a line each), run ids masked; once per list."""
        return self._known(rows) or self.split(rows)[1]

    def split(
        self,
        rows: list[dict[str, object]] | tuple[dict[str, object], ...],
        group: Callable[[dict[str, object]], G] | None = None,
    ) -> tuple[dict[G, list[dict[str, object]]], str]:
        """The rows in groups by `group` (each in the rows' order) and the digest of the
        rows; each group's list gets its digest (rows_digest) in the same pass, from the
        text of each row made once. A group's digest is that of a list of its rows."""
        groups: dict[G, list[dict[str, object]]] = {}
        if not rows:
            return groups, self._remember(rows, hashlib.sha256(), 0)
        columns = rows[0].keys()
        head = repr(tuple(columns)).encode()
        whole = hashlib.sha256(head)
        hashers: dict[G, Any] = {}
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            # a row's repr holds no line break (repr escapes them): a line per row
            text = RUN_ID.sub(
                "<run>",
                "\n".join(
                    repr(tuple(row.values())) if row.keys() == columns else repr(tuple(row.items()))
                    for row in chunk
                ),
            )
            whole.update(text.encode() + b"\n")
            if group is None:
                continue
            lines: dict[G, list[str]] = {}
            for row, line in zip(chunk, text.split("\n"), strict=True):
                name = group(row)
                groups.setdefault(name, []).append(row)
                lines.setdefault(name, []).append(line)
            for name, some in lines.items():
                if name not in hashers:
                    hashers[name] = hashlib.sha256(head)
                hashers[name].update("\n".join(some).encode() + b"\n")
        for name, some_rows in groups.items():
            self._remember(some_rows, hashers[name], len(some_rows))
        return groups, self._remember(rows, whole, len(rows))

    def _known(self, rows: object) -> str | None:
        """The digest this run already made of this very list, if any."""
        known = self._rows.get(id(rows))
        return known[1] if known is not None and known[0] is rows else None

    def _remember(self, rows: object, h: Any, count: int, kind: str = "rows") -> str:
        digest = f"{kind}{count}:{h.hexdigest()}"
        self._rows[id(rows)] = (rows, digest)
        return digest

    def tuples_digest(self, rows: list[tuple[object, ...]] | tuple[tuple[object, ...], ...]) -> str:
        """The SHA-256 of rows of plain values (a sheet's rows as tuples), a line each, run
        ids masked; once per list."""
        known = self._known(rows)
        if known is not None:
            return known
        h = hashlib.sha256()
        for start in range(0, len(rows), _CHUNK):
            text = "\n".join(map(repr, rows[start : start + _CHUNK]))
            h.update(RUN_ID.sub("<run>", text).encode() + b"\n")
        return self._remember(rows, h, len(rows), "tuples")


def content_key(kind: str, run: RunInfo, *inputs: object, final: bool = False) -> str:
    """The key of one workbook (Keys(run).key, for a single workbook)."""
    return Keys(run).key(kind, *inputs, final=final)


def _feed(h: Any, value: object, final: bool, keys: Keys) -> None:
    """Hash a value in a canonical text form, run ids masked; rows by their digest."""
    if value.__class__ in _PLAIN or value is None:
        h.update(RUN_ID.sub("<run>", repr(value)).encode() + b";")
        return
    if isinstance(value, RunInfo):
        value = shown_of_run(value, final)
    if isinstance(value, list | tuple) and value and isinstance(value[0], dict):
        h.update(keys.rows_digest(value).encode())  # type: ignore[arg-type]
    elif isinstance(value, list | tuple) and value and _plain_rows(value):
        h.update(keys.tuples_digest(value).encode())  # type: ignore[arg-type]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__name__.encode() + b"(")
        for f in dataclasses.fields(value):
            h.update(f.name.encode() + b"=")
            _feed(h, getattr(value, f.name), final, keys)
        h.update(b")")
    elif isinstance(value, dict):
        _feed_items(h, ((repr(k), v) for k, v in value.items()), b"{", final, keys)
    elif isinstance(value, list | tuple):
        _feed_items(h, ((str(i), v) for i, v in enumerate(value)), b"[", final, keys)
    elif isinstance(value, set | frozenset):
        h.update(repr(sorted(map(repr, value))).encode())
    elif isinstance(value, str | int | float | bool | Decimal | date | datetime | Path):
        h.update(RUN_ID.sub("<run>", repr(value)).encode() + b";")
    else:  # no canonical form known: never equal to another run's (the workbook is written)
        h.update(f"{type(value).__name__}@{id(value)}".encode())


def _plain_rows(value: list[Any] | tuple[Any, ...]) -> bool:
    """Whether every item is a tuple of plain values (whose repr is their canonical form)."""
    return (
        all(row.__class__ is tuple for row in value)
        and {cell.__class__ for row in value for cell in row} <= _PLAIN_OR_NONE
    )


def _feed_items(
    h: Any, items: Iterable[tuple[str, object]], opening: bytes, final: bool, keys: Keys
) -> None:
    h.update(opening)
    for name, item in items:
        h.update(name.encode() + b":")
        _feed(h, item, final, keys)
    h.update(b".")
