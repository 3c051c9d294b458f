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
