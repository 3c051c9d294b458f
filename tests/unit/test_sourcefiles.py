"""The path policy: a page is read only when its real path is a regular file inside its docs root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.config import ConfigError, parse_config
from harness.parsers.loader import discover, load, load_file
from harness.report.terminal import read_source_line
from harness.sourcefiles import Refused, read_source

SECRET = "planted-secret-6d1f"
PAGE = "= Title\n\n[source,js]\n----\nGET /\n----\n// CONSOLE\n"
OUTSIDE_PAGE = f"= {SECRET}\n\n[source,js]\n----\nGET /{SECRET}\n----\n// CONSOLE\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """docs/ with a real page, a page symlinked out, a folder symlinked out, an in-tree symlink."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.asciidoc").write_text(OUTSIDE_PAGE, encoding="utf-8")
    (outside / "deep").mkdir()
    (outside / "deep" / "more.asciidoc").write_text(OUTSIDE_PAGE, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "real.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "leak.asciidoc").symlink_to(outside / "secret.asciidoc")
    (docs / "etc").symlink_to(outside, target_is_directory=True)
    (docs / "alias.asciidoc").symlink_to(docs / "real.asciidoc")  # stays inside: read
    return docs


def _codes(documents: list) -> dict[str, tuple[str, ...]]:  # type: ignore[type-arg]
    return {Path(d.path).name: tuple(x.code for x in d.diagnostics) for d in documents}


def test_symlinks_leaving_the_tree_are_not_read_and_say_so(tree: Path) -> None:
    documents = load([tree], root=tree.parent)
    assert _codes(documents) == {"alias.asciidoc": (), "etc": ("outside-docs-root",),
                                 "leak.asciidoc": ("outside-docs-root",), "real.asciidoc": ()}
    for document in documents:
        assert SECRET not in repr(document)
    leak = next(d for d in documents if d.path.endswith("leak.asciidoc"))
    assert "not read" in leak.diagnostics[0].message and "outside" in leak.diagnostics[0].message
    folder = next(d for d in documents if d.path.endswith("etc"))
    assert "docs/etc" == folder.path and "nothing under it was read" in folder.diagnostics[0].message


def test_a_configured_root_confines_paths_given_inside_it(tree: Path) -> None:
    # naming the symlinked folder itself does not escape a configured docs root
    documents = load([tree / "etc"], root=tree.parent, sources=[tree])
    assert _codes(documents) == {"etc": ("outside-docs-root",)}
    documents = load([tree / "etc" / "deep" / "more.asciidoc"], root=tree.parent, sources=[tree])
    assert _codes(documents) == {"more.asciidoc": ("outside-docs-root",)}
    assert SECRET not in repr(documents)


def test_parallel_load_applies_the_same_policy(tree: Path) -> None:
    for n in range(70):
        (tree / f"p{n:02}.asciidoc").symlink_to(tree.parent / "outside" / "secret.asciidoc")
    documents = load([tree], root=tree.parent, jobs=2)
    assert sum(d.diagnostics[:1] != () and d.diagnostics[0].code == "outside-docs-root" for d in documents) == 72
    assert SECRET not in repr(documents)


def test_a_page_symlinked_to_proc_environ_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "env.rst").symlink_to("/proc/self/environ")
    (document,) = load([tmp_path], root=tmp_path)
    assert document.diagnostics[0].code == "outside-docs-root"
    assert "/proc/" in document.diagnostics[0].message and document.title == ""


def test_load_file_alone_is_confined_to_its_folder_or_the_given_roots(tree: Path) -> None:
    assert load_file(tree / "leak.asciidoc", tree).diagnostics[0].code == "outside-docs-root"
    document = load_file(tree / "etc" / "secret.asciidoc", tree, roots=(tree,))
    assert document.diagnostics[0].code == "outside-docs-root"


def test_a_fifo_or_device_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.asciidoc")
    (tmp_path / "null.asciidoc").symlink_to("/dev/null")
    documents = load([tmp_path], root=tmp_path)
    assert _codes(documents) == {"null.asciidoc": ("outside-docs-root",), "pipe.asciidoc": ("not-regular-file",)}
    assert "not a regular file" in documents[1].diagnostics[0].message
    with pytest.raises(Refused, match="not a regular file"):
        read_source(tmp_path / "pipe.asciidoc", tmp_path)


def test_discover_does_not_walk_a_symlinked_folder(tree: Path) -> None:
    found = [p.name for p in discover([tree])]
    assert "more.asciidoc" not in found and "secret.asciidoc" not in found


