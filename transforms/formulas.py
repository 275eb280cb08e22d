"""Formula cells whose value was never calculated, found in an .xlsx sheet's own XML.

A workbook written by a program (openpyxl, a portal's export job) may hold formulas that
no spreadsheet ever calculated: the cell has a formula (`<f>`) and no cached value
(`<v>`). calamine reads such a cell as empty, which the reader would take for a missing
value; CONTRACTS.md wants `INVALID_VALUE` (there is no value to trust). calamine does not
tell the difference, so this module reads the sheet's part of the package (ECMA-376, the
public SpreadsheetML format) with zipfile and lxml: only the cells, never the formulas'
meaning, and without resolving entities or reaching the network.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

_OFFICE_DOCUMENT = "/officeDocument"  # the end of the main part's relationship type
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_RELATIONSHIP_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
# a formula element, with or without a namespace prefix: <f>, <f t="shared" .../>, <x:f>
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_CHUNK = 1 << 20


def _parser_options() -> dict:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _xml(package: zipfile.ZipFile, name: str) -> Any:
    return etree.fromstring(package.read(name), etree.XMLParser(**_parser_options()))


def _target(base: str, target: str) -> str:
    """A relationship target as a name in the package."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(package: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target name) of the relationships of a part."""
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in package.namelist():
        return []
    return [
        (el.get("Id", ""), el.get("Type", ""), _target(part, el.get("Target", "")))
        for el in _xml(package, rels)
        if _local(el.tag) == "Relationship"
    ]


def _sheet_part(package: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The package name of the worksheet called sheet_name."""
    main = next(
        (t for _, kind, t in _relationships(package, "") if kind.endswith(_OFFICE_DOCUMENT)),
        "xl/workbook.xml",
    )
    targets = {rid: target for rid, _, target in _relationships(package, main)}
    for el in _xml(package, main).iter():
        if _local(el.tag) == "sheet" and el.get("name") == sheet_name:
            rid = el.get(_RELATIONSHIP_ID) or el.get(_STRICT_RELATIONSHIP_ID)
            return targets.get(rid)
    return None


def _has_formula(package: zipfile.ZipFile, part: str) -> bool:
    """Whether the part's XML holds a formula element, read in chunks (most sheets have none)."""
    tail = b""
    with package.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            text = tail + chunk
            # a formula tag holds '<f' or, with a prefix, ':f': a byte search (C speed) rules
            # out nearly every sheet before the regular expression looks at each '<'
            if (b"<f" in text or b":f" in text) and _FORMULA_TAG.search(text):
                return True
            tail = chunk[-32:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _scan(fh: object) -> dict[tuple[int, int], str]:
    """(row number, column index) -> formula text of every formula cell without a value."""
    found: dict[tuple[int, int], str] = {}
    row_number, column = 0, -1
    events = etree.iterparse(fh, events=("start", "end"), **_parser_options())
    for event, el in events:
        name = _local(el.tag)
        if event == "start":
            if name == "row":
                row_number = int(el.get("r") or row_number + 1)
                column = -1
            continue
        if name != "c":
            if name == "row":
                el.clear()
            continue
        match = _CELL_REF.fullmatch(el.get("r") or "")
        column = _column_index(match[1]) if match else column + 1
        formula = value = None
        for child in el:
            child_name = _local(child.tag)
            if child_name == "f":
                formula = child
            elif child_name == "v":
                value = child
        # a formula calculated to an empty text is t="str" with an empty <v>: it has a value
        no_value = value is None or (not value.text and el.get("t") != "str")
        if formula is not None and no_value:
            found[(int(match[2]) if match else row_number, column)] = formula.text or ""
        el.clear()
    return found


def uncalculated_formulas(path: Path, data: bytes | None, sheet_name: str) -> dict:
    """(row number, column index) -> formula text of the cells of a sheet that hold a formula
    and no calculated value; empty when there are none or the package cannot be read so."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as package:
            part = _sheet_part(package, sheet_name)
            if part is None or not _has_formula(package, part):
                return {}
            with package.open(part) as fh:
                return _scan(fh)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError):
        # calamine read the sheet; without its XML the cells stay as calamine read them
        return {}
