"""Several directive comments after one block of a cloud page all count, as several ``// TEST[...]`` lines do.

Elasticsearch's build reads every ``TEST[...]`` line of a snippet: ``warning:`` and ``s/.../.../`` items
accumulate, ``catch:``, ``skip:`` and ``setup:`` take the last one written (reference §3.2). The RST and HTML
pages take the same language in comments (``.. TEST[...]``, ``<!-- TEST[...] -->``); there each comment
replaced the one before, so a page expecting two warnings was checked for the last one only (a target sending
just that one passed), and a ``skip:`` or ``setup:`` followed by a ``catch:`` was silently dropped. Real pages,
real loopback server.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs

from harness.config import load_config
from harness.model import Document
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import RunResult

HTML = """<html><body><h1 class="topictitle1">Stop Jobs</h1>
<div class="section"><h4 class="sectiontitle">URI</h4><p>POST /v1/{project_id}/jobs/stop</p></div>
<div class="section"><h4 class="sectiontitle">Example Request</h4><pre class="screen">POST https://{endpoint}/v1/{project_id}/jobs/stop
{"job_ids": [1]}</pre>
DIRECTIVES
</div>
<div class="section"><h4 class="sectiontitle">Example Response</h4><pre class="screen">{"is_success": true}</pre>
RESPONSE_DIRECTIVES
</div>
</body></html>
"""

RST = """Stop Jobs
=========

URI
---

POST /v1/{project_id}/jobs/stop

Example Request
---------------

.. code-block:: text

   POST https://{endpoint}/v1/{project_id}/jobs/stop
   {"job_ids": [1]}

DIRECTIVES

Example Response
----------------

.. code-block::

   {"is_success": true}

