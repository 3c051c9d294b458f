"""Every real docs_src page, whole and in order, damaged by drawn edits, in each of the three formats.

Whatever the damage, the format's parser returns a Document within the deadline,
every span points inside the damaged page, and the Document survives JSON,
pickle and a second parse unchanged (see ``page_checks``). Example counts and the deadline come from the
active hypothesis profile (``conftest.py``: ``ci`` or ``thorough``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutations import mutated_page
from page_checks import PARSERS, check_parse, docs_src_pages

from harness.model import Format

PAGES = {fmt: docs_src_pages(fmt) for fmt in Format}


def test_docs_src_has_pages_of_every_format() -> None:
    # the properties below would pass vacuously over an empty docs_src
    assert all(len(PAGES[fmt]) >= 3 for fmt in Format), {fmt: len(pages) for fmt, pages in PAGES.items()}


@pytest.mark.parametrize("fmt", list(Format), ids=lambda fmt: fmt.value)
def test_undamaged_pages_pass_the_checks(fmt: Format) -> None:
    _, parse = PARSERS[fmt]
    for path, text in PAGES[fmt]:
        document = check_parse(parse, text, path)
        assert document.examples, f"{path}: the real page should give examples"


@st.composite
def damaged(draw: st.DrawFn, fmt: Format) -> tuple[str, str]:
    path, text = draw(st.sampled_from(PAGES[fmt]))
    return path, draw(mutated_page(text, fmt))


@given(damaged(Format.ASCIIDOC))
def test_damaged_asciidoc_pages(page: tuple[str, str]) -> None:
    check_parse(PARSERS[Format.ASCIIDOC][1], page[1], page[0])


@given(damaged(Format.RST))
def test_damaged_rst_pages(page: tuple[str, str]) -> None:
    check_parse(PARSERS[Format.RST][1], page[1], page[0])


@given(damaged(Format.HTML))
def test_damaged_html_pages(page: tuple[str, str]) -> None:
    check_parse(PARSERS[Format.HTML][1], page[1], page[0])


@given(st.sampled_from(list(Format)), st.sampled_from(list(Format)), st.data())
def test_pages_given_to_the_wrong_parser(page_format: Format, parser_format: Format, data: st.DataObject) -> None:
    # a misnamed file (an HTML export saved as .rst) is bad input, not a crash
    path, text = data.draw(st.sampled_from(PAGES[page_format]))
    damaged_text = data.draw(mutated_page(text, page_format, max_edits=2))
    check_parse(PARSERS[parser_format][1], damaged_text, path)


# found by test_damaged_asciidoc_pages (a long glued line): the page-outline link regex backtracked
# cubically on '[' without ']' (2,000 '[' took 26 s) until it was rewritten; a correct parser reads
# these lines in milliseconds, so the limit below detects a hang, it is not a speed goal
BRACKET_LINES = {"open-brackets": "[" * 20_000, "source-prefix": "[source,js," * 5_000,
                 "spaced-links": "x[ " * 20_000, "unclosed-source": "[source,js" + "," * 20_000}


@pytest.mark.parametrize("name", sorted(BRACKET_LINES))
def test_long_bracket_lines_do_not_hang_the_asciidoc_parser(name: str) -> None:
    check_parse(PARSERS[Format.ASCIIDOC][1], BRACKET_LINES[name], f"fuzz/{name}.asciidoc", limit=3.0)
