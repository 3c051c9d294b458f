"""No attribute value crashes the HTML parser or blows its memory (issue 12, item 6).

The sample pages in tests/samples/html/span-*.html each carry a table cell whose
``rowspan`` / ``colspan`` is something browsers shrug off: ``"²"``, ``"100\\x1d"``,
``"99999999"``, 5,000 digits, non-ASCII digits, junk. Each page must keep all its
examples and parameters, with no parser-crash diagnostic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.parsers.html import _span_count
from harness.parsers.loader import load_file
from harness.parsers.page import MAX_COLUMNS, Cell, fill_spans

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "html"
SPAN_PAGES = sorted(SAMPLES.glob("span-*.html"))


def test_the_samples_are_there() -> None:
    assert len(SPAN_PAGES) >= 6


@pytest.mark.parametrize("page", SPAN_PAGES, ids=lambda p: p.name)
def test_odd_span_values_keep_the_page_s_examples(page: Path) -> None:
    document = load_file(page, SAMPLES)
    assert [d.code for d in document.diagnostics] == []
    assert len(document.examples) == 1
    assert {"name", "count"} <= {p.name for o in document.operations for p in o.parameters}


@pytest.mark.parametrize(("value", "count"), [
    ("2", 2), (" 3 ", 3), ("100\x1d", 100), ("2\x1c", 2), ("\u00b2", 1), ("\u0663", 1), ("\uff12", 1), ("", 1),
    (None, 1), ("-3", 1), ("0", 1), ("0x10", 1), ("1e3", 1), ("NaN", 1), ("99999999", 100), ("9" * 5000, 100),
    ("0" * 5000 + "7", 7), ("\u00a02", 1),
])
def test_span_values_are_read_as_browsers_do_and_capped(value: str | None, count: int) -> None:
    assert _span_count(value) == count


def test_huge_spans_keep_the_grid_bounded() -> None:
    cell = Cell("x", ())
    rows = [[(cell, 100, 100)] * 50 for _ in range(2000)]
    grid = fill_spans(rows)
    assert len(grid) == 2000 and max(len(row) for row in grid) <= MAX_COLUMNS


def test_a_page_of_huge_spans_parses(tmp_path: Path) -> None:
    cells = '<td rowspan="99999999" colspan="99999999">x</td>' * 20
    body = "".join(f"<tr>{cells}</tr>" for _ in range(500))
    page = tmp_path / "huge.html"
    page.write_text(f"<html><body><h1>T</h1><table><tr><th>Parameter</th><th>Type</th></tr>{body}</table>"
                    "</body></html>", encoding="utf-8")
    document = load_file(page, tmp_path)
    assert not [d for d in document.diagnostics if d.code == "parser-crash"]
