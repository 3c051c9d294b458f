"""The RST directives that would read another file or URL, for the private docutils setup.

``include``, ``literalinclude``, ``raw`` with ``:file:`` / ``:url:`` and ``csv-table`` with
``:file:`` / ``:url:`` leave a ``not_read`` node (never reading anything); ``image`` and
``figure`` keep docutils' node and mark it with the directive's line. ``not_read_diagnostics``
turns both into Diagnostics after the parse (``harness.parsers.references`` says them).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives import images, tables

from harness.model import Diagnostic, Span
from harness.parsers.references import include_diagnostic, local_file, outside_diagnostic

__all__ = ["AnyOption", "REFERENCE_DIRECTIVES", "not_read_diagnostics"]


class not_read(nodes.Element):  # noqa: N801 - docutils names node classes in lower case
    """Where a directive would have inserted another file's or URL's content (nothing was read)."""


class AnyOption(dict[str, Any]):
    """An option spec that accepts every option, so Sphinx options never raise; never empty, as docutils reads
    no option at all under an empty spec (``:linenos:`` became an argument: "maximum 1 argument allowed")."""

    def __bool__(self) -> bool:
        return True

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return directives.unchanged


def _mark(directive: Directive, target: str) -> list[nodes.Node]:
    return [not_read(construct=f".. {directive.name}::", target=target, line=directive.lineno)]


class _Include(Directive):
    """``include`` / ``literalinclude``: the file named is never read."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = AnyOption()

    def run(self) -> list[nodes.Node]:
        return _mark(self, self.arguments[0] if self.arguments else "")


class _Raw(_Include):
    """``raw``: its own content is not shown (raw output is off); ``:file:`` / ``:url:`` is never read."""

    def run(self) -> list[nodes.Node]:
        target = self.options.get("file") or self.options.get("url")
        return _mark(self, str(target)) if target is not None else []


class _CsvTable(tables.CSVTable):
    """``csv-table``: read by docutils from its content; ``:file:`` / ``:url:`` is never read."""

    def run(self) -> Any:  # docutils types it Sequence[table | system_message]; a not_read node is neither
        target = self.options.get("file") or self.options.get("url")
        return _mark(self, str(target)) if target is not None else super().run()


def _lined(result: list[nodes.Node], line: int) -> list[nodes.Node]:
    for node in result:
        if isinstance(node, nodes.Element):
            for image in node.findall(nodes.image):
                image["directive_line"] = line
    return result


class _Image(images.Image):
    def run(self) -> list[nodes.Node]:
        return _lined(list(super().run()), self.lineno)


class _Figure(images.Figure):
    def run(self) -> list[nodes.Node]:
        return _lined(list(super().run()), self.lineno)


REFERENCE_DIRECTIVES: dict[str, type[Directive]] = {
    "include": _Include, "literalinclude": _Include, "raw": _Raw, "csv-table": _CsvTable,
    "image": _Image, "figure": _Figure,
}


def not_read_diagnostics(document: nodes.document, path: str) -> list[Diagnostic]:
    """One Diagnostic per ``not_read`` node and per image naming a local file (a ``file:`` URL), in line order."""
    found = [include_diagnostic(node["construct"], node["target"], Span(path, max(int(node["line"] or 1), 1)))
             for node in document.findall(not_read)]
    for image in document.findall(nodes.image):
        target = str(image.get("uri", ""))
        if local_file(target, rooted_in_tree=True):  # "/x.png": Sphinx's source root
            line = int(image.get("directive_line") or image.line or 1)
            found.append(outside_diagnostic(".. image::", target, Span(path, max(line, 1))))
    return sorted(found, key=lambda d: d.span.line)
