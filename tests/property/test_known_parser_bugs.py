"""Minimal reproductions of parser bugs the properties found, kept as strict xfails until fixed.

Each test states the behaviour the parser should have; ``strict=True`` turns the
fix into a visible XPASS so the lead removes the mark (and the matching
``assume`` filter in ``page_checks``) in the same change.
"""

from __future__ import annotations

import pytest
from page_checks import check_parse

from harness.parsers.asciidoc import parse_asciidoc

# a correct parser reads these lines in milliseconds; 3 s is a hang by any measure, not a speed goal
HANG_LIMIT_S = 3.0


@pytest.mark.xfail(strict=True, raises=TimeoutError,
                   reason="asciidoc_meta._LINK backtracks cubically on a line of many '[' without ']'")
def test_asciidoc_line_of_open_brackets_does_not_hang() -> None:
    text = "[" * 3000  # a paragraph line: 1,000 take ~3.6 s, 2,000 ~26 s, 3,000 ~90 s
    check_parse(parse_asciidoc, text, "fuzz/brackets.asciidoc", limit=HANG_LIMIT_S)


@pytest.mark.xfail(strict=True, raises=TimeoutError,
                   reason="asciidoc_meta._LINK (and SOURCE_LINE) backtrack on a repeated '[source,js,' line")
def test_asciidoc_repeated_source_prefix_does_not_hang() -> None:
    text = "[source,js," * 1000  # found by test_damaged_asciidoc_pages as a glued long line
    check_parse(parse_asciidoc, text, "fuzz/source.asciidoc", limit=HANG_LIMIT_S)
