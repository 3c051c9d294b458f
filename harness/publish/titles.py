"""Page titles readers can tell apart: in the sidebar, the family indexes and search results.

Cloud services document "Deleting a Job" in several areas, and a page may document two
operations under one heading. A title shared by several pages gets the page's area
(``Deleting a Job (DLI)``), then its method and path, until it is unique.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from harness.model import Document, Operation

__all__ = ["base_title", "unique_titles"]


class _Page(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def document(self) -> Document: ...

    @property
    def operation(self) -> int | None: ...


P = TypeVar("P", bound=_Page)


def base_title(document: Document, operation: Operation | None, source_path: str) -> str:
    """The operation's heading, else the document's title, else its path."""
    return (operation.title if operation and operation.title else document.title) or source_path


def unique_titles(pages: Sequence[P], area: Callable[[P], str], source: Callable[[P], str]) -> dict[str, str]:
    """page name -> a title no other page has (when the pages' sources allow it)."""
    def operation(page: P) -> Operation | None:
        return None if page.operation is None else page.document.operations[page.operation]

    def endpoint(page: P) -> str:
        found = operation(page)
        return f"{found.method} {found.path}" if found else source(page)

    titles = {p.name: base_title(p.document, operation(p), source(p)) for p in pages}
    for qualifier in (area, endpoint, source):
        counts = Counter(titles.values())
        titles = {p.name: f"{titles[p.name]} ({qualifier(p)})" if counts[titles[p.name]] > 1 and qualifier(p)
                  else titles[p.name] for p in pages}
    return titles
