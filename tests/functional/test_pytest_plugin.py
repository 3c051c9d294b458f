"""The pytest plugin through pytester: collection, node ids, -k, --junitxml, failures, xdist."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.server import ReferenceServer

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    shutil.copytree(REPO / "docs_src", pytester.path / "docs_src")
    monkeypatch.setenv("DOCHARNESS_TOKEN", "plugin-token-77aa")
    monkeypatch.delenv("DOCHARNESS_FLINK_URL", raising=False)  # the Flink pages need a live cluster
    return pytester


def test_every_seed_example_is_an_item_with_a_readable_id(project: pytest.Pytester) -> None:
    result = project.runpytest("docs_src", "-v", "-p", "no:randomly")
    # the close-job todo, and the 15 Flink tests, skipped without a cluster's URL
    result.assert_outcomes(passed=_passed(result), skipped=16)
    result.stdout.fnmatch_lines([
        "docs_src/cloud/cdm/stopping_a_job.rst::line_73 PASSED*",
        "docs_src/cloud/dli/stopping_jobs_in_batches.html::line_123 PASSED*",
        "docs_src/elasticsearch/ml/close-job.asciidoc::line_57 SKIPPED (todo)*",
        "docs_src/elasticsearch/rollup/start-job.asciidoc::line_41 PASSED*",
        "docs_src/elasticsearch/rollup/stop-job.asciidoc::line_61 PASSED*",
        "docs_src/flink/rest/run-jar-workflow.asciidoc::line_27 SKIPPED (*",
    ])
    assert result.ret == 0


def test_a_failure_shows_the_source_and_diff_not_a_traceback(project: pytest.Pytester) -> None:
    page = project.path / "docs_src/elasticsearch/rollup/start-job.asciidoc"
    page.write_text(page.read_text(encoding="utf-8").replace('"started": true', '"started": false'), encoding="utf-8")
    result = project.runpytest("docs_src/elasticsearch/rollup/start-job.asciidoc")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "failure?body?: Response body differs from the page",
        "*--> docs_src/elasticsearch/rollup/start-job.asciidoc:52:3",
        '52 |   "started": false',
        "  at $.started: values differ",
        "    expected: false",
        "    actual:   true",
    ])
    assert "Traceback" not in result.stdout.str()
    assert "plugin-token-77aa" not in result.stdout.str()


def test_an_error_outcome_is_a_pytest_error(project: pytest.Pytester) -> None:
    page = project.path / "docs_src/elasticsearch/rollup/stop-job.asciidoc"
    page.write_text(page.read_text(encoding="utf-8").replace("setup:sensor_started_rollup_job", "setup:nope"),
                    encoding="utf-8")
    result = project.runpytest("docs_src/elasticsearch/rollup/stop-job.asciidoc")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*error?unknown_setup?: Unknown named setup or teardown*"])
    assert "Traceback" not in result.stdout.str()


def test_k_x_and_junitxml(project: pytest.Pytester) -> None:
    result = project.runpytest("docs_src", "-k", "stop-job and line_61", "--junitxml=out.xml")
    result.assert_outcomes(passed=1)
    cases = ET.parse(project.path / "out.xml").getroot().findall(".//testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("docs_src.elasticsearch.rollup.stop-job.asciidoc", "line_61")]
    page = project.path / "docs_src/elasticsearch/rollup/start-job.asciidoc"
    page.write_text(page.read_text(encoding="utf-8").replace('"started": true', '"started": 1'), encoding="utf-8")
    stopped = project.runpytest("docs_src/elasticsearch/rollup", "-x", "-v")
    assert stopped.parseoutcomes()["failed"] == 1
    stopped.stdout.fnmatch_lines(["*start-job.asciidoc::line_41 FAILED*", "*stopping after 1 failures*"])
    assert "stop-job.asciidoc::line_42" not in stopped.stdout.str()


def test_only_files_under_a_docharness_toml_are_collected(pytester: pytest.Pytester) -> None:
    (pytester.path / "samples").mkdir()
    shutil.copy(REPO / "docs_src/elasticsearch/rollup/stop-job.asciidoc", pytester.path / "samples" / "stop-job.asciidoc")
    result = pytester.runpytest("samples")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_target_option(project: pytest.Pytester, fresh_reference_server: ReferenceServer) -> None:
    before = fresh_reference_server.request_count
    result = project.runpytest("docs_src/elasticsearch/rollup/stop-job.asciidoc",
                               "--docharness-target", fresh_reference_server.url)
    result.assert_outcomes(passed=2)
    # 4 setup steps and 2 tests: the reset steps stay with the configured (embedded) target
    assert fresh_reference_server.request_count - before == 6
    result.stdout.fnmatch_lines(["*= docharness notices =*", "info?reset-not-run?: the reset steps of target "
                                 f"'reference' are not run against --target {fresh_reference_server.url}*"])


def test_xdist_loadfile_keeps_documents_whole(project: pytest.Pytester) -> None:
    # each worker starts its own embedded reference server: documents never share state
    result = project.runpytest_subprocess("docs_src", "-n", "2", "--dist", "loadfile", "-p", "no:cacheprovider")
    # one page skip (close-job's todo), and the Flink pages, not run without a cluster's URL
    flink = len([p for p in (project.path / "docs_src" / "flink").rglob("*") if p.is_file()])
    summary = result.parseoutcomes()
    assert summary["skipped"] > flink >= 6, summary
    result.assert_outcomes(skipped=summary["skipped"], passed=_passed(result))
    assert result.ret == 0


def _passed(result: pytest.RunResult) -> int:
    """The passed count, which must cover at least the six runnable seed examples (docs_src grows)."""
    summary = result.parseoutcomes()
    assert summary.get("passed", 0) >= 6, summary
    return summary["passed"]


def test_page_warnings_are_pytest_warnings_at_the_page_line(project: pytest.Pytester) -> None:
    result = project.runpytest("docs_src/elasticsearch/ml/close-job.asciidoc", "-p", "no:randomly")
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines([
        "*warnings summary*",
        "*docs_src/elasticsearch/ml/close-job.asciidoc:64: DocumentWarning: warning?missing-language?: code block "
        "without a language*",
        "*--> docs_src/elasticsearch/ml/close-job.asciidoc:64:1",
    ])


def test_a_malformed_snippet_is_one_error_item_with_its_place(project: pytest.Pytester) -> None:
    shutil.copy(REPO / "tests/samples/asciidoc/bad-console-body.asciidoc",
                project.path / "docs_src/elasticsearch/bad-body.asciidoc")
    result = project.runpytest("docs_src/elasticsearch/bad-body.asciidoc", "docs_src/elasticsearch/rollup", "-v")
    result.assert_outcomes(passed=_passed(result), errors=1)
    result.stdout.fnmatch_lines([
        "*bad-body.asciidoc::line_2 ERROR*",
        "*error?invalid_example?: The example cannot be run as written*",
        "*--> docs_src/elasticsearch/bad-body.asciidoc:7:1",
        "*this console line is not part of any request*",
    ])
    assert "Traceback" not in result.stdout.str() and "INTERNALERROR" not in result.stdout.str()


def test_an_undecodable_page_is_one_error_item_at_its_byte(project: pytest.Pytester) -> None:
    page = project.path / "docs_src/elasticsearch/latin1.asciidoc"
    page.write_bytes(b"= Caf\xe9\n\n[source,js]\n----\nGET /\n----\n// CONSOLE\n")
    result = project.runpytest(str(page.relative_to(project.path)), "-v")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--> docs_src/elasticsearch/latin1.asciidoc:1:6", "*not valid UTF-8 (byte 0xe9)*"])
    assert "Traceback" not in result.stdout.str() and "INTERNALERROR" not in result.stdout.str()


def test_pages_are_read_with_the_configured_elasticsearch_rules(project: pytest.Pytester) -> None:
    config = project.path / "docs_src/docharness.toml"
    config.write_text('[elasticsearch]\nrules = "8.x"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = project.runpytest("docs_src/elasticsearch/rollup/stop-job.asciidoc")
    # the page's // CONSOLE lines are errors for the 8.x build (the default rules accept them)
    result.stdout.fnmatch_lines(["*Use `?source,console?` instead of `// CONSOLE`"])
    assert result.parseoutcomes()["errors"] == 4
