"""Nothing selected is not success: replay and run exit 5 (as pytest does) with a message saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_replay_cli import THREE, project

from harness.cli import main
from harness.server import ReferenceServer


def test_k_matching_nothing_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    fresh_reference_server: ReferenceServer,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path))
    assert main(["replay", "--target", fresh_reference_server.url, "-k", "nothing_matches"]) == 5
    assert main(["replay", "--dry-run", "-k", "nothing_matches"]) == 5
    err = capsys.readouterr().err
    assert "no test matched -k 'nothing_matches' in 1 document: nothing was replayed" in err


def test_an_empty_folder_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path))
    (tmp_path / "empty").mkdir()
    assert main(["replay", "empty"]) == 5
    assert "no documentation pages found in empty: nothing was replayed" in capsys.readouterr().err


def test_sources_matching_no_page_exit_5_for_replay_and_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, config='[docharness]\nsources = ["guides"]\n')
    (root / "docs_src" / "guides").mkdir()
    (root / "docs_src" / "guides" / "notes.txt").write_text("not a page\n", encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["replay"]) == 5
    assert main(["run", "--out", "generated"]) == 5
    err = capsys.readouterr().err
    assert err.count("no documentation pages found in the configured sources") == 2
    assert (root / "generated" / "results.json").is_file() and not (root / "generated" / "site").exists()


def test_pages_without_examples_exit_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path, page="= Title\n\nJust prose, no examples.\n"))
    assert main(["replay"]) == 5
    assert "the 1 document holds no examples: nothing was replayed" in capsys.readouterr().err


def test_a_run_with_tests_still_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        fresh_reference_server: ReferenceServer) -> None:
    monkeypatch.chdir(project(tmp_path, page=THREE))
    assert main(["replay", "--target", fresh_reference_server.url, "-k", "line_8"]) == 0
