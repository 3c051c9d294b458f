"""Real scraped pages, as they come, through every parser: a Document, never an exception.

The scraped seed pages (``../shared/seeds/*.txt``: web-page text around AsciiDoc,
RST and HTML sources) are given to each of the three parsers, whatever format
they hold; the corpus sample (``../shared/corpus-sample/``) to the parser of
each file's suffix. Both folders sit beside the project, not in it: a clone
without them skips these tests with the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.model import Document, Span, from_json, to_json
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.html import parse_html
from harness.parsers.rst import parse_rst

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus-sample"
PARSERS: dict[str, Callable[[str, str], Document]] = {
    "asciidoc": parse_asciidoc, "rst": parse_rst, "html": parse_html}
SUFFIXES = {".asciidoc": "asciidoc", ".adoc": "asciidoc", ".rst": "rst", ".html": "html", ".htm": "html"}


def _cases(folder: Path, files: list[Path], *parsers: str) -> list[object]:
    if not files:
        return [pytest.param(None, "", marks=pytest.mark.skip(reason=f"{folder} is absent or empty (it sits "
                                                                      "beside the project, not in a clone)"))]
    return [pytest.param(path, parser, id=f"{path.relative_to(folder).as_posix()}-{parser}")
            for path in files for parser in (parsers or (SUFFIXES[path.suffix.lower()],))]


SEED_CASES = _cases(SEEDS, sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [], *PARSERS)
CORPUS_CASES = _cases(CORPUS, sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SUFFIXES)
                      if CORPUS.is_dir() else [])


def _spans(value: object) -> Iterator[Span]:
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _spans(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _spans(item)


def check_page(path: Path, parser: str) -> Document:
    """Parse the file with ``parser``; assert every span lies inside it and the JSON round trip holds."""
    text = path.read_text(encoding="utf-8", errors="replace")  # as the loader reads a badly encoded page
    name = path.name if parser == SUFFIXES.get(path.suffix.lower()) else f"{path.name}.{parser}"
    document = PARSERS[parser](text, name)
    lines = max(text.count("\n") + 1, len(text.splitlines()), 1)
    for span in _spans(document):
        assert span.path == name and 1 <= span.line <= lines and span.column >= 1, f"{span} (page of {lines} lines)"
        assert span.end_line == 0 or span.line <= span.end_line <= lines, span
    assert from_json(Document, to_json(document)) == document
    return document


@pytest.mark.parametrize(("path", "parser"), SEED_CASES)
def test_seed_page_parses_with_every_parser(path: Path, parser: str) -> None:
    assert check_page(path, parser).format.value == parser


@pytest.mark.parametrize(("path", "parser"), CORPUS_CASES)
def test_corpus_page_parses(path: Path, parser: str) -> None:
    assert check_page(path, parser).format.value == parser
