"""Elasticsearch family: a JSON-looking answer sent as ``text/plain`` matches no JSON response.

The runner stashes a body as a parsed map only for a JSON media type; any other is a string
(reference spec §9.2), which ``match: $body`` never equals. Before, docharness parsed the text
anyway and passed the example as an exact match. Cloud pages stay lenient. Real loopback server.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import replay_page


PAGE = """= Stop

[source,js]
----
POST _xpack/rollup/job/sensor/_stop
----
// CONSOLE

[source,js]
----
{"stopped": true}
----
// TESTRESPONSE
"""
CONFIG = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "URL"\n\n'
          '[[sources]]\npaths = ["*.asciidoc"]\nfamily = "elasticsearch"\nmatch = "exact"\n')


@pytest.mark.parametrize("content_type,outcome", [("application/json; charset=UTF-8", "passed"),
                                                  ("text/plain; charset=UTF-8", "error")])
def test_json_text_of_another_media_type_is_not_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str], content_type: str,
                                                    outcome: str) -> None:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, b'{"stopped": true}', content_type))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "stop.asciidoc", PAGE, lambda url: CONFIG.replace("URL", url), answer)
    capsys.readouterr()
    assert result["outcome"] == outcome
    if outcome == "error":
        assert result["failures"][0]["kind"] == "not_json"
        assert "Content-Type text/plain" in result["reason"]


def test_a_compressed_answer_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A target that gzips although the request asked for identity: the error names the encoding, where it
    said "not JSON, or nested too deeply" under an application/json Content-Type."""
    import gzip

    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, gzip.compress(b'{"stopped": true}'), extra="Content-Encoding: gzip\r\n"))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "stop.asciidoc", PAGE, lambda url: CONFIG.replace("URL", url), answer)
    capsys.readouterr()
    assert (result["outcome"], result["failures"][0]["kind"]) == ("error", "not_json")
    assert "compressed the answer (Content-Encoding gzip)" in result["reason"]


CATCH_PAGE = "= X\n\n[source,js]\n----\nPOST _xpack/rollup/job/nope/_stop\n----\n// CONSOLE\n// TEST[catch:/not found/]\n"
SHARDS_PAGE = "= X\n\n[source,js]\n----\nGET idx/_search\n----\n// CONSOLE\n"
STASH_PAGE = ("= X\n\n[source,js]\n----\nPOST idx/_search?scroll=1m\nGET _search/scroll\n"
              '{"scroll_id": "$body._scroll_id"}\n----\n// CONSOLE\n')


@pytest.mark.parametrize("page,status,body,outcome,words", [
    # catch:/regex/ needs an [error] field; a text body has none (before: passed on the parsed text)
    (CATCH_PAGE, 404, b'{"error": {"reason": "Task not found"}, "status": 404}', "failed",
     "Content-Type text/plain: Elasticsearch's runner reads such a body as a string"),
    # is_false: _shards.failures on a text body: every path is null, so it passes (before: failed)
    (SHARDS_PAGE, 200, b'{"_shards": {"failures": [{"x": 1}]}}', "passed", ""),
    # $body in the next request reads the stashed string: no value (before: sent "abc", passed)
    (STASH_PAGE, 200, b'{"_scroll_id": "abc"}', "error", "sent with Content-Type text/plain"),
])
def test_every_runner_reading_of_a_text_body_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], page: str, status: int,
                                                        body: bytes, outcome: str, words: str) -> None:
    """The catch regex, the shard check and request ``$body`` references read an answer as the runner's stash
    holds it, like the body check: JSON text under a text/plain Content-Type is a string (spec §9.2)."""
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(status, body, "text/plain"))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "x.asciidoc", page, lambda url: CONFIG.replace("URL", url), answer)
    capsys.readouterr()
    assert result["outcome"] == outcome, result["reason"]
    assert words in result["reason"]


@pytest.mark.parametrize("page,status,body", [(CATCH_PAGE, 404, b'{"error": {"reason": "Task not found"}}'),
                                              (STASH_PAGE, 200, b'{"_scroll_id": "abc"}')])
def test_the_same_answers_as_json_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str], page: str, status: int, body: bytes) -> None:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(status, body, "application/json; charset=UTF-8"))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "x.asciidoc", page, lambda url: CONFIG.replace("URL", url), answer)
    capsys.readouterr()
    assert result["outcome"] == "passed", result["reason"]
