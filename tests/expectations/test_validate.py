"""Validation suites on tiny tables: good data passes every check, each kind of bad data fails
the exact check it should, mart failures stop the run and staging failures do not.

Great Expectations costs seconds to import and each validate() call about a second, so the
databases are module-scoped fixtures validated once each and the tests read their outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from expectations.suites import stale_suites
from expectations.validate import (
    CONTRACT_COLUMNS,
    CheckResult,
    Rule,
    ValidationFailed,
    ValidationOutcome,
    load_suites,
    run_rule,
    store_results,
    validate,
)
from tests.builders import (
    LEARNER,
    MENTOR,
    OTHER_LEARNER,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
    rules_db,
)
from transforms.contracts import load_contracts
from transforms.identifiers import make_kbo
from transforms.models import build_models, discover, install_macros
from transforms.rule_config import load_into
from transforms.schema import DECISION_COLUMNS, FINDING_COLUMNS, PAYMENT_COLUMNS

AS_OF = date(2025, 9, 1)  # 2024-2025 is final, 2025-2026 provisional
KBO = make_kbo(4031707)  # 0403170701
OTHER_KBO = make_kbo(2000000)
BAD_CHECKSUM_INSZ = LEARNER[:9] + f"{(int(LEARNER[9:]) + 1) % 100:02d}"


def decision(**values: object) -> dict:
    """An eligible, final decision for (KBO, LEARNER) in 2024-2025 in Mechelen."""
    return {
        "school_year": "2024-2025",
        "company_kbo": KBO,
        "learner_insz": LEARNER,
        "province": "Antwerpen",
        "office": "Antwerpen",
        "status": "final",
        "eligible": True,
        "amount_eur": 1000,
        "paid_learner": True,
        "premium_eur": 1000,
        "months_covered": 10.0,
        "premiums_before": 0,
        "reasons": "",
        "explanation": "Premie toegekend: 10 maanden gedekt.",
        "company_name": "Metaalbouw Vermeulen NV",
        "establishment_id": "2123456789",
        "establishment_postcode": 2800,
        "establishment_municipality": "Mechelen",
        "learner_name": "Jens Peeters",
        "training": "Elektrotechnicus duaal",
        "agreement_types": "OAO",
        "agreement_ids": "OVK-1",
    } | values


def finding(**values: object) -> dict:
    """A REGISTRATION_DUE finding on agreement OVK-2."""
    return {
        "code": "REGISTRATION_DUE",
        "severity": "info",
        "agreement_id": "OVK-2",
        "company_kbo": KBO,
        "learner_insz": LEARNER,
        "mentor_insz": MENTOR,
        "province": "Antwerpen",
        "office": "Antwerpen",
        "detail": "Registratie verplicht vóór 2025-09-20.",
        "due_date": date(2025, 9, 20),
        "company_name": "Metaalbouw Vermeulen NV",
    } | values


GOOD_DECISIONS = [
    decision(),
    decision(
        school_year="2025-2026",
        status="provisional",
        eligible=False,
        amount_eur=0,
        months_covered=0.0,
        premiums_before=1,
        reasons="NO_DIMONA",
    ),
]
GOOD_FINDINGS = [
    finding(),
    finding(
        code="MENTOR_PROFILE",
        severity="warning",
        agreement_id=None,
        learner_insz=None,
        due_date=None,
    ),
]


def payment(**values: object) -> dict:
    """The reconciliation of decision(): decided EUR 1000 for 2024-2025, nothing paid yet,
    expected by 28/02/2026 (awaited on AS_OF)."""
    return {
        "school_year": "2024-2025",
        "company_kbo": KBO,
        "learner_insz": LEARNER,
        "office": "Antwerpen",
        "status": "awaited",
        "decided_eur": 1000,
        "paid_eur": None,
        "paid_on": None,
        "expected_by": date(2026, 2, 28),
        "province": "Antwerpen",
        "company_name": "Metaalbouw Vermeulen NV",
        "eligible": True,
        "reasons": "",
        "detail": "Premie 2024-2025 beslist: € 1.000; nog niets uitbetaald.",
        "payment_batch_id": None,
        "payment_file_name": None,
        "payment_row_number": None,
    } | values


GOOD_PAYMENTS = [payment()]


def staging_db(*, good_rows: bool = True) -> duckdb.DuckDBPyConnection:
    """Rule configuration, the ingest rows the test adds, and the staging models built on them."""
    con = rules_db()
    if good_rows:
        add_good_staging(con)
    load_into(con, rule_config(), AS_OF)
    install_macros(con)
    return con


def build_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Build the staging models (only) on what the ingest tables hold."""
    for model in discover():
        if model.layer == "staging":
            con.execute(f"CREATE TABLE {model.name} AS {model.sql.strip().rstrip(';')}")


