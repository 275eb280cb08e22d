"""docs/RULES.md and docs/CONTRACTS.md against the code they describe: the codes of the
registry with their order and severity, the parameters of the rule configuration with
their defaults, the columns of every source, the export columns, the commands and flags of
the command line, the exit codes; every relative link and every file the docs name; the
sections the code's comments quote; and no file pointing at a spec outside the project.

Fast: files, the parser and the registry only (no database, no Prefect).
"""

from __future__ import annotations

import argparse
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

import cli.exits
import cli.main
from duaal.common.export_columns import DECISION_EXPORT, FINDING_EXPORT, QUARANTINE_EXPORT
from duaal.history.changes import CHANGE_EXPORT
from transforms.codes import load_codes
from transforms.rule_config import load_rule_config
from transforms.sources import KIND_SQL_TYPE, SOURCES
from transforms.values import EMPTY_VALUE

ROOT = Path(__file__).resolve().parents[2]
RULES_MD, CONTRACTS_MD = ROOT / "docs" / "RULES.md", ROOT / "docs" / "CONTRACTS.md"
RULES, CONTRACTS = (p.read_text(encoding="utf-8") for p in (RULES_MD, CONTRACTS_MD))
REGISTRY = load_codes()

# What the docs already say that other branches of issue 19 make true. The lead empties
# these when merging them: each test below fails while an item here is already true, so a
# pending statement cannot outlive its reason.
PENDING_CODES: set[str] = set()  # codes other branches add
PENDING_ABSENT: set[tuple[str, str]] = set()  # (source, header) pending elsewhere
PENDING_FLAGS: set[tuple[str, str]] = set()  # flags other branches add: (command, flag)
PENDING_EXITS: set[int] = set()  # exit codes other branches add


# --- reading the Markdown ---------------------------------------------------------------


