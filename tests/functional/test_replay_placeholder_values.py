"""Placeholder values in a cloud page's documented response are checked for presence and type only, and
reported so: ``"{job_id}"``/``"<job_id>"`` (any value), ``"string"``, ``"xxxx"``, ``"******"`` (any string) and, in a body written in
that parameter-example style, ``0`` (any number); inside a longer string (``"/v1/{project_id}/jobs"``) a
placeholder stands for any text and the text around it is compared.

Before, a subset or exact check compared them as written and failed every real answer (``"{job_id}"`` is
never a job id); a pass now never reads "verified" for what was only found present. Real loopback server.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page

from harness.codec import from_data
from harness.publish.badges import _from_result
from harness.results import ExampleResult

PAGE = """Creating a job
==============

URI
---

POST /v1/{project_id}/jobs

Example Request
---------------

.. code-block::

   {"name": "j1"}

Example Response
----------------

.. code-block::

   BODY
"""
ANSWER = b'{"job_id": 4010, "name": "j1", "count": 3, "state": "RUNNING", "uri": "/v1/p1/jobs/4010"}'


def _answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(fs.answer(200, ANSWER))


@pytest.mark.parametrize("match,body,outcome,values,badge", [
    ("subset", '{"job_id": "{job_id}", "name": "j1"}', "passed", (2, 1),
     "verified (subset: documented fields present and equal)"),
    ("subset", '{"job_id": "<job_id>"}', "passed", (1, 1), "presence-checked (all 1 documented values"),
    ("subset", '{"name": "string", "count": 0}', "passed", (2, 2), "presence-checked (all 2 documented values"),
    ("subset", '{"name": "j2", "job_id": "{job_id}"}', "failed", (2, 1), ""),  # the real value is still compared
    ("subset", '{"state": "string", "count": "string"}', "failed", (2, 2), ""),  # 3 is no string
    ("subset", '{"job_id": "{job_id}", "name": "j1", "count": 0, "state": "RUNNING"}', "failed", (4, 1), ""),
    ("exact", '{"job_id": "<job_id>", "name": "string", "count": 0, "state": "string", "uri": "string"}', "passed",
     (5, 5),
     "presence-checked"),
    ("subset", '{"uri": "/v1/{project_id}/jobs/{job_id}"}', "passed", (1, 1), "presence-checked"),
    ("subset", '{"state": "xxxx", "name": "******", "count": 3}', "passed", (3, 2),
     "verified (subset: documented fields present and equal)"),
    ("subset", '{"count": "******"}', "failed", (1, 1), ""),  # a masked value stands for a string
    ("subset", '{"uri": "/v2/{project_id}/jobs/{job_id}"}', "failed", (1, 1), ""),  # the text around them counts
    ("shape", '{"job_id": "{job_id}", "name": "string", "count": 0, "state": "RUNNING", "uri": "{uri}"}', "passed",
     (0, 0),
     "shape-checked"),
])
def test_placeholders_are_presence_and_type_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], match: str, body: str,
                                                 outcome: str, values: tuple[int, int], badge: str) -> None:
    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "job.rst", PAGE.replace("BODY", body),
                               lambda url: cloud_config(url, "rst", match), _answer)
    capsys.readouterr()
    assert result["outcome"] == outcome, result["reason"]
    assert (result["documented_values"], result["presence_only"]) == values
    if outcome == "passed":
        text = _from_result(from_data(ExampleResult, result)).text
        assert text.startswith(badge), text
        if values[1]:
            assert "verified" not in text or "only checked present" in text
