"""What lies under the raw folder: the export files of each source folder, in the order
they are read, and every other folder or file there with why it is not read (the input
check FILE_IGNORED reports them)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from transforms.reading import (
    CSV_SUFFIXES,
    SPREADSHEET_SUFFIXES,
)
from transforms.sources import SOURCES, Source


@dataclass(frozen=True)
class Unread:
    """A folder or file under the raw folder that is not read, or a folder read under
    another spelling; the input checks report each (FILE_IGNORED)."""

    path: Path
    why: str  # English, for the terminal
    why_nl: str  # Dutch, for the workbooks
    read_as: str | None = None  # the source folder a misspelled folder is read as


@dataclass(frozen=True)
class RawScan:
    """What is under the raw folder: the export files to read, in order, and the rest."""

    files: list[tuple[Source, Path]]
    unread: list[Unread]


# Files a file manager or version control leaves behind, never exports and never news.
_SILENT = frozenset({".gitkeep", ".ds_store", "thumbs.db", "desktop.ini"})


def _folder_key(name: str) -> str:
    """A folder name compared ignoring case and accents."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def scan_raw(raw_dir: Path) -> RawScan:
    """The export files under raw_dir/<source folder>/ (sources.SOURCES order, then name
    order) and every folder or file there that is not read, with the reason."""
    by_key = {_folder_key(s.folder): s for s in SOURCES}
    folders: dict[str, list[Path]] = {s.folder: [] for s in SOURCES}
    unread: list[Unread] = []
    for entry in sorted(raw_dir.iterdir(), key=lambda p: p.name) if raw_dir.is_dir() else ():
        if entry.name.lower() in _SILENT:
            continue
        source = by_key.get(_folder_key(entry.name)) if entry.is_dir() else None
        if source is None:
            expected = ", ".join(f"{s.folder}/" for s in SOURCES)
            if entry.is_dir():
                why = f"folder {entry.name} is not a source folder ({expected}): not read"
                why_nl = f"map {entry.name} is geen bronmap ({expected}): niet gelezen"
            else:
                why = f"file {entry.name} lies beside the source folders, not in one ({expected}): not read"
                why_nl = (
                    f"bestand {entry.name} ligt naast de bronmappen, niet in een ervan "
                    f"({expected}): niet gelezen"
                )
            unread.append(Unread(entry, why, why_nl))
            continue
        if entry.name != source.folder:
            unread.append(
                Unread(
                    entry,
                    f"folder {entry.name}/ is read as {source.folder}/ (spelled differently)",
                    f"map {entry.name}/ wordt gelezen als {source.folder}/ (andere schrijfwijze)",
                    read_as=source.folder,
                )
            )
        folders[source.folder].append(entry)
    files = []
    for source in SOURCES:
        candidates = [p for folder in folders[source.folder] for p in folder.iterdir()]
        for path in sorted(candidates, key=lambda p: (p.name, str(p))):
            skip = _not_an_export(path)
            if skip is None:
                files.append((source, path))
            elif skip:
                unread.append(Unread(path, *skip))
    return RawScan(files, unread)


def _not_an_export(path: Path) -> tuple[str, str] | None | bool:
    """Why a path in a source folder is not read (English, Dutch); None when it is an
    export to read, False when it is to be passed over in silence."""
    name = path.name
    if name.lower() in _SILENT:
        return False
    if path.is_dir():
        return (
            f"folder {name} inside a source folder: not read (exports go in the folder itself)",
            f"map {name} binnen een bronmap: niet gelezen (exports horen in de map zelf)",
        )
    if name.startswith("~$") or name.startswith(".~lock"):
        return (
            f"{name} is the lock file of a workbook open in Excel or LibreOffice: not read",
            f"{name} is het slotbestand van een werkmap die open staat: niet gelezen",
        )
    if name.startswith("."):
        return (
            f"{name} is a hidden file: not read",
            f"{name} is een verborgen bestand: niet gelezen",
        )
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES + CSV_SUFFIXES:
        return (
            f"{name} is not an export (an export is .xlsx, .xlsm or .csv): not read",
            f"{name} is geen export (een export is .xlsx, .xlsm of .csv): niet gelezen",
        )
    return None


def export_files(folder: Path) -> list[Path]:
    """The export files of one source folder in name order (what `scan_raw` would read)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _not_an_export(p) is None), key=lambda p: p.name)