def section(text: str, title: str) -> str:
    """The text under the heading `title` (any level), up to the next heading of the same
    or a higher level."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"(#+) (.*)", line)
        if match and match[2].strip() == title:
            level, body = len(match[1]), []
            for rest in lines[i + 1 :]:
                deeper = re.match(r"(#+) ", rest)
                if deeper and len(deeper[1]) <= level:
                    break
                body.append(rest)
            return "\n".join(body)
    raise AssertionError(f"no heading {title!r}")


def tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table in the text: its rows (header first) as lists of cells."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def table(text: str, first_header: str) -> list[list[str]]:
    """The rows (without the header) of the first table whose first header is first_header."""
    for rows in tables(text):
        if rows[0][0] == first_header:
            return rows[1:]
    raise AssertionError(f"no table headed {first_header!r}")


def plain(cell: str) -> str:
    """A cell without its backticks."""
    return cell.replace("`", "").strip()


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- the codes --------------------------------------------------------------------------


WHERE_CODES = {
    "reason": (RULES, "Premium decision", "code"),
    "finding": (RULES, "Compliance findings", "code"),
    "quarantine": (CONTRACTS, "Quarantine", "code"),
    "input_check": (CONTRACTS, "Input checks and the outcome of a run", "code"),
    "action_group": (RULES, "Actielijst", "code"),
}


@pytest.mark.parametrize("kind", list(WHERE_CODES))
def test_every_code_of_the_registry_is_in_the_docs_in_order_with_its_severity(kind):
    text, title, header = WHERE_CODES[kind]
    rows = table(section(text, title), header)
    documented = [plain(r[0]) for r in rows]
    assert [c for c in documented if c not in PENDING_CODES] == REGISTRY.names(kind), (
        f"the {kind} codes of {title!r} are those of transforms/codes.toml, in its order"
    )
    for row in rows:
        code = REGISTRY.get(kind, plain(row[0]))
        if code is not None and code.severity:
            assert row[1].startswith(code.severity), f"{code.code}: severity {code.severity}"


def test_every_code_the_docs_name_exists():
    named = set()
    for path in (RULES_MD, CONTRACTS_MD, ROOT / "README.md"):
        for token in re.findall(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`", path.read_text("utf-8")):
            if not token.startswith(("DUAAL_", "PREFECT_")):  # environment variables
                named.add(token)
    known = {c.code for kind in WHERE_CODES for c in REGISTRY.of(kind)}  # type: ignore[arg-type]
    assert named - known <= PENDING_CODES, f"codes the registry lacks: {named - known}"
    assert not PENDING_CODES & known, "a pending code exists now: take it out of PENDING_CODES"


# --- the rule configuration ---------------------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return value.isoformat() if isinstance(value, date) else str(value)


def test_every_rule_parameter_and_its_default_is_in_the_rule_book():
    config = load_rule_config(ROOT / "transforms" / "rules.toml")
    expected = {"version": config.version, **config.parameters}
    expected["counted_dimona_types"] = config.premium.counted_dimona_types
    rows = table(section(RULES, "Parameters"), "parameter")
    assert {plain(r[0]): plain(r[1]) for r in rows} == {
        name: _text(value) for name, value in expected.items()
    }, "docs/RULES.md, Parameters: every parameter of transforms/rules.toml and its default"
    amounts = table(section(RULES, "Parameters"), "school year")
    assert [tuple(plain(c) for c in r) for r in amounts] == [
        (a.school_year, str(a.paid_eur), str(a.unpaid_eur)) for a in config.premium.amounts
    ], "the amounts per school year"
    geography = table(section(RULES, "Geography"), "postal codes")
    assert [tuple(r) for r in geography] == [
        (f"{g.postcode_from}-{g.postcode_to}", g.province, g.region, g.office)
        for g in config.geography
    ], "the geography of transforms/rules.toml"


# --- the inputs ---------------------------------------------------------------------------


def _source_section(folder: str) -> str:
    heading = next(
        line.lstrip("# ") for line in CONTRACTS.splitlines() if line.startswith(f"### `{folder}/`")
    )
    return section(CONTRACTS, heading)


@pytest.mark.parametrize("source", SOURCES, ids=[s.folder for s in SOURCES])
def test_every_source_column_is_in_the_contract_as_read(source):
    text = _source_section(source.folder)
    key = re.search(r"Natural key: (.*?)\.", one_line(text))[1]
    assert re.findall(r"`([^`]+)`", key) == [source.column(k).header for k in source.key]
    assert f"Staging: `{source.staging}`" in one_line(text)
    may_be_absent = {
        c.header
        for c in source.columns
        if getattr(c, "may_be_absent", (source.folder, c.header) in PENDING_ABSENT)
    }
    expected = [
        (
            c.header,
            c.name,
            c.kind,
            "yes" if not c.required or c.kind in EMPTY_VALUE else "no",
            "yes" if c.header in may_be_absent else "no",
        )
        for c in source.columns
    ]
    rows = table(text, "header")
    documented = [(r[0], plain(r[1]), plain(r[2]), r[3].split()[0], r[4]) for r in rows]
    assert documented == expected, (
        f"{source.folder}: header, column, type, may be empty, may be absent as in "
        "transforms/sources.py, in its order"
    )


def test_pending_absent_columns_are_not_yet_in_the_code():
    assert not any(hasattr(c, "may_be_absent") for s in SOURCES for c in s.columns) or (
        not PENDING_ABSENT
    ), "Column.may_be_absent exists now: empty PENDING_ABSENT"


def test_every_column_type_is_explained_with_its_storage():
    rows = table(section(CONTRACTS, "Column types"), "type")
    assert {plain(r[0]): re.search(r"`([^`]+)`", r[2])[1] for r in rows} == KIND_SQL_TYPE


# --- the outputs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "columns",
    [DECISION_EXPORT, FINDING_EXPORT, QUARANTINE_EXPORT, CHANGE_EXPORT],
    ids=["decisions", "findings", "quarantine", "changes"],
)
def test_export_columns_are_listed_in_order(columns):
    assert f"`{', '.join(columns)}`" in one_line(section(CONTRACTS, "Exports")), (
        f"docs/CONTRACTS.md lists the columns {columns} in order"
    )


def test_the_decision_columns_are_described_one_by_one():
    rows = table(section(CONTRACTS, "Exports"), "column")
    assert tuple(r[0] for r in rows) == DECISION_EXPORT


def test_exit_codes_are_those_of_the_command_line():
    codes = {v for k, v in vars(cli.exits).items() if k.startswith("EXIT_")}
    rows = table(section(CONTRACTS, "Input checks and the outcome of a run"), "exit")
    documented = {int(r[0]) for r in rows}
    assert documented - PENDING_EXITS == codes
    assert not PENDING_EXITS & codes, "a pending exit code exists now: empty PENDING_EXITS"


# --- the command line ---------------------------------------------------------------------


def _options(parser: argparse.ArgumentParser) -> dict[str, tuple[str, ...] | None]:
    """A parser's own flags (not --help, --debug) with their choices."""
    out: dict[str, tuple[str, ...] | None] = {}
    for action in parser._actions:  # noqa: SLF001 - argparse has no public list of actions
        for flag in action.option_strings:
            if flag not in ("-h", "--help", "--debug"):
                out[flag] = tuple(action.choices) if action.choices else None
    return out


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.main.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    return {"duaal": parser, **{f"duaal {n}": p for n, p in sub.choices.items()}}


