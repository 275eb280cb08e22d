"""What reading refused, on a run's page: per file the rows read, accepted, refused and blank;
the refused rows per reason (the Dutch label of the code registry) by row number; the refused
files with their Dutch reason.

Rows are named by file and row number, never by their values: a quarantine detail quotes
the value it refused ("INSZ lerende '08.02.01-133.49': controlecijfer klopt niet"), a national
number among them, and this page adds none to the ones the validation examples may show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from expectations.docs.data import InputFile
from expectations.docs.html import Col, folded, span, table
from expectations.docs.wording import count_nl, counted, join_nl, when

MAX_ROW_NUMBERS = 15  # row numbers listed per file and reason; the rest is counted

FILE_COLUMNS = (
    Col("Bron"),
    Col("Bestand"),
    Col("Werkblad"),
    Col("Ingelezen op"),
    Col("Gelezen", True),
    Col("Aanvaard", True),
    Col("Geweigerd", True),
    Col("Leeg", True),
)


def row_numbers(numbers: Sequence[int]) -> str:
    """'rij 4', 'rijen 4, 18 en 22', 'rijen 4, 5, ... en 12 andere'."""
    shown = [str(n) for n in numbers[:MAX_ROW_NUMBERS]]
    rest = len(numbers) - len(shown)
    text = ", ".join(shown) + f" en {count_nl(rest)} andere" if rest else join_nl(shown)
    return f"{'rij' if len(numbers) == 1 else 'rijen'} {text}"


def _loaded(f: InputFile) -> str:
    return f'<span class="nowrap">{escape(when(f.loaded_at))}</span>' + (
        " (nieuw)" if f.new else ""
    )


def _file_row(f: InputFile) -> tuple[str, ...]:
    refused = " " + span("(bestand geweigerd)", "fail") if f.status == "refused" else ""
    return (
        escape(f.source),
        escape(f.file_name) + refused,
        escape(f.sheet_name or ""),
        _loaded(f),
        count_nl(f.rows_read),
        count_nl(f.rows_accepted),
        span(count_nl(f.rows_quarantined), "warn") if f.rows_quarantined else "0",
        count_nl(f.rows_blank),
    )


def _summary(files: Sequence[InputFile]) -> str:
    new = sum(f.new for f in files)
    read, accepted, refused, blank = (
        sum(f.rows_read for f in files),
        sum(f.rows_accepted for f in files),
        sum(f.rows_quarantined for f in files),
        sum(f.rows_blank for f in files),
    )
    files_refused = sum(f.status == "refused" for f in files)
    refused_files = (
        span(counted(files_refused, "bestand", "bestanden") + " geweigerd", "fail")
        if files_refused
        else "geen bestand geweigerd"
    )
    return (
        f"<p>Deze run gebruikte {counted(len(files), 'bestand', 'bestanden')} "
        f"({count_nl(new)} nieuw): {counted(read, 'rij', 'rijen')} gelezen, "
        f"{count_nl(accepted)} aanvaard, {span(count_nl(refused) + ' geweigerd', 'warn' if refused else 'ok')} "
        f"en {count_nl(blank)} leeg; {refused_files}.</p>"
    )


def _refused_files(files: Sequence[InputFile]) -> str:
    refused = [f for f in files if f.status == "refused"]
    if not refused:
        return ""
    rows = (
        (escape(f.source), escape(f.file_name), _loaded(f), escape(f.reason or "onbekend"))
        for f in refused
    )
    columns = (Col("Bron"), Col("Bestand"), Col("Ingelezen op"), Col("Waarom geweigerd"))
    return "<h3>Geweigerde bestanden</h3>\n" + table(columns, rows)


def _per_reason(files: Sequence[InputFile]) -> str:
    rows: Counter[str] = Counter()
    in_files: Counter[str] = Counter()
    for f in files:
        for r in f.refusals:
            rows[r.label] += len(r.row_numbers)
            in_files[r.label] += 1
    if not rows:
        return ""
    lines = (
        (escape(reason), count_nl(n), count_nl(in_files[reason]))
        for reason, n in rows.most_common()
    )
    columns = (Col("Reden"), Col("Rijen", True), Col("Bestanden", True))
    note = (
        '<p class="muted">Een rij kan om meer dan één reden geweigerd zijn en telt dan bij elke '
        "reden.</p>"
        if sum(rows.values()) > sum(f.rows_quarantined for f in files)
        else ""
    )
    return "<h3>Geweigerde rijen per reden</h3>\n" + table(columns, lines) + note


def _per_file_and_reason(files: Sequence[InputFile]) -> str:
    names = Counter((f.source, f.file_name) for f in files)

    def name(f: InputFile) -> str:  # a file delivered again: which version
        again = names[f.source, f.file_name] > 1
        return f.file_name + (f" (versie van {when(f.loaded_at)})" if again else "")

    lines = [
        (
            escape(name(f)),
            escape(r.label),
            count_nl(len(r.row_numbers)),
            row_numbers(r.row_numbers),
        )
        for f in files
        for r in f.refusals
    ]
    if not lines:
        return ""
    columns = (Col("Bestand"), Col("Reden"), Col("Rijen", True), Col("Rijnummers"))
    return folded(
        escape(f"Rijnummers per bestand en reden ({counted(len(lines), 'regel', 'regels')})"),
        table(columns, lines)
        + '<p class="muted">Rijnummers zoals het rekenblad ze toont (bij CSV: het regelnummer, '
        "de kopregel meegeteld). De waarden van de rijen staan niet op deze pagina, want ze "
        "kunnen rijksregisternummers zijn: wat er met elke rij mis is, staat in het "
        "conformiteitsrapport van de run.</p>",
    )


def reading_section(files: Sequence[InputFile]) -> str:
    """The part of a run's page about reading its files."""
    parts = ["<h2>Geweigerd bij het inlezen</h2>"]
    if not files:
        return parts[0] + "\n<p>Deze run las geen bestanden.</p>"
    parts += [_summary(files), _refused_files(files), _per_reason(files)]
    problems = [f for f in files if f.status == "refused" or f.rows_quarantined]
    clean = [f for f in files if not (f.status == "refused" or f.rows_quarantined)]
    parts.append("<h3>Per bestand</h3>")
    if problems:
        parts.append(table(FILE_COLUMNS, map(_file_row, problems)))
    if clean:
        parts.append(
            folded(
                escape(counted(len(clean), "bestand", "bestanden") + " zonder geweigerde rijen"),
                table(FILE_COLUMNS, map(_file_row, clean)),
                open_=not problems,
            )
        )
    names = Counter((f.source, f.file_name) for f in files)
    again = (
        " Een bestand dat opnieuw werd aangeleverd, vervangt zijn vorige versie helemaal; een "
        "geweigerde versie vervangt niets en staat hier naast de versie die de run gebruikt."
        if max(names.values()) > 1
        else ""
    )
    parts.append(f'<p class="muted">Nieuw: voor het eerst ingelezen voor deze run.{again}</p>')
    parts.append(_per_file_and_reason(files))
    return "\n".join(p for p in parts if p)
