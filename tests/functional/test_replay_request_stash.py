"""``$body`` references in a request body are read from the previous answer, as Elasticsearch's runner does.

The SQL and scroll pages of the Elasticsearch docs page through results with
``{"cursor": "$body.cursor"}`` (spec §9.2: string values inside request bodies are
stash-resolved). Sent as written, the target got the literal text ``$body.cursor``.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest

from harness.cli import main

PAGE = """\
[source,js]
----
POST /_xpack/sql?format=json
{"query": "SELECT * FROM library", "fetch_size": 1}
----
// CONSOLE

[source,js]
----
POST /_xpack/sql?format=json
{
    "cursor": "$body.cursor"
}
----
// CONSOLE
// TEST[continued]

[source,js]
----
POST /_xpack/sql/close
{"cursor": "$body.nothing_here"}
----
// CONSOLE
"""


def test_a_request_body_reference_sends_the_previous_answers_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bodies: list[str] = []

    def answer_with_cursor(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        bodies.append(head.decode("latin-1"))
        conn.sendall(fs.answer(200, b'{"rows": [], "cursor": "c-42/x+y"}'))

    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "sql.asciidoc").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(answer_with_cursor) as server:
        (docs / "docharness.toml").write_text(f"[targets.t]\nurl = '{server.url}'\n", encoding="utf-8")
        status = main(["replay", "--no-cache", "--report", "results.json"])
    capsys.readouterr()
    assert status == 1  # the third test's reference has nothing to read: an error, not a guess
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    sent = [e["request_body"] for r in results for e in r["exchanges"]]
    assert json.loads(sent[1]) == {"cursor": "c-42/x+y"}  # not the literal "$body.cursor"
    assert [r["outcome"] for r in results] == ["passed", "error"]
    assert "refers to $body.nothing_here" in results[1]["reason"]
    assert len(sent) == 2  # the unresolvable request was not sent
