"""Test session set-up: Prefect stays in a temporary home and is started at most once."""

from __future__ import annotations

import os
import tempfile

import pytest

# Before anything imports Prefect: its home, database and settings in a temporary folder.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="duaal-prefect-"))
# Under pytest-xdist each worker is a process of its own: it gets a home of its own, so no
# two processes share Prefect's profiles file or local database.
if os.environ.get("PYTEST_XDIST_WORKER"):
    _home = os.path.join(os.environ["PREFECT_HOME"], os.environ["PYTEST_XDIST_WORKER"])
    os.makedirs(_home, exist_ok=True)
    os.environ["PREFECT_HOME"] = _home
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness (a temporary API server) shared by every flow test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


PREFECT_GROUP = "prefect"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """How `make test` (pytest-xdist, --dist loadgroup) shares the tests among its workers.

    Every test marked `prefect` is in one group, so one worker starts the test harness and
    the Prefect server, once; every other test is grouped by its file, so a file's fixtures
    are built once. Without xdist the marks do nothing."""
    for item in items:
        group = PREFECT_GROUP if item.get_closest_marker("prefect") else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
