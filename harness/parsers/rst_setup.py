"""A private docutils setup for reading Sphinx-flavoured RST without Sphinx.

Sphinx-only roles and directives (``:ref:``, ``.. code-block::``, ``.. toctree::``)
get harmless handlers for the length of one parse (``sphinx_names``), and the
settings (``settings``) print nothing, never read files and never halt, so
docutils' system messages can be collected as Diagnostics instead.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from docutils import frontend, nodes
from docutils.parsers.rst import Directive, Parser, directives, roles, states

from harness.parsers.rst_references import REFERENCE_DIRECTIVES, AnyOption

__all__ = ["parser", "sphinx_names", "settings"]

_LINK_ROLES = ("ref", "doc", "numref", "download", "any", "term", "keyword", "token")
_TEXT_ROLES = (
    "abbr", "kbd", "menuselection", "guilabel", "file", "samp", "command", "program",
    "option", "envvar", "dfn", "mimetype", "newsgroup", "manpage", "regexp", "eq",
    "func", "class", "meth", "attr", "mod", "obj", "data", "const", "exc",
)
_SILENT_DIRECTIVES = (
    "toctree", "index", "highlight", "tabularcolumns", "currentmodule",
    "module", "autosummary", "productionlist", "sectionauthor", "codeauthor",
    "docharness-examples",  # the Sphinx extension's own directive, on a page that shows other pages' examples
)
_NESTED_DIRECTIVES = ("only", "seealso", "versionadded", "versionchanged", "deprecated", "hlist", "centered",
                      "glossary", "tabs", "tab", "group-tab")


class _CodeBlock(Directive):
    """``code-block`` / ``sourcecode`` / ``code``: a literal block that keeps its language and lines."""

    optional_arguments = 1
    has_content = True
    option_spec = AnyOption()

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        node = nodes.literal_block(text, text)
        node["language"] = self.arguments[0] if self.arguments else ""
        node["first_line"] = self.lineno
        # an empty block (the directive on the page's last line) ends where it starts
        node["content_line"] = self.content_offset + 1 if self.content else self.lineno
        node["last_line"] = self.content_offset + len(self.content) if self.content else self.lineno
        return [node]


class _Silent(Directive):
    """A Sphinx directive with no content worth reading here (``toctree``, ``index``)."""

    optional_arguments = 99
    final_argument_whitespace = True
    has_content = True
    option_spec = AnyOption()

    def run(self) -> list[nodes.Node]:
        return []


class _Nested(Directive):
    """A Sphinx directive whose content is ordinary body text (``only``, ``seealso``)."""

    optional_arguments = 99
    final_argument_whitespace = True
    has_content = True
    option_spec = AnyOption()

    def run(self) -> list[nodes.Node]:
        box = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def _xref_parts(text: str) -> tuple[str, str]:
    """``Title <target>`` -> (title, target); else (text, text). ``^(.*?)\\s*<([^<>]+)>$`` in linear time (a lazy title
    before ``\\s*<`` rescanned a long run of whitespace from every position)."""
    opening = text.rfind("<")
    if not text.endswith(">") or opening < 0 or len(text) - opening < 3 or ">" in text[opening + 1:-1]:
        return text, text
    return text[:opening].rstrip(), text[opening + 1:-1]


def _link_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[Any]]:
    """``:ref:`Title <label>``` and friends: keep the title, remember the label as a link."""
    title, target = _xref_parts(text)
    node = nodes.inline(rawtext, title or target)
    node["link"] = target.strip().lower()
    return [node], []


def _text_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[Any]]:
    """A Sphinx text role (``:kbd:``, ``:guilabel:``): keep the text."""
    return [nodes.literal(rawtext, text)], []


def _docutils_lookup(function: Any) -> Any:
    """docutils' own ``directive``/``role`` lookup under Sphinx's wrappers (``sphinx_domains``)."""
    for _ in range(8):  # a wrapper keeps the function it replaced; nested builds wrap again
        if getattr(function, "__module__", "").startswith("docutils."):
            return function
        owner = getattr(function, "__self__", None)
        inner = getattr(owner, "directive_func" if function.__name__ == "directive" else "role_func", None)
        if inner is None:
            break
        function = inner
    return function


@contextmanager
def sphinx_names() -> Iterator[None]:
    """Register the Sphinx names for one parse and restore docutils' registries after.

    Registering for good would leak into a Sphinx build in the same process.
    """
    # docutils' own lookup tables, looked up at each parse: Sphinx's docutils_namespace()
    # rebinds these module attributes to new dicts when a build ends, so a reference kept
    # from import time would miss every parse after an in-process Sphinx build
    directive_table: dict[str, Any] = getattr(directives, "_directives")
    role_table: dict[str, Any] = getattr(roles, "_roles")
    saved_directives, saved_roles = dict(directive_table), dict(role_table)
    # inside a Sphinx build, Sphinx has rebound the two lookup functions to its domains and
    # filled the tables with its own names, whose handlers need a Sphinx environment: the page
    # is read with docutils' own names plus ours, the same as outside Sphinx
    saved_lookups = directives.directive, roles.role
    directives.directive, roles.role = _docutils_lookup(directives.directive), _docutils_lookup(roles.role)
    directive_table.clear()
    role_table.clear()
    for name in ("code-block", "sourcecode", "code"):
        directive_table[name] = _CodeBlock
    for name in _SILENT_DIRECTIVES:
        directive_table[name] = _Silent
    for name in _NESTED_DIRECTIVES:
        directive_table[name] = _Nested
    directive_table.update(REFERENCE_DIRECTIVES)  # include, raw :file:, image ...: said, never read
    for name in _LINK_ROLES:
        role_table[name] = _link_role
    for name in _TEXT_ROLES:
        role_table[name] = _text_role
    # docutils keeps nested state machines in a class-level cache, each holding the doctree it last
    # parsed: pages would stay alive one after another (garbage the collector frees only in a full
    # pass). This parse gets its own cache, and its machines are unlinked after.
    shared_cache: list[Any] = getattr(states.RSTState, "nested_sm_cache")
    setattr(states.RSTState, "nested_sm_cache", [])
    try:
        yield
    finally:
        for machine in getattr(states.RSTState, "nested_sm_cache"):
            machine.unlink()
        setattr(states.RSTState, "nested_sm_cache", shared_cache)
        directives.directive, roles.role = saved_lookups
        directive_table.clear()
        directive_table.update(saved_directives)
        role_table.clear()
        role_table.update(saved_roles)


_SETTINGS: Any = None


def settings() -> Any:
    """The docutils settings of every parse: quiet, never halting, no file insertion, no raw output."""
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = frontend.get_default_settings(Parser)
        _SETTINGS.report_level = 5  # nothing printed; messages are collected by an observer
        _SETTINGS.halt_level = 5
        _SETTINGS.warning_stream = io.StringIO()
        _SETTINGS.file_insertion_enabled = False  # a parser never reads files
        _SETTINGS.raw_enabled = False
        _SETTINGS.character_level_inline_markup = False
    return _SETTINGS




# a whitespace-free run this long is no URI or e-mail address a reader follows
_LONG_RUN = re.compile(r"\S{1000,}")


def _bounded_links(inliner: states.Inliner) -> Callable[[str, int], list[nodes.Text]]:
    """docutils' ``implicit_inline`` (standalone URIs and e-mail addresses), looked for only outside
    whitespace-free runs of 1,000 characters or more.

    docutils searches its URI/e-mail pattern from every position of such a run, each search
    scanning to its end: a line of 20,000 dashes inside a paragraph takes minutes (found by the
    long fuzz profile). A URI or address never holds whitespace, so the runs are cut out at
    whitespace and kept as plain text; every shorter text is read exactly as docutils reads it.
    """
    original = inliner.implicit_inline

    def implicit_inline(text: str, lineno: int) -> list[nodes.Text]:
        if len(text) < 1000 or _LONG_RUN.search(text) is None:
            return original(text, lineno)
        out: list[nodes.Text] = []
        start = 0
        for run in _LONG_RUN.finditer(text):
            out += original(text[start:run.start()], lineno)
            out.append(nodes.Text(run.group()))
            start = run.end()
        return out + original(text[start:], lineno)
    return implicit_inline


def parser() -> Parser:
    """A docutils RST parser whose inline parser looks for links in bounded time (``_bounded_links``)."""
    inliner = states.Inliner()
    setattr(inliner, "implicit_inline", _bounded_links(inliner))  # docutils recurses through the instance
    return Parser(inliner=inliner)
