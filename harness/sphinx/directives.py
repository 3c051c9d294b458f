"""The extension's directives: an operation page from model data, and a source's examples.

``docharness-operation`` renders a page the publisher generated (the model
as JSON beside the RST file). ``docharness-examples`` lets any Sphinx project
show the examples of one source page: it reads the file and parses it as the
loader does, through the extraction cache (``harness.sphinx.extraction``;
examples are never parsed a second way), then takes badges from a results file. Neither directive ever executes an example.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from harness.parsers import PARSERS, parser_for
from harness.model import Document, Parameter, from_data, from_json
from harness.publish.badges import Badge, ResultIndex, badge_for, index_results
from harness.publish.codegen import CodegenOptions, options_for
from harness.publish.naming import slug
from harness.results import ExampleResult, RunResult
from harness.sourcefiles import read_source
from harness.sphinx.domain import note_endpoint
from harness.sphinx.extraction import parse_page
from harness.sphinx.page import PageView, diagnostics_admonition, example_section, operation_page

__all__ = ["OperationDirective", "ExamplesDirective"]

logger = logging.getLogger(__name__)


class _Base(SphinxDirective):
    """What both directives share: reading files relative to the document, codegen options."""

    def read(self, argument: str) -> str:
        """The file's text; notes the file as a dependency of this page."""
        return self.read_bytes(argument)[1].decode("utf-8")

    def read_bytes(self, argument: str) -> tuple[Path, bytes]:
        """(absolute path, bytes); notes the file as a dependency of this page."""
        relative, absolute = self.env.relfn2path(argument, self.env.docname)
        self.env.note_dependency(relative)
        # the loader's path policy: a file symlinked out of its folder is not read (Refused, an OSError)
        return Path(absolute), read_source(absolute, Path(absolute).parent)

    def problem(self, message: str) -> list[nodes.Node]:
        """A visible, located warning instead of a crash (bad input is normal input)."""
        return [self.state.document.reporter.warning(message, line=self.lineno)]

    def codegen(self, documented: tuple[Parameter, ...] = (), auth: Sequence[Sequence[str]] = ()) -> CodegenOptions:
        """Code-tab options: configured secret headers, plus the headers the target always sends."""
        secrets = dict(self.config.docharness_secret_headers)
        secrets.update({name: env for name, env in auth})
        options = options_for(documented, base_url_env=self.config.docharness_base_url_env, secret_headers=secrets)
        extra = tuple(name for name, _ in auth if name not in options.add_headers)
        return replace(options, add_headers=options.add_headers + extra)

    def badges(self, document: Document, indices: tuple[int, ...], results: ResultIndex,
               have_results: bool) -> tuple[Badge, ...]:
        return tuple(badge_for(document, document.examples[i], results, have_results=have_results) for i in indices)


