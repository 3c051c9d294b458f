"""A page's HTTP-message headers against the run's own: what really reaches the target.

Cloud pages show requests as raw HTTP messages, headers and all: an example
``Authorization`` signature, the documentation's ``Host``, a ``Content-Length`` of
the example's body. The configured credential (read from the environment) must
be the one sent, and the connection's own headers are the target's, not the page's.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config

from harness.cli import main

PAGE = """\
Setting an ACL
==============

URI
---

PUT /?acl

Example Request
---------------

.. code-block:: text

   PUT /?acl HTTP/1.1
   Host: examplebucket.obs.region.example.com
   Authorization: OBS H4IPJX0TQTHTHEBQQCEC:8xAODun1ofjkwHm8YhtN0QEcy9M=
   X-Trace: from-the-page
   Content-Length: 727

   {"acl": "private"}

Example Response
----------------

.. code-block::

   {"ok": true}
"""
HEADERS = 'timeout = 5\n\n[targets.t.headers]\nAuthorization = { env = "ACL_TEST_AUTH" }\n'


def test_the_configured_credential_and_the_targets_host_are_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    heads: list[str] = []

    def record(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        heads.append(head.decode("latin-1"))
        conn.sendall(fs.answer(200, b'{"ok": true}'))

    (tmp_path / "acl.rst").write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("ACL_TEST_AUTH", "Bearer configured-secret-1")
    with fs.fault_server(record) as server:
        config = cloud_config(server.url, "rst", "exact", target_extra=HEADERS)
        (tmp_path / "docharness.toml").write_text(config, encoding="utf-8")
        status = main(["replay", "--no-cache", "--config", str(tmp_path / "docharness.toml"), str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert len(heads) == 1
    lines = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in heads[0].split("\r\n")[1:]
             if ":" in line}
    assert lines["authorization"] == "Bearer configured-secret-1"  # not the page's example signature
    assert lines["host"] == server.url.removeprefix("http://")  # the target, not the page's example host
    assert lines["content-length"] == str(len('{"acl": "private"}'))
    assert lines["x-trace"] == "from-the-page"  # the page's other headers still go with it
    assert "configured-secret-1" not in out
