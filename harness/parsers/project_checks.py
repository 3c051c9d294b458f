"""Checks that need the whole project: what the build finds only once every page is read.

Elasticsearch's build fails at the end of its snippet task when a page holds a
``js``/``curl`` snippet that looks like a request but is neither CONSOLE nor
NOTCONSOLE and the page is not listed in ``expectedUnconvertedCandidates``,
and when a listed page holds none (reference §8); it fails generating a test
that names a setup it does not define (§7). With a configuration known,
``docharness extract`` says both at extract time, at ``file:line``. The
checks take plain values (the config's names and list), so they stay here with
the parsers.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Collection, Sequence

from harness.model import Diagnostic, Document, Example, Level, Span

__all__ = ["check_project", "unconverted_problems", "unknown_setup_problems"]


def check_project(documents: Sequence[Document], *, relative: Callable[[Document], str], setups: Collection[str],
                  teardowns: Collection[str], expected_unconverted: Sequence[str] | None,
                  config: str = "") -> list[Document]:
    """The documents with the project-wide errors added to their diagnostics.

    :param relative: a document's path relative to the config folder (what ``expected_unconverted`` lists).
    :param setups: the named setups the config defines; ``teardowns`` likewise.
    :param expected_unconverted: the pages allowed to hold unconverted snippets, or ``None`` (no check).
    :param config: ``path:line`` of the list in the config, for hints.
    """
    added: dict[int, list[Diagnostic]] = {}
    for index, document in enumerate(documents):
        added[index] = unknown_setup_problems(document, setups, teardowns)
    if expected_unconverted is not None:
        for index, problems in unconverted_problems(documents, relative, expected_unconverted, config).items():
            added[index] += problems
    out = list(documents)
    for index, problems in added.items():
        if problems:
            # an unexpected candidate's error takes the place of its info diagnostic
            kept = [d for d in documents[index].diagnostics
                    if not (d.code == "unconverted-snippet" and any(p.span == d.span for p in problems))]
            merged = sorted((*kept, *problems), key=lambda d: (d.span.line, d.span.column))
            out[index] = dataclasses.replace(documents[index], diagnostics=tuple(merged))
    return out


def unknown_setup_problems(document: Document, setups: Collection[str], teardowns: Collection[str]) -> list[Diagnostic]:
    """``Couldn't find named setup`` (and teardown) for every name a test of the page uses."""
    out: list[Diagnostic] = []
    for example in document.examples:
        for kind, names, known in (("setup", example.setups, setups), ("teardown", example.teardowns, teardowns)):
            for name in names:
                if name in known:
                    continue
                close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
                hint = (f"did you mean {close[0]!r}? " if close else "") + f"add it under [{kind}s] in docharness.toml"
                out.append(Diagnostic(Level.ERROR, "unknown-setup", f"Couldn't find named {kind} {name!r}",
                                      _directive_span(example, kind, name), hint))
    return out


def _directive_span(example: Example, key: str, name: str) -> Span:
    """The directive line that says ``key:...name...``, else the example."""
    for directive in example.directives:
        if any(name in found.group(1).split(",") for found in re.finditer(rf"(?:^|\s){key}:(\S+)", directive.args)):
            return directive.span
    return example.span


def unconverted_problems(documents: Sequence[Document], relative: Callable[[Document], str],
                         expected: Sequence[str], config: str) -> dict[int, list[Diagnostic]]:
    """The end-of-build check: candidates on pages not listed, listed pages without candidates.

    Only pages among ``documents`` are judged: a listed page that was not read is not reported.
    """
    listed = set(expected)
    out: dict[int, list[Diagnostic]] = {}
    where = f" (expected_unconverted, {config})" if config else ""
    for index, document in enumerate(documents):
        name = relative(document)
        candidates = [d for d in document.diagnostics if d.code == "unconverted-snippet"]
        if candidates and name not in listed:
            out[index] = [dataclasses.replace(d, level=Level.ERROR, code="unexpected-unconverted",
                                              message=f"Unexpected unconverted snippet: {d.message}",
                                              hint=f"{d.hint}, or list {name!r} in expected_unconverted{where}")
                          for d in candidates]
        elif not candidates and name in listed:
            out[index] = [Diagnostic(Level.ERROR, "expected-unconverted", f"Expected unconverted snippets but none "
                                     f"found in {name}", Span(document.path, 1, 1),
                                     f"remove {name!r} from expected_unconverted{where}: every snippet is converted")]
    return out
