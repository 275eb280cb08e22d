"""The data quality site as its readers see it: every run kept and reachable from the index,
newest first, with the trend; each run's page in Dutch (a summary per table, the failures
first, the rows and files reading refused); no English, no value of a refused row, nothing
loaded from the network (an auditor reads it offline)."""

from __future__ import annotations

import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from expectations.docs import page_name, refresh_docs, write_docs
from expectations.docs.wording import contract_problem, example, examples, sentence
from expectations.validate import CheckResult, store_results
from tests.builders import rules_db
from transforms.contracts import load_contracts

REFUSED_INSZ = "08.02.01-133.49"  # the value a quarantine detail quotes; no page may show it


BLOCKS = {"p", "td", "th", "tr", "h1", "h2", "h3", "summary", "title", "text", "li", "table"}


class Page(HTMLParser):
    """A page as a reader sees it: its text (without the auditor's small print, class "tech",
    and without code, <pre>), its tables as rows of cell texts, its links and its tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self._hidden = 0  # depth inside small print or <pre>
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self.html = html
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in BLOCKS:
            self.text.append(" ")
        self.links += [v for k, v in attrs if k in ("src", "href") and v]
        if (
            self._hidden
            or "tech" in (dict(attrs).get("class") or "").split()
            or tag in ("pre", "style")
        ):
            self._hidden += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "li" and self._cell:  # examples one under the other
            self._cell.append(" | ")
        elif tag in ("h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.text.append(" ")
        if self._hidden:
            self._hidden -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)

    def visible(self) -> str:
        return " ".join("".join(self.text).split())

    def table_in(self, marker: str) -> list[list[str]]:
        """The first table after a piece of HTML, e.g. a part's id."""
        return self.tables[self.html[: self.html.index(marker)].count("<table")]

    def table_after(self, heading: str) -> list[list[str]]:
        """The first table after a heading (h2 or h3), header row included."""
        assert heading in self.headings, f"no heading {heading!r}: {self.headings}"
        found = re.search(f"<(h[23])>{re.escape(heading)}</\\1>", self.html)
        assert found, heading
        return self.tables[self.html[: found.start()].count("<table")]


def result(
    table: str,
    layer: str,
    expectation: str,
    kwargs: dict,
    success: bool = True,
    examples: list | None = None,
    elements: int | None = 3,
    unexpected: int | None = None,
) -> CheckResult:
    failed = 0 if success else len(examples or [])
    column = (
        ",".join(str(kwargs[k]) for k in ("column", "column_A", "column_B") if k in kwargs)
        or ",".join(kwargs.get("column_list", []))
        or None
    )
    return CheckResult(
        suite=table,
        table_name=table,
        layer=layer,  # type: ignore[arg-type]
        expectation=expectation,
        column_name=column,
        kwargs=kwargs,
        success=success,
        element_count=elements,
        unexpected_count=failed if unexpected is None else unexpected,
        unexpected_examples=examples or [],
    )


D, F, A = "fct_premium_decisions", "fct_compliance_findings", "stg_werkplekduaal__agreements"
STATUS_SET = {"column": "status", "value_set": ["final", "provisional"]}
RUN_1_RESULTS = [
    result(D, "mart", "expect_column_values_to_be_in_set", STATUS_SET, False, ["final "]),
    result(
        D,
        "mart",
        "rule:decision_amount_in_table",
        {"sql": "select 1"},
        False,
        [{"school_year": "2024-2025", "eligible": True, "amount_eur": 750}],
    ),
    result(D, "mart", "expect_column_values_to_be_unique", {"column": "school_year"}),
    result(
        F,
        "mart",
        "rule:columns_match_contract",
        {"columns": ["code"]},
        False,
        ["missing: office", "unexpected: kantoor"],
        elements=None,
    ),
    result(A, "staging", "expect_column_values_to_be_unique", {"column": "agreement_id"}),
    result(
        A,
        "staging",
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": "end_date", "column_B": "start_date", "or_equal": True},
        False,
        [["2024-08-31", "2024-09-01"], ["<script>alert(1)</script>", None]],
        elements=4446,
    ),
]
RUN_2_RESULTS = [
    result(D, "mart", "expect_column_values_to_be_in_set", STATUS_SET),
    result(A, "staging", "expect_column_values_to_be_unique", {"column": "agreement_id"}),
    result(
        A,
        "staging",
        "expect_column_values_to_be_between",
        {"column": "hours_per_week", "min_value": 0, "max_value": 50},
    ),
]


