"""The Toelichting sheet: which run, which rules and parameters, which input files.

Auditors read it to see what produced a report; every parameter shown comes from the rule
configuration text the run recorded, not from the file as it is today.
"""

from __future__ import annotations

from collections.abc import Sequence

from duaal.workbooks.data import Row, RunInfo
from duaal.workbooks.labels import SOURCE_LABELS
from duaal.workbooks.style import Block, Column, Typed
from transforms.contracts import contract

SHEET = "Toelichting"
BATCH_STATUS = {"loaded": "ingelezen", "refused": "geweigerd"}

KEY_VALUE = (Column("Gegeven"), Column("Waarde"))
FILE_COLUMNS = (
    Column("Bron"),
    Column("Bestand"),
    Column("Blad"),
    Column("SHA-256"),
    Column("Status"),
    Column("Rijen gelezen", "int"),
    Column("Aanvaard", "int"),
    Column("In quarantaine", "int"),
    Column("Lege rijen", "int"),
    Column("Reden weigering"),
)


def run_rows(
    run: RunInfo, school_year: str | None, with_hash: bool = True
) -> list[tuple[str, object]]:
    """Run id, school year (None: a workbook of the whole run), reference date, times and
    versions."""
    rows: list[tuple[str, object]] = [
        ("Run-ID", run.run_id),
        *([("Schooljaar", school_year)] if school_year else []),
        ("Peildatum (as_of)", Typed(run.as_of, "date")),
        ("Run gestart", Typed(run.started_at, "datetime")),
        ("Run beëindigd", Typed(run.finished_at, "datetime")),
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
                "bedrag nog niet vastgelegd: de regelconfiguratie heeft nog geen bedragen voor "
                "dit schooljaar; een toegekende premie toont nog geen bedrag",
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


def file_rows(files: Sequence[Row]) -> list[tuple[object, ...]]:
    """One row per input file of the run."""
    return [
        (
            SOURCE_LABELS.get(f["source"], f["source"]),
            f["file_name"],
            f["sheet_name"],
            f["sha256"],
            BATCH_STATUS.get(f["status"], f["status"]),
            f["rows_read"],
            f["rows_accepted"],
            f["rows_quarantined"],
            f["rows_blank"],
            f["reason"],
        )
        for f in files
    ]


def toelichting_blocks(
    run: RunInfo,
    school_year: str | None,
    *,
    files: Sequence[Row] | None,
    codes: Sequence[tuple[str, str]] = (),
    codes_heading: str = "Codes",
    notes: Sequence[tuple[str, str]] = (),
    with_hash: bool = True,
    glossary: str | None = None,
    glossary_columns: Sequence[Column] = (),
) -> list[Block]:
    """Run and parameters, then notes, then input files (when given), then a code list,
    then (when a table is named) the meaning of its columns from its contract: of those
    glossary_columns shows (all of them when none are given)."""
    facts = [*run_rows(run, school_year, with_hash), *parameter_rows(run, school_year), *notes]
    blocks = [Block(KEY_VALUE, facts)]
    if files is not None:
        blocks.append(Block(FILE_COLUMNS, file_rows(files), heading="Invoerbestanden"))
    if codes:
        blocks.append(Block((Column("Code"), Column("Betekenis")), codes, heading=codes_heading))
    if glossary:
        blocks.append(
            Block(
                (Column("Gegeven"), Column("Betekenis")),
                glossary_rows(glossary, glossary_columns),
                heading="Begrippen",
            )
        )
    return blocks


def glossary_rows(table: str, shown: Sequence[Column] = ()) -> list[tuple[str, str]]:
    """Label and meaning of the columns of a mart, in its contract's order, as its contract
    describes them: those whose label is the header of a shown column (all when none are)."""
    headers = {c.header for c in shown}
    columns = contract(table).columns
    return [(c.label, c.meaning) for c in columns if not headers or c.label in headers]
