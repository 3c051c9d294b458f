"""The response headers a page documents are checked, and reports say how (Dredd's Gavel rules).

An example response written as an HTTP message (``HTTP/1.1 201 Created``, ``Content-Type``,
``Location``, ``Date``) or shown with a "Response header" block documents those headers. Before, they
were never compared and the badge said "verified". Now each must be in the answer, ``Content-Type``
by media type, other values only present, ``Date``-like headers not compared, and the badge and
the report say exactly that. Real loopback server, real files.
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
from harness.report.checks import check_words
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

   HTTP/1.1 201 Created
   Content-Type: application/json; charset=UTF-8
   Location: /v1/p1/jobs/42
   Date: Thu, 01 Jan 2026 00:00:00 GMT
   X-Request-Id: 7f3a

   {"id": "42"}
"""
HEADER_BLOCK_PAGE = """Obtaining a token
=================

URI
---

POST /v3/auth/tokens

Example Request
---------------

.. code-block::

   {"auth": {}}

Example Response
----------------

**Status code: 201**

Response header

.. code-block::

   X-Subject-Token: MIIatAYJKoZIhvcNAQcCoIIapTCCGqECAQExDTALBglghkg

Response body

.. code-block::

   {"token": {"expires_at": "2030-01-01T00:00:00.000000Z"}}
"""


def _answer(body: bytes, content_type: str, extra: str) -> fs.Behaviour:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(201, body, content_type, extra))
    return answer


@pytest.mark.parametrize("content_type,extra,outcome,reason", [
    ("application/json", "Location: /v1/p1/jobs/99\r\n", "passed", ""),  # another id: Location is only present
    ("text/plain", "Location: /v1/p1/jobs/42\r\n", "failed", "Content-Type is text/plain, not application/json"),
    ("application/json", "", "failed", "Location is missing"),
])
def test_documented_headers_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str], content_type: str, extra: str,
                                        outcome: str, reason: str) -> None:
    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "job.rst", PAGE, lambda url: cloud_config(url, "rst", "subset"),
                               _answer(b'{"id": "42"}', content_type, extra))
    capsys.readouterr()
    assert result["outcome"] == outcome, result["reason"]
    assert reason in result["reason"]
    if outcome == "failed":
        assert result["failures"][0]["kind"] == "headers"
        return
    passed = from_data(ExampleResult, result)
    words = "headers: Content-Type compared; Location only checked present; Date, X-Request-Id not compared"
    assert words in _from_result(passed).text and words in check_words(passed)
    assert _from_result(passed).text.startswith("verified (subset")


def test_a_response_header_block_belongs_to_the_response_below_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    body = b'{"token": {"expires_at": "2031-01-01T00:00:00.000000Z"}}'
    _, (missing,) = replay_page(tmp_path, "token.rst", HEADER_BLOCK_PAGE,
                                lambda url: cloud_config(url, "rst", "shape"), _answer(body, "application/json", ""))
    _, (present,) = replay_page(tmp_path, "token.rst", HEADER_BLOCK_PAGE,
                                lambda url: cloud_config(url, "rst", "shape"),
                                _answer(body, "application/json", "X-Subject-Token: live-token-value\r\n"))
    out = capsys.readouterr().out
    assert (missing["outcome"], missing["reason"]) == (
        "failed", "the response headers differ from the page: X-Subject-Token is missing")
    assert present["outcome"] == "passed"
    assert present["headers_checked"] == [["X-Subject-Token", "present"]]
    assert "live-token-value" not in out + str(present)  # a present header's value is never shown


TABLE_PAGE = """Obtaining a token
=================

URI
---

POST /v3/auth/tokens

Response Parameters
-------------------

.. table:: **Table 3** Response header parameters

   =============== ========= ======== ==================
   Parameter       Mandatory Type     Description
   =============== ========= ======== ==================
   X-Subject-Token Yes       String   Signed token.
   X-Trace-Note    No        String   Sometimes sent.
   =============== ========= ======== ==================

.. table:: **Table 4** Response body parameters

   =============== ========= ======== ==================
   Parameter       Mandatory Type     Description
   =============== ========= ======== ==================
   token           Yes       Object   The token.
   =============== ========= ======== ==================

Example Request
---------------

.. code-block::

   {"auth": {}}

Example Response
----------------

**Status code: 201**

.. code-block::

   {"token": {"expires_at": "2030-01-01T00:00:00.000000Z"}}
"""


@pytest.mark.parametrize("extra,outcome", [("", "failed"), ("X-Subject-Token: live-token-value\r\n", "passed")])
def test_a_response_header_table_is_checked_on_success_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str], extra: str,
                                                               outcome: str) -> None:
    """A "Response header parameters" table says every success answer carries its mandatory headers (an
    optional one is not checked); before, the table was read as body fields and never compared."""
    monkeypatch.chdir(tmp_path)
    body = b'{"token": {"expires_at": "2031-01-01T00:00:00.000000Z"}}'
    _, (result,) = replay_page(tmp_path, "token.rst", TABLE_PAGE, lambda url: cloud_config(url, "rst", "shape"),
                               _answer(body, "application/json", extra))
    capsys.readouterr()
    assert result["outcome"] == outcome, result["reason"]
    assert result["headers_checked"] == [["X-Subject-Token", "present"]]
    if outcome == "failed":
        assert result["reason"] == "the response headers differ from the page: X-Subject-Token is missing"


def test_headers_under_a_heading_of_their_own_belong_to_the_next_response() -> None:
    """"Response Header" and "Response Body" sub-headings: one response with its headers, never a bodiless
    second response (which would take another request's place) nor a "has no code block" warning."""
    from harness.parsers import parse

    page = HEADER_BLOCK_PAGE.replace("**Status code: 201**\n\n", "").replace(
        "Response header\n", "Response Header\n^^^^^^^^^^^^^^^\n").replace(
        "Response body\n", "Response Body\n^^^^^^^^^^^^^\n")
    document = parse(page, "token.rst")
    (expected,) = document.examples[0].expected
    assert expected.headers == (("X-Subject-Token", "MIIatAYJKoZIhvcNAQcCoIIapTCCGqECAQExDTALBglghkg"),)
    assert expected.body is not None and "expires_at" in expected.body
    assert not document.diagnostics


@pytest.mark.parametrize("name,page,extra,line", [
    ("job.rst", PAGE, "", 23),  # Location, in an HTTP message: its own line
    ("job.rst", PAGE.replace("X-Request-Id: 7f3a", "X-Request-Id: 7f3a\n   ETag: abc"), "Location: /x\r\n", 26),
    ("token.rst", HEADER_BLOCK_PAGE, "", 25),  # a "Response header" block above the body's
    ("token.rst", TABLE_PAGE, "", 41),  # a table names it: its place in a response is not known, the block is
])
def test_a_headers_failure_points_at_the_documented_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], name: str, page: str,
                                                           extra: str, line: int) -> None:
    """A missing header fails at the line that documents it (before: the response block's first line)."""
    monkeypatch.chdir(tmp_path)
    body = b'{"id": "42"}' if name == "job.rst" else b'{"token": {"expires_at": "2031-01-01T00:00:00.000000Z"}}'
    _, (result,) = replay_page(tmp_path, name, page, lambda url: cloud_config(url, "rst", "shape"),
                               _answer(body, "application/json", extra))
    out = capsys.readouterr().out
    assert result["failures"][0]["kind"] == "headers", result["reason"]
    assert result["failures"][0]["span"]["line"] == line
    assert f"--> {name}:{line}" in out
