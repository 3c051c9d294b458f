"""Docutils nodes for one example: badge, source link, code tabs and expected response.

The tabs are standard containers (one per language, each with a label
paragraph and a literal block); the extension's small script turns them into
a tab bar and honours a ``#tab=python`` fragment. Without the script every
tab stays visible, so the page still reads in any browser.
"""

from __future__ import annotations

import json
from urllib.parse import quote
from dataclasses import dataclass

from docutils import nodes

from harness.model import Document, Example, Request
from harness.parsers.source_lines import mask_credentials, writes_credentials
from harness.publish.badges import Badge
from harness.publish.codegen import LANGUAGES, CodegenOptions, render_python
from harness.sphinx.blocks import literal, paragraphs

__all__ = ["ExampleView", "example_nodes", "source_link", "python_snippets"]

DOCUMENTED = ("documented", "As documented")


@dataclass(frozen=True, slots=True)
class ExampleView:
    """What the renderer needs beyond the example: its badge, code options and link template.

    :param badge: the verification badge.
    :param codegen: how code tabs refer to secrets, placeholders and the target.
    :param source_path: the document path shown to readers.
    :param source_url: a ``{path}``/``{line}`` template for the source link, or ``""`` for none.
    :param anchor: the example's unique id in the page.
    """

    badge: Badge
    codegen: CodegenOptions
    source_path: str
    source_url: str
    anchor: str


def source_link(path: str, line: int, template: str) -> nodes.Node:
    """``path:line``, linked through ``template`` when one is configured."""
    text = f"{path}:{line}"
    shown = nodes.literal(text, text, classes=["docharness-source"])
    if not template:
        return shown
    uri = template.replace("{path}", quote(path, safe="/")).replace("{line}", str(line))
    return nodes.reference("", "", shown, refuri=uri, classes=["docharness-source-link"])


def python_snippets(requests: tuple[Request, ...], options: CodegenOptions) -> str:
    """One Python snippet for several requests: the imports and variables written once."""
    prelude: list[str] = []
    calls: list[str] = []
    for request in requests:
        lines = render_python(request, options).splitlines()
        split = next(i for i, line in enumerate(lines) if line.startswith("response = "))
        prelude += [line for line in lines[:split] if line and line not in prelude]
        calls.append("\n".join(lines[split:]))
    imports = [line for line in prelude if line.startswith("import ")]
    assignments = [line for line in prelude if not line.startswith("import ")]
    head = "\n\n".join(part for part in ("\n".join(imports[:1]), "\n".join(imports[1:]), "\n".join(assignments)) if part)
    return head + "\n" + "\n\n".join(calls) + "\n"


def _as_written(document: Document, source: str) -> str:
    """The page's request block as written, its credentials masked (``X-Auth-Token: ***``, ``-u admin:***``):
    replay never sends them and the site never repeats them (only a page warned about them writes any)."""
    if not writes_credentials(document):
        return source
    return "\n".join(mask_credentials(line) for line in source.split("\n"))


def _tab(key: str, label: str, text: str, language: str) -> nodes.container:
    panel = nodes.container(classes=["docharness-tab", f"docharness-lang-{key}"])
    panel += nodes.paragraph(label, label, classes=["docharness-tab-label"])
    panel += literal(text, language)
    return panel


def _code_tabs(document: Document, example: Example, options: CodegenOptions) -> nodes.container:
    tabs = nodes.container(classes=["docharness-tabs"])
    tabs += _tab(*DOCUMENTED, _as_written(document, example.source) or "(no request text)", "text")
    for language in LANGUAGES:
        if language.key == "python":
            code = python_snippets(example.requests, options)
        else:
            code = "\n".join(language.render(r, options) for r in example.requests)
        tabs += _tab(language.key, language.label, code, language.highlight)
    return tabs


def _badge(badge: Badge) -> list[nodes.Node]:
    line = nodes.paragraph("", "", classes=["docharness-badge", f"docharness-badge-{badge.state.value}"])
    line += nodes.inline(badge.text, badge.text)
    result: list[nodes.Node] = [line]
    if badge.details:
        result.append(literal("\n".join(badge.details), "text", ["docharness-failure"]))
    return result


def _json_or_text(text: str) -> str:
    try:
        json.loads(text)
    except ValueError:
        return "text"
    return "json"


def _expected(example: Example) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for response in example.expected:
        label = "Expected response"
        if response.status is not None:
            label += f" (status {response.status})"
        elif example.catch:
            label += f" (error caught as {example.catch})"
        out.append(nodes.rubric(label, label, classes=["docharness-expected"]))
        if response.skip is not None:
            note = f"Shown for reference; not compared: {response.skip}"
            out += paragraphs(note, ["docharness-not-compared"])
        out.append(literal(response.source or "(empty body)", _json_or_text(response.source)))
    return out


def _request_caption(example: Example) -> str:
    if not example.requests:
        return {"setup": "Setup", "teardown": "Teardown"}.get(example.role.value, "Example")
    last = example.requests[-1]
    more = f" (after {len(example.requests) - 1} other request(s))" if len(example.requests) > 1 else ""
    return f"{last.method.upper()} {last.path}{more}"


def example_nodes(document: Document, example: Example, view: ExampleView) -> nodes.container:
    """The whole example block: header (name, source link), badge, tabs, expected response."""
    block = nodes.container(ids=[view.anchor],
                            classes=["docharness-example", f"docharness-state-{view.badge.state.value}"])
    # the prose that introduces the example is its caption; else what it sends (never "line_42")
    caption = example.caption.rstrip(" :") or _request_caption(example)
    header = nodes.paragraph("", "", classes=["docharness-example-header"])
    header += nodes.strong(caption, caption, classes=["docharness-caption"])
    block += header
    where = nodes.paragraph("", "", classes=["docharness-example-source"])
    where += nodes.Text("Source: ")
    where += source_link(view.source_path, example.span.line, view.source_url)
    block += where
    block += _badge(view.badge)
    if example.setups:
        block += paragraphs(f"Runs after the named setup(s): {', '.join(example.setups)}.", ["docharness-setups"])
    if example.skip is not None and view.badge.state.value != "skipped":
        block += paragraphs(f"The page marks this example as skipped: {example.skip}")
    if example.requests:
        block += _code_tabs(document, example, view.codegen)
    else:
        block += literal(_as_written(document, example.source) or "(empty)", "text")
    block += _expected(example)
    return block
