"""The four exports: their headers, the typed columns they load into, and their natural keys.

This is the single description of the inputs (CONTRACTS.md) that the reader, the loader,
the sample generator and the staging models share. Each column has the header an export
carries, the snake_case name it gets in DuckDB, a kind that says how its value is parsed,
whether its value is required (an empty cell sends the row to quarantine), and whether
the column may be absent from a file (only Dimona's `RSZ-nummer`, which no rule reads).
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of values and the DuckDB type each one loads into.
KIND_SQL_TYPE: dict[str, str] = {
    "text": "VARCHAR",
    "date": "DATE",
    "datetime_date": "DATE",  # a date or date-time, reduced to its date
    "decimal": "DECIMAL(18, 6)",  # kept exactly as given: 19,996 hours stay 19.996
    "integer": "INTEGER",
    "bool": "BOOLEAN",  # yes/no forms; empty = no
    "insz": "VARCHAR",  # 11 digits, checksum valid
    "kbo": "VARCHAR",  # 10 digits, checksum valid
    "iban": "VARCHAR",  # BE + 14 digits, mod-97 valid
    "postcode": "INTEGER",  # 4 digits, 1000-9999
    "agreement_type": "VARCHAR",  # OAO or SAO
    "dimona_status": "VARCHAR",  # Actief or Geannuleerd
    "premium_kind": "VARCHAR",  # stagebonus or premie
    "worker_type": "VARCHAR",  # upper case: ALT, OTH, RTA, STU, FLX, ...
    "school_year": "VARCHAR",  # 2022-2023
}


@dataclass(frozen=True)
class Column:
    header: str  # as the export spells it (CONTRACTS.md)
    name: str  # column name in DuckDB
    kind: str  # a key of KIND_SQL_TYPE
    # whether a row's value is required: an empty cell sends the row to quarantine. This
    # is about a value only: an export that lacks the column itself is refused whole
    required: bool = True
    # whether the column itself may be missing from a file (its values are then empty).
    # Only for a column no rule reads: a re-export without an optional column such as
    # `IBAN onderneming` would otherwise wipe out that value of every row (CONTRACTS.md)
    may_be_absent: bool = False
    # a date column where a day in the year 9999 means open-ended: stored as NULL, like an
    # empty cell (Dimona end dates, CONTRACTS.md); elsewhere 9999 is an implausible date
    open_end: bool = False
    # personal data: the INSZ column of the person whose data this is. `duaal purge` removes
    # it with that person; `duaal diff` names a change of it, never its values
    person: str = ""

    @property
    def sql_type(self) -> str:
        return KIND_SQL_TYPE[self.kind]


@dataclass(frozen=True)
class Source:
    """One export, with every name it goes by: its folder under data/raw/ (the name the
    checks and the quarantine use), its ingest table, its staging model (also the name of
    its table contract and validation suite), and this module's constant."""

    folder: str  # folder under data/raw/
    staging: str  # staging model transforms/staging/<staging>.sql, its contract and suite
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # natural key, as column names
    # how a message names a row by its key: (English, Dutch), e.g. ("agreement", "overeenkomst")
    key_words: tuple[str, str]
    # pairs (earlier, later) of date columns where later < earlier is END_BEFORE_START
    date_order: tuple[tuple[str, str], ...] = ()
    # without it no decision can be trusted (SOURCE_MISSING is an error, else a warning)
    required: bool = True

    @property
    def table(self) -> str:
        """The append-only ingest table: every accepted row of every batch."""
        return f"ingest_{self.folder}"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# Lineage columns every ingest table carries, in front of the typed columns.
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("batch_id", "INTEGER"),
    ("file_name", "VARCHAR"),
    ("sheet_name", "VARCHAR"),
    ("row_number", "INTEGER"),
)

# Columns several exports carry alike (the same header, name and kind), declared once: the
# keys on which their rows meet, and the mentor's name, personal data wherever it stands.
COMPANY_KBO = Column("Ondernemingsnummer", "company_kbo", "kbo")
ESTABLISHMENT_ID = Column("Vestigingseenheidsnummer", "establishment_id", "text")
TRAINING = Column("Opleiding", "training", "text")
LEARNER_INSZ = Column("INSZ lerende", "learner_insz", "insz")
MENTOR_INSZ = Column("INSZ mentor", "mentor_insz", "insz")
MENTOR_NAME = Column("Naam mentor", "mentor_name", "text", person="mentor_insz")
JOINT_COMMITTEE = Column("Paritair comité", "joint_committee", "text")

