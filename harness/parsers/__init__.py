"""The parsers: one pure function per format, picked by file suffix.

``PARSERS`` maps a lower-case suffix to ``parse_<format>(text, path[, rules]) ->
Document`` (``rules``: the Elasticsearch ``Dialect`` an AsciiDoc page is read with; the
other formats have none), which adds the page's captions and notices. A format
module is imported only when a file of its kind is parsed, so heavy libraries
(docutils, lxml) load only when needed. Adding a format is
one entry in the table. Reading files is ``harness.parsers.loader``'s job, never
a parser's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

from harness.model import Document

if TYPE_CHECKING:  # dialect imports the console grammar: not needed to pick a parser
    from harness.parsers.dialect import Dialect

__all__ = ["PARSERS", "Parser", "parse", "parser_for"]


class Parser(Protocol):
    """A format's parse function: a page's text and ``Document.path`` to its Document.

    ``rules`` is the Elasticsearch rule set an AsciiDoc page is read with (``None``: ``auto``);
    a format without version rules accepts only ``None``.
    """

    def __call__(self, text: str, path: str, rules: Dialect | None = None) -> Document: ...


def _lazy(module: str, function: str, reads_prose: bool = False) -> Parser:
    """Return a parse function that imports ``harness.parsers.<module>`` on first use.

    :param reads_prose: the format's function reads the captions and notices itself (AsciiDoc: from
        the lines it has split, as it makes each Example); the others get them from ``with_prose``.
    """

    # Looked up on every call, never kept: a run that restores ``sys.modules`` (pytester's in-process
    # runs) re-imports docutils, and a kept parse function would mix its old node classes with the new.
    def parse_lazily(text: str, path: str, rules: Dialect | None = None) -> Document:
        try:
            target = importlib.import_module(f"harness.parsers.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"harness.parsers.{module}":
                raise
            raise NotImplementedError(f"{path}: the {module} parser is not available yet") from exc
        parse_format: Any = getattr(target, function)
        document: Document = parse_format(text, path) if rules is None else parse_format(text, path, rules)
        if reads_prose:
            return document
        from harness.parsers.prose import with_prose  # captions and notices: the same for every format

        return with_prose(document, text)

    parse_lazily.__name__ = function
    return parse_lazily


PARSERS: dict[str, Parser] = {
    ".asciidoc": _lazy("asciidoc", "parse_asciidoc", reads_prose=True),
    ".adoc": _lazy("asciidoc", "parse_asciidoc", reads_prose=True),
    ".rst": _lazy("rst", "parse_rst"),
    ".html": _lazy("html", "parse_html"),
    ".htm": _lazy("html", "parse_html"),
}


def parser_for(path: str) -> Parser | None:
    """Return the parse function registered for ``path``'s suffix, or ``None``."""
    dot = path.rfind(".")
    slash = max(path.rfind("/"), path.rfind("\\"))
    if dot <= slash + 1:
        return None
    return PARSERS.get(path[dot:].lower())


def parse(text: str, path: str, rules: Dialect | None = None) -> Document:
    """Parse ``text`` with the parser registered for ``path``'s suffix.

    :param text: the page's text.
    :param path: the source path (posix separators), used for the suffix and in every span.
    :param rules: the Elasticsearch rules an AsciiDoc page is read with (``None``: ``auto``).
    :raises ValueError: when no parser is registered for the suffix.
    """
    parse_format = parser_for(path)
    if parse_format is None:
        raise ValueError(f"{path}: no parser for this file type (known: {', '.join(sorted(PARSERS))})")
    return parse_format(text, path) if rules is None else parse_format(text, path, rules)