class OperationDirective(_Base):
    """Renders one generated operation page from its JSON page data."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        try:
            text = self.read(self.arguments[0])
            data = json.loads(text)
            document = from_data(Document, data["document"])
            run = RunResult(results=tuple(from_data(ExampleResult, r) for r in data["results"]))
            operation = None if data["operation"] is None else document.operations[int(data["operation"])]
            indices = tuple(int(i) for i in data["examples"])
        except (OSError, UnicodeDecodeError, ValueError, KeyError, IndexError, TypeError) as exc:
            return self.problem(f"docharness-operation: cannot read the page data {self.arguments[0]!r}: {exc}; "
                                "run `docharness publish` again to regenerate it")
        view = PageView("", str(data.get("source_path") or document.path), self.config.docharness_source_url,
                        self.badges(document, indices, index_results(run), bool(data.get("have_results"))),
                        indices, self.codegen(operation.parameters if operation else (), data.get("auth_headers") or ()),
                        title=str(data.get("title") or ""), writer_notes=self.config.docharness_writer_notes)
        title = str(data.get("title") or "") or (operation.title if operation else "") or document.title

        def note(method: str, path: str) -> str | None:
            # another page documents the same endpoint and lists it (chosen by the publisher)
            return note_endpoint(self.env, method, path, title) if data.get("indexed", True) else None

        page = operation_page(document, operation, view, note)
        page["support_smartquotes"] = False  # page text is shown as written
        self.set_source_info(page)
        return [page]


class ExamplesDirective(_Base):
    """Renders the examples of one source page, with badges from a results file."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "results": directives.unchanged,
        "document-path": directives.unchanged,
        "diagnostics": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        try:
            source, data = self.read_bytes(self.arguments[0])
        except OSError as exc:
            return self.problem(f"docharness-examples: cannot read {self.arguments[0]!r}: {exc}")
        path = self.options.get("document-path") or self.arguments[0]
        if parser_for(path) is None:
            return self.problem(f"docharness-examples: {path}: no parser for this file type "
                                f"(known: {', '.join(sorted(PARSERS))})")
        # as `docharness extract` parses it (an undecodable page is an error at its line), through the cache
        document = parse_page(self.env, data, source, path)
        out: list[nodes.Node] = []
        if not document.examples:
            self.no_examples(document, path)
        run, warning = self.results()
        if warning:
            out += self.problem(warning)
        results = _results_for(index_results(run), document.path)
        indices = tuple(range(len(document.examples)))
        view = PageView(slug(path), path, self.config.docharness_source_url,
                        self.badges(document, indices, results, run is not None), indices, self.codegen())
        anchor = nodes.make_id(f"{view.name}-examples")
        # page text is shown as written: no curly quotes in names, values and messages
        block = nodes.container(ids=[anchor], classes=["docharness-examples"], support_smartquotes=False)
        self.note_operations(document, block)
        if document.diagnostics and "diagnostics" in self.options:
            block += diagnostics_admonition(document, path, self.config.docharness_source_url)
        if document.examples:
            block += example_section(document, view).children[1:]  # the examples, without the section title
        self.set_source_info(block)
        return [*out, block]

    def no_examples(self, document: Document, path: str) -> None:
        """A source that yields no example is a Sphinx warning (``-W`` fails), saying why when known."""
        errors = [d for d in document.diagnostics if d.level.value == "error"]
        why = (f"; first problem: {errors[0].span.path}:{errors[0].span.line}: {errors[0].message}" if errors
               else "; check that its request blocks are marked as the docharness user guide describes"
                    " (docs_src/guide/directives-asciidoc.rst and directives-cloud.rst)")
        logger.warning("docharness-examples: %s yields no examples%s", path, why,
                       location=(self.env.docname, self.lineno), type="docharness", subtype="no_examples")

    def note_operations(self, document: Document, block: nodes.Element) -> None:
        """List the page's operations in the routing table, pointing at these examples."""
        for operation in document.operations:
            anchor = note_endpoint(self.env, operation.method, operation.path, operation.title or document.title)
            if anchor and anchor not in block["ids"]:
                block["ids"].append(anchor)

    def results(self) -> tuple[RunResult | None, str]:
        """The run results named by ``:results:`` (or ``docharness_results``), and a warning if unusable."""
        name = self.options.get("results") or self.config.docharness_results
        if not name:
            return None, ""
        try:
            text = self.read(name)
            return from_json(RunResult, text), ""
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            return None, f"docharness-examples: cannot read results {name!r}: {exc}; examples show 'not run'"


def _results_for(results: dict[tuple[str, str], ExampleResult], document_path: str) -> ResultIndex:
    """Results of one document, matching its path exactly or as a path suffix of either side."""
    def same(recorded: str) -> bool:
        a, b = recorded.strip("/"), document_path.strip("/").removeprefix("./")
        return a == b or a.endswith("/" + b) or b.endswith("/" + a)

    return {(document_path, name): r for (doc, name), r in results.items() if same(doc)}
