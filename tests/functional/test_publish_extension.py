"""The Sphinx extension in another project: real builds of tests/roots/test-*/.

``extensions = ["harness.sphinx"]`` plus ``.. docharness-examples::`` renders the
examples of a source page with badges from a results file, lists its endpoint
in the routing table, resolves ``:http:endpoint:`` references, and stays quiet.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from lxml import html
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from harness.sphinx.extension import setup

ROOTS = Path(__file__).resolve().parents[1] / "roots"


def build(root: str, tmp_path: Path, **overrides: object) -> tuple[Path, str]:
    source = tmp_path / "src"
    shutil.copytree(ROOTS / root, source)
    warnings = io.StringIO()
    # as sphinx-build does: what a build registers in docutils stays inside the build
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     confoverrides=dict(overrides), status=None, warning=warnings, freshenv=True)
        app.build()
    assert app.statuscode == 0
    return tmp_path / "html", warnings.getvalue()


def classes(root: html.HtmlElement, name: str) -> list[html.HtmlElement]:
    return list(root.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"))


def words(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_examples_directive_renders_badges_tabs_and_diagnostics(tmp_path: Path) -> None:
    out, warnings = build("test-examples", tmp_path)
    assert warnings == ""
    root = html.parse(str(out / "index.html")).getroot()
    badges = [words(b) for b in classes(root, "docharness-badge")]
    assert badges == ["verified (exact match) against staging on 2026-11-20", "failed: status 200, expected 404"]
    assert "catch: expected a 404 (missing), got 200" in words(classes(root, "docharness-failure")[0])
    assert len(classes(root, "docharness-tabs")) == 2
    curl = words(classes(root, "docharness-lang-curl")[0].xpath(".//pre")[0])
    assert curl.startswith('curl -X POST "$DOCHARNESS_URL/_queue/orders/_purge"')
    notes = words(classes(root, "docharness-diagnostics")[0])
    assert "warning queues/purge-queue.asciidoc:38 the space before '[' makes this TEST line plain text" in notes
    link = classes(classes(root, "docharness-example")[0], "docharness-source-link")[0]
    assert link.get("href") == "https://example.invalid/docs/queues/purge-queue.asciidoc#L13"
    assert (out / "_static" / "docharness.js").is_file() and (out / "_static" / "docharness.css").is_file()
    assert root.xpath("//script[contains(@src, 'docharness.js')]")
    assert root.xpath("//script[contains(@src, 'copybutton.js')]")  # sphinx-copybutton comes with it


def test_endpoint_index_and_references(tmp_path: Path) -> None:
    out, warnings = build("test-examples", tmp_path)
    assert warnings == ""
    table = html.parse(str(out / "http-routingtable.html")).getroot()
    (entry,) = [a for a in table.xpath("//a") if "POST /_queue/<name>/_purge" in words(a)]
    anchor = entry.get("href").split("#", 1)[1]
    assert entry.get("href").startswith("index.html#")
    index = html.parse(str(out / "index.html")).getroot()
    (target,) = index.xpath(f"//*[@id='{anchor}']")
    block = target if target.get("class") else target.getparent()  # extra ids are spans inside their element
    assert "docharness-examples" in block.get("class")  # the index leads to the examples
    refs = [a for a in index.xpath("//a") if words(a) == "POST /_queue/<name>/_purge"]
    assert len(refs) == 2 and all(a.get("href") == f"#{anchor}" for a in refs)  # :http:endpoint: and :http:post:


def test_a_reference_to_an_undocumented_endpoint_warns_and_stays_text(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-examples", source)
    with (source / "index.rst").open("a", encoding="utf-8") as page:
        page.write("\nAnd :http:endpoint:`GET /_queue/<name>/_stats`.\n")
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "dt"), "html",
                     status=None, warning=warnings, freshenv=True)
        app.build()
    assert "index.rst:12" in warnings.getvalue() and "GET /_queue/<name>/_stats" in warnings.getvalue()
    index = html.parse(str(tmp_path / "html" / "index.html")).getroot()
    unresolved = [e for e in index.xpath("//code") if words(e) == "GET /_queue/<name>/_stats"]
    assert unresolved and unresolved[0].getparent().tag != "a"  # not documented: shown, not linked


def test_missing_results_file_warns_and_shows_not_run(tmp_path: Path) -> None:
    out, warnings = build("test-examples", tmp_path, docharness_results="nowhere.json")
    assert "cannot read results 'nowhere.json'" in warnings and "index.rst" in warnings
    root = html.parse(str(out / "index.html")).getroot()
    assert {words(b) for b in classes(root, "docharness-badge")} == {"not run: no results file"}


def test_extension_declares_parallel_safety_and_typed_config() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.config: dict[str, object] = {}

        def add_config_value(self, name: str, default: object, rebuild: str, types: object = (),
                             description: str = "") -> None:
            self.config[name] = (default, types)

        def __getattr__(self, name: str) -> object:
            return lambda *args, **kwargs: None

    recorder = Recorder()
    metadata = setup(recorder)  # type: ignore[arg-type]
    assert metadata["parallel_read_safe"] is True and metadata["parallel_write_safe"] is True
    assert all(name.startswith("docharness_") for name in recorder.config)
    assert all(types for _, types in recorder.config.values())


@pytest.mark.parametrize("argument", ["missing.asciidoc", "pages/unknown.txt"])
def test_bad_directive_arguments_warn_with_location(tmp_path: Path, argument: str) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-examples", source)
    (source / "pages" / "unknown.txt").write_text("hello\n", encoding="utf-8")
    (source / "index.rst").write_text(f"T\n=\n\n.. docharness-examples:: {argument}\n", encoding="utf-8")
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "dt"), "html",
                     status=None, warning=warnings, freshenv=True)
        app.build()
    assert "index.rst:4" in warnings.getvalue() and "docharness-examples" in warnings.getvalue()
