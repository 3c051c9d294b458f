"""A page's diagnostics with the source lines the renderer shows in its gutter.

It also says which request headers a page writes as example credentials (``is_page_credential``):
the parsers warn about them and replay never sends them, by the same rule.

Kept apart from ``harness.parsers.snippets`` (Elasticsearch's emit rules, which load the
substitution machinery and the ``regex`` package) so that a front-end that only needs this,
the cloud pages' and ``extract``'s project checks, does not load those.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from harness.model import Diagnostic

__all__ = ["PAGE_CREDENTIALS", "attach_source_lines", "is_page_credential", "mask_credentials"]


def attach_source_lines(diagnostics: Sequence[Diagnostic], lines: Sequence[str]) -> tuple[Diagnostic, ...]:
    """A page's diagnostics in page order, each with its ``source_line`` filled from the page's
    lines (for the renderer's gutter); every format's front-end finishes with this."""
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=lambda d: (d.span.line, d.span.column)):
        if not d.source_line and 1 <= d.span.line <= len(lines):
            d = dataclasses.replace(d, source_line=mask_credentials(lines[d.span.line - 1]))
        out.append(d)
    return tuple(out)


# a credential written on the page (curl -u user:pass, an Authorization value, user:pass@ in a URL): a
# diagnostic shows its line, and must not repeat it into terminals and reports
_CREDENTIAL = re.compile(
    r"""((?<![\w-])(?:-[A-Za-z]*[uU]|--user|--proxy-user|--oauth2-bearer)(?:\s+|=))('[^']*'|"[^"]*"|[^\s'"]+)"""
    r"""|((?:proxy-)?authorization\s*:\s*(?:[A-Za-z][\w-]*\s+)?)([^\s'"]+)"""
    r"|(://[^/@\s:]*:)([^/@\s]+)(?=@)", re.IGNORECASE)


def mask_credentials(line: str) -> str:
    """``line`` with the credentials it writes replaced by ``***`` (``-u admin:***``, ``Authorization: Basic ***``)."""
    if "u" not in line and "U" not in line and "@" not in line:  # every credential form holds one
        return line
    return _CREDENTIAL.sub(lambda m: (m[1] or m[3] or m[5]) + "***", line)


# credentials a page may write literally (its curl -u or -H 'Authorization: ...'): never sent, never shown
PAGE_CREDENTIALS = frozenset({"authorization", "proxy-authorization"})
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.-]*\}")


def is_page_credential(name: str, value: str) -> bool:
    """A request header that is the page's example credential: never sent (the parser warns about it). One
    with a ``{placeholder}`` is not: the run's variables fill it, and it is sent."""
    return name.lower() in PAGE_CREDENTIALS and _PLACEHOLDER.search(value) is None