def add_batches(con: duckdb.DuckDBPyConnection) -> None:
    """Batch 1 (every run): 20 rows refused, one of them for two reasons; batches 2 and 3 (the
    second run on): 89 rows refused, and a file refused whole; batch 4 (the third run): the
    file of batch 1 delivered again, without a refused row."""
    con.execute(
        """INSERT INTO load_batches (batch_id, source, file_name, file_path, sha256, sheet_name,
            status, reason, reason_nl, rows_read, rows_accepted, rows_quarantined, rows_blank,
            loaded_at) VALUES
        (1, 'overeenkomsten', 'overeenkomsten_2025-2026.xlsx', 'x', 'a', 'Overeenkomsten',
            'loaded', NULL, NULL, 121, 100, 20, 1, '2025-09-01 05:59:00'),
        (2, 'dimona', 'dimona_2025-2026.xlsx', 'y', 'b', 'Dimona',
            'loaded', NULL, NULL, 500, 411, 89, 0, '2025-10-01 05:59:00'),
        (3, 'dimona', 'kapot.xlsx', 'z', 'c', NULL, 'refused', 'not a workbook',
            'kapot.xlsx: geen leesbare .xlsx-werkmap', 0, 0, 0, 0, '2025-10-01 05:59:00'),
        (4, 'overeenkomsten', 'overeenkomsten_2025-2026.xlsx', 'x', 'd', 'Overeenkomsten',
            'loaded', NULL, NULL, 120, 120, 0, 0, '2025-10-02 05:59:00')"""
    )
    con.execute(
        f"""INSERT INTO quarantine (batch_id, source, file_name, sheet_name, row_number, reason,
            detail, raw_values)
        SELECT 1, 'overeenkomsten', 'overeenkomsten_2025-2026.xlsx', 'Overeenkomsten', n,
            'INVALID_INSZ', 'INSZ lerende ''{REFUSED_INSZ}'': controlecijfer klopt niet',
            '{{"INSZ lerende": "{REFUSED_INSZ}"}}'
        FROM range(2, 14) t(n)
        UNION ALL SELECT 1, 'overeenkomsten', 'overeenkomsten_2025-2026.xlsx', 'Overeenkomsten',
            n, 'MISSING_VALUE', 'Opleiding: leeg, een waarde is verplicht', '{{}}'
        FROM range(13, 22) t(n)
        UNION ALL SELECT 2, 'dimona', 'dimona_2025-2026.xlsx', 'Dimona', n, 'DUPLICATE_KEY',
            'Dimona-nummer staat ook op een andere rij', '{{}}'
        FROM range(2, 91) t(n)"""
    )


def start(con: duckdb.DuckDBPyConnection, run_id: str, started: datetime, batches: list[int]):
    con.execute(
        "INSERT INTO runs (run_id, started_at, status, as_of, rule_config, rule_config_hash) "
        "VALUES (?, ?, 'running', ?, '', '')",
        [run_id, started, date(2025, 9, 1)],
    )
    for batch in batches:
        con.execute("INSERT INTO run_batches VALUES (?, ?)", [run_id, batch])


