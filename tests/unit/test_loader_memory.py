"""Loading many pages keeps memory flat: what one page's parse leaves behind is freed before the next.

The loader pauses the automatic collector for speed; docutils doctrees are reference cycles
(and docutils caches state machines that hold the last doctree), so without the loader's
per-file collection every page's doctree stayed in memory until the whole load ended: a
2,227-page tree peaked at 2 GB. Measured with tracemalloc on real pages, as a ratio (no timing).
"""

from __future__ import annotations

import gc
import shutil
import tracemalloc
from pathlib import Path

from harness.parsers.loader import load

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted((REPO / "docs_src" / "cloud").rglob("*.rst"))


def _transient_bytes(tmp_path: Path, copies: int) -> int:
    """Peak minus what stays allocated (the Documents) while loading ``copies`` of every RST page."""
    tree = tmp_path / f"tree{copies}"
    for index in range(copies):
        for page in PAGES:
            folder = tree / f"copy{index:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, folder / page.name)
    load([tree], root=tree, jobs=1)  # warm: docutils' imports and registries are not the point
    tracemalloc.start()
    try:
        documents = load([tree], root=tree, jobs=1)
        gc.collect()  # what remains now is what the Documents need
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(documents) == copies * len(PAGES) and not any(d.has_errors for d in documents)
    return peak - current


def test_the_garbage_of_a_load_does_not_grow_with_the_number_of_pages(tmp_path: Path) -> None:
    assert PAGES, "the seed RST pages moved"
    small = _transient_bytes(tmp_path, 2)
    large = _transient_bytes(tmp_path, 12)
    # six times the pages: without a per-file collection the transient memory grows about sixfold
    assert large < 2 * small + 512 * 1024, (small, large)


def test_a_callers_frozen_objects_stay_frozen_through_a_load(tmp_path: Path) -> None:
    """``load`` freezes what it parses and unfreezes at its end; gc has no "unfreeze only mine",
    so when the caller (a test session, an embedding tool) froze objects first, ``load`` must not
    release them: the caller's frozen set only grows, and the caller's unfreeze ends it."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for page in PAGES[:3]:
        shutil.copy(page, tree / page.name)
    keep = [[index] for index in range(1000)]  # objects the caller froze
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen >= len(keep)
        documents = load([tree], root=tree, jobs=1)
        assert documents and gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
    documents = load([tree], root=tree, jobs=1)  # nothing frozen before: nothing left frozen after
    assert documents and gc.get_freeze_count() == 0
