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

from harness.model import Diagnostic, Document

__all__ = ["MASK", "PAGE_CREDENTIALS", "attach_source_lines", "is_page_credential", "mask_credentials",
           "without_page_credentials", "writes_credentials"]

MASK = "***"


def attach_source_lines(diagnostics: Sequence[Diagnostic], lines: Sequence[str]) -> tuple[Diagnostic, ...]:
    """A page's diagnostics in page order, each with its ``source_line`` filled from the page's
    lines (for the renderer's gutter); every format's front-end finishes with this."""
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=lambda d: (d.span.line, d.span.column)):
        if not d.source_line and 1 <= d.span.line <= len(lines):
            d = dataclasses.replace(d, source_line=mask_credentials(lines[d.span.line - 1]))
        out.append(d)
    return tuple(out)


# credentials a page may write literally (its curl -u, -H 'Authorization: ...', a cloud page's IAM token
# header): never sent, never shown. One set for every credential header: Authorization and the cloud APIs' own
# (OpenStack/IAM tokens, temporary security tokens, Swift keys, API keys, session cookies).
PAGE_CREDENTIALS = frozenset({
    "authorization", "proxy-authorization", "x-auth-token", "x-subject-token", "x-security-token",
    "x-amz-security-token", "x-storage-token", "x-auth-key", "x-api-key", "api-key", "cookie"})
_TOKENS = "|".join(sorted((re.escape(n) for n in PAGE_CREDENTIALS if "authorization" not in n), key=len, reverse=True))
# a credential written on the page (curl -u user:pass, an Authorization value, a token header, user:pass@ in
# a URL): a diagnostic shows its line, and must not repeat it into terminals and reports
_CREDENTIAL = re.compile(
    r"""((?<![\w-])(?:-[A-Za-z]*[uU]|--user|--proxy-user|--oauth2-bearer)(?:\s+|=))('[^']*'|"[^"]*"|[^\s'"]+)"""
    r"""|((?<![\w-])(?:proxy-)?authorization\s*:\s*(?:[A-Za-z][\w-]*\s+)?)([^\s'"]+)"""  # Scheme credential
    r"|(://[^/@\s:]*:)([^/@\s]+)(?=@)"
    rf"""|((?<![\w-])(?:{_TOKENS})\s*:\s*)([^\s'";]+(?:;\s*[^\s'";]+)*)""",  # a token, a cookie list
    re.IGNORECASE)


def mask_credentials(line: str) -> str:
    """``line`` with the credentials it writes replaced by ``***`` (``-u admin:***``, ``Authorization: Basic ***``,
    ``X-Auth-Token: ***``); a ``{placeholder}`` value is kept (the run fills it)."""
    if "u" not in line and "U" not in line and "@" not in line and "k" not in line and "K" not in line:
        return line  # every credential form holds one (-u, --user, authorization, user:pass@, a token, a key, cookie)
    return _CREDENTIAL.sub(_masked, line)


def _masked(found: re.Match[str]) -> str:
    value = found[2] or found[4] or found[6] or found[8]
    if _PLACEHOLDER.search(value):  # the run's own credential, filled from its variables: not the page's
        return found[0]
    return (found[1] or found[3] or found[5] or found[7]) + MASK


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.-]*\}")


def is_page_credential(name: str, value: str) -> bool:
    """A request header that is the page's example credential: never sent (the parser warns about it). One
    with a ``{placeholder}`` is not: the run's variables fill it, and it is sent."""
    return name.lower() in PAGE_CREDENTIALS and _PLACEHOLDER.search(value) is None


def without_page_credentials(document: Document) -> Document:
    """``document`` with the credentials its pages write masked: its requests' credential headers
    (``is_page_credential``) and its examples' text as written (``mask_credentials``), for what is published.
    The same object when it writes none (it then has no ``page-credentials`` warning: nothing is read)."""
    if not writes_credentials(document):
        return document
    examples = []
    for example in document.examples:
        requests = tuple(dataclasses.replace(r, headers=tuple((k, MASK if is_page_credential(k, v) else v)
                                                              for k, v in r.headers))
                         if any(is_page_credential(k, v) for k, v in r.headers) else r for r in example.requests)
        source = mask_credentials(example.source)
        changed = source != example.source or any(a is not b for a, b in zip(requests, example.requests))
        examples.append(dataclasses.replace(example, source=source, requests=requests) if changed else example)
    if all(a is b for a, b in zip(examples, document.examples)):
        return document
    return dataclasses.replace(document, examples=tuple(examples))


def writes_credentials(document: Document) -> bool:
    """Whether the page writes credentials into its requests: the parser warned about each (``page-credentials``)."""
    return any(d.code == "page-credentials" for d in document.diagnostics)
