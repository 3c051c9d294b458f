"""The Sphinx extension parses the pages ``docharness-examples`` shows through the extraction cache.

Real Sphinx builds of a generated project (eight documents, so ``-j 2`` really reads in parallel)
showing an AsciiDoc, an RST and an HTML page: a second build in a fresh environment parses nothing
(a tripwire on the loader's parse), the HTML is the same with and without the cache, Sphinx's own
incremental rebuild still decides what is read (an edited page is shown edited), and a new parser
version re-reads the documents that show examples.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

import harness.parsers.cache as cache_module
import harness.parsers.loader as loader

PAGES = Path(__file__).resolve().parents[1] / "roots" / "test-formats" / "pages"
SHOWN = ("purge-queue.asciidoc", "stopping_a_job.rst", "deleting_a_job.html")
DOCS = 8


def project(folder: Path) -> Path:
    """Eight documents, each showing its own copy of one of the three pages (its own endpoints: httpdomain
    warns about an endpoint two documents define)."""
    source = folder / "src"
    (source / "pages").mkdir(parents=True)
    (source / "conf.py").write_text('project = "cached"\nextensions = ["harness.sphinx"]\nexclude_patterns = ["pages"]\n',
                                    encoding="utf-8")
    (source / "index.rst").write_text("Cached\n======\n\n.. toctree::\n\n" + "".join(f"   doc{n}\n" for n in range(DOCS)),
                                      encoding="utf-8")
    for n in range(DOCS):
        page = SHOWN[n % len(SHOWN)]
        text = (PAGES / page).read_text(encoding="utf-8")
        for prefix in ("_queue/", "/v1.0/", "/v1.1/"):
            text = text.replace(prefix, f"{prefix}d{n}/")
        (source / "pages" / f"{n}-{page}").write_text(text, encoding="utf-8")
        (source / f"doc{n}.rst").write_text(f"Doc {n}\n=====\n\n.. docharness-examples:: pages/{n}-{page}\n"
                                            f"   :document-path: copy{n}/{page}\n", encoding="utf-8")
    return source


def build(source: Path, out: Path, *, fresh: bool = True, parallel: int = 0,
          **overrides: object) -> tuple[Sphinx, dict[str, bytes], str]:
    """Build ``source`` into ``out``; the HTML of each document, and the warnings."""
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(out / "html"), str(out / "doctrees"), "html",
                     confoverrides=dict(overrides), status=None, warning=warnings, freshenv=fresh,
                     parallel=parallel)
        app.build()
    assert app.statuscode == 0, warnings.getvalue()
    pages = {p.name: p.read_bytes() for p in sorted((out / "html").glob("doc*.html"))}
    return app, pages, warnings.getvalue()


def entries(folder: Path) -> list[Path]:
    return [p for p in (folder / "extract").glob("*/*/*") if p.is_file()]


class Parses:
    """The pages the loader parses, in this process and in the reader processes it forks (a file)."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def __call__(self) -> list[str]:
        return sorted(self.log.read_text(encoding="utf-8").split()) if self.log.exists() else []

    def clear(self) -> None:
        self.log.unlink(missing_ok=True)


@pytest.fixture()
def parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Parses:
    seen = Parses(tmp_path / "parsed.log")
    real = loader._parse

    def counting(data: bytes, path: Path, name: str, *args: object) -> object:
        with open(seen.log, "a", encoding="utf-8") as log:
            log.write(name + "\n")
        return real(data, path, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_parse", counting)
    return seen


def tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*args: object) -> None:
        raise AssertionError("a page was parsed again")

    monkeypatch.setattr(loader, "_parse", no_parsing)  # in the reader processes of -j too: they fork with it


@pytest.mark.parametrize("parallel", [0, 2])
def test_a_second_build_parses_nothing_and_shows_the_same_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 parallel: int) -> None:
    source = project(tmp_path)
    _, uncached, warnings = build(source, tmp_path / "uncached", docharness_cache_dir="")
    assert warnings == "" and len(uncached) == DOCS and not (source / ".docharness_cache").exists()
    assert all(b"docharness-example" in page for page in uncached.values())
    _, first, _ = build(source, tmp_path / "first", parallel=parallel)
    assert len(entries(source / ".docharness_cache")) == DOCS  # beside conf.py by default, one entry a page
    tripwire(monkeypatch)
    app, second, warnings = build(source, tmp_path / "second", parallel=parallel)  # a fresh environment
    assert warnings == "" and second == first == uncached
    assert app.env.docharness_examples_docs == {f"doc{n}" for n in range(DOCS)}  # type: ignore[attr-defined]