def add_good_staging(con: duckdb.DuckDBPyConnection) -> None:
    """One agreement, Dimona period, recognition and paid premium, all valid."""
    add_agreement(con, company_kbo=KBO)
    add_dimona(con, company_kbo=KBO)
    add_recognition(con, company_kbo=KBO)
    add_premium_paid(con, company_kbo=KBO)


def create_marts(
    con: duckdb.DuckDBPyConnection, decisions: list, findings: list, payments: list = ()
) -> None:
    """The three marts a run records with the given rows, and the other marts empty, columns
    as the contracts say."""
    given = ("fct_premium_decisions", "fct_compliance_findings", "fct_payment_reconciliation")
    others = [
        (c.table, tuple((col.name, col.type) for col in c.columns), [])
        for c in load_contracts().values()
        if c.layer == "mart" and c.table not in given
    ]
    for table, columns, rows in (
        ("fct_premium_decisions", DECISION_COLUMNS, decisions),
        ("fct_compliance_findings", FINDING_COLUMNS, findings),
        ("fct_payment_reconciliation", PAYMENT_COLUMNS, payments),
        *others,
    ):
        con.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")
        marks = ", ".join("?" for _ in columns)
        for row in rows:
            con.execute(f"INSERT INTO {table} VALUES ({marks})", [row[n] for n, _ in columns])


@dataclass
class Validated:
    con: duckdb.DuckDBPyConnection
    outcome: ValidationOutcome
    run_id: str

    def failures(self) -> dict[tuple[str, str, str | None], tuple[int | None, list]]:
        """Failed checks: (table, expectation, column) -> (unexpected_count, examples)."""
        rows = self.con.execute(
            "select table_name, expectation, column_name, unexpected_count, unexpected_examples "
            "from validation_results where run_id = ? and not success",
            [self.run_id],
        ).fetchall()
        return {(t, e, c): (n, json.loads(x)) for t, e, c, n, x in rows}


def run(con: duckdb.DuckDBPyConnection, run_id: str, docs_dir: Path) -> Validated:
    """Validate and keep what is needed to inspect the outcome."""
    return Validated(con, validate(con, run_id, docs_dir), run_id)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    con = staging_db()
    build_staging(con)
    create_marts(con, GOOD_DECISIONS, GOOD_FINDINGS, GOOD_PAYMENTS)
    return run(con, "run-good", tmp_path_factory.mktemp("docs_good"))


def test_good_data_passes_every_check(good: Validated) -> None:
    expected = sum(1 + len(s.expectations) + len(s.rules) for s in load_suites())
    assert good.outcome.results == expected, "one result per contract check, expectation, rule"
    assert good.outcome.failed_staging == []
    assert good.outcome.failed_marts == []
    assert good.outcome.ok_for_marts
    good.outcome.raise_for_marts()  # nothing to raise
    assert good.failures() == {}


def test_results_are_stored_with_the_run_id(good: Validated) -> None:
    rows = good.con.execute(
        "select run_id, suite, layer, kwargs, success, element_count, unexpected_count, "
        "unexpected_examples from validation_results "
        "where table_name = 'fct_premium_decisions' and expectation = ? and column_name = ?",
        ["expect_column_values_to_be_in_set", "status"],
    ).fetchall()
    assert rows == [
        (
            "run-good",
            "fct_premium_decisions",
            "mart",
            '{"column": "status", "value_set": ["final", "provisional"]}',
            True,
            2,
            0,
            "[]",
        )
    ]
    layers = dict(
        good.con.execute(
            "select table_name, min(layer) from validation_results where run_id = 'run-good' "
            "group by table_name"
        ).fetchall()
    )
    assert layers == {
        "dim_agreement_places": "mart",
        "dim_company_offices": "mart",
        "dim_establishment_offices": "mart",
        "dim_mentor_places": "mart",
        "fct_action_items": "mart",
        "fct_actiris_mentor_premiums": "mart",
        "fct_compliance_findings": "mart",
        "fct_payment_reconciliation": "mart",
        "fct_premium_decisions": "mart",
        "stg_dimona__periods": "staging",
        "stg_mtech__premiums_paid": "staging",
        "stg_werkplekduaal__agreements": "staging",
        "stg_werkplekduaal__recognitions": "staging",
    }


