"""Sphinx's incremental rebuild works: one changed document re-reads only its own page."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from harness.commands.publish import build
from harness.parsers.loader import load

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs_src"


def mtimes(folder: Path, pattern: str) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob(pattern) if p.is_file()}


def age(folder: Path) -> None:
    """Push every file's mtime into the past so a rewrite is visible even on coarse clocks."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10_000_000_000))


def test_one_changed_page_is_the_only_one_rewritten_and_reread(tmp_path: Path) -> None:
    documents = load([DOCS / "elasticsearch", DOCS / "cloud"], root=DOCS)
    index = build(documents, None, tmp_path, source_root=DOCS)
    assert index == tmp_path / "site" / "index.html" and index.is_file()
    age(tmp_path)
    sources, doctrees = mtimes(tmp_path / "site-src", "*"), mtimes(tmp_path / "site-doctrees", "*.doctree")

    build(documents, None, tmp_path, source_root=DOCS)  # nothing changed
    assert mtimes(tmp_path / "site-src", "*") == sources
    assert mtimes(tmp_path / "site-doctrees", "*.doctree") == doctrees

    changed = [dataclasses.replace(d, title=d.title + " (revised)", operations=tuple(
        dataclasses.replace(op, title=op.title + " (revised)") for op in d.operations))
        if d.path == "cloud/cdm/stopping_a_job.rst" else d for d in documents]
    build(changed, None, tmp_path, source_root=DOCS)
    new_sources = mtimes(tmp_path / "site-src", "*")
    assert sorted(k for k in sources if new_sources[k] != sources[k]) == ["ops/cloud-cdm-stopping-a-job.json"]
    new_doctrees = mtimes(tmp_path / "site-doctrees", "*.doctree")
    assert sorted(k for k in doctrees if new_doctrees[k] != doctrees[k]) == ["ops/cloud-cdm-stopping-a-job.doctree"]
    page = (tmp_path / "site" / "ops" / "cloud-cdm-stopping-a-job.html").read_text(encoding="utf-8")
    assert "Stopping a Job (revised)" in page
