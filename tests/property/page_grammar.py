"""Hypothesis strategies that write plausible API pages from a grammar, in each of the three formats.

A page has a title, a description, the request line, a parameter table and
example blocks carrying directives from the real vocabulary (reference §3) with
random console bodies. ``wild=True`` mixes in malformed directive lines and
random body lines; ``wild=False`` writes only well-formed snippets and returns
what a correct parser must find (``Page.tests``: the requests of each test
snippet, in order).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hypothesis import strategies as st
from mutations import directive_lines

from harness.model import Format

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
IDENT = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
SAFE_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ 0123456789_-.", max_size=16)
PROSE = st.lists(WORD, min_size=1, max_size=8).map(lambda words: " ".join(words).capitalize())  # never markup
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | SAFE_TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(IDENT, inner, max_size=3),
                    max_leaves=8)
JSON_OBJECT = st.dictionaries(IDENT, JSON, max_size=4).map(lambda value: json.dumps(value, indent=2))
CONSOLE_METHODS = ("GET", "PUT", "POST", "HEAD", "DELETE")  # the console grammar's methods (OPTIONS is rare)
ES_SEGMENTS = ["_xpack", "rollup", "job", "ml", "anomaly_detectors", "datafeeds", "sensor", "my-index", "_doc", "1",
               "_stop", "_start", "_close", "_open", "_stats", "_bulk", "_count", "event_rate"]
SETUP_NAMES = ["sensor_rollup_job", "sensor_started_rollup_job", "server_metrics_job", "twitter", "sensor_index"]
CATCHES = ["missing", "bad_request", "conflict", "request", "/resource_not_found_exception/", "/[Nn]ot found/"]


@dataclass
class Page:
    """A generated page: its text, the format, and what a correct parse finds in it.

    :param tests: for each generated test snippet (not continued), its (method, path) requests.
    :param request_line: the documented (method, path) of the page's operation.
    """

    text: str
    fmt: Format
    request_line: tuple[str, str]
    tests: list[list[tuple[str, str]]] = field(default_factory=list)


@st.composite
def es_path(draw: st.DrawFn) -> str:
    path = "/".join(draw(st.lists(st.sampled_from(ES_SEGMENTS), min_size=1, max_size=5)))
    return draw(st.sampled_from(["", "/"])) + path + draw(st.sampled_from(["", "?pretty", "?refresh=true"]))


@st.composite
def console_body(draw: st.DrawFn, wild: bool) -> tuple[str, list[tuple[str, str]]]:
    """Console text (``METHOD path`` lines, JSON bodies, comments) and the requests it holds."""
    lines: list[str] = []
    requests: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 5)) == 0:
            lines.append("# " + draw(WORD))
        method, path = draw(st.sampled_from(CONSOLE_METHODS)), draw(es_path())
        lines.append(f"{method} {path}")
        requests.append((method, path.strip()))
        if method in ("PUT", "POST") and draw(st.booleans()):
            lines.extend(draw(JSON_OBJECT).split("\n"))
    if wild and draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.text(max_size=30) | st.sampled_from(["", "#", "{"])))
    return "\n".join(lines), requests


@st.composite
def test_args(draw: st.DrawFn, continued: bool) -> str:
    """The argument text of a well-formed ``TEST[...]``: items joined by one space, greedy ones last."""
    items = ["continued"] if continued else []
    if draw(st.booleans()):
        items.append("setup:" + ",".join(draw(st.lists(st.sampled_from(SETUP_NAMES), min_size=1, max_size=2))))
    if draw(st.booleans()):
        items.append("catch:" + draw(st.sampled_from(CATCHES)))
    if draw(st.booleans()):
        items.append("s/ZZ_PLACEHOLDER/" + draw(IDENT) + "/")
    if draw(st.integers(0, 4)) == 0:
        items.append("skip_shard_failures")
    if draw(st.integers(0, 4)) == 0:
        items.append("teardown:" + draw(st.sampled_from(SETUP_NAMES)))
    draw(st.randoms()).shuffle(items)
    last = draw(st.sampled_from(["", "", "skip:", "warning:"]))
    if last and not (continued and last == "skip:"):  # skip: and warning: run to the bracket / the end: last
        items.append(last + draw(st.sampled_from(["todo", "needs a cluster", "foo is deprecated"])))
    return " ".join(items)


def _directive(fmt: Format, name: str, args: str = "") -> str:
    text = f"{name}[{args}]" if args else name
    return {Format.ASCIIDOC: f"// {text}", Format.RST: f".. {text}", Format.HTML: f"<!-- {text} -->"}[fmt]


@st.composite
def test_directives(draw: st.DrawFn, fmt: Format, continued: bool, wild: bool) -> list[str]:
    """The directive lines after a request block: well-formed, or (wild) any directive line at all."""
    if wild and draw(st.booleans()):
        return draw(st.lists(directive_lines(fmt), max_size=3))
    args = draw(test_args(continued))
    lines = [_directive(fmt, "TEST", args)] if args or draw(st.booleans()) else []
    if fmt is Format.ASCIIDOC and (not lines or draw(st.booleans())):
        lines.insert(0, "// CONSOLE")
    return lines or [_directive(fmt, "TEST")]


@st.composite
def asciidoc_blocks(draw: st.DrawFn, page: Page, wild: bool) -> list[str]:
    """The example blocks of a legacy (``[source,js]`` + ``// CONSOLE``) AsciiDoc page."""
    lines: list[str] = []
    previous = "none"  # what the generator's state.previous is: none, setup, teardown or test
    if draw(st.integers(0, 3)) == 0:
        body, _ = draw(console_body(False))
        lines += ["[source,js]", "----", *body.split("\n"), "----", "// TESTSETUP", "", draw(PROSE), ""]
        previous = "setup"
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["test", "test", "continued", "response", "notconsole", "listing", "curl"]))
        if kind in ("continued", "response") and previous != "test":
            kind = "test"
        fence = draw(st.sampled_from(["----", "-" * 50]))
        if kind in ("test", "continued"):
            body, requests = draw(console_body(wild))
            name = f",id={draw(IDENT)}_{len(lines)}" if draw(st.integers(0, 3)) == 0 else ""
            lines += [f"[source,js{name}]", fence, *body.split("\n"), fence,
                      *draw(test_directives(Format.ASCIIDOC, kind == "continued", wild))]
            if kind == "test":
                page.tests.append(requests)
            previous = "test"
        elif kind == "response":
            args = draw(st.sampled_from(["", "[s/ZZ_PLACEHOLDER/1/]", "[skip:the ids differ]"]))
            lines += ["[source,js]", fence, *draw(JSON_OBJECT).split("\n"), fence, f"// TESTRESPONSE{args}"]
        elif kind == "notconsole":
            lines += ["[source,js]", fence, *draw(JSON_OBJECT).split("\n"), fence, "// NOTCONSOLE"]
        elif kind == "curl":
            lines += ["[source,sh]", fence, f"curl -XGET 'localhost:9200/{draw(es_path()).lstrip('/')}'", fence,
                      "// NOTCONSOLE"]
        else:
            lines += ["[source,txt]", fence, draw(WORD), fence]
        lines += ["", draw(PROSE), ""]
    return lines


@st.composite
def asciidoc_pages(draw: st.DrawFn, wild: bool = False) -> Page:
    """An Elasticsearch-style AsciiDoc API page."""
    method, path = draw(st.sampled_from(CONSOLE_METHODS)), draw(es_path()).lstrip("/")
    page = Page("", Format.ASCIIDOC, (method, path))
    title = " ".join(draw(st.lists(WORD, min_size=1, max_size=4))).title()
    head = [f"[[{draw(IDENT)}]]", f"=== {title} API", "", draw(PROSE) + ".", "", "==== Request", "",
            f"`{method} {path}`", "", "==== Path Parameters", ""]
    for name in draw(st.lists(IDENT, min_size=1, max_size=3, unique=True)):
        head += [f"`{name}` ({draw(st.sampled_from(['required', 'optional']))})::",
                 f"  ({draw(st.sampled_from(['string', 'integer', 'boolean']))}) {draw(PROSE)}", ""]
    head += ["==== Examples", "", draw(PROSE) + ":", ""]
    page.text = "\n".join(head + draw(asciidoc_blocks(page, wild))) + "\n"
    return page
