"""A story as lines with a level, and its three forms: text, Markdown and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["text", "markdown", "json"]

TITLE, HEADING, LINE, SUBLINE = 0, 1, 2, 3


@dataclass
class Story:
    """Lines of a story: (level, text); level 0 title, 1 heading, 2 line, 3 sub-line. `data`
    is what the JSON form gives, for tools."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, level: int, text: str) -> None:
        self.lines.append((level, text))

    def section(self, heading: str, lines: Iterable[str]) -> None:
        """A heading and its lines."""
        self.add(HEADING, heading)
        for line in lines:
            self.add(LINE, line)

    def text(self) -> str:
        out = []
        for level, line in self.lines:
            if level == TITLE:
                out += [line, "=" * len(line)]
            elif level == HEADING:
                out += ["", line, "-" * len(line)]
            else:
                out.append("  " * (level - LINE) + ("- " if level == SUBLINE else "") + line)
        return "\n".join(out) + "\n"

    def markdown(self) -> str:
        out = []
        for level, line in self.lines:
            if level == TITLE:
                out += [f"# {line}", ""]
            elif level == HEADING:
                out += ["", f"## {line}", ""]
            elif level == LINE:
                out.append(f"- {line}")
            else:
                out.append(f"  - {line}")
        return "\n".join(out) + "\n"

    def json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2, default=str) + "\n"

    def render(self, fmt: Format) -> str:
        return {"text": self.text, "markdown": self.markdown, "json": self.json}[fmt]()
