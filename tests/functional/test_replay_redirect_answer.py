"""A page's POST answered with a redirect is not passed on what the GET after it returns.

The cloud page documents ``Status code: 200`` and a body for a POST. The target answers 302 to
``/landing``, whose GET returns that very body. Before, replay followed the redirect as requests
does (POST -> GET) and passed the example, recording the GET's answer as the POST's; curl without
``-L`` and the Elasticsearch client show the 302. Real loopback server.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page


PAGE = """\
Creating a Queue
================

URI
---

POST /v1/{project_id}/queues

Example Request
---------------

.. code-block:: text

   POST https://{endpoint}/v1/{project_id}/queues

   {"name": "q1"}

Example Response
----------------

Status code: 200

.. code-block::

   {"queue_id": "q1"}
"""


@pytest.mark.parametrize("status", [302, 303])
def test_a_post_redirected_to_a_get_fails_with_the_redirect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str], status: int) -> None:
    gets: list[bytes] = []

    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        if head.startswith(b"GET /landing"):
            gets.append(head)
            conn.sendall(fs.answer(200, b'{"queue_id": "q1"}'))
        else:
            conn.sendall(fs.answer(status, b"", extra="Location: /landing\r\n"))

    monkeypatch.chdir(tmp_path)
    code, (result,) = replay_page(tmp_path, "queues.rst", PAGE, lambda url: cloud_config(url, "rst", "subset"), answer)
    capsys.readouterr()
    assert code == 1 and result["outcome"] == "failed"
    assert result["reason"] == f"expected status 200 but got {status}"
    assert [(e["method"], e["status"]) for e in result["exchanges"]] == [("POST", status)]
    assert gets == []
