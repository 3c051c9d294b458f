"""The pytest plugin parses pages through the extraction cache, chosen as the command line chooses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import harness.parsers.loader as loader

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
PAGES = ("elasticsearch/rollup/start-job.asciidoc", "elasticsearch/rollup/stop-job.asciidoc",
         "cloud/cdm/stopping_a_job.rst")


@pytest.fixture()
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for page in PAGES:
        (pytester.path / "docs" / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "docs_src" / page, pytester.path / "docs" / page)
    shutil.copy(REPO / "docs_src" / "docharness.toml", pytester.path / "docs" / "docharness.toml")
    monkeypatch.setenv("DOCHARNESS_TOKEN", "cache-token-5d1e")
    return pytester


def entries(folder: Path) -> list[Path]:
    return [p for p in (folder / "extract").rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_a_second_session_takes_every_page_from_the_cache(project: pytest.Pytester,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = project.runpytest("docs", "-p", "no:randomly", "--docharness-cache-dir", "cache")
    first.assert_outcomes(passed=_passed(first))
    assert len(entries(project.path / "cache")) == len(PAGES)

    def no_parsing(*args: object) -> None:
        raise AssertionError("a page was parsed again")

    monkeypatch.setattr(loader, "_parse", no_parsing)  # a tripwire: a cache miss would fail collection
    again = project.runpytest("docs", "-p", "no:randomly", "--docharness-cache-dir", "cache")
    again.assert_outcomes(passed=_passed(first))
    assert "parsed again" not in again.stdout.str()


def test_by_default_the_cache_sits_beside_the_config_and_no_cache_writes_none(project: pytest.Pytester) -> None:
    project.runpytest("docs", "--docharness-no-cache").assert_outcomes(passed=_passed(None, project))
    assert not (project.path / "docs" / ".docharness_cache").exists()
    project.runpytest("docs").assert_outcomes(passed=_passed(None, project))
    assert len(entries(project.path / "docs" / ".docharness_cache")) == len(PAGES)


def test_a_cache_that_cannot_be_written_is_a_note_and_the_pages_still_run(project: pytest.Pytester) -> None:
    (project.path / "blocked").write_text("a file where the cache folder should be\n", encoding="utf-8")
    result = project.runpytest("docs", "--docharness-cache-dir", "blocked")
    result.assert_outcomes(passed=_passed(result))
    result.stdout.fnmatch_lines(["docharness: note: the extraction cache could not be written (*blocked*"])


def _passed(result: pytest.RunResult | None, project: pytest.Pytester | None = None) -> int:
    """How many examples of the copied pages pass (they all do on the built-in reference server)."""
    if result is None:
        assert project is not None
        result = project.runpytest("docs", "--collect-only", "-q", "--docharness-no-cache")
        return sum(1 for line in result.stdout.lines if "::" in line)
    outcomes = result.parseoutcomes()
    assert not outcomes.get("failed") and not outcomes.get("errors"), result.stdout.str()
    return outcomes.get("passed", 0)
