"""Parser diagnostics reach replay's output: the terminal (before progress), results.json, error items."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
# a console snippet, then a listing without a language: warning[missing-language] at line 8
UNLABELLED = """\
[source,js]
----
GET _xpack/rollup/job/_all
----
// CONSOLE

The answer:
----
{"jobs": []}
----
"""


def project(tmp_path: Path, pages: dict[str, str]) -> Path:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "docharness.toml").write_text("", encoding="utf-8")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_warnings_and_errors_print_before_progress_and_go_to_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"a-unlabelled.asciidoc": UNLABELLED})
    shutil.copy(REPO / "tests/samples/asciidoc/bad-console-body.asciidoc", root / "docs_src" / "b-bad.asciidoc")
    monkeypatch.chdir(root)
    assert main(["replay", "--report", "r.json"]) == 1
    out = capsys.readouterr().out
    first_progress = out.index("docs_src/a-unlabelled.asciidoc .")
    warning = out.index("warning[missing-language]: code block without a language")
    error = out.index("error[bad-console-body]: this console line is not part of any request")
    assert warning < error < first_progress
    assert "--> docs_src/a-unlabelled.asciidoc:8:1" in out[:first_progress]
    assert "--> docs_src/b-bad.asciidoc:7:1" in out[:first_progress]
    report = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert [(d["level"], d["code"], d["span"]["path"], d["span"]["line"]) for d in report["diagnostics"]] == [
        ("warning", "missing-language", "docs_src/a-unlabelled.asciidoc", 8),
        ("error", "bad-console-body", "docs_src/b-bad.asciidoc", 7)]
    # the error-level diagnostic makes its example one error item, located at the diagnostic
    bad = {r["document"]: r for r in report["results"]}["docs_src/b-bad.asciidoc"]
    assert bad["outcome"] == "error" and bad["failures"][0]["kind"] == "invalid_example"
    assert bad["failures"][0]["span"]["line"] == 7
    assert "this console line is not part of any request" in bad["failures"][0]["message"]


def test_many_diagnostics_become_one_summary_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path, {f"page-{n}.asciidoc": UNLABELLED for n in range(6)}))
    assert main(["replay", "--report", "r.json"]) == 0
    out = capsys.readouterr().out
    assert "6 warnings in 6 documents; see docharness extract\n" in out
    assert "warning[missing-language]" not in out
    assert len(json.loads(Path("r.json").read_text(encoding="utf-8"))["diagnostics"]) == 6


def test_a_clean_page_prints_no_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path, {"clean.asciidoc": UNLABELLED.split("The answer:")[0]}))
    assert main(["replay", "--report", "r.json"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("1 passed, 0 failed, 0 error, 0 skipped in ")  # the summary has every count
    assert not any("warning" in line or "error" in line for line in out[:-1])
    assert json.loads(Path("r.json").read_text(encoding="utf-8"))["diagnostics"] == []
