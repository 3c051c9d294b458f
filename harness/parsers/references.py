"""What a page points at in another file or URL: never read, always said.

docharness reads the page itself and nothing it points to: an RST ``include`` /
``literalinclude`` / ``raw :file:`` / ``csv-table :file:``, an AsciiDoc
``include::``, an HTML ``<iframe>`` / ``<object>`` / ``<embed>`` would insert
another file's (or URL's) content, which is therefore neither tested nor
published; each is an ``include-not-read`` warning at its line, except a docs
page in the page's folder, or in AsciiDoc one whose path starts from an
attribute, read as a page of its own (an ``include-not-inserted`` info note).
An image or stylesheet is never read or published either; one that names a
file on the building machine (a ``file:`` URL; an absolute path in AsciiDoc)
is an ``outside-reference`` warning. Format-neutral: the
format modules find the constructs and call these.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence

from harness.model import Diagnostic, Level, Span
from harness.sourcefiles import PAGE_SUFFIXES

__all__ = ["ASCIIDOC_REFERENCE_MARKS", "asciidoc_references", "include_diagnostic", "leaves_folder", "local_file",
           "outside_diagnostic"]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_REMOTE = ("http:", "https:", "ftp:", "//")
_ATTRIBUTE = re.compile(r"\{[\w-]*\}")
# Asciidoctor's preprocessor reads an include line anywhere, inside listing blocks too; ``\include::`` is text
_ADOC_INCLUDE = re.compile(r"include::([^\[\s]*)\[(.*)\]\s*$")
_ADOC_IMAGE = re.compile(r"image::?([^\[\s]+)\[")
_PAGE_SUFFIXES = tuple(sorted(PAGE_SUFFIXES))  # what the loader reads as pages (str.endswith takes a tuple)
_FENCE = re.compile(r"(-{4,}|\.{4,}|\+{4,}|/{4,})\s*$")


def _short(target: str) -> str:
    return target if len(target) <= 120 else target[:117] + "..."


def leaves_folder(target: str) -> bool:
    """Whether a local ``target`` could only be found outside the page's folder: an absolute path, a drive,
    a ``file:`` (or other non-web) URL, or a relative path that climbs above the page's folder."""
    target = target.strip()
    if not target or target.lower().startswith(_REMOTE) or target.startswith("#"):
        return False
    if target.startswith(("/", "\\", "~")) or _SCHEME.match(target):
        return not target.lower().startswith(("data:", "mailto:"))
    normal = posixpath.normpath(target.replace("\\", "/"))
    return normal == ".." or normal.startswith("../")


def local_file(target: str, *, rooted_in_tree: bool) -> bool:
    """Whether an image's or stylesheet's ``target`` names a file on the builder's machine: a ``file:`` URL, or an
    absolute path where it means one (AsciiDoc; in RST and HTML a leading ``/`` is the source or site root).

    A relative path is not judged: ``../images/x.png`` is inside most trees, and such a file is never read or
    published either way (a warning for it would be one a writer cannot act on).
    """
    target = target.strip()
    if target.lower().startswith("file:"):
        return True
    absolute = target.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:[\\/]", target) is not None
    return absolute and not rooted_in_tree


def _a_page_here(target: str) -> bool:
    """Whether ``target`` is a plain path to a docs page in the page's folder or below it: a page the loader
    reads on its own when it walks the tree (no attribute, no URL, not climbing out)."""
    local = target.replace("{docdir}/", "", 1) if target.startswith("{docdir}/") else target
    return (bool(local) and not _ATTRIBUTE.search(local) and not leaves_folder(local)
            and not local.lower().startswith(_REMOTE) and local.lower().endswith(_PAGE_SUFFIXES))


def _an_attribute_page(target: str) -> bool:
    """Whether ``target`` is a path to a docs page that starts from an AsciiDoc attribute only the site build
    knows (``{es-repo-dir}/rest-api/common-parms.asciidoc``) and never climbs out of it, nor is absolute or a URL."""
    local = target.strip()
    return (local.startswith("{") and _ATTRIBUTE.match(local) is not None and not leaves_folder(local)
            and local.lower().endswith(_PAGE_SUFFIXES))


