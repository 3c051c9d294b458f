"""What every parse must satisfy, whatever the page: the shared checks of the parser properties.

A parse returns a ``Document`` (no exception) within a hard time limit, every
``Span`` anywhere in it points inside the page, the Document survives the JSON
round trip and ``pickle``, and parsing the same text again gives an equal
Document.
"""

from __future__ import annotations

import dataclasses
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from harness.model import Document, Format, Span, from_json, to_json
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.html import parse_html
from harness.parsers.rst import parse_rst

REPO = Path(__file__).resolve().parents[2]
DOCS_SRC = REPO / "docs_src"
Parse = Callable[[str, str], Document]
PARSERS: dict[Format, tuple[str, Parse]] = {
    Format.ASCIIDOC: (".asciidoc", parse_asciidoc),
    Format.RST: (".rst", parse_rst),
    Format.HTML: (".html", parse_html),
}
# a parse slower than this is a hang: hypothesis' 2 s deadline only reports slowness after the
# call returns, so a runaway regex would stall the run without this alarm
HARD_LIMIT_S = 20.0


def docs_src_pages(fmt: Format) -> list[tuple[str, str]]:
    """The repository's own docs_src pages of ``fmt`` as (repo-relative path, text), in path order."""
    suffix = PARSERS[fmt][0]
    # docs_src/guide is the user guide (prose about docharness and its few example pages), not API pages
    return [(page.relative_to(REPO).as_posix(), page.read_text(encoding="utf-8"))
            for page in sorted(DOCS_SRC.rglob(f"*{suffix}")) if not page.is_relative_to(DOCS_SRC / "guide")]


def line_count(text: str) -> int:
    """How many lines an editor can show for ``text``: ``\\n`` or any other line boundary Python knows.

    The AsciiDoc scanner splits on ``\\n``; docutils and lxml also count ``\\r`` and the Unicode
    separators, so a span is inside the page when it is within either count.
    """
    return max(text.count("\n") + 1, len(text.splitlines()), 1)


def all_spans(value: object) -> Iterator[Span]:
    """Every ``Span`` held anywhere in a model value (Document, Example, Operation, Diagnostic ...)."""
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from all_spans(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from all_spans(item)


def assert_spans_inside(document: Document, text: str) -> None:
    """Every span: right path, 1 <= line <= last_line <= the page's lines, columns >= 1."""
    lines = line_count(text)
    for span in all_spans(document):
        assert span.path == document.path, span
        assert 1 <= span.line <= lines, f"{span} outside the page's {lines} lines"
        assert span.column >= 1, span
        assert span.end_line == 0 or span.line <= span.end_line <= lines, f"{span} ends outside 1..{lines}"
        assert span.end_column >= 0, span
    for diagnostic in document.diagnostics:
        assert diagnostic.message and diagnostic.code, diagnostic


@contextmanager
def hard_limit(seconds: float = HARD_LIMIT_S) -> Iterator[None]:
    """Fail with ``TimeoutError`` instead of hanging when the block runs longer than ``seconds``.

    Uses SIGALRM, so it only arms on the main thread of a POSIX process (pytest and xdist workers).
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the parse did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_parse(parse: Parse, text: str, path: str, limit: float = HARD_LIMIT_S) -> Document:
    """Parse ``text`` twice and assert every property above; return the Document for further checks.

    :param limit: seconds each parse may take before it counts as a hang (``TimeoutError``).
    """
    with hard_limit(limit):
        document = parse(text, path)
    assert isinstance(document, Document)
    assert document.path == path
    assert_spans_inside(document, text)
    assert from_json(Document, to_json(document)) == document
    assert pickle.loads(pickle.dumps(document)) == document
    with hard_limit(limit):
        again = parse(text, path)
    assert again == document, "parsing the same text twice gave different Documents"
    return document
