"""The one path policy for reading documentation files: never outside the docs root.

A documentation tree is untrusted input. A page that is a symlink to
``/proc/self/environ``, or a folder symlinked to ``/etc``, must not pull the
builder's environment or system files into a report or the published site.
Every place that reads a page (the loader, the pytest plugin through it, the
Sphinx directives, the terminal's source-line renderer) reads through
``read_source``: the file's real path (symlinks resolved) must lie inside the
real path of its docs root, and it must be a regular file (a FIFO would block,
a device would never end). A page (``page=True``) must moreover be one the docs
tree could list itself: a known page suffix, in no hidden folder of the root,
so a page symlinked to ``.git/config`` (where CI checkouts keep their token) or
to a credentials file beside the pages is not read either. Anything else raises
``Refused`` with a sentence saying why, which the caller turns into a diagnostic.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["MAX_SOURCE_BYTES", "OUTPUT_MARKER", "PAGE_SUFFIXES", "Refused", "escapes", "is_page_name", "java_lines",
           "mark_output", "read_source", "real_root", "source_lines"]

# a documentation page larger than this is not a page (and would exhaust memory)
MAX_SOURCE_BYTES = 64 * 1024 * 1024
# the file that marks a folder docharness writes its output to (reports, Sphinx sources, the site):
# discovery never reads a page under it, so a run whose --out lies inside its sources does not take
# the last run's report and site for documentation (and publish them, again and again)
OUTPUT_MARKER = ".docharness-output"
# the suffixes of documentation pages (harness.parsers.PARSERS has a parser for each; a test holds them equal)
PAGE_SUFFIXES = frozenset({".asciidoc", ".adoc", ".rst", ".html", ".htm"})


class Refused(OSError):
    """A file the path policy does not read; ``str()`` says why, for a diagnostic.

    :param message: why, naming the real path.
    :param code: ``outside-docs-root``, ``not-a-page``, ``not-regular-file`` or ``too-large``, for a
        diagnostic's code.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@lru_cache(maxsize=1024)
def real_root(root: str) -> str:
    """The real path of a docs root (cached: roots are few, files many)."""
    return os.path.realpath(root)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def escapes(path: str | Path, root: str | Path) -> str | None:
    """The real path of ``path`` when it leaves ``root`` (symlinks resolved), else ``None``."""
    real = os.path.realpath(path)
    return None if _inside(real, real_root(os.path.abspath(root))) else real


def read_source(path: str | Path, root: str | Path, *, page: bool = False) -> bytes:
    """The bytes of ``path``, read only when its real path is a regular file inside ``root``.

    :param page: ``path`` is a documentation page: its real path must also be a page of the tree (a
        suffix of ``PAGE_SUFFIXES``, in no hidden folder below ``root``).
    :raises Refused: when the real path leaves the root, is not a page, or is not a regular file.
    :raises OSError: when the file cannot be read.
    """
    real = os.path.realpath(path)
    top = real_root(os.path.abspath(root))
    if not _inside(real, top):
        raise Refused(f"its real path {real} is outside the docs root {top}; it was not read", "outside-docs-root")
    if page and real != top:
        _check_page(real, top)
    # the checked real path is opened, never following a symlink swapped in since; O_NONBLOCK so a
    # FIFO does not block the open (it is refused just below)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(real, flags)
    try:
        status = os.fstat(handle)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(status.st_mode):
            raise Refused(f"{real} is not a regular file (a device, FIFO or socket); it was not read",
                          "not-regular-file")
        if status.st_size > MAX_SOURCE_BYTES:
            raise Refused(f"{real} is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB; it was not read",
                          "too-large")
        if hasattr(os, "set_blocking"):
            os.set_blocking(handle, True)
        return _read_to_end(handle, status.st_size)[:MAX_SOURCE_BYTES]
    finally:
        os.close(handle)


def is_page_name(name: str) -> bool:
    """Whether a file name (no folder) ends in a page suffix, as discovery lists pages (``.rst`` alone is none)."""
    dot = name.rfind(".")  # Path(name).suffix, without making a Path for every file
    return dot > 0 and name[dot:].lower() in PAGE_SUFFIXES


def _check_page(real: str, top: str) -> None:
    """Refuse a real path the tree's own listing would not give: a page symlinked to a hidden folder's
    file or to a file that is no page."""
    *folders, name = real[len(top):].lstrip(os.sep).split(os.sep)
    hidden = next((folder for folder in folders if folder.startswith(".")), None)
    if hidden is not None:
        raise Refused(f"its real path {real} lies in the hidden folder {hidden} of the docs root (hidden folders, "
                      ".git among them, are not documentation); it was not read", "not-a-page")
    if not is_page_name(name):
        raise Refused(f"its real path {real} is not a page (a page ends in "
                      f"{', '.join(sorted(PAGE_SUFFIXES))}); it was not read", "not-a-page")


def _read_to_end(handle: int, size: int) -> bytes:
    """Up to ``MAX_SOURCE_BYTES + 1`` bytes of an open file, to its end: one read of the size ``fstat``
    gave (a read of the whole limit would allocate 64 MB per page), then on while it still grows."""
    chunks: list[bytes] = []
    total, want = 0, size + 1
    while total <= MAX_SOURCE_BYTES:
        chunk = os.read(handle, min(want, MAX_SOURCE_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = 1 << 16
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def mark_output(folder: Path, sources: Sequence[Path] = ()) -> None:
    """Create ``folder`` and mark it as docharness output (``OUTPUT_MARKER``), never read as pages.

    :param sources: the source paths; a folder that holds one of them (``--out .``) is not marked, or
        no page would be read at all.
    """
    top = os.path.realpath(folder)
    if any(_inside(os.path.realpath(source), top) for source in sources):
        return
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / OUTPUT_MARKER
    if not marker.is_file():
        marker.write_text("docharness writes its reports and site here; no page in this folder is read as "
                          "documentation.\n", encoding="utf-8")


_LINE_BREAK = re.compile(r"\r\n?|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


def java_lines(text: str) -> list[str]:
    """``text`` split into lines as Java's line reader splits it, which is how Elasticsearch's build reads
    an AsciiDoc page: a line ends at ``\\r\\n``, a lone ``\\r`` or ``\\n``, never at a form feed or U+2028
    (``str.splitlines`` ends one there). No final empty line."""
    found = text.split("\n")
    if "\r" in text:
        found = _LINE_BREAK.split(text) if _LONE_CR.search(text) else [line.removesuffix("\r") for line in found]
    if found and found[-1] == "":
        found.pop()
    return found


def source_lines(path: str, text: str) -> list[str]:
    """A page's lines as its parser counts them, so that a span's line number shows its own line: an
    AsciiDoc page's by ``java_lines``, any other's by ``str.splitlines`` (the RST and HTML front-ends)."""
    return java_lines(text) if path.lower().endswith((".asciidoc", ".adoc")) else text.splitlines()
