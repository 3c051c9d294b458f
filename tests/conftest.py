"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_client import Es

from harness.server import ReferenceServer
from harness.testing import running_reference_server


@pytest.fixture(scope="session")
def reference_server() -> Iterator[ReferenceServer]:
    """One real reference server on a free loopback port for the session (any non-empty token accepted).

    Its state is shared: a test that depends on a clean state posts ``/_reference/reset``
    first (``requests.post(reference_server.url + "/_reference/reset")``).
    """
    with running_reference_server() as server:
        yield server


@pytest.fixture()
def fresh_reference_server(reference_server: ReferenceServer) -> ReferenceServer:
    """The session's reference server, reset to its initial state (demo cloud jobs only) for this test."""
    reference_server.state.reset()
    return reference_server


@pytest.fixture()
def es(fresh_reference_server: ReferenceServer) -> Es:
    """An Elasticsearch-style client of the freshly reset session server (relative paths, JSON)."""
    return Es(fresh_reference_server)
