"""The results do not change: the digests of the decisions, the findings and the quarantine
of the sample (what `duaal demo` makes: 3,000 agreements; the benchmarks' `sample`) are
pinned. Work on speed must leave them as they are; a change of the rules that changes a
result changes them on purpose, and says so in its commit."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from duaal.db import connect
from duaal.generate import generate
from duaal.pipeline import execute, record_stage, rules_stage, start_run
from duaal.settings import defaults, load_settings
from transforms.loading import ingest
from transforms.rule_config import load_rule_config

# benchmarks/datasets.py: DATASETS["sample"]
AGREEMENTS, SEED, AS_OF = 3_000, 1, date(2025, 11, 28)

EXPECTED = {
    "decisions": "9fefe51f40c3f248d06baeda39bd96adea66f1f361c360b3c686a46bcec258f5",
    "findings": "0984138768fd9523bb0d678301aa710d95a17d7db4848613833fc4e641637609",
    "quarantine": "6a4b374ac213c7439f4465e18bb4674642ac38a2986d2ac05526b2a8895ee4ed",
}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("sample") / "raw"
    generate(raw, agreements=AGREEMENTS, seed=SEED, as_of=AS_OF)
    return raw


@pytest.fixture(scope="module")
def digests(raw, tmp_path_factory) -> dict[str, str]:
    """Ingest, rules and record on the sample (validation and reports do not change them)."""
    base = tmp_path_factory.mktemp("digests")
    con = connect(base / "duaal.duckdb")
    try:
        ingest(con, raw, now=datetime(2025, 11, 28, 6, 0))
        config = load_rule_config(defaults().rules)
        run_id = start_run(con, config, AS_OF, now=datetime(2025, 11, 28, 6, 0))
        rules_stage(con, config, AS_OF)
        return record_stage(con, run_id)
    finally:
        con.close()


@pytest.mark.parametrize("output", sorted(EXPECTED))
def test_sample_digest_is_pinned(digests, output):
    assert digests[output] == EXPECTED[output]


def test_the_whole_run_gives_the_pinned_digests(raw, tmp_path):
    # the whole run takes other paths than the stages above (the input checks build the
    # staging models the rules then reuse, ingest reads ahead in worker processes)
    settings = load_settings(
        raw=raw, db=tmp_path / "duaal.duckdb", reports=tmp_path / "reports", as_of=AS_OF
    )
    assert execute(settings, with_reports=False).digests == EXPECTED
