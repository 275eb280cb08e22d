"""The quarantine as read: the raw values (JSON) of refused rows, whose headers say which
value is whose INSZ, name, birth date or IBAN; the people a quarantined agreement still
needs (its corrected row will come back with them)."""

from __future__ import annotations

import json
from datetime import date

import duckdb

from transforms.identifiers import InvalidIdentifier, normalise_insz
from transforms.reading import load_aliases, normalise_header
from transforms.sources import AGREEMENTS

REMOVED_TEXT = "[verwijderd]"  # what a removed value becomes in text


def needed_by_quarantined_agreements(con: duckdb.DuckDBPyConnection, cutoff: date) -> set[str]:
    """Learners and mentors of quarantined agreement rows that may still run on or after
    the cutoff (an end that cannot be read counts as not over): the corrected row will
    come back, and its people with it."""
    aliases = load_aliases().get(AGREEMENTS.folder, {})
    spellings = {
        name: {
            normalise_header(h)
            for h in (
                AGREEMENTS.column(name).header,
                *aliases.get(AGREEMENTS.column(name).header, ()),
            )
        }
        for name in ("end_date", "termination_date")
    }
    needed: set[str] = set()
    for (raw,) in con.execute(
        "SELECT raw_values FROM quarantine WHERE source = ? AND raw_values IS NOT NULL",
        [AGREEMENTS.folder],
    ).fetchall():
        values = json_object(raw)
        if values is None:
            continue
        by_key = {normalise_header(h): v for h, v in values.items()}
        end, termination = (
            next((by_key[k] for k in spellings[name] if k in by_key), None)
            for name in ("end_date", "termination_date")
        )
        end_date, termination_date = date_or_none(end), date_or_none(termination)
        effective = end_date
        if termination not in (None, ""):
            effective = (
                None
                if termination_date is None or end_date is None
                else min(end_date, termination_date)
            )
        if effective is None or effective >= cutoff:
            for header, value in values.items():
                if classify(header) is not None and classify(header)[0] == "insz":
                    insz = insz_or_none(value)
                    if insz:
                        needed.add(insz)
    return needed


def json_object(raw: str) -> dict | None:
    try:
        values = json.loads(raw)
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


def date_or_none(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def classify(header: str) -> tuple[str, str] | None:
    """(kind, role) of a header as a file spells it: kind insz, name, birth or iban; role
    mentor or learner (the learner, worker or premium receiver). Words, not exact
    headers, so that other export variants ('Rijksregisternummer lerende') are caught."""
    key = normalise_header(header)
    role = "mentor" if "mentor" in key else "learner"
    if "insz" in key or "rijksregister" in key:
        return "insz", role
    if "geboorte" in key:
        return "birth", role
    if "iban" in key:
        return "iban", "learner"  # the company account of the learner's agreement
    if key.startswith("naam") and "onderneming" not in key and "vestiging" not in key:
        return "name", role
    return None


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, wanted: set[str]
) -> list[tuple[int, int, dict]]:
    """(rowid, batch_id, raw values) of quarantined rows that name a purged person."""
    out = []
    for rowid, batch_id, raw in con.execute(
        "SELECT rowid, batch_id, raw_values FROM quarantine WHERE raw_values IS NOT NULL"
    ).fetchall():
        values = json_object(raw)
        if values is None:
            continue
        for header, value in values.items():
            kind = classify(header)
            if kind is not None and kind[0] == "insz" and insz_or_none(value) in wanted:
                out.append((rowid, batch_id, values))
                break
    return out


def insz_or_none(value: object) -> str | None:
    if value in (None, ""):
        return None
    try:
        return normalise_insz(value)
    except (InvalidIdentifier, ValueError, TypeError):
        return None


def purge_quarantine(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> int:
    """Pseudonymise the quarantined rows of purged people, and remove their other data."""
    changed = 0
    for rowid, _, values in quarantine_rows(con, set(mapping)):
        (detail,) = con.execute("SELECT detail FROM quarantine WHERE rowid = ?", [rowid]).fetchone()
        replaced: dict[str, str] = {}
        roles = set()
        for header, value in values.items():
            kind = classify(header)
            insz = insz_or_none(value) if kind is not None and kind[0] == "insz" else None
            if insz in mapping:
                replaced[str(value)] = mapping[insz]
                values[header] = mapping[insz]
                roles.add(kind[1])
        for header, value in values.items():
            kind = classify(header)
            if kind is None or kind[0] == "insz" or kind[1] not in roles:
                continue
            if value not in (None, ""):
                replaced[str(value)] = REMOVED_TEXT
                values[header] = None
        for old, new in sorted(replaced.items(), key=lambda kv: -len(kv[0])):
            detail = detail.replace(old, new)
        con.execute(
            "UPDATE quarantine SET raw_values = ?, detail = ? WHERE rowid = ?",
            [json.dumps(values, ensure_ascii=False), detail, rowid],
        )
        changed += 1
    return changed
