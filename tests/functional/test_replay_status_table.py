"""A response shown without its own status is held to the 2xx codes the page's status table lists.

The table of a cloud page lists 200 and 201 (two success codes, so neither is the example's
default): an answer of 204 was a pass ("2xx"), though the page documents no 204.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page

from harness import codec
from harness.report.checks import check_words
from harness.results import ExampleResult

PAGE = """\
Creating a Queue
================

URI
---

POST /v1/{project_id}/queues

Status Codes
------------

=========== ============
Status Code Description
=========== ============
200         OK
201         Created
400         Bad request
=========== ============

Example Request
---------------

.. code-block:: text

   POST https://{endpoint}/v1/{project_id}/queues

   {"name": "q1"}
"""


@pytest.mark.parametrize("status,outcome", [(201, "passed"), (204, "failed")])
def test_an_unstated_status_must_be_one_the_table_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], status: int,
                                                        outcome: str) -> None:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(status, b"" if status == 204 else b'{"queue_id": "q1"}'))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "queues.rst", PAGE, lambda url: cloud_config(url, "rst", "shape"), answer)
    capsys.readouterr()
    assert result["outcome"] == outcome
    assert result["status_rule"] == "200 or 201"  # what a status-only pass says it checked
    if outcome == "passed":
        assert result["checked"] == "status"
        assert check_words(codec.from_data(ExampleResult, result)) == "checked: status 200 or 201 only: no body compared"
    else:
        assert result["reason"] == "expected status 200 or 201 but got 204"


@pytest.mark.parametrize("cell", ["200, 202", "200/202", "200 or 202", "202 / 200"])
@pytest.mark.parametrize("status,outcome", [(202, "passed"), (204, "failed")])
def test_codes_listed_in_one_cell_are_each_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], cell: str, status: int,
                                                 outcome: str) -> None:
    """A row whose cell lists two codes ("200, 202", "200/202") documents both: the second was dropped
    unsaid, so the first became the example's one status, and a 202 the page allows failed."""
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(status, b"" if status == 204 else b'{"queue_id": "q1"}'))

    monkeypatch.chdir(tmp_path)
    page = PAGE.replace("200         OK\n201         Created\n", f"{cell:<11} OK\n")
    _, (result,) = replay_page(tmp_path, "queues.rst", page, lambda url: cloud_config(url, "rst", "shape"), answer)
    capsys.readouterr()
    assert (result["outcome"], result["status_rule"]) == (outcome, "200 or 202")
