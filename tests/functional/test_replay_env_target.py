"""A target whose URL comes from the environment: sent there when set, "not run" with the reason when not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from test_replay_targets import GET_PAGE, page_server, project

pytest_plugins = ["pytester"]

CONFIG = """
[docharness]
default_target = "reference"

[targets.reference]
url = "embedded"

[targets.live]
url = { env = "DOCHARNESS_LIVE_URL" }

[[sources]]
paths = ["live/**"]
family = "elasticsearch"
target = "live"

[[sources]]
paths = ["local/**"]
family = "elasticsearch"
"""
LOCAL_PAGE = "[source,js]\n----\nGET _xpack/rollup/job/_all\n----\n// CONSOLE\n"


def report() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path("r.json").read_text(encoding="utf-8"))
    return data


def test_without_its_variable_the_live_pages_are_not_run_and_the_run_stays_green(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DOCHARNESS_LIVE_URL", raising=False)
    monkeypatch.chdir(project(tmp_path, CONFIG, {"live/get.asciidoc": GET_PAGE, "local/jobs.asciidoc": LOCAL_PAGE}))
    assert main(["replay", "--report", "r.json"]) == 0
    outcomes = {(r["document"].split("/")[1], r["name"]): (r["outcome"], r["reason"]) for r in report()["results"]}
    reason = "target 'live' has no URL: environment variable DOCHARNESS_LIVE_URL is not set"
    assert outcomes == {("live", "line_2"): ("not_run", reason), ("live", "line_14"): ("not_run", reason),
                        ("local", "line_2"): ("passed", "")}
    assert "live=unset" in report()["targets"]
    assert f"NOT RUN 2 tests: {reason}\n" in capsys.readouterr().out
    assert main(["replay", "--dry-run"]) == 0
    assert f"not run: {reason}" in capsys.readouterr().out


def test_with_its_variable_the_live_pages_go_to_that_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project(tmp_path, CONFIG, {"live/get.asciidoc": GET_PAGE}))
    with page_server() as pages:
        monkeypatch.setenv("DOCHARNESS_LIVE_URL", pages.url + "/")
        assert main(["replay", "--report", "r.json"]) == 0
    assert [path for _, path, _ in pages.seen] == ["/library/_doc/1?error_trace=true", "/library/_doc/2?error_trace=true"]
    assert [r["outcome"] for r in report()["results"]] == ["passed", "passed"]


def test_a_variable_that_is_not_a_url_is_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DOCHARNESS_LIVE_URL", "localhost:8081")
    monkeypatch.chdir(project(tmp_path, CONFIG, {"live/get.asciidoc": GET_PAGE}))
    assert main(["replay"]) == 2
    err = capsys.readouterr().err
    assert "docharness.toml:9: environment variable DOCHARNESS_LIVE_URL must hold an http(s) URL" in err
    assert "'localhost:8081'" in err


def test_the_pytest_plugin_skips_them_with_the_reason(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCHARNESS_LIVE_URL", raising=False)
    docs = pytester.path / "docs_src"
    (docs / "live").mkdir(parents=True)
    (docs / "live" / "get.asciidoc").write_text(GET_PAGE, encoding="utf-8")
    (docs / "docharness.toml").write_text(CONFIG, encoding="utf-8")
    result = pytester.runpytest_subprocess("docs_src", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED*target 'live' has no URL: environment variable DOCHARNESS_LIVE_URL is not set*"])


def test_a_run_where_no_test_ran_does_not_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Every selected page on the unset target: before, exit 0 ("0 passed, ..., 2 not run"), so a CI lane
    whose cluster URL was never exported went green having tested nothing. Now exit 5, as for no test."""
    monkeypatch.delenv("DOCHARNESS_LIVE_URL", raising=False)
    monkeypatch.chdir(project(tmp_path, CONFIG, {"live/get.asciidoc": GET_PAGE, "local/jobs.asciidoc": LOCAL_PAGE}))
    assert main(["replay", "--report", "r.json", "docs_src/live"]) == 5
    err = capsys.readouterr().err
    assert "no test ran (2 selected, none run): target 'live' has no URL" in err
    assert [r["outcome"] for r in report()["results"]] == ["not_run", "not_run"]  # the report is still written
    assert main(["run", "--out", "out"]) == 0  # with the local page run, the live ones stay "not run"
