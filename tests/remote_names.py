"""A "remote" target for safety tests whose traffic still stays on loopback.

The live-cluster safety check judges a target by its URL without resolving it, so a host
name that is not ``localhost`` counts as remote. This workplace allows no address but
loopback as a target, so the tests resolve that name to 127.0.0.1 in-process: the
requests are real, the server (or the refused port) is on this machine.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

REMOTE_NAME = "cluster.docharness.test"


def remote_name_on_loopback(monkeypatch: pytest.MonkeyPatch) -> str:
    """A host name that resolves to 127.0.0.1 in this process, until the test ends."""
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == REMOTE_NAME else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return REMOTE_NAME


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
