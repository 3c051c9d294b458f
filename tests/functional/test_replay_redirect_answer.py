"""A page's POST answered with a redirect is not passed on what the GET after it returns.

The cloud page documents ``Status code: 200`` and a body for a POST. The target answers 302 to
``/landing``, whose GET returns that very body. Before, replay followed the redirect as requests
does (POST -> GET) and passed the example, recording the GET's answer as the POST's; curl without
``-L`` and the Elasticsearch client show the 302. Real loopback server.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page

from harness import codec
from harness.report.html_report import html_report
from harness.results import RunResult


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


GET_PAGE = PAGE.replace("POST /v1", "GET /v1").replace("POST https", "GET https").replace('\n   {"name": "q1"}\n', "")


@pytest.mark.parametrize("body,outcome", [(b'{"queue_id": "q1"}', "passed"), (b'{"queue_id": "other"}', "failed")])
def test_a_followed_redirect_says_whose_answer_was_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], body: bytes,
                                                          outcome: str) -> None:
    """A GET redirected to another URL keeps its method, so the redirect is followed; the exchange says the
    status and body are that URL's, where before it showed them under the page's URL alone."""
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        if head.startswith(b"GET /landing"):
            conn.sendall(fs.answer(200, body))
        else:
            conn.sendall(fs.answer(301, b"", extra="Location: /landing\r\n"))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "queues.rst", GET_PAGE, lambda url: cloud_config(url, "rst", "subset"),
                               answer)
    capsys.readouterr()
    (exchange,) = [e for e in result["exchanges"] if e["phase"] == "test"]
    assert result["outcome"] == outcome and exchange["status"] == 200
    assert exchange["url"].endswith("/v1/p1/queues") and exchange["redirected_to"].endswith("/landing")
    if outcome == "failed":  # the report's request and response say whose answer was compared
        run = codec.from_data(RunResult, json.loads((tmp_path / "results.json").read_text(encoding="utf-8")))
        report = html_report(run)
        assert "(redirected: the status and body checked are those of http://127.0.0.1:" in report
        assert "HTTP 200 (the answer of http://127.0.0.1:" in report
