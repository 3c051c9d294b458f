"""The pytest plugin on live-cluster options: --docharness-config, --docharness-var, and where skips are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from live_server import live_server

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]

PAGE = """\
[source,js]
----
GET /jobs/{job_id}
----
// CONSOLE

[source,js]
----
DELETE /jars/{jar_id}
----
// CONSOLE
// TEST[skip:needs a real jar]
"""


def test_a_config_file_and_variables_from_the_command_line(pytester: pytest.Pytester) -> None:
    pages = pytester.path / "pages"
    pages.mkdir()
    (pages / "jobs.asciidoc").write_text(PAGE, encoding="utf-8")
    (pytester.path / "unrelated.asciidoc").write_text(PAGE, encoding="utf-8")  # no config covers it
    with live_server() as server:
        server.state.jobs["abc"] = {"jid": "abc", "state": "RUNNING"}
        config = pytester.path / "live" / "flink.toml"
        config.parent.mkdir()
        config.write_text(f'[docharness]\nsources = ["../pages"]\n[targets.live]\nurl = "{server.url}"\n'
                          '[[sources]]\npaths = ["**"]\nfamily = "cloud"\n[variables]\njob_id = "configured"\n',
                          encoding="utf-8")
        result = pytester.runpytest(".", "-rs", "-v", "-p", "no:randomly",
                                    f"--docharness-config={config}", "--docharness-var", "job_id=abc")
        sent = [r.path for r in server.state.received]
    result.assert_outcomes(passed=1, skipped=1)
    assert sent == ["/jobs/abc"]  # --docharness-var wins over [variables]
    result.stdout.fnmatch_lines(["pages/jobs.asciidoc::line_2 PASSED*",
                                 "SKIPPED [[]1[]] pages/jobs.asciidoc:8: needs a real jar"])
    assert "unrelated.asciidoc" not in result.stdout.str()


def test_a_bad_var_is_a_usage_error(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    result = pytester.runpytest("docs_src", "--docharness-var", "novalue")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--docharness-var: write NAME=VALUE*"])


def test_the_seed_skip_is_reported_at_its_page_line(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    result = pytester.runpytest("docs_src/elasticsearch/ml/close-job.asciidoc", "-rs", "-p", "no:randomly")
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] docs_src/elasticsearch/ml/close-job.asciidoc:57: todo"])
    assert "pytest_plugin.py" not in result.stdout.str()


def test_a_teardown_that_did_not_succeed_is_a_docharness_notice_naming_the_test(pytester: pytest.Pytester) -> None:
    """The test fails first (the job is not RUNNING); its teardown's error answer would be hidden by that failure."""
    pages = pytester.path / "pages"
    pages.mkdir()
    (pages / "jobs.asciidoc").write_text(
        "[source,js]\n----\nGET /jobs/abc\n----\n// CONSOLE\n// TEST[teardown:end_job]\n\n"
        '[source,js]\n----\n{"state": "RUNNING"}\n----\n// TESTRESPONSE[subset]\n', encoding="utf-8")
    with live_server(ready_after=1000) as server:
        server.state.jobs["abc"] = {"jid": "abc", "state": "CREATED"}
        (pages / "docharness.toml").write_text(
            f'[targets.live]\nurl = "{server.url}"\n[[sources]]\npaths = ["**"]\nfamily = "cloud"\n'
            '[teardowns]\nend_job = "DELETE /jobs/abc"\n', encoding="utf-8")
        result = pytester.runpytest("pages", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*= docharness notices =*",
                                 "warning[[]teardown-failed]: pages/jobs.asciidoc::line_2: a teardown did not succeed "
                                 "(teardown teardown:end_job: DELETE */jobs/abc answered 404): what the test started "
                                 "may still be on the target"])
