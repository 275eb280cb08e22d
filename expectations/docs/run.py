"""A run's page (validations/<run>.html): its facts, a summary per table, the failed
expectations first, what reading refused, then every expectation by table (folded)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from itertools import groupby

import duckdb

from expectations.docs.data import InputFile, Result, RunLine, input_files, results
from expectations.docs.html import Col, facts, folded, page, span, table, tech
from expectations.docs.reading import reading_section
from expectations.docs.wording import (
    CONTRACT_CHECK,
    contract_problem,
    count_nl,
    counted,
    examples,
    outcome,
    position,
    sentence,
    technical,
    title,
    value_nl,
    when,
    why,
)
from transforms.contracts import contract

LAYERS = (
    ("staging", "Ingelezen gegevens (staging)"),
    ("mart", "Uitkomsten van de regels (marts)"),
)


def anchor(table_name: str) -> str:
    """The id of a table's part of the page."""
    return "tabel-" + re.sub(r"[^A-Za-z0-9_-]", "_", table_name)


def _facts(line: RunLine, found: Sequence[Result], files: Sequence[InputFile]) -> str:
    text, css = outcome(line)
    shown = facts(
        [
            ("Run", escape(line.run_id)),
            ("Gestart", escape(when(line.started_at, seconds=True))),
            ("Peildatum", escape(value_nl(line.as_of) if line.as_of else "onbekend")),
            ("Uitkomst van de run", span(text, css)),
        ]
    )
    failed = sum(not r.success for r in found)
    checked = (
        f"{counted(len(found), 'verwachting', 'verwachtingen')} gecontroleerd, "
        f"{span(f'{count_nl(failed)} mislukt', 'fail' if failed else 'ok')}."
        if found
        else "Geen verwachting gecontroleerd: de run stopte vóór de validatie."
    )
    refused = sum(f.rows_quarantined for f in files)
    reading = (
        f"{span(counted(refused, 'rij', 'rijen') + ' geweigerd', 'warn' if refused else 'ok')} "
        f"bij het inlezen van {counted(len(files), 'bestand', 'bestanden')}"
    )
    files_refused = sum(f.status == "refused" for f in files)
    if files_refused:
        reading += ", " + span(
            counted(files_refused, "bestand", "bestanden") + " geweigerd", "fail"
        )
    return f'{shown}\n<p class="headline">{checked} {reading}.</p>'


def _per_table(found: Sequence[Result]) -> str:
    parts = ["<h2>Samenvatting per tabel</h2>"]
    columns = (
        Col("Tabel"),
        Col("Verwachtingen", True),
        Col("Geslaagd", True),
        Col("Mislukt", True),
        Col("Rijen gecontroleerd", True),
    )
    for layer, heading in LAYERS:
        rows, checks_total, failed_total = [], 0, 0
        for name, group in groupby((r for r in found if r.layer == layer), lambda r: r.table):
            checks = list(group)
            failed = sum(not r.success for r in checks)
            counts = [r.element_count for r in checks if r.element_count is not None]
            checks_total, failed_total = checks_total + len(checks), failed_total + failed
            rows.append(
                (
                    f'<a href="#{anchor(name)}">{escape(title(name))}</a>',
                    count_nl(len(checks)),
                    count_nl(len(checks) - failed),
                    span(count_nl(failed), "fail") if failed else "0",
                    count_nl(max(counts)) if counts else "–",
                )
            )
        if rows:
            total = (
                "Totaal",
                count_nl(checks_total),
                count_nl(checks_total - failed_total),
                span(count_nl(failed_total), "fail") if failed_total else "0",
                "",
            )
            parts += [f"<h3>{escape(heading)}</h3>", table(columns, rows, total)]
    parts.append(
        '<p class="muted">Een mislukte verwachting op een uitkomst stopt de run; een mislukte '
        "verwachting op ingelezen gegevens wordt gemeld en de run gaat verder.</p>"
    )
    return "\n".join(parts)


def _deviating(r: Result) -> str:
    if r.expectation == CONTRACT_CHECK:
        return counted(r.unexpected_count or 0, "afwijking", "afwijkingen")
    if r.unexpected_count is None:
        return "niet te tellen"
    if r.element_count is None:
        return count_nl(r.unexpected_count)
    return f"{count_nl(r.unexpected_count)} van {counted(r.element_count, 'rij', 'rijen')}"


