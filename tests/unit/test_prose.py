"""Captions and notices: what a page says to its readers around the examples, in every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.parsers import parse

ASCIIDOC = """[[stop]]
=== Stop Jobs API
++++
<titleabbrev>Stop</titleabbrev>
++++

experimental[]

deprecated[6.3.0, "Use the close API instead."]

NOTE: Stopping is asynchronous.

==== Examples

If we have a started job named `sensor`, it can be stopped with:

[source,js]
----
POST _xpack/rollup/job/sensor/_stop
----
// CONSOLE

.A job that does not exist
[source,js]
----
POST _xpack/rollup/job/nope/_stop
----
// CONSOLE
// TEST[catch:missing]
"""

RST = """Stopping a Job
==============

.. note::

   A stopped job can be started again.

.. deprecated:: 2.0
   Use the batch API.

Example Requests
----------------

Stop the job jdbc2hive.

.. code-block:: text

   PUT /v1.1/p/clusters/c/cdm/job/jdbc2hive/stop
"""

HTML = """<h1 class="topictitle1">Deleting a Job</h1>
<div class="section"><h4 class="sectiontitle">Function</h4><p>Deletes a job.</p>
<div class="note"><span class="notetitle"> NOTE: </span><div class="notebody"><p>A running job must be stopped first.</p></div></div>
</div>
<div class="section"><h4 class="sectiontitle">URI</h4><p>DELETE /v1.0/{project_id}/streaming/jobs/{job_id}</p></div>
<div class="section"><h4 class="sectiontitle">Example Request</h4><p>Delete job 131, which has never run.</p>
<pre class="screen">DELETE /v1.0/p/streaming/jobs/131</pre>
</div>
"""


def test_asciidoc_captions_and_notices() -> None:
    document = parse(ASCIIDOC, "stop.asciidoc")
    assert [e.caption for e in document.examples] == [
        "If we have a started job named sensor, it can be stopped with:", "A job that does not exist"]
    assert [(n.kind, n.span.line) for n in document.notices] == [("experimental", 7), ("deprecated", 9), ("note", 11)]
    assert document.notices[1].text == "Deprecated in 6.3.0. Use the close API instead."
    assert document.notices[2].text == "Stopping is asynchronous."


def test_rst_caption_and_notices() -> None:
    document = parse(RST, "stop.rst")
    assert [e.caption for e in document.examples] == ["Stop the job jdbc2hive."]
    assert [(n.kind, n.text) for n in document.notices] == [
        ("note", "A stopped job can be started again."), ("deprecated", "Deprecated in 2.0 Use the batch API.")]


def test_html_caption_and_notice() -> None:
    document = parse(HTML, "delete.html")
    assert [e.caption for e in document.examples] == ["Delete job 131, which has never run."]
    assert [(n.kind, n.text) for n in document.notices] == [("note", "A running job must be stopped first.")]


def test_a_heading_right_before_the_block_is_no_caption() -> None:
    text = "= Title\n\n==== Examples\n\n[source,js]\n----\nGET _cat/health\n----\n// CONSOLE\n"
    assert [e.caption for e in parse(text, "t.asciidoc").examples] == [""]


def testasciidoc_notices_on_every_kind_of_line_break() -> None:
    """Notices are looked for only on the lines one search of the page finds: the same notices, on the
    same lines, as testing every line of ``splitlines()`` (lone "\\r", form feeds, CRLF, indents, case)."""
    import re

    from harness.parsers.prose import _BLOCK, _LABEL, _MACRO, asciidoc_notices

    body = ("intro\n  beta[]\nExperimental[\"soon\"]\n\tNOTE: indented\nWARNING:no space\n[TIP]\n====\ntip text\n"
            "====\nNOTE: a\rCAUTION: after a lone CR\ndeprecated[7.0, \"gone\"]\x0cIMPORTANT: after a form feed\n"
            "\u2028[NOTE]\n====\nx\n====\nnote: lower case is no label\nİxperimental[]\n")
    for text in (body, body.replace("\n", "\r\n"), body.replace("\r", "").replace("\x0c", "\n").replace("\u2028", ""),
                 "NOTE: first line", "\n\n", ""):
        lines = text.splitlines()
        every = [n for n, line in enumerate(lines, 1) if _MACRO.match(line.strip()) or _LABEL.match(line.strip())
                 or _BLOCK.match(line.strip()) and n < len(lines) and lines[n].strip() == "===="]
        found = asciidoc_notices(lines, "p.asciidoc", text)
        assert [n.span.line for n in found] == every, repr(text)
        assert all(re.fullmatch(r"[a-z]+", n.kind) for n in found)
    assert len(asciidoc_notices(body.splitlines(), "p", body)) == 9


@pytest.mark.parametrize("rules", ["auto", "6.4", "6.8"])
def test_asciidoc_pages_under_version_rules_keep_their_captions_and_notices(tmp_path: Path, rules: str) -> None:
    from harness.parsers.dialect import Dialect
    from harness.parsers.loader import load_file

    page = tmp_path / "stop.asciidoc"
    page.write_text(ASCIIDOC, encoding="utf-8")
    document = load_file(page, root=tmp_path, dialect=Dialect(rules))
    assert [e.caption for e in document.examples] == [e.caption for e in parse(ASCIIDOC, "stop.asciidoc").examples]
    assert [n.kind for n in document.notices] == ["experimental", "deprecated", "note"]


# every kind of character str.split() treats as whitespace, and a few that it does not
_SPACES = st.sampled_from([" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028",
                           "\u3000", "\u200b", "a", "b", "é", "`", "."])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_SPACES, max_size=8).map("".join))
def test_a_text_said_to_be_one_space_apart_is_what_splitting_and_joining_it_gives(text: str) -> None:
    """Captions and paragraphs skip the split and join when ``one_space_apart`` says it changes nothing."""
    from harness.parsers.prose import one_space_apart

    if one_space_apart(text):
        assert " ".join(text.split()) == text
    assert one_space_apart("If we have a started job, it can be stopped with:")  # the common case is taken


def test_captions_of_tabbed_and_spaced_paragraphs_are_one_space_apart() -> None:
    text = ("= T\n\n==== Examples\n\nStop\tthe  job\u00a0now\x1fplease :\n\n[source,js]\n----\nGET _cat/health\n----\n"
            "// CONSOLE\n")
    assert [e.caption for e in parse(text, "t.asciidoc").examples] == ["Stop the job now please :"]
