"""A request whose target leaves part of an ID out ("7116d09f.....", "…0037") says so at its line.

Real IAM pages shorten IDs in example requests (``?user_id=07609fb9358010e21f7bc0037....``). Sent as written,
no real service finds what such a request names, so the example cannot pass for a reason the page does not
show: a warning names the value and says how to make the example replayable.
"""

from __future__ import annotations

import pytest

from harness.parsers.html import parse_html
from harness.parsers.rst import parse_rst

RST = """Listing Keys
============

URI
---

GET /v3.0/OS-CREDENTIAL/credentials

Example Request
---------------

.. code-block:: text

   GET https://iam.example.com/v3.0/OS-CREDENTIAL/credentials{query}

Example Response
----------------

.. code-block::

   {{"credentials": []}}
"""


def _elided(document) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(d.span.line, d.message) for d in document.diagnostics if d.code == "elided-value"]


@pytest.mark.parametrize(("query", "value"), [
    ("?user_id=07609fb9358010e21f7bc0037....", "07609fb9358010e21f7bc0037...."),
    ("/…0037/keys", "…0037"),
    ("/7116d09f88fa41908676fdd4b039e...../keys?limit=10", "7116d09f88fa41908676fdd4b039e....."),
])
def test_an_elided_value_in_the_path_or_query_is_a_warning_at_its_line(query: str, value: str) -> None:
    document = parse_rst(RST.format(query=query), "keys.rst")
    [(line, message)] = _elided(document)
    assert line == 14 and repr(value) in message  # the request line
    assert [r.path for e in document.examples for r in e.requests] == [
        f"/v3.0/OS-CREDENTIAL/credentials{query}"]  # still sent as written: the warning says why it fails


@pytest.mark.parametrize("query", ["?user_id=07609fb9", "/a.b..c/keys", "?name=x.y", ""])
def test_dots_that_elide_nothing_are_not_warned(query: str) -> None:
    assert _elided(parse_rst(RST.format(query=query), "keys.rst")) == []


def test_the_html_form_is_warned_too() -> None:
    page = ("<html><body><h1>Listing Keys</h1><h2>URI</h2><p>GET /v3.0/OS-CREDENTIAL/credentials</p>"
            "<h2>Example Request</h2>\n<pre>GET https://iam.example.com/v3.0/OS-CREDENTIAL/credentials"
            "?user_id=07609fb9358010e21f7bc0037\u2026</pre>\n<h2>Example Response</h2><pre>{\"credentials\": []}</pre>"
            "</body></html>")
    [(line, message)] = _elided(parse_html(page, "keys.html"))
    assert line == 2 and "'07609fb9358010e21f7bc0037\u2026'" in message