def test_suite_parameters_come_from_the_rule_configuration(good: Validated) -> None:
    (kwargs,) = good.con.execute(
        "select kwargs from validation_results where table_name = 'fct_premium_decisions' "
        "and expectation = 'expect_column_values_to_be_in_set' and column_name = 'amount_eur'"
    ).fetchall()[0]
    assert json.loads(kwargs) == {"column": "amount_eur", "value_set": [0, 600, 1000]}


def test_data_docs_site_is_built(good: Validated) -> None:
    index = good.outcome.docs_index
    assert index.name == "index.html" and index.is_file(), "Data Docs index.html missing"
    assert 'href="expectations/fct_premium_decisions.html">Premiebeslissingen' in index.read_text(
        encoding="utf-8"
    )
    suite_page = index.parent / "expectations" / "fct_premium_decisions.html"
    assert "per paar en schooljaar" in suite_page.read_text(encoding="utf-8")
    page = (index.parent / "validations" / "run-good.html").read_text(encoding="utf-8")
    assert "Geen: elke verwachting is geslaagd." in page


def failures_on_the_page(validated: Validated) -> str:
    """The part of the run's Data Docs page that lists the failed expectations."""
    page = validated.outcome.docs_index.parent / "validations" / f"{validated.run_id}.html"
    text = page.read_text(encoding="utf-8")
    return text[text.index("<h2>Mislukte verwachtingen</h2>") : text.index("<h2>Geweigerd")]


