"""INSZ, KBO and IBAN validity against python-stdnum, on random numbers (hypothesis).

stdnum implements the same public checksums as RULES.md, so it is an independent oracle
wherever both define the same rule. Where they differ on purpose, the test excludes
exactly those numbers, and says why:
- INSZ: stdnum also checks the birth month (0-12, BIS 20-32 or 40-52) and tries the
  2000-or-later checksum only for birth years up to today's; RULES.md checks only the
  checksum ("not the birth date"), with or without the 2 prefixed. Compared on numbers
  with a month stdnum accepts and without a 2000s checksum match for a future year.
- KBO: stdnum accepts `(first 8 + last 2) % 97 == 0`, which RULES.md's
  `97 - (first 8 mod 97) == last 2` is, except where a second pair of check digits also
  sums to a multiple of 97: 00 where the first 8 are a multiple of 97 (RULES.md: 97 only),
  and 99 or 98 where they leave 95 or 96 (RULES.md: 02 or 01). Compared on every other
  number: stdnum accepts no number that RULES.md refuses but these three kinds.
- IBAN: stdnum's `be.iban` also refuses a bank code missing from its bank register;
  RULES.md checks only the check digits. Compared on the bank codes stdnum knows.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.be import bis, iban, nn, vat

from transforms.identifiers import (
    iban_is_valid,
    insz_is_valid,
    kbo_is_valid,
    make_iban,
    make_insz,
    make_kbo,
)

KNOWN_BANK_CODES = [f"{b:03d}" for b in range(1000) if iban.info(f"BE00{b:03d}000000000")]

stdnum_months = st.sampled_from([*range(13), *range(20, 33), *range(40, 53)])


@st.composite
def insz_numbers(draw: st.DrawFn) -> str:
    """11 digits whose month stdnum accepts; valid for either century half the time."""
    yy, month = draw(st.integers(0, 99)), draw(stdnum_months)
    day, serial = draw(st.integers(0, 31)), draw(st.integers(0, 999))
    if draw(st.booleans()):
        return make_insz(f"{yy:02d}{month:02d}{day:02d}", serial, draw(st.booleans()))
    return f"{yy:02d}{month:02d}{day:02d}{serial:03d}{draw(st.integers(0, 99)):02d}"


def _future_2000s_checksum(number: str) -> bool:
    """The number is valid only as born in a year 20YY that has not come yet (stdnum: no)."""
    future = 2000 + int(number[:2]) > date.today().year
    return future and 97 - int("2" + number[:9]) % 97 == int(number[9:])


@settings(max_examples=3000, deadline=None)
@given(insz_numbers())
def test_insz_validity_agrees_with_stdnum(number: str) -> None:
    if _future_2000s_checksum(number):
        return  # RULES.md accepts it, stdnum does not: see the module docstring
    assert insz_is_valid(number) == (nn.is_valid(number) or bis.is_valid(number)), number


# (first 8 digits mod 97, check digits) that sum to a multiple of 97 besides 97 - remainder
STDNUM_ONLY = {(0, 0), (95, 99), (96, 98)}


@st.composite
def kbo_numbers(draw: st.DrawFn) -> str:
    first8 = draw(st.integers(0, 2 * 10**7 - 1))  # the first digit 0 or 1 ...
    if draw(st.booleans()):
        return make_kbo(first8)
    return f"{draw(st.integers(0, 10**10 - 1)):010d}"  # ... or any digits


@settings(max_examples=3000, deadline=None)
@given(kbo_numbers())
def test_kbo_validity_agrees_with_stdnum(number: str) -> None:
    if (int(number[:8]) % 97, int(number[8:])) in STDNUM_ONLY:
        return  # stdnum accepts these check digits, RULES.md does not: see the docstring
    assert kbo_is_valid(number) == vat.is_valid(number), number


@st.composite
def belgian_ibans(draw: st.DrawFn) -> str:
    bank = draw(st.sampled_from(KNOWN_BANK_CODES))
    account = f"{bank}{draw(st.integers(0, 10**7 - 1)):07d}"
    made = make_iban(account)
    how = draw(st.sampled_from(["valid", "account check", "iso check", "any"]))
    if how == "valid":
        return made
    if how == "account check":  # other account check digits, ISO check digits made right
        account12 = f"{account}{draw(st.integers(0, 99)):02d}"
        return f"BE{98 - int(account12 + '111400') % 97:02d}{account12}"
    if how == "iso check":  # the account right, other ISO check digits
        return f"BE{draw(st.integers(0, 99)):02d}{made[4:]}"
    return f"BE{draw(st.integers(0, 99)):02d}{account}{draw(st.integers(0, 99)):02d}"


@settings(max_examples=3000, deadline=None)
@given(belgian_ibans())
def test_iban_validity_agrees_with_stdnum(number: str) -> None:
    assert iban_is_valid(number) == iban.is_valid(number), number


def test_the_oracle_knows_enough_bank_codes() -> None:
    assert len(KNOWN_BANK_CODES) > 500, "stdnum's bank register is too small to compare on"
    assert "539" not in KNOWN_BANK_CODES, "a code stdnum lacks, valid for RULES.md all the same"
    assert iban_is_valid("BE68539007547034") and not iban.is_valid("BE68539007547034")