def _documented_flags(command: str) -> dict[str, tuple[str, ...] | None]:
    rows = [r for t in tables(section(CONTRACTS, f"`{command}`")) for r in t[1:]]
    out: dict[str, tuple[str, ...] | None] = {}
    for row in rows:
        flag, *rest = plain(row[0]).split(" ", 1)
        choices = rest[0].split("\\|") if rest and "\\|" in rest[0] else None
        out[flag] = tuple(choices) if choices else None
    return out


def test_every_command_and_flag_is_in_the_contract_and_no_other():
    commands = _commands()
    documented = re.findall(r"^### `(duaal[a-z ]*)`$", section(CONTRACTS, "Command line"), re.M)
    assert sorted(documented) == sorted(commands), "a section per command, none other"
    for name, parser in commands.items():
        flags = _documented_flags(name)
        pending = {f for c, f in PENDING_FLAGS if c == name}
        assert {f: c for f, c in flags.items() if f not in pending} == _options(parser), (
            f"docs/CONTRACTS.md, `{name}`: the flags (and choices) of the parser"
        )
        assert not pending & set(_options(parser)), "a pending flag exists: empty PENDING_FLAGS"


def test_the_choices_of_export_are_named():
    (what,) = [a for a in _commands()["duaal export"]._actions if a.dest == "what"]  # noqa: SLF001
    line = f"`duaal export {'|'.join(what.choices)} --out FILE`"
    assert line in section(CONTRACTS, "`duaal export`")


# --- links, files and quoted sections -----------------------------------------------------

MARKDOWN = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(m[1]) for m in re.finditer(r"^#+ (.*)$", path.read_text(encoding="utf-8"), re.M)}


@pytest.mark.parametrize("path", MARKDOWN, ids=[p.name for p in MARKDOWN])
def test_every_relative_link_points_at_a_file_and_heading(path):
    for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        assert linked.exists(), f"{path.name}: link {target} points at no file"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{path.name}: no heading #{anchor} in {linked.name}"


# files the docs name that are not in the repository on purpose
NOT_IN_REPOSITORY = {"duaal.toml", "inhoud.json"}  # the user's settings; the reports' list


@pytest.mark.parametrize(
    "path", [RULES_MD, CONTRACTS_MD, ROOT / "docs" / "ARCHITECTURE.md"], ids=lambda p: p.name
)
def test_every_file_the_docs_name_exists(path):
    names = {p.name for p in _tracked_files()}
    for token in re.findall(r"`([\w./-]+\.(?:sql|py|toml|md|json))`", path.read_text("utf-8")):
        if token in NOT_IN_REPOSITORY:
            continue
        if "/" in token:
            assert (ROOT / token).exists(), f"{path.name} names {token}, which does not exist"
        else:
            assert token in names, f"{path.name} names {token}, which no file is called"


def _tracked_files() -> list[Path]:
    """The files git tracks (every project file when git is not at hand)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
        ).stdout
        return [ROOT / name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "data", "reports", "__pycache__"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)]


def _texts() -> dict[Path, str]:
    out = {}
    for path in _tracked_files():
        try:
            out[path] = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # not text, or deleted in the work tree
    return out


def test_no_file_points_at_a_spec_outside_the_project():
    outside = ("../" + "shared/", "/work/" + "shared")  # written in two parts: not a mention
    offenders = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path, text in _texts().items()
        for needle in outside
        if needle in text
    ]
    assert offenders == [], "the rule book and contract are docs/RULES.md and docs/CONTRACTS.md"


QUOTED = re.compile(r'\b(RULES|CONTRACTS)\.md,? \(?"([^"]+)"')


def test_every_section_the_code_quotes_is_in_the_docs():
    """A comment such as `(RULES.md, "Premium decision")` names a heading or phrase of
    docs/RULES.md: renaming a section there breaks no pointer silently."""
    docs = {"RULES": RULES, "CONTRACTS": CONTRACTS}
    missing = [
        f"{path.relative_to(ROOT)}: {doc}.md {quoted!r}"
        for path, text in _texts().items()
        if path.suffix in (".py", ".sql", ".toml")
        for doc, quoted in QUOTED.findall(text)
        # a quote wrapped over two lines of a comment or docstring
        if re.sub(r"\s+(?:--\s+|#\s+)?", " ", quoted) not in one_line(docs[doc])
    ]
    assert missing == []
