"""The Toelichting, the last sheet of every workbook: what the headers and codes mean, and
the technical data of the run that made the workbook (which run, which rules and
parameters, which input files).

Auditors and archivists read it to see what produced a report; every parameter shown comes
from the rule configuration text the run recorded, not from the file as it is today.
"""

from __future__ import annotations

from collections.abc import Sequence

from duaal.outputs.workbooks.data import Row, RunInfo
from duaal.outputs.workbooks.labels import SOURCE_LABELS
from duaal.outputs.workbooks.style import NOT_SET, Block, Field, Sheet, Typed
from transforms.contracts import contract

SHEET = "Toelichting"
PURPOSE = (
    "Wat de kolommen en codes betekenen, en de technische gegevens van de run die deze map "
    "maakte: de regels en parameters die golden en de ingelezen bestanden."
)
TITLE = "Toelichting: begrippen, codes en technische gegevens"
BATCH_STATUS = {"loaded": "ingelezen", "refused": "geweigerd"}

TOPIC = Field("Gegeven", width=28)
MEANING = Field("Betekenis", kind="wrap", width=92)
VALUE = Field("Waarde", kind="wrap", width=92)
CODE = Field("Code", width=28)


def _file_name(f: Row) -> str:
    source = SOURCE_LABELS.get(f["source"], f["source"])
    sheet = f", blad {f['sheet_name']}" if f["sheet_name"] else ""
    return f"{source}: {f['file_name']}{sheet}"


def _file_summary(f: Row) -> str:
    """What the run read from a file, in one sentence."""
    if f["status"] == "refused":
        return f"geweigerd: {f['reason'] or 'onbekende reden'}"
    rows = f["rows_read"]
    text = f"ingelezen: {rows} {'rij' if rows == 1 else 'rijen'} gelezen, {f['rows_accepted']} "
    text += f"aanvaard, {f['rows_quarantined']} in quarantaine, {f['rows_blank']} leeg"
    return text + f"; SHA-256 {f['sha256']}"


# on paper one line per file; the counts as numbers on the screen, to filter and add up
FILE_FIELDS = (
    Field("file", "Bestand", width=28, value=_file_name),
    Field("summary", "Wat de run las", kind="wrap", width=92, value=_file_summary),
    Field(
        "source", "Bron", paper=False, value=lambda f: SOURCE_LABELS.get(f["source"], f["source"])
    ),
    Field("file_name", "Bestandsnaam", paper=False),
    Field("sheet_name", "Blad", paper=False),
    Field("sha256", "SHA-256", paper=False),
    Field(
        "status", "Status", paper=False, value=lambda f: BATCH_STATUS.get(f["status"], f["status"])
    ),
    Field("rows_read", "Rijen gelezen", "int", paper=False),
    Field("rows_accepted", "Aanvaard", "int", paper=False),
    Field("rows_quarantined", "In quarantaine", "int", paper=False),
    Field("rows_blank", "Lege rijen", "int", paper=False),
    Field("reason", "Reden weigering", paper=False),
)


def run_rows(
    run: RunInfo, school_year: str | None, with_hash: bool = True, final: bool = False
) -> list[tuple[str, object]]:
    """Run id, school year (None: a workbook of the whole run), reference date (not in a
    final school year's workbook, final: it is kept across days), start and versions. (The
    run ends after its reports: its end time is in `duaal runs`.)"""
    rows: list[tuple[str, object]] = [
        ("Run", run.run_id),
        *([("Schooljaar", school_year)] if school_year else []),
        *([] if final else [("Peildatum", Typed(run.as_of, "date"))]),
        ("Run gestart", Typed(run.started_at, "datetime")),
        ("Versie regelconfiguratie", run.config.version),
    ]
    if with_hash:
        rows.append(("SHA-256 regelconfiguratie", run.rule_config_hash))
        rows.append(("Codeversie", run.code_version or "onbekend"))
    return rows


