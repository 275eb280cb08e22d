"""Belgian identifiers (RULES.md, Identifiers): normalise what an export carries, check the checksum.

Each `normalise_*` returns the canonical form (digits only, zero-padded; IBAN upper case
without spaces) or raises `InvalidIdentifier` saying in Dutch what is wrong, without the
value: the quarantine detail puts it after the column and the value as read
("INSZ lerende '12345': controlecijfer klopt niet"). `*_is_valid` checks a canonical value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


class InvalidIdentifier(ValueError):
    """A value that is not a valid INSZ, KBO or IBAN."""


def _digits(value: object) -> str:
    """Digits of a cell value; a float such as 85073003328.0 (a number cell) loses its '.0'."""
    if isinstance(value, float):
        if not value.is_integer():
            raise InvalidIdentifier("geen geheel getal")
        value = int(value)
    text = _NON_ALNUM.sub("", str(value).strip())
    return text


def insz_is_valid(insz: str) -> bool:
    """True when an 11-digit INSZ has a valid checksum (born before or from 2000)."""
    if len(insz) != 11 or not insz.isdigit():
        return False
    base, check = int(insz[:9]), int(insz[9:])
    return 97 - base % 97 == check or 97 - int("2" + insz[:9]) % 97 == check


def _checked(number: str, is_valid: Callable[[str], bool]) -> str:
    """The number, when its check digits are right."""
    if not is_valid(number):
        raise InvalidIdentifier("controlecijfer klopt niet")
    return number


def _canonical(value: object, length: int) -> bool:
    """Whether value is already a text of exactly `length` ASCII digits (what most export
    cells hold): normalising it is checking its checksum only."""
    return value.__class__ is str and len(value) == length and value.isascii() and value.isdigit()


def normalise_insz(value: object) -> str:
    """Canonical 11-digit INSZ from '85.07.30-033.28', 85073003328, or a number that lost
    its leading zeros: 5073003328, and 10112345xx for someone born on 1 January 2000."""
    if _canonical(value, 11):
        return _checked(str(value), insz_is_valid)
    text = _digits(value)
    if not text:
        raise InvalidIdentifier("geen cijfers")
    if not text.isdigit():
        raise InvalidIdentifier("bevat letters")
    if len(text) > 11:
        raise InvalidIdentifier(f"{len(text)} cijfers, een INSZ heeft er 11")
    # a number (a number cell, or its text in a CSV) loses every leading zero: someone born
    # in January 2000 (00.01.xx) arrives with 8 digits, an unknown date of 2000 (00.00.00)
    # with fewer; so any shorter number is padded to 11 and its checksum decides
    padded = text.zfill(11)
    if len(text) < 11 and not insz_is_valid(padded):
        raise InvalidIdentifier(f"controlecijfer klopt niet, ook niet aangevuld tot {padded}")
    return _checked(padded, insz_is_valid)


def format_insz(insz: str) -> str:
    """An 11-digit INSZ as its readers write it: 85073003328 -> 85.07.30-033.28; anything
    else (a pseudonym) as it is."""
    if not _canonical(insz, 11):
        return insz
    return f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"


def format_kbo(kbo: str) -> str:
    """A 10-digit KBO number as its readers write it: 0775498073 -> 0775.498.073; anything
    else as it is."""
    if not _canonical(kbo, 10):
        return kbo
    return f"{kbo[:4]}.{kbo[4:7]}.{kbo[7:]}"


def kbo_is_valid(kbo: str) -> bool:
    """True when a 10-digit KBO number starts with 0 or 1 and has a valid checksum."""
    if len(kbo) != 10 or not kbo.isdigit() or kbo[0] not in "01":
        return False
    return 97 - int(kbo[:8]) % 97 == int(kbo[8:])


def normalise_kbo(value: object) -> str:
    """Canonical 10-digit KBO from 'BE 0403.170.701', '403170701' or 403170701."""
    if _canonical(value, 10):
        return _checked(str(value), kbo_is_valid)
    text = _digits(value)
    if text[:2].upper() == "BE":
        text = text[2:]
    if not text.isdigit():
        raise InvalidIdentifier("bevat letters")
    # an old number has 9 digits and gets a leading 0; shorter is not a KBO number
    if not 9 <= len(text) <= 10:
        raise InvalidIdentifier(f"{len(text)} cijfers, een ondernemingsnummer heeft er 10")
    return _checked(text.zfill(10), kbo_is_valid)


def belgian_account_check(first10: str) -> int:
    """The check digits of a Belgian account: its first 10 digits mod 97, 97 when that is 0."""
    return int(first10) % 97 or 97


def iban_is_valid(iban: str) -> bool:
    """True for a Belgian IBAN (BE + 14 digits) that passes the ISO 13616 mod-97 check and
    whose 12 account digits carry their own check digits (RULES.md, Identifiers)."""
    if len(iban) != 16 or not iban.startswith("BE") or not iban[2:].isdigit():
        return False
    rearranged = iban[4:] + "1114" + iban[2:4]  # B=11, E=14
    account = iban[4:]
    return int(rearranged) % 97 == 1 and int(account[10:]) == belgian_account_check(account[:10])


def normalise_iban(value: object) -> str:
    """Canonical IBAN from 'BE68 5390 0754 7034' or 'be68-5390-0754-7034'."""
    text = _digits(value).upper()
    if not text.startswith("BE") and text.isdigit() and len(text) <= 14:
        raise InvalidIdentifier("geen landcode BE")
    if len(text) != 16 or not text.startswith("BE") or not text[2:].isdigit():
        raise InvalidIdentifier("geen Belgische IBAN (BE en 14 cijfers)")
    if not iban_is_valid(text):
        raise InvalidIdentifier("controlecijfers kloppen niet")
    return text


def make_insz(birth_yymmdd: str, serial: int, born_2000_or_later: bool) -> str:
    """Build a valid INSZ from a birth date part and a 3-digit serial (for sample data and tests)."""
    nine = f"{birth_yymmdd}{serial:03d}"
    base = int(("2" if born_2000_or_later else "") + nine)
    return f"{nine}{97 - base % 97:02d}"


def make_kbo(eight_digits: int) -> str:
    """Build a valid KBO number from its first 8 digits (for sample data and tests)."""
    first = f"{eight_digits:08d}"
    return f"{first}{97 - int(first) % 97:02d}"


def make_iban(account: str) -> str:
    """Build a valid Belgian IBAN from the first 10 digits of an account (bank code and
    number): the account's own 2 check digits and the IBAN's 2 are computed. Given 12
    digits, the last 2 are ignored and computed anew (for sample data and tests)."""
    if len(account) not in (10, 12) or not account.isdigit():
        raise ValueError("a Belgian account number has 12 digits (10 and 2 check digits)")
    account12 = f"{account[:10]}{belgian_account_check(account[:10]):02d}"
    check = 98 - int(account12 + "111400") % 97
    return f"BE{check:02d}{account12}"


# What `duaal purge` writes in place of the INSZ of a person whose data is no longer kept:
# "P" and 12 base32 characters of a keyed HMAC (duaal/history/purge.py). Never a valid INSZ.
PSEUDONYM_PATTERN = re.compile(r"^P[A-Z2-7]{12}$")


def is_pseudonym(value: object) -> bool:
    """True for a pseudonym that replaced an INSZ."""
    return isinstance(value, str) and PSEUDONYM_PATTERN.match(value) is not None
