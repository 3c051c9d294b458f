"""The site's "Notes for writers" page: every page's diagnostics, away from the readers' pages.

What the parsers found wrong with a source (a directive docharness cannot read, a
type that does not match its example) is for the people who write the page, not for
its readers. The notes of every document are gathered on one page, each group
linked to the published page it concerns; the operation pages show them only
when ``writer_notes`` is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from harness.model import to_data
from harness.publish.manifest import Deferred, SourceText, input_key

__all__ = ["WRITERS_PAGE", "writers_files"]

WRITERS_PAGE = "writers"
_CODE = ("harness.model", "harness.codec", __name__)


def _data(mark: str, groups: Sequence[tuple[str, str, str, tuple[object, ...]]]) -> str:
    entries = [{"page": page, "title": title, "source_path": source, "diagnostics": [to_data(d) for d in found]}
               for page, title, source, found in groups]
    return json.dumps({"generator": mark, "pages": entries}, ensure_ascii=False, separators=(",", ":")) + "\n"


def writers_files(mark: str, groups: Sequence[tuple[str, str, str, tuple[object, ...]]]) -> dict[str, SourceText]:
    """``writers.rst`` and ``writers.json`` for (page docname, title, source path, diagnostics) groups;
    nothing when no page has a note."""
    if not groups:
        return {}
    frozen = tuple(groups)
    rst = (f".. {mark}\n\nNotes for writers\n=================\n\n"
           f".. docharness-writer-notes:: {WRITERS_PAGE}.json\n")
    return {f"{WRITERS_PAGE}.rst": rst,
            f"{WRITERS_PAGE}.json": Deferred(input_key(_CODE, frozen), lambda: _data(mark, frozen))}
