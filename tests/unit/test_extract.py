"""``docharness extract``: the real command line on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.model import Document, from_data

REPO = Path(__file__).resolve().parents[2]
SEEDS = ["docs_src/elasticsearch/rollup/stop-job.asciidoc", "docs_src/elasticsearch/rollup/start-job.asciidoc",
         "docs_src/elasticsearch/ml/close-job.asciidoc"]


def test_seeds_extract_with_exit_0_and_a_summary(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["extract", *SEEDS]) == 0
    out, err = capsys.readouterr()
    assert "docs_src/elasticsearch/rollup/stop-job.asciidoc: 2 examples, 2 tests, 0 errors, 0 warnings" in out
    assert out.rstrip().endswith("3 documents: 5 examples, 5 tests, 0 errors, 1 warning")
    assert "--> docs_src/elasticsearch/ml/close-job.asciidoc:64:1" in err and "\x1b[" not in err


def test_json_prints_a_list_of_documents(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["extract", "--json", "docs_src/elasticsearch/rollup/stop-job.asciidoc"]) == 0
    (document,) = [from_data(Document, d) for d in json.loads(capsys.readouterr().out)]
    assert [e.name for e in document.tests] == ["line_42", "line_61"]


def test_errors_exit_1_and_render_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "broken.asciidoc"
    page.write_text("[source,js]\n----\nGET /\n----\n// CONSOLE\n// TEST[continued]\n", encoding="utf-8")
    assert main(["extract", "--root", str(tmp_path), str(page)]) == 1
    out, err = capsys.readouterr()
    assert "broken.asciidoc: 1 example, 0 tests, 1 error, 0 warnings" in out
    assert "error[continued-first]" in err and "--> broken.asciidoc:6:1" in err and "6 | // TEST[continued]" in err


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_quiet_shows_only_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.adoc"
    page.write_text("----\nlisting\n----\n", encoding="utf-8")
    assert main(["extract", "-q", str(page)]) == 0
    assert capsys.readouterr().err == ""


def test_console_script_runs_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "harness", "extract", *SEEDS[:2]], check=False,
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("2 documents: 4 examples, 4 tests, 0 errors, 0 warnings")


def test_the_whole_docs_src_tree_extracts_without_errors(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["extract", "docs_src"]) == 0, capsys.readouterr().err


def test_json_is_compact_into_a_pipe_and_indented_on_request(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    page = "docs_src/elasticsearch/rollup/stop-job.asciidoc"
    assert main(["extract", "--json", page]) == 0  # captured stdout is not a terminal
    compact = capsys.readouterr().out
    assert main(["extract", "--json", "--indent", "2", page]) == 0
    indented = capsys.readouterr().out
    assert compact.count("\n") == 1 and indented.count("\n") > 20
    assert json.loads(compact) == json.loads(indented)
