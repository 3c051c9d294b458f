"""Test helpers shipped with the package (as ``sybil.testing``): a reference server to test against.

Use it in a project's own tests, or in docharness's::

    from harness.testing import running_reference_server

    with running_reference_server(token="s3cret") as server:
        requests.get(server.url + "/_xpack/rollup/job/_all")

The server is real (HTTP/1.1 on a free loopback port) and is stopped, its threads
joined, when the block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from harness.server import ReferenceServer

__all__ = ["ReferenceServer", "running_reference_server"]


@contextmanager
def running_reference_server(token: str | None = None) -> Iterator[ReferenceServer]:
    """Start a ``ReferenceServer`` on a free loopback port for the block, then stop it.

    :param token: the only ``X-Auth-Token`` its cloud APIs accept; ``None`` accepts any non-empty one.
    """
    server = ReferenceServer(host="127.0.0.1", port=0, token=token)
    server.start()
    try:
        yield server
    finally:
        server.stop()
