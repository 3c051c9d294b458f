"""One document identity for pages and results: the path relative to the docs root.

``replay`` records each result's document as it loaded it (relative to the
folder it ran in, ``docs_src/cloud/cdm/stop.rst``); ``publish`` loads the same
page relative to the configuration's folder (``cloud/cdm/stop.rst``). Both are
reduced to the path relative to the docs root before they are compared, so a
results file written by ``replay`` marks the pages ``publish`` builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from harness.model import Document, Role
from harness.results import ExampleResult, Outcome, RunResult, examples_digest

__all__ = ["document_identity", "align_results", "without_stale"]

STALE = ("the page changed after this result was recorded (its requests or documented responses are not the "
         "ones replayed); replay it again")


def document_identity(path: str, root: Path, resolved_root: Path | None = None) -> str:
    """The document path relative to the docs root, for readers, family rules and results.

    A relative path that exists under ``root`` already is one; any other is resolved (from the
    working folder) and made relative to the root; a path outside the root is kept as it is.
    ``resolved_root`` is ``root.resolve()`` when the caller already has it (resolving costs a
    file-system lookup per path component, for each of thousands of documents).
    """
    candidate = Path(path)
    if not candidate.is_absolute() and (root / candidate).exists():
        return candidate.as_posix()
    try:
        return candidate.resolve().relative_to(resolved_root or root.resolve()).as_posix()
    except ValueError:
        return candidate.as_posix()


def _suffix_match(recorded: str, known: dict[str, str]) -> str | None:
    """The one document whose identity ends with ``recorded``'s path components (or the reverse)."""
    want = recorded.strip("/").removeprefix("./")
    found = {path for identity, path in known.items()
             if identity.endswith("/" + want) or want.endswith("/" + identity)}
    return found.pop() if len(found) == 1 else None


def align_results(run: RunResult, documents: Sequence[Document], root: Path) -> tuple[RunResult, tuple[str, ...]]:
    """``run`` with every result's document rewritten to the path of the document it belongs to.

    Returns the aligned results and the recorded document paths that match no document
    (their results are left as they are, and show on no page).
    """
    resolved = root.resolve()
    known = {document_identity(d.path, root, resolved): d.path for d in documents}
    mapping: dict[str, str | None] = {}
    for recorded in {r.document for r in run.results}:
        mapping[recorded] = known.get(document_identity(recorded, root, resolved)) or _suffix_match(recorded, known)
    unmatched = tuple(sorted(recorded for recorded, path in mapping.items() if path is None))
    if all(mapping[r.document] in (None, r.document) for r in run.results):
        return run, unmatched
    results = tuple(replace(r, document=mapping[r.document] or r.document) for r in run.results)
    return replace(run, results=results), unmatched


def _sent_elsewhere(result: ExampleResult, requests: set[tuple[str, int]]) -> bool:
    """Whether a test request the result records is not one the page now has at that line."""
    return any(e.phase == "test" and e.span is not None and (e.method.upper(), e.span.line) not in requests
               for e in result.exchanges)


def _page_digest(document: Document, name: str) -> str | None:
    """``examples_digest`` of the test item ``name`` as the page now has it (its ``continued`` followers
    included, as the plan joins them); ``None`` when the page has no such test."""
    examples = list(document.examples)
    head = next((i for i, e in enumerate(examples) if e.name == name and e.role is Role.TEST), None)
    if head is None:
        return None
    item = [examples[head]]
    for example in examples[head + 1:]:
        if example.role is Role.TEST and not example.continued:
            break
        if example.role is Role.TEST:
            item.append(example)
    return examples_digest((r, e.expected if i == len(e.requests) - 1 else ()) for e in item
                           for i, r in enumerate(e.requests))


def _changed(result: ExampleResult, document: Document | None) -> bool:
    """Whether the page's requests or documented responses for this result are not the ones replayed."""
    return bool(result.examples_digest) and document is not None and \
        _page_digest(document, result.name) not in (None, result.examples_digest)


def without_stale(run: RunResult, documents: Sequence[Document]) -> tuple[RunResult, tuple[str, ...]]:
    """``run`` with each result whose recorded requests the page no longer has made "not run".

    Results are keyed by example name (``line_42``): after a page is edited, an old results file
    would put another example's outcome on the example now at that line. The requests a result
    sent (method and source line) must still be the page's; the node ids of those that are not
    are returned for a warning.
    """
    pages = {d.path: {(r.method.upper(), r.span.line) for e in d.examples for r in e.requests if r.span is not None}
             for d in documents}
    by_path = {d.path: d for d in documents}
    stale: list[str] = []
    results = []
    for result in run.results:
        requests = pages.get(result.document)
        if requests is not None and result.outcome is not Outcome.NOT_RUN and (
                _sent_elsewhere(result, requests) or _changed(result, by_path.get(result.document))):
            stale.append(result.node_id)
            result = replace(result, outcome=Outcome.NOT_RUN, reason=STALE, failures=(), checked="")
        results.append(result)
    return (replace(run, results=tuple(results)) if stale else run), tuple(stale)
