"""Nothing personal reaches Prefect: a run against a real server on loopback, then a scan of
everything the server stored (its files and its API) for the sample's INSZ numbers, names
and IBANs."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sample.generate import generate
from tests.flows.test_prefect_server import BIN

pytestmark = pytest.mark.prefect

AS_OF = date(2026, 11, 28)


def personal_values(db: Path) -> set[str]:
    """Every INSZ (plain and as exports write it), name and IBAN the sample holds."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT learner_insz, mentor_insz, learner_name, mentor_name, company_iban
            FROM ingest_overeenkomsten
            UNION ALL SELECT worker_insz, NULL, NULL, NULL, NULL FROM ingest_dimona
            UNION ALL SELECT mentor_insz, NULL, mentor_name, NULL, NULL FROM ingest_erkenningen
            UNION ALL SELECT learner_insz, NULL, NULL, NULL, NULL FROM ingest_premies
            """
        ).fetchall()
        quarantined = [
            json.loads(r[0]) for r in con.execute("SELECT raw_values FROM quarantine").fetchall()
        ]
    finally:
        con.close()
    values = {str(v) for row in rows for v in row if v}
    for raw in quarantined:
        for header, v in raw.items():
            if v and ("INSZ" in header or "Naam lerende" in header or "Naam mentor" in header):
                values.add(str(v))
    dotted = {
        f"{v[:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:]}" for v in values if re.fullmatch(r"\d{11}", v)
    }
    return values | dotted


def found_in(text: str, values: set[str]) -> list[str]:
    return sorted(v for v in values if v in text)


def test_a_run_leaves_no_personal_data_on_the_prefect_server(server, tmp_path):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    api, env = server
    generate(tmp_path / "raw", agreements=80, seed=11, as_of=AS_OF)
    db = tmp_path / "duaal.duckdb"
    out = subprocess.run(
        [
            str(BIN / "duaal"),
            "run",
            "--raw",
            str(tmp_path / "raw"),
            "--db",
            str(db),
            "--reports",
            str(tmp_path / "reports"),
            "--as-of",
            AS_OF.isoformat(),
        ],
        env={**env, "PREFECT_LOGGING_LEVEL": "INFO"},  # every log line goes to the server
        capture_output=True,
        text=True,
        timeout=300,
    )
    # 0, or 4 where the sample's deliberately broken rows fill a small file's quarantine
    assert out.returncode in (0, 4), out.stderr[-3000:]
    values = personal_values(db)
    assert len(values) > 150, "the sample holds INSZ numbers and names to look for"

    # what the API gives back: flow runs (parameters, states), task runs, logs, artifacts
    with SyncPrefectClient(api) as client:
        flow_runs = client.read_flow_runs()
        run_ids = [r.id for r in flow_runs]
        task_runs = client.read_task_runs()
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=run_ids)))
        artifacts = client.read_artifacts()
    assert flow_runs and task_runs and logs and artifacts, "the run reached the server"
    api_text = "\n".join(m.model_dump_json() for m in [*flow_runs, *task_runs, *logs, *artifacts])
    assert found_in(api_text, values) == [], "personal data in the Prefect API"

    # everything the server and client keep on disk: its SQLite database (and WAL),
    # local result storage, anything else under PREFECT_HOME
    home = Path(env["PREFECT_HOME"])
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name.startswith("prefect.db") for p in files), "the server's database"
    stored = {str(p.relative_to(home)): p.read_bytes().decode("utf-8", "replace") for p in files}
    run_id = re.search(r"run (R\d{8}T\d{6}-[0-9a-f]{6})", out.stdout).group(1)
    assert any(f"duaal run {run_id}" in text for text in stored.values()), (
        "the scan reads what the server stored: the summary artifact is found in its files"
    )
    leaks = {name: found for name, text in stored.items() if (found := found_in(text, values))}
    assert leaks == {}, "personal data stored by Prefect"


def test_a_failed_stage_keeps_insz_and_iban_out_of_its_message():
    """What Prefect stores of a failed task (state message, logged traceback) is redacted;
    the KBO number (10 digits, a company) stays."""
    from expectations.validate import ValidationFailed
    from flows.pipeline import redacted_errors

    def validate_stage() -> None:
        raise ValidationFailed(
            "fct_premium_decisions: rule failed for 1 of 7 rows, e.g. "
            "[['2024-2025', '0249997011', '06022641541', 'BE06 2009 8032 9511']]"
        )

    with pytest.raises(ValidationFailed) as raised:
        redacted_errors(validate_stage)()
    assert str(raised.value) == (
        "fct_premium_decisions: rule failed for 1 of 7 rows, e.g. "
        "[['2024-2025', '0249997011', '<INSZ>', '<IBAN>']]"
    )
    assert redacted_errors(validate_stage).__name__ == "validate_stage"
