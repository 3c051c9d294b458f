"""Nothing outside the docs tree reaches a published site through what a page points to.

A real hostile docs tree (RST, AsciiDoc and HTML pages naming files outside the tree with ``..``
paths, absolute paths and ``file:`` URLs, a symlinked folder and a symlinked image) goes through
``docharness extract`` and a real ``docharness run`` (replay and a Sphinx build): every construct
is a warning at its file:line (an image only when it names the building machine's files: a ``..``
image is not judged, and like every image is never read or published), and the planted secret is
in no output (site, Sphinx sources, results, reports); Sphinx copied no image or download.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SECRET = "planted-outside-secret-2b71"
REPO = Path(__file__).resolve().parents[2]


def _tree(base: Path) -> Path:
    outside = base / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    (outside / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    (outside / "dl.txt").write_text(SECRET, encoding="utf-8")
    docs = base / "docs_src"
    (docs / "pictures").mkdir(parents=True)
    (docs / "docharness.toml").write_text("[docharness]\nsources = [\".\"]\n", encoding="utf-8")
    (docs / "pictures" / "linked.png").symlink_to(outside / "img.png")
    (docs / "shared").symlink_to(outside, target_is_directory=True)
    (docs / "page.rst").write_text(
        "Stop job\n========\n\n"
        f".. literalinclude:: ../outside/secret.txt\n\n.. raw:: html\n   :file: {secret}\n\n"
        f".. raw:: html\n   :url: file://{secret}\n\n.. include:: shared/secret.txt\n\n"
        f".. image:: file://{outside}/img.png\n\n.. figure:: ../outside/img.png\n\n   caption\n\n"
        ".. image:: pictures/linked.png\n\n:download:`file <../outside/dl.txt>`\n\n"
        "Example Request\n---------------\n\n::\n\n   GET /\n", encoding="utf-8")
    (docs / "page.asciidoc").write_text(
        "= Page\n\ninclude::../outside/secret.txt[]\n\ninclude::{docdir}/shared/../../outside/secret.txt[]\n\n"
        f"image::{outside}/img.png[]\n\n[source,js]\n----\nGET /\n----\n// CONSOLE\n", encoding="utf-8")
    (docs / "page.html").write_text(
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n<html><head>\n'
        f'<link rel="stylesheet" href="file://{secret}"></head><body><h1>Page &e;</h1>\n'
        f'<iframe src="../outside/secret.txt"></iframe>\n<object data="file://{secret}"></object>\n'
        f'<img src="file://{outside}/img.png"><img src="{outside}/img.png">\n'
        '<h4 class="sectiontitle">Example Request</h4>\n<pre class="screen">GET /\n'
        "</pre></body></html>\n", encoding="utf-8")
    return docs


def _docharness(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def test_every_construct_is_warned_and_nothing_outside_is_published(tmp_path: Path) -> None:
    _tree(tmp_path)
    extract = _docharness(tmp_path, "extract", "docs_src")
    located = [line.split("-->")[1].strip().rsplit(":", 1)[0] for line in extract.stderr.splitlines()
               if "-->" in line]
    assert {"docs_src/page.rst:4", "docs_src/page.rst:6", "docs_src/page.rst:9", "docs_src/page.rst:12",
            "docs_src/page.rst:14", "docs_src/page.asciidoc:3",
            "docs_src/page.asciidoc:5", "docs_src/page.asciidoc:7", "docs_src/page.html:3",
            "docs_src/page.html:4", "docs_src/page.html:5", "docs_src/page.html:6"} <= set(located), extract.stderr
    assert "docs_src/shared" in extract.stderr  # the symlinked folder: not followed, said
    assert extract.stderr.count("include-not-read") == 8 and extract.stderr.count("outside-reference") == 4
    run = _docharness(tmp_path, "run", "--out", "out")
    assert (tmp_path / "out" / "site" / "index.html").is_file(), run.stdout + run.stderr
    for name, text in (("extract", extract.stdout + extract.stderr), ("run", run.stdout + run.stderr)):
        assert SECRET not in text, f"an outside file leaked into {name}"
    assert SECRET.encode() not in _all_bytes(tmp_path / "out"), "an outside file reached the published output"
    copied = [p for p in (tmp_path / "out").rglob("*") if p.parent.name in ("_images", "_downloads")]
    assert copied == []
