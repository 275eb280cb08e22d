"""The Leeswijzer, the first sheet of every workbook: what the workbook is for, for whom and
as of when, each sheet with one line on what it is for (from the sheets' own declarations,
so the list cannot drift from the sheets written), the signs a reader meets, and how to read
the figures. The run's technical data is on the last sheet (Toelichting)."""

from __future__ import annotations

from collections.abc import Sequence

from duaal.outputs.workbooks.style import About, Block, Field, Page, Sheet
from transforms.school_years import school_year_end

SHEET = "Leeswijzer"
TOPIC = Field("Onderwerp", width=28)
TEXT = Field("Uitleg", kind="wrap", width=92)
LIST = (Field("Blad", kind="sheet", width=28), Field("Waarvoor", kind="wrap", width=92))
SIGN = (Field("Teken of schrijfwijze", width=28), Field("Betekenis", kind="wrap", width=92))
# how a workbook with personal data writes identifiers
IDENTIFIERS: tuple[tuple[str, str], ...] = (
    ("0123.456.789", "Ondernemingsnummer (KBO), zoals het op documenten staat."),
    (
        "85.07.30-033.28",
        "INSZ (rijksregisternummer). Een code die met P begint (P...) vervangt het INSZ van "
        "iemand wiens gegevens niet meer bewaard worden.",
    ),
)
# what every workbook may show
LEGEND: tuple[tuple[str, str], ...] = (
    ("Ja / Nee", "Een kenmerk dat geldt of niet geldt."),
    (
        "voorlopig",
        "Een schooljaar dat nog loopt: de cijfers gelden op de peildatum en kunnen nog "
        "wijzigen (registraties, Dimona-aangiftes en mentoropleidingen kunnen nog volgen). "
        "Een definitief schooljaar is voorbij (na 31 augustus).",
    ),
)


def final_fact(school_year: str) -> tuple[str, str]:
    """The Leeswijzer's "Stand" of a final school year's workbook (premies, federatie),
    instead of its as_of (Peildatum)."""
    return (
        "Stand",
        f"Definitief: het schooljaar eindigde op {school_year_end(school_year):%d/%m/%Y}. "
        "Deze map blijft ongewijzigd staan zolang haar inhoud niet wijzigt; inhoud.json in "
        "de rapportenmap zegt welke run haar schreef.",
    )


def leeswijzer(page: Page, about: About, sheets: Sequence[Sheet]) -> Sheet:
    """The first sheet of a workbook, declared from `about` and the sheets that follow."""
    facts: list[tuple[str, object]] = [
        ("Waarvoor", about.purpose),
        ("Voor wie", about.audience),
        *about.facts,
    ]
    if page.provisional:
        facts.append(
            (
                "Voorlopig",
                f"Deze map gaat over een schooljaar dat nog loopt ({page.provisional}): elk "
                "blad, elke tabel en elke grafiek is voorlopig.",
            )
        )
    facts.append(
        (
            "Op papier",
            "Elk blad past in de breedte op een liggend A4-blad. Kolommen rechts daarvan, "
            "zoals de uitleg bij een beslissing, staan alleen op het scherm.",
        )
    )
    facts.append(
        (
            "Technische gegevens",
            "Op het laatste blad (Toelichting): de run die deze map maakte, de regels en "
            "parameters die golden en de ingelezen bestanden.",
        )
    )
    listed = [(s.name, s.purpose) for s in sheets]
    blocks = [
        Block((TOPIC, TEXT), facts),
        Block(LIST, listed, heading="Bladen in deze map"),
        Block(
            SIGN,
            [*(IDENTIFIERS if about.personal else ()), *LEGEND, *about.legend],
            heading="Tekens en schrijfwijzen",
        ),
    ]
    if about.notes:
        blocks.append(Block((TOPIC, TEXT), list(about.notes), heading="Zo leest u de cijfers"))
    return Sheet(
        SHEET,
        "Waarvoor deze map dient, voor wie, en wat elk blad toont.",
        blocks,
        title=page.title,
    )
