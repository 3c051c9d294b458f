"""The extension in a third-party project, on a source of each format: real Sphinx builds.

``docharness-examples`` must show the examples of an AsciiDoc, an RST and an HTML
page alike (an RST page used to show nothing inside Sphinx: Sphinx's own role
lookup took over the page's ``:ref:`` roles and failed without an environment), and
a source that yields no example is a Sphinx warning, so a ``-W`` build fails.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from lxml import html
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

ROOTS = Path(__file__).resolve().parents[1] / "roots"


def build(tmp_path: Path, *, strict: bool = False, **overrides: object) -> tuple[int, Path, str]:
    source = tmp_path / "src"
    if not source.exists():
        shutil.copytree(ROOTS / "test-formats", source)
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     confoverrides=dict(overrides), status=None, warning=warnings, freshenv=True,
                     warningiserror=strict)
        try:
            app.build()
        except Exception as exc:  # -W turns the first warning into an error
            warnings.write(f"\n{type(exc).__name__}: {exc}")
            return 1, tmp_path / "html", warnings.getvalue()
    return app.statuscode, tmp_path / "html", warnings.getvalue()


def examples(page: Path) -> list[html.HtmlElement]:
    root = html.parse(str(page)).getroot()
    return list(root.xpath("//*[contains(concat(' ', @class, ' '), ' docharness-example ')]"))


def test_every_format_shows_its_examples_and_the_build_is_clean_under_W(tmp_path: Path) -> None:
    status, out, warnings = build(tmp_path, strict=True)
    assert status == 0, warnings
    assert warnings == ""
    for name in ("asciidoc", "rst", "html"):
        shown = examples(out / f"{name}.html")
        assert shown, f"{name}: no example rendered"
        text = " ".join(shown[0].text_content().split())
        assert "No examples documented" not in text and "Values" not in text
    rst = " ".join(examples(out / "rst.html")[0].text_content().split())
    assert "PUT /v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/" in rst
    page = (out / "html.html").read_text(encoding="utf-8")
    assert "DELETE /v1.0/" in page


def test_a_source_without_examples_is_a_warning_and_fails_W(tmp_path: Path) -> None:
    shutil.copytree(ROOTS / "test-formats", tmp_path / "src")
    (tmp_path / "src" / "pages" / "prose.rst").write_text("Prose\n=====\n\nNo request anywhere.\n", encoding="utf-8")
    (tmp_path / "src" / "rst.rst").write_text("R\n=\n\n.. docharness-examples:: pages/prose.rst\n", encoding="utf-8")
    status, _, warnings = build(tmp_path)
    assert status == 0
    assert "rst.rst:4" in warnings and "pages/prose.rst yields no examples" in warnings
    status, _, warnings = build(tmp_path, strict=True)
    assert status != 0 and "yields no examples" in warnings



@pytest.mark.parametrize("extensions", [["harness.sphinx", "sphinxcontrib.httpdomain"],
                                        ["sphinxcontrib.httpdomain", "harness.sphinx"]])
def test_coexists_with_httpdomain_in_either_order(tmp_path: Path, extensions: list[str]) -> None:
    shutil.copytree(ROOTS / "test-formats", tmp_path / "src")
    (tmp_path / "src" / "own.rst").write_text(
        "Hand-written\n============\n\n.. http:get:: /things/(int:thing_id)\n\n   A thing.\n\n"
        "See :http:get:`/things/(int:thing_id)`, "
        ":http:put:`/v1.1/{project_id}/clusters/{cluster_id}/cdm/job/{job_name}/stop` and "
        ":http:endpoint:`DELETE /v1.0/{project_id}/streaming/jobs/{job_id}`.\n", encoding="utf-8")
    index = tmp_path / "src" / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   own\n", encoding="utf-8")
    status, out, warnings = build(tmp_path, strict=True, extensions=extensions)
    assert status == 0 and warnings == "", warnings
    table = " ".join(html.parse(str(out / "http-routingtable.html")).getroot().text_content().split())
    for endpoint in ("GET /things/(int:thing_id)", "POST /_queue/<name>/_purge",
                     "PUT /v1.1/{project_id}/clusters/{cluster_id}/cdm/job/{job_name}/stop",
                     "DELETE /v1.0/{project_id}/streaming/jobs/{job_id}"):
        assert endpoint in table, endpoint
    links = {a.get("href") for a in html.parse(str(out / "own.html")).getroot().xpath("//p//a")}
    assert {h.split("#")[0] for h in links} == {"", "rst.html", "html.html"}
