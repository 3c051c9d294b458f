"""Replay runs Elasticsearch pages as the build's runner does: a lost catch stays lost, responses are
read with the build's lenient JSON reader, unfilled ``{placeholders}`` go out percent-encoded, and the
shard check follows the configured version. Against a real loopback server that records what it got."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs

from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import Outcome, RunResult

STATS = {"count": 1, "datafeeds": [{"node": {"attributes": {"ml.machine_memory": "17179869184",
                                                            "ml.max_open_jobs": "20"}}, "minutes": 0}]}


def answer_by_path(seen: list[str]) -> fs.Behaviour:
    """404 for paths holding 'missing', the datafeed stats for '_stats', else an empty acknowledgement."""

    def behaviour(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        line = head.split(b"\r\n")[0].decode()
        seen.append(line)
        if "missing" in line:
            conn.sendall(fs.answer(404, b'{"error": {"type": "x"}, "status": 404}'))
        elif "_stats" in line:
            conn.sendall(fs.answer(200, json.dumps(STATS).encode()))
        else:
            conn.sendall(fs.answer(200, b'{"acknowledged": true, "_shards": {"failures": [{"x": 1}]}}'))

    return behaviour


def replay(tmp_path: Path, page: str, url: str, table: str = "") -> RunResult:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "page.asciidoc").write_text(page, encoding="utf-8")
    (tmp_path / "docharness.toml").write_text(f'[targets.t]\nurl = "{url}"\n{table}', encoding="utf-8")
    config = load_config(tmp_path / "docharness.toml")
    with Replay(config, environ={}, document_root=tmp_path) as session:
        return run(load([tmp_path / "docs"], root=tmp_path, dialect=config.dialect_at), session)


def outcomes(result: RunResult) -> dict[int, str]:
    return {r.span.line: r.outcome.value for r in result.results}


LOST = """\
[source,js]
----
GET /missing/_doc/1
----
// CONSOLE
// TEST[catch:missing]

[source,js]
----
GET /missing/_doc/1
# the catch goes to no request: this comment ends the snippet
----
// CONSOLE
// TEST[catch:missing]
"""


def test_a_lost_catch_stays_lost(tmp_path: Path) -> None:
    seen: list[str] = []
    with fs.fault_server(answer_by_path(seen)) as server:
        result = replay(tmp_path, LOST, server.url)
    assert outcomes(result) == {2: "passed", 9: "failed"}  # the build's test gets a 404 it does not expect
    failed = [r for r in result.results if r.outcome is Outcome.FAILED][0]
    assert "404" in failed.failures[0].message
    assert len(seen) == 2


LENIENT = """\
[source,js]
----
GET _xpack/ml/datafeeds/datafeed-total-requests/_stats
----
// CONSOLE

[source,js]
----
{"count": 1, "datafeeds": [{"node": {"attributes": {"ml.machine_memory": "1", "ml.max_open_jobs": "20"}},
  "minutes": 00}]}
----
// TESTRESPONSE[s/"1"/$body.datafeeds.0.node.attributes.ml\\\\.machine_memory/]
"""


def test_a_response_the_build_reads_leniently_matches(tmp_path: Path) -> None:
    with fs.fault_server(answer_by_path([])) as server:
        result = replay(tmp_path, LENIENT, server.url)
    assert outcomes(result) == {2: "passed"}, result.results[0].failures


PLACEHOLDERS = """\
[source,js]
----
GET /_cluster/state/{metrics}/{indices}?q=a
----
// CONSOLE
// TEST[skip_shard_failures]
"""


def test_unfilled_placeholders_are_sent_as_the_runner_sends_them(tmp_path: Path) -> None:
    seen: list[str] = []
    with fs.fault_server(answer_by_path(seen)) as server:
        result = replay(tmp_path, PLACEHOLDERS, server.url, '[variables]\nindices = "twitter"\n')
    assert outcomes(result) == {2: "passed"}
    assert seen == ["GET /_cluster/state/%7Bmetrics%7D/twitter?q=a&error_trace=true HTTP/1.1"]


SHARDS = """\
[source,js]
----
POST _ml/datafeeds/datafeed-1/_start
----
// CONSOLE
"""


def test_the_shard_check_exemption_follows_the_version(tmp_path: Path) -> None:
    with fs.fault_server(answer_by_path([])) as server:
        six = replay(tmp_path, SHARDS, server.url, '[elasticsearch]\nrules = "6.8"\n')
        seven = replay(tmp_path, SHARDS.replace("[source,js]", "[source,console]").replace("// CONSOLE\n", ""),
                       server.url, '[elasticsearch]\nrules = "7.x"\n')
    assert outcomes(six) == {2: "failed"}  # 6.x exempts only _xpack/ml/datafeeds/: the shard failure counts
    assert outcomes(seven) == {2: "passed"}  # 7.x exempts _ml/datafeeds/


def types_removal(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    warning = 'Warning: 299 Elasticsearch-7.3.0-abc "[types removal] Specifying types in search requests is deprecated."\r\n'
    conn.sendall(fs.answer(200, b'{"hits": {}}', extra=warning))


def test_types_removal_warnings_are_ignored_by_the_7x_runner_only(tmp_path: Path) -> None:
    page = "[source,js]\n----\nGET /twitter/_doc/_search\n----\n// CONSOLE\n"
    with fs.fault_server(types_removal) as server:
        six = replay(tmp_path, page, server.url, '[elasticsearch]\nversion = "6.8.13"\n')
        seven = replay(tmp_path, page, server.url, '[elasticsearch]\nversion = "7.3.0"\n')
    assert outcomes(six) == {2: "failed"} and "got unexpected warning header" in six.results[0].failures[0].message
    assert outcomes(seven) == {2: "passed"}  # 7.3: the 6.8 parser, the 7.x runner
