"""The results do not change: the digests of the decisions, the findings, the payment
reconciliation and the quarantine of the sample (what `duaal demo` makes: 3,000 agreements;
the benchmarks' `sample`) are pinned. Work on speed must leave them as they are; a change of
the rules or of the sample that changes a result changes them on purpose, and says so in its
commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from duaal.common.db import connect
from duaal.common.settings import defaults, load_settings
from duaal.run.pipeline import execute, record_stage, rules_stage, start_run
from sample.generate import generate
from transforms.loading import ingest
from transforms.rule_config import load_rule_config
from transforms.schema import PAYMENT_STATUSES as SIX_STATUSES

# benchmarks/datasets.py: DATASETS["sample"]
AGREEMENTS, SEED, AS_OF = 3_000, 1, date(2025, 11, 28)

EXPECTED = {
    "decisions": "0ee672c5afd55ac241f57155be1600e7f007b4c916ac70191c5e8f860d74b563",
    "findings": "09ddb815803fe84729f2aae527aa2a7d204e3afde3b3abe044e762bc0abf8537",
    "payments": "4973912e0f28bcbbf32d4dfb4c4a10d59e0090a46384bcd9deb437f1903a9069",
    "quarantine": "728c1a9eecbc4dd2cc16942da18a6303112540177f24c1388ae0474cb3fb2b32",
}
# the sample's premium history pays every status (sample/generate.py): 2023-2024 is past its
# expected payment date (28/02/2025) on AS_OF, 2024-2025 is not (28/02/2026)
PAYMENT_STATUSES = [
    ("2023-2024", "no_decision", 2),
    ("2023-2024", "not_due", 4),
    ("2023-2024", "missing", 66),
    ("2023-2024", "amount_differs", 21),
    ("2023-2024", "paid", 416),
    ("2024-2025", "no_decision", 1),
    ("2024-2025", "not_due", 2),
    ("2024-2025", "awaited", 355),
    ("2024-2025", "amount_differs", 4),
    ("2024-2025", "paid", 164),
]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("sample") / "raw"
    generate(raw, agreements=AGREEMENTS, seed=SEED, as_of=AS_OF)
    return raw


@pytest.fixture(scope="module")
def recorded(raw, tmp_path_factory) -> tuple[dict[str, str], list[tuple]]:
    """Ingest, rules and record on the sample (validation and reports do not change them):
    the digests, and the payment statuses per school year."""
    base = tmp_path_factory.mktemp("digests")
    con = connect(base / "duaal.duckdb")
    try:
        ingest(con, raw, now=datetime(2025, 11, 28, 6, 0))
        config = load_rule_config(defaults().rules)
        run_id = start_run(con, config, AS_OF, now=datetime(2025, 11, 28, 6, 0))
        rules_stage(con, config, AS_OF)
        digests = record_stage(con, run_id)
        statuses = con.execute(
            "SELECT school_year, status, count(*) FROM run_payments "
            "GROUP BY school_year, status ORDER BY school_year, list_position(?, status)",
            [list(SIX_STATUSES)],
        ).fetchall()
        return digests, statuses
    finally:
        con.close()


@pytest.mark.parametrize("output", sorted(EXPECTED))
def test_sample_digest_is_pinned(recorded, output):
    assert recorded[0][output] == EXPECTED[output]


def test_the_sample_pays_every_status(recorded):
    assert recorded[1] == PAYMENT_STATUSES
    assert {status for _, status, _ in recorded[1]} == set(SIX_STATUSES)


def test_the_whole_run_gives_the_pinned_digests(raw, tmp_path):
    # the whole run takes other paths than the stages above (the input checks build the
    # staging models the rules then reuse, ingest reads ahead in worker processes)
    settings = load_settings(
        raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path / "reports", as_of=AS_OF
    )
    assert execute(settings, with_reports=False).digests == EXPECTED


VALIDATION = (
    "SELECT suite, table_name, layer, expectation, column_name, kwargs, success, "
    "element_count, unexpected_count, unexpected_examples FROM validation_results "
    "WHERE run_id = ? ORDER BY ALL"
)


def test_a_run_on_models_built_from_its_very_inputs_builds_nothing_and_answers_the_same(
    raw, tmp_path
):
    from duaal.common.digests import output_digests
    from expectations.validate import validate

    def settings(as_of: date):
        return load_settings(
            raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path / "reports", as_of=as_of
        )

    first = execute(settings(AS_OF), with_reports=False)
    second = execute(settings(AS_OF), with_reports=False)  # the same inputs, as_of and code
    later = execute(settings(AS_OF + timedelta(days=1)), with_reports=False)
    assert first.digests == second.digests == EXPECTED
    con = connect(tmp_path / "duaal.duckdb")
    try:
        assert dict(con.execute("SELECT run_id, built_by FROM model_builds").fetchall()) == {
            first.run_id: first.run_id,
            second.run_id: first.run_id,  # the rules built nothing
            later.run_id: later.run_id,  # another as_of: built again
        }
        assert con.execute("SELECT count(DISTINCT input_key) FROM model_builds").fetchone()[0] == 2
        # a full build and a full validation of the second run's inputs give its answer
        rules_stage(con, load_rule_config(defaults().rules), AS_OF)
        full = output_digests(con)
        full["quarantine"] = second.digests["quarantine"]
        assert full == second.digests
        validate(con, "R-full", None, reuse=False)
        stored = con.execute(VALIDATION, [second.run_id]).fetchall()
        assert stored and con.execute(VALIDATION, ["R-full"]).fetchall() == stored
    finally:
        con.close()
