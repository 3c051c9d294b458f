"""A real Sphinx build of docs_src through `docharness publish`, checked in the HTML with lxml.

Every documented operation has its page with the same sections, every example its
badge and code tabs, the endpoint index lists every path, the family indexes list
their pages, and a hostile HTML source renders as text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html

from harness.cli import main
from harness.model import Document, to_json
from harness.parsers.loader import load
from harness.publish.naming import slug
from harness.results import ExampleResult, Failure, FailureKind, Mismatch, Outcome, RunResult

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs_src"
SAMPLES = ROOT / "tests" / "samples" / "publish"
SECTIONS = ["Request", "Path parameters", "Query parameters", "Header parameters", "Request body",
            "Response fields", "Status codes", "Authorization", "Examples"]
STOP = "elasticsearch/rollup/stop-job.asciidoc"


def seed_documents() -> list[Document]:
    return load([DOCS / "elasticsearch", DOCS / "cloud"], root=DOCS)


def seed_results(documents: list[Document]) -> RunResult:
    """Passed, failed and skipped results for the rollup stop page; the rest were not run."""
    stop = next(d for d in documents if d.path == STOP)
    first, second = stop.tests[:2]
    failure = Failure(FailureKind.BODY, "the body differs from the page", second.span,
                      diff=(Mismatch("$.error.type", '"resource_not_found_exception"', '"index_not_found"'),))
    return RunResult(results=(
        ExampleResult(STOP, first.name, first.span, Outcome.PASSED, target="reference=http://127.0.0.1:4000",
                      started="2026-11-22T17:00:00Z", checked="exact", reference_server=True),
        ExampleResult(STOP, second.name, second.span, Outcome.FAILED, reason="body differs", failures=(failure,)),
    ), targets=("reference=http://127.0.0.1:4000",), started="2026-11-22T17:00:00Z", finished="2026-11-22T17:00:01Z")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Document]]]:
    out = tmp_path_factory.mktemp("publish")
    documents = seed_documents()
    results = out / "results.json"
    results.write_text(to_json(seed_results(documents)), encoding="utf-8")
    code = main(["publish", "--config", str(DOCS / "docharness.toml"), "--results", str(results), "--out", str(out),
                 "--source-url", "https://example.invalid/src/{path}#L{line}",
                 str(DOCS / "elasticsearch"), str(DOCS / "cloud")])
    assert code == 0
    yield out, documents


def page(out: Path, name: str) -> html.HtmlElement:
    return html.parse(str(out / "site" / name)).getroot()


def find(root: html.HtmlElement, selector: str) -> list[html.HtmlElement]:
    """Tiny ``tag.class [tag]`` selector on XPath (cssselect is not a dependency)."""
    path = "."
    for step in selector.split():
        tag, _, cls = step.partition(".")
        cond = "".join(f"[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in cls.split(".") if c)
        path += f"//{tag or '*'}{cond}"
    return list(root.xpath(path))


def text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def pages_by_document(out: Path) -> dict[str, list[tuple[str, html.HtmlElement]]]:
    """Every built operation page, grouped by the source document its "Documented in" line names."""
    pages: dict[str, list[tuple[str, html.HtmlElement]]] = {}
    for built in sorted((out / "site" / "ops").glob("*.html")):
        root = html.parse(str(built)).getroot()
        origin = text(find(root, "p.docharness-origin")[0])
        document = origin.split(": ", 1)[1].rsplit(":", 1)[0]
        pages.setdefault(document, []).append((f"ops/{built.name}", root))
    return pages


def test_every_operation_has_its_page_with_the_same_sections(site: tuple[Path, list[Document]]) -> None:
    out, documents = site
    pages = pages_by_document(out)
    operations = [(d, op) for d in documents for op in d.operations]
    assert len(operations) >= 5
    for document, operation in operations:
        found = [root for _, root in pages[document.path]
                 if text(find(root, "pre")[0]) == f"{operation.method} {operation.path}"]
        assert len(found) == 1, (document.path, operation.method, operation.path)
        (root,) = found
        assert text(find(root, "h1")[0]).rstrip("¶ ").strip().startswith(operation.title or document.title)
        headings = [text(h).rstrip("¶").strip() for h in find(root, "h2")]
        # always in the same order; a section the page documents nothing for is left out
        assert headings == [s for s in SECTIONS if s in headings] and headings[0] == "Request", document.path
        assert ("Status codes" in headings) == bool(operation.status_codes)
        body = text(find(root, "div.body")[0])
        assert "documented." not in body and "Notes for writers" not in body  # notes are on their own page
    assert sum(len(v) for v in pages.values()) == len(operations) + sum(not d.operations for d in documents)


def test_every_example_has_badge_tabs_and_source_link(site: tuple[Path, list[Document]]) -> None:
    out, documents = site
    pages = pages_by_document(out)
    for document in documents:
        blocks = [b for _, root in pages[document.path] for b in find(root, "div.docharness-example")]
        assert len(blocks) == len(document.examples), document.path
        by_line = {e.span.line: e for e in document.examples}
        for block in blocks:
            link = find(block, "a.docharness-source-link")[0]
            path, line = text(link).rsplit(":", 1)
            example = by_line[int(line)]
            assert path == document.path and link.get("href") == f"https://example.invalid/src/{document.path}#L{line}"
            assert len(find(block, ".docharness-badge")) == 1
            tabs = [c for t in find(block, "div.docharness-tab") for c in t.get("class").split() if "-lang-" in c]
            assert tabs == (["docharness-lang-documented", "docharness-lang-curl", "docharness-lang-python"]
                            if example.requests else [])


def test_badges_come_from_the_results(site: tuple[Path, list[Document]]) -> None:
    out, documents = site
    pages = pages_by_document(out)
    stop = [root for _, root in pages[STOP]]
    badges = [text(b) for root in stop for b in find(root, ".docharness-badge")]
    assert badges == ["verified (exact match) against the built-in reference implementation (not a real service) "
                      "on 2026-11-22", "failed: body differs"]
    failure = text(find(stop[0], ".docharness-failure")[0])
    assert '$.error.type: expected "resource_not_found_exception", got "index_not_found"' in failure
    for document in documents:
        if document.path == STOP:
            continue
        by_line = {e.span.line: e for e in document.examples}
        for _, root in pages[document.path]:
            for block in find(root, "div.docharness-example"):
                example = by_line[int(text(find(block, "a.docharness-source-link")[0]).rsplit(":", 1)[1])]
                if example.role.value == "test" and example.requests:
                    expected = f"skipped: {example.skip}" if example.skip is not None else "not run"
                    assert text(find(block, ".docharness-badge")[0]) == expected, (document.path, example.name)


def test_code_tabs_hold_env_references_never_secret_values(site: tuple[Path, list[Document]]) -> None:
    out, _ = site
    cdm = page(out, "ops/cloud-cdm-stopping-a-job.html")
    curl = text(find(cdm, "div.docharness-lang-curl pre")[0])
    python = text(find(cdm, "div.docharness-lang-python pre")[0])
    assert '-H "X-Auth-Token: $DOCHARNESS_TOKEN"' in curl
    assert '"X-Auth-Token": os.environ["DOCHARNESS_TOKEN"]' in python


def test_endpoint_index_lists_every_path(site: tuple[Path, list[Document]]) -> None:
    out, documents = site
    table = text(page(out, "http-routingtable.html"))
    for document in documents:
        for operation in document.operations:
            assert f"{operation.method} /{operation.path.lstrip('/')}" in table


def test_index_by_family(site: tuple[Path, list[Document]]) -> None:
    out, documents = site
    index = page(out, "index.html")
    assert {"Elasticsearch", "Cloud services"} <= {text(a) for a in find(index, "a.reference.internal")}
    pages = pages_by_document(out)
    for family in ("elasticsearch", "cloud"):
        listed = {a.get("href") for a in find(page(out, f"{family}.html"), "div.toctree-wrapper a")}
        for area in [h for h in listed if h.startswith("areas/")]:  # big families index by area first
            listed.remove(area)
            listed |= {"ops/" + a.get("href").rsplit("/", 1)[1] for a in find(page(out, area), "div.toctree-wrapper a")}
        expected = {name for d in documents if d.path.startswith(family + "/") for name, _ in pages[d.path]}
        assert listed == expected, family


def test_same_input_builds_byte_identical_sources(site: tuple[Path, list[Document]], tmp_path: Path) -> None:
    out, _ = site
    code = main(["publish", "--config", str(DOCS / "docharness.toml"), "--results", str(out / "results.json"),
                 "--out", str(tmp_path), str(DOCS / "elasticsearch"), str(DOCS / "cloud")])
    assert code == 0
    first = {p.relative_to(out / "site-src"): p.read_bytes() for p in (out / "site-src").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "site-src"): p.read_bytes() for p in (tmp_path / "site-src").rglob("*")
              if p.is_file()}
    assert first == second


def test_hostile_html_source_renders_as_text(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source / "cloud")
    assert main(["publish", "--out", str(tmp_path / "out"), str(source / "cloud")]) == 0
    (built_page,) = (tmp_path / "out" / "site" / "ops").glob("*xss.html")
    built = built_page.read_text(encoding="utf-8")
    root = html.fromstring(built)
    scripts = [s for s in root.iter("script") if "alert" in (s.text or "") or not s.get("src")]
    assert all("alert" not in (s.text or "") for s in scripts)
    assert not find(root, "iframe") and not root.xpath("//*[@onclick or @onerror]")
    assert "Name of the queue <script>alert('escaped-in-cell')</script>" in text(root)
    assert "Deleting a Queue <img src=x onerror=alert(1)>" in text(root)


def test_usage_errors_exit_2_and_build_failures_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "results.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["publish", "--results", str(bad), "--out", str(tmp_path), str(SAMPLES)]) == 2
    assert "cannot read the results" in capsys.readouterr().err
    assert main(["publish", "--out", str(tmp_path), str(tmp_path / "missing")]) == 2
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "site").write_text("a file where the site should go", encoding="utf-8")
    assert main(["publish", "--out", str(tmp_path / "blocked"), str(SAMPLES)]) == 1
    assert "Sphinx build failed" in capsys.readouterr().err


def test_notes_for_writers_have_their_own_page(site: tuple[Path, list[Document]]) -> None:
    out, documents = site
    noted = [d for d in documents if d.diagnostics]
    assert noted
    notes = page(out, "writers.html")
    body = text(find(notes, "div.body")[0])
    for document in noted:
        assert f"{document.diagnostics[0].span.path}:{document.diagnostics[0].span.line}" in body
    links = {a.get("href") for a in find(notes, "div.body")[0].xpath(".//h2//a[not(@class='headerlink')]")}
    assert len(links) == len(noted) and all(h.startswith("ops/") for h in links)
    assert "writers.html" in {a.get("href") for a in find(page(out, "index.html"), "div.toctree-wrapper a")}


def test_titles_in_the_index_are_unique(site: tuple[Path, list[Document]]) -> None:
    out, _ = site
    titles = [text(a) for a in find(page(out, "cloud.html"), "div.toctree-wrapper a")]
    assert len(titles) == len(set(titles)) and "Deleting a Job (CDM)" in titles and "Deleting a Job (DLI)" in titles


def test_no_file_link_to_the_builders_machine_by_default(tmp_path: Path) -> None:
    assert main(["publish", "--config", str(DOCS / "docharness.toml"), "--out", str(tmp_path),
                 str(DOCS / "cloud" / "cdm")]) == 0
    built = (tmp_path / "site" / "ops" / "cloud-cdm-stopping-a-job.html").read_text(encoding="utf-8")
    assert "file://" not in built and str(DOCS) not in built
    assert "cloud/cdm/stopping_a_job.rst:" in text(html.fromstring(built))


def test_a_team_sets_its_own_theme_and_source_links_in_the_config(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "cloud" / "cdm", docs / "cloud" / "cdm")
    (docs / "docharness.toml").write_text(
        '[docharness]\nsources = ["cloud"]\n\n[publish]\ntheme = "classic"\n'
        'source_url = "https://example.invalid/team/{path}#L{line}"\n', encoding="utf-8")
    assert main(["publish", "--config", str(docs / "docharness.toml"), "--out", str(tmp_path / "out")]) == 0
    built = page(tmp_path / "out", "ops/cloud-cdm-stopping-a-job.html")
    assert built.xpath("//link[contains(@href, 'classic.css')]")
    links = {a.get("href") for a in find(built, "a.docharness-source-link")}
    assert links and all(h.startswith("https://example.invalid/team/cloud/cdm/stopping_a_job.rst#L") for h in links)


def test_examples_are_captioned_by_their_prose_and_notices_shown(site: tuple[Path, list[Document]]) -> None:
    out, _ = site
    stop = page(out, "ops/elasticsearch-rollup-stop-job.html")
    captions = [text(c) for c in find(stop, ".docharness-caption")]
    assert captions[0] == "If we have an already-started rollup job named sensor, it can be stopped with"
    assert not [c for c in captions if c.startswith("line_")]
    (notice,) = find(stop, ".docharness-notice-experimental")
    assert text(notice).startswith("Experimental This functionality is experimental")


def test_an_endpoint_two_pages_document_is_listed_once_for_the_first(site: tuple[Path, list[Document]]) -> None:
    out, _ = site
    table = page(out, "http-routingtable.html")
    links = [a.get("href") for a in table.xpath("//a") if text(a) == "POST /_xpack/ml/anomaly_detectors/<job_id>/_close"]
    assert len(links) == 1 and links[0].startswith("ops/elasticsearch-ml-close-job.html#")
