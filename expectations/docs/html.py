"""The HTML of the Data Docs: one page shell with its style inline, and tables.

No script, no font, no stylesheet or image from elsewhere: the pages open offline, in an
auditor's archive as on a closed network. Every text from the data is escaped by the caller
(`escape`) before it becomes a cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

SITE_TITLE = "Datakwaliteit duaal"

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 90em; line-height: 1.4; }
h1, h2, h3 { color: #1F4E78; }
h2 { margin-top: 1.6em; border-bottom: 2px solid #1F4E78; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #1F4E78; color: #fff; }
table.facts th { background: #eef3f8; color: #222; font-weight: normal; }
.nowrap { white-space: nowrap; }
.num { text-align: right; }
td.num { white-space: nowrap; }
tr.total td { font-weight: bold; background: #f2f2f2; }
.ok { color: #1b7a2e; font-weight: bold; }
.warn { color: #8a5300; font-weight: bold; }
.fail { color: #b00020; font-weight: bold; }
.headline { font-size: 1.15em; }
.muted { color: #555; }
.tech { display: block; margin-top: 0.2em; font-size: 0.8em; color: #666;
  font-family: monospace; overflow-wrap: anywhere; }
ul.examples { margin: 0; padding-left: 1.1em; }
ul.examples li + li { margin-top: 0.3em; }
details { margin: 0.6em 0; }
summary { cursor: pointer; font-weight: bold; color: #1F4E78; }
pre { font-family: monospace; white-space: pre-wrap; font-size: 0.85em; }
svg text { font-family: sans-serif; }
"""


@dataclass(frozen=True)
class Col:
    """A table column: its Dutch header, and whether it holds numbers (set to the right)."""

    header: str
    numeric: bool = False


def table(columns: Sequence[Col], rows: Iterable[Sequence[str]], total: Sequence[str] = ()) -> str:
    """An HTML table; the cells are HTML already. total: a last row in bold."""

    def cells(row: Sequence[str]) -> str:
        return "".join(
            f'<td class="num">{c}</td>' if col.numeric else f"<td>{c}</td>"
            for col, c in zip(columns, row, strict=True)
        )

    head = "".join(
        f'<th class="num">{escape(c.header)}</th>' if c.numeric else f"<th>{escape(c.header)}</th>"
        for c in columns
    )
    body = "".join(f"<tr>{cells(row)}</tr>\n" for row in rows)
    if total:
        body += f'<tr class="total">{cells(total)}</tr>\n'
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def facts(rows: Iterable[tuple[str, str]]) -> str:
    """A table of facts, each a Dutch name and its value (HTML already)."""
    body = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{v}</td></tr>\n' for k, v in rows)
    return f'<table class="facts">\n{body}</table>'


def tech(text: str) -> str:
    """Small print for the auditor: a technical name, parameters."""
    return f'<span class="tech">{escape(text)}</span>'


def span(text: str, css: str) -> str:
    """A text with a class (ok, warn, fail, muted)."""
    return f'<span class="{css}">{escape(text)}</span>' if css else escape(text)


def folded(summary: str, body: str, *, open_: bool = False, anchor: str = "") -> str:
    """A part the reader unfolds: <details>, no script needed. summary is HTML; anchor: an id
    a link can point to."""
    attributes = (f' id="{escape(anchor)}"' if anchor else "") + (" open" if open_ else "")
    return f"<details{attributes}><summary>{summary}</summary>\n{body}\n</details>"


def page(title: str, body: str, home: str) -> str:
    """A whole HTML page: inline style, no script, nothing loaded from elsewhere."""
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<p><a href="{home}">{escape(SITE_TITLE)}</a></p>\n<h1>{escape(title)}</h1>\n'
        f"{body}\n</body>\n</html>\n"
    )