AGREEMENTS = Source(
    folder="overeenkomsten",
    staging="stg_werkplekduaal__agreements",
    key=("agreement_id",),
    key_words=("agreement", "overeenkomst"),
    date_order=(("start_date", "end_date"), ("start_date", "termination_date")),
    columns=(
        Column("Overeenkomst-ID", "agreement_id", "text"),
        Column("Type overeenkomst", "agreement_type", "agreement_type"),
        Column("Startdatum", "start_date", "date"),
        Column("Einddatum", "end_date", "date"),
        Column("Datum beëindiging", "termination_date", "date", required=False),
        Column("Datum registratie", "registration_date", "date", required=False),
        Column("Uren per week", "hours_per_week", "decimal"),
        Column("Leervergoeding", "learning_allowance", "bool"),
        Column("Toestemming premie", "premium_consent", "bool"),
        Column("IBAN onderneming", "company_iban", "iban", required=False, person="learner_insz"),
        LEARNER_INSZ,
        Column("Naam lerende", "learner_name", "text", person="learner_insz"),
        Column("Geboortedatum lerende", "learner_birth_date", "date", person="learner_insz"),
        COMPANY_KBO,
        Column("Naam onderneming", "company_name", "text"),
        ESTABLISHMENT_ID,
        Column("Postcode vestiging", "establishment_postcode", "postcode"),
        Column("Gemeente vestiging", "establishment_municipality", "text"),
        TRAINING,
        Column("Opleidingsverstrekker", "training_provider", "text"),
        MENTOR_INSZ,
        MENTOR_NAME,
        JOINT_COMMITTEE,
    ),
)

DIMONA = Source(
    folder="dimona",
    staging="stg_dimona__periods",
    key=("dimona_id",),
    key_words=("Dimona period", "Dimona-periode"),
    date_order=(("start_date", "end_date"),),
    columns=(
        Column("Dimona-nummer", "dimona_id", "text"),
        COMPANY_KBO,
        Column("RSZ-nummer", "rsz_number", "text", required=False, may_be_absent=True),
        Column("INSZ werknemer", "worker_insz", "insz"),
        Column("Type werknemer", "worker_type", "worker_type"),
        Column("Begindatum", "start_date", "date"),
        Column("Einddatum", "end_date", "date", required=False, open_end=True),
        Column("Datum aangifte", "declared_on", "datetime_date"),
        JOINT_COMMITTEE,
        Column("Status", "status", "dimona_status"),
    ),
)

RECOGNITIONS = Source(
    folder="erkenningen",
    staging="stg_werkplekduaal__recognitions",
    key=("recognition_id", "mentor_insz"),
    key_words=("recognition", "erkenning"),
    columns=(
        Column("Erkenningsnummer", "recognition_id", "text"),
        COMPANY_KBO,
        ESTABLISHMENT_ID,
        TRAINING,
        Column("Datum erkenning", "recognition_date", "date"),
        MENTOR_INSZ,
        MENTOR_NAME,
        Column("Geboortedatum mentor", "mentor_birth_date", "date", person="mentor_insz"),
        Column("Jaren ervaring", "years_experience", "integer"),
        Column("Datum mentoropleiding", "mentor_training_date", "date", required=False),
        Column("Vrijstelling mentoropleiding", "mentor_training_exempt", "bool"),
    ),
)

PREMIUMS = Source(
    folder="premies",
    staging="stg_mtech__premiums_paid",
    key=("school_year", "company_kbo", "learner_insz", "kind"),
    key_words=("premium history of school year", "premiehistoriek van schooljaar"),
    required=False,  # a sector may have no premium history
    columns=(
        Column("Schooljaar", "school_year", "school_year"),
        COMPANY_KBO,
        LEARNER_INSZ,
        Column("Soort", "kind", "premium_kind"),
        Column("Bedrag", "amount_eur", "decimal"),
        Column("Datum uitbetaling", "paid_on", "date"),
    ),
)

SOURCES: tuple[Source, ...] = (AGREEMENTS, DIMONA, RECOGNITIONS, PREMIUMS)
SOURCES_BY_FOLDER: dict[str, Source] = {s.folder: s for s in SOURCES}

# the columns that hold an INSZ, in the sources' order, and per INSZ column the personal
# data that goes with that person (Column.person): what purge removes, what diff never shows
INSZ_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(c.name for s in SOURCES for c in s.columns if c.kind == "insz")
)
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    insz: tuple(dict.fromkeys(c.name for s in SOURCES for c in s.columns if c.person == insz))
    for insz in INSZ_COLUMNS
}


def ingest_table_ddl(source: Source) -> str:
    """CREATE TABLE statement of a source's append-only ingest table."""
    cols = [f"{n} {t}" for n, t in LINEAGE_COLUMNS]
    cols += [f"{c.name} {c.sql_type}" for c in source.columns]
    return f"CREATE TABLE IF NOT EXISTS {source.table} (\n    " + ",\n    ".join(cols) + "\n)"
