"""Pages written for Elasticsearch's doc tests run here as that build and its YAML runner run them.

Two file-level rules, each replayed against a real loopback server that records what arrives:

* a ``// TEST[continued]`` snippet that holds only ``# comments`` adds nothing to its test (the
  build's console grammar reads a comment and no request), so the test runs as if it were absent, and
  a ``// TESTRESPONSE`` after it is matched against the test's last answer (the runner's ``$body``);
* a ``// TESTRESPONSE`` right after the ``// TESTSETUP`` snippet is appended to the file's ``setup:``
  section, and the runner refuses to load that file (``section [match] not supported within setup
  section``): no test of the page runs there, so none may pass here. The same holds for a ``warning:``
  on the TESTSETUP snippet: the generated ``setup:`` section has no ``skip: features: warnings``, and the
  runner refuses the suite ("attempted to add a [do] with a [warnings] section without a corresponding
  [skip]").
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from typing import Any

import fault_servers as fs
from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import Outcome

CONTINUED_COMMENT = """= Page

[source,js]
----
PUT /idx/_doc/1
{"a": 1}
----
// CONSOLE

[source,js]
----
# the document is now indexed; nothing more to send
----
// CONSOLE
// TEST[continued]

[source,js]
----
{"answer": EXPECTED}
----
// TESTRESPONSE
"""

RESPONSE_AFTER_SETUP = """= Page

[source,js]
----
PUT /idx/_doc/1
{"a": 1}
----
// CONSOLE
// TESTSETUP

[source,js]
----
{"answer": 1}
----
// TESTRESPONSE

[source,js]
----
GET /idx/_doc/1
----
// CONSOLE

[source,js]
----
GET /idx/_doc/2
----
// CONSOLE
"""


def _replay(tmp_path: Path, page: str) -> tuple[list[Any], list[tuple[str, str]]]:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.asciidoc").write_text(page, encoding="utf-8")
    with fs.recording_server(lambda method, target: (200, b'{"answer": 1}')) as server:
        (tmp_path / "docharness.toml").write_text(f'[targets.t]\nurl = "{server.url}"\n', encoding="utf-8")
        config = load_config(tmp_path / "docharness.toml")
        with Replay(config, environ={}, document_root=tmp_path) as session:
            result = run(load([tmp_path / "docs"], root=tmp_path, dialect=config.dialect_at), session)
        sent = [(method, target.partition("?")[0]) for _, method, target, _ in server.records]
    return list(result.results), sent


def test_a_continued_snippet_of_comments_only_adds_nothing_and_its_response_is_matched(tmp_path: Path) -> None:
    results, sent = _replay(tmp_path, CONTINUED_COMMENT.replace("EXPECTED", "1"))
    assert [(r.name, r.outcome) for r in results] == [("line_4", Outcome.PASSED)]
    assert results[0].checked == "exact"  # the response after the comment snippet was compared
    assert sent == [("PUT", "/idx/_doc/1")]


def test_the_response_after_a_comment_only_continued_snippet_can_fail(tmp_path: Path) -> None:
    results, _ = _replay(tmp_path, CONTINUED_COMMENT.replace("EXPECTED", "2"))
    assert [(r.name, r.outcome) for r in results] == [("line_4", Outcome.FAILED)]


def test_a_response_in_the_setup_section_makes_every_test_of_the_page_an_error(tmp_path: Path) -> None:
    results, sent = _replay(tmp_path, RESPONSE_AFTER_SETUP)
    by_name = {r.name: r for r in results}
    assert by_name["line_18"].outcome is Outcome.ERROR and by_name["line_24"].outcome is Outcome.ERROR
    assert "setup" in by_name["line_18"].failures[0].message
    assert not any(r.outcome is Outcome.PASSED for r in results)
    assert sent == []  # the runner loads no test of the file: nothing is sent


WARNING_IN_SETUP = """= Page

[source,js]
----
PUT /idx/_doc/1
{"a": 1}
----
// CONSOLE
// TESTSETUP
// TEST[warning:this request is deprecated]

[source,js]
----
GET /idx/_doc/1
----
// CONSOLE
"""


def test_a_warning_on_the_setup_snippet_makes_every_test_of_the_page_an_error(tmp_path: Path) -> None:
    results, sent = _replay(tmp_path, WARNING_IN_SETUP)
    assert [(r.name, r.outcome) for r in results] == [("line_13", Outcome.ERROR)]
    assert "refuses this whole page" in results[0].failures[0].message
    assert sent == []


def test_an_empty_response_block_is_compared_as_the_null_body_the_build_matches(tmp_path: Path) -> None:
    # "$body: null" in the generated test: a JSON answer fails it; before, nothing was compared and it passed
    page = "= Page\n\n[source,js]\n----\nGET /idx/_doc/1\n----\n// CONSOLE\n\n[source,js]\n----\n----\n// TESTRESPONSE\n"
    results, _ = _replay(tmp_path, page)
    assert [(r.name, r.outcome) for r in results] == [("line_4", Outcome.FAILED)]


def test_a_plus_in_a_query_value_reaches_the_server_as_a_plus(tmp_path: Path) -> None:
    # the runner's client encodes each parameter value: the server decodes 'john+smith', never 'john smith'
    page = "= Page\n\n[source,js]\n----\nGET /idx/_search?q=name:(john+smith)&v\n----\n// CONSOLE\n"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.asciidoc").write_text(page, encoding="utf-8")
    with fs.recording_server(lambda method, target: (200, b"{}")) as server:
        (tmp_path / "docharness.toml").write_text(f'[targets.t]\nurl = "{server.url}"\n', encoding="utf-8")
        config = load_config(tmp_path / "docharness.toml")
        with Replay(config, environ={}, document_root=tmp_path) as session:
            run(load([tmp_path / "docs"], root=tmp_path, dialect=config.dialect_at), session)
        (target,) = [target for _, _, target, _ in server.records]
    assert parse_qs(urlsplit(target).query, keep_blank_values=True) == {
        "q": ["name:(john+smith)"], "v": [""], "error_trace": ["true"]}
