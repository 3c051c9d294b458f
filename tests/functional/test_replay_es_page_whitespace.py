"""Elasticsearch pages whose line breaks or spaces are not the usual ones are read as the build reads them.

The build reads a page with Java's line reader (a line ends at ``\\r\\n``, ``\\r`` or ``\\n``) and matches
its lines with Java regexes, whose ``\\s`` is ASCII whitespace only: a no-break space (U+00A0, what a copy
from a web page or a word processor leaves) between a method and its path, or between ``//`` and a
directive name, is not a space to it. Each page is a real file, replayed against a real loopback server
that answers with the documented body, so a page read differently from the build would pass.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest

from harness.config import load_config
from harness.model import Document, Level
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import RunResult

PAGE = """\
[source,js]
----
POST /a/_doc
{"x": 1}
----
// CONSOLE

[source,js]
----
{"result": "created"}
----
// TESTRESPONSE
"""


def answering(body: bytes, seen: list[str]) -> fs.Behaviour:
    def behaviour(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        seen.append(head.split(b"\r\n")[0].decode("latin-1"))
        conn.sendall(fs.answer(200, body))

    return behaviour


def replay(tmp_path: Path, page: bytes, body: bytes) -> tuple[list[Document], RunResult, list[str]]:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "page.asciidoc").write_bytes(page)
    seen: list[str] = []
    with fs.fault_server(answering(body, seen)) as server:
        (tmp_path / "docharness.toml").write_text(f'[targets.t]\nurl = "{server.url}"\n', encoding="utf-8")
        config = load_config(tmp_path / "docharness.toml")
        documents = load([tmp_path / "docs"], root=tmp_path, dialect=config.dialect_at)
        with Replay(config, environ={}, document_root=tmp_path) as session:
            result = run(documents, session)
    return documents, result, seen


def outcomes(result: RunResult) -> dict[int, tuple[str, str]]:
    return {r.span.line: (r.outcome.value, r.checked) for r in result.results}


def diagnostics(documents: list[Document]) -> list[tuple[str, str, int, str]]:
    return [(d.level.value, d.code, d.span.line, d.message) for doc in documents for d in doc.diagnostics]


def test_a_page_whose_lines_end_in_a_lone_carriage_return_is_tested(tmp_path: Path) -> None:
    """Java's line reader ends a line at a lone CR (old Mac line ends): the build tests this page's
    snippet, so docharness must find it too, not read the page as one line with nothing to test."""
    page = PAGE.replace("\n", "\r").encode()
    documents, result, seen = replay(tmp_path, page, b'{"result": "updated"}')
    assert outcomes(result) == {2: ("failed", "exact")}, diagnostics(documents)
    assert seen == ["POST /a/_doc?error_trace=true HTTP/1.1"]
    failure = result.results[0].failures[0]
    assert failure.span is not None and failure.span.line == 10  # the response line, counted as the build counts
    _, passing, _ = replay(tmp_path, page, b'{"result": "created"}')
    assert outcomes(passing) == {2: ("passed", "exact")}


def test_mixed_line_ends_count_lines_as_the_build_does(tmp_path: Path) -> None:
    """CRLF lines with one lone CR among them: every break counts, so later lines keep the build's numbers."""
    page = PAGE.replace("\n", "\r\n").replace('{"x": 1}\r\n', '{"x": 1}\r').encode()
    documents, result, _ = replay(tmp_path, page, b'{"result": "created"}')
    assert outcomes(result) == {2: ("passed", "exact")}, diagnostics(documents)
    expected = documents[0].examples[0].expected[0]
    assert expected.span is not None and expected.span.line == 9  # the response block's fence, as the build counts


def test_a_no_break_space_between_method_and_path_is_an_error_at_its_line(tmp_path: Path) -> None:
    """``POST\\u00a0/a/_doc``: the build's console grammar wants ASCII whitespace after the method, so the
    snippet does not parse there ("Didn't match"); docharness must not send it and report a pass."""
    page = PAGE.replace("POST /a/_doc", "POST\u00a0/a/_doc").encode()
    documents, result, seen = replay(tmp_path, page, b'{"result": "created"}')
    assert outcomes(result)[2][0] == "error"
    assert seen == []
    found = [d for d in diagnostics(documents) if d[2] == 3]
    assert found and found[0][:2] == ("error", "bad-console-body"), diagnostics(documents)
    assert "U+00A0" in found[0][3]