def parameter_rows(run: RunInfo, school_year: str | None) -> list[tuple[str, object]]:
    """The main rule parameters, in Dutch, as the run recorded them."""
    p, c = run.config.premium, run.config.compliance
    amounts = run.config.amounts_of(school_year) if school_year else None
    rows: list[tuple[str, object]] = [
        ("Eerste premiejaar (vroegere jaren: stagebonus)", p.first_school_year),
        (
            "Registratie in werkplekduaal uiterlijk",
            f"{p.registration_deadline_months} maanden na de startdatum",
        ),
        ("Minimum gedekte maanden opleiding", Typed(p.min_months_covered, "int")),
        ("Maximum aantal premies per lerende en onderneming", Typed(p.max_premiums, "int")),
        ("Dimona-types die tellen", ", ".join(p.counted_dimona_types)),
    ]
    if amounts:
        rows += [
            (f"Premie {school_year} met leervergoeding", Typed(amounts.paid_eur, "eur")),
            (f"Premie {school_year} zonder leervergoeding", Typed(amounts.unpaid_eur, "eur")),
        ]
    elif school_year:  # AMOUNTS_MISSING: decided all the same, an eligible one with 0
        rows.append(
            (
                f"Premie {school_year}",
                f"{NOT_SET}: de regelconfiguratie heeft nog geen bedragen voor dit schooljaar; "
                "een toegekende premie toont nog geen bedrag",
            )
        )
    rows += [
        ("Registratie binnenkort verschuldigd: binnen (dagen)", c.registration_due_days),
        ("Mentoropleiding binnen (maanden na erkenning)", c.mentor_training_months),
        ("Maximum lopende overeenkomsten per mentor", c.mentor_max_agreements),
        ("Minimumleeftijd mentor (jaar)", c.mentor_min_age),
        ("Minimum ervaring mentor (jaar)", c.mentor_min_experience_years),
        ("Minimum uren per week voor een OAO", c.oao_min_hours_per_week),
        ("Maximale duur van een overeenkomst (maanden)", c.max_agreement_months),
        ("Controle Dimona-type voor OAO's vanaf", Typed(c.dimona_type_check_from, "date")),
        ("Actiris-mentorpremie per jaar (Brussel)", Typed(c.actiris_mentor_premium_eur, "eur")),
        ("Actiris: maximum lerenden per mentor", c.actiris_max_learners),
    ]
    return [(k, v if isinstance(v, Typed | str) else Typed(v, "int")) for k, v in rows]


def toelichting_sheet(
    run: RunInfo,
    school_year: str | None,
    *,
    files: Sequence[Row] | None,
    codes: Sequence[tuple[str, str]] = (),
    codes_heading: str = "Codes",
    with_hash: bool = True,
    glossary: str | None = None,
    glossary_fields: Sequence[Field] = (),
    notes: Sequence[tuple[str, str]] = (),
    final: bool = False,
) -> Sheet:
    """The last sheet: the meaning of the mart columns the workbook shows (from its
    contract), the codes with their meaning (as the CSV exports write them), notes, then the
    run (of a final school year's workbook, final, without its as_of), its parameters and
    (when given) its input files."""
    blocks: list[Block] = []
    if glossary:
        rows = glossary_rows(glossary, glossary_fields)
        blocks.append(Block((TOPIC, MEANING), rows, heading="Begrippen"))
    if codes:
        heading = f"{codes_heading} (zoals de CSV-export ze schrijft)"
        blocks.append(Block((CODE, MEANING), list(codes), heading=heading))
    if notes:
        blocks.append(Block((TOPIC, MEANING), list(notes), heading="Opmerkingen"))
    facts = run_rows(run, school_year, with_hash, final)
    blocks.append(Block((TOPIC, VALUE), facts, heading="De run"))
    params = parameter_rows(run, school_year)
    blocks.append(Block((TOPIC, VALUE), params, heading="Regels en parameters van de run"))
    if files is not None:
        blocks.append(
            Block(
                FILE_FIELDS, list(files), heading="Invoerbestanden", empty="Geen invoerbestanden."
            )
        )
    return Sheet(SHEET, PURPOSE, blocks, title=TITLE)


def glossary_rows(table: str, shown: Sequence[Field] = ()) -> list[tuple[str, str]]:
    """The header and meaning of each shown field that shows a column of the mart, in the
    contract's order, as its contract describes the column (every column, under its label,
    when no fields are given)."""
    columns = contract(table).columns
    if not shown:
        return [(c.label, c.meaning) for c in columns]
    headers: dict[str, list[str]] = {}
    for f in shown:  # a field named after a column shows it (perhaps in other words)
        named = headers.setdefault(f.name, [])
        if f.header not in named:
            named.append(f.header)
    return [(h, c.meaning) for c in columns for h in headers.get(c.name, [])]
