"""Safe output names: a document path becomes a file name that stays inside the output folder.

Document paths come from configuration and the file system, so they may hold
``..``, absolute prefixes, spaces, non-ASCII letters or names that differ only
in case. Every output name is a flat lowercase slug of ``[a-z0-9-]`` (no
separator can survive, so no name can climb out of the output folder), and
names that collide are told apart by a short hash of the original path, so a
page keeps its name when other documents come and go.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["slug", "assign_names"]

MAX_SLUG = 80
# names some file systems refuse whatever the extension
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
# names Sphinx or the site itself uses at the top of the output folder
_TAKEN = frozenset({"index", "genindex", "search", "searchindex", "py-modindex", "http-routingtable", "conf"})
_SOURCE_SUFFIXES = (".asciidoc", ".adoc", ".asc", ".rst", ".html", ".htm", ".txt", ".md")


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


# pure, and asked for again and again (a page's family on every sort and grouping)
@functools.lru_cache(maxsize=8192)
def slug(path: str) -> str:
    """The safe flat name of one document path (``elasticsearch/rollup/stop-job.asciidoc`` ->
    ``elasticsearch-rollup-stop-job``); never empty, never a reserved or site name."""
    text, _, part = path.replace("\\", "/").partition("#")  # "doc.rst#2": the second page of doc.rst
    lowered = text.lower()
    for suffix in _SOURCE_SUFFIXES:
        if lowered.endswith(suffix):
            text = text[: -len(suffix)]
            break
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    if part:
        ascii_text += "-" + part.lower()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "page"
    if len(name) > MAX_SLUG:
        # keep it readable and still unique: the cut part is represented by the hash
        name = name[: MAX_SLUG - 9].rstrip("-") + "-" + _short_hash(path)
    if name in _RESERVED or name in _TAKEN:
        name = f"page-{name}"
    return name


def assign_names(keys: Iterable[str]) -> dict[str, str]:
    """A distinct safe name for every key (a document path, or ``path#n`` for a page of it).

    The first key of a colliding group in sorted order keeps the plain slug; the
    others get ``-<hash of the key>`` appended, so names are stable and distinct.
    """
    by_slug: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        by_slug.setdefault(slug(key), []).append(key)
    names: dict[str, str] = {}
    used = set(by_slug)
    for name, group in sorted(by_slug.items()):
        names[group[0]] = name
        for key in group[1:]:
            candidate = f"{name}-{_short_hash(key)}"
            while candidate in used:  # a hash suffix colliding with a real slug: extend it
                candidate = f"{candidate}-{_short_hash(candidate)}"
            used.add(candidate)
            names[key] = candidate
    return names
