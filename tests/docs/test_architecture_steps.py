"""docs/ARCHITECTURE.md, "Adding things, step by step", stays true where a test can tell:
the recipes are there, numbered; every file and name they point at (`path::name`) exists;
and what the recipe for a command and for an input column promises holds for every command
and source today."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from cli.commands import COMMANDS
from sample.rows import cells_of
from transforms.contracts import contract
from transforms.sources import SOURCES

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
RECIPES = ("An input column", "A refusal reason", "A finding", "A workbook sheet", "A command")


def _steps_section() -> str:
    start = TEXT.index("## Adding things, step by step")
    end = TEXT.index("\n## ", start + 1)
    return TEXT[start:end]


def _recipe(title: str) -> str:
    section = _steps_section()
    start = section.index(f"### {title}\n")
    end = section.find("\n### ", start + 1)
    return section[start : end if end != -1 else None]


@pytest.mark.parametrize("title", RECIPES)
def test_each_recipe_is_there_in_numbered_steps(title):
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", _recipe(title), re.M)]
    assert numbers and numbers == list(range(1, len(numbers) + 1)), title


REFERENCES = sorted(set(re.findall(r"`([\w./-]+\.py)::([\w.]+)`", _steps_section())))


def test_the_recipes_point_at_names():
    assert len(REFERENCES) >= 10


@pytest.mark.parametrize("path, name", REFERENCES, ids=[f"{p}::{n}" for p, n in REFERENCES])
def test_every_name_a_recipe_points_at_exists(path, name):
    assert (ROOT / path).is_file(), f"ARCHITECTURE.md names {path}, which does not exist"
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    target: object = module
    for part in name.split("."):
        assert hasattr(target, part), f"{path} has no {name}"
        target = getattr(target, part)


@pytest.mark.parametrize("command", COMMANDS, ids=[c.NAME for c in COMMANDS])
def test_every_command_is_a_module_as_the_recipe_says(command):
    assert command.__name__ == f"cli.commands.{command.NAME}"
    assert isinstance(command.HELP, str) and command.HELP
    assert callable(command.add_arguments) and callable(command.run)


@pytest.mark.parametrize("source", SOURCES, ids=[s.folder for s in SOURCES])
def test_a_source_column_is_declared_once_and_read_from_there(source):
    """The staging contract lists the source's columns (after the lineage), and the sample
    orders a row by the declaration, leaving a column it does not make empty."""
    staged = [c.name for c in contract(source.staging).columns]
    assert staged[-len(source.columns) :] == [c.name for c in source.columns]
    first = source.columns[0].name
    assert cells_of(source, {first: "x"}) == ["x"] + [None] * (len(source.columns) - 1)
    with pytest.raises(KeyError, match="no column"):
        cells_of(source, {"no_such_column": 1})