def include_diagnostic(construct: str, target: str, span: Span, *, attributes: bool = False) -> Diagnostic:
    """``construct`` (``literalinclude``, ``<iframe src>``) would insert ``target``'s content: not read.

    A docs page in the page's folder is read as a page of its own (as Elasticsearch's docs tests read an
    included page): an info note. So is, where the format has ``attributes`` (AsciiDoc), a page whose path
    starts from an attribute: Elasticsearch's build reads every page on its own and never inserts one, and
    its docs include shared pages this way hundreds of times (``include::{es-repo-dir}/...``), so a warning
    there would be one no writer can act on. Anything else is a warning: its content is neither tested nor
    published.
    """
    if attributes and _an_attribute_page(target):
        return Diagnostic(
            Level.INFO, "include-not-inserted",
            f"{construct} {_short(target)!r} is not inserted here: every page is read on its own (as "
            f"Elasticsearch's docs tests read them); the attribute is the site build's, so the included page is "
            f"tested as a page of its own when it is under a source folder", span,
            hint="nothing to do if the included page is in the docs tree; a snippet there cannot continue one of "
                 "this page")
    if _a_page_here(target):
        return Diagnostic(
            Level.INFO, "include-not-inserted",
            f"{construct} {_short(target)!r} is not inserted here: every page is read on its own (as "
            f"Elasticsearch's docs tests read them): the included page is tested as a page of its own when it is "
            f"in the docs tree", span,
            hint="make sure the included page is under a source folder; nothing else to do, unless a snippet there "
                 "continues one of this page")
    if target.lower().endswith(_PAGE_SUFFIXES) and not target.lower().startswith(_REMOTE):
        return Diagnostic(  # a page, but where: an attribute, '..' or an absolute path cannot be told from here
            Level.WARNING, "include-not-read",
            f"{construct} {_short(target)!r} is not inserted here (docharness reads only the page itself), and "
            f"the page cannot tell whether that file is in the docs tree: it is tested only if it is read as a "
            f"page of its own", span,
            hint="make sure the included page is under a source folder, or write its examples on this page")
    return Diagnostic(
        Level.WARNING, "include-not-read",
        f"{construct} {_short(target)!r} is not read: docharness reads only the page itself, never a file or URL "
        f"it points to, so what this would insert is neither tested nor published", span,
        hint="write the example (or text) on the page itself; a page of its own in the docs tree is read on its own")


def outside_diagnostic(construct: str, target: str, span: Span) -> Diagnostic:
    """An image or stylesheet naming a local file by ``file:`` URL or absolute path: said, never read."""
    return Diagnostic(
        Level.WARNING, "outside-reference",
        f"{construct} {_short(target)!r} names a file on the building machine (a file: URL or an absolute path): "
        f"it is not read and not published", span,
        hint="use a path inside the docs tree, or remove the reference; the published reference shows no images")


# the first characters of the lines asciidoc_references reads: include::, image:: and the four kinds of delimiter
ASCIIDOC_REFERENCE_MARKS = frozenset("i-.+/")


def asciidoc_references(lines: Sequence[str], path: str, marked: Iterable[int]) -> list[Diagnostic]:
    """The ``include::`` lines (anywhere, as Asciidoctor's preprocessor reads them) and the block images
    outside listing blocks that name a local file (``local_file``), each at its 1-based line.

    :param marked: the 0-based indexes, in page order, of at least every line starting with a character of
        ``ASCIIDOC_REFERENCE_MARKS`` (the parser lists them in the pass that lists its scanner's and outline's
        lines: no pass of its own over every line); other lines among them are passed over.
    """
    found: list[Diagnostic] = []
    fence = ""
    for index in marked:
        line = lines[index]
        first = line[0]
        if first == "i":
            if line.startswith("include::"):
                match = _ADOC_INCLUDE.match(line)
                if match is not None:
                    found.append(include_diagnostic("include::", match[1], Span(path, index + 1), attributes=True))
            elif not fence and line.startswith("image::"):
                image = _ADOC_IMAGE.match(line)
                if image is not None and local_file(image[1], rooted_in_tree=False):
                    found.append(outside_diagnostic("image::", image[1], Span(path, index + 1)))
        elif first in "-.+/" and (delimiter := _FENCE.match(line)) is not None and (not fence or delimiter[1] == fence):
            fence = "" if fence else delimiter[1]
    return found
