"""A request body with ``//`` or ``/* */`` comments goes out as JSON, as Elasticsearch's runner sends it.

Elasticsearch's JSON reader allows comments (``JsonParser.Feature.ALLOW_COMMENTS``), and its docs runner
reads a snippet's body with it and sends the body re-serialised, as ``application/json``. docharness took
such a body for plain text and sent it, comments and all, as ``text/plain``: a real cluster refuses that
(406), so a page Elasticsearch's build passes failed here. A real loopback server records what arrives.
"""

from __future__ import annotations

import json
from pathlib import Path

import fault_servers as fs
from harness.config import load_config
from harness.model import BodyKind
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.loader import load
from harness.replay import Replay, run

PAGE = """= Page

[source,console]
----
PUT /my-index/_doc/1
{
  // who wrote it
  "user": "kimchy // not a comment", /* the name */
  "url": "http://example.com/*x*/"
}
----

[source,console]
----
POST /_bulk
{ "index" : { "_index" : "test", "_id" : "1" } } // the action
{ "field1" : "value1" }
----

[source,console]
----
POST /plain/_doc
{ "free": text, // not JSON even without this comment
}
----
"""


def test_a_commented_body_is_json_with_its_comments_blanked_and_lines_kept() -> None:
    requests = [r for e in parse_asciidoc(PAGE, "docs/page.asciidoc").examples for r in e.requests]
    assert [r.body_kind for r in requests] == [BodyKind.JSON, BodyKind.NDJSON, BodyKind.TEXT]
    assert json.loads(requests[0].body or "") == {"user": "kimchy // not a comment", "url": "http://example.com/*x*/"}
    assert (requests[0].body or "").count("\n") == 4  # a comment's place is kept: line numbers stay right
    assert "// not JSON" in (requests[2].body or "")  # not JSON with or without comments: sent as written


def test_a_commented_body_goes_out_as_json(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    with fs.recording_server() as server:
        (tmp_path / "docharness.toml").write_text(f'[targets.t]\nurl = "{server.url}"\n', encoding="utf-8")
        config = load_config(tmp_path / "docharness.toml")
        with Replay(config, environ={}, document_root=tmp_path) as session:
            run(load([tmp_path / "docs"], root=tmp_path, dialect=config.dialect_at), session)
        records = list(server.records)
        types = {target.partition("?")[0]: kind for target, kind in server.content_types.items()}
    bodies = {target.partition("?")[0]: body for _, _, target, body in records}
    assert types == {"/my-index/_doc/1": "application/json", "/_bulk": "application/x-ndjson",
                     "/plain/_doc": "text/plain; charset=utf-8"}
    assert json.loads(bodies["/my-index/_doc/1"]) == {"user": "kimchy // not a comment",
                                                       "url": "http://example.com/*x*/"}
    assert [json.loads(line) for line in bodies["/_bulk"].decode().splitlines() if line.strip()] == [
        {"index": {"_index": "test", "_id": "1"}}, {"field1": "value1"}]
