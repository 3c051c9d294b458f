"""The ``http`` domain: every documented endpoint, keyed by (method, path), and its index.

Pages register the operation they document with ``note_endpoint``; the
domain keeps ``(method, path) -> {docname: (anchor, title)}`` so two pages may
document the same endpoint, forgets a document on ``clear_doc``, merges the
data of parallel readers, resolves ``:http:endpoint:`POST /path``` references
and feeds the endpoint index (``http-routingtable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

__all__ = ["HTTPDomain", "EndpointIndex", "endpoint_key"]

Endpoints = dict[tuple[str, str], dict[str, tuple[str, str]]]


def endpoint_key(method: str, path: str) -> tuple[str, str]:
    """The domain key of an endpoint: upper-case method, path with exactly one leading slash."""
    return method.strip().upper(), "/" + path.strip().lstrip("/")


class EndpointIndex(Index):
    """The HTTP routing table: every endpoint grouped by its first path segment."""

    name = "routingtable"
    localname = "HTTP Routing Table"
    shortname = "endpoints"

    def generate(self, docnames: Iterable[str] | None = None) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        wanted = set(docnames) if docnames is not None else None
        groups: dict[str, list[IndexEntry]] = {}
        endpoints: Endpoints = self.domain.data["endpoints"]
        for (method, path), pages in sorted(endpoints.items(), key=lambda item: (item[0][1], item[0][0])):
            group = "/" + path.strip("/").split("/", 1)[0]
            for docname, (anchor, title) in sorted(pages.items()):
                if wanted is None or docname in wanted:
                    groups.setdefault(group, []).append(
                        IndexEntry(f"{method} {path}", 0, docname, anchor, "", "", title))
        return sorted(groups.items()), False


class HTTPDomain(Domain):
    """Registers documented HTTP endpoints so they can be indexed and referred to."""

    name = "http"
    label = "HTTP"
    object_types = {"endpoint": ObjType("endpoint", "endpoint")}
    roles = {"endpoint": XRefRole()}
    indices = [EndpointIndex]
    initial_data = {"endpoints": {}}  # noqa: RUF012 (Sphinx deep-copies it per environment)
    data_version = 1

    @property
    def endpoints(self) -> Endpoints:
        result: Endpoints = self.data.setdefault("endpoints", {})
        return result

    def note_endpoint(self, method: str, path: str, docname: str, anchor: str, title: str) -> None:
        """Record that ``docname`` documents ``method path`` at ``anchor``."""
        self.endpoints.setdefault(endpoint_key(method, path), {})[docname] = (anchor, title)

    def clear_doc(self, docname: str) -> None:
        for key in list(self.endpoints):
            pages = self.endpoints[key]
            pages.pop(docname, None)
            if not pages:
                del self.endpoints[key]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        other: Endpoints = otherdata.get("endpoints", {})
        for key, pages in other.items():
            for docname, value in pages.items():
                if docname in docnames:
                    self.endpoints.setdefault(key, {})[docname] = value

    def _find(self, target: str) -> tuple[str, str, str] | None:
        method, _, path = target.strip().partition(" ")
        pages = self.endpoints.get(endpoint_key(method, path)) if path else None
        if not pages:
            return None
        docname = min(pages)
        anchor, title = pages[docname]
        return docname, anchor, title

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str, target: str,
                     node: pending_xref, contnode: nodes.Element) -> nodes.reference | None:
        found = self._find(target)
        if found is None:
            return None
        docname, anchor, title = found
        return make_refnode(builder, fromdocname, docname, anchor, contnode, title)

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str,
                         node: pending_xref, contnode: nodes.Element) -> list[tuple[str, nodes.reference]]:
        found = self.resolve_xref(env, fromdocname, builder, "endpoint", target, node, contnode)
        return [("http:endpoint", found)] if found is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for (method, path), pages in sorted(self.endpoints.items()):
            for docname, (anchor, _title) in sorted(pages.items()):
                yield f"{method} {path}", f"{method} {path}", "endpoint", docname, anchor, 1
