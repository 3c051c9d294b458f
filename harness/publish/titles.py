"""Page titles readers can tell apart: in the sidebar, the family indexes and search results.

Cloud services document "Deleting a Job" in several areas, and a page may document two
operations under one heading. A title shared by several pages is qualified by the first thing
that tells them apart: the area (``Deleting a Job (DLI)``), else the method and
path (``Get Jobs (GET _xpack/ml/anomaly_detectors/_all)``), else the source path.
"""

from __future__ import annotations

from collections import defaultdict
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
        groups: dict[str, list[P]] = defaultdict(list)
        for page in pages:
            groups[titles[page.name]].append(page)
        for title, members in groups.items():
            # qualify a shared title by the first thing that tells its pages apart
            if len(members) > 1 and len({qualifier(p) for p in members}) > 1:
                for page in members:
                    titles[page.name] = f"{title} ({qualifier(page)})"
    return titles