def _list(texts: Iterable[str]) -> str:
    """Texts one under the other, each its own item."""
    items = "".join(f"<li>{escape(text)}</li>" for text in texts)
    return f'<ul class="examples">{items}</ul>' if items else ""


def _examples(r: Result) -> str:
    if r.expectation == CONTRACT_CHECK:
        return _list(contract_problem(str(p)) for p in r.examples)
    if r.unexpected_count is None and r.examples:  # the check itself could not run
        return "De controle kon niet worden uitgevoerd." + tech("; ".join(map(str, r.examples)))
    return _list(examples(r.table, r.kwargs, r.examples))


def _expectation(r: Result) -> str:
    return escape(sentence(r.table, r.expectation, r.kwargs)) + tech(
        technical(r.expectation, r.kwargs)
    )


def _failures(found: Sequence[Result]) -> str:
    failed = sorted(
        (r for r in found if not r.success),
        key=lambda r: (r.layer != "staging", r.table, position(r.table, r.expectation, r.kwargs)),
    )
    if not failed:
        return (
            '<h2>Mislukte verwachtingen</h2>\n<p class="ok">Geen: elke verwachting is geslaagd.</p>'
        )
    columns = (
        Col("Tabel"),
        Col("Verwachting"),
        Col("Waarom"),
        Col("Afwijkend", True),
        Col("Voorbeelden"),
    )
    rows = (
        (
            f'<a href="#{anchor(r.table)}">{escape(title(r.table))}</a>',
            _expectation(r),
            escape(why(r.table, r.expectation, r.kwargs)),
            escape(_deviating(r)),
            _examples(r),
        )
        for r in failed
    )
    note = (
        '<p class="muted">De voorbeelden tonen tot tien afwijkende waarden zoals de tabel ze '
        "bevat; ze kunnen persoonsgegevens zijn.</p>"
    )
    return f"<h2>Mislukte verwachtingen</h2>\n{table(columns, rows)}\n{note}"


def _result_row(r: Result) -> tuple[str, ...]:
    return (
        _expectation(r),
        escape(why(r.table, r.expectation, r.kwargs)),
        span("geslaagd", "ok") if r.success else span("mislukt", "fail"),
        "–" if r.element_count is None else count_nl(r.element_count),
        "" if r.success else escape(_deviating(r)),
    )


def _per_table_detail(found: Sequence[Result]) -> str:
    parts = ["<h2>Alle verwachtingen per tabel</h2>"]
    columns = (
        Col("Verwachting"),
        Col("Waarom"),
        Col("Resultaat"),
        Col("Rijen", True),
        Col("Afwijkend", True),
    )
    for name, group in groupby(found, lambda r: r.table):
        checks = sorted(
            group, key=lambda r: (r.success, position(r.table, r.expectation, r.kwargs))
        )
        failed = sum(not r.success for r in checks)
        status = (
            span(f"{count_nl(failed)} mislukt", "fail") if failed else span("alle geslaagd", "ok")
        )
        summary = (
            f"{escape(title(name))} — {counted(len(checks), 'verwachting', 'verwachtingen')}, "
            f"{status}"
        )
        try:
            notes = f"<p>{escape(contract(name).notes)}</p>"
        except KeyError:
            notes = ""
        body = (
            f'{tech(name)}{notes}<p><a href="../expectations/{escape(name)}.html">Waaraan deze '
            "tabel moet voldoen, en de betekenis van haar kolommen</a></p>\n"
            + table(columns, map(_result_row, checks))
        )
        parts.append(folded(summary, body, open_=bool(failed), anchor=anchor(name)))
    return "\n".join(parts)


def run_page(con: duckdb.DuckDBPyConnection, line: RunLine) -> str:
    """One run's page."""
    found = results(con, line.run_id)
    files = input_files(con, line.run_id)
    body = [_facts(line, found, files)]
    if found:
        body += [_per_table(found), _failures(found)]
    body.append(reading_section(files))
    if found:
        body.append(_per_table_detail(found))
    return page(f"Validatie van run {line.run_id}", "\n".join(body), "../index.html")