def test_the_folder_is_moved_relative_to_conf_py_and_shared_with_the_command_line(tmp_path: Path,
                                                                                    parses: Parses) -> None:
    source = project(tmp_path)
    build(source, tmp_path / "a", docharness_cache_dir="../shared-cache")
    assert len(entries(tmp_path / "shared-cache")) == DOCS and not (source / ".docharness_cache").exists()
    # the very entries `docharness extract` keeps: the loader finds the page the directive parsed
    found = loader.look_up(source / "pages" / f"0-{SHOWN[0]}", f"copy0/{SHOWN[0]}", (str(source / "pages"),), None,
                           cache_module.ExtractCache(tmp_path / "shared-cache"))
    assert not isinstance(found, loader.Unparsed) and found.examples
    assert len(parses()) == DOCS


def test_sphinx_still_decides_what_is_read_and_an_edited_page_is_shown_edited(tmp_path: Path,
                                                                             parses: Parses) -> None:
    source = project(tmp_path)
    _, before, _ = build(source, tmp_path / "out")
    parses.clear()
    _, again, _ = build(source, tmp_path / "out", fresh=False)
    assert parses() == [] and again == before  # nothing changed: Sphinx reads nothing
    page = source / "pages" / f"3-{SHOWN[0]}"
    page.write_text(page.read_text(encoding="utf-8").replace("_purge", "_drain"), encoding="utf-8")
    _, edited, _ = build(source, tmp_path / "out", fresh=False)
    # the document showing the edited page is read again (its dependency), and the page's new bytes parsed
    assert parses() == [f"copy3/{SHOWN[0]}"]
    assert b"_drain" in edited["doc3.html"] and b"_drain" not in before["doc3.html"]
    assert {k for k in edited if edited[k] != before[k]} == {"doc3.html"}


@pytest.mark.parametrize("parallel", [0, 2])
def test_a_new_parser_version_reads_the_documents_showing_examples_again(tmp_path: Path, parses: Parses,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        parallel: int) -> None:
    source = project(tmp_path)
    (source / "other.rst").write_text("Other\n=====\n\n:orphan:\n\nNo examples here.\n", encoding="utf-8")
    _, before, _ = build(source, tmp_path / "out", parallel=parallel)
    parses.clear()
    monkeypatch.setattr(cache_module, "parser_version", lambda: "a-newer-parser")
    app, after, _ = build(source, tmp_path / "out", fresh=False, parallel=parallel)
    # parsed again by the new parser, and only in the documents with examples
    assert parses() == sorted(f"copy{n}/{SHOWN[n % len(SHOWN)]}" for n in range(DOCS))
    assert after == before and app.env.docharness_parser_version == "a-newer-parser"  # type: ignore[attr-defined]
    parses.clear()
    build(source, tmp_path / "out", fresh=False, parallel=parallel)
    assert parses() == []


def test_a_cache_that_cannot_be_written_is_one_warning_and_the_pages_are_shown(tmp_path: Path) -> None:
    source = project(tmp_path)
    (tmp_path / "blocked").write_text("a file where the cache folder should be\n", encoding="utf-8")
    _, uncached, _ = build(source, tmp_path / "uncached", docharness_cache_dir="")
    _, pages, warnings = build(source, tmp_path / "out", docharness_cache_dir=str(tmp_path / "blocked"))
    assert pages == uncached
    assert warnings.count("the extraction cache could not be written") == 1, warnings
    assert "blocked" in warnings and "docharness_cache_dir" in warnings


def test_a_page_that_is_not_utf8_is_a_warning_at_its_line(tmp_path: Path) -> None:
    source = project(tmp_path)
    (source / "pages" / "0-purge-queue.asciidoc").write_bytes(b"= Purge\n\nok\nbad \xff byte\n")
    _, pages, warnings = build(source, tmp_path / "out")
    # decoded as `docharness extract` decodes it: the problem is located, not a codec's message
    assert "docharness-examples: copy0/purge-queue.asciidoc yields no examples; first problem: " \
           "copy0/purge-queue.asciidoc:4: the file is not valid UTF-8 (byte 0xff)" in warnings, warnings
    assert len(pages) == DOCS