def test_the_source_line_renderer_keeps_the_policy(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    assert read_source_line("docs/real.asciidoc", 1) == "= Title"
    assert read_source_line("docs/leak.asciidoc", 1) == ""
    assert read_source_line(str(tree / "leak.asciidoc"), 1) == ""
    # the refused page's own diagnostic carries no line to look up
    (document,) = load([tree / "leak.asciidoc"], root=tree.parent)
    assert document.diagnostics[0].source_line == "(not read)"


def test_a_source_listed_outside_the_config_folder_is_a_root_of_its_own(tmp_path: Path) -> None:
    pages, secret = tmp_path / "pages", tmp_path / "secret.asciidoc"
    pages.mkdir()
    secret.write_text("= Secret\n", encoding="utf-8")
    (pages / "real.asciidoc").write_text("= Title\n", encoding="utf-8")
    (pages / "leak.asciidoc").symlink_to(secret)
    (tmp_path / "ci").mkdir()
    config = parse_config('[docharness]\nsources = ["../pages"]\n', tmp_path / "ci" / "docharness.toml")
    assert config.source_paths() == [tmp_path / "ci" / "../pages"]
    documents = {Path(d.path).name: d for d in load(config.source_paths(), root=tmp_path, sources=config.source_paths())}
    assert not documents["real.asciidoc"].diagnostics
    assert documents["leak.asciidoc"].diagnostics[0].source_line == "(not read)"


def test_a_configured_upload_file_keeps_the_path_policy(tmp_path: Path) -> None:
    from harness.model import FormPart
    from harness.replay.multipart import encode_multipart

    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (docs / "job.jar").write_bytes(b"PK jar")
    (docs / "stolen.jar").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(docs / "pipe.jar")
    body, _, shown = encode_multipart((FormPart("jar", file=str(docs / "job.jar")),))
    assert b"PK jar" in body and "job.jar" in shown
    with pytest.raises(Refused, match="outside"):
        encode_multipart((FormPart("jar", file=str(docs / "stolen.jar")),))
    with pytest.raises(Refused, match="not a regular file"):
        encode_multipart((FormPart("jar", file=str(docs / "pipe.jar")),))
    config = parse_config('[setups.up]\nconsole = "POST /x"\nmultipart = { jar = { file = "stolen.jar" } }\n',
                          docs / "docharness.toml")
    assert config.multipart["setups.up"][0].file == str(docs / "stolen.jar")  # not resolved past the symlink


def test_a_page_is_read_to_its_end_and_no_further_than_the_limit(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """One read of the size fstat gives for a page; on to the end when there is more than that (a file
    still growing: here a pipe, whose size is 0), never past MAX_SOURCE_BYTES + 1."""
    import threading

    from harness import sourcefiles

    page = tmp_path / "page.asciidoc"
    page.write_bytes(b"= Title\n" * 5000)
    assert read_source(page, tmp_path) == b"= Title\n" * 5000
    (tmp_path / "empty.asciidoc").write_bytes(b"")
    assert read_source(tmp_path / "empty.asciidoc", tmp_path) == b""
    for limit, expected in ((1 << 20, 200_000), (70_000, 70_001)):
        monkeypatch.setattr(sourcefiles, "MAX_SOURCE_BYTES", limit)
        reader, writer = os.pipe()

        def feed(fd: int = writer) -> None:
            try:
                for part in (b"x" * 100_000, b"y" * 100_000):
                    os.write(fd, part)
            except BrokenPipeError:  # the reader stopped at the limit
                pass
            finally:
                os.close(fd)

        feeder = threading.Thread(target=feed)
        feeder.start()
        try:
            assert len(sourcefiles._read_to_end(reader, 0)) == expected
        finally:
            os.close(reader)
            feeder.join(10)


def test_the_page_suffixes_are_the_parsers_suffixes() -> None:
    from harness.parsers import PARSERS
    from harness.sourcefiles import PAGE_SUFFIXES

    assert set(PARSERS) == PAGE_SUFFIXES


def test_a_page_must_be_a_page_of_the_tree(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(SECRET, encoding="utf-8")
    (tmp_path / ".git" / "page.rst").write_text(SECRET, encoding="utf-8")
    (tmp_path / "creds.json").write_text(SECRET, encoding="utf-8")
    for name, target in (("a.rst", ".git/config"), ("b.rst", ".git/page.rst"), ("c.rst", "creds.json")):
        (tmp_path / name).symlink_to(target)
        with pytest.raises(Refused) as refused:
            read_source(tmp_path / name, tmp_path, page=True)
        assert refused.value.code == "not-a-page"
        assert read_source(tmp_path / name, tmp_path) == SECRET.encode()  # an upload or an include: not a page
        assert read_source_line(str(tmp_path / name), 1) == ""  # nor does a report show its lines
    (tmp_path / "d.rst").symlink_to("creds.json")
    (tmp_path / "real.rst").write_text("ok", encoding="utf-8")
    (tmp_path / "alias.RST").symlink_to("real.rst")
    assert read_source(tmp_path / "alias.RST", tmp_path, page=True) == b"ok"
    (tmp_path / ".hidden.rst").write_text("ok", encoding="utf-8")  # a hidden page found directly is a page
    assert read_source(tmp_path / ".hidden.rst", tmp_path, page=True) == b"ok"
