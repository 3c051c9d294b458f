"""CAPTURE and RETRY read ``$body`` by the rule every other ``$body`` reader of the page's family follows.

An Elasticsearch page's runner stashes an answer as JSON only under a JSON media type; any other is a
string, whose paths hold nothing (reference spec §9.2). ``catch``, the shard check, ``$body`` in request
bodies and the body match already followed it; CAPTURE and RETRY parsed the text whatever its Content-Type,
so a ``text/plain`` answer that happened to be JSON text bound a value and met a RETRY condition. Now they
fail at the directive's file:line, saying the answer's Content-Type. Cloud pages stay lenient, as their
body match is. Real loopback server.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import replay_page

PAGE = """= Jobs

[source,js]
----
POST /jobs
----
// CONSOLE
// CAPTURE[job_id=$body.id]

[source,js]
----
GET /jobs/{job_id}
----
// CONSOLE
// TEST[continued]

[source,js]
----
GET /jobs/j1
----
// CONSOLE
// RETRY[until:$body.status=done every:10ms timeout:100ms]
"""
CONFIG = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "URL"\n\n'
          '[[sources]]\npaths = ["*.asciidoc"]\nfamily = "FAMILY"\nmatch = "exact"\n')


def _answer(content_type: str) -> fs.Behaviour:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, b'{"id": "j1", "status": "done"}', content_type))
    return answer


@pytest.mark.parametrize("family", ["elasticsearch", "cloud"])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain; charset=UTF-8"])
def test_capture_and_retry_read_body_by_the_family_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], family: str,
                                                        content_type: str) -> None:
    monkeypatch.chdir(tmp_path)
    config = CONFIG.replace("FAMILY", family)
    code, results = replay_page(tmp_path, "jobs.asciidoc", PAGE, lambda url: config.replace("URL", url),
                                _answer(content_type))
    out = capsys.readouterr().out
    if family == "cloud" or "json" in content_type:
        assert code == 0, out
        assert [r["outcome"] for r in results] == ["passed", "passed"]
        assert results[0]["captures"] == [["job_id", "j1"]]
        return
    assert code == 1
    capture, retry = results
    assert capture["outcome"] == retry["outcome"] == "failed"
    assert capture["failures"][0]["kind"] == "capture"
    assert capture["failures"][0]["span"]["line"] == 8  # the CAPTURE directive's own line
    assert "Content-Type text/plain" in capture["reason"] and "not JSON" in capture["reason"]
    assert retry["failures"][0]["kind"] == "retry"
    assert retry["failures"][0]["span"]["line"] == 22
    assert "Content-Type text/plain" in retry["reason"]
    assert "jobs.asciidoc:8" in out and "jobs.asciidoc:22" in out
