"""Hypothesis strategies that write cloud-style API pages (RST and HTML) from one grammar.

Both formats get the same parts: a title, "Function", "URI" with the request
line, a parameter table, "Example Requests" (a full request or a body-only
block), "Example Responses" under a "Status code: NNN" heading, "Status Codes",
and optional directive comments after the code blocks.
"""

from __future__ import annotations

import html

from hypothesis import strategies as st
from page_grammar import IDENT, JSON_OBJECT, PROSE, WORD, Page, test_directives

from harness.model import Format

CLOUD_METHODS = ("GET", "POST", "PUT", "DELETE")
CLOUD_SEGMENTS = ["v1.0", "v1.1", "v2", "{project_id}", "{cluster_id}", "streaming", "jobs", "cdm", "job", "stop",
                  "start", "batch", "{job_name}", "clusters", "queues"]
STATUSES = [200, 201, 202, 204, 400, 401, 403, 404, 409, 500]


@st.composite
def cloud_path(draw: st.DrawFn) -> str:
    return "/" + "/".join(draw(st.lists(st.sampled_from(CLOUD_SEGMENTS), min_size=1, max_size=6)))


@st.composite
def parameters(draw: st.DrawFn) -> list[tuple[str, str, str, str]]:
    names = draw(st.lists(IDENT, min_size=1, max_size=4, unique=True))
    return [(name, draw(st.sampled_from(["Yes", "No"])), draw(st.sampled_from(["String", "Integer", "Boolean",
                                                                               "Array of Long"])), draw(PROSE))
            for name in names]


def rst_table(caption: str, header: list[str], rows: list[list[str]], grid: bool) -> list[str]:
    """A docutils simple or grid table, indented under ``.. table::`` when captioned."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    if grid:
        border, heavy = "+" + "+".join("-" * (w + 2) for w in widths) + "+", "+" + "+".join(
            "=" * (w + 2) for w in widths) + "+"
        body = [border, "| " + " | ".join(c.ljust(w) for c, w in zip(header, widths)) + " |", heavy]
        for row in rows:
            body += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |", border]
    else:
        rule = " ".join("=" * w for w in widths)
        body = [rule, " ".join(c.ljust(w) for c, w in zip(header, widths)).rstrip(), rule,
                *(" ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows), rule]
    return [f".. table:: {caption}", "", *("   " + line for line in body), ""] if caption else [*body, ""]


def _heading(text: str, mark: str) -> list[str]:
    return [text, mark * len(text), ""]


@st.composite
def rst_pages(draw: st.DrawFn, wild: bool = False) -> Page:
    """An OTC-style RST API page."""
    method, path = draw(st.sampled_from(CLOUD_METHODS)), draw(cloud_path())
    page = Page("", Format.RST, (method, path))
    params = [list(row) for row in draw(parameters())]
    lines = [f":original_name: {draw(IDENT)}.html", "", f".. _{draw(IDENT)}:", "",
             *_heading(draw(PROSE), "="), *_heading("Function", "-"), draw(PROSE) + ".", "",
             *_heading("URI", "-"), f"{method} {path}", "",
             *rst_table("**Table 1** Path Parameters", ["Parameter", "Mandatory", "Type", "Description"], params,
                        draw(st.booleans())),
             *_heading("Example Requests", "-")]
    body = draw(JSON_OBJECT) if method in ("POST", "PUT") else ""
    request = [f"{method} {path}"] + (["", *body.split("\n")] if body else [])
    if body and draw(st.booleans()):
        request = body.split("\n")  # body-only: completed from the URI section
    lines += [f".. code-block::{draw(st.sampled_from(['', ' text', ' json']))}", "",
              *("   " + line for line in request), ""]
    if draw(st.booleans()):
        lines += [*draw(test_directives(Format.RST, False, wild)), ""]
    status = draw(st.sampled_from(STATUSES))
    lines += [*_heading("Example Responses", "-"), f"**Status code: {status}**", "", ".. code-block::", "",
              *("   " + line for line in draw(JSON_OBJECT).split("\n")), ""]
    if draw(st.booleans()):
        lines += [".. TESTRESPONSE" + draw(st.sampled_from(["", "[s/ZZ_PLACEHOLDER/1/]", "[non_json]"])), ""]
    lines += [*_heading("Status Codes", "-"),
              *rst_table("", ["Status Code", "Description"], [[str(status), draw(WORD)]], draw(st.booleans()))]
    page.text = "\n".join(lines)
    return page


def html_table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{html.escape(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td><p>{html.escape(c)}</p></td>" for c in row) + "</tr>\n" for row in rows)
    return (f'<table><caption><b>{html.escape(caption)}</b></caption>\n<thead><tr>{cells}</tr></thead>\n'
            f"<tbody>{body}</tbody></table>")


def _section(title: str, content: str) -> str:
    return f'<div class="section"><h4 class="sectiontitle">{title}</h4>{content}</div>'


@st.composite
def html_pages(draw: st.DrawFn, wild: bool = False) -> Page:
    """A cloud documentation HTML export page."""
    method, path = draw(st.sampled_from(CLOUD_METHODS)), draw(cloud_path())
    page = Page("", Format.HTML, (method, path))
    params = [list(row) for row in draw(parameters())]
    body = draw(JSON_OBJECT) if method in ("POST", "PUT") else ""
    request = body if body and draw(st.booleans()) else f"{method} {path}" + (f"\n\n{body}" if body else "")
    comments = draw(test_directives(Format.HTML, False, wild)) if draw(st.booleans()) else []
    status = draw(st.sampled_from(STATUSES))
    parts = [
        "<html><head><title>x</title></head><body>",
        f'<h1 class="topictitle1">{html.escape(draw(PROSE))}</h1>',
        _section("Function", f"<p>{html.escape(draw(PROSE))}.</p>"),
        _section("URI", f"<ul><li>URI format<p>{method} {html.escape(path)}</p></li></ul>\n"
                 + html_table("Table 1 Path parameters", ["Parameter", "Mandatory", "Type", "Description"], params)),
        _section("Example Request", f'\n<pre class="screen">{html.escape(request)}</pre>\n' + "\n".join(comments)),
        _section("Example Response", f"<ul><li>Status code: {status}<pre>{html.escape(draw(JSON_OBJECT))}</pre>"
                 "</li></ul>"),
        _section("Status Codes", html_table("Table 2 Status codes", ["Status Code", "Description"],
                                            [[str(status), draw(WORD)]])),
        "</body></html>",
    ]
    page.text = "\n".join(parts) + "\n"
    return page
