"""Documented endpoints in sphinxcontrib-httpdomain's ``http`` domain.

docharness does not define an ``http`` domain of its own: teams already use
sphinxcontrib-httpdomain, and two domains of one name cannot coexist. The
extension loads httpdomain (in either order with a project's own
``extensions`` entry) and records every operation a page documents in its
data, so httpdomain's routing table (``http-routingtable``) lists it and its
``:http:get:`/path``` references resolve to the page. ``:http:endpoint:`POST
/path``` is kept as a convenience role that names the method inside the text.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole

__all__ = ["endpoint_anchor", "endpoint_key", "note_endpoint", "EndpointRole"]


def endpoint_key(method: str, path: str) -> tuple[str, str]:
    """An endpoint as httpdomain keys it: lower-case method, path with exactly one leading slash."""
    return method.strip().lower(), "/" + path.strip().lstrip("/")


def endpoint_anchor(method: str, path: str) -> str:
    """The element id httpdomain's index and references link to (its ``http_resource_anchor``)."""
    from sphinxcontrib.httpdomain import http_resource_anchor

    anchor: str = http_resource_anchor(*endpoint_key(method, path))
    return anchor


def note_endpoint(env: BuildEnvironment, method: str, path: str, title: str) -> str | None:
    """Record that the current document documents ``method path``; the anchor to put on the page.

    ``None`` for a method httpdomain has no object type for (it cannot be indexed). When
    several pages document one endpoint, the first one read keeps it (httpdomain keys by path).
    """
    key, route = endpoint_key(method, path)
    data: dict[str, Any] = env.domaindata["http"]
    if key not in data:
        return None
    routes: dict[str, tuple[str, str, bool]] = data[key]
    routes.setdefault(route, (env.docname, title, False))
    return endpoint_anchor(method, path)


class EndpointRole(XRefRole):
    """``:http:endpoint:`POST /path```: a reference to an endpoint with its method in the text."""

    def result_nodes(self, document: nodes.document, env: BuildEnvironment, node: nodes.Element,
                     is_ref: bool) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        method, _, path = node["reftarget"].strip().partition(" ")
        key, route = endpoint_key(method, path)
        if not path.strip() or key not in env.domaindata["http"]:
            message = document.reporter.warning(f"http:endpoint: write METHOD /path, not {node['reftarget']!r}",
                                                line=node.line)
            return [nodes.literal(node.rawsource, node["reftarget"])], [message]
        assert isinstance(node, pending_xref)
        node["reftype"], node["reftarget"] = key, route
        return [node], []
