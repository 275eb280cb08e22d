"""Dutch words for the Data Docs: an expectation as a sentence built from its type, the
labels of its columns (the table contracts) and its parameters; a value and a failing
example as a reader writes them.

"Uren per week ligt tussen 0 en 50." instead of
`expect_column_values_to_be_between {"column": "hours_per_week", ...}`: the technical name
and parameters stay available as small print (`technical`) for the auditor.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from expectations.docs.data import RunLine
from transforms.codes import load_codes, number_nl
from transforms.contracts import contract

CONTRACT_CHECK = "rule:columns_match_contract"
RULE_PREFIX = "rule:"
MAX_LISTED_VALUES = 8  # a longer value set is counted in the sentence, listed in small print
STATUS_KINDS = ("decision_status", "payment_status")  # registry kinds a status column lists
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TYPES = ("DATE", "TIMESTAMP")


def join_nl(items: Sequence[str], word: str = "en") -> str:
    """'a', 'a en b', 'a, b en c' (word 'of' for a choice)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def count_nl(n: int) -> str:
    """A count as a Dutch reader writes it: 4.446."""
    return f"{n:,}".replace(",", ".")


def value_nl(value: Any) -> str:
    """One value of the data or of a parameter: ja/nee, leeg, 4,5, 31/08/2024, text as is."""
    if value is None:
        return "leeg"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        return number_nl(value)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str) and (found := _ISO_DATE.match(value)):
        year, month, day = found.groups()
        return f"{day}/{month}/{year}"
    if isinstance(value, list | tuple):
        return " / ".join(value_nl(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_nl(v)}" for k, v in value.items())
    return str(value)


def example_value_nl(value: Any) -> str:
    """A failing value: text between quotes, so that a space or an empty text shows."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        return f"‘{value}’"
    return value_nl(value)


def label(table: str, column: str) -> str:
    """The Dutch label of a column (its contract), or the name of a column it does not know."""
    try:
        return contract(table).column(column).label
    except KeyError:
        return column


def _is_date(table: str, column: str) -> bool:
    try:
        return contract(table).column(column).type.startswith(_DATE_TYPES)
    except KeyError:
        return False


def _columns(kwargs: Mapping[str, Any]) -> list[str]:
    names = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
    return [n for n in names if n] + list(kwargs.get("column_list", []))


def rule_notes(table: str, name: str) -> str | None:
    """The Dutch notes of a rule of the table's contract, None for a rule it no longer has."""
    found = _contract_checks(table).get((RULE_PREFIX + name, ()))
    return None if found is None else found[1]


def _bounds(kwargs: Mapping[str, Any], unit: str = "") -> str:
    """'tussen 0 en 50', 'minstens 1', 'hoogstens 60', 'groter dan 0', ... ."""
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    strict_low, strict_high = kwargs.get("strict_min"), kwargs.get("strict_max")
    if low is not None and high is not None and not strict_low and not strict_high:
        return f"ligt tussen {value_nl(low)} en {value_nl(high)}{unit}"
    parts = []
    if low is not None:
        parts.append(f"{'groter dan' if strict_low else 'minstens'} {value_nl(low)}{unit}")
    if high is not None:
        parts.append(f"{'kleiner dan' if strict_high else 'hoogstens'} {value_nl(high)}{unit}")
    return "is " + (" en ".join(parts) or "om het even welke waarde")


@cache
def status_labels() -> dict[str, str]:
    """The Dutch word of every status a contract lists (transforms/codes.toml)."""
    registry = load_codes()
    return {c.code: c.label for kind in STATUS_KINDS for c in registry.of(kind)}


def _value_set(name: str, values: Sequence[Any] | Mapping[str, str]) -> str:
    if isinstance(values, Mapping):  # {"$PARAMETER": ...}: the run fills it in (a suite page)
        return f"{name} is een van de toegelaten waarden die de run vastlegt"
    if not values:
        return f"{name} heeft geen enkele toegelaten waarde"
    if len(values) > MAX_LISTED_VALUES:
        return f"{name} is een van de {len(values)} toegelaten waarden"
    words = status_labels()
    if all(isinstance(v, str) and v in words for v in values):  # a status: its Dutch word
        return f"{name} is {join_nl([f'‘{words[v]}’' for v in values], 'of')}"
    return f"{name} is {join_nl([value_nl(v) for v in values], 'of')}"


def _pair(table: str, kwargs: Mapping[str, Any]) -> str:
    a, b = kwargs["column_A"], kwargs["column_B"]
    if _is_date(table, a) and _is_date(table, b):
        verb = "ligt niet vóór" if kwargs.get("or_equal") else "ligt na"
    else:
        verb = "is minstens" if kwargs.get("or_equal") else "is groter dan"
    text = f"{label(table, a)} {verb} {label(table, b)}"
    ignored = kwargs.get("ignore_row_if")
    if ignored == "either_value_is_missing":
        text += " (als beide ingevuld zijn)"
    elif ignored == "both_values_are_missing":
        text += " (als minstens een van beide ingevuld is)"
    return text


def sentence(table: str, expectation: str, kwargs: Mapping[str, Any]) -> str:
    """What an expectation or rule says about the table, as one Dutch sentence."""
    names = [label(table, c) for c in _columns(kwargs)]
    name = names[0] if names else ""
    if expectation == CONTRACT_CHECK:
        return "De tabel heeft precies de kolommen van haar contract."
    if expectation.startswith(RULE_PREFIX):
        notes = rule_notes(table, expectation.removeprefix(RULE_PREFIX))
        return notes or "Een regel die het contract van de tabel niet meer bevat."
    match expectation:
        case "expect_column_values_to_not_be_null":
            text = f"{name} is altijd ingevuld"
        case "expect_column_values_to_be_unique":
            text = f"{name} is uniek"
        case "expect_compound_columns_to_be_unique":
            text = f"De combinatie van {join_nl(names)} is uniek"
        case "expect_column_values_to_be_in_set":
            text = _value_set(name, kwargs.get("value_set") or [])
        case "expect_column_values_to_match_regex":
            text = f"{name} heeft de vereiste vorm"
        case "expect_column_values_to_be_between":
            text = f"{name} {_bounds(kwargs)}"
        case "expect_column_value_lengths_to_be_between":
            one = kwargs.get("max_value") == 1 or (
                kwargs.get("max_value") is None and kwargs.get("min_value") == 1
            )
            unit = " teken" if one else " tekens"
            text = f"De lengte van {name} {_bounds(kwargs, unit)}"
        case "expect_column_pair_values_a_to_be_greater_than_b":
            text = _pair(table, kwargs)
        case _:
            text = f"Een controle op {join_nl(names)}" if names else "Een controle op de tabel"
    return text[0].upper() + text[1:] + "."


UNKNOWN = 10_000  # the position of a check its table's contract does not hold


@cache
def _contract_checks(table: str) -> dict[tuple[str, tuple[str, ...]], tuple[int, str]]:
    """Every check of a table's contract by (type, its columns): its position (the column
    check first, the expectations in order, then the rules) and its notes."""
    try:
        c = contract(table)
    except KeyError:
        return {}
    found = {(CONTRACT_CHECK, ()): (0, "")}
    for i, check in enumerate(c.expectations(), start=1):
        found.setdefault((check.type, tuple(_columns(check.kwargs))), (i, check.notes))
    for i, rule in enumerate(c.rules, start=len(found)):
        found[(RULE_PREFIX + rule.name, ())] = (i, rule.notes)
    return found


def _checked(table: str, expectation: str, kwargs: Mapping[str, Any]) -> tuple[int, str]:
    columns = () if expectation.startswith(RULE_PREFIX) else tuple(_columns(kwargs))
    return _contract_checks(table).get((expectation, columns), (UNKNOWN, ""))


def why(table: str, expectation: str, kwargs: Mapping[str, Any]) -> str:
    """Why the table must satisfy it: the notes of the expectation in the table's contract
    (a rule's notes are its sentence already, so it has none here)."""
    if expectation == CONTRACT_CHECK:
        return "Zonder die kolommen kunnen de andere controles en de rapporten de tabel niet lezen."
    if expectation.startswith(RULE_PREFIX):
        return ""
    return _checked(table, expectation, kwargs)[1]


def position(table: str, expectation: str, kwargs: Mapping[str, Any]) -> int:
    """Where the check stands in the table's contract: the column check first, then the
    expectations in the contract's order, then its rules (a check it does not know: last)."""
    return _checked(table, expectation, kwargs)[0]


def technical(expectation: str, kwargs: Mapping[str, Any]) -> str:
    """The expectation as Great Expectations names it, for the auditor's small print: its
    type and parameters (a rule's query is on its suite page)."""
    shown = {k: v for k, v in kwargs.items() if k not in ("sql", "columns")}
    parts = [expectation, *(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in shown.items())]
    return " · ".join(parts)


_CONTRACT_PROBLEMS = (
    (re.compile(r"^missing: (.*)$"), "kolom {} ontbreekt"),
    (re.compile(r"^unexpected: (.*)$"), "kolom {} staat niet in het contract"),
    (re.compile(r"^table (.*) does not exist$"), "de tabel {} bestaat niet"),
)


def contract_problem(problem: str) -> str:
    """A problem the contract check found (validate.py writes it in English), in Dutch."""
    for pattern, text in _CONTRACT_PROBLEMS:
        if found := pattern.match(problem):
            return text.format(found.group(1))
    return problem


def example(table: str, kwargs: Mapping[str, Any], value: Any) -> str:
    """One failing example: a value, a pair of values, or a row (a rule, a compound key) with
    the label of each of its columns."""
    if isinstance(value, dict):
        return ", ".join(f"{label(table, k)} {example_value_nl(v)}" for k, v in value.items())
    pair = [kwargs.get("column_A"), kwargs.get("column_B")]
    if isinstance(value, list) and len(value) == 2 and all(pair):
        return ", ".join(
            f"{label(table, c)} {example_value_nl(v)}" for c, v in zip(pair, value, strict=True)
        )
    return example_value_nl(value)


def examples(table: str, kwargs: Mapping[str, Any], values: Iterable[Any]) -> list[str]:
    """The failing examples of a check, each in words; one that repeats is counted
    ('55 (3 keer)')."""
    counts = Counter(example(table, kwargs, v) for v in values)
    return [f"{text} ({n} keer)" if n > 1 else text for text, n in counts.items()]


def title(table: str) -> str:
    """The Dutch title of a table (its contract), or its name for a table without one."""
    try:
        return contract(table).title
    except KeyError:
        return table


def counted(n: int, one: str, many: str) -> str:
    """'1 rij', '129 rijen'."""
    return f"{count_nl(n)} {one if n == 1 else many}"


def when(moment: datetime | None, *, seconds: bool = False) -> str:
    """A moment as a Dutch reader writes it: 07/12/2026 11:34."""
    if moment is None:
        return "onbekend"
    return f"{moment:%d/%m/%Y %H:%M:%S}" if seconds else f"{moment:%d/%m/%Y %H:%M}"


def outcome(line: RunLine) -> tuple[str, str]:
    """How the run ended, in Dutch, and its class (ok, warn, fail)."""
    if line.status == "completed":
        if line.warnings:
            warnings = counted(line.warnings, "waarschuwing", "waarschuwingen")
            return f"voltooid, {warnings} bij de invoercontrole", "warn"
        return "voltooid", "ok"
    if line.status == "failed":
        if line.failed_marts:
            return "gestopt: een uitkomst voldoet niet aan haar verwachtingen", "fail"
        if line.checks is None:
            return "gestopt vóór de validatie", "fail"
        return "mislukt na de validatie", "fail"
    if line.status == "running":
        return "bezig (of onderbroken)", "warn"
    return "onbekend", ""


def headline(line: RunLine) -> str:
    """'0 verwachtingen mislukt, 109 rijen geweigerd bij het inlezen' (and refused files)."""
    if line.checks is None:
        parts = ["niet gevalideerd"]
    else:
        parts = [counted(line.failed, "verwachting", "verwachtingen") + " mislukt"]
    parts.append(counted(line.rows_refused, "rij", "rijen") + " geweigerd bij het inlezen")
    if line.files_refused:
        parts.append(counted(line.files_refused, "bestand", "bestanden") + " geweigerd")
    return ", ".join(parts)
