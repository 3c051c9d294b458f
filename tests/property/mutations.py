"""Hypothesis strategies that damage a whole real page, in order, the way edits and exports do.

A page is split into lines and a short list of drawn edits is applied in turn:
delete a line range, duplicate a line, swap two lines, insert a fragment (a
directive, a fence, a ``.. TEST[`` or ``<!-- TEST[`` comment, an unbalanced tag,
bad table markup) at a position, glue a fragment onto a line, replace a line by
noise (random unicode, NUL, CR, form feed, line separators, a very long line).
Finally the page may get CRLF line ends and be truncated at a byte.
"""

from __future__ import annotations

from hypothesis import strategies as st

from harness.model import Format

# directive text every format carries, in the spellings real pages get right and wrong
DIRECTIVE_ARGS = [
    "", "[continued]", "[setup:sensor_rollup_job]", "[setup:a,b]", "[teardown:t]", "[skip:todo]", "[catch:missing]",
    "[catch:/x y/]", "[catch:bad_request]", "[s/a/$body/]", "[s/(a)/$1$2/]", "[s/[/x/]", "[s/\\.\\.\\./$body.$_path/]",
    "[warning:deprecated]", "[skip_shard_failures]", "[non_json]", "[_cat]", "[]", "[x", "[s/a/b/ s/c/d/ continued]",
]
DIRECTIVE_NAMES = ["CONSOLE", "NOTCONSOLE", "TEST", "TESTRESPONSE", "TESTSETUP", "TEARDOWN", "AUTOSENSE", "TEST ",
                   "test", "TESTRESPONS"]

ASCIIDOC_FRAGMENTS = [
    "----", "--------------------------------------------------", "[source,js]", "[source,console,id=x]",
    "[source,console-result]", "[source,json]", "[source,sh]", '["source","js",subs="attributes"]',
    '[testenv="basic"]', '[testenv="x"]', "+", "", "////", "// TEST[", "//TEST[continued]", "// TEST [continued]",
    "GET /", "POST _bulk", '{"index":{}}', '{"a": """x', '"""}', "# comment", "#", "startyaml", "endyaml", "PATCH /x",
    "{", "}", '  "took": ...', "`job_id` (required)::", "  (string) Id", "==== Request", "`POST _x/<id>/_stop`",
    "==== Path Parameters", "= Title", "<1> callout", "{version}", "[[anchor]]", "++++", "|===", "| a | b",
    "// CAPTURE[x=$body.a.0]", "// CAPTURE[", "// RETRY[until:status=200 every:1ms]", "// RETRY[every:x]",
    "// TESTRESPONSE[subset volatile:$.a[*].b]", "// FOO[x]", "GET /jobs/{x}",
]
RST_FRAGMENTS = [
    ".. TEST[", ".. TEST[setup:foo]", ".. TEST[continued]", ".. TEST [continued]", ".. TESTRESPONSE[s/x/y/]",
    ".. TESTSETUP", ".. TESTRESPONSE[non_json]", "..", ".. code-block::", ".. code-block:: json", ".. code-block:: text",
    "::", "   ", "   POST /v1.0/{project_id}/jobs", '   {"a": 1}', "=====", "-----", "~~~~", "Example Requests",
    "Example Responses", "**Status code: 200**", "Status code: 404", "URI", "Status Codes",
    "+----+----+", "| a  | b |", "+====+", "| a | b", "+--+", "   ========== =====", "=== ===\nx   y z\n=== ===",
    ".. table:: **Table 9** Bad", ".. _anchor:", ".. _anchor:", ":ref:`x <y>`", ":ref:`unclosed", ".. only:: html",
    ".. raw:: html", ".. include:: /etc/hostname", ".. image:: x.png", ".. csv-table::\n   a,b", ".. list-table::",
    "   * - a", "     - b", ".. |sub| replace:: x", "|sub|", "|undefined|", "`unclosed", "**unclosed", "[#]_",
    ".. [#] footnote", ".. note::", "\t", ":original_name: X.html", ".. toctree::", ".. math:: x^2", "__ http://x",
    ".. CAPTURE[x=$body]", ".. RETRY[until:$body.s=OK timeout:1s]", ".. TESTRESPONSE[shape volatile:$..x]", ".. FOO[x]",
]
HTML_FRAGMENTS = [
    "<!-- TEST[catch:missing] -->", "<!-- TEST[", "<!--", "-->", "<!-- TESTRESPONSE[non_json] -->",
    "<!-- CAPTURE[x=$header.Location~/(\\d+)$] -->", "<!-- RETRY[until:status=200] -->", "<!-- TESTRESPONSE[exact] -->",
    "<!-- TEST [continued] -->", "<!-- TESTSETUP -->", "<table>", "</table>", "<tr>", "</tr>", "<td>", "<th>",
    '<td rowspan="0">', '<td colspan="99999999999">', '<td colspan="-3" rowspan="x">', "<thead>", "<tbody>",
    "</div>", "<div>", "<pre>", "</pre>", '<pre class="screen">', "<code>", '<h4 class="sectiontitle">Example Request</h4>',
    '<h4 class="sectiontitle">Example Response</h4>', "<li>URI format<p>POST /v1.0/x</p></li>", "<caption>",
    '<a href="#">', '<a href="#table9">', '<a name="x">', "<![CDATA[", "<?xml version='1.0'?>", "<!DOCTYPE html>",
    "&#0;", "&#x110000;", "&bogus;", "<script>", "</script>", "<br/>", "<p>Status code: 200</p>", "<xmp>", "<svg><math>",
    "<p", "<", ">", "</", "<html><body>", "</body></html>", '<meta charset="latin-1">', "<h1>", "</h7>",
]
FORMAT_FRAGMENTS = {Format.ASCIIDOC: ASCIIDOC_FRAGMENTS, Format.RST: RST_FRAGMENTS, Format.HTML: HTML_FRAGMENTS}
COMMENT_MARKERS = {Format.ASCIIDOC: ("// ", ""), Format.RST: (".. ", ""), Format.HTML: ("<!-- ", " -->")}

