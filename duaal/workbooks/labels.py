"""Dutch words for the codes the marts carry: reasons, findings, severities, statuses, offices.

One mapping per kind of code, written once; every workbook reads its labels from here.
An unknown code falls back to the code itself, so a new rule shows up rather than vanishes.
"""

from __future__ import annotations

import re
import unicodedata

# Reasons a premium is refused (RULES.md, "Premium decision"), in the rule book's order.
REASON_LABELS: dict[str, str] = {
    "REGISTRATION_MISSING": "Niet geregistreerd in werkplekduaal",
    "REGISTRATION_LATE": "Te laat geregistreerd in werkplekduaal",
    "OUTSIDE_FLANDERS": "Vestiging buiten het Vlaams Gewest",
    "NO_CONSENT": "Geen toestemming voor de premie of geen rekeningnummer",
    "MENTOR_NOT_TRAINED": "Mentor niet tijdig opgeleid of vrijgesteld",
    "NO_QUALIFYING_AGREEMENT": "Geen overeenkomst die aan alle voorwaarden voldoet",
    "NO_DIMONA": "Geen Dimona-periode die telt",
    "UNDER_4_MONTHS": "Minder dan 4 maanden opleiding",
    "CAP_REACHED": "Maximum van 3 premies bereikt",
}

# Compliance rules (RULES.md, "Compliance findings").
FINDING_LABELS: dict[str, str] = {
    "DIMONA_MISSING": "Dimona ontbreekt",
    "DIMONA_LATE": "Dimona te laat aangegeven",
    "DIMONA_TYPE": "Verkeerd Dimona-type (OTH in plaats van ALT of RTA)",
    "REGISTRATION_LATE": "Te laat geregistreerd in werkplekduaal",
    "REGISTRATION_MISSING": "Niet geregistreerd, termijn verstreken",
    "REGISTRATION_DUE": "Registratie binnenkort verschuldigd",
    "MENTOR_UNKNOWN": "Mentor niet erkend",
    "MENTOR_TRAINING_OVERDUE": "Mentoropleiding niet gevolgd, termijn verstreken",
    "MENTOR_TRAINING_LATE": "Mentoropleiding na de termijn gevolgd",
    "MENTOR_OVERLOAD": "Mentor begeleidt te veel lerenden tegelijk",
    "MENTOR_PROFILE": "Mentor te jong of te weinig ervaring",
    "HOURS_TYPE_MISMATCH": "Uren per week passen niet bij het type overeenkomst",
    "PAY_TYPE_MISMATCH": "Leervergoeding past niet bij het type overeenkomst",
    "AGREEMENT_TOO_LONG": "Overeenkomst langer dan toegelaten",
}

# What to do about a finding that can still be fixed (the Actielijst).
ACTIONS: dict[str, str] = {
    "REGISTRATION_DUE": "Registreer de overeenkomst in werkplekduaal vóór de uiterste datum",
    "DIMONA_MISSING": "Doe de Dimona-aangifte voor de lerende (type ALT of RTA)",
    "MENTOR_TRAINING_OVERDUE": "Laat de mentor de mentoropleiding volgen",
}

# Why a row went to quarantine (CONTRACTS.md, "Quarantine").
QUARANTINE_LABELS: dict[str, str] = {
    "MISSING_VALUE": "Verplichte waarde ontbreekt",
    "INVALID_DATE": "Ongeldige datum",
    "INVALID_INSZ": "Ongeldig INSZ-nummer",
    "INVALID_KBO": "Ongeldig ondernemingsnummer",
    "INVALID_IBAN": "Ongeldig IBAN-rekeningnummer",
    "INVALID_POSTCODE": "Ongeldige postcode",
    "INVALID_VALUE": "Ongeldige waarde",
    "END_BEFORE_START": "Einddatum vóór de startdatum",
    "DUPLICATE_KEY": "Twee verschillende rijen voor dezelfde sleutel in één bestand",
}

SEVERITY_LABELS: dict[str, str] = {"error": "fout", "warning": "waarschuwing", "info": "info"}
SEVERITY_ORDER: tuple[str, ...] = ("error", "warning", "info")
STATUS_LABELS: dict[str, str] = {"final": "definitief", "provisional": "voorlopig"}
SOURCE_LABELS: dict[str, str] = {
    "overeenkomsten": "Overeenkomsten (werkplekduaal)",
    "dimona": "Dimona",
    "erkenningen": "Erkenningen en mentoren",
    "premies": "Uitbetaalde premies",
}

# The mtech+ offices in report order (RULES.md, "Geography"), with their file-name slugs.
OFFICES: tuple[str, ...] = (
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant & Brussel",
    "Wallonië",
)
OFFICE_SLUGS: dict[str, str] = {
    "Antwerpen": "antwerpen",
    "Limburg": "limburg",
    "Oost-Vlaanderen": "oost-vlaanderen",
    "West-Vlaanderen": "west-vlaanderen",
    "Vlaams-Brabant & Brussel": "vlaams-brabant-brussel",
    "Wallonië": "wallonie",
}
NO_OFFICE = "Zonder kantoor"


def reason_label(code: str) -> str:
    """The Dutch wording of a refusal reason."""
    return REASON_LABELS.get(code, code)


def reasons_text(codes: str | None) -> str:
    """';'-joined reason codes as Dutch phrases joined by '; '."""
    return "; ".join(reason_label(c) for c in split_codes(codes))


def split_codes(codes: str | None) -> list[str]:
    """The codes of a ';'-joined field, without empty parts."""
    return [c for c in (codes or "").split(";") if c]


def finding_label(code: str) -> str:
    """The Dutch name of a compliance rule."""
    return FINDING_LABELS.get(code, code)


def severity_label(severity: str | None) -> str:
    """fout / waarschuwing / info."""
    return SEVERITY_LABELS.get(severity or "", severity or "")


def quarantine_label(code: str) -> str:
    """The Dutch wording of a quarantine reason."""
    return QUARANTINE_LABELS.get(code, code)


def office_slug(office: str) -> str:
    """The file-name part of an office: lower case ASCII words joined by '-'."""
    if office in OFFICE_SLUGS:
        return OFFICE_SLUGS[office]
    ascii_text = unicodedata.normalize("NFKD", office).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "onbekend"


def ordered_offices(found: set[str | None]) -> list[str]:
    """The six offices in report order, then any other office found (sorted), then none."""
    extra = sorted(o for o in found if o and o not in OFFICES)
    tail = [NO_OFFICE] if None in found or "" in found else []
    return [*OFFICES, *extra, *tail]
