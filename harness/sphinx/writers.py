"""``docharness-writer-notes``: the site's page of notes for writers, from ``writers.json``.

One section per published page that has notes, titled with a link to the page, then
each diagnostic (level, source ``file:line``, message and hint). The text enters as
text nodes, like every other page text.
"""

from __future__ import annotations

import json

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from harness.model import Diagnostic, Document, Format, from_data
from harness.sphinx.page import diagnostics_admonition

__all__ = ["WriterNotesDirective"]


class WriterNotesDirective(SphinxDirective):
    """Renders every page's notes for writers, each group linked to its page."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        relative, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(relative)
        try:
            with open(absolute, encoding="utf-8") as stream:
                pages = json.load(stream)["pages"]
            groups = [(str(p["page"]), str(p["title"]), str(p["source_path"]),
                       tuple(from_data(Diagnostic, d) for d in p["diagnostics"])) for p in pages]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            return [self.state.document.reporter.warning(
                f"docharness-writer-notes: cannot read {self.arguments[0]!r}: {exc}; run `docharness publish` again",
                line=self.lineno)]
        intro = nodes.paragraph("", f"What docharness found to fix in the sources of {len(groups)} page(s). "
                                    "Readers' pages do not show these notes.")
        out: list[nodes.Element] = [intro]
        for number, (page, title, source, diagnostics) in enumerate(groups, 1):
            box = nodes.section(ids=[f"writer-notes-{number}"])
            heading = nodes.title()
            link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + page,
                                         refexplicit=True, refwarn=True)
            link += nodes.inline(title, title)
            heading += link
            box += heading
            document = Document(source, Format.RST, diagnostics=diagnostics)  # the format is not shown
            admonition = diagnostics_admonition(document, source, self.config.docharness_source_url)
            box += admonition.children[1:]  # the list, without the "Notes for writers" title
            out.append(box)
        for node in out:
            node["support_smartquotes"] = False
        return list(out)
