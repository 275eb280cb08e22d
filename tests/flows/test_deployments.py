"""`duaal serve` and `duaal deploy` warn when the Prefect API is plain HTTP to another host."""

from __future__ import annotations

import pytest

from flows.deployments import insecure_api_warning, warn_if_insecure_api


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