def finish(con: duckdb.DuckDBPyConnection, run_id: str, status: str, warnings: int) -> None:
    con.execute(
        "UPDATE runs SET status = ?, warnings = ? WHERE run_id = ?", [status, warnings, run_id]
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three runs, each written as a run writes the site: its validation writes the pages
    while it runs, the end of the run puts its outcome on them. The third stopped at its input
    checks, before any validation."""
    con = rules_db()
    add_batches(con)
    docs = tmp_path_factory.mktemp("datakwaliteit")
    for run_id, started, batches, results, status, warnings in (
        ("run-1", datetime(2025, 9, 1, 6), [1], RUN_1_RESULTS, "failed", 0),
        ("run-2", datetime(2025, 10, 1, 6), [1, 2, 3], RUN_2_RESULTS, "completed", 2),
        ("run-3", datetime(2025, 10, 2, 6), [1, 2, 3, 4], None, "failed", 0),
    ):
        start(con, run_id, started, batches)
        if results is not None:
            store_results(con, run_id, results)
            write_docs(con, run_id, docs)
        finish(con, run_id, status, warnings)
        refresh_docs(con, run_id, docs)
    return docs


def read(site: Path, name: str) -> Page:
    return Page((site / name).read_text(encoding="utf-8"))


def run_page(site: Path, run_id: str) -> Page:
    return read(site, f"validations/{page_name(run_id)}")


def test_every_run_is_kept_newest_first_with_its_outcome(site: Path) -> None:
    index = read(site, "index.html")
    assert index.table_after("Runs, nieuwste eerst") == [
        [
            "Run",
            "Gestart",
            "Peildatum",
            "Uitkomst",
            "Verwachtingen mislukt",
            "Rijen geweigerd bij het inlezen",
            "Bestanden geweigerd",
        ],
        [
            "run-3",
            "02/10/2025 06:00",
            "01/09/2025",
            "gestopt vóór de validatie",
            "niet gevalideerd",
            "89",
            "1",
        ],
        [
            "run-2",
            "01/10/2025 06:00",
            "01/09/2025",
            "voltooid, 2 waarschuwingen bij de invoercontrole",
            "0 van 3",
            "109",
            "1",
        ],
        [
            "run-1",
            "01/09/2025 06:00",
            "01/09/2025",
            "gestopt: een uitkomst voldoet niet aan haar verwachtingen",
            "4 van 6",
            "20",
            "0",
        ],
    ]
    for run_id in ("run-1", "run-2", "run-3"):
        page = run_page(site, run_id)
        assert f"Validatie van run {run_id}" in page.visible()
        assert "bezig" not in page.visible(), "the end of the run put its outcome on its page"


def test_a_run_that_refused_rows_says_so_on_its_page_and_in_the_index(site: Path) -> None:
    page = run_page(site, "run-2").visible()
    assert (
        "3 verwachtingen gecontroleerd, 0 mislukt. 109 rijen geweigerd bij het inlezen van "
        "3 bestanden, 1 bestand geweigerd."
    ) in page
    index = read(site, "index.html").visible()
    assert (
        "Laatste run, run-3 van 02/10/2025 06:00: niet gevalideerd, 89 rijen geweigerd bij het "
        "inlezen, 1 bestand geweigerd."
    ) in index


def test_a_run_page_summarises_each_table_staging_and_marts_apart(site: Path) -> None:
    page = run_page(site, "run-1")
    header = ["Tabel", "Verwachtingen", "Geslaagd", "Mislukt", "Rijen gecontroleerd"]
    assert page.table_after("Ingelezen gegevens (staging)") == [
        header,
        ["Overeenkomsten", "2", "1", "1", "4.446"],
        ["Totaal", "2", "1", "1", ""],
    ]
    assert page.table_after("Uitkomsten van de regels (marts)") == [
        header,
        ["Vaststellingen", "1", "0", "1", "–"],
        ["Premiebeslissingen", "3", "1", "2", "3"],
        ["Totaal", "4", "1", "3", ""],
    ]


def test_failures_come_first_each_in_dutch_words(site: Path) -> None:
    page = run_page(site, "run-1")
    assert page.headings.index("Mislukte verwachtingen") < page.headings.index(
        "Alle verwachtingen per tabel"
    )
    assert page.table_after("Mislukte verwachtingen") == [
        ["Tabel", "Verwachting", "Waarom", "Afwijkend", "Voorbeelden"],
        [
            "Overeenkomsten",
            "Einddatum ligt niet vóór Startdatum.",
            "De einddatum ligt niet voor de startdatum.",
            "2 van 4.446 rijen",
            "Einddatum 31/08/2024, Startdatum 01/09/2024 | "
            "Einddatum ‘<script>alert(1)</script>’, Startdatum leeg",
        ],
        [
            "Vaststellingen",
            "De tabel heeft precies de kolommen van haar contract.",
            "Zonder die kolommen kunnen de andere controles en de rapporten de tabel niet lezen.",
            "2 afwijkingen",
            "kolom office ontbreekt | kolom kantoor staat niet in het contract",
        ],
        [
            "Premiebeslissingen",
            "Status is ‘definitief’ of ‘voorlopig’.",
            "Een beslissing is definitief of voorlopig (31 augustus van het schooljaar "
            "tegenover de peildatum).",
            "1 van 3 rijen",
            "‘final ’",
        ],
        [
            "Premiebeslissingen",
            "Met recht: het bedrag van het schooljaar (met of zonder leervergoeding), of 0 "
            "zolang de regelconfiguratie geen bedragen voor dat schooljaar heeft (de run meldt "
            "dat bij de invoercontrole); zonder recht: 0.",
            "",
            "1 van 3 rijen",
            "Schooljaar ‘2024-2025’, Subsidiabel ja, Bedrag 750",
        ],
    ]
    html = (site / "validations" / "run-1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "values are escaped, never markup"
    assert "expect_column_pair_values_a_to_be_greater_than_b" in html, "small print keeps it"


def test_reading_is_told_per_file_and_reason_with_the_dutch_labels(site: Path) -> None:
    page = run_page(site, "run-2")
    assert page.table_after("Geweigerde bestanden") == [
        ["Bron", "Bestand", "Ingelezen op", "Waarom geweigerd"],
        [
            "dimona",
            "kapot.xlsx",
            "01/10/2025 05:59 (nieuw)",
            "kapot.xlsx: geen leesbare .xlsx-werkmap",
        ],
    ]
    assert page.table_after("Geweigerde rijen per reden") == [
        ["Reden", "Rijen", "Bestanden"],
        ["Twee verschillende rijen voor dezelfde sleutel in één bestand", "89", "1"],
        ["Ongeldig INSZ-nummer", "12", "1"],
        ["Verplichte waarde ontbreekt", "9", "1"],
    ]
    assert "Een rij kan om meer dan één reden geweigerd zijn" in page.visible(), "21 for 20 rows"
    per_file = page.table_after("Per bestand")
    assert per_file[0] == [
        "Bron",
        "Bestand",
        "Werkblad",
        "Ingelezen op",
        "Gelezen",
        "Aanvaard",
        "Geweigerd",
        "Leeg",
    ]
    assert per_file[1:] == [
        [
            "dimona",
            "dimona_2025-2026.xlsx",
            "Dimona",
            "01/10/2025 05:59 (nieuw)",
            "500",
            "411",
            "89",
            "0",
        ],
        [
            "dimona",
            "kapot.xlsx (bestand geweigerd)",
            "",
            "01/10/2025 05:59 (nieuw)",
            "0",
            "0",
            "0",
            "0",
        ],
        [
            "overeenkomsten",
            "overeenkomsten_2025-2026.xlsx",
            "Overeenkomsten",
            "01/09/2025 05:59",
            "121",
            "100",
            "20",
            "1",
        ],
    ]
    text = page.visible()
    assert "Verplichte waarde ontbreekt 9 rijen 13, 14, 15, 16, 17, 18, 19, 20 en 21" in text
    assert "rijen 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 en 74 andere" in text


def test_a_file_delivered_again_replaces_its_earlier_version(site: Path) -> None:
    """Batch 4 delivers overeenkomsten_2025-2026.xlsx again, without a refused row: in run 3
    it replaces batch 1 whole (transforms/versions.py), so batch 1's 21 refused rows are
    no longer the run's; run 2 read only batch 1 and still shows them."""
    page = run_page(site, "run-3").visible()
    assert "Ongeldig INSZ-nummer" not in page
    assert "overeenkomsten_2025-2026.xlsx (versie van" not in page
    assert (
        "overeenkomsten_2025-2026.xlsx Ongeldig INSZ-nummer 12" in run_page(site, "run-2").visible()
    )


def test_a_tables_checks_stand_in_the_order_of_its_contract(site: Path) -> None:
    page = run_page(site, "run-2")
    rows = page.table_in(f'id="tabel-{A}"')
    assert [r[0] for r in rows[1:]] == [
        "Overeenkomst-ID is uniek.",
        "Uren per week ligt tussen 0 en 50.",
    ], "the contract's order, not the technical names' (expect_..._between first)"


def test_no_page_shows_the_value_of_a_refused_row(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert REFUSED_INSZ not in html and "08020113349" not in html, page.name
        assert "controlecijfer klopt niet" not in html, f"{page.name}: no quarantine detail"


ENGLISH = re.compile(
    r"expect_|\b(?:success|true|false|none|null|nan|unexpected|failed|passed|missing|rows?|"
    r"columns?|rule|table|running|completed|refused|loaded|suite|compliance|findings)\b",
    re.IGNORECASE,
)


def test_a_reader_sees_no_english(site: Path) -> None:
    """What a reader sees is Dutch: the technical names stay in the auditor's small print."""
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        visible = Page(path.read_text(encoding="utf-8")).visible()
        assert ENGLISH.findall(visible) == [], f"{path.relative_to(site)}: English words"


def test_the_index_draws_the_trend_of_the_runs_offline(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<rect") == 6, "two bars per run"
    for run_id in ("run-1", "run-2", "run-3"):
        assert f'href="validations/{page_name(run_id)}"' in svg, "each bar opens its run"
    assert "<title>run-2: 109 rijen geweigerd</title>" in svg
    assert "<title>run-1: 4 verwachtingen mislukt</title>" in svg
    assert "<title>run-3: – verwachtingen mislukt</title>" in svg, "not validated: a dash"


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 3 + len(load_contracts()) + 1
    for page in pages:
        parsed = Page(page.read_text(encoding="utf-8"))
        external = [link for link in parsed.links if link.startswith(("http:", "https:", "//"))]
        assert external == [], f"{page.name} links off the site"
        assert not parsed.tags & {"script", "link", "img", "iframe", "object"}, page.name
        for link in parsed.links:
            target = link.split("#")[0]
            assert not target or (page.parent / target).resolve().is_file(), f"{page.name}: {link}"
        text = page.read_text(encoding="utf-8")
        assert "@import" not in text and "url(" not in text, f"{page.name}: no remote style"


def test_a_table_page_says_what_is_checked_and_why(site: Path) -> None:
    page = read(site, "expectations/stg_werkplekduaal__agreements.html")
    assert page.table_after("Verwachtingen")[1:4] == [
        [
            "De tabel heeft precies de kolommen van haar contract.",
            "Zonder die kolommen kunnen de andere controles en de rapporten de tabel niet lezen.",
        ],
        ["Overeenkomst-ID is altijd ingevuld.", "Elke overeenkomst heeft een ID."],
        ["Overeenkomst-ID is uniek.", "Eén rij per overeenkomst (natuurlijke sleutel)."],
    ]
    html = (site / "expectations" / "fct_premium_decisions.html").read_text(encoding="utf-8")
    assert "expect_column_values_to_be_in_set" in html, "the technical name in small print"
    assert "per paar en schooljaar" in html


def test_refreshing_a_site_that_does_not_exist_writes_nothing(tmp_path: Path) -> None:
    con = rules_db()
    start(con, "run-x", datetime(2025, 9, 1, 6), [])
    assert refresh_docs(con, "run-x", tmp_path / "datakwaliteit") is None
    assert not (tmp_path / "datakwaliteit").exists()


@pytest.mark.parametrize(
    ("table", "expectation", "kwargs", "expected"),
    [
        (
            A,
            "expect_column_values_to_be_unique",
            {"column": "agreement_id"},
            "Overeenkomst-ID is uniek.",
        ),
        (
            A,
            "expect_column_values_to_be_between",
            {"column": "hours_per_week", "min_value": 0, "max_value": 60},
            "Uren per week ligt tussen 0 en 60.",
        ),
        (
            A,
            "expect_column_values_to_be_in_set",
            {"column": "agreement_type", "value_set": ["OAO", "SAO"]},
            "Type overeenkomst is OAO of SAO.",
        ),
        (
            A,
            "expect_column_values_to_not_be_null",
            {"column": "start_date"},
            "Startdatum is altijd ingevuld.",
        ),
        (
            A,
            "expect_column_values_to_match_regex",
            {"column": "company_iban", "regex": "^BE"},
            "IBAN onderneming heeft de vereiste vorm.",
        ),
        (
            A,
            "expect_column_pair_values_a_to_be_greater_than_b",
            {
                "column_A": "termination_date",
                "column_B": "start_date",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "Datum beëindiging ligt niet vóór Startdatum (als beide ingevuld zijn).",
        ),
        (
            D,
            "expect_column_values_to_be_between",
            {"column": "premiums_before", "min_value": 0},
            "Eerdere premies is minstens 0.",
        ),
        (
            D,
            "expect_column_values_to_be_in_set",
            {"column": "amount_eur", "value_set": [0, 600, 1000.5]},
            "Bedrag is 0, 600 of 1000,5.",
        ),
        (
            D,
            "expect_compound_columns_to_be_unique",
            {"column_list": ["school_year", "company_kbo", "learner_insz"]},
            "De combinatie van Schooljaar, Ondernemingsnummer en INSZ lerende is uniek.",
        ),
        (
            F,
            "expect_column_value_lengths_to_be_between",
            {"column": "detail", "min_value": 1},
            "De lengte van Detail is minstens 1 teken.",
        ),
        (
            F,
            "expect_column_values_to_be_in_set",
            {"column": "code", "value_set": [f"C{i}" for i in range(21)]},
            "Code is een van de 21 toegelaten waarden.",
        ),
        (
            D,
            "expect_column_values_to_be_in_set",
            {"column": "school_year", "value_set": {"$PARAMETER": "school_years"}},
            "Schooljaar is een van de toegelaten waarden die de run vastlegt.",
        ),
        (
            D,
            "rule:decision_reasons_iff_not_eligible",
            {"sql": "select 1"},
            "Redenen zijn leeg als en slechts als er recht is op de premie.",
        ),
        (
            D,
            "rule:no_longer_there",
            {"sql": "select 1"},
            "Een regel die het contract van de tabel niet meer bevat.",
        ),
    ],
)
def test_an_expectation_is_one_dutch_sentence(
    table: str, expectation: str, kwargs: dict, expected: str
) -> None:
    assert sentence(table, expectation, kwargs) == expected


def test_every_expectation_of_every_contract_reads_as_dutch() -> None:
    for c in load_contracts().values():
        for check in c.expectations():
            text = sentence(c.table, check.type, check.kwargs)
            first = check.kwargs.get("column") or check.kwargs.get("column_A")
            first = first or check.kwargs["column_list"][0]
            assert c.column(first).label in text, f"{c.table}: {text}"
            assert not [w for w in ("expect", "_", "$") if w in text], f"{c.table}: {text}"


def test_a_failing_example_is_written_as_a_reader_writes_it() -> None:
    assert example(D, STATUS_SET, "final ") == "‘final ’"
    assert example(D, STATUS_SET, None) == "leeg"
    assert example(D, STATUS_SET, 4.5) == "4,5"
    assert example(D, {}, {"eligible": False, "months_covered": 2.5}) == (
        "Subsidiabel nee, Maanden gedekt 2,5"
    )
    assert example(A, {"column_A": "end_date", "column_B": "start_date"}, ["2024-08-31", None]) == (
        "Einddatum 31/08/2024, Startdatum leeg"
    )
    assert contract_problem("table fct_x does not exist") == "de tabel fct_x bestaat niet"
    assert examples(A, {"column": "hours_per_week"}, [55.0, 55.0, 55.0, 61]) == [
        "55 (3 keer)",
        "61",
    ]