RESPONSE_DIRECTIVES
"""

TWO_WARNINGS = ["TEST[warning:first deprecation]", "TEST[warning:second deprecation]"]
ONLY_SECOND = 'Warning: 299 Elasticsearch-6.8.13 "second deprecation"\r\n'


def page(template: str, test: list[str], response: list[str] = []) -> str:  # noqa: B006 - never changed
    comment = "<!-- {} -->" if template is HTML else ".. {}"
    joined = ("\n" if template is HTML else "\n\n")
    return template.replace("RESPONSE_DIRECTIVES", joined.join(comment.format(d) for d in response)) \
        .replace("DIRECTIVES", joined.join(comment.format(d) for d in test))


def answering(extra: str, seen: list[str]) -> fs.Behaviour:
    def behaviour(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        seen.append(head.split(b"\r\n")[0].decode())
        conn.sendall(fs.answer(200, json.dumps({"is_success": True}).encode(), extra=extra))

    return behaviour


def replay(tmp_path: Path, name: str, text: str, extra: str = "") -> tuple[Document, RunResult, list[str]]:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    seen: list[str] = []
    with fs.fault_server(answering(extra, seen)) as server:
        (tmp_path / "docharness.toml").write_text(
            f'[targets.t]\nurl = "{server.url}"\n\n[variables]\nproject_id = "p1"\n\n'
            '[[sources]]\npaths = ["**"]\nfamily = "cloud"\nmatch = "subset"\n', encoding="utf-8")
        config = load_config(tmp_path / "docharness.toml")
        documents = load([tmp_path / "docs" / name], root=tmp_path, dialect=config.dialect_at)
        with Replay(config, environ={}, document_root=tmp_path) as session:
            result = run(documents, session)
    return documents[0], result, seen


def test_every_expected_warning_is_checked(tmp_path: Path) -> None:
    for name, template in (("stop.html", HTML), ("stop.rst", RST)):
        document, result, _ = replay(tmp_path, name, page(template, TWO_WARNINGS), ONLY_SECOND)
        assert [e.warnings for e in document.examples] == [("first deprecation", "second deprecation")], name
        assert [(r.outcome.value, r.failures[0].kind.value if r.failures else "") for r in result.results] == \
            [("failed", "warnings")], name


def test_single_items_take_the_last_line_and_none_is_dropped(tmp_path: Path) -> None:
    for name, template in (("stop.html", HTML), ("stop.rst", RST)):
        document, _, _ = replay(tmp_path, name, page(template, ["TEST[skip:not on this cloud]", "TEST[catch:missing]",
                                                                "TEST[s/1/2/]", "TEST[s/job_ids/ids/]"]))
        [example] = document.examples
        assert (example.skip, example.catch) == ("not on this cloud", "missing"), name
        assert [r.body for r in example.requests] == ['{"ids": [2]}'], name


def test_response_lines_accumulate(tmp_path: Path) -> None:
    for name, template in (("stop.html", HTML), ("stop.rst", RST)):
        document, result, _ = replay(tmp_path, name, page(template, [], ["TESTRESPONSE[volatile:$.id]",
                                                                         "TESTRESPONSE[exact]"]))
        [expected] = document.examples[0].expected
        assert (expected.match.value if expected.match else None, expected.volatile) == ("exact", ("$.id",)), name
        assert [(r.outcome.value, r.checked) for r in result.results] == [("passed", "exact")], name


def test_a_cloud_page_expecting_a_warning_fails_without_it(tmp_path: Path) -> None:
    """``TEST[warning:...]`` on a cloud page was read and never checked (warnings were the Elasticsearch
    family's only): a target that sent no warning passed. Now the page's expected warnings are checked
    by the runner's rule; a cloud page that expects none is not held to the Warning headers it gets."""
    for name, template in (("stop.html", HTML), ("stop.rst", RST)):
        _, result, _ = replay(tmp_path, name, page(template, ["TEST[warning:second deprecation]"]))
        assert [(r.outcome.value, r.failures[0].kind.value if r.failures else "") for r in result.results] == \
            [("failed", "warnings")], name
        _, result, _ = replay(tmp_path, name, page(template, ["TEST[warning:second deprecation]"]), ONLY_SECOND)
        assert [r.outcome.value for r in result.results] == ["passed"], name
        _, result, _ = replay(tmp_path, name, page(template, []), ONLY_SECOND)
        assert [r.outcome.value for r in result.results] == ["passed"], name


def test_continued_with_no_test_before_it_is_an_error_not_a_silent_drop(tmp_path: Path) -> None:
    """``TEST[continued]`` on a page's first example continues nothing: the build says "cannot be on
    first snippet in a file" (reference §5.3). A cloud page's such example was planned into no test and
    reported nowhere: its request never sent, its response never checked, no word about it."""
    for name, template in (("stop.html", HTML), ("stop.rst", RST)):
        document, result, seen = replay(tmp_path, name, page(template, ["TEST[continued]"]))
        found = [(d.level.value, d.code) for d in document.diagnostics]
        assert ("error", "continued-first") in found, (name, found)
        assert [r.outcome.value for r in result.results] == ["error"], name
        assert seen == []


def test_a_cr_only_html_page_places_its_example_on_its_lines(tmp_path: Path) -> None:
    """HTML reads a lone CR as a line break (the input stream makes it LF), and so do the reports that show
    the page's line under each file:line; libxml2 counted none there, so every example and failure of a page
    with old Mac line ends was placed on line 1."""
    text = page(HTML, [])
    lines = text.split("\n")
    request_line = next(i for i, line in enumerate(lines, 1) if "Example Request" in line)
    response_line = next(i for i, line in enumerate(lines, 1) if "is_success" in line)
    document, result, _ = replay(tmp_path, "stop.html", text.replace("\n", "\r"))
    assert [e.span.line for e in document.examples] == [request_line]
    assert [e.span.line for e in document.examples[0].expected if e.span] == [response_line]
    assert [r.body for r in document.examples[0].requests] == ['{"job_ids": [1]}']
    assert [r.outcome.value for r in result.results] == ["passed"]
