"""Live-cluster safety: which targets are local, and which requests change state.

Against a target that is not on loopback, a request that is not GET or HEAD is
sent only with an explicit opt-in (``--allow-writes`` or ``allow_writes = true``).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["READ_ONLY_METHODS", "changes_state", "is_loopback", "write_refusal"]

READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def is_loopback(url: str) -> bool:
    """Whether the URL's host is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def changes_state(method: str) -> bool:
    """Whether a request with this method may change the target's state."""
    return method.upper() not in READ_ONLY_METHODS


def write_refusal(method: str, url: str) -> str:
    """The skip reason given for a state-changing request that was not sent."""
    return (f"{method.upper()} changes state and {url} is not on loopback; "
            "pass --allow-writes or set allow_writes = true for this target to send it")
