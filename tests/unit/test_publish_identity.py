"""Results and pages name a document the same way: the path relative to the docs root."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.model import Document, Format, Span
from harness.publish.identity import align_results, document_identity
from harness.results import ExampleResult, Outcome, RunResult


def result(document: str) -> ExampleResult:
    return ExampleResult(document, "line_3", Span(document, 3), Outcome.PASSED)


def test_a_cwd_relative_path_becomes_root_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs" / "cloud").mkdir(parents=True)
    (tmp_path / "docs" / "cloud" / "a.rst").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert document_identity("docs/cloud/a.rst", tmp_path / "docs") == "cloud/a.rst"
    assert document_identity("cloud/a.rst", tmp_path / "docs") == "cloud/a.rst"
    assert document_identity("/elsewhere/b.rst", tmp_path / "docs") == "/elsewhere/b.rst"


def test_results_are_rekeyed_to_the_documents_and_strangers_reported(tmp_path: Path) -> None:
    documents = [Document("cloud/cdm/a.rst", Format.RST), Document("cloud/dli/b.html", Format.HTML)]
    run = RunResult(results=(result("checkout/docs_src/cloud/cdm/a.rst"), result("cloud/dli/b.html"),
                             result("other/c.rst")))
    aligned, unmatched = align_results(run, documents, tmp_path)
    assert [r.document for r in aligned.results] == ["cloud/cdm/a.rst", "cloud/dli/b.html", "other/c.rst"]
    assert unmatched == ("other/c.rst",)


def test_an_ambiguous_suffix_matches_nothing(tmp_path: Path) -> None:
    documents = [Document("v1/a.rst", Format.RST), Document("v2/a.rst", Format.RST)]
    aligned, unmatched = align_results(RunResult(results=(result("a.rst"),)), documents, tmp_path)
    assert aligned.results[0].document == "a.rst" and unmatched == ("a.rst",)
