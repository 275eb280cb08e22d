"""The Prefect flow, on one shared test harness: a completed run with its artifacts, and a
failed run written to the history by the on_failure hook."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import UUID

import duckdb
import pytest

from sample.generate import generate

pytestmark = pytest.mark.prefect

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    generate(out, agreements=120, seed=3, as_of=AS_OF)
    return out


def _artifacts(client, flow_run_id: UUID) -> dict[str, list]:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    found = client.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
    )
    by_type: dict[str, list] = {}
    for a in found:
        by_type.setdefault(a.type, []).append(a)
    return by_type


def test_flow_run_completes_with_artifacts(prefect_harness, raw, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.pipeline import pipeline_flow

    db = tmp_path / "duaal.duckdb"
    result = pipeline_flow(raw=raw, db=db, reports=tmp_path / "reports", as_of=AS_OF)
    summary = result["summary"]
    con = duckdb.connect(str(db), read_only=True)
    flow_run_id, status = con.execute(
        "SELECT flow_run_id, status FROM runs WHERE run_id = ?", [summary.run_id]
    ).fetchone()
    con.close()
    assert status == "completed"
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
        assert run.state.is_completed()
        artifacts = _artifacts(client, run.id)
    texts = [a.data for a in artifacts["markdown"]]
    assert any(f"duaal run {summary.run_id}" in t for t in texts), "the summary artifact"
    first = "- changes since the previous run: none, this is the first completed run"
    assert any(first in t.splitlines() for t in texts), "the summary counts the changes"
    since = f"# Since the previous run\n\nRun {summary.run_id} is the first completed run.\n"
    assert since in texts, "the changes artifact"
    tables = {a.key: json.loads(a.data) for a in artifacts["table"]}
    assert "Antwerpen" in {row["office"] for row in tables["duaal-amounts-per-office"]}
    outputs = tables["duaal-outputs"]
    assert len(outputs) == len(summary.reports) + 1, "one row per workbook, and the Data Docs"
    assert outputs[0] == {
        "output": summary.reports[0].relative_to(tmp_path / "reports").as_posix(),
        "kind": "workbook",
        "written_by": summary.run_id,
        "kept": "no",
        "uri": summary.reports[0].resolve().as_uri(),
    }
    assert outputs[-1]["output"] == "Data Docs"
    assert outputs[-1]["uri"].endswith("datakwaliteit/index.html")


def test_failed_flow_is_written_to_the_history_and_notified(
    prefect_harness, raw, tmp_path, monkeypatch
):
    from prefect.blocks.notifications import NotificationBlock

    import duaal.run.pipeline
    from flows.pipeline import pipeline_flow

    class RecordingNotification(NotificationBlock):
        """A notification block that writes what it is told to a file."""

        path: str

        def notify(self, body: str, subject: str | None = None) -> None:
            Path(self.path).write_text(f"{subject}\n{body}", encoding="utf-8")

    told = tmp_path / "notified.txt"
    RecordingNotification(path=str(told)).save("duaal-analysts", overwrite=True)
    monkeypatch.setenv("DUAAL_NOTIFY_BLOCK", "recordingnotification/duaal-analysts")

    def broken_rules(*args, **kwargs):
        raise RuntimeError("model marts/fct_premium_decisions.sql failed: boom")

    monkeypatch.setattr(duaal.run.pipeline, "rules_stage", broken_rules)
    db = tmp_path / "duaal.duckdb"
    state = pipeline_flow(
        raw=raw, db=db, reports=tmp_path / "reports", as_of=AS_OF, return_state=True
    )
    assert state.is_failed()
    con = duckdb.connect(str(db), read_only=True)
    status, error = con.execute("SELECT status, error FROM runs").fetchone()
    con.close()
    assert status == "failed"
    assert "boom" in error
    subject, body = told.read_text(encoding="utf-8").split("\n", 1)
    assert subject == "duaal: run failed"
    assert "boom" in body


def test_deployments_carry_the_cron_schedules():
    from duaal.common.settings import load_settings
    from flows.deployments import build_deployments

    ingest, reports = build_deployments(load_settings())
    assert ingest.name == "duaal-ingest-validate"
    assert ingest.schedules[0].schedule.cron == "0 6 * * 1-5"
    assert ingest.schedules[0].schedule.timezone == "Europe/Brussels"
    assert ingest.parameters["with_reports"] is False
    assert reports.schedules[0].schedule.cron == "0 7 1 * *"
    assert reports.parameters["with_reports"] is True


def test_schedule_settings_reach_the_deployments(monkeypatch, tmp_path):
    from duaal.common.settings import load_settings
    from flows.deployments import build_deployments

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUAAL_INGEST_CRON", "30 5 * * 1-5")
    monkeypatch.setenv("DUAAL_TIMEZONE", "Europe/Amsterdam")
    (tmp_path / "duaal.toml").write_text('reports_cron = "0 8 2 * *"\n', "utf-8")
    monkeypatch.setenv("DUAAL_SETTINGS", "duaal.toml")
    ingest, reports = build_deployments(load_settings(max_quarantine_share="20%", rules="r.toml"))
    assert (ingest.schedules[0].schedule.cron, ingest.schedules[0].schedule.timezone) == (
        "30 5 * * 1-5",
        "Europe/Amsterdam",
    )
    assert reports.schedules[0].schedule.cron == "0 8 2 * *"
    assert ingest.parameters["max_quarantine_share"] == 0.2
    assert ingest.parameters["rules"] == str(tmp_path / "r.toml")
    assert "as_of" not in ingest.parameters, "a scheduled run judges as on the day it runs"


def test_a_run_at_the_terminal_sends_heartbeats_only_when_they_are_configured(monkeypatch):
    from prefect.settings import get_current_settings, temporary_settings

    from flows.pipeline import heartbeats_unless_configured

    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", raising=False)
    assert heartbeats_unless_configured() == {"flows.heartbeat_frequency": None}
    with temporary_settings(updates=heartbeats_unless_configured()):
        assert get_current_settings().flows.heartbeat_frequency is None  # no wait at the end
    with temporary_settings(updates={"flows.heartbeat_frequency": 60}):
        assert heartbeats_unless_configured() == {}  # the profile's frequency is kept