@pytest.fixture(scope="module")
def bad_marts(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    con = staging_db()
    build_staging(con)
    decisions = [
        decision(),
        decision(),  # the same pair and school year twice
        decision(learner_insz=OTHER_LEARNER, status="final "),
        decision(company_kbo=OTHER_KBO, amount_eur=750),
        decision(
            school_year="2025-2026",
            status="provisional",
            eligible=False,
            amount_eur=0,
            months_covered=2.5,
            reasons="UNDER_4_MONTHS;NO_CONSENT",  # known codes, wrong order
        ),
        decision(
            school_year="2025-2026",
            learner_insz=OTHER_LEARNER,
            status="provisional",
            eligible=False,
            amount_eur=0,
            months_covered=0.0,
            reasons="NO_DIMONA;NO_MONEY",
        ),
        decision(company_kbo=OTHER_KBO, learner_insz=OTHER_LEARNER, province="Limburg"),
    ]
    findings = [
        finding(),
        finding(code="MENTOR_PROFILE", severity="warning", learner_insz=None),  # has OVK-2
        finding(code="DIMONA_MISSING", severity="warning", agreement_id="OVK-3"),
    ]
    create_marts(con, decisions, findings)
    return run(con, "run-bad-marts", tmp_path_factory.mktemp("docs_bad_marts"))


def test_bad_marts_fail_exactly_the_expected_checks(bad_marts: Validated) -> None:
    d, f = "fct_premium_decisions", "fct_compliance_findings"
    key = "school_year,company_kbo,learner_insz"
    other = {"school_year": "2024-2025", "company_kbo": KBO, "learner_insz": OTHER_LEARNER}
    assert bad_marts.failures() == {
        (d, "expect_compound_columns_to_be_unique", key): (
            2,
            [{"school_year": "2024-2025", "company_kbo": KBO, "learner_insz": LEARNER}] * 2,
        ),
        (d, "expect_column_values_to_be_in_set", "status"): (1, ["final "]),
        (d, "rule:decision_status_matches_as_of", "status"): (1, [other | {"status": "final "}]),
        (d, "expect_column_values_to_be_in_set", "amount_eur"): (1, [750]),
        (d, "rule:decision_amount_in_table", "amount_eur"): (
            1,
            [
                {
                    "school_year": "2024-2025",
                    "company_kbo": OTHER_KBO,
                    "learner_insz": LEARNER,
                    "eligible": True,
                    "amount_eur": 750,
                }
            ],
        ),
        # eligible, so its amount is its premium: 750 is not the EUR 1,000 of a paid learner
        (d, "rule:decision_premium_by_allowance", "premium_eur,paid_learner,amount_eur"): (
            1,
            [
                {
                    "school_year": "2024-2025",
                    "company_kbo": OTHER_KBO,
                    "learner_insz": LEARNER,
                    "eligible": True,
                    "paid_learner": True,
                    "premium_eur": 1000,
                    "amount_eur": 750,
                }
            ],
        ),
        (d, "expect_column_values_to_match_regex", "reasons"): (1, ["NO_DIMONA;NO_MONEY"]),
        (d, "rule:decision_reasons_known_and_ordered", "reasons"): (
            2,
            [
                {
                    "school_year": "2025-2026",
                    "company_kbo": KBO,
                    "learner_insz": LEARNER,
                    "reasons": "UNDER_4_MONTHS;NO_CONSENT",
                },
                {
                    "school_year": "2025-2026",
                    "company_kbo": KBO,
                    "learner_insz": OTHER_LEARNER,
                    "reasons": "NO_DIMONA;NO_MONEY",
                },
            ],
        ),
        (d, "rule:decision_province_office_in_geography", "province,office"): (
            1,
            [
                {
                    "school_year": "2024-2025",
                    "company_kbo": OTHER_KBO,
                    "learner_insz": OTHER_LEARNER,
                    "establishment_postcode": 2800,
                    "province": "Limburg",
                    "office": "Antwerpen",
                }
            ],
        ),
        (f, "rule:finding_severity_matches_code", "severity"): (
            1,
            [
                {
                    "code": "DIMONA_MISSING",
                    "severity": "warning",
                    "agreement_id": "OVK-3",
                    "mentor_insz": MENTOR,
                }
            ],
        ),
        (
            f,
            "rule:finding_subject_matches_code",
            "agreement_id,company_kbo,learner_insz,mentor_insz",
        ): (
            1,
            [
                {
                    "code": "MENTOR_PROFILE",
                    "agreement_id": "OVK-2",
                    "company_kbo": KBO,
                    "learner_insz": None,
                    "mentor_insz": MENTOR,
                }
            ],
        ),
        # the bad marts have no payment reconciliation for their final decisions with a right
        (
            "fct_payment_reconciliation",
            "rule:payment_every_eligible_final_decision",
            "school_year,company_kbo,learner_insz",
        ): (
            4,
            [
                {"school_year": "2024-2025", "company_kbo": OTHER_KBO, "learner_insz": LEARNER},
                {
                    "school_year": "2024-2025",
                    "company_kbo": OTHER_KBO,
                    "learner_insz": OTHER_LEARNER,
                },
                {"school_year": "2024-2025", "company_kbo": KBO, "learner_insz": LEARNER},
                {"school_year": "2024-2025", "company_kbo": KBO, "learner_insz": LEARNER},
            ],
        ),
    }
    assert bad_marts.outcome.failed_staging == []
    assert not bad_marts.outcome.ok_for_marts


def test_data_docs_word_the_failed_mart_checks_and_their_examples(bad_marts: Validated) -> None:
    failures = failures_on_the_page(bad_marts)
    assert failures.count("<tr>") == 1 + 12, "a header and the 12 failed checks"
    for text in (
        "Status is ‘definitief’ of ‘voorlopig’.",
        "‘final ’",
        "De combinatie van Schooljaar, Ondernemingsnummer en INSZ lerende is uniek.",
        f"Schooljaar ‘2024-2025’, Ondernemingsnummer ‘{KBO}’, INSZ lerende ‘{LEARNER}’",
        "2 van 7 rijen",
        "Bedrag is 0, 600 of 1000.",
    ):
        assert text in failures, text


def test_mart_failure_messages_are_readable(bad_marts: Validated) -> None:
    assert bad_marts.outcome.failed_marts[:2] == [
        "fct_compliance_findings: rule:finding_severity_matches_code(severity) failed for 1 of 3 "
        f"rows, e.g. [{{'code': 'DIMONA_MISSING', 'severity': 'warning', 'agreement_id': "
        f"'OVK-3', 'mentor_insz': '{MENTOR}'}}]",
        "fct_compliance_findings: rule:finding_subject_matches_code(agreement_id,company_kbo,"
        "learner_insz,mentor_insz) failed for 1 of 3 rows, e.g. [{'code': 'MENTOR_PROFILE', "
        f"'agreement_id': 'OVK-2', 'company_kbo': '{KBO}', 'learner_insz': None, "
        f"'mentor_insz': '{MENTOR}'}}]",
    ]
    assert (
        "fct_premium_decisions: expect_column_values_to_be_in_set(status) failed for 1 of 7 "
        "rows, e.g. ['final ']"
    ) in bad_marts.outcome.failed_marts
    assert len(bad_marts.outcome.failed_marts) == 12


def test_mart_failure_raises_naming_table_and_expectation(bad_marts: Validated) -> None:
    with pytest.raises(ValidationFailed) as raised:
        bad_marts.outcome.raise_for_marts()
    message = str(raised.value)
    assert message.startswith("12 validation check(s) failed on the marts; the run stops")
    assert (
        "- fct_premium_decisions: expect_compound_columns_to_be_unique"
        "(school_year,company_kbo,learner_insz) failed for 2 of 7 rows" in message
    )
    assert "- fct_premium_decisions: rule:decision_amount_in_table(amount_eur) failed" in message


@pytest.fixture(scope="module")
def bad_payments(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    con = staging_db()
    build_staging(con)
    paid = {"paid_eur": 600, "paid_on": date(2025, 8, 1), "payment_batch_id": 1}
    paid |= {"payment_file_name": "premies.csv", "payment_row_number": 2}
    without = {"eligible": None, "reasons": None, "decided_eur": 0}
    payments = [
        payment(status="paid"),  # nothing was paid: awaited
        payment(paid_on=date(2025, 12, 1)),  # the same pair and year again, a date without a sum
        # a year that is not over on AS_OF, paid to a pair without a decision (its finding is there)
        payment(school_year="2025-2026", learner_insz=OTHER_LEARNER, status="no_decision")
        | paid
        | without
        | {"expected_by": date(2027, 2, 28)},
        payment(company_kbo=OTHER_KBO),  # says eligible, but has no decision
    ]
    findings = [
        *GOOD_FINDINGS,
        finding(
            code="PAYMENT_WITHOUT_DECISION",
            severity="warning",
            agreement_id=None,
            learner_insz=OTHER_LEARNER,
            mentor_insz=None,
            due_date=date(2027, 2, 28),
        ),
    ]
    create_marts(con, GOOD_DECISIONS, findings, payments)
    return run(con, "run-bad-payments", tmp_path_factory.mktemp("docs_bad_payments"))


def test_bad_payments_fail_exactly_the_expected_checks(bad_payments: Validated) -> None:
    r = "fct_payment_reconciliation"
    key = {"school_year": "2024-2025", "company_kbo": KBO, "learner_insz": LEARNER}
    assert bad_payments.failures() == {
        (r, "expect_compound_columns_to_be_unique", "school_year,company_kbo,learner_insz"): (
            2,
            [key, key],
        ),
        (r, "rule:payment_status_follows_the_rule_book", "status"): (
            1,
            [
                key
                | {"status": "paid", "eligible": True, "decided_eur": 1000, "paid_eur": None}
                | {"expected_by": "2026-02-28"}
            ],
        ),
        (r, "rule:payment_only_final_years", "school_year"): (
            1,
            [{"school_year": "2025-2026", "company_kbo": KBO, "learner_insz": OTHER_LEARNER}],
        ),
        (r, "rule:payment_matches_the_decision", "decided_eur,eligible,reasons"): (
            1,
            [
                key
                | {"company_kbo": OTHER_KBO, "decided_eur": 1000, "eligible": True, "reasons": ""}
            ],
        ),
        (
            r,
            "rule:payment_read_from_its_history_row",
            "paid_eur,paid_on,payment_batch_id,payment_file_name,payment_row_number",
        ): (
            1,
            [
                key
                | {"paid_eur": None, "paid_on": "2025-12-01", "payment_batch_id": None}
                | {"payment_file_name": None, "payment_row_number": None}
            ],
        ),
    }
    assert bad_payments.outcome.failed_staging == []


@pytest.fixture(scope="module")
def bad_staging(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    con = staging_db(good_rows=False)
    add_agreement(con, company_kbo=KBO, learner_insz=BAD_CHECKSUM_INSZ)
    add_dimona(con, company_kbo=KBO, dimona_id="DIM-A", status="actief")
    add_dimona(
        con,
        company_kbo=KBO,
        dimona_id="DIM-B",
        start_date=date(2024, 9, 1),
        end_date=date(2024, 8, 31),
    )
    add_recognition(con, company_kbo=KBO)
    add_premium_paid(con, company_kbo=KBO, school_year="2022-2024")
    build_staging(con)
    create_marts(con, GOOD_DECISIONS, GOOD_FINDINGS, GOOD_PAYMENTS)
    return run(con, "run-bad-staging", tmp_path_factory.mktemp("docs_bad_staging"))


def test_staging_failures_are_reported_and_do_not_raise(bad_staging: Validated) -> None:
    assert bad_staging.outcome.failed_staging == [
        "stg_dimona__periods: expect_column_pair_values_a_to_be_greater_than_b(end_date,start_date)"
        " failed for 1 of 2 rows, e.g. [['2024-08-31', '2024-09-01']]",
        "stg_dimona__periods: expect_column_values_to_be_in_set(status) failed for 1 of 2 rows, "
        "e.g. ['actief']",
        "stg_mtech__premiums_paid: rule:premium_school_year_consecutive(school_year) failed for 1 "
        f"of 1 rows, e.g. [{{'school_year': '2022-2024', 'company_kbo': '{KBO}', "
        f"'learner_insz': '{LEARNER}', 'kind': 'stagebonus'}}]",
        "stg_werkplekduaal__agreements: rule:agreement_identifiers_checksum(learner_insz,"
        "mentor_insz,company_kbo,company_iban) failed for 1 of 1 rows, e.g. "
        f"[{{'agreement_id': 'OVK-1', 'learner_insz': '{BAD_CHECKSUM_INSZ}', "
        f"'mentor_insz': '{MENTOR}', 'company_kbo': '{KBO}', 'company_iban': "
        "'BE68539007547034'}]",
    ]
    assert bad_staging.outcome.failed_marts == []
    bad_staging.outcome.raise_for_marts()  # staging problems do not stop the run
    failures = failures_on_the_page(bad_staging)
    assert "Einddatum ligt niet vóór Begindatum (als beide ingevuld zijn)." in failures
    assert "Einddatum 31/08/2024, Begindatum 01/09/2024" in failures


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    con = staging_db(good_rows=False)
    build_staging(con)
    create_marts(con, [], [])
    con.execute("DROP TABLE fct_compliance_findings")
    return run(con, "run-empty", tmp_path_factory.mktemp("docs_empty"))


def test_empty_tables_pass_and_a_missing_mart_fails(empty: Validated) -> None:
    assert empty.outcome.failed_staging == []
    # the Actielijst's rule that each action answers a finding cannot read the findings either
    (action_rule, missing) = empty.outcome.failed_marts
    assert action_rule.startswith(
        "fct_action_items: rule:action_answers_a_finding_of_the_run(code,agreement_id,"
        "mentor_insz) failed: ['query failed: Catalog Error: Table with name "
        "fct_compliance_findings does not exist!"
    )
    assert missing == (
        "fct_compliance_findings: rule:columns_match_contract failed: "
        "['table fct_compliance_findings does not exist']"
    )
    counts = empty.con.execute(
        "select count(*), count(*) filter (where success), max(element_count) "
        "from validation_results where run_id = 'run-empty'"
    ).fetchall()
    others = sum(1 + len(s.expectations) + len(s.rules) for s in load_suites())
    findings = next(s for s in load_suites() if s.table == "fct_compliance_findings")
    expected_rows = others - len(findings.expectations) - len(findings.rules)
    assert counts == [(expected_rows, expected_rows - 2, 0)]


def test_built_marts_pass_the_mart_suites(tmp_path: Path) -> None:
    con = rules_db()
    add_good_staging(con)
    add_agreement(  # a Brussels agreement, so that the Actiris mart has a row
        con,
        agreement_id="BXL-1",
        learner_insz=OTHER_LEARNER,
        company_kbo=KBO,
        establishment_id="2999999999",
        establishment_postcode=1000,
        establishment_municipality="Brussel",
    )
    add_agreement(  # registration due on 15/09/2025 and no Dimona: two actions on the list
        con,
        agreement_id="OVK-3",
        learner_insz=OTHER_LEARNER,
        company_kbo=KBO,
        start_date=date(2025, 6, 15),
        end_date=date(2026, 6, 30),
        registration_date=None,
    )
    build_models(con, rule_config(), AS_OF)
    assert con.execute("select count(*) from fct_actiris_mentor_premiums").fetchall() == [(1,)]
    assert con.execute("select code from fct_action_items order by action_rank").fetchall() == [
        ("REGISTRATION_DUE",),
        ("DIMONA_MISSING",),
    ]
    outcome = validate(con, "run-built", tmp_path / "docs")
    assert outcome.failed_marts == [], "the real mart SQL violates its own suites"
    assert outcome.failed_staging == []


def test_store_results_replaces_the_runs_rows() -> None:
    con = rules_db()
    result = CheckResult(
        suite="stg_dimona__periods",
        table_name="stg_dimona__periods",
        layer="staging",
        expectation="expect_column_values_to_be_in_set",
        column_name="status",
        kwargs={"column": "status", "value_set": ["Actief", "Geannuleerd"]},
        success=False,
        element_count=3,
        unexpected_count=1,
        unexpected_examples=["actief"] * 12,
    )
    store_results(con, "r1", [result, result])
    store_results(con, "r1", [result])
    rows = con.execute(
        "select run_id, success, element_count, unexpected_count, unexpected_examples "
        "from validation_results"
    ).fetchall()
    assert rows == [("r1", False, 3, 1, json.dumps(["actief"] * 10))]


def test_suites_read_only_contract_columns() -> None:
    for suite in load_suites():
        unknown = set(suite.columns) - set(CONTRACT_COLUMNS[suite.table])
        assert not unknown, f"suite {suite.name} checks columns outside its contract: {unknown}"
    assert sorted(s.name for s in load_suites()) == sorted(CONTRACT_COLUMNS)


def test_every_suite_is_generated_from_its_table_contract() -> None:
    assert stale_suites() == [], "run `make suites` after changing a contract"
    assert sorted(load_contracts()) == sorted(CONTRACT_COLUMNS)


def test_a_broken_rule_query_is_a_failed_check_not_a_crash() -> None:
    con = rules_db()
    suite = next(s for s in load_suites() if s.table == "fct_premium_decisions")
    rule = Rule(name="broken", column="amount_eur", notes="", sql="select * from no_such_table")
    result = run_rule(con, suite, rule, rows=4)
    assert (result.success, result.unexpected_count) == (False, None)
    assert result.describe().startswith(
        "fct_premium_decisions: rule:broken(amount_eur) failed: ['query failed: Catalog Error"
    )


# --- validation in proportion to change (expectations/reuse.py) ------------------------------


def _results(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple]:
    """A run's stored results in the order they were found, without the run id."""
    return con.execute(
        "select * exclude (run_id) from validation_results where run_id = ? order by rowid",
        [run_id],
    ).fetchall()


def _validated_by(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, str]:
    rows = con.execute(
        "select suite, validated_by from validation_reuse where run_id = ?", [run_id]
    ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def reused() -> duckdb.DuckDBPyConnection:
    """Failing marts (examples to keep), validated in full once as run-1."""
    con = staging_db()
    build_staging(con)
    decisions = [decision(), decision(), decision(company_kbo=OTHER_KBO, amount_eur=750)]
    create_marts(con, decisions, [finding(), finding(code="DIMONA_MISSING", agreement_id="OVK-3")])
    validate(con, "run-1", None)
    return con


def test_unchanged_inputs_reuse_the_results_of_the_run_that_validated_them(reused) -> None:
    outcome = validate(reused, "run-2", None, reuse=True)
    full = validate(reused, "run-full", None)  # as duaal audit: every suite runs
    assert _results(reused, "run-2") == _results(reused, "run-full") == _results(reused, "run-1")
    assert outcome.failed_marts == full.failed_marts and len(outcome.failed_marts) == 6
    assert set(_validated_by(reused, "run-2").values()) == {"run-1"}
    assert set(_validated_by(reused, "run-full").values()) == {"run-full"}


def test_a_changed_table_is_validated_again_with_the_suites_whose_rules_read_it(reused) -> None:
    reused.execute("delete from fct_compliance_findings where code = 'DIMONA_MISSING'")
    validate(reused, "run-3", None, reuse=True)
    validate(reused, "run-3-full", None)
    assert _results(reused, "run-3") == _results(reused, "run-3-full") != _results(reused, "run-1")
    again = {s for s, by in _validated_by(reused, "run-3").items() if by == "run-3"}
    # fct_action_items' rules read the findings
    assert again == {"fct_compliance_findings", "fct_action_items"}
