"""The data quality site: every run's validation kept and reachable from the index, newest
first, and no page that loads anything from the network (an auditor reads it offline)."""

from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from expectations.docs import page_name, write_docs
from expectations.validate import CheckResult, _expectation_notes, load_suites, store_results
from tests.builders import rules_db

SUITES = load_suites()
NOTES = {s.name: [_expectation_notes(s, e) for e in s.expectations] for s in SUITES}


class Links(HTMLParser):
    """Every src and href of a page, and its tags."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.links += [v for k, v in attrs if k in ("src", "href") and v]


def result(run_suite: str, success: bool, examples: list) -> CheckResult:
    return CheckResult(
        suite=run_suite,
        table_name=run_suite,
        layer="mart",
        expectation="expect_column_values_to_be_in_set",
        column_name="status",
        kwargs={"column": "status", "value_set": ["final", "provisional"]},
        success=success,
        element_count=3,
        unexpected_count=0 if success else 1,
        unexpected_examples=examples,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site after two runs, each written as its validation would."""
    con = rules_db()
    docs = tmp_path_factory.mktemp("datakwaliteit")
    for run_id, started, bad in (
        ("run-1", datetime(2025, 9, 1, 6), "<script>alert(1)</script>"),
        ("run-2", datetime(2025, 10, 1, 6), "https://example.org/x.js"),
    ):
        con.execute(
            "INSERT INTO runs (run_id, started_at, status, as_of, rule_config, rule_config_hash) "
            "VALUES (?, ?, 'running', ?, '', '')",
            [run_id, started, date(2025, 9, 1)],
        )
        store_results(
            con,
            run_id,
            [
                result("fct_premium_decisions", True, []),
                result("fct_compliance_findings", False, [bad]),
            ],
        )
        write_docs(con, run_id, docs, SUITES, NOTES)
    return docs


def test_both_runs_are_kept_newest_first(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.index("validations/run-2.html") < index.index("validations/run-1.html")
    for run_id in ("run-1", "run-2"):
        page = (site / "validations" / page_name(run_id)).read_text(encoding="utf-8")
        assert f"Validatie van run {run_id}" in page
        assert "2 controles, 1 mislukt." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (site / "validations/run-1.html").read_text(
        encoding="utf-8"
    ), "examples from the data are escaped, never markup"


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 2 + len(SUITES) + 1
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        external = [link for link in parser.links if link.startswith(("http:", "https:", "//"))]
        assert external == [], f"{page.name} links off the site"
        assert "script" not in parser.tags and "link" not in parser.tags, page.name
        for link in parser.links:
            assert (page.parent / link).resolve().is_file(), f"{page.name}: {link} is there"
        text = page.read_text(encoding="utf-8")
        assert "@import" not in text and "url(" not in text, f"{page.name}: no remote style"


def test_a_suite_page_says_what_is_checked(site: Path) -> None:
    page = (site / "expectations" / "fct_premium_decisions.html").read_text(encoding="utf-8")
    assert "expect_column_values_to_be_in_set" in page
    assert "per paar en schooljaar" in page
