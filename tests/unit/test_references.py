"""A construct that would read another file or URL is said at its line and never read (every format).

RST ``include`` / ``literalinclude`` / ``raw :file: :url:`` / ``csv-table :file: :url:``, AsciiDoc
``include::`` (with attributes too) and HTML ``<iframe>`` / ``<object>`` / ``<embed>`` are
``include-not-read`` warnings; images, stylesheets and scripts that could only come from outside the
page's folder are ``outside-reference`` warnings. The targets are real files holding a planted
secret, so a read would show in the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.model import Document, Level, to_json
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.html import parse_html
from harness.parsers.references import leaves_folder, local_file
from harness.parsers.rst import parse_rst

SECRET = "planted-outside-secret-7f3a"


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    target = tmp_path / "outside"
    target.mkdir()
    (target / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (target / "secret.csv").write_text(f"a,{SECRET}\n", encoding="utf-8")
    return target


def _found(document: Document) -> list[tuple[str, int]]:
    assert SECRET not in to_json(document), "a file a page points to was read"
    return [(d.code, d.span.line) for d in document.diagnostics if d.code in ("include-not-read",
                                                                            "outside-reference",
                                                                            "include-not-inserted")]


def test_rst_constructs_that_read_files_are_warned_at_their_line(outside: Path) -> None:
    secret = outside / "secret.txt"
    text = (f"Title\n=====\n\n.. literalinclude:: {secret}\n\n.. raw:: html\n   :file: {secret}\n\n"
            f".. raw:: html\n   :url: file://{secret}\n\n.. include:: {secret}\n\n"
            f".. csv-table:: t\n   :file: {outside / 'secret.csv'}\n\n.. csv-table:: u\n   :url: file://{secret}\n\n"
            f".. image:: ../outside/img.png\n\n.. figure:: {outside}/img.png\n\n   caption\n\n"
            f".. |logo| image:: file://{outside}/logo.png\n\n.. image:: pictures/in-tree.png\n\n"
            ".. raw:: html\n\n   <b>inline raw: no file</b>\n\n.. literalinclude:: examples/page.rst\n\n"
            ".. literalinclude:: examples/body.json\n")
    found = _found(parse_rst(text, "docs/page.rst"))
    assert found == [("include-not-read", 4), ("include-not-read", 6), ("include-not-read", 9),
                     ("include-not-read", 12), ("include-not-read", 14), ("include-not-read", 17),
                     ("outside-reference", 26),
                     ("include-not-inserted", 34), ("include-not-read", 36)]


def test_a_csv_table_written_on_the_page_is_still_read() -> None:
    document = parse_rst("T\n=\n\n.. csv-table:: Status Codes\n   :header: Code, Meaning\n\n   200, OK\n", "p.rst")
    assert [d.code for d in document.diagnostics] == []


def test_a_code_block_with_sphinx_options_is_still_an_example() -> None:
    """docutils reads no option under an empty option spec: ``:linenos:`` became a second argument and the
    block was lost with a markup warning (found while registering the reading directives)."""
    text = ("T\n=\n\nExample Request\n---------------\n\n.. code-block:: json\n   :linenos:\n   :caption: x\n\n"
            "   POST /v1/jobs\n   {\"a\": 1}\n")
    document = parse_rst(text, "p.rst")
    assert [d.code for d in document.diagnostics if d.level is not Level.INFO] == []
    assert [(r.method, r.path, r.span.line) for r in document.examples[0].requests] == [("POST", "/v1/jobs", 11)]


def test_asciidoc_includes_are_never_inserted_and_said(outside: Path) -> None:
    text = ("= Page\n\ninclude::../outside/secret.txt[]\n\ninclude::{docdir}/../outside/secret.txt[lines=1]\n\n"
            f"include::{outside}/secret.txt[]\n\ninclude::{{es-repo-dir}}/x.asciidoc[]\n\n"
            "include::https://example.invalid/x.adoc[]\n\ninclude::chapter/one.asciidoc[]\n\n"
            "\\include::escaped.txt[]\n\n[source,js]\n----\ninclude::../outside/secret.txt[]\n----\n"
            f"// CONSOLE\n\nimage::{outside}/img.png[]\n\nimage::../pictures/x.png[]\n\n....\nimage::/etc/x[]\n....\n")
    document = parse_asciidoc(text, "docs/page.asciidoc")
    assert _found(document) == [("include-not-read", 3), ("include-not-read", 5), ("include-not-read", 7),
                                ("include-not-inserted", 9), ("include-not-read", 11), ("include-not-inserted", 13),
                                ("include-not-read", 19), ("outside-reference", 23)]
    said = {d.span.line: d.message for d in document.diagnostics}
    # a page behind an attribute, as Elasticsearch's docs include their shared pages: read on its own, as there
    assert "the attribute is the site build's" in said[9]
    assert "neither tested nor published" in said[3]  # a text file: its content is lost here
    levels = {d.code: d.level for d in document.diagnostics}
    assert levels["include-not-inserted"] is Level.INFO and levels["include-not-read"] is Level.WARNING


def test_asciidoc_image_lines_are_read_outside_delimited_blocks_only() -> None:
    """A block image is a reference outside every delimited block (listing, literal, passthrough, comment): a
    block ends at the same delimiter only (a longer run of '-' inside a listing is its text), whatever the
    Elasticsearch scanner makes of the fences; include:: is read anywhere, and each is said in page order."""
    text = ("= Page\n\nimage::/a.png[]\n\n----\nimage::/b.png[]\n------\nimage::/c.png[]\ninclude::in.txt[]\n----\n"
            "image::/d.png[]\n\n////\nimage::/e.png[]\n////\n++++\nimage::/f.png[]\n++++\n....\n....\n"
            "image::file:///g.png[]\nimage::rel/h.png[]\n  image::/i.png[]\nimages::/j.png[]\ninclude::last.txt[]\n")
    document = parse_asciidoc(text, "docs/page.asciidoc")
    assert _found(document) == [("outside-reference", 3), ("include-not-read", 9), ("outside-reference", 11),
                                ("outside-reference", 21), ("include-not-read", 25)]


@pytest.mark.parametrize("target,level", [
    ("{es-repo-dir}/rest-api/common-parms.asciidoc[tag=index]", Level.INFO),
    ("{xes-repo-dir}/ml/x.adoc[]", Level.INFO),
    ("{es-repo-dir}/../../../etc/x.asciidoc[]", Level.WARNING),  # climbs out of whatever the attribute is
    ("{es-repo-dir}/settings.json[]", Level.WARNING),  # not a page: its content is lost here
    ("x{es-repo-dir}/y.asciidoc[]", Level.WARNING),  # the attribute is not where the path starts
    ("{attr}/{other}.html[]", Level.INFO),
])
def test_a_page_included_from_an_attribute_is_a_note_and_anything_else_a_warning(target: str, level: Level) -> None:
    document = parse_asciidoc(f"= Page\n\ninclude::{target}\n", "docs/page.asciidoc")
    assert [(d.level, d.span.line) for d in document.diagnostics if d.code.startswith("include-")] == [(level, 3)]


def test_html_embeds_and_outside_files_are_warned_and_entities_not_read(outside: Path) -> None:
    secret = outside / "secret.txt"
    text = (f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n'
            f'<html><head><link rel="stylesheet" href="file://{secret}">\n<link href="style.css"></head><body>\n'
            f'<h1>Stop &e;</h1>\n<iframe src="../outside/secret.txt"></iframe>\n<object data="file://{secret}">'
            f'</object>\n<embed src="{secret}">\n<img src="file://{outside}/img.png">\n'
            '<img src="public_sys-resources/note.png"><img src="https://example.invalid/x.png">\n'
            f'<script src="{secret}"></script>\n</body></html>\n')
    found = _found(parse_html(text, "docs/page.html"))
    # a leading "/" is the site's root: only file: URLs name the building machine's files
    assert found == [("outside-reference", 2), ("include-not-read", 5), ("include-not-read", 6),
                     ("include-not-read", 7), ("outside-reference", 8)]


@pytest.mark.parametrize(("target", "outside"), [
    ("../x.png", True), ("a/../../x.png", True), ("/etc/passwd", True), ("file:///etc/passwd", True),
    ("C:\\x.png", True), ("~/x", True), ("a/../b.png", False), ("b.png", False), ("https://h/x.png", False),
    ("//h/x.png", False), ("data:image/png;base64,AAAA", False), ("#top", False), ("", False)])
def test_what_leaves_the_page_folder(target: str, outside: bool) -> None:
    assert leaves_folder(target) is outside


@pytest.mark.parametrize(("target", "rooted", "local"), [
    ("file:///etc/x.png", True, True), ("FILE:/x", False, True), ("/etc/x.png", False, True),
    ("/_static/images/x.png", True, False), ("C:\\x.png", False, True), ("../../images/x.png", False, False),
    ("https://h/x.png", False, False), ("pictures/x.png", True, False)])
def test_what_names_a_file_on_the_building_machine(target: str, rooted: bool, local: bool) -> None:
    """Sphinx reads ``/_static/x.png`` from its source root and a browser ``/x.png`` from the site's root: in the
    tree; a relative ``..`` path is not judged (in most trees it stays inside, and nothing is read either way)."""
    assert local_file(target, rooted_in_tree=rooted) is local
