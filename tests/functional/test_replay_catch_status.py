"""A cloud page's ``Status code: NNN`` under an example with a ``catch`` is checked too.

Found by ``benchmarks/live_campaign.py`` against a real Apache Flink 2.3 cluster: Flink answers an upload
without a file ``400`` with ``{"errors": [...]}``; the page's ``TEST[catch:bad_request]`` held, and its
``Status code: 401`` above the response was compared with nothing, so the example passed as verified
while the page documents a status the server never sent. The server here answers as Flink does.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page

FLINK_400 = (b'{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Exactly 1 file must be sent, '
             b'received 0.\\n\\tat org.apache.flink.runtime.rest.handler.FileUploads.<init>(FileUploads.java:58)"]}')

PAGE = """\
Uploading a JAR
===============

URI
---

POST /jars/upload

Example Requests
----------------

.. code-block:: text

   POST /jars/upload

.. TEST[{catch}]

Example Responses
-----------------

**Status code: {status}**

.. code-block::

   {{
     "errors": [
       "org.apache.flink.runtime.rest.handler.RestHandlerException: Exactly 1 file must be sent, received 0.\\n\\tat ..."
     ]
   }}
"""


def _flink(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(fs.answer(400, FLINK_400, "application/json; charset=UTF-8"))


@pytest.mark.parametrize("catch,status,outcome,rule", [
    ("catch:bad_request", 400, "passed", "catch: bad_request"),
    ("catch:bad_request", 401, "failed", "catch: bad_request and 401"),  # was a pass
    ("catch:request", 500, "failed", "catch: request and 500"),
    ("catch:missing", 400, "failed", "catch: missing and 400"),  # the catch itself fails first
])
def test_the_documented_status_holds_beside_the_catch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], catch: str, status: int,
                                                      outcome: str, rule: str) -> None:
    monkeypatch.chdir(tmp_path)
    page = PAGE.format(catch=catch, status=status)
    code, (result,) = replay_page(tmp_path, "upload.rst", page, lambda url: cloud_config(url, "rst", "subset"),
                                  _flink)
    capsys.readouterr()
    assert (code, result["outcome"], result["status_rule"]) == (0 if outcome == "passed" else 1, outcome, rule)
    if catch == "catch:bad_request" and status == 401:
        failure = result["failures"][0]
        assert failure["kind"] == "status"
        assert failure["message"] == "the page documents status 401 but got 400 (which catch: bad_request accepts)"
        assert failure["actual"].startswith("400 {")
    if catch == "catch:missing":
        assert result["failures"][0]["kind"] == "catch"
