"""An example response written in a table cell (cloud HTML/RST pages that put the JSON in a cell, not in a
code block) is read and compared like one in a code block, with the row's status code when a cell holds one.

Before, the response was left unchecked (the example passed on its status alone) and the page was warned
"has no code block", although the block was there, inside a table. Real loopback server, real files.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page

from harness.parsers import parse

HEAD = """<html><body><h1>Stopping a job</h1><h2>URI</h2><p>POST /v1/{project_id}/jobs/stop</p>
<h2>Example Request</h2><pre class="screen">{"job_ids": [1]}</pre><h2>Example Response</h2>
"""
PRE_IN_CELL = HEAD + """<table><tbody><tr><td><pre class="screen">{
  "is_success": true,
  "message": "stopped"
}</pre></td></tr></tbody></table></body></html>
"""
STATUS_COLUMN = HEAD + """<table><thead><tr><th>Status</th><th>Response</th></tr></thead><tbody>
<tr><td>202</td><td><p>{"is_success": true, "message": "stopped"}</p></td></tr></tbody></table></body></html>
"""
_ROWS = ['.. code-block::', '', '   {', '       "is_success": true,', '       "message": "stopped"', '   }']
RST = ("Stopping a job\n==============\n\nURI\n---\n\nPOST /v1/{project_id}/jobs/stop\n\nExample Request\n"
       "---------------\n\n.. code-block::\n\n   {\"job_ids\": [1]}\n\nExample Response\n----------------\n\n"
       ".. table::\n\n   +" + "-" * 40 + "+\n" + "".join(f"   | {r:<39}|\n" for r in _ROWS) + "   +" + "-" * 40 + "+\n")


def _answer(status: int, body: bytes) -> fs.Behaviour:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(status, body))
    return answer


@pytest.mark.parametrize("name,page,status", [("stop.html", PRE_IN_CELL, 200), ("stop.html", STATUS_COLUMN, 202),
                                              ("stop.rst", RST, 200)])
def test_a_response_in_a_table_cell_is_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str], name: str, page: str,
                                                status: int) -> None:
    monkeypatch.chdir(tmp_path)
    config = lambda url: cloud_config(url, name.rsplit(".", 1)[1], "exact")  # noqa: E731
    _, (wrong,) = replay_page(tmp_path, name, page, config, _answer(status, b'{"is_success": false}'))
    _, (right,) = replay_page(tmp_path, name, page, config,
                              _answer(status, b'{"is_success": true, "message": "stopped"}'))
    capsys.readouterr()
    assert (wrong["outcome"], wrong["failures"][0]["kind"]) == ("failed", "body")
    assert (right["outcome"], right["checked"], right["status_rule"]) == (
        "passed", "exact", "202" if page is STATUS_COLUMN else "2xx")
    assert not [d for d in parse(page, name).diagnostics if d.code == "example-without-code"]


def test_a_table_without_a_json_body_is_named_in_the_warning() -> None:
    page = HEAD + "<table><tbody><tr><td>See the response parameters.</td></tr></tbody></table></body></html>"
    (warning,) = [d for d in parse(page, "stop.html").diagnostics if d.code == "example-without-code"]
    assert warning.message == ("the section 'Example Response' has no code block, and no table cell in it "
                               "holds a JSON body")


def test_a_request_in_a_table_cell_is_said_not_tested() -> None:
    page = ("<html><body><h1>Stopping a job</h1><h2>URI</h2><p>POST /v1/{project_id}/jobs/stop</p>"
            '<h2>Example Request</h2><table><tr><td><pre>{"job_ids": [1]}</pre></td></tr></table></body></html>')
    (warning,) = [d for d in parse(page, "stop.html").diagnostics if d.code == "example-without-code"]
    assert warning.message == ("the section 'Example Request' shows its example in a table cell, not a code "
                               "block: it is not tested")


def test_a_table_beside_a_code_block_is_not_a_second_response() -> None:
    """A section that shows its response in a code block keeps it alone: a JSON cell of a table beside it (a
    field's example) is not read as another response, which would pair with another request."""
    page = HEAD + ('<pre class="screen">{"is_success": true}</pre><table><tr><td>tags</td>'
                   '<td>{"key": "k1"}</td></tr></table></body></html>')
    document = parse(page, "stop.html")
    assert [e.body for e in document.examples[0].expected] == ['{"is_success": true}']
    assert not [d for d in document.diagnostics if d.code == "response-not-checked"]  # no second response
