"""Who may read what duaal writes.

Everything that holds personal data (the database and its WAL, the office, compliance and
premies workbooks, the CSV exports, evidence bundles, the quarantine export) is created
readable by its owner only (files 0600, folders 0700), or, when the setting `share_group`
names a group, by that group too (files 0640, folders 2750: the set-group-id bit makes
files created inside inherit the group). Nobody else gets a read bit. Federation
workbooks and Data Docs hold no personal data and may be written readable by all.

The mode is set when a file is created, never widened afterwards:
- files duaal writes itself: `open_private(path, "w", group=...)`, which creates the file
  0600 and only then hands it to the group;
- files a library creates (DuckDB's database and WAL, openpyxl or XlsxWriter workbooks,
  Great Expectations' Data Docs): a umask. `restrict_umask(group)` sets it for the whole
  process, as `duaal.common.db.connect` does before it opens a database for writing (DuckDB
  creates the WAL at any later write, so the umask must stay); `private_files(group)` sets
  it around a block; `public_files()` lifts it around a block that writes public outputs.
"""

from __future__ import annotations

import grp
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE_MODE = 0o600
SHARED_FILE_MODE = 0o640
PRIVATE_DIR_MODE = 0o700
SHARED_DIR_MODE = 0o2750  # set-group-id: files created inside get the folder's group
PRIVATE_UMASK = 0o077
SHARED_UMASK = 0o027
PUBLIC_UMASK = 0o022


def group_id(group: str) -> int:
    """The id of the group named by the setting `share_group`."""
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise ValueError(f"share_group {group!r}: no such group on this machine") from None


def umask_for(group: str = "") -> int:
    """The umask under which new files are private (or shared with the group only)."""
    return SHARED_UMASK if group else PRIVATE_UMASK


def restrict_umask(group: str = "") -> None:
    """From now on, everything this process creates is private (or shared with the group)."""
    if group:
        group_id(group)  # an unknown group is an error before anything is written
    os.umask(umask_for(group))


@contextmanager
def private_files(group: str = "") -> Iterator[None]:
    """Files and folders created inside the block are private (or shared with the group)."""
    if group:
        group_id(group)
    old = os.umask(umask_for(group))
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def public_files() -> Iterator[None]:
    """Files created inside the block may be read by all (only for outputs without
    personal data: federation workbooks, Data Docs)."""
    old = os.umask(PUBLIC_UMASK)
    try:
        yield
    finally:
        os.umask(old)


def make_private_dir(path: Path, group: str = "") -> Path:
    """Create the folder (and missing parents) readable by the owner only, or by the
    group; folders that exist already are left as they are."""
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    gid = group_id(group) if group else None
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        if gid is not None:  # still empty: handing it to the group exposes nothing
            os.chown(folder, -1, gid)
            os.chmod(folder, SHARED_DIR_MODE)
        else:
            os.chmod(folder, PRIVATE_DIR_MODE)
    return Path(path)


def open_private(
    path: Path,
    mode: str = "w",
    *,
    group: str = "",
    encoding: str | None = None,
    newline: str | None = None,
) -> IO[Any]:
    """Open a file for writing ("w", "wb", "x" or "xb"), created 0600 (or 0640 with the
    group): the mode is right before the first byte is written, an existing file included."""
    if mode not in {"w", "wb", "x", "xb"}:
        raise ValueError(f"open_private writes new contents only, not mode {mode!r}")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_EXCL if mode.startswith("x") else os.O_TRUNC
    gid = group_id(group) if group else None  # an unknown group: nothing is created
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        if gid is not None:
            os.fchown(fd, -1, gid)
            os.fchmod(fd, SHARED_FILE_MODE)
        else:
            os.fchmod(fd, PRIVATE_FILE_MODE)
        if "b" in mode:
            return os.fdopen(fd, mode)
        return os.fdopen(fd, mode, encoding=encoding or "utf-8", newline=newline)
    except BaseException:
        os.close(fd)
        raise


def restrict_existing(path: Path, group: str = "") -> None:
    """Take the read bits of others off a file made before duaal restricted its files
    (a database created by an older version); with a group, hand it to that group."""
    if not path.exists() or path.stat().st_uid != os.geteuid():
        return  # another member of the group made it: theirs to keep right
    if group:
        os.chown(path, -1, group_id(group))
        os.chmod(path, SHARED_FILE_MODE)  # the group may read it, others not
    else:
        os.chmod(path, stat.S_IMODE(path.stat().st_mode) & PRIVATE_FILE_MODE)


def readable_by_others(path: Path) -> bool:
    """Whether users outside the owner and group may read the file or folder."""
    return bool(path.stat().st_mode & stat.S_IROTH)


# An INSZ as exports or messages write it (85073003328, 85.07.30-033.28); a Belgian IBAN,
# with or without spaces. Neither is part of a longer run of digits.
# Not inside a longer word: a run id such as R20261201T115728-01234c holds eleven digits
# in INSZ shape ("115728-01234") that are no INSZ.
_INSZ_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}-?[0-9]{3}\.?[0-9]{2}(?![0-9A-Za-z])"
)
_IBAN_TEXT = re.compile(r"\bBE ?[0-9]{2}(?: ?[0-9]{4}){3}\b", re.IGNORECASE)


def redact(text: str) -> str:
    """Text for places that must hold no personal data (the orchestrator's logs, states,
    artifacts and notifications): INSZ numbers and IBANs replaced by <INSZ> and <IBAN>.
    Names cannot be recognised in free text: what goes there must not carry them at all."""
    return _IBAN_TEXT.sub("<IBAN>", _INSZ_TEXT.sub("<INSZ>", text))
