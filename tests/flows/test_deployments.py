"""`duaal serve` and `duaal deploy` warn when the Prefect API is plain HTTP to another host;
`duaal serve` says what serving without a Prefect server means."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from flows.deployments import insecure_api_warning, temporary_server_notice, warn_if_insecure_api


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "http://127.0.0.1:4200/api",
        "http://127.8.9.10:4200/api",
        "http://localhost:4200/api",
        "http://[::1]:4200/api",
        "https://prefect.mtech.example/api",
        "HTTPS://10.1.2.3/api",
    ],
)
def test_loopback_or_tls_is_quiet(url):
    assert insecure_api_warning(url) is None


@pytest.mark.parametrize(
    "url", ["http://10.1.2.3:4200/api", "http://prefect.mtech.example/api", "HTTP://0.0.0.0/api"]
)
def test_plain_http_to_another_host_warns(url):
    assert insecure_api_warning(url) == (
        f"warning: the Prefect API {url} is plain HTTP to another host: flow runs, logs and "
        "the API auth string cross the network unencrypted. Put the server behind a reverse "
        "proxy with TLS and use its https:// URL (README, the Prefect server)."
    )


def test_the_warning_reads_the_api_url_of_the_process(monkeypatch, capsys):
    monkeypatch.setenv("PREFECT_API_URL", "http://192.0.2.7:4200/api")
    assert warn_if_insecure_api() is not None
    assert capsys.readouterr().err.startswith(
        "duaal: warning: the Prefect API http://192.0.2.7:4200/api is plain HTTP"
    )
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert warn_if_insecure_api() is None and capsys.readouterr().err == ""


def test_without_a_server_the_notice_says_what_happens_and_how_to_get_a_ui():
    home = Path("/home/analist/.prefect")
    assert temporary_server_notice("http://127.0.0.1:4200/api", home) is None
    assert temporary_server_notice(None, home) == (
        "duaal serve: no Prefect server is set (PREFECT_API_URL), so Prefect serves the "
        "schedules on a temporary server inside this process, without a UI: no one can watch "
        "the runs while they happen, and the schedules stop when this command stops.\n"
        "Every run is still recorded in the database: `duaal runs` lists them (and a Prefect "
        "server started later on the Prefect home /home/analist/.prefect shows their flow "
        "runs).\n"
        "For the Prefect UI, start a server and serve against it:\n"
        "  .venv/bin/prefect server start --host 127.0.0.1   # another terminal; UI at "
        "http://127.0.0.1:4200\n"
        "  PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/duaal serve"
    )


@pytest.fixture
def stop_before_serving(monkeypatch, capsys):
    """Replace Prefect's serve: record what the terminal said by then and the deployments."""
    import flows.deployments

    served: dict = {}

    def fake_serve(*deployments):
        served["said"] = capsys.readouterr().err
        served["deployments"] = [d.name for d in deployments]

    monkeypatch.setattr(flows.deployments, "serve", fake_serve)
    return served


def test_serve_without_a_server_says_so_before_serving(stop_before_serving, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "")
    assert main(["serve"]) == 0
    assert stop_before_serving["deployments"] == ["duaal-ingest-validate", "duaal-monthly-reports"]
    said = stop_before_serving["said"]
    assert said.startswith("duaal serve: no Prefect server is set (PREFECT_API_URL)"), said
    assert "`duaal runs` lists them" in said
    assert "PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/duaal serve" in said


def test_serve_with_a_server_says_nothing_of_it(stop_before_serving, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert main(["serve"]) == 0
    assert stop_before_serving["said"] == ""
