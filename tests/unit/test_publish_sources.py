"""Model + results -> Sphinx sources: one page per operation, deterministic, page text never markup."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from harness.model import Document, Example, Format, Operation, Request, Span, to_json
from harness.publish.sources import GENERATED_MARK, Placement, plan_pages, site_sources
from harness.publish.site import write_sources
from harness.results import ExampleResult, Outcome, RunResult

HOSTILE = "Evil\n\n.. raw:: html\n\n   <script>alert(1)</script>\n\n`x`_ |sub| **b**"


def two_operation_document() -> Document:
    return Document(
        "cloud/jobs/jobs.rst", Format.RST, title=HOSTILE, description=HOSTILE,
        operations=(Operation("POST", "/v1/{project_id}/jobs/{job_id}/stop", title="Stop"),
                    Operation("DELETE", "/v1/{project_id}/jobs/{job_id}", title="Delete")),
        examples=(Example("line_10", Span("cloud/jobs/jobs.rst", 10), requests=(Request("DELETE", "/v1/p/jobs/7"),)),
                  Example("line_20", Span("cloud/jobs/jobs.rst", 20), requests=(Request("POST", "/v1/p/jobs/7/stop"),)),
                  Example("line_30", Span("cloud/jobs/jobs.rst", 30), requests=(Request("PUT", "/other"),))))


def test_one_page_per_operation_with_its_examples() -> None:
    pages = plan_pages([two_operation_document()], {"cloud/jobs/jobs.rst": Placement("cloud", "cloud/jobs/jobs.rst")})
    assert [(p.name, p.operation, p.examples) for p in pages] == [
        ("cloud-jobs-jobs", 0, (1, 2)),   # unmatched examples stay with the first operation
        ("cloud-jobs-jobs-2", 1, (0,)),
    ]
    assert {p.family for p in pages} == {"cloud"}


def test_document_without_operations_still_gets_a_page_under_other() -> None:
    (page,) = plan_pages([Document("../../etc/x.rst", Format.RST)])
    assert page.name == "etc-x" and page.family == "other" and page.operation is None


def test_sources_are_deterministic_and_hold_no_page_text() -> None:
    documents = [two_operation_document(), Document("elasticsearch/a.asciidoc", Format.ASCIIDOC, title="A")]
    run = RunResult(results=(ExampleResult("cloud/jobs/jobs.rst", "line_20", Span("cloud/jobs/jobs.rst", 20),
                                           Outcome.PASSED, started="2026-11-22T10:00:00Z"),))
    placements = {"cloud/jobs/jobs.rst": Placement("cloud"), "elasticsearch/a.asciidoc": Placement("elasticsearch")}
    first = site_sources(documents, run, placements)
    assert first == site_sources(list(documents), run, dict(placements))
    assert sorted(first) == ["cloud.rst", "conf.py", "elasticsearch.rst", "index.rst", "ops/cloud-jobs-jobs-2.json",
                             "ops/cloud-jobs-jobs-2.rst", "ops/cloud-jobs-jobs.json", "ops/cloud-jobs-jobs.rst",
                             "ops/elasticsearch-a.json", "ops/elasticsearch-a.rst"]
    for name, text in first.items():
        assert GENERATED_MARK in text.splitlines()[0] + text[:200], name
        if not name.endswith(".json"):
            assert "script" not in text and "raw::" not in text, name  # page text lives only in the JSON data
    data = json.loads(first["ops/cloud-jobs-jobs.json"])
    assert data["document"]["title"] == HOSTILE and data["results"][0]["name"] == "line_20"
    assert "2026-11-22" in first["ops/cloud-jobs-jobs.json"] and "2026" not in first["index.rst"]


def test_write_sources_rewrites_only_changed_files_and_removes_only_its_own(tmp_path: Path) -> None:
    files = {"conf.py": f"# {GENERATED_MARK}\n", "ops/a.rst": f".. {GENERATED_MARK}\n", "ops/b.json": GENERATED_MARK}
    assert sorted(write_sources(files, tmp_path).written) == sorted(files)
    past = time.time() - 100
    for name in files:
        os.utime(tmp_path / name, (past, past))
    (tmp_path / "notes.rst").write_text("a person's file\n", encoding="utf-8")
    changed = dict(files, **{"ops/a.rst": f".. {GENERATED_MARK}\nnew\n"})
    del changed["ops/b.json"]
    stats = write_sources(changed, tmp_path)
    assert stats.written == ["ops/a.rst"] and stats.unchanged == ["conf.py"] and stats.removed == ["ops/b.json"]
    assert (tmp_path / "conf.py").stat().st_mtime == past  # Sphinx sees it unchanged
    assert (tmp_path / "notes.rst").is_file()


def test_page_data_round_trips_the_model() -> None:
    from harness.model import from_data

    document = two_operation_document()
    files = site_sources([document], None, {document.path: Placement("cloud")})
    data = json.loads(files["ops/cloud-jobs-jobs.json"])
    assert from_data(Document, data["document"]) == document
    assert data["have_results"] is False and data["results"] == []
    assert json.loads(to_json(document)) == data["document"]


def test_a_big_family_is_indexed_by_area() -> None:
    documents = [Document(f"elasticsearch/{area}/op{n}.asciidoc", Format.ASCIIDOC, title=f"Op {n}")
                 for area in ("ml", "rollup") for n in range(40)]
    placements = {d.path: Placement("elasticsearch", d.path) for d in documents}
    files = site_sources(documents, None, placements)
    family = files["elasticsearch.rst"]
    assert "   areas/elasticsearch-ml\n   areas/elasticsearch-rollup\n" in family
    assert files["areas/elasticsearch-ml.rst"].startswith(f".. {GENERATED_MARK}\n\nElasticsearch: ML\n")
    listed = [line.strip() for name in ("areas/elasticsearch-ml.rst", "areas/elasticsearch-rollup.rst")
              for line in files[name].splitlines() if line.startswith("   /ops/")]
    assert sorted(listed) == sorted(f"/ops/elasticsearch-{a}-op{n}" for a in ("ml", "rollup") for n in range(40))
    small = site_sources(documents[:10], None, placements)
    assert "areas/elasticsearch-ml.rst" not in small and "   ops/elasticsearch-ml-op0\n" in small["elasticsearch.rst"]
