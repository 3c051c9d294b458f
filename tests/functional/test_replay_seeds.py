"""Replay of the real docs_src pages against the real reference server on a loopback port."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_project import resetting

from harness.cli import main
from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import FailureKind, Outcome, RunResult
from harness.server import ReferenceServer

REPO = Path(__file__).resolve().parents[2]
TOKEN = "seed-token-5f1e2d"


def replay_tree(root: Path, server: ReferenceServer, *paths: str) -> RunResult:
    config = resetting(load_config(root / "docs_src" / "docharness.toml"))
    # the Flink pages document a real Flink cluster (the live lane), not the reference server
    documents = load([root / p for p in (paths or ("docs_src/elasticsearch", "docs_src/cloud"))], root=root)
    with Replay(config, target_url=server.url, environ={"DOCHARNESS_TOKEN": TOKEN}, document_root=root) as replay:
        return run(documents, replay)


def outcomes(result: RunResult) -> dict[str, str]:
    return {r.node_id: r.outcome.value for r in result.results}


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "docs_src", tmp_path / "docs_src")
    return tmp_path


def test_every_seed_example_holds(fresh_reference_server: ReferenceServer) -> None:
    result = replay_tree(REPO, fresh_reference_server)
    assert outcomes(result) == {
        "docs_src/elasticsearch/rollup/stop-job.asciidoc::line_42": "passed",
        "docs_src/elasticsearch/rollup/stop-job.asciidoc::line_61": "passed",
        "docs_src/elasticsearch/rollup/start-job.asciidoc::line_41": "passed",
        "docs_src/elasticsearch/rollup/start-job.asciidoc::line_60": "passed",
        "docs_src/elasticsearch/ml/close-job.asciidoc::line_57": "skipped",
        "docs_src/cloud/cdm/stopping_a_job.rst::line_73": "passed",
        "docs_src/cloud/dli/stopping_jobs_in_batches.html::line_123": "passed",
    } | {k: v for k, v in outcomes(result).items() if not k.startswith(_SEEDS)}
    assert result.ok and result.complete


_SEEDS = tuple(f"docs_src/{p}::" for p in (
    "elasticsearch/rollup/stop-job.asciidoc", "elasticsearch/rollup/start-job.asciidoc",
    "elasticsearch/ml/close-job.asciidoc", "cloud/cdm/stopping_a_job.rst", "cloud/dli/stopping_jobs_in_batches.html"))


def test_the_missing_job_example_needs_error_trace_and_the_path_wildcard(fresh_reference_server: ReferenceServer) -> None:
    result = replay_tree(REPO, fresh_reference_server, "docs_src/elasticsearch/rollup/stop-job.asciidoc")
    missing = {r.name: r for r in result.results}["line_61"]
    (sent,) = [e for e in missing.exchanges if e.phase == "test"]
    assert sent.url.endswith("/_xpack/rollup/job/does_not_exist/_stop?error_trace=true")
    assert sent.status == 404 and sent.response_body is not None and '"stack_trace"' in sent.response_body
    started = {r.name: r for r in result.results}["line_42"]
    assert [e.phase for e in started.exchanges] == ["setup"] * 4 + ["test", "reset"]


def test_close_job_is_skipped_with_the_page_reason(fresh_reference_server: ReferenceServer) -> None:
    result = replay_tree(REPO, fresh_reference_server, "docs_src/elasticsearch/ml/close-job.asciidoc")
    todo = {r.name: r for r in result.results}["line_57"]
    assert (todo.outcome, todo.reason, todo.exchanges) == (Outcome.SKIPPED, "todo", ())


def test_an_expected_deprecation_warning_passes_and_a_missing_directive_fails(
        tmp_path: Path, fresh_reference_server: ReferenceServer) -> None:
    page = "docs_src/elasticsearch/ml/close-job-timeout.asciidoc"
    warned = {r.name: r for r in replay_tree(REPO, fresh_reference_server, page).results}["line_57"]
    assert warned.outcome is Outcome.PASSED, warned.failures
    (sent,) = [e for e in warned.exchanges if e.phase == "test"]
    assert "close_timeout=10m" in sent.url
    assert ("Warning", '299 Elasticsearch-6.8.13 "Deprecated field [close_timeout] used, expected [timeout] '
            'instead"') in sent.response_headers
    root = copy_project(tmp_path)
    copy = root / page
    text = copy.read_text(encoding="utf-8")
    directive = "// TEST[warning:Deprecated field [close_timeout] used, expected [timeout] instead]\n"
    assert directive in text
    copy.write_text(text.replace(directive, ""), encoding="utf-8")
    unwarned = {r.name: r for r in replay_tree(root, fresh_reference_server, page).results}["line_57"]
    assert unwarned.outcome is Outcome.FAILED
    (failure,) = unwarned.failures
    assert failure.kind is FailureKind.WARNINGS
    assert failure.message == ("got unexpected warning header: "
                               "Deprecated field [close_timeout] used, expected [timeout] instead")
    assert failure.span is not None and (failure.span.path, failure.span.line) == (page, 58)


def test_cloud_pages_send_the_token_and_fill_placeholders(fresh_reference_server: ReferenceServer) -> None:
    result = replay_tree(REPO, fresh_reference_server, "docs_src/cloud")
    cdm = {r.document: r for r in result.results}["docs_src/cloud/cdm/stopping_a_job.rst"]
    (sent,) = [e for e in cdm.exchanges if e.phase == "test"]
    assert ("X-Auth-Token", "***") in sent.request_headers
    assert "/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/" in sent.url and "error_trace" not in sent.url
    assert cdm.outcome is Outcome.PASSED


def test_a_broken_copy_fails_with_the_diff_and_the_line(tmp_path: Path, fresh_reference_server: ReferenceServer) -> None:
    root = copy_project(tmp_path)
    page = root / "docs_src/elasticsearch/rollup/stop-job.asciidoc"
    text = page.read_text(encoding="utf-8")
    text = text.replace('"stopped": true', '"stopped": false')
    text = text.replace('"reason" : "Task for Rollup Job [does_not_exist] not found",\n                "stack',
                        '"reason" : "No such job",\n                "stack')
    page.write_text(text, encoding="utf-8")
    result = replay_tree(root, fresh_reference_server, "docs_src/elasticsearch/rollup/stop-job.asciidoc")
    first, second = result.results
    assert first.outcome is Outcome.FAILED and first.failures[0].kind is FailureKind.BODY
    assert [(m.path, m.expected, m.actual) for m in first.failures[0].diff] == [("$.stopped", "false", "true")]
    span = first.failures[0].span
    assert span is not None and (span.path, span.line) == ("docs_src/elasticsearch/rollup/stop-job.asciidoc", 53)
    assert [m.path for m in second.failures[0].diff] == ["$.error.root_cause[0].reason"]
    assert not result.ok


def test_the_cli_fails_with_exit_1_and_renders_the_source_line(tmp_path: Path, fresh_reference_server: ReferenceServer,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    page = root / "docs_src/elasticsearch/rollup/start-job.asciidoc"
    page.write_text(page.read_text(encoding="utf-8").replace('"started": true', '"started": "yes"'), encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("DOCHARNESS_TOKEN", TOKEN)
    status = main(["replay", "docs_src/elasticsearch/rollup/start-job.asciidoc", "--target", fresh_reference_server.url])
    out = capsys.readouterr().out
    assert status == 1
    assert "docs_src/elasticsearch/rollup/start-job.asciidoc::line_41 (failed)" in out
    assert "--> docs_src/elasticsearch/rollup/start-job.asciidoc:52:3" in out
    assert '52 |   "started": "yes"' in out
    assert "at $.started: expected string, got boolean" in out
    assert out.splitlines()[-1].startswith("1 passed, 1 failed, 0 error, 0 skipped in ")


def test_dry_run_prints_the_plan_and_sends_nothing(fresh_reference_server: ReferenceServer,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("DOCHARNESS_TOKEN", TOKEN)
    before = fresh_reference_server.request_count
    status = main(["replay", "--dry-run", "--target", fresh_reference_server.url])
    out = capsys.readouterr().out
    assert status == 0
    assert fresh_reference_server.request_count == before
    url = fresh_reference_server.url
    assert f"test      POST {url}/_xpack/rollup/job/sensor/_stop?error_trace=true" in out
    assert f"setup     PUT {url}/sensor-1?error_trace=true   (setup:sensor_started_rollup_job)" in out
    assert f"test      PUT {url}/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/6ec9a0a4-76be-4262-8697-e7af1fac7920/cdm/job/jdbc2hive/stop" in out
    assert "X-Auth-Token: ***" in out and TOKEN not in out
    assert '"job_ids": [128, 137],' in out
    assert "skipped: todo" in out
    assert "none sent" in out


def test_dry_run_on_the_embedded_target_starts_no_server(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["replay", "--dry-run", "-k", "stop-job and line_42"]) == 0
    out = capsys.readouterr().out
    assert "POST http://embedded/_xpack/rollup/job/sensor/_stop?error_trace=true" in out
    assert "line_61" not in out