NOISE_CHARS = ["\x00", "\r", "\x0c", "\x0b", "\u2028", "\u2029", "\x85", "\ufeff", "\t", "\x1c", "\ud7ff", "\U0010ffff"]


def directive_lines(fmt: Format) -> st.SearchStrategy[str]:
    """A directive line in ``fmt``'s comment syntax, well-formed or not."""
    opening, closing = COMMENT_MARKERS[fmt]
    return st.builds(lambda name, args: f"{opening}{name}{args}{closing}",
                     st.sampled_from(DIRECTIVE_NAMES), st.sampled_from(DIRECTIVE_ARGS))


def fragments(fmt: Format) -> st.SearchStrategy[str]:
    """What may be inserted into a page of ``fmt``: its markup fragments, directives of every format."""
    return st.one_of(st.sampled_from(FORMAT_FRAGMENTS[fmt]), directive_lines(fmt),
                     st.sampled_from(Format).flatmap(directive_lines))


def long_lines() -> st.SearchStrategy[str]:
    """A very long line: one character or a markup fragment repeated thousands of times."""
    unit = st.sampled_from(["x", " ", "-", "|", "=", "<td>", "[source,js,", "s/a/b/ ", "<!--", "{", "\"", "`"])
    return st.builds(lambda piece, n: piece * n, unit, st.integers(1_000, 20_000))


def noise() -> st.SearchStrategy[str]:
    """A line of noise: random unicode, control characters, a very long line."""
    return st.one_of(st.text(max_size=40), st.lists(st.sampled_from(NOISE_CHARS), min_size=1, max_size=4).map("".join),
                     long_lines())


@st.composite
def mutated_page(draw: st.DrawFn, text: str, fmt: Format, max_edits: int = 6) -> str:
    """``text`` after up to ``max_edits`` drawn edits, then maybe CRLF line ends and a byte truncation."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, max_edits))):
        edit = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "insert", "glue", "noise"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if edit == "insert" or not lines:
            lines.insert(i, draw(fragments(fmt)))
        elif edit == "delete":
            del lines[i:i + draw(st.integers(1, 12))]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "glue":
            lines[i] += draw(fragments(fmt) | noise())
        else:
            lines[i] = draw(noise())
    page = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    if draw(st.booleans()):
        return page
    raw = page.encode("utf-8")
    return raw[:draw(st.integers(0, len(raw)))].decode("utf-8", errors="replace")  # a cut inside a character too
