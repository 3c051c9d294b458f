"""The loader: real files on disk, discovery order, relative paths, bad files as Documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.model import Document, Format
from harness.parsers import PARSERS, parse, parser_for
from harness.parsers.loader import discover, load, load_file

PAGE = "= Title\n\n[source,js]\n----\nGET /\n----\n// CONSOLE\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_discover_walks_folders_sorted_and_skips_unknown_and_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b" / "z.asciidoc", PAGE)
    write(tmp_path / "a.adoc", PAGE)
    write(tmp_path / "b" / "notes.txt", "x")
    write(tmp_path / ".git" / "x.asciidoc", PAGE)
    write(tmp_path / "c.RST", "Title\n=====\n")
    found = discover([tmp_path, tmp_path / "a.adoc"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.adoc", "b/z.asciidoc", "c.RST"]
    assert discover([tmp_path / "b" / "notes.txt"]) == []


def test_discover_rejects_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        discover([tmp_path / "nope"])


def test_load_makes_paths_relative_to_root(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "x" / "p.asciidoc", PAGE)
    (document,) = load([tmp_path / "docs"], root=tmp_path)
    assert document.path == "docs/x/p.asciidoc" and document.title == "Title"
    assert document.examples[0].span.path == "docs/x/p.asciidoc"


def test_undecodable_file_is_a_document_with_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.asciidoc", b"ok line\nbad \xff byte\n")
    document = load_file(path, tmp_path)
    (error,) = document.diagnostics
    assert document.format is Format.ASCIIDOC and error.code == "not-utf8"
    assert (error.span.line, error.span.column) == (2, 5)


def test_a_bad_byte_after_a_bom_is_placed_in_the_file_as_it_is(tmp_path: Path) -> None:
    # the BOM's three bytes count: the error names the bad byte and its line and column in the file
    path = write(tmp_path / "bom.asciidoc", b"\xef\xbb\xbfok line\nbad \xff byte\n")
    (error,) = load_file(path, tmp_path).diagnostics
    assert error.code == "not-utf8" and "(byte 0xff)" in error.message
    assert (error.span.line, error.span.column) == (2, 5) and error.source_line == "bad \ufffd byte"


@pytest.mark.parametrize("name,data,line,column", [
    # Elasticsearch's build reads an AsciiDoc page with Java's line reader: a lone CR ends a line, a CRLF one
    ("cr.asciidoc", b"one\rtwo\rbad \xff\r", 3, 5),
    ("crlf.asciidoc", b"one\r\ntwo\r\nbad \xff\r\n", 3, 5),
    # ... and a form feed, a NEL or U+2028 ends none (str.splitlines would end one at each)
    ("ff.asciidoc", "one\x0ctwo\u2028three\x85\nbad ".encode("utf-8") + b"\xff\n", 2, 5),
    # an RST page is split as its parser splits it (str.splitlines): a form feed ends a line there
    ("ff.rst", b"Title\n=====\n\none\x0cbad \xff\n", 5, 5),
    # the column counts characters, as every other span's column does (not bytes)
    ("wide.asciidoc", "caf\u00e9 \u00e9t\u00e9 ".encode("utf-8") + b"\xff\n", 1, 10),
])
def test_a_bad_bytes_line_and_column_are_counted_as_the_pages_parser_counts_them(
        tmp_path: Path, name: str, data: bytes, line: int, column: int) -> None:
    path = write(tmp_path / name, data)
    (error,) = load_file(path, tmp_path).diagnostics
    assert error.code == "not-utf8" and (error.span.line, error.span.column) == (line, column)
    assert error.source_line.startswith("bad \ufffd") or name == "wide.asciidoc"


def test_bom_is_ignored(tmp_path: Path) -> None:
    document = load_file(write(tmp_path / "bom.asciidoc", "\ufeff" + PAGE), tmp_path)
    assert document.title == "Title" and not document.diagnostics


def test_unreadable_file_is_a_document_with_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "dir.asciidoc"
    folder.mkdir()  # a folder named like a page: reading it fails
    document = load_file(folder, tmp_path)
    assert [d.code for d in document.diagnostics] == ["unreadable-file"]


def test_parser_table() -> None:
    assert {".asciidoc", ".adoc", ".rst", ".html", ".htm"} <= set(PARSERS)
    assert parser_for("a/b.ADOC") is PARSERS[".adoc"] and parser_for("a.b/c") is None
    with pytest.raises(ValueError, match="no parser"):
        parse("", "x.txt")


def test_a_parser_bug_becomes_an_error_diagnostic_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_parser(text: str, path: str) -> Document:
        raise IndexError("list index out of range")

    monkeypatch.setitem(PARSERS, ".adoc", broken_parser)  # a parser with a bug, to exercise the guard
    document = load_file(write(tmp_path / "p.adoc", PAGE), tmp_path)
    (error,) = document.diagnostics
    assert error.code == "parser-crash" and "IndexError" in error.message and document.path == "p.adoc"


CAT_PAGE = ("= Cat\n\nNOTE: Experimental.\n\nThe health of the cluster:\n\n[source,js]\n----\nGET _cat/health\n----\n"
            "// CONSOLE\n\n[source,txt]\n----\nepoch status\n----\n// TESTRESPONSE[_cat]\n")


def test_a_registry_entry_takes_the_rules_and_adds_captions_and_notices() -> None:
    from harness.parsers.dialect import Dialect

    auto = parse(CAT_PAGE, "cat.asciidoc")
    strict = PARSERS[".asciidoc"](CAT_PAGE, "cat.asciidoc", Dialect("6.8"))
    assert not [d for d in auto.diagnostics if d.level.value == "error"]
    assert [d for d in strict.diagnostics if d.level.value == "error"]  # _cat is not in the 6.8 grammar
    assert parse(CAT_PAGE, "cat.asciidoc", Dialect("6.8")) == strict
    for document in (auto, strict):  # both ways, the one registry function adds what readers are told
        assert document.examples[0].caption and document.notices


def test_pages_read_with_rules_go_through_the_registry_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.parsers.dialect import Dialect

    def broken_parser(text: str, path: str, rules: object = None) -> Document:
        raise IndexError(f"called with {rules!r}")

    monkeypatch.setitem(PARSERS, ".asciidoc", broken_parser)
    document = load_file(write(tmp_path / "cat.asciidoc", CAT_PAGE), tmp_path, dialect=Dialect("6.8"))
    (error,) = document.diagnostics
    assert error.code == "parser-crash" and "rules='6.8'" in error.message
