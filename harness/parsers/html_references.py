"""The HTML elements that point at another file or URL, for the HTML front-end: said, never read.

An ``<iframe>``, ``<frame>``, ``<object>`` or ``<embed>`` would show another document's content in
the page: an ``include-not-read`` warning, whatever its target. An image, stylesheet, script or
media source is never read or published either; one naming a ``file:`` URL is an ``outside-reference``
warning (``harness.parsers.references``; a leading ``/`` is the site's root, not the machine's).
"""

from __future__ import annotations

import re
from typing import Any

from harness.model import Diagnostic, Span
from harness.parsers.references import include_diagnostic, local_file, outside_diagnostic

__all__ = ["html_references"]

_EMBEDS = {"iframe": "src", "frame": "src", "object": "data", "embed": "src"}
_LINKED = {"img": "src", "link": "href", "script": "src", "source": "src", "audio": "src", "video": "src",
           "track": "src", "input": "src", "image": "href"}
# the page's bytes, lower-cased: whether any such element is there at all (most pages: one search in C)
_ANY = re.compile(rb"<(?:iframe|frame|object|embed|img|link|script|source|audio|video|track|input|image)\b")


def html_references(root: Any, lowered: bytes, path: str) -> list[Diagnostic]:
    """The diagnostics of the elements of ``root`` (lxml) that point elsewhere; ``lowered``: the page's
    bytes in lower case."""
    if _ANY.search(lowered) is None:
        return []
    found: list[Diagnostic] = []
    for node in root.iter(*_EMBEDS, *_LINKED):
        tag = str(node.tag)
        attribute = _EMBEDS.get(tag) or _LINKED[tag]
        target = node.get(attribute)
        if target is None and tag in _EMBEDS:
            continue
        span = Span(path, node.sourceline or 1)
        if tag in _EMBEDS:
            found.append(include_diagnostic(f"<{tag} {attribute}>", target, span))
        elif target is not None and local_file(target, rooted_in_tree=True):  # "/x": the site's root
            found.append(outside_diagnostic(f"<{tag} {attribute}>", target, span))
    return found
