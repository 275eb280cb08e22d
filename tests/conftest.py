"""Test session set-up: Prefect stays in a temporary home and is started at most once a process."""

from __future__ import annotations

import os
import tempfile

import pytest

# Before anything imports Prefect: its home, database and settings in a temporary folder.
# Under pytest-xdist (make test) each worker is a process of its own: it gets a temporary
# home of its own, so no two processes share Prefect's profiles file or local database.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix=f"duaal-prefect-{_worker}-")
else:
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="duaal-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness (a temporary API server) shared by every flow test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
