"""The benchmark modules stay readable: each under 500 lines, each function under 80."""

from __future__ import annotations

import ast
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def test_benchmark_modules_and_functions_are_short() -> None:
    too_long = []
    for path in sorted(BENCHMARKS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) >= MAX_MODULE_LINES:
            too_long.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines >= MAX_FUNCTION_LINES:
                    too_long.append(f"{path.name}:{node.name}: {lines} lines")
    assert too_long == []
    assert len(list(BENCHMARKS.glob("*.py"))) > 5, "the benchmarks are where they were"