def test_a_directive_after_a_no_break_space_is_plain_text_and_said(tmp_path: Path) -> None:
    """``//\\u00a0TESTRESPONSE`` is no directive to the build (its ``//\\s*TESTRESPONSE`` needs ASCII
    whitespace): the line is prose, so the build's test checks no body. docharness does the same and warns
    at the line, naming the character, instead of silently checking what the build does not."""
    page = PAGE.replace("// TESTRESPONSE", "//\u00a0TESTRESPONSE").encode()
    documents, result, _ = replay(tmp_path, page, b'{"result": "updated"}')
    assert outcomes(result) == {2: ("passed", "status")}
    found = [d for d in diagnostics(documents) if d[2] == 12]
    assert found and found[0][0] == Level.WARNING.value, diagnostics(documents)
    assert "U+00A0" in found[0][3]


def test_a_fence_followed_by_a_no_break_space_is_said(tmp_path: Path) -> None:
    """``----\\u00a0`` is not a fence to the build (``-{4,}\\s*`` with ASCII ``\\s``): the block is read
    differently from how it looks, so a warning names the line and the character."""
    page = PAGE.replace('{"result": "created"}\n----', '{"result": "created"}\n----\u00a0').encode()
    documents, _, _ = replay(tmp_path, page, b'{"result": "created"}')
    found = [d for d in diagnostics(documents) if d[2] == 11]
    assert found and "U+00A0" in found[0][3], diagnostics(documents)


def test_plain_pages_are_unchanged(tmp_path: Path) -> None:
    documents, result, _ = replay(tmp_path, PAGE.encode(), json.dumps({"result": "created"}).encode())
    assert outcomes(result) == {2: ("passed", "exact")}
    assert diagnostics(documents) == []


def test_a_hash_in_a_request_line_goes_out_as_the_runner_sends_it(tmp_path: Path) -> None:
    """The runner's client reads ``#`` in the path as the start of a fragment (never sent) and sends a
    ``#`` in a query value percent-encoded; ``error_trace=true`` is added either way. Written after the
    fragment, it was lost with it, and the query value was cut at the ``#``. The path's fragment is said."""
    page = PAGE.replace("POST /a/_doc", "POST /a/_doc#note").encode()
    documents, result, seen = replay(tmp_path, page, b'{"result": "created"}')
    assert seen == ["POST /a/_doc?error_trace=true HTTP/1.1"]
    assert outcomes(result) == {2: ("passed", "exact")}
    found = [d for d in diagnostics(documents) if d[2] == 3]
    assert found and found[0][:2] == ("warning", "fragment-in-path"), diagnostics(documents)
    page = PAGE.replace("POST /a/_doc", "POST /a/_doc?routing=a#b&refresh=true").encode()
    documents, _, seen = replay(tmp_path, page, b'{"result": "created"}')
    assert seen == ["POST /a/_doc?routing=a%23b&refresh=true&error_trace=true HTTP/1.1"]
    assert diagnostics(documents) == []


def test_a_failure_shows_the_line_it_names_after_a_form_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A form feed (or U+2028, NEL) ends no line for the build, so the AsciiDoc spans do not count it;
    the terminal's source line under ``file:line`` must be that line too, not the one before it (it was
    read with ``str.splitlines``, which ends a line there)."""
    from harness.report.terminal import render_failure

    monkeypatch.chdir(tmp_path)  # the failure names the page relative to the run's folder
    page = ("= Title\n\nIntro\x0c with a form feed\n\n" + PAGE).encode()
    _, result, _ = replay(tmp_path, page, b'{"result": "updated"}')
    failed = result.results[0]
    failure = failed.failures[0]
    assert failure.span is not None and failure.span.line == 14
    text = render_failure(failed, failure)
    assert '14 | {"result": "created"}' in text, text


def test_trailing_spaces_of_content_lines_are_deleted_as_the_build_deletes_them() -> None:
    """The build deletes trailing ``\\s+`` (ASCII) from every content line: a no-break space or an ASCII
    separator (``\\x1c``) at the end of a request line stays part of the path (and is said), a plain
    space or tab goes."""
    from harness.parsers.asciidoc import parse_asciidoc

    for end, path in (("  \t", "/a/_doc"), ("\u00a0", "/a/_doc\u00a0"), ("\x1c", "/a/_doc\x1c")):
        document = parse_asciidoc(PAGE.replace("POST /a/_doc", "POST /a/_doc" + end), "page.asciidoc")
        assert [r.path for r in document.examples[0].requests] == [path], repr(end)
        said = [d.code for d in document.diagnostics if d.span.line == 3]
        assert said == ([] if path == "/a/_doc" else ["unusual-space-in-path"]), (repr(end), said)
