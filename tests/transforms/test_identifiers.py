"""INSZ, KBO and IBAN: the canonical form of every export spelling, and the checksums."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.identifiers import (
    InvalidIdentifier,
    iban_is_valid,
    insz_is_valid,
    kbo_is_valid,
    make_iban,
    make_insz,
    make_kbo,
    normalise_iban,
    normalise_insz,
    normalise_kbo,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("85.07.30-033.28", "85073003328"),  # born before 2000
        ("85073003328", "85073003328"),
        (85073003328, "85073003328"),
        (85073003328.0, "85073003328"),
        ("06.05.12-123.95", "06051212395"),  # born in 2006: checksum with a 2 in front
        (6051212395, "06051212395"),  # a number cell that lost its leading zero
        (" 06 05 12 123 95 ", "06051212395"),
        # RULES.md: every leading zero may be lost, the number is padded to 11 digits
        ("6051212395", "06051212395"),  # the text of that number cell in a CSV
        (10112377, "00010112377"),  # born 1 January 2000: three digits fewer
        ("10112377", "00010112377"),
        (10112377.0, "00010112377"),
        (100112343, "00100112343"),  # born 1 October 2000: two fewer
        (128, "00000000128"),  # born in 2000 on an unknown date (00.00.00), serial 001
    ],
)
def test_insz_forms(value: object, expected: str) -> None:
    assert normalise_insz(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("85073003329", "controlecijfer klopt niet"),
        ("850730033281", "12 cijfers, een INSZ heeft er 11"),
        ("8507300332A", "bevat letters"),
        (8507300332.5, "geen geheel getal"),
        ("12345", "controlecijfer klopt niet, ook niet aangevuld tot 00000012345"),
        (10112378, "controlecijfer klopt niet, ook niet aangevuld tot 00010112378"),
        ("--", "geen cijfers"),
    ],
)
def test_insz_invalid(value: object, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_insz(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0403.170.701", "0403170701"),
        ("BE 0403.170.701", "0403170701"),
        ("be0403170701", "0403170701"),
        ("403170701", "0403170701"),  # an old 9-digit number
        (403170701, "0403170701"),
        (1234567894.0, "1234567894"),
    ],
)
def test_kbo_forms(value: object, expected: str) -> None:
    assert normalise_kbo(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0403.170.702", "controlecijfer klopt niet"),
        ("2403170776", "controlecijfer klopt niet"),  # must start with 0 or 1
        # 1647 mod 97 = 95: RULES.md's check digits are 02; 99 also sums to a multiple of
        # 97 (stdnum accepts it), but 97 - 95 is not 99
        ("0000164799", "controlecijfer klopt niet"),
        ("04031707011", "11 cijfers, een ondernemingsnummer heeft er 10"),
        ("NL0403170701", "bevat letters"),
    ],
)
def test_kbo_invalid(value: object, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_kbo(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "value", ["BE68 5390 0754 7034", "be68-5390-0754-7034", "BE68539007547034"]
)
def test_iban_forms(value: str) -> None:
    assert normalise_iban(value) == "BE68539007547034"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("BE68 5390 0754 7035", "controlecijfers kloppen niet"),
        ("68539007547034", "geen landcode BE"),
        ("NL91ABNA0417164300", "geen Belgische IBAN (BE en 14 cijfers)"),
    ],
)
def test_iban_invalid(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_iban(value)
    assert str(caught.value) == message


def test_made_identifiers_are_valid() -> None:
    assert make_insz("850730", 33, born_2000_or_later=False) == "85073003328"
    assert make_insz("060512", 123, born_2000_or_later=True) == "06051212395"
    assert make_kbo(4031707) == "0403170701"
    assert make_iban("539007547034") == "BE68539007547034"
    assert insz_is_valid("06051212395") and kbo_is_valid("0403170701")
    assert iban_is_valid("BE68539007547034")


def test_insz_of_2000_or_later_is_not_valid_without_the_2() -> None:
    insz = make_insz("060512", 123, born_2000_or_later=True)
    assert 97 - int(insz[:9]) % 97 != int(insz[9:]), "the old checksum must not match here"
    assert insz_is_valid(insz)


def _iso_iban(account12: str) -> str:
    """An IBAN with the right ISO 13616 check digits, whatever the account's own ones."""
    return f"BE{98 - int(account12 + '111400') % 97:02d}{account12}"


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("BE68539007547034", True),  # 5390075470 mod 97 = 34
        ("BE41539007547035", False),  # ISO check right, the account's own check digits wrong
        ("BE54097000000097", True),  # 0970000000 mod 97 = 0: written as 97
        ("BE54097000000000", False),  # ... never as 00, though the ISO check passes
    ],
)
def test_belgian_iban_has_the_accounts_own_check_digits(iban: str, valid: bool) -> None:
    assert _iso_iban(iban[4:]) == iban, "the ISO 13616 check passes in every case"
    assert iban_is_valid(iban) is valid


def test_made_ibans_carry_both_check_digits() -> None:
    assert make_iban("5390075470") == "BE68539007547034"
    assert make_iban("0970000000") == "BE54097000000097"
    # 12 digits: the last 2 are the account's check digits and are computed anew
    assert make_iban("539007547099") == "BE68539007547034"
    with pytest.raises(ValueError, match="12 digits"):
        make_iban("53900754")


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 999_999), st.integers(0, 999), st.booleans())
def test_a_valid_insz_survives_losing_every_leading_zero(birth: int, serial: int, y2k: bool):
    """RULES.md, Identifiers: whatever zeros a number cell (or its text) lost, the number is
    padded to 11 digits and is the same INSZ again."""
    insz = make_insz(f"{birth:06d}", serial, born_2000_or_later=y2k)
    for value in (int(insz), str(int(insz)), float(int(insz))):
        assert normalise_insz(value) == insz, f"{value!r} is {insz}"


def test_identifiers_are_written_as_their_readers_write_them() -> None:
    from transforms.identifiers import format_insz, format_kbo

    assert format_kbo("0775498073") == "0775.498.073"
    assert format_insz("05042844937") == "05.04.28-449.37"
    assert format_kbo("775498073") == "775498073", "not canonical: as it is"
    assert format_insz("PABCDEFGHIJKL") == "PABCDEFGHIJKL", "a pseudonym stays as it is"
