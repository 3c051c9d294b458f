"""``request_line_indices`` (one search of a whole block) finds exactly the lines ``find_request_line``
finds one by one: the request blocks of every cloud page are split by it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.model import Span
from harness.parsers.cloud_sections import find_request_line, request_line_indices

# pieces real request blocks are made of, and the near misses around them
PIECES = ["GET", "post", "PUT ", "DELETE", "Request URL:", "URL：", "uri :", "line:", "https://", "{endpoint}/",
          "{Endpoint}", "/v1/{project_id}/jobs", " HTTP/1.1", "/ 49b9/switch", "?a=1", "&b=2", "a b", '{"a": 1}',
          "  ", "\t", "\r", "\x0b", "\u2028", "x", ":", "/",
          # letters re.I takes for ASCII ones (dotless and dotted i, long s, Kelvin sign), full-width ones
          "\u0131", "\u0130", "\u017f", "\u212a", "\uff27\uff25\uff34", "po\u017ft"]
LINES = st.lists(st.sampled_from(PIECES), max_size=6).map("".join) | st.text(max_size=40).map(
    lambda text: text.replace("\n", ""))


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=12))
def test_same_lines_as_the_per_line_search(lines: list[str]) -> None:
    span = Span("page.html", 1)
    assert request_line_indices(lines) == [
        i for i, line in enumerate(lines) if find_request_line(line, span, bare=True) is not None]
